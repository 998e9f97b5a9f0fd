"""Mutation testing of medplan/planning/schedule.py, planner.py and table.py with mutmut: a run outside CI.

    .venv/bin/pip install '.[test,mutation]'
    .venv/bin/python scripts/mutation.py --fresh                  # every mutant, from scratch
    .venv/bin/python scripts/mutation.py 'medplan.planning.schedule.*'     # (re)run one module's mutants

mutmut (configured in pyproject.toml's ``[tool.mutmut]``) copies medplan/ into
mutants/, writes the mutants into the three modules, puts mutants/ first on
sys.path and runs pytest in-process from there, so the tests' ``import medplan``
finds the mutated copy rather than the installed wheel. The wheel carries the
data files inside the package (hatch force-include maps data/ to medplan/data/);
the checkout does not, so this script first copies them to where the wheel has
them, mutants/medplan/data/. It runs under CI=true, Hypothesis's derandomised
``ci`` profile, so two runs of the same code find the same mutants. Afterwards it
prints what ``mutmut results`` lists (the mutants not killed, less those not
run this time), the counts per module and
``mutmut export-cicd-stats``.

mutmut keeps its results in mutants/ (git ignores it) and runs again only the
mutants of functions that changed (this script first deletes the copies it
would otherwise measure wrongly, see drop_stale_copies); a mutant that survived stays
survived until it is named: naming mutants (globs, as ``mutmut run`` takes
them) reruns those whatever is cached, and ``--fresh`` starts from nothing.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
MUTMUT = Path(sys.executable).parent / "mutmut"
STATUSES = ("killed", "survived", "timeout", "no tests", "suspicious", "segfault", "not checked")


def copy_bundled_data() -> None:
    """Copy each file the wheel force-includes into the package to the same place under mutants/."""
    with (ROOT / "pyproject.toml").open("rb") as stream:
        wheel = tomllib.load(stream)["tool"]["hatch"]["build"]["targets"]["wheel"]
    for source, target in wheel["force-include"].items():
        destination = MUTANTS / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / source, destination)


def drop_stale_copies() -> None:
    """Delete mutmut's copies of the modules it mutates, of any module edited since and of files gone; refresh the rest.

    mutmut measures the covered lines (mutate_only_covered_lines) on its copy
    of a module before it writes the mutants again, and keeps a copy that
    exists: a copy with mutants already in it has other line numbers than the
    source, and would leave most of the module unmutated. Copied afresh, the
    module is mutated again in seconds; the results of functions that did not
    change are kept (mutmut stores them by a hash of each function).
    """
    with (ROOT / "pyproject.toml").open("rb") as stream:
        mutated = {ROOT / path for path in tomllib.load(stream)["tool"]["mutmut"]["only_mutate"]}
    for source in (ROOT / "medplan").rglob("*"):
        copy = MUTANTS / source.relative_to(ROOT)
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        stale = not copy.exists() or copy.stat().st_mtime < source.stat().st_mtime
        if source.suffix == ".py":
            if copy.exists() and (source in mutated or stale):
                copy.unlink()
        elif stale:
            # mutmut copies the package's other files (schemas, the page, the
            # examples) only into an empty mutants/, so an edited one is copied here.
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    # mutmut copies the checkout over mutants/ but never deletes: the copy of a
    # module or test file renamed since would still be imported or collected.
    for folder in ("medplan", "tests"):
        for copy in (MUTANTS / folder).rglob("*.py"):
            if not (ROOT / copy.relative_to(MUTANTS)).exists():
                copy.unlink()


def environment() -> dict[str, str]:
    """This process's environment with CI=true and Hypothesis's ci profile, whatever the shell chose."""
    variables = {**os.environ, "CI": "true"}
    variables.pop("MEDPLAN_HYPOTHESIS_PROFILE", None)
    return variables


def mutmut(*arguments: str) -> str:
    """Run a mutmut command in the checkout and return what it printed."""
    result = subprocess.run(  # noqa: S603 - mutmut beside this interpreter, with our arguments
        [str(MUTMUT), *arguments],
        cwd=ROOT,
        env=environment(),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return result.stdout


def counts_by_module(results: str) -> dict[str, collections.Counter[str]]:
    """Tally ``mutmut results --all true`` lines (``    medplan.planning.schedule.x_f__mutmut_3: killed``) by module."""
    tallies: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in results.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name.startswith("medplan."):
            module = ".".join(name.split(".")[:2])
            tallies[module][status] += 1
    return tallies


def main() -> None:
    """Prepare mutants/, run mutmut and report its score."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mutants", nargs="*", help="mutant names or globs to (re)run; all when none"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="delete mutants/ (mutmut's cache) first"
    )
    parser.add_argument(
        "--max-children",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel workers (default: one per core)",
    )
    arguments = parser.parse_args()
    if arguments.fresh:
        shutil.rmtree(MUTANTS, ignore_errors=True)
    drop_stale_copies()
    copy_bundled_data()

    # mutmut's progress line redraws itself; let it reach the terminal as it goes.
    subprocess.run(  # noqa: S603 - as above
        [str(MUTMUT), "run", "--max-children", str(arguments.max_children), *arguments.mutants],
        cwd=ROOT,
        env=environment(),
        check=True,
    )

    results = mutmut("results", "--all", "true")
    print("\nmutmut results (every mutant run and not killed):")
    for line in results.splitlines():
        if not line.endswith((": killed", ": not checked")):
            print(line)
    print("\nper module:")
    total: collections.Counter[str] = collections.Counter()
    for module, tally in sorted(counts_by_module(results).items()):
        total += tally
        print(f"  {module}: " + ", ".join(f"{tally[s]} {s}" for s in STATUSES if tally[s]))
    tested = total["killed"] + total["survived"] + total["timeout"]
    if tested:
        killed = total["killed"] + total["timeout"]
        print(f"  overall: {killed}/{tested} killed or timed out ({100 * killed / tested:.1f} %)")
    print(mutmut("export-cicd-stats"), end="")
    print(json.dumps(json.loads((MUTANTS / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
