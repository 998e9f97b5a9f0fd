"""``medplan.__main__.run``, the console script: after one plain plan the process ends without its teardown.

Freeing what a one-shot plan imported and made changes nothing once the plan
is out, so ``run`` flushes the standard streams and ends the process there,
unless something else would run at exit. CPython's ``-v`` prints a line for
each module its teardown removes, which tells a process that was torn down
from one that was not. The in-process tests replace ``os._exit`` (and what
coverage and pytest register) to see which way ``run`` goes.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import subprocess
import sys
from importlib import resources

import pytest

import medplan
from medplan import __main__ as entry

EXAMPLE = str(resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json")
PLAN = ["plan", EXAMPLE, "--format", "json"]

# As the console script runs the command, optionally with a function registered at exit.
_AS_THE_COMMAND = """
import atexit, sys
if sys.argv[1] == "--at-exit":
    atexit.register(lambda: sys.stderr.write("ran at exit\\n"))
sys.argv = ["medplan", *sys.argv[2:]]
from medplan.__main__ import run
run()
"""


def _command(
    *argv: str, at_exit: bool = False, tmp_path
) -> tuple[subprocess.CompletedProcess[str], int]:
    """The command run with ``python -v``, and how many lines its teardown printed."""
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-v", "-c", _AS_THE_COMMAND, "--at-exit" if at_exit else "--", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    teardown = [
        line for line in result.stderr.splitlines() if line.startswith(("# cleanup", "# destroy"))
    ]
    return result, len(teardown)


def _example_plan() -> str:
    with open(EXAMPLE, encoding="utf-8") as stream:  # noqa: PTH123 - as the command reads it
        return medplan.render_json(medplan.plan(json.load(stream)))


def test_a_one_shot_plan_ends_without_the_teardown(tmp_path):
    """The plan is printed whole and the process exits 0 with no module torn down."""
    result, teardown = _command(*PLAN, tmp_path=tmp_path)

    assert result.returncode == 0
    assert result.stdout == _example_plan()
    assert teardown == 0


def test_another_command_is_torn_down_as_before(tmp_path):
    """A command that is not one plain plan exits through the interpreter's teardown."""
    result, teardown = _command("example", "--list", tmp_path=tmp_path)

    assert result.returncode == 0
    assert "nerve-root-sleeve-injection" in result.stdout.splitlines()
    assert teardown > 0


def test_a_function_registered_at_exit_still_runs(tmp_path):
    """With a function registered at exit, the plan's process is torn down and the function runs."""
    result, teardown = _command(*PLAN, at_exit=True, tmp_path=tmp_path)

    assert result.returncode == 0
    assert result.stdout == _example_plan()
    assert "ran at exit" in result.stderr.splitlines()
    assert teardown > 0


class _Exited(Exception):  # noqa: N818 - not an error: what os._exit was asked
    """Raised by the stand-in for ``os._exit``, with the status it was given."""


def _ends(
    monkeypatch, argv: list[str], *, registered: int | None = 0, traced: str = ""
) -> tuple[str, int | None]:
    """Run ``run`` as the command with ``argv``: how the process ended (``os._exit`` or ``sys.exit``) and its status.

    ``registered``: how many functions atexit counts (None: it cannot count);
    ``traced``: ``gettrace`` or ``getprofile``, to find a function set.
    """

    def exit_now(status: int) -> None:
        raise _Exited(status)

    monkeypatch.setattr(os, "_exit", exit_now)
    monkeypatch.setattr(sys, "argv", ["medplan", *argv])
    # What pytest and coverage set up is not the command's: by default nothing registered, no tracer.
    if registered is None:
        monkeypatch.delattr(atexit, "_ncallbacks")
    else:
        monkeypatch.setattr(atexit, "_ncallbacks", lambda: registered)
    for hook in ("gettrace", "getprofile"):
        monkeypatch.setattr(sys, hook, (lambda: print) if hook == traced else (lambda: None))
    with pytest.raises((_Exited, SystemExit)) as ended:
        entry.run()
    if isinstance(ended.value, SystemExit):
        return "sys.exit", ended.value.code  # type: ignore[return-value] # an int, from run()
    return "os._exit", ended.value.args[0]


def test_run_ends_a_plain_plan_with_its_status(monkeypatch, capsys):
    """A plain plan is printed and the process ended by os._exit with status 0."""
    assert _ends(monkeypatch, PLAN) == ("os._exit", 0)
    assert json.loads(capsys.readouterr().out)["procedure"]["code"] == "tfesi-lumbar"


def test_run_exits_another_command_through_sys_exit(monkeypatch, capsys):
    """Any other command ends through sys.exit, with its status."""
    assert _ends(monkeypatch, ["example", "--list"]) == ("sys.exit", 0)
    assert "nerve-root-sleeve-injection" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("registered", "traced"),
    [
        pytest.param(1, "", id="a-function-registered-at-exit"),
        pytest.param(None, "", id="atexit-cannot-count"),
        pytest.param(0, "gettrace", id="a-trace-function"),
        pytest.param(0, "getprofile", id="a-profile-function"),
    ],
)
def test_run_leaves_what_runs_at_exit_its_teardown(monkeypatch, capsys, registered, traced):
    """With a function registered at exit, a tracer or profiler, or no count of them, a plain plan ends through sys.exit."""
    assert _ends(monkeypatch, PLAN, registered=registered, traced=traced) == ("sys.exit", 0)
    assert capsys.readouterr().out.startswith("{")


class _Unflushable(io.StringIO):
    """Standard error that takes writes but cannot be flushed (a closed pipe)."""

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_run_leaves_a_failed_flush_to_the_teardown(monkeypatch, capsys):
    """A stream that cannot be flushed is left to the interpreter's teardown, through sys.exit."""
    monkeypatch.setattr(sys, "stderr", _Unflushable())

    assert _ends(monkeypatch, PLAN) == ("sys.exit", 0)
    assert capsys.readouterr().out.startswith("{")


def test_run_without_standard_output_ends_as_before(monkeypatch, capsys):
    """With no standard output (a closed descriptor makes it None), the plan is an internal error, exit 70, through sys.exit."""
    monkeypatch.setattr(sys, "stdout", None)

    assert _ends(monkeypatch, PLAN) == ("sys.exit", 70)
    assert "internal error" in capsys.readouterr().err
