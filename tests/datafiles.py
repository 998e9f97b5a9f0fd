"""Copies of a bundled data file with one thing broken, for tests that assert a validator's exact message.

A copy is rewritten by the csv module, which quotes fewer cells than the
bundled files do: it parses to the same rows, not to the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources


def bundled(file: str) -> str:
    """The text of ``medplan/data/<file>`` as installed."""
    return (resources.files("medplan") / "data" / file).read_text(encoding="utf-8")


def records(file: str) -> list[list[str]]:
    """The bundled file's records, the header first."""
    return list(csv.reader(io.StringIO(bundled(file), newline="")))


def write(rows: list[list[str]]) -> str:
    """Records back to CSV text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def row_numbers(file: str) -> dict[str, int]:
    """The row number of each record by its first cell (the header is row 1).

    Expected messages use these, so they stay exact when rows are added above
    the one a case breaks.
    """
    return {record[0]: number for number, record in enumerate(records(file), start=1)}


def with_cells(file: str, key: str, /, **cells: str) -> str:
    """The bundled file with some cells of one record (named by its first cell) replaced."""
    rows = records(file)
    header = rows[0]
    for record in rows[1:]:
        if record[0] == key:
            for column, value in cells.items():
                record[header.index(column)] = value
            return write(rows)
    raise KeyError(key)


def with_extra_column(file: str, column: str) -> str:
    """The bundled file with one more column, empty in every record."""
    rows = records(file)
    return write([[*rows[0], column]] + [[*r, ""] for r in rows[1:]])


def one_row(columns: Sequence[str], cells: Mapping[str, str]) -> str:
    """A table of the header and one record (row 2): the given cells, every other one empty."""
    values = dict.fromkeys(columns, "") | dict(cells)
    return ",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n"


@dataclass(frozen=True)
class BrokenRow:
    """A table whose row 2 has one bad cell, the column the error names and its exact problem."""

    text: str
    column: str
    problem: str
