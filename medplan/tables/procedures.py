"""The procedure catalogue: a booking names a procedure code, the catalogue gives the rest.

Each row of ``procedures.csv`` is one procedure:

- ``code``: the id a request gives as ``procedure.code`` (``tfesi-lumbar``).
- ``name``: what the plan calls it.
- ``guideline``: the drug-class guideline its medicines are planned under.
- ``bleeding_risk``: its tier in the classification cited in ``source``.
- ``escalates_to``: empty, or a higher tier the procedure may become on the
  day (a diagnostic colonoscopy that becomes a polypectomy); it is planned at
  that tier and the plan says why.
- ``fasting``, ``sedation``, ``contrast``: ``yes`` or ``no``: whether it
  typically involves fasting, sedation or intravascular iodinated contrast. A
  request may say otherwise for its booking.
- ``care``: empty, or the care set (``data/care.csv``) of screening questions
  and aftercare instructions the plan carries.
- ``evidence``, ``note``, ``source``: as in the drug-class table; a tier
  marked ``U`` sends the plan to review.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.model import BleedingRisk
from medplan.tables import prebuilt
from medplan.tables.drug_classes import Evidence
from medplan.tables.loader import (
    RowError,
    enum_cell,
    parse_rows,
    read_data_file,
    read_records,
    slug_cell,
)

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

__all__ = [
    "COLUMNS",
    "Catalogue",
    "CatalogueProcedure",
    "default_catalogue",
    "load_catalogue",
    "parse_catalogue",
]

COLUMNS = (
    "code",
    "name",
    "guideline",
    "bleeding_risk",
    "escalates_to",
    "fasting",
    "sedation",
    "contrast",
    "care",
    "evidence",
    "note",
    "source",
)
_YES_NO = {"yes": True, "no": False}


@attrs.frozen(kw_only=True, repr=False, eq=False)
class CatalogueProcedure(AttrsValue):
    """One validated row of the catalogue."""

    code: str
    row: int
    name: str
    guideline: str
    bleeding_risk: BleedingRisk
    escalates_to: BleedingRisk | None
    fasting: bool
    sedation: bool
    contrast: bool
    care: str | None
    evidence: Evidence
    note: str | None
    source: str

    @property
    def planned_risk(self) -> BleedingRisk:
        """The tier it is planned at: the tier it may escalate to, if any."""
        return self.escalates_to or self.bleeding_risk


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Catalogue(AttrsValue):
    """The loaded, validated catalogue."""

    file: str
    version: str
    procedures: Mapping[str, CatalogueProcedure]

    def get(self, code: str) -> CatalogueProcedure | None:
        """The procedure with this code, if the catalogue has one."""
        return self.procedures.get(code)


def _yes_no(column: str, raw: str) -> bool:
    if raw not in _YES_NO:
        raise RowError(column, f"must be yes or no (got {raw!r})")
    return _YES_NO[raw]


def _parse_row(cells: Mapping[str, str], row: int) -> CatalogueProcedure:
    for column in ("name", "source"):
        if not cells[column]:
            raise RowError(column, "must not be empty")
    risk = enum_cell(BleedingRisk, "bleeding_risk", cells["bleeding_risk"])
    assert risk is not None  # noqa: S101 - not optional
    escalates_to = enum_cell(BleedingRisk, "escalates_to", cells["escalates_to"], optional=True)
    if escalates_to is not None and escalates_to.rank <= risk.rank:
        problem = (
            f"must be a higher tier than bleeding_risk {risk.value} (got {escalates_to.value!r})"
        )
        raise RowError("escalates_to", problem)
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert evidence is not None  # noqa: S101 - not optional
    return CatalogueProcedure(
        code=slug_cell("code", cells["code"]),
        row=row,
        name=cells["name"],
        guideline=slug_cell("guideline", cells["guideline"]),
        bleeding_risk=risk,
        escalates_to=escalates_to,
        fasting=_yes_no("fasting", cells["fasting"]),
        sedation=_yes_no("sedation", cells["sedation"]),
        contrast=_yes_no("contrast", cells["contrast"]),
        care=slug_cell("care", cells["care"]) if cells["care"] else None,
        evidence=evidence,
        note=cells["note"] or None,
        source=cells["source"],
    )


def parse_catalogue(text: str, file: str = "procedures.csv") -> Catalogue:
    """Validate the catalogue's text and build the :class:`Catalogue`.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, COLUMNS)
    rows = parse_rows(records, file, _parse_row, key_column="code", key=lambda p: p.code)
    procedures = {procedure.code: procedure for procedure in rows}
    return Catalogue(file=file, version=version, procedures=procedures)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate a catalogue file; the bundled one when ``path`` is None.

    Raises:
        TableError: When the file cannot be read or is malformed.
    """
    text, name = read_data_file(path, "procedures.csv")
    if path is None:
        table = prebuilt.bundled(name, text, Catalogue)
        if table is not None:
            return table
    return parse_catalogue(text, name)


@functools.cache
def default_catalogue() -> Catalogue:
    """The bundled catalogue, loaded and validated once per process."""
    return load_catalogue()
