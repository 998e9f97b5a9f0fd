"""medplan serve --workers: each worker's event loop takes turns with the others at the shared listening socket.

uvicorn hands every worker the one socket its supervisor bound; asyncio
accepts all the connections waiting on it whenever a worker looks, so the
first worker to look took a burst of connections whole. The worker loop
serves that socket through a balanced listener (``medplan.web._balance``),
which leaves a connection to another worker when it holds more, and the loop
then looks again a moment later instead of being woken at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from uvicorn.importer import import_from_string

from medplan.web import _balance, _uvicorn
from medplan.web import app as service

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="medplan serve balances its workers on Linux")


def bound(family: socket.AddressFamily = socket.AF_INET, host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket bound to a free port and not listening, as uvicorn's supervisor leaves the one it shares."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


def serving_sockets(**where) -> list[tuple]:
    """The addresses the worker loop's server listens on, created with ``where`` (a socket, or a host and port)."""
    loop = _uvicorn.loop_factory()
    try:
        server = loop.run_until_complete(loop.create_server(asyncio.Protocol, **where))
        names = [(sock.fileno(), sock.getsockname()) for sock in server.sockets]
        server.close()
        loop.run_until_complete(server.wait_closed())
    finally:
        loop.close()
    return names


def test_the_worker_loop_serves_a_socket_handed_to_it_through_a_balanced_listener(monkeypatch):
    """On the board medplan serve names, the loop's server for a socket uvicorn hands a worker listens through a listener of its own, at the same address."""
    with _balance.board() as path, bound() as shared:
        monkeypatch.setenv(_balance.BOARD_ENV, path)
        shared_fileno = shared.fileno()
        [(fileno, name)] = serving_sockets(sock=shared)

        assert fileno != shared_fileno
        assert name == shared.getsockname()
        assert shared.fileno() == shared_fileno  # left open for uvicorn, which closes it itself


def test_without_a_board_the_worker_loop_serves_the_socket_handed_to_it(monkeypatch):
    """With no board (uvicorn run without medplan serve's workers), the loop serves the socket it is handed, as asyncio does."""
    monkeypatch.delenv(_balance.BOARD_ENV, raising=False)
    with bound() as shared:
        shared_fileno = shared.fileno()
        [(fileno, _)] = serving_sockets(sock=shared)

        assert fileno == shared_fileno
        assert shared.fileno() == -1  # the server closed the very socket it served


class Watched(_uvicorn._WorkerLoop):  # noqa: SLF001
    """The worker loop, counting the times it is woken to accept."""

    wakes = 0

    def _accept_connection(self, *args):
        self.wakes += 1
        super()._accept_connection(*args)


async def serve_and_connect(loop, shared, clients: int) -> tuple[asyncio.Server, list[asyncio.BaseTransport], asyncio.Event, list[socket.socket]]:
    """A server on ``shared`` whose connections' transports are listed (the event is set once all are), and ``clients`` connections to it."""
    made: list[asyncio.BaseTransport] = []

    class Recorded(asyncio.Protocol):
        def connection_made(self, transport):
            made.append(transport)
            if len(made) == clients:
                every.set()

    every = asyncio.Event()

    server = await loop.create_server(Recorded, sock=shared)
    connected = [socket.create_connection(shared.getsockname()) for _ in range(clients)]
    return server, made, every, connected


async def close_all(transports: list[asyncio.BaseTransport], clients: list[socket.socket]) -> None:
    for transport in transports:
        transport.close()
    for client in clients:
        client.close()
    await asyncio.sleep(0)  # the transports' closing callbacks


def accept_every(loop: Watched, shared: socket.socket, clients: int) -> tuple[int, float]:
    """Serve ``shared`` on ``loop`` until ``clients`` connections are accepted: how many were, and the seconds it took."""

    async def run() -> tuple[int, float]:
        server, made, every, connected = await serve_and_connect(loop, shared, clients)
        started = time.monotonic()
        await asyncio.wait_for(every.wait(), 5)
        waited = time.monotonic() - started
        server.close()
        await server.wait_closed()
        await close_all(made, connected)
        return len(made), waited

    return loop.run_until_complete(run())

