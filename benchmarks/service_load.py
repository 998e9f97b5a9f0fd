"""Load check of ``medplan serve``: throughput, latency and memory under concurrent POST /v1/plan.

    .venv/bin/python benchmarks/service_load.py [--requests 10000] [--concurrency 50]
        [--warmup 1000] [--more 0] [-- SERVE-OPTIONS...]

1. Starts the installed ``medplan serve`` on a free loopback port, with any
   options after ``--`` (``-- --workers 2 --no-access-log``), and waits for
   ``GET /health``.
2. Reads the server's resident memory (``VmRSS`` in ``/proc/PID/status``,
   summed over its worker processes) when idle, then sends ``--warmup``
   requests that are not timed (first-call imports and caches), and reads it
   again.
3. Sends ``--requests`` POST /v1/plan requests of one 8-medicine booking over
   ``--concurrency`` keep-alive connections, each connection sending its next
   request as soon as the last answer is in (a closed loop). The client is
   plain asyncio streams, so that it takes as little of the machine's CPU
   from the server as it can.
4. Every answer must be 200 and byte for byte ``medplan.render_json`` of the
   same request planned in this process; anything else counts as an error.
5. Prints throughput, latency p50/p90/p99/max, errors, the server's and the
   client's CPU time per request, the CPU time other processes took meanwhile
   (on a shared machine, figures are only comparable when that is small), and
   the server's memory idle, after the warm-up and after the run, then stops
   the server with SIGTERM.

With a closed loop, latency is at least concurrency / throughput (Little's
law): 50 connections at 500 plans/s wait about 100 ms each, however fast one
plan is alone. The script prints that bound beside the measured p50.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes(pid: int) -> list[int]:
    """The server's process and its workers (uvicorn's --workers are its children)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            found += processes(int(child))
    return found


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


class UnreadableResponseError(ConnectionError):
    """The server closed the connection, or answered without a Content-Length."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise UnreadableResponseError
    status = int(status_line.split()[1])
    length = None
    while (line := await reader.readline()) not in {b"\r\n", b""}:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise UnreadableResponseError
    return status, await reader.readexactly(length)


async def connection(
    port: int, count: list[int], request: bytes, *, expected: bytes, latencies: list[float], errors: list[str]
) -> None:
    """One keep-alive connection sending requests until the shared count is used up."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while count[0] > 0:
            count[0] -= 1
            started = time.perf_counter()
            try:
                writer.write(request)
                status, body = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                errors.append(f"connection: {type(error).__name__} {error}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:  # noqa: PLR2004 - HTTP OK
                errors.append(f"status {status}")
            elif body != expected:
                errors.append("body differs from medplan.render_json")
    finally:
        writer.close()


async def load(port: int, total: int, concurrency: int, expected: bytes) -> tuple[list[float], list[str], float]:
    body = json.dumps(REQUEST).encode()
    request = (
        b"POST /v1/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    latencies: list[float] = []
    errors: list[str] = []
    count = [total]
    started = time.perf_counter()
    await asyncio.gather(
        *(
            connection(port, count, request, expected=expected, latencies=latencies, errors=errors)
            for _ in range(concurrency)
        )
    )
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(args: argparse.Namespace, serve_options: list[str], expected: bytes) -> dict:
    """Start the server, load it, read its memory and CPU; everything the report prints."""
    port = free_port()
    medplan_script = Path(sys.executable).parent / "medplan"
    command = [str(medplan_script), "serve", "--port", str(port), *serve_options]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found: dict = {}
    try:
        wait_for_health(port, server)
        found["idle"] = rss_kib(server.pid)
        _, found["warm_errors"], _ = asyncio.run(load(port, args.warmup, args.concurrency, expected))
        found["warm"] = rss_kib(server.pid)
        cpu, busy, client = cpu_seconds(server.pid), machine_busy_seconds(), own_seconds()
        found["latencies"], found["errors"], found["seconds"] = asyncio.run(
            load(port, args.requests, args.concurrency, expected)
        )
        found["cpu"] = cpu_seconds(server.pid) - cpu
        found["client"] = own_seconds() - client
        found["others"] = machine_busy_seconds() - busy - found["cpu"] - found["client"]
        found["after"] = rss_kib(server.pid)
        found["each"] = [rss_kib_of(pid) / 1024 for pid in processes(server.pid)]
        _, found["more_errors"], _ = asyncio.run(load(port, args.more, args.concurrency, expected))
        found["later"] = rss_kib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        _, found["log"] = server.communicate(timeout=60)
    found["status"] = server.returncode
    return found


def report(args: argparse.Namespace, serve_options: list[str], expected: bytes, found: dict) -> None:
    latencies, errors, seconds = found["latencies"], found["errors"], found["seconds"]
    throughput = len(latencies) / seconds
    name = f"medplan serve {' '.join(serve_options)}".rstrip()
    print(f"{name}: {len(found['each'])} server process(es), on {os.cpu_count()} CPUs")
    plan_size = f"{len(expected):,}-byte plan"
    print(f"{args.requests:,} POST /v1/plan of 8 medicines ({plan_size}), {args.concurrency} connections")
    print(f"  throughput: {throughput:,.0f} plans/s over {seconds:.1f} s")
    print(
        "  latency: p50 {:.1f} ms, p90 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms (mean {:.1f} ms; "
        "Little's law bound {:.1f} ms)".format(
            *(1000 * percentile(latencies, q) for q in (0.5, 0.9, 0.99, 1.0)),
            1000 * statistics.fmean(latencies),
            1000 * args.concurrency / throughput,
        )
    )
    first = f", first: {errors[0]}" if errors else ""
    print(f"  errors: {len(errors)} (warm-up: {len(found['warm_errors'])}){first}")
    per_plan, per_call = 1000 * found["cpu"] / args.requests, 1000 * found["client"] / args.requests
    print(f"  server CPU: {per_plan:.2f} ms per plan; client CPU: {per_call:.2f} ms per call")
    cores = os.cpu_count() or 1
    print(
        f"  other processes on the machine meanwhile: {max(found['others'], 0):.1f} CPU-seconds "
        f"of the {cores * seconds:.0f} there were"
    )
    idle, warm, after, later = (found[k] / 1024 for k in ("idle", "warm", "after", "later"))
    print(
        f"  server RSS: {idle:.1f} MiB idle, {warm:.1f} MiB after {args.warmup:,} warm-up "
        f"requests, {after:.1f} MiB after {args.requests:,} more ({after - warm:+.1f} MiB)"
    )
    print(f"  per process then: {', '.join(f'{mib:.1f}' for mib in found['each'])} MiB")
    if args.more:
        more = f"{args.more:,} more ({len(found['more_errors'])} errors)"
        print(f"  then {more}: {later:.1f} MiB ({later - after:+.1f} MiB)")
    print(f"  server exit status after SIGTERM: {found['status']}")
    if found["status"] != 0 or "Traceback" in found["log"]:
        print(found["log"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument(
        "--more", type=int, default=0, help="then this many more, untimed, and the memory again"
    )
    parser.add_argument("serve", nargs=argparse.REMAINDER, help="options for medplan serve, after --")
    args = parser.parse_args()
    serve_options = [option for option in args.serve if option != "--"]
    expected = medplan.render_json(medplan.plan(REQUEST)).encode("utf-8")
    report(args, serve_options, expected, measure(args, serve_options, expected))


if __name__ == "__main__":
    main()
