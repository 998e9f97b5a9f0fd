"""Resource limits (issue 16): no request takes the service or a batch down.

- ``medplan serve`` closes a connection that does not send a request's headers in time,
  so 200 half-open connections neither hold the service nor delay a normal call; every
  route, schema files included, says ``Cache-Control: no-store`` and ``nosniff``.
- ``medplan batch --jobs`` runs at most one worker per CPU; its workers end with it,
  however it ends; Ctrl-C stops it with exit 130, one line, and whole output lines.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import testchild
from starlette.testclient import TestClient
from strategies import VALID

from medplan import batch, cli
from medplan.web import _uvicorn, app

LINE = json.dumps(VALID) + "\n"


# --- security headers -------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/openapi.json", "/request.schema.json", "/plan.schema.json", "/health", "/version",
    "/no-such-path", "/pharmacist", "/v1/procedures",
])
def test_every_route_says_no_store_and_nosniff(path):
    """Schema files, errors and the page alike: no cache keeps a copy, no browser guesses a type."""
    response = TestClient(app.create_app()).get(path)

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_route_added_without_the_headers_gets_them():
    """An extra route that sets neither header still answers with both, once each."""
    from starlette.responses import PlainTextResponse  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    extra = Route("/extra", lambda _: PlainTextResponse("hi"), methods=["GET"])
    response = TestClient(app.create_app(extra_routes=[extra])).get("/extra")

    assert response.headers.get_list("Cache-Control") == ["no-store"]
    assert response.headers.get_list("X-Content-Type-Options") == ["nosniff"]


# --- the header timeout, in the protocol ---------------------------------------------


class Transport(asyncio.Transport):
    """A transport that records whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def get_extra_info(self, _name, default=None):
        return default

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


class Cycle:
    def __init__(self, *, complete: bool) -> None:
        self.response_complete = complete


@pytest.fixture
def protocol(monkeypatch):
    """The protocol with uvicorn's own connection handling replaced by no-ops (not under test here)."""
    monkeypatch.setattr(_uvicorn._Protocol, "connection_made", lambda self, transport: setattr(self, "transport", transport))  # noqa: SLF001
    monkeypatch.setattr(_uvicorn._Protocol, "on_response_complete", lambda _self: None)  # noqa: SLF001
    monkeypatch.setattr(_uvicorn._Protocol, "connection_lost", lambda _self, _exc: None)  # noqa: SLF001
    monkeypatch.setenv(app.HEADER_TIMEOUT_ENV, "0.05")
    made = object.__new__(_uvicorn.NoDelayHTTPProtocol)
    made.cycle = None
    return made


def test_a_connection_without_a_request_is_closed_after_the_header_timeout(protocol):
    """No request's headers within MEDPLAN_HEADER_TIMEOUT of the connection: it is closed."""
    transport = Transport()

    async def scenario():
        protocol.connection_made(transport)
        await asyncio.sleep(0.2)

    asyncio.run(scenario())

    assert transport.closed


def test_a_request_in_progress_is_not_cut_off(protocol):
    """A request whose headers came, still being answered, keeps its connection past the timeout."""
    transport = Transport()

    async def scenario():
        protocol.connection_made(transport)
        protocol.cycle = Cycle(complete=False)
        await asyncio.sleep(0.2)

    asyncio.run(scenario())

    assert not transport.closed


def test_after_a_response_the_next_requests_headers_are_timed_too(protocol):
    """After a response, a connection that starts no new request is closed; the earlier clock is stopped."""
    transport = Transport()

    async def scenario():
        protocol.connection_made(transport)
        first = protocol._header_timer  # noqa: SLF001 - the clock under test
        protocol.cycle = Cycle(complete=True)
        protocol.on_response_complete()
        assert first.cancelled()
        await asyncio.sleep(0.2)

    asyncio.run(scenario())

    assert transport.closed


def test_a_lost_connection_stops_its_clock(protocol):
    """Once uvicorn has lost the connection, nothing is left to close it later."""
    transport = Transport()

    async def scenario():
        protocol.connection_made(transport)
        timer = protocol._header_timer  # noqa: SLF001 - the clock under test
        protocol.connection_lost(None)
        assert timer.cancelled()
        assert protocol._header_timer is None  # noqa: SLF001
        protocol.connection_lost(None)  # twice, as a transport may report it

    asyncio.run(scenario())

    assert not transport.closed


def test_a_connection_already_closing_is_left_alone(protocol):
    """The timeout does not close a transport twice."""
    transport = Transport()

    async def scenario():
        protocol.connection_made(transport)
        transport.closed = True
        transport.close = lambda: pytest.fail("closed twice")
        await asyncio.sleep(0.2)

    asyncio.run(scenario())


def test_the_header_timeout_defaults_to_ten_seconds(monkeypatch):
    """Without MEDPLAN_HEADER_TIMEOUT, a connection has 10 seconds to send its headers."""
    monkeypatch.delenv(app.HEADER_TIMEOUT_ENV, raising=False)

    assert _uvicorn.header_timeout() == 10.0


