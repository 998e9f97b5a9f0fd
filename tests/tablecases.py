"""Shared helpers for the drug-class table tests under tests/tables/: the bundled table and broken copies of it."""

from __future__ import annotations

import datafiles

import medplan

FILE = "drug_classes.csv"
GUIDELINES = ("asra-pain-2018", "chest-2022")
TABLE = medplan.default_table()
RULES = TABLE.rules
RULE_IDS = [rule.rule_id for rule in RULES]


BUNDLED = datafiles.bundled(FILE)


# --- building broken copies of the bundled table --------------------------------------------


def records() -> list[list[str]]:
    """The bundled table's records, the header first."""
    return datafiles.records(FILE)


write = datafiles.write
ROW = datafiles.row_numbers(FILE)


def with_cells(rule_id: str, /, **cells: str) -> str:
    """The bundled table with some cells of one row replaced."""
    return datafiles.with_cells(FILE, rule_id, **cells)


def without_column(column: str) -> str:
    rows = records()
    index = rows[0].index(column)
    return write([[cell for i, cell in enumerate(r) if i != index] for r in rows])


def with_extra_column(column: str) -> str:
    return datafiles.with_extra_column(FILE, column)


def with_row_cut(rule_id: str) -> str:
    """The bundled table with the last cell of one row dropped."""
    rows = records()
    return write([r[:-1] if r[0] == rule_id else r for r in rows])


def with_rule_id(rule_id: str, new_id: str) -> str:
    return with_cells(rule_id, rule_id=new_id)


def at(row: int | None, column: str | None, problem: str) -> str:
    """The message a TableError gives for a problem at ``row``/``column`` of the file."""
    where = FILE if row is None else f"{FILE}, row {row}"
    if column is not None:
        where += f": column '{column}'"
    return f"{where}: {problem}"


W = ROW["chest-2022:warfarin"]
ASPIRIN = ROW["chest-2022:aspirin"]
APIXABAN = ROW["chest-2022:apixaban:crcl-25-up"]
DABI_50_UP = ROW["chest-2022:dabigatran:crcl-50-up"]
DABI_30_50 = ROW["chest-2022:dabigatran:crcl-30-50"]
