"""`medplan plan`'s arguments read without argparse mean what the parser makes of them.

``cli._plain_plan`` reads a plainly written ``medplan plan`` command line
without importing argparse; whatever it does not read is left to the parser.
These tests hold it to the parser: on any list of words it reads, it gives
the parser's answer, and it leaves every word list the parser refuses.
"""

from __future__ import annotations

import contextlib
import io

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from medplan import cli

# Options in full and abbreviated, with "=", help and "--"; values and
# requests, with "-", a negative number and an empty word.
OPTIONS = (
    "--format",
    "--table",
    "--policies",
    "--now",
    "--decisions",
    "--form",
    "--format=json",
    "--help",
    "--version",
    "--",
    "-h",
)
VALUES = (
    "request.json",
    "-",
    "",
    "json",
    "text",
    "ics",
    "calendar",
    "yaml",
    "2026-12-08T09:30",
    "-1",
    "-x",
    "plan",
    "--now",
)

# A command line in pieces: a lone word (a request, or a stray option) or an option and its value.
PIECES = st.one_of(
    st.sampled_from(VALUES).map(lambda word: [word]),
    st.sampled_from(OPTIONS).map(lambda word: [word]),
    st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES)).map(list),
)
ANY_LINE = st.lists(PIECES, max_size=5)
# Mostly well formed: one request, and options named in full, each at most once.
PLAIN_LINE = st.tuples(
    st.sampled_from(VALUES),
    st.lists(st.sampled_from(OPTIONS[:5]), unique=True).flatmap(
        lambda names: st.tuples(
            *(st.sampled_from(VALUES).map(lambda v, n=n: [n, v]) for n in names)
        )
    ),
).flatmap(lambda parts: st.permutations([[parts[0]], *parts[1]]))
COMMAND_LINES = st.one_of(ANY_LINE, PLAIN_LINE).map(
    lambda pieces: ["plan", *(w for p in pieces for w in p)]
)


def _parsed(argv: list[str]) -> dict[str, object] | None:
    """What the full parser makes of ``argv``, or None when it refuses it (or prints help)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(cli._parser().parse_args(argv))  # noqa: SLF001 - the CLI's own parser
        except SystemExit:
            return None


def _plain(argv: list[str]) -> dict[str, object] | None:
    read = cli._plain_plan(argv)  # noqa: SLF001 - the reader under test
    return None if read is None else vars(read)


@attrs.frozen
class Plain:
    """A command line the plain reader reads, and what the parser makes of it."""

    argv: list[str]
    parsed: dict[str, object]


PLAIN = [
    pytest.param(
        Plain(
            ["plan", "r.json", "--format", "json"],
            {
                "command": "plan",
                "request": "r.json",
                "format": "json",
                "table": None,
                "policies": None,
                "now": None,
                "decisions": None,
            },
        ),
        id="json",
    ),
    pytest.param(
        Plain(
            ["plan", "-"],
            {
                "command": "plan",
                "request": "-",
                "format": "text",
                "table": None,
                "policies": None,
                "now": None,
                "decisions": None,
            },
        ),
        id="stdin",
    ),
    pytest.param(
        Plain(
            [
                "plan",
                "--now",
                "2026-12-08T09:30",
                "--decisions",
                "-",
                "--table",
                "t.csv",
                "--policies",
                "p.toml",
                "--format",
                "ics",
                "r.json",
            ],
            {
                "command": "plan",
                "request": "r.json",
                "format": "ics",
                "table": "t.csv",
                "policies": "p.toml",
                "now": "2026-12-08T09:30",
                "decisions": "-",
            },
        ),
        id="every-option-before-the-request",
    ),
]


@pytest.mark.parametrize("case", PLAIN)
def test_plain_command_lines_are_read_as_the_parser_reads_them(case):
    """The usual command lines are read without the parser, each into what the parser gives."""
    assert _plain(case.argv) == case.parsed
    assert _parsed(case.argv) == case.parsed


@pytest.mark.parametrize(
    "argv",
    [
        ["plan"],
        ["plan", "a.json", "b.json"],
        ["plan", "r.json", "--format"],
        ["plan", "r.json", "--format", "yaml"],
        ["plan", "r.json", "--now", "1", "--now", "2"],
        ["plan", "r.json", "--form", "json"],
        ["plan", "r.json", "--format=json"],
        ["plan", "r.json", "--now", "-1"],
        ["plan", "--help"],
        ["example"],
        [],
    ],
    ids=lambda argv: " ".join(argv) or "nothing",
)
def test_anything_else_is_left_to_the_parser(argv):
    """A command line that is not plainly written, or not `plan`, is not read: the parser reads it, or says why not."""
    assert cli._plain_plan(argv) is None  # noqa: SLF001 - the reader under test


@given(COMMAND_LINES)
@example(["plan", "request.json", "--decisions", "-"])
@example(["plan", "", "--now", ""])
def test_what_the_plain_reader_reads_the_parser_reads_alike(argv):
    """On any command line, the plain reader gives the parser's answer or leaves it to the parser."""
    plain = _plain(argv)

    if plain is not None:
        assert plain == _parsed(argv)