def test_serve_passes_the_header_timeout_and_the_connection_limit(monkeypatch):
    """serve() sets the protocol's header timeout and uvicorn's limit_concurrency from its arguments."""
    import uvicorn  # noqa: PLC0415

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: calls.append(options))
    monkeypatch.setenv(app.HEADER_TIMEOUT_ENV, "unset by serve")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    status = cli.main(["serve", "--port", str(port), "--header-timeout", "3", "--max-connections", "50"])

    assert status == 0
    assert calls[0]["limit_concurrency"] == 50
    assert os.environ[app.HEADER_TIMEOUT_ENV] == "3.0"


# --- 200 half-open connections against a real medplan serve -----------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_plan(port: int) -> float:
    """Seconds one normal POST /v1/plan takes."""
    started = time.monotonic()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/plan", data=LINE.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the test's own server
        assert answer.status == 200
        json.load(answer)
    return time.monotonic() - started


@pytest.fixture
def server(tmp_path):
    """`medplan serve` (run in a folder that is not the checkout) on a free port with a 2-second header timeout, stopped after the test."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "medplan", "serve", "--port", str(port), "--header-timeout", "2", "--no-access-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                break
        except OSError:
            assert time.monotonic() < deadline, "medplan serve did not start"
            time.sleep(0.1)
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def test_200_half_open_connections_neither_delay_a_call_nor_stay_open(server):
    """200 clients that send half a request's headers: a normal /v1/plan still answers within a second, and the server closes them once the header timeout passes."""
    slow = []
    try:
        for _ in range(200):
            connection = socket.create_connection(("127.0.0.1", server), timeout=5)
            connection.sendall(b"POST /v1/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: app")
            slow.append(connection)

        assert post_plan(server) < 1.0

        time.sleep(2.5)
        closed = 0
        for connection in slow:
            connection.settimeout(3)
            try:
                closed += connection.recv(1024) == b""
            except (ConnectionResetError, TimeoutError):
                closed += 0
        assert closed == 200
    finally:
        for connection in slow:
            connection.close()


# --- batch --jobs ---------------------------------------------------------------------


def run(argv, capsys) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_jobs_beyond_the_cpus_are_clamped_with_a_notice(monkeypatch, capsys, tmp_path):
    """--jobs 64 on a one-CPU machine plans in one process and says so in one line; the plans are all there."""
    monkeypatch.setattr(batch, "_cpus", lambda: 1)
    path = tmp_path / "day.jsonl"
    path.write_text(LINE * 3, encoding="utf-8")

    status, out, err = run(["batch", "--jobs", "64", str(path)], capsys)

    assert status == 0
    assert err == "medplan batch: --jobs 64 is more than the 1 CPUs this process may use; planning in 1\n"
    assert len(out.splitlines()) == 3


def test_the_cpus_are_the_ones_this_process_may_use():
    """The limit is the process's CPU affinity where the platform gives it, at least one."""
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    assert batch._cpus() == expected >= 1  # noqa: SLF001


def test_a_worker_ends_once_its_parent_has_gone(monkeypatch):
    """The watch thread checks the parent's id and ends the worker when it changes."""
    parents = iter([41, 41, 1])
    sleeps = []
    monkeypatch.setattr(os, "getppid", lambda: next(parents))
    monkeypatch.setattr(time, "sleep", sleeps.append)

    def exit_(code):
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", exit_)

    with pytest.raises(SystemExit) as excinfo:
        batch._watch_parent(41, every=0.5)  # noqa: SLF001

    assert (excinfo.value.code, sleeps) == (70, [0.5, 0.5])


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_a_worker_asks_the_kernel_and_a_thread_to_end_it_with_its_parent(platform, monkeypatch):
    """On Linux, prctl(PR_SET_PDEATHSIG, SIGTERM); on every platform, the watch thread on the parent's id."""
    import ctypes  # noqa: PLC0415

    asked, threads = [], []

    class Libc:
        def prctl(self, option, value):
            asked.append((option, value))

    class Thread:
        def __init__(self, *, target, args, daemon):
            threads.append((target, args, daemon))

        def start(self):
            threads.append("started")

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(ctypes, "CDLL", lambda _name, use_errno: Libc() if use_errno else None)
    monkeypatch.setattr(threading, "Thread", Thread)

    batch._end_with_parent(1234)  # noqa: SLF001

    assert asked == ([(1, signal.SIGTERM)] if platform == "linux" else [])
    assert threads == [(batch._watch_parent, (1234,), True), "started"]  # noqa: SLF001


def test_a_worker_leaves_ctrl_c_to_its_parent(monkeypatch):
    """The worker's start ends it with its parent, ignores SIGINT, and loads the data."""
    ended = []
    monkeypatch.setattr(batch, "_end_with_parent", ended.append)
    before = signal.getsignal(signal.SIGINT)
    try:
        batch._start_worker_process(4321, None, None, "2026-12-02T10:00")  # noqa: SLF001
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)

    assert ended == [4321]
    assert batch.WORKER["now"] == "2026-12-02T10:00"


