"""Every command-line argument says what it is for in ``medplan ... --help``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pytest

from medplan import cli


@dataclass(frozen=True)
class Argument:
    """One argument of one command: the command's words, the argument's name and its help."""

    command: str
    name: str
    help: str | None


def _arguments(parser: argparse.ArgumentParser, command: str) -> list[Argument]:
    found = []
    for action in parser._actions:  # noqa: SLF001 - argparse keeps a parser's arguments here and nowhere public
        name = "/".join(action.option_strings) or action.metavar or action.dest
        found.append(Argument(command, str(name), action.help))
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001 - the commands' parsers
            for word, sub in action.choices.items():
                found.extend(_arguments(sub, f"{command} {word}"))
    return found


ARGUMENTS = _arguments(cli._parser(), "medplan")  # noqa: SLF001 - the CLI's own parser


def test_every_command_is_found():
    """The walk reaches every command and its positional arguments, so the next test checks them all."""
    commands = {a.command for a in ARGUMENTS}
    names = {(a.command, a.name) for a in ARGUMENTS}

    assert commands == {
        "medplan", *(f"medplan {c}" for c in ("plan", "review", "earliest", "batch", "recheck", "example", "procedures", "policies", "serve"))
    }
    assert {("medplan plan", "REQUEST.json"), ("medplan batch", "REQUESTS.jsonl"), ("medplan example", "name")} <= names


@pytest.mark.parametrize("argument", ARGUMENTS, ids=lambda a: f"{a.command} {a.name}")
def test_every_argument_has_help(argument):
    """Each option and positional argument of each command has a help text that --help shows."""
    assert argument.help
    assert argument.help != argparse.SUPPRESS


def test_positional_help_is_printed(capsys):
    """`medplan plan --help` describes REQUEST.json, not just names it."""
    status = cli.main(["plan", "--help"])

    assert status == 0
    assert "REQUEST.json          the request: a JSON file, or - for standard input" in capsys.readouterr().out
