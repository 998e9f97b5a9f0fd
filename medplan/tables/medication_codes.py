"""Medication codes: RxNorm and SNOMED CT codes for the drug table's names.

The table already knows WHO ATC codes (a booking may send one as a name); a
FHIR medication is more often coded in RxNorm or SNOMED CT. ``data/
medication_codes.csv`` maps a code of either system to a name the table
resolves. Columns (every one present, no others):

- ``system``: ``rxnorm`` (http://www.nlm.nih.gov/research/umls/rxnorm) or
  ``snomed`` (http://snomed.info/sct).
- ``code``: the code, digits only.
- ``name``: a generic or brand name of the drug table (a brand where the code
  is a brand's, so that a brand made for one regimen keeps it).
- ``display``: the code's own name in its system, for the reader.
- ``evidence``: ``C`` (read in the code system's own browser), ``C2`` (read
  in a secondary copy: a published value set or public code lists that
  reproduce it) or ``U`` (unconfirmed: one copy only, or copies that
  disagree). A ``U`` code is never used to identify a medicine; a FHIR
  medication coded with one is sent to review, saying so.
- ``source``: where the code was read; never empty.

Loaded once and validated all or nothing, like the other tables; every
``name`` must resolve in the drug table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import attrs

from medplan.exceptions import TableError
from medplan.tables.drug_classes import Evidence, Table, default_table
from medplan.tables.loader import RowError, enum_cell, read_data_file, read_records

__all__ = ["COLUMNS", "SYSTEMS", "Code", "Codes", "default_codes", "load_codes", "parse_codes"]

COLUMNS = ("system", "code", "name", "display", "evidence", "source")
# The code system URIs FHIR uses, by the short name the file uses.
SYSTEMS = {
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "snomed": "http://snomed.info/sct",
}
_DIGITS = re.compile(r"[0-9]{1,18}")


@attrs.frozen(kw_only=True)
class Code:
    """One validated row: a code and the table name it stands for."""

    system: str
    code: str
    name: str
    display: str
    evidence: Evidence
    source: str
    row: int

    @property
    def confirmed(self) -> bool:
        """Whether the code may identify a medicine (not ``U``)."""
        return self.evidence is not Evidence.UNCONFIRMED


@attrs.frozen(kw_only=True)
class Codes:
    """The loaded, validated code map."""

    file: str
    version: str
    codes: Mapping[tuple[str, str], Code]

    def get(self, system_uri: str, code: str) -> Code | None:
        """The row for a FHIR coding's system URI and code, if the file has one.

        >>> default_codes().get("http://www.nlm.nih.gov/research/umls/rxnorm", "11289").name
        'warfarin'
        """
        for short, uri in SYSTEMS.items():
            if uri == system_uri:
                return self.codes.get((short, code.strip()))
        return None


def _parse_row(cells: Mapping[str, str], row: int, table: Table) -> Code:
    if cells["system"] not in SYSTEMS:
        raise RowError("system", f"must be one of {', '.join(SYSTEMS)} (got {cells['system']!r})")
    if _DIGITS.fullmatch(cells["code"]) is None:
        raise RowError("code", f"must be digits (got {cells['code']!r})")
    for column in ("name", "display", "source"):
        if not cells[column]:
            raise RowError(column, "must not be empty")
    if table.resolve(cells["name"]) is None:
        raise RowError("name", f"{cells['name']!r} is not a name in the drug table")
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert evidence is not None  # noqa: S101 - not optional
    return Code(
        system=cells["system"],
        code=cells["code"],
        name=cells["name"],
        display=cells["display"],
        evidence=evidence,
        source=cells["source"],
        row=row,
    )


def parse_codes(text: str, file: str = "medication_codes.csv", table: Table | None = None) -> Codes:
    """Validate the code map's text against the drug table and build :class:`Codes`.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    table = default_table() if table is None else table
    records, version = read_records(text, file, COLUMNS)
    codes: dict[tuple[str, str], Code] = {}
    for row, cells in records:
        try:
            code = _parse_row(cells, row, table)
        except RowError as error:
            raise TableError(file, row, error.column, error.problem) from None
        key = (code.system, code.code)
        if key in codes:
            problem = f"{code.system} {code.code} is already listed at row {codes[key].row}"
            raise TableError(file, row, "code", problem)
        codes[key] = code
    return Codes(file=file, version=version, codes=codes)


def load_codes(path: str | Path | None = None, table: Table | None = None) -> Codes:
    """Read and validate a code map; the bundled one when ``path`` is None.

    Raises:
        TableError: When the file cannot be read or is malformed.
    """
    text, name = read_data_file(path, "medication_codes.csv")
    return parse_codes(text, name, table)


@functools.cache
def default_codes() -> Codes:
    """The bundled code map, loaded and validated once per process against the bundled table."""
    return load_codes()
