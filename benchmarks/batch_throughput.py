"""The batch path end to end: plans per second, peak memory, JSON round-trip cost, start-up.

    .venv/bin/python benchmarks/batch_throughput.py [--requests 100000] [--small 10000]

1. Writes ``--requests`` generated bookings of 8 medicines each (seeded, with a
   ``now`` a few days before the procedure, as a booking system sends them) to a
   JSON Lines file, and runs the installed ``medplan batch`` on it in a fresh
   process, timing it and reading the process's peak resident memory.
2. Runs the same on the first ``--small`` requests: a batch that streams has the
   same peak memory for both.
3. In this process, decodes and encodes the same requests and plans with the
   standard ``json`` module alone: planning's cost is read as a multiple of that
   round trip of the same data, in the same run.
4. Times one-shot ``medplan plan`` against ``python -c "import attrs, dateutil"``
   (the median of ``--runs`` runs of each).

Issue 5's targets: planning at most 5x the JSON round trip; the same peak memory for
10,000 and 100,000 requests; start-up within 1.5x of importing attrs and dateutil.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

MEDICINES = [
    {"name": "warfarin", "times": ["18:00"]},
    {"name": "Eliquis", "times": ["08:00", "20:00"]},
    {"name": "Plavix", "times": ["08:00"]},
    {"name": "aspirin", "times": ["08:00"], "indication": "secondary-prevention"},
    {"name": "Pradaxa", "times": ["08:00", "20:00"]},
    {"name": "Clexane", "times": ["08:00", "20:00"], "regimen": "therapeutic"},
    {"name": "heparin", "route": "iv"},
    {"name": "Brilinta", "times": ["08:00", "20:00"]},
    {"name": "Xarelto", "times": ["18:00"]},
    {"name": "Fragmin", "times": ["08:00"], "regimen": "prophylactic"},
    {"name": "ibuprofen", "times": ["08:00", "14:00", "20:00"]},
    {"name": "sertraline", "times": ["08:00"]},
]
ZONES = ["Australia/Perth", "Australia/Sydney", "Europe/London", "America/New_York", "Asia/Tokyo"]

# The child reports its own peak RSS (kilobytes on Linux) after the batch exits.
_MEASURE = """
import resource, subprocess, sys
with open(sys.argv[2], "rb") as src, open(sys.argv[3], "wb") as dst:
    status = subprocess.run([sys.argv[1], "batch", *sys.argv[4:]], stdin=src, stdout=dst, check=False).returncode
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def write_requests(path: Path, count: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            day = date(2027, 1, 1) + timedelta(days=rng.randrange(365))
            zone = ZoneInfo(rng.choice(ZONES))
            start = datetime(day.year, day.month, day.day, rng.randrange(7, 17), rng.choice([0, 30]), tzinfo=zone)
            # A booking system's clock is UTC: a moment that exists whatever the zone's clocks do.
            now = start.astimezone(UTC) - timedelta(days=rng.randrange(3, 21), hours=rng.randrange(0, 10))
            body = {
                "booking_id": f"B-{number:06d}",
                "now": now.strftime("%Y-%m-%dT%H:%MZ"),
                "procedure": {
                    "name": "benchmark",
                    "start": start.strftime("%Y-%m-%dT%H:%M"),
                    "timezone": zone.key,
                    "bleeding_risk": rng.choice(["low", "intermediate", "high"]),
                    "guideline": rng.choice(["asra-pain-2018", "chest-2022"]),
                },
                "patient": {"crcl_ml_min": rng.randrange(15, 120)},
                "medications": rng.sample(MEDICINES, 8),
            }
            out.write(json.dumps(body) + "\n")


def run_batch(medplan: Path, source: Path, target: Path, *options: str) -> tuple[float, int, int]:
    """Seconds, exit status and peak resident memory (KiB, the largest process) of ``medplan batch``."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(medplan), str(source), str(target), *options],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    status, peak = result.stdout.split()
    return seconds, int(status), int(peak)


def json_round_trip(source: Path, target: Path) -> float:
    """Seconds to decode and encode every request and every plan with json alone."""
    with source.open(encoding="utf-8") as requests, target.open(encoding="utf-8") as plans:
        pairs = list(zip(requests, plans, strict=True))
    started = time.perf_counter()
    for request, plan in pairs:
        json.dumps(json.loads(request), ensure_ascii=False, separators=(",", ":"))
        json.dumps(json.loads(plan), ensure_ascii=False, separators=(",", ":"))
    return time.perf_counter() - started


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15, help="start-up runs of each command")
    parser.add_argument("--jobs", type=int, default=2, help="also run the big batch with --jobs N")
    args = parser.parse_args()
    medplan = Path(sys.executable).parent / "medplan"
    example = Path(__file__).resolve().parent.parent / "medplan/examples/nerve-root-sleeve-injection.json"

    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder, "big.jsonl"), Path(folder, "small.jsonl")
        write_requests(big, args.requests)
        with big.open(encoding="utf-8") as lines, small.open("w", encoding="utf-8") as out:
            out.writelines(line for _, line in zip(range(args.small), lines, strict=False))
        small_s, small_status, small_peak = run_batch(medplan, small, Path(folder, "small.out"))
        big_s, big_status, big_peak = run_batch(medplan, big, Path(folder, "big.out"))
        jobs_s, jobs_status, jobs_peak = run_batch(medplan, big, Path(folder, "jobs.out"), "--jobs", str(args.jobs))
        same = Path(folder, "jobs.out").read_bytes() == Path(folder, "big.out").read_bytes()
        round_trip = json_round_trip(big, Path(folder, "big.out"))
        with Path(folder, "big.out").open(encoding="utf-8") as plans:
            failed = sum(1 for line in plans if line.startswith('{"line"'))

    startup = median_seconds([str(medplan), "plan", str(example), "--format", "json"], args.runs)
    imports = median_seconds([sys.executable, "-c", "import attrs, dateutil"], args.runs)

    print(f"batch of {args.requests:,} requests of 8 medicines (exit {big_status}, {failed} error lines):")
    print(f"  {big_s:.1f} s, {args.requests / big_s:,.0f} plans/s, {big_s / args.requests * 1e3:.3f} ms each")
    print(f"  JSON decode + encode of the same requests and plans: {round_trip:.1f} s")
    print(f"  planning (whole batch) costs {big_s / round_trip:.1f}x the JSON round trip")
    print(f"  peak memory: {big_peak / 1024:.1f} MiB; for {args.small:,} requests "
          f"(exit {small_status}, {small_s:.1f} s): {small_peak / 1024:.1f} MiB")
    print(f"  with --jobs {args.jobs} (exit {jobs_status}, output {'identical' if same else 'DIFFERENT'}): "
          f"{jobs_s:.1f} s, {args.requests / jobs_s:,.0f} plans/s, {jobs_s / round_trip:.1f}x the JSON round trip, "
          f"largest process {jobs_peak / 1024:.1f} MiB")
    print(f"start-up, median of {args.runs}: medplan plan {startup * 1e3:.0f} ms; "
          f"python -c 'import attrs, dateutil' {imports * 1e3:.0f} ms: {startup / imports:.2f}x")


if __name__ == "__main__":
    main()
