"""The clinical checks table, ``data/clinical_checks.csv``: loaded and checked on load.

Each row is a P2Y12 minimum interval after an event or a renal floor below
which a drug is advised against at all, with its source and evidence mark.
What a row means for a patient's plan is :mod:`medplan.planning.clinical_checks`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.model import Indication, StentType
from medplan.tables import prebuilt
from medplan.tables.drug_classes import Evidence, RenalMeasure
from medplan.tables.loader import (
    RowError,
    enum_cell,
    integer_cell,
    names_cell,
    number_cell,
    parse_rows,
    read_data_file,
    read_records,
    slug_cell,
)

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

__all__ = [
    "COLUMNS",
    "CheckKind",
    "CheckRow",
    "ClinicalChecks",
    "default_clinical_checks",
    "load_clinical_checks",
    "parse_clinical_checks",
]

COLUMNS = (
    "check_id",
    "kind",
    "drugs",
    "indication",
    "stent_type",
    "measure",
    "at_or_below",
    "months",
    "evidence",
    "question",
    "note",
    "source",
)
_MAX_MONTHS = 60
_MAX_RENAL = 200.0


class CheckKind(enum.StrEnum):
    """What a row of the clinical checks table checks."""

    P2Y12_INTERVAL = "p2y12-interval"
    RENAL_FLOOR = "renal-floor"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class CheckRow(AttrsValue):
    """One validated row: its kind's own fields are set, the other kind's are None."""

    check_id: str
    kind: CheckKind
    drugs: tuple[str, ...]
    indication: Indication | None
    stent_type: StentType | None
    measure: RenalMeasure | None
    at_or_below: float | None
    months: int | None
    evidence: Evidence
    question: str
    note: str | None
    source: str

    def cited(self) -> str:
        """The row as a plan note: its id, its reading of the source, the source and its mark."""
        note = f" {self.note}" if self.note else ""
        return f"{self.check_id}:{note} Source: {self.source} [{self.evidence.value}]"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ClinicalChecks(AttrsValue):
    """The loaded, validated clinical checks table."""

    file: str
    version: str
    rows: tuple[CheckRow, ...]

    def of(self, kind: CheckKind, drug: str) -> tuple[CheckRow, ...]:
        """The rows of one kind that name ``drug``, in table order."""
        return tuple(r for r in self.rows if r.kind is kind and drug in r.drugs)


def _empty(cells: Mapping[str, str], kind: CheckKind, columns: Sequence[str]) -> None:
    for column in columns:
        if cells[column]:
            raise RowError(column, f"must be empty for a {kind.value} row (got {cells[column]!r})")


def _parse_row(cells: Mapping[str, str]) -> CheckRow:
    for column in ("drugs", "question", "source"):
        if not cells[column]:
            raise RowError(column, "must not be empty")
    kind = enum_cell(CheckKind, "kind", cells["kind"])
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert kind is not None  # noqa: S101 - not optional
    assert evidence is not None  # noqa: S101 - not optional
    indication = stent_type = measure = None
    at_or_below = None
    months = None
    if kind is CheckKind.P2Y12_INTERVAL:
        _empty(cells, kind, ("measure", "at_or_below"))
        indication = enum_cell(Indication, "indication", cells["indication"])
        assert indication is not None  # noqa: S101 - not optional
        if not indication.is_event:
            raise RowError(
                "indication", f"must name an event, not {indication.value}, for a minimum interval"
            )
        stent_type = enum_cell(StentType, "stent_type", cells["stent_type"], optional=True)
        if stent_type is not None and indication is not Indication.CORONARY_STENT:
            raise RowError("stent_type", "must be empty unless the indication is coronary-stent")
        months = integer_cell("months", cells["months"], low=1, high=_MAX_MONTHS)
        if months is None:
            raise RowError("months", "must be given for a p2y12-interval row")
    else:
        _empty(cells, kind, ("indication", "stent_type", "months"))
        measure = enum_cell(RenalMeasure, "measure", cells["measure"])
        at_or_below = number_cell("at_or_below", cells["at_or_below"], low=1, high=_MAX_RENAL)
        if at_or_below is None:
            raise RowError("at_or_below", "must be given for a renal-floor row")
    return CheckRow(
        check_id=slug_cell("check_id", cells["check_id"]),
        kind=kind,
        drugs=names_cell("drugs", cells["drugs"]),
        indication=indication,
        stent_type=stent_type,
        measure=measure,
        at_or_below=at_or_below,
        months=months,
        evidence=evidence,
        question=cells["question"],
        note=cells["note"] or None,
        source=cells["source"],
    )


def parse_clinical_checks(text: str, file: str = "clinical_checks.csv") -> ClinicalChecks:
    """Validate the clinical checks table's text.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, COLUMNS)
    rows = parse_rows(
        records,
        file,
        lambda cells, _: _parse_row(cells),
        key_column="check_id",
        key=lambda row: row.check_id,
    )
    return ClinicalChecks(file=file, version=version, rows=tuple(rows))


def load_clinical_checks(path: str | Path | None = None) -> ClinicalChecks:
    """Read and validate a clinical checks table; the bundled one when ``path`` is None."""
    text, name = read_data_file(path, "clinical_checks.csv")
    if path is None:
        table = prebuilt.bundled(name, text, ClinicalChecks)
        if table is not None:
            return table
    return parse_clinical_checks(text, name)


@functools.cache
def default_clinical_checks() -> ClinicalChecks:
    """The bundled clinical checks table, loaded and validated once per process."""
    return load_clinical_checks()