def test_a_worker_turned_away_looks_again_later_and_takes_the_connection_after_the_longest_wait(monkeypatch):
    """While another worker (which never accepts) holds fewer connections, the loop is woken a few times, not at every turn, and takes the connection after LONGEST_WAIT."""
    with _balance.board() as path, bound() as shared:
        monkeypatch.setenv(_balance.BOARD_ENV, path)
        idle_worker = _balance.Board(path)
        assert idle_worker.join()  # holds 0 connections and never accepts
        loop = Watched()
        try:
            accepted, waited = accept_every(loop, shared, 2)
        finally:
            loop.close()

    assert accepted == 2
    assert waited >= _balance.LONGEST_WAIT
    # About one look per LOOK_AGAIN over the wait; woken at every turn of the loop, it would be thousands.
    assert loop.wakes < 3 * _balance.LONGEST_WAIT / _balance.LOOK_AGAIN


def test_a_worker_alone_on_the_board_accepts_every_connection_as_it_comes(monkeypatch):
    """With no other worker to take turns with, the loop accepts each connection when it is woken, without waiting."""
    with _balance.board() as path, bound() as shared:
        monkeypatch.setenv(_balance.BOARD_ENV, path)
        loop = Watched()
        try:
            accepted, waited = accept_every(loop, shared, 3)
        finally:
            loop.close()

    assert accepted == 3
    assert waited < _balance.LONGEST_WAIT


def test_a_server_closed_while_its_worker_waits_to_look_again_ends_quietly(monkeypatch):
    """Closing the server while the loop is to look again later neither watches a closed socket nor raises."""
    errors = []
    with _balance.board() as path, bound() as shared:
        monkeypatch.setenv(_balance.BOARD_ENV, path)
        assert _balance.Board(path).join()
        loop = Watched()
        loop.set_exception_handler(lambda _loop, context: errors.append(context))
        try:

            async def run():
                server, made, _every, clients = await serve_and_connect(loop, shared, 2)
                while loop.wakes < 2:  # noqa: ASYNC110 - the loop counts its wakes; the second is the one turned away
                    await asyncio.sleep(0.001)
                server.close()
                await server.wait_closed()
                await asyncio.sleep(3 * _balance.LOOK_AGAIN)
                await close_all(made, clients)
                return len(made)

            accepted = loop.run_until_complete(run())
        finally:
            loop.close()

    assert accepted == 1
    assert errors == []


def test_the_worker_loop_serves_a_host_and_port_as_asyncio_does():
    """Given a host and port (medplan serve with one worker), the loop's server binds them as asyncio would."""
    [(_, (host, port))] = serving_sockets(host="127.0.0.1", port=0)

    assert host == "127.0.0.1"
    assert port > 0


def uvicorn_options(monkeypatch) -> list[dict]:
    """The options serve() hands uvicorn, with one worker and then two (uvicorn itself is not run)."""
    import uvicorn  # noqa: PLC0415

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: calls.append(options))
    # Set here so that monkeypatch puts back what serve() changes.
    for name in (service.TABLE_ENV, service.POLICIES_ENV, service.HEADER_TIMEOUT_ENV):
        monkeypatch.setenv(name, "set by serve()")
    service.serve(port=0)
    service.serve(port=0, workers=2)
    return calls


def test_serve_on_linux_hands_uvicorn_the_worker_loop(monkeypatch):
    """On Linux, serve() names the worker loop's factory as uvicorn's loop, with one worker and with several."""
    monkeypatch.setattr(service.sys, "platform", "linux")

    calls = uvicorn_options(monkeypatch)

    assert [import_from_string(options["loop"]) for options in calls] == [_uvicorn.loop_factory] * 2


@pytest.mark.parametrize(("platform", "named"), [("linux", True), ("win32", False)])
def test_serve_names_a_board_to_several_workers_on_linux_only_while_they_run(monkeypatch, platform, named):
    """On Linux, serve() with two workers names them a board while uvicorn runs, and removes it (and the name) after."""
    import uvicorn  # noqa: PLC0415

    monkeypatch.setattr(service.sys, "platform", platform)
    monkeypatch.delenv(_balance.BOARD_ENV, raising=False)
    seen = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **_options: seen.append(os.environ.get(_balance.BOARD_ENV)))
    for name in (service.TABLE_ENV, service.POLICIES_ENV, service.HEADER_TIMEOUT_ENV):
        monkeypatch.setenv(name, "set by serve()")

    service.serve(port=0)
    service.serve(port=0, workers=2)

    [one_worker, two_workers] = seen
    assert one_worker is None
    assert (two_workers is not None) is named
    assert _balance.BOARD_ENV not in os.environ
    assert two_workers is None or not Path(two_workers).exists()


