"""medplan's performance in one run, each figure beside its yardstick measured in the same run.

    .venv/bin/python benchmarks/performance.py [--rounds 9] [--runs 9]
        [--batch 10000] [--jobs 1] [--service] [--callgrind]

Run it from outside the checkout (``cd /tmp``) or with the package installed
non-editable: it measures the INSTALLED ``medplan`` through its public API
(``medplan.plan``, ``medplan.render_json``) and the ``medplan`` command.

1. In process: request text -> ``medplan.plan`` -> ``medplan.render_json``
   for the bundled example, one fixed 8-medicine request, and generated
   8-medicine requests that all differ (so no per-process cache sees the same
   request twice), each against the plain JSON round trip of the same data:
   ``json.loads`` of the request and ``json.dumps`` of the plan's dict (the
   C encoder, no indent). The two sides alternate in ``--rounds`` rounds and
   the median of the per-round ratios is printed, so a busy moment on a shared
   machine slows both sides of a ratio alike. Target (issue 18): <= 3x.
2. Cost per plan for 1, 8, 50 and 200 medicines, and 200's as a multiple of
   1's. Target: linear, 200 <= 250x the cost of 1.
3. Start-up: ``medplan plan EXAMPLE --format json`` as a whole process
   against ``python -c "import attrs, dateutil"``, interleaved, the median of
   ``--runs`` (>= 7) runs of each. Target: <= 1.6x.
4. Batch: ``medplan batch`` of ``--batch`` generated 8-medicine requests in a
   fresh process (``--batch 100000`` for the issue's figure): plans per
   second, the child's peak resident memory, and the whole batch as a
   multiple of the JSON round trip of the same lines.
5. ``--service``: ``benchmarks/service_load.py -- --workers 2 --no-access-log``
   (p50/p99 at 50 connections; slow, and the load generator shares the cores).
6. ``--callgrind``: instructions per plan of section 1's two sides under
   ``valgrind --tool=callgrind`` (needs valgrind): a count that does not move
   with machine load, for comparing two versions of the code.
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import medplan

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
EXAMPLE = Path(medplan.__file__).parent / "examples" / "nerve-root-sleeve-injection.json"

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

# One booking of 8 medicines, as the service load check sends it.
EIGHT = {
    "booking_id": "PERF-0001",
    "now": "2027-03-01T02:00Z",
    "procedure": {
        "name": "Lumbar transforaminal epidural steroid injection",
        "start": "2027-03-15T09:30",
        "timezone": "Europe/London",
        "bleeding_risk": "intermediate",
        "guideline": "asra-pain-2018",
    },
    "patient": {"crcl_ml_min": 62},
    "medications": [MEDICINES[i] for i in (0, 1, 2, 3, 5, 7, 10, 11)],
}

# Section 1's two sides, for --callgrind: run as `python -c INNER side count`.
INNER = """
import json, sys
import medplan
side, count = sys.argv[1], int(sys.argv[2])
text = open(sys.argv[3], encoding="utf-8").read()
plan = medplan.plan(json.loads(text))
data = plan.to_dict()
for _ in range(count):
    if side == "plan":
        medplan.render_json(medplan.plan(json.loads(text)))
    else:
        json.loads(text)
        json.dumps(data)
"""

# The child reports its own peak RSS (KiB on Linux) after the batch exits.
MEASURE = """
import resource, subprocess, sys
with open(sys.argv[2], "rb") as src, open(sys.argv[3], "wb") as dst:
    status = subprocess.run([sys.argv[1], "batch", *sys.argv[4:]], stdin=src, stdout=dst).returncode
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def generated(count: int, seed: int = 2026, medicines: int = 8) -> list[str]:
    """Seeded 8-medicine bookings, each on its own day, zone, tier and guideline."""
    rng = random.Random(seed)
    lines = []
    for number in range(count):
        day = date(2027, 1, 1) + timedelta(days=rng.randrange(365))
        zone = ZoneInfo(rng.choice(ZONES))
        start = datetime(
            day.year, day.month, day.day, rng.randrange(7, 17), rng.choice([0, 30]), tzinfo=zone
        )
        now = start.astimezone(UTC) - timedelta(
            days=rng.randrange(3, 21), hours=rng.randrange(0, 10)
        )
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
            "medications": rng.sample(MEDICINES, medicines),
        }
        lines.append(json.dumps(body))
    return lines


