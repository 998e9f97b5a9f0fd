"""docs/decisions.md's walkthrough runs: each ``$ medplan ...`` command gives the output shown."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import attrs
import pytest

from medplan import cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "decisions.md"


@attrs.frozen
class Step:
    """One command of a console block, the file its output goes to (if any), and the output shown."""

    argv: tuple[str, ...]
    into: str | None
    want: str


def steps() -> list[Step]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL):
        for command in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            line, _, want = command.partition("\n")
            words = shlex.split(line)
            into = None
            if ">" in words:
                into = words[words.index(">") + 1]
                words = words[: words.index(">")]
            assert words[0] == "medplan"
            found.append(Step(tuple(words[1:]), into, want))
    return found


def test_the_walkthrough_has_both_steps():
    """The page shows the review, the decisions file and the final plan."""
    commands = [" ".join(s.argv) for s in steps()]

    assert "review request.json" in commands
    assert "plan request.json --decisions decisions.json --now 2026-11-27T10:00" in commands


def test_the_walkthrough_runs_as_shown(tmp_path, monkeypatch, capsys):
    """Each command, run in order in an empty folder, exits 0 and prints what the page shows."""
    monkeypatch.chdir(tmp_path)
    checker = doctest.OutputChecker()
    for step in steps():
        status = cli.main(list(step.argv))
        got = capsys.readouterr().out
        assert status == 0, step.argv
        if step.into is not None:
            (tmp_path / step.into).write_text(got, encoding="utf-8")
            assert not step.want.strip()
            continue
        if not checker.check_output(step.want, got, doctest.ELLIPSIS):
            pytest.fail(f"{' '.join(step.argv)}:\n{checker.output_difference(doctest.Example('', step.want), got, doctest.ELLIPSIS)}")