def test_serve_without_a_board_runs_the_workers_without_turns(monkeypatch):
    """Where no board can be written, serve() still runs its workers, naming them none."""
    import uvicorn  # noqa: PLC0415

    @contextlib.contextmanager
    def no_board():
        yield None

    monkeypatch.setattr(service.sys, "platform", "linux")
    monkeypatch.setattr(_balance, "board", no_board)
    monkeypatch.delenv(_balance.BOARD_ENV, raising=False)
    seen = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: seen.append((options["workers"], os.environ.get(_balance.BOARD_ENV))))
    for name in (service.TABLE_ENV, service.POLICIES_ENV, service.HEADER_TIMEOUT_ENV):
        monkeypatch.setenv(name, "set by serve()")

    service.serve(port=0, workers=2)

    assert seen == [(2, None)]


def test_serve_elsewhere_leaves_uvicorn_its_own_loop(monkeypatch):
    """Off Linux, serve() names no loop, so uvicorn picks its own (the proactor on Windows)."""
    monkeypatch.setattr(service.sys, "platform", "win32")

    calls = uvicorn_options(monkeypatch)

    assert ["loop" in options for options in calls] == [False, False]


# --- a real medplan serve --workers 2 ------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tcp_sockets(port: int, state: str) -> set[int]:
    """The inodes of this machine's IPv4 TCP sockets on local ``port`` in ``state`` (0A listening, 01 established)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rpartition(":")[2], 16) == port and fields[3] == state:
            found.add(int(fields[9]))
    return found


def socket_inodes(pid: int) -> set[int]:
    """The inodes of the sockets process ``pid`` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    return inodes


def children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()]


def worker_board(pid: int) -> str:
    """The board a worker of medplan serve was named (its environment, as medplan serve set it)."""
    environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    prefix = _balance.BOARD_ENV.encode() + b"="
    return next(entry[len(prefix) :].decode() for entry in environment if entry.startswith(prefix))


def joined_workers(pids: list[int]) -> int:
    """How many of the processes have joined the board medplan serve made (0 until a worker has started)."""
    for pid in pids:
        with contextlib.suppress(StopIteration, OSError):
            board = _balance.Board(worker_board(pid))
            slots = [_balance._SLOT.unpack_from(board._map, offset)[0] for offset in range(0, _balance.SLOTS * _balance._SLOT.size, _balance._SLOT.size)]  # noqa: SLF001
            return sum(slot in pids for slot in slots)
    return 0


@linux_only
def test_medplan_serve_with_two_workers_holds_keep_alive_connections_half_and_half(tmp_path):
    """With both workers started, 40 keep-alive connections that each get an answer are held 20 by each worker, and the board is removed at the end."""
    port = free_port()
    medplan_script = Path(sys.executable).parent / "medplan"
    command = [str(medplan_script), "serve", "--port", str(port), "--workers", "2", "--no-access-log"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our own command
    clients = []
    try:
        deadline = time.monotonic() + 60
        while joined_workers(children(process.pid)) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "two workers did not take their places within a minute"
            time.sleep(0.1)
        board = worker_board(children(process.pid)[0])
        for _ in range(40):
            client = socket.create_connection(("127.0.0.1", port), timeout=30)
            client.sendall(b"GET /health HTTP/1.1\r\nHost: medplan\r\n\r\n")
            assert client.recv(64).startswith(b"HTTP/1.1 200 ")
            clients.append(client)
        established = tcp_sockets(port, "01")
        held = [len(socket_inodes(worker) & established) for worker in children(process.pid)]
    finally:
        for client in clients:
            client.close()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)

    assert process.returncode == 0, err
    # The supervisor's other child, multiprocessing's resource tracker, holds none.
    assert sorted(held, reverse=True)[:2] == [20, 20]
    assert not Path(board).exists()
