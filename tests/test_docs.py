"""The examples in the documentation run and hold: module docstrings, the README and docs/*.md.

Three kinds of example are checked. ``>>>`` examples (``pycon`` blocks) run with doctest
against the installed package. ``console`` blocks are shell sessions: each ``$ `` line runs
in a scratch directory with the installed ``medplan`` first on ``PATH``, and what it prints
(standard output, then standard error) must be the lines below it, where ``...`` stands
for any text, as in doctest. ``sh`` blocks show commands with placeholders (``REQUEST.json``),
so they cannot run; every ``medplan`` command in them must still parse, so that an option
the documentation names exists.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from medplan import cli

MODULES = [
    "medplan.planning.schedule",
    "medplan.tables.drug_classes",
    "medplan.request",
    "medplan.api",
    "medplan.tables.policies",
    "medplan.tables.settings",
    "medplan.planning.lab_days",
    "medplan.planning.booking",
    "medplan.rechecking",
    "medplan.render.calendar",
    "medplan.render.ics",
    "medplan.schemas",
    "medplan.tables.medication_codes",
    "medplan.fhir.cds",
    "medplan.web.app",
    "medplan.web.page",
    "medplan.planning.medicine_names",
    "medplan.jsonlines",
    "medplan.planning.dosing",
    "medplan.render.wording",
    "medplan.tables.provenance",
]

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [README, ROOT / "CONTRIBUTING.md", *PAGES]
FENCE = re.compile(r"^```(?P<kind>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Session:
    """One ``$ `` command of a ``console`` block and the output the page shows for it."""

    document: str
    command: str
    expected: str


def _blocks(path: Path, kind: str) -> list[str]:
    return [m["body"] for m in FENCE.finditer(path.read_text(encoding="utf-8")) if m["kind"] == kind]


def _sessions(path: Path) -> list[Session]:
    sessions = []
    for block in _blocks(path, "console"):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, expected = chunk.partition("\n")
            sessions.append(Session(path.relative_to(ROOT).as_posix(), command, expected))
    return sessions


def _commands(path: Path) -> list[list[str]]:
    """The ``medplan`` command lines of a page's ``sh`` blocks, up to a redirection or pipe."""
    commands = []
    for block in _blocks(path, "sh"):
        for line in block.splitlines():
            if not line.startswith("medplan "):
                continue  # another program (pip, curl), or a continuation line
            words = shlex.split(line, comments=True)
            if any("[" in w or w == "|" for w in words):
                continue  # a synopsis ([--now WHEN], a|b), not a command
            cut = next((i for i, w in enumerate(words) if w in {">", "<", "&&"}), len(words))
            commands.append(words[1:cut])
    return commands


SESSIONS = [session for path in DOCUMENTS for session in _sessions(path)]
COMMANDS = [(path.relative_to(ROOT).as_posix(), argv) for path in DOCUMENTS for argv in _commands(path)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    """Every example in the module's docstrings gives the output shown."""
    module = importlib.import_module(name)

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0


def test_readme_python_example_holds():
    """The README's Python example runs against the installed package and gives the output shown."""
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_docs_page_python_examples_hold(page):
    """Every ``>>>`` example on a docs page gives the output shown."""
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)

    assert result.failed == 0


def test_docs_have_python_examples():
    """The request-and-plan page carries the Python API's example, so the docs tests check some Python."""
    result = doctest.testfile(str(ROOT / "docs" / "request-and-plan.md"), module_relative=False, optionflags=doctest.ELLIPSIS)

    assert result.attempted >= 10


def test_readme_and_docs_have_console_sessions():
    """The README's plan and the docs' error examples are console sessions, so they are run."""
    assert {s.document for s in SESSIONS} >= {"README.md", "docs/request-and-plan.md", "docs/batch.md", "docs/policies.md"}


@pytest.mark.parametrize("session", SESSIONS, ids=lambda s: f"{s.document}: {s.command[:40]}")
def test_console_session_prints_what_the_page_shows(session, tmp_path):
    """A documented shell command, run in a scratch directory, prints the lines the page shows."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(  # noqa: S603 - the command is the documentation's, run as a reader would
        ["/bin/sh", "-c", session.command], cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=120
    )

    checker = doctest.OutputChecker()
    assert checker.check_output(session.expected, done.stdout + done.stderr, doctest.ELLIPSIS), (
        f"{session.document}: $ {session.command}\n--- shown\n{session.expected}--- printed\n{done.stdout}{done.stderr}"
    )


def test_sh_blocks_name_medplan_commands():
    """The docs' ``sh`` blocks give medplan commands (so the next test checks something)."""
    assert len(COMMANDS) >= 15


@pytest.mark.parametrize(("document", "argv"), COMMANDS, ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_documented_command_parses(document, argv):
    """A ``medplan`` command shown on a page names a command and options the CLI takes."""
    parser = cli._parser()  # noqa: SLF001 - the CLI's own parser, without running the command

    try:
        parser.parse_args(argv)
    except SystemExit:
        pytest.fail(f"{document}: 'medplan {' '.join(argv)}' is not a command line medplan takes")