def test_ctrl_c_during_a_batch_exits_130_with_whole_lines(monkeypatch, capsys, tmp_path):
    """Ctrl-C at the third line: exit 130, one line on stderr, the two lines written whole."""
    answered = batch._answer_line  # noqa: SLF001
    calls = []

    def interrupted(*args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return answered(*args)

    monkeypatch.setattr(batch, "_answer_line", interrupted)
    path = tmp_path / "day.jsonl"
    path.write_text(LINE * 5, encoding="utf-8")

    status, out, err = run(["batch", str(path)], capsys)

    assert (status, err) == (130, "medplan: interrupted (Ctrl-C); the lines written so far are complete\n")
    assert [json.loads(line)["procedure"]["name"] for line in out.splitlines()] == [VALID["procedure"]["name"]] * 2


@pytest.mark.skipif(batch._cpus() < 2, reason="--jobs 2 needs two CPUs")  # noqa: SLF001
def test_ctrl_c_with_workers_drops_what_they_have_not_begun(monkeypatch, capsys, tmp_path):
    """Ctrl-C while waiting for the workers: the pool is shut down with its queued work cancelled, exit 130."""
    def interrupted(_self, timeout=None):
        raise KeyboardInterrupt(timeout)

    monkeypatch.setattr(concurrent.futures.Future, "result", interrupted)
    path = tmp_path / "day.jsonl"
    path.write_text(LINE * 3, encoding="utf-8")

    status, out, err = run(["batch", "--jobs", "2", str(path)], capsys)

    assert (status, out) == (130, "")
    assert err == "medplan: interrupted (Ctrl-C); the lines written so far are complete\n"


def children(pid: int) -> set[int]:
    """The ids of ``pid``'s child processes, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextlib.contextmanager
def started_batch(where: Path, **options) -> Iterator[subprocess.Popen]:
    """`medplan batch --jobs 2` (run in ``where``, not the checkout, in a session of its own) fed 600 lines by a thread, its input left open, once its first plan is out; its process group killed if it outlives the test."""
    with subprocess.Popen(
        [sys.executable, "-m", "medplan", "batch", "--jobs", "2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=where, start_new_session=True, **options,
    ) as process, testchild.ended(process, group=True):

        def feed():
            try:
                process.stdin.write(LINE.encode() * 600)
                process.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass  # the batch has already ended

        threading.Thread(target=feed, daemon=True).start()
        testchild.within(process.stdout.readline, "the batch's first plan")  # the workers are running
        yield process


def test_a_child_that_never_answers_fails_the_test_and_is_killed():
    """A read of a child that prints nothing fails at its deadline, naming what never came, and the child is killed."""
    silent = [sys.executable, "-c", "import time; time.sleep(600)"]
    with (
        subprocess.Popen(silent, stdout=subprocess.PIPE) as process,  # noqa: S603 - this interpreter, fixed arguments
        pytest.raises(pytest.fail.Exception) as failed,
        testchild.ended(process),
    ):
        testchild.within(process.stdout.readline, "the child's first line", seconds=0.5)

    assert str(failed.value) == "the child's first line: nothing within 0.5 s; the child does not answer"
    assert process.returncode == -signal.SIGKILL


@pytest.mark.skipif(not sys.platform.startswith("linux") or batch._cpus() < 2, reason="reads /proc; needs two CPUs")  # noqa: SLF001
def test_workers_end_when_the_batch_is_killed(tmp_path):
    """SIGKILL to `medplan batch --jobs 2`: its worker processes end too, within seconds."""
    with started_batch(tmp_path, stderr=subprocess.DEVNULL) as process:
        workers = children(process.pid)
        assert len(workers) >= 2

        process.kill()
        testchild.within(process.wait, "the killed batch's exit")

        deadline = time.monotonic() + testchild.DEADLINE
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers)


def ctrl_c_as_at_a_terminal() -> None:
    """In the batch's process before it starts: Ctrl-C's default action, even where the suite runs with it ignored.

    A shell starts a background job (``pytest &``, ``nohup``) with SIGINT
    ignored, its children inherit that, and Python leaves an ignored SIGINT
    ignored: the batch would never see the Ctrl-C.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(batch._cpus() < 2, reason="--jobs 2 needs two CPUs")  # noqa: SLF001
def test_ctrl_c_stops_a_real_batch_with_130_one_line_and_whole_lines(tmp_path):
    """SIGINT to the process group of `medplan batch --jobs 2` mid-input: exit 130, one stderr line, every output line a whole JSON plan."""
    with started_batch(tmp_path, stderr=subprocess.PIPE, preexec_fn=ctrl_c_as_at_a_terminal) as process:
        os.killpg(process.pid, signal.SIGINT)
        out = testchild.within(process.stdout.read, "the interrupted batch's output")
        err = testchild.within(process.stderr.read, "the interrupted batch's error line")
        testchild.within(process.wait, "the interrupted batch's exit")

    assert process.returncode == 130
    assert err.decode() == "medplan: interrupted (Ctrl-C); the lines written so far are complete\n"
    assert all("medications" in json.loads(line) for line in out.decode().splitlines())
