"""Security hygiene: no code from data, no files touched but the ones named, inputs bounded.

- The installed package never evaluates text as code, unpickles, or runs a shell.
- The command line reads only the files it is given and writes only to standard output:
  run from an empty directory with an empty home, it leaves both empty.
- A request file far beyond any real request (100 MB) is refused with a clear error after
  reading just past the limit, never read into memory whole.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tracemalloc
from importlib import resources
from pathlib import Path

import pytest
from strategies import VALID

from medplan import cli

PACKAGE = Path(str(resources.files("medplan")))
SOURCES = sorted(PACKAGE.rglob("*.py"))

# Calls that would run text as code, load pickled objects or start a shell.
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "subprocess", "dill", "cloudpickle"}
FORBIDDEN_ATTRIBUTES = {("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execvp"), ("os", "spawnv")}


def names_in(path: Path) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    calls, modules, attributes = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls.add(node.func.id)
        elif isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attributes.add((node.value.id, node.attr))
    return calls, modules, attributes


def test_the_package_has_sources_to_check():
    """The check below looks at the installed package's modules, not at nothing."""
    assert len(SOURCES) > 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_module_evaluates_unpickles_or_shells_out(path):
    """No eval or exec, no pickle, no subprocess or os.system anywhere in medplan."""
    calls, modules, attributes = names_in(path)

    assert calls & FORBIDDEN_CALLS == set()
    assert modules & FORBIDDEN_MODULES == set()
    assert attributes & FORBIDDEN_ATTRIBUTES == set()


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("command", [
    ["plan", "{request}", "--format", "json"],
    ["plan", "{request}", "--format", "calendar"],
    ["plan", "{request}", "--format", "ics"],
    ["earliest", "{request}", "--now", "2026-12-02T10:00"],
    ["batch", "{lines}"],
    ["example"],
    ["procedures"],
    ["policies"],
], ids=lambda c: c[0] + ("-" + c[-1] if c[0] == "plan" else ""))
def test_the_command_line_writes_nothing_but_its_output(command, tmp_path):
    """Run from an empty directory with an empty home: afterwards both are still empty."""
    inputs, work, home = tmp_path / "in", tmp_path / "work", tmp_path / "home"
    for folder in (inputs, work, home):
        folder.mkdir()
    request = inputs / "request.json"
    request.write_text(json.dumps(VALID), encoding="utf-8")
    lines = inputs / "day.jsonl"
    lines.write_text(json.dumps(VALID) + "\n", encoding="utf-8")
    argv = [a.format(request=request, lines=lines) for a in command]
    environment = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
                   "PYTHONDONTWRITEBYTECODE": "1"}

    result = subprocess.run([sys.executable, "-m", "medplan", *argv], cwd=work, env=environment,  # noqa: S603 - this test wrote the arguments
                            capture_output=True, text=True, check=False, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout
    assert (tree(work), tree(home), tree(inputs)) == ([], [], ["day.jsonl", "request.json"])


def test_a_100_megabyte_request_is_refused_without_being_read_whole(tmp_path, capsys):
    """The file is refused with its size limit named, having read little more than the limit."""
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)  # 100 MB of NUL bytes, sparse on disk

    tracemalloc.start()
    status = cli.main(["plan", str(huge)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert status == 2
    assert capsys.readouterr().err == f"InputError: {huge}: is larger than 1,000,000 characters; a request is far smaller\n"
    assert peak < 20 * 1024 * 1024  # a few copies of the 1 MB read, not 100 MB


def test_a_100_megabyte_stored_plan_is_refused_too(tmp_path, capsys):
    """recheck bounds what it reads in the same way."""
    huge = tmp_path / "plan.json"
    with huge.open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)

    status = cli.main(["recheck", str(huge)])

    assert status == 2
    assert capsys.readouterr().err == f"InputError: {huge}: is larger than 5,000,000 characters; a stored plan is far smaller\n"
