"""Load check of ``medplan serve``: latency, throughput, CPU and memory under concurrent POST /v1/plan.

    .venv/bin/python benchmarks/service_load.py [--duration 10] [--warmup 3]
        [--concurrency 50] [--soak 0] [-- SERVE-OPTIONS...]
    .venv/bin/python benchmarks/service_load.py --callgrind 500 [-- SERVE-OPTIONS...]

1. Plans the 8-medicine booking below in this process (the bytes every
   answer must equal) and times it: the in-process cost of request text ->
   ``medplan.plan`` -> ``medplan.render_json``, the part of a call that is
   not HTTP.
2. Starts the installed ``medplan serve`` (beside this Python) on a free
   loopback port, with any options after ``--`` (``-- --workers 2
   --no-access-log``), waits for ``GET /health`` and reads the server's
   resident memory (``VmRSS``, summed over its processes) idle.
3. Opens ``--concurrency`` keep-alive connections and runs a closed loop:
   each connection sends its next request as soon as its answer is in. The
   first ``--warmup`` seconds are not counted (first-call imports, caches,
   the kernel spreading the connections over the workers); then, for
   ``--duration`` seconds, every call that starts and ends inside the window
   is timed, and the server's CPU, this client's CPU and the whole machine's
   CPU are read at both ends of the window. At its end each connection stops
   sending; the answers still in flight are read and checked, not timed.
4. Every answer must be 200 and byte for byte the in-process plan; anything
   else is an error.
5. Prints plans/s, latency p50/p95/p99/max and the mean beside Little's law
   bound (concurrency / throughput), the calls per connection, the
   connections each worker holds (from /proc, as the window opens and
   closes) and each worker's calls, p50 and p99 (a worker that got less of
   the CPU shows here), errors, server CPU per call (and, less
   the in-process cost, what HTTP adds), the client's own CPU seconds, the
   CPU other processes took meanwhile, and the server's memory; with
   ``--soak S`` it runs S seconds more untimed and reads the memory again.
   Then it stops the server with SIGTERM and prints its exit status.

``--callgrind CALLS`` measures instead what does not move with the load of
a shared machine: the instructions one server process (``--workers 1``)
executes per call, under ``valgrind --tool=callgrind`` with instrumentation
switched on (``callgrind_control -i on``) only for CALLS calls over the
connections, after 100 untimed ones; and, in a second valgrind run, the
instructions of the same plan in process (the difference between 0 and 200
plans after 50 untimed ones). The difference is what HTTP, Starlette and
uvicorn add to a call, in user space (the kernel's share is not counted).
It takes a few minutes.

The client is lean so that it takes as little of the cores it shares with
the server as it can: one process, plain asyncio streams, the request
encoded once, one read for a response's head and one for its body, the
garbage collector off while the load runs (it holds a few objects per
call). Its CPU seconds are printed so that anyone can see what it took.
"""

import argparse
import asyncio
import gc
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TextIO

import medplan

REQUEST = {
    "booking_id": "LOAD-0001",
    "now": "2027-03-01T02:00Z",
    "procedure": {
        "name": "Lumbar transforaminal epidural steroid injection",
        "start": "2027-03-15T09:30",
        "timezone": "Europe/London",
        "bleeding_risk": "intermediate",
        "guideline": "asra-pain-2018",
    },
    "patient": {"crcl_ml_min": 62},
    "medications": [
        {"name": "warfarin", "times": ["18:00"]},
        {"name": "Eliquis", "times": ["08:00", "20:00"]},
        {"name": "Plavix", "times": ["08:00"]},
        {"name": "aspirin", "times": ["08:00"], "indication": "secondary-prevention"},
        {"name": "Clexane", "times": ["08:00", "20:00"], "regimen": "therapeutic"},
        {"name": "Brilinta", "times": ["08:00", "20:00"]},
        {"name": "ibuprofen", "times": ["08:00", "14:00", "20:00"]},
        {"name": "sertraline", "times": ["08:00"]},
    ],
}