def with_medicines(count: int) -> str:
    """The 8-medicine booking with ``count`` medicines, the list repeated as needed."""
    body = dict(EIGHT, medications=[MEDICINES[i % len(MEDICINES)] for i in range(count)])
    return json.dumps(body)


def caller(texts: list[str]) -> Callable[[], None]:
    """What a caller does: request text -> plan -> JSON text, for each request."""

    def run() -> None:
        for text in texts:
            medplan.render_json(medplan.plan(json.loads(text)))

    return run


def yardstick(texts: list[str]) -> Callable[[], None]:
    """json.loads of each request and json.dumps (C encoder, no indent) of its plan's dict."""
    dicts = [medplan.plan(json.loads(text)).to_dict() for text in texts]

    def run() -> None:
        for text, data in zip(texts, dicts, strict=True):
            json.loads(text)
            json.dumps(data)

    return run


def seconds(run: Callable[[], None], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        run()
    return (time.perf_counter() - started) / repeat


def interleaved(sides: list[Callable[[], None]], rounds: int, repeat: int) -> list[list[float]]:
    """Each side's time per call in each round, the sides alternating within a round."""
    for side in sides:
        side()  # first-call work (imports, caches) is not timed
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(rounds):
        for measured, side in zip(times, sides, strict=True):
            measured.append(seconds(side, repeat))
    return times


def median_ratio(top: list[float], bottom: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(top, bottom, strict=True))


def in_process(rounds: int) -> None:
    print("1. In process: request text -> plan -> JSON text, against json.loads + json.dumps")
    cases = {
        "bundled example (4 medicines)": [EXAMPLE.read_text(encoding="utf-8")],
        "8-medicine request": [json.dumps(EIGHT)],
        "200 generated 8-medicine requests": generated(200, seed=7),
    }
    for name, texts in cases.items():
        repeat = max(1, 200 // len(texts))
        planned, plain = interleaved([caller(texts), yardstick(texts)], rounds, repeat)
        per_plan = statistics.median(planned) / len(texts)
        print(
            f"   {name}: {per_plan * 1e3:.3f} ms a plan, {1 / per_plan:,.0f} plans/s; "
            f"JSON round trip {statistics.median(plain) / len(texts) * 1e6:.0f} us; "
            f"ratio {median_ratio(planned, plain):.1f}x (target <= 3x)"
        )


def scaling(rounds: int) -> None:
    print("2. Cost per plan by the number of medicines (request text -> JSON text)")
    sizes = (1, 8, 50, 200)
    runs = [caller([with_medicines(size)]) for size in sizes]
    repeats = (200, 50, 10, 3)
    for run in runs:
        run()
    times: list[list[float]] = [[] for _ in sizes]
    for _ in range(rounds):
        for measured, run, repeat in zip(times, runs, repeats, strict=True):
            measured.append(seconds(run, repeat))
    for size, measured in zip(sizes, times, strict=True):
        cost = statistics.median(measured)
        print(
            f"   {size:3d} medicines: {cost * 1e3:7.3f} ms a plan, {cost / size * 1e3:.3f} ms a medicine"
        )
    print(f"   200 medicines cost {median_ratio(times[-1], times[0]):.0f}x one (target <= 250x)")


def startup(runs: int) -> None:
    commands = {
        "python -c 'import attrs, dateutil'": [sys.executable, "-c", "import attrs, dateutil"],
        "medplan plan EXAMPLE --format json": [
            str(BIN / "medplan"),
            "plan",
            str(EXAMPLE),
            "--format",
            "json",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as folder:
        for command in commands.values():  # warm the page cache and the .pyc files
            subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
        for _ in range(runs):
            for name, command in commands.items():
                started = time.perf_counter()
                subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - started)
    print(f"3. Start-up, whole process, median of {runs} interleaved runs each")
    for name, measured in times.items():
        print(
            f"   {name:38s} {statistics.median(measured) * 1e3:6.1f} ms (min {min(measured) * 1e3:.1f})"
        )
    base, plan = times.values()
    print(f"   ratio {median_ratio(plan, base):.2f}x (target <= 1.6x)")


def batch(count: int, jobs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.jsonl"), Path(folder, "out.jsonl")
        with source.open("w", encoding="utf-8") as out:
            # Written in slices of 10,000, so 100,000 requests never sit in memory at once.
            for start in range(0, count, 10_000):
                out.writelines(
                    line + "\n" for line in generated(min(10_000, count - start), seed=2026 + start)
                )
        options = ["--jobs", str(jobs)] if jobs > 1 else []
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURE,
                str(BIN / "medplan"),
                str(source),
                str(target),
                *options,
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=folder,
        )
        took = time.perf_counter() - started
        status, peak = (int(field) for field in result.stdout.split())
        with source.open(encoding="utf-8") as requests, target.open(encoding="utf-8") as plans:
            pairs = [
                (request, json.loads(plan)) for request, plan in zip(requests, plans, strict=True)
            ]
        failed = sum(1 for _, plan in pairs if "line" in plan)
        started = time.perf_counter()
        for request, plan in pairs:
            json.loads(request)
            json.dumps(plan)
        plain = time.perf_counter() - started
    print(
        f"4. Batch: medplan batch{' --jobs ' + str(jobs) if jobs > 1 else ''} of {count:,} 8-medicine requests"
    )
    print(
        f"   exit {status}, {failed} error lines; {took:.1f} s, {count / took:,.0f} plans/s; "
        f"peak memory {peak / 1024:.1f} MiB; {took / plain:.1f}x the JSON round trip of the same lines"
    )


def service() -> None:
    print("5. Service: benchmarks/service_load.py -- --workers 2 --no-access-log", flush=True)
    subprocess.run(
        [sys.executable, str(HERE / "service_load.py"), "--", "--workers", "2", "--no-access-log"],
        check=False,
    )


VALGRIND = shutil.which("valgrind") or "valgrind not found on PATH"


def instructions(side: str, count: int, example: Path, folder: str) -> int:
    out = Path(folder, f"callgrind.{side}.{count}")
    subprocess.run(
        [
            VALGRIND,
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-c",
            INNER,
            side,
            str(count),
            str(example),
        ],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    msg = f"no instruction total in {out}"
    raise RuntimeError(msg)


def callgrind() -> None:
    print("6. Instructions per plan under callgrind (the difference of 20 and 120 calls)")
    with tempfile.TemporaryDirectory() as folder:
        for name, text in (
            ("bundled example", EXAMPLE.read_text(encoding="utf-8")),
            ("8-medicine", json.dumps(EIGHT)),
        ):
            source = Path(folder, "request.json")
            source.write_text(text, encoding="utf-8")
            per = {}
            for side in ("plan", "json"):
                per[side] = (
                    instructions(side, 120, source, folder) - instructions(side, 20, source, folder)
                ) / 100
            print(
                f"   {name}: plan + render {per['plan'] / 1e6:.2f} M instructions, "
                f"JSON round trip {per['json'] / 1e6:.2f} M: {per['plan'] / per['json']:.1f}x"
            )


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{each:.1f}" for each in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"medplan {medplan.__version__}, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--rounds", type=int, default=9, help="interleaved rounds of sections 1 and 2"
    )
    parser.add_argument("--runs", type=int, default=9, help="start-up runs of each command (>= 7)")
    parser.add_argument(
        "--batch", type=int, default=10_000, help="requests in the batch (the issue: 100000)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="medplan batch --jobs")
    parser.add_argument(
        "--service", action="store_true", help="also run the service load check (slow)"
    )
    parser.add_argument(
        "--callgrind", action="store_true", help="also count instructions (valgrind)"
    )
    args = parser.parse_args()
    if args.runs < 7:  # noqa: PLR2004 - the issue's minimum
        parser.error("--runs must be at least 7")
    print(machine())
    in_process(args.rounds)
    scaling(args.rounds)
    startup(args.runs)
    if args.batch:
        batch(args.batch, args.jobs)
    if args.service:
        service()
    if args.callgrind:
        callgrind()


if __name__ == "__main__":
    main()
