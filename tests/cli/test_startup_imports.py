"""A one-shot ``medplan plan`` imports only what planning needs: its start-up is mostly imports.

Each test runs a fresh interpreter from outside the checkout (this session has
imported everything already), the way the console script runs:
``medplan.__main__.main()`` with the process's own arguments.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

EXAMPLE = str(resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json")

# As the console script runs the command, then which modules the process holds at exit.
_RUN_AS_COMMAND = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\n" + " ".join(sorted(sys.modules))))
sys.argv = ["medplan", *sys.argv[1:]]
from medplan.__main__ import main
sys.exit(main())
"""

# Modules that only other commands, other formats or the optional extras need.
NOT_FOR_A_PLAN = {
    "medplan.web",
    "medplan.fhir",
    "medplan.render.ics",
    "medplan.render.calendar",
    "medplan.schemas",
    "medplan.batch",
    "starlette",
    "uvicorn",
    "fhir",
    "icalendar",
    "jsonschema",
    # The name suggestions, for a medicine that does not resolve.
    "difflib",
    # The policy file's parser and its profiles, for a request naming a profile.
    "tomllib",
    "medplan.tables.policies",
    # The checks of a policy's settings, for a request that gives a policy.
    "medplan.tables.settings",
    # The CSV reader: every bundled table a plan reads is prebuilt (tables.prebuilt).
    "csv",
    # OpenSSL, for a digest CPython's own SHA-256 gives (tables.loader); and
    # that one too, a shared library: a plan reads its tables prebuilt and
    # takes no digest.
    "hashlib",
    "_sha2",
    "_sha256",
    # The model's decision and bridging dose (model.__getattr__ makes them on
    # first use), for a request that answers a review item or bridges warfarin.
    "medplan._seldom",
    # The rules' answers other than a row (rules.__getattr__ makes them on first
    # use), for a medicine that is not placed on one row.
    "medplan.planning._unplaced",
    # The argument parser (with gettext, locale and shutil), for a command line
    # that is not plainly written (cli._plain_plan).
    "argparse",
    "shutil",
}


def _run(*argv: str, tmp_path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _RUN_AS_COMMAND, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    modules = set(result.stderr.rpartition("\n")[2].split())
    return result, modules


def _under(modules: set[str], names: set[str]) -> list[str]:
    """The modules that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if m in names or m.startswith(tuple(f"{n}." for n in names)))


@pytest.mark.parametrize("output", ["json", "text"])
def test_plan_imports_no_other_command_or_extra(tmp_path, output):
    """`medplan plan EXAMPLE` prints its plan without importing the service, FHIR, calendar, schema or batch code."""
    result, modules = _run("plan", EXAMPLE, "--format", output, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "medplan.planning.planner" in modules
    assert _under(modules, NOT_FOR_A_PLAN) == []


def test_plan_json_prints_the_plan_and_imports_only_its_renderer(tmp_path):
    """`--format json` prints the plan as JSON, and the pharmacist's text renderer is not imported."""
    result, modules = _run("plan", EXAMPLE, "--format", "json", tmp_path=tmp_path)

    assert json.loads(result.stdout)["medications"][0]["drug"] == "warfarin"
    assert "medplan.render.plan_json" in modules
    assert _under(modules, {"medplan.render.pharmacist"}) == []


def test_importing_the_package_imports_nothing_else(tmp_path):
    """`import medplan` gives the public names without importing any other module of medplan, or attrs."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys, medplan; print(' '.join(sorted(sys.modules)))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(result.stdout.split())

    assert _under(modules, {"medplan", "attr", "attrs"}) == ["medplan", "medplan._version"]


def test_a_mistyped_command_still_lists_every_command(tmp_path):
    """A command medplan does not have is refused with every command named, as the whole parser names them."""
    result, _ = _run("plna", tmp_path=tmp_path)

    assert result.returncode == 2
    assert "invalid choice: 'plna' (choose from 'plan', 'review', 'earliest', 'batch', 'recheck', 'example', 'procedures', 'policies', 'serve')" in result.stderr


# Run as the console script runs, noting at each collection whether the command line was imported yet.
_COUNT_COLLECTIONS = """
import gc, sys
imported = []
gc.callbacks.append(
    lambda phase, info: phase == "start"
    and imported.append(hasattr(sys.modules.get("medplan.cli"), "main"))
)
sys.argv = ["medplan", *sys.argv[1:]]
from medplan.__main__ import main
before = len(imported)
status = main()
print(status, gc.isenabled(), gc.get_freeze_count() > 10_000, False in imported[before:])
"""


def test_the_command_line_is_imported_without_a_collection(tmp_path):
    """As the command, no collection runs while medplan is imported; what it made is frozen, and collection resumes."""
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _COUNT_COLLECTIONS, "plan", EXAMPLE, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.splitlines()[-1] == "0 True True False"



# As the console script runs the command: how many collections ran while main() ran, and the collector's state after.
_COLLECTIONS_IN_MAIN = """
import gc, io, sys
counted = []
sys.argv = ["medplan", *sys.argv[1:]]
from medplan.__main__ import main
gc.callbacks.append(lambda phase, info: phase == "start" and counted.append(info["generation"]))
out, sys.stdout = sys.stdout, io.StringIO()
status = main()
plan, sys.stdout = sys.stdout.getvalue(), out
print(status, len(counted), gc.isenabled(), plan.startswith("{"))
"""


def _collections_in_main(*argv: str, tmp_path) -> str:
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _COLLECTIONS_IN_MAIN, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()[-1]


def test_a_one_shot_plan_runs_without_a_collection(tmp_path):
    """As the command, one plainly written plan runs with the collector off, and it is back on once the plan is out."""
    assert _collections_in_main("plan", EXAMPLE, "--format", "json", tmp_path=tmp_path) == "0 0 True True"


def test_another_command_runs_with_the_collector_on(tmp_path):
    """The same plan asked with an abbreviated option (read by argparse, not as one plain plan) runs with collection on."""
    status, collections, enabled, planned = _collections_in_main("plan", EXAMPLE, "--form", "json", tmp_path=tmp_path).split()

    assert (status, enabled, planned) == ("0", "True", "True")
    assert int(collections) > 0

