"""medplan serve --workers: each worker listens on a socket of its own, so new connections are spread evenly.

uvicorn hands every worker the one socket its supervisor bound; asyncio
accepts all the connections waiting on it whenever a worker looks, so the
first worker to look took a burst of connections whole. ``own_listener``
gives each worker its own listening socket on that address (``SO_REUSEPORT``),
and Linux spreads the connections over them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from uvicorn.importer import import_from_string

from medplan.web import _uvicorn
from medplan.web import app as service

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreads connections on Linux")


def bound(family: socket.AddressFamily = socket.AF_INET, host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket bound to a free port and not listening, as uvicorn's supervisor leaves the one it shares."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:  # IPv6 connections only: not what the system sets by default
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((host, 0))
    return sock


def accepted_by(listeners: list[socket.socket], connections: int) -> list[int]:
    """How many of ``connections`` new connections to the listeners' address each listener can accept."""
    for listener in listeners:
        listener.listen(connections)
        listener.setblocking(False)
    address = listeners[0].getsockname()
    clients = [socket.create_connection(address[:2]) for _ in range(connections)]
    counts = []
    try:
        for listener in listeners:
            count = 0
            with contextlib.suppress(BlockingIOError):
                while True:
                    listener.accept()[0].close()
                    count += 1
            counts.append(count)
    finally:
        for client in clients:
            client.close()
    return counts


@linux_only
def test_two_workers_listeners_share_new_connections_evenly():
    """Two workers' own listeners on the shared socket's address each take a fair share of 40 new connections."""
    with bound() as shared:
        listeners = [_uvicorn.own_listener(shared) for _ in range(2)]
        try:
            counts = accepted_by(listeners, 40)
        finally:
            for listener in listeners:
                listener.close()

    assert all(listener is not shared for listener in listeners)
    assert sum(counts) == 40
    assert min(counts) >= 8  # a binomial share of 40: fewer than 8 is a 1-in-50,000 chance


@linux_only
def test_an_ipv6_listener_keeps_the_shared_sockets_v6only_setting():
    """A worker's listener on an IPv6 address takes IPv4 connections too exactly when the shared socket does."""
    try:
        shared = bound(socket.AF_INET6, "::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with shared, _uvicorn.own_listener(shared) as own:
        assert own is not shared
        assert own.getsockname()[:2] == shared.getsockname()[:2]
        assert own.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1


def test_off_linux_the_workers_keep_sharing_the_one_socket(monkeypatch):
    """Where SO_REUSEPORT does not spread connections (macOS, the BSDs), the shared socket is served as it is."""
    monkeypatch.setattr(_uvicorn.sys, "platform", "darwin")
    with bound() as shared:
        assert _uvicorn.own_listener(shared) is shared


def test_a_unix_socket_is_served_as_it_is(tmp_path):
    """A Unix socket has no port to share: the worker serves the socket it was given."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as shared:
        shared.bind(str(tmp_path / "medplan.sock"))
        assert _uvicorn.own_listener(shared) is shared


class RefusingSocket(socket.socket):
    """A real socket on which the kernel refuses SO_REUSEPORT."""

    def setsockopt(self, level, option, value):
        if option == socket.SO_REUSEPORT:
            raise PermissionError
        super().setsockopt(level, option, value)


@linux_only
def test_a_kernel_that_refuses_so_reuseport_leaves_the_shared_socket():
    """If the option cannot be set, the worker serves the shared socket, as uvicorn alone would."""
    with RefusingSocket(socket.AF_INET, socket.SOCK_STREAM) as shared:
        shared.bind(("127.0.0.1", 0))
        assert _uvicorn.own_listener(shared) is shared


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


@linux_only
def test_the_worker_loop_serves_a_socket_handed_to_it_on_one_of_its_own():
    """The loop's server for a socket uvicorn hands a worker listens on another socket, at the same address."""
    with bound() as shared:
        [(fileno, name)] = serving_sockets(sock=shared)

        assert fileno != shared.fileno()
        assert name == shared.getsockname()


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


@linux_only
def test_medplan_serve_with_two_workers_spreads_keep_alive_connections_over_both(tmp_path):
    """With both workers started, 40 keep-alive connections that each get an answer are held by both workers, each a fair share."""
    port = free_port()
    medplan_script = Path(sys.executable).parent / "medplan"
    command = [str(medplan_script), "serve", "--port", str(port), "--workers", "2", "--no-access-log"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our own command
    clients = []
    try:
        deadline = time.monotonic() + 60
        while len(tcp_sockets(port, "0A")) < 2:  # each worker's own listener
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "two workers did not listen within a minute"
            time.sleep(0.1)
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
    assert sum(held) == 40  # the supervisor's other child, multiprocessing's resource tracker, holds none
    assert min(sorted(held)[-2:]) >= 8  # both workers: fewer than 8 of 40 is a 1-in-50,000 chance
