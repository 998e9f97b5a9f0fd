"""One-shot start-up: ``medplan plan REQUEST.json`` against ``python -c "import attrs, dateutil"``.

    .venv/bin/python benchmarks/startup.py [--runs 40]

Runs each command ``--runs`` times, interleaved so that a noisy moment on the
machine hits every command alike, and prints each one's median and lowest
wall time and its median as a multiple of the baseline's (issue 5's target
is 1.5x). The commands run from a temporary directory, so ``import medplan``
finds the installed package, not the checkout.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EXAMPLE = Path(__file__).resolve().parent.parent / "medplan" / "examples"
COMMANDS = {
    "python -c 'import attrs, dateutil'": [sys.executable, "-c", "import attrs, dateutil"],
    "medplan example": [str(BIN / "medplan"), "example"],
    "medplan plan nerve-root-sleeve-injection.json": [
        str(BIN / "medplan"),
        "plan",
        str(EXAMPLE / "nerve-root-sleeve-injection.json"),
    ],
    "medplan plan liver-biopsy-diabetes.json": [
        str(BIN / "medplan"),
        "plan",
        str(EXAMPLE / "liver-biopsy-diabetes.json"),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory() as folder:
        for command in COMMANDS.values():  # warm the page cache and the .pyc files
            subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
        for _ in range(runs):
            for name, command in COMMANDS.items():
                started = time.perf_counter()
                subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - started)
    base = statistics.median(next(iter(times.values())))
    print(f"{runs} runs each, {os.cpu_count()} cores")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(
            f"{name:48s} median {median * 1e3:6.1f} ms  min {min(measured) * 1e3:6.1f} ms  "
            f"{median / base:.2f}x"
        )


if __name__ == "__main__":
    main()