BODY = json.dumps(REQUEST).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_process_ms(rounds: int = 300) -> tuple[bytes, float]:
    """The plan's bytes, and the median milliseconds of text -> plan -> JSON text in this process."""
    text = BODY.decode()
    expected = medplan.render_json(medplan.plan(json.loads(text))).encode()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        medplan.render_json(medplan.plan(json.loads(text))).encode()
        times.append(time.perf_counter() - started)
    return expected, 1000 * statistics.median(times[rounds // 3 :])


def processes(pid: int) -> list[int]:
    """The server's process and its workers (uvicorn's --workers are its children)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            found += processes(int(child))
    return found


def workers(pid: int) -> list[int]:
    """The processes that serve calls: the server's children but multiprocessing's resource tracker, else the server."""
    found = [
        child
        for child in processes(pid)[1:]
        if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
    ]
    return found or [pid]


def established(port: int) -> dict[str, int]:
    """This machine's established TCP connections to local ``port``: socket inode -> the client's port."""
    found = {}
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rpartition(":")[2], 16) == port and fields[3] == "01":
                found[fields[9]] = int(fields[2].rpartition(":")[2], 16)
    return found


def clients_of(pid: int, inodes: dict[str, int]) -> list[int]:
    """The client ports of the connections (socket ``inodes``) process ``pid`` holds open."""
    ports = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            ports.append(inodes[target[8:-1]])
    return ports


def connections_per_worker(pid: int, port: int) -> list[list[int]]:
    """The client ports of the connections each worker holds, from /proc: the kernel, not the server, says."""
    inodes = established(port)
    return [clients_of(worker, inodes) for worker in workers(pid)]


def rss_kib_of(pid: int) -> int:
    """One process's resident memory, in KiB, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rss_kib(pid: int) -> int:
    """Resident memory of the server and its workers, in KiB."""
    return sum(rss_kib_of(each) for each in processes(pid))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server and its workers, from /proc/PID/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in processes(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_busy_seconds() -> float:
    """CPU time every process on the machine has used (all of /proc/stat's busy columns)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    """This process's CPU time: the client's."""
    times = os.times()
    return times.user + times.system


def wait_for_health(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"medplan serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    sys.exit("medplan serve did not answer /health")


class Log(threading.Thread):
    """The server's log (its stderr), kept as it comes, so that its workers' start can be awaited."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(daemon=True)
        self.stream, self.lines = stream, []

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)

    def started(self) -> int:
        return sum("Application startup complete" in line for line in self.lines)


def wait_for_workers(log: Log, workers: int, seconds: float = 60) -> None:
    """Wait until every worker has started: the first to answer /health must not take every connection."""
    deadline = time.monotonic() + seconds
    while log.started() < workers:
        if time.monotonic() > deadline:
            print(f"  (only {log.started()} of {workers} workers said they had started; going on)")
            return
        time.sleep(0.1)
    time.sleep(0.5)  # each worker listens just after it logs that it has started


def workers_of(serve_options: list[str]) -> int:
    """The --workers option's value (1 without it)."""
    for index, option in enumerate(serve_options):
        if option == "--workers":
            return int(serve_options[index + 1])
        if option.startswith("--workers="):
            return int(option.partition("=")[2])
    return 1


class UnreadableResponseError(ConnectionError):
    """The server closed the connection, or answered without a Content-Length."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One response: its status and body, read as its head and then exactly its Content-Length."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        raise UnreadableResponseError from None
    start = head.lower().find(b"\r\ncontent-length:")
    if start < 0:
        raise UnreadableResponseError
    length = int(head[start + 17 : head.index(b"\r\n", start + 2)])
    return int(head[9:12]), await reader.readexactly(length)


class Window:
    """The timed window: calls that start at or after ``start`` and end before ``end`` are counted."""

    def __init__(self, warmup: float, duration: float) -> None:
        self.start = time.perf_counter() + warmup
        self.end = self.start + duration
        self.latencies: dict[int, list[float]] = {}  # the client's port -> its calls' latencies
        self.errors: list[str] = []
        self.readings: dict[str, float] = {}


async def connection(
    port: int, request: bytes, expected: bytes, window: Window, calls: list[int]
) -> None:
    """One keep-alive connection in the closed loop, until the window ends."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, end = window.errors, window.end
    latencies = window.latencies.setdefault(writer.get_extra_info("sockname")[1], [])
    count = 0
    try:
        while (started := time.perf_counter()) < end:
            writer.write(request)
            try:
                status, body = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                errors.append(f"connection: {type(error).__name__} {error}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                latencies = window.latencies.setdefault(writer.get_extra_info("sockname")[1], [])
                continue
            finished = time.perf_counter()
            if status != 200:  # noqa: PLR2004 - HTTP OK
                errors.append(f"status {status}")
            elif body != expected:
                errors.append("body differs from medplan.render_json")
            elif window.start <= started and finished < end:
                latencies.append(finished - started)
                count += 1
    finally:
        writer.close()
        calls.append(count)


async def read_at(moment: float, read: dict, pid: int, port: int) -> None:
    """Read the CPU counters and the connections per worker at a moment of the window (the event loop's timer)."""
    await asyncio.sleep(max(0.0, moment - time.perf_counter()))
    read["wall"] = time.perf_counter()
    read["server"], read["client"], read["machine"] = (
        cpu_seconds(pid),
        own_seconds(),
        machine_busy_seconds(),
    )
    read["held"] = connections_per_worker(pid, port)


async def load(port: int, pid: int, args: argparse.Namespace, expected: bytes) -> dict:
    request = (
        b"POST /v1/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
    )
    window = Window(args.warmup, args.duration)
    before: dict = {}
    after: dict = {}
    calls: list[int] = []
    await asyncio.gather(
        read_at(window.start, before, pid, port),
        read_at(window.end, after, pid, port),
        *(connection(port, request, expected, window, calls) for _ in range(args.concurrency)),
    )
    seconds = after["wall"] - before["wall"]
    server, client = after["server"] - before["server"], after["client"] - before["client"]
    return {
        "latencies": [latency for each in window.latencies.values() for latency in each],
        "by_worker": [
            [latency for client in clients for latency in window.latencies.get(client, [])]
            for clients in before["held"]
        ],
        "errors": window.errors,
        "seconds": seconds,
        "server": server,
        "client": client,
        "others": after["machine"] - before["machine"] - server - client,
        "calls": calls,
        "held": (before["held"], after["held"]),
    }


def measure(args: argparse.Namespace, serve_options: list[str], expected: bytes) -> dict:
    """Start the server, load it, read its memory and CPU; everything the report prints."""
    port = free_port()
    medplan_script = Path(sys.executable).parent / "medplan"
    command = [str(medplan_script), "serve", "--port", str(port), *serve_options]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = Log(server.stderr)
    log.start()
    found: dict = {}
    try:
        wait_for_health(port, server)
        wait_for_workers(log, workers_of(serve_options))
        found["idle"] = rss_kib(server.pid)
        gc.disable()
        try:
            found |= asyncio.run(load(port, server.pid, args, expected))
            found["after"] = rss_kib(server.pid)
            found["each"] = [rss_kib_of(pid) / 1024 for pid in processes(server.pid)]
            if args.soak:
                soak = argparse.Namespace(
                    warmup=args.soak, duration=0, concurrency=args.concurrency
                )
                found["soak_errors"] = asyncio.run(load(port, server.pid, soak, expected))["errors"]
                found["later"] = rss_kib(server.pid)
        finally:
            gc.enable()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.join(timeout=10)
        found["log"] = "".join(log.lines)
    found["status"] = server.returncode
    return found


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(
    args: argparse.Namespace, serve_options: list[str], expected: bytes, alone: float, found: dict
) -> None:
    latencies, errors, seconds = sorted(found["latencies"]), found["errors"], found["seconds"]
    if not latencies:
        sys.exit(f"no call finished inside the window; errors: {errors[:3]}")
    throughput = len(latencies) / seconds
    name = f"medplan serve {' '.join(serve_options)}".rstrip()
    print(f"{name}: {len(found['each'])} server process(es), on {os.cpu_count()} CPUs")
    print(
        f"POST /v1/plan of 8 medicines ({len(expected):,}-byte plan), {args.concurrency} keep-alive connections, "
        f"closed loop, {args.warmup:g} s warm-up, then {seconds:.1f} s timed"
    )
    print(f"  throughput: {throughput:,.0f} plans/s ({len(latencies):,} calls)")
    p50, p95, p99, top = (1000 * percentile(latencies, q) for q in (0.5, 0.95, 0.99, 1.0))
    mean, bound = 1000 * statistics.fmean(latencies), 1000 * args.concurrency / throughput
    print(
        f"  latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {top:.1f} ms "
        f"(mean {mean:.1f} ms; Little's law bound {bound:.1f} ms)"
    )
    calls = found["calls"]
    print(f"  calls per connection: {min(calls):,} to {max(calls):,}")
    start, end = (", ".join(str(len(ports)) for ports in held) for held in found["held"])
    print(f"  connections per worker: {start} as the window opened, {end} as it closed")
    for number, each in enumerate(found["by_worker"], start=1):
        if each:
            each.sort()
            print(
                f"    worker {number}: {len(each):,} calls, p50 {1000 * percentile(each, 0.5):.1f} ms, "
                f"p99 {1000 * percentile(each, 0.99):.1f} ms"
            )
    first = f", first: {errors[0]}" if errors else ""
    print(f"  errors: {len(errors)}{first}")
    per_call = 1000 * found["server"] / len(latencies)
    print(
        f"  server CPU: {per_call:.2f} ms per call; the plan alone in process: {alone:.2f} ms "
        f"(HTTP and the rest: {per_call - alone:.2f} ms)"
    )
    print(
        f"  client CPU: {found['client']:.2f} s ({1000 * found['client'] / len(latencies):.3f} ms per call); "
        f"other processes: {max(found['others'], 0):.1f} s; of {(os.cpu_count() or 1) * seconds:.1f} CPU-seconds"
    )
    idle, after = found["idle"] / 1024, found["after"] / 1024
    print(f"  server RSS: {idle:.1f} MiB idle, {after:.1f} MiB after the load")
    print(f"  per process then: {', '.join(f'{mib:.1f}' for mib in found['each'])} MiB")
    if args.soak:
        later = found["later"] / 1024
        soaked = f"{args.soak:g} s more ({len(found['soak_errors'])} errors)"
        print(f"  after {soaked}: {later:.1f} MiB ({later - after:+.1f} MiB)")
    print(f"  server exit status after SIGTERM: {found['status']}")
    if found["status"] != 0 or "Traceback" in found["log"]:
        print(found["log"])


# The same plan in process, for --callgrind: `python -c IN_PROCESS COUNT BODY-FILE`.
IN_PROCESS = """
import json, sys
import medplan
from medplan import clock
text = open(sys.argv[2], encoding="utf-8").read()
for _ in range(50 + int(sys.argv[1])):
    medplan.render_json(medplan.plan(json.loads(text), clock=clock.now())).encode()
"""


def callgrind_total(out: Path) -> int:
    """The instructions a callgrind output file (and any per-thread parts) counted."""
    total = 0
    for part in out.parent.glob(out.name + "*"):
        for line in part.read_text().splitlines():
            if line.startswith("totals:"):  # summary: is 0 once instrumentation was switched
                total += int(line.split()[1])
    return total


async def calls(port: int, count: int, concurrency: int) -> None:
    """``count`` POST /v1/plan over ``concurrency`` keep-alive connections, each answer checked for 200."""
    request = (
        b"POST /v1/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
    )
    left = [count]

    async def one_connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while left[0] > 0:
            left[0] -= 1
            writer.write(request)
            status, _ = await read_response(reader)
            if status != 200:  # noqa: PLR2004 - HTTP OK
                sys.exit(f"status {status} under callgrind")
        writer.close()

    await asyncio.gather(*(one_connection() for _ in range(concurrency)))


def callgrind(args: argparse.Namespace, serve_options: list[str]) -> None:
    """Instructions per call of one server process, and of the same plan in process."""
    valgrind, control = shutil.which("valgrind"), shutil.which("callgrind_control")
    if valgrind is None or control is None:
        sys.exit("--callgrind needs valgrind and callgrind_control on PATH")
    binary = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "server.out")
        port = free_port()
        command = [
            valgrind,
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
        ]
        command += [str(binary / "python"), str(binary / "medplan"), "serve", "--port", str(port)]
        command += ["--no-access-log", *serve_options]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_health(port, server, seconds=600)
            asyncio.run(calls(port, 100, args.concurrency))
            switch = [control, "-i"]
            subprocess.run([*switch, "on", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
            asyncio.run(calls(port, args.callgrind, args.concurrency))
            subprocess.run([*switch, "off", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=600)
        served = callgrind_total(out) / args.callgrind
        body = Path(folder, "request.json")
        body.write_bytes(BODY)
        counts = []
        for count in (0, 200):
            alone = Path(folder, f"alone.{count}")
            command = [
                valgrind,
                "--tool=callgrind",
                f"--callgrind-out-file={alone}",
                sys.executable,
            ]
            command += ["-c", IN_PROCESS, str(count), str(body)]
            # In the temporary folder: `-c` puts the working directory, never the checkout, on sys.path.
            subprocess.run(
                command,
                cwd=folder,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            counts.append(callgrind_total(alone))
    planned = (counts[1] - counts[0]) / 200
    name = f"medplan serve {' '.join(serve_options)}".rstrip()
    print(
        f"{name} under callgrind: {args.callgrind:,} POST /v1/plan over {args.concurrency} connections"
    )
    print(f"  server: {served / 1e6:.2f} M instructions per call (user space, every thread)")
    print(f"  the same plan in process: {planned / 1e6:.2f} M instructions")
    print(f"  HTTP, Starlette and uvicorn: {(served - planned) / 1e6:.2f} M instructions per call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds timed (default 10)")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of load before timing (default 3)"
    )
    parser.add_argument("--concurrency", type=int, default=50, help="connections (default 50)")
    parser.add_argument(
        "--soak",
        type=float,
        default=0.0,
        help="then this many seconds more, untimed, and memory again",
    )
    parser.add_argument(
        "--callgrind",
        type=int,
        default=0,
        metavar="CALLS",
        help="instead: instructions per call of one server process under valgrind (slow)",
    )
    parser.add_argument(
        "serve", nargs=argparse.REMAINDER, help="options for medplan serve, after --"
    )
    args = parser.parse_args()
    serve_options = [option for option in args.serve if option != "--"]
    if args.callgrind:
        callgrind(args, serve_options)
        return
    expected, alone = in_process_ms()
    report(args, serve_options, expected, alone, measure(args, serve_options, expected))


if __name__ == "__main__":
    main()
