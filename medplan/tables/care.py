"""Care sets: a procedure's screening questions and its dated instructions before and after.

Each row of ``care.csv`` belongs to a care set that catalogue procedures name:

- ``care_set``, ``item``: the set and the item's id within it.
- ``kind``: ``absolute`` or ``relative`` (a contraindication, asked as the
  patient flag in ``flag``), or ``before`` / ``after`` (an instruction for
  days ``first_day`` to ``last_day`` relative to the procedure, day 0).
- ``applies_if``: empty (always), ``diabetes``, ``takes_pain_relief``,
  ``no_pain_relief``, ``anticoagulant`` (a medicine held and restarted) or
  ``may_not_follow_instructions``.
- ``review_question``: for a relative contraindication, the question a yes
  answer puts to the pharmacist (the plan then needs review); empty when a
  yes changes only the instructions (diabetes).
- ``instruction``, ``note``, ``source``.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.exceptions import TableError
from medplan.tables import prebuilt
from medplan.tables.loader import (
    RowError,
    enum_cell,
    integer_cell,
    read_data_file,
    read_records,
    slug_cell,
)

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

__all__ = [
    "COLUMNS",
    "FLAGS",
    "HBA1C_LONGER",
    "AppliesIf",
    "CareItem",
    "CareKind",
    "CareSets",
    "default_care",
    "load_care",
    "parse_care",
]

COLUMNS = (
    "care_set",
    "item",
    "kind",
    "flag",
    "first_day",
    "last_day",
    "applies_if",
    "instruction",
    "note",
    "review_question",
    "source",
)
# The patient flags a screening item may ask (request field patient.<flag>).
FLAGS = (
    "severe_bleeding_disorder",
    "cauda_equina_symptoms",
    "acute_motor_weakness",
    "disc_or_epidural_infection",
    "diabetes",
    "local_skin_infection",
    "unwell",
    "may_not_follow_instructions",
)
# Glucose stays raised for up to a week with poorer control (clinical-reference 5.5).
HBA1C_LONGER = 7.0


class CareKind(enum.StrEnum):
    """What a care item is."""

    ABSOLUTE = "absolute"
    RELATIVE = "relative"
    BEFORE = "before"
    AFTER = "after"


class AppliesIf(enum.StrEnum):
    """When an instruction applies."""

    DIABETES = "diabetes"
    TAKES_PAIN_RELIEF = "takes_pain_relief"
    NO_PAIN_RELIEF = "no_pain_relief"
    ANTICOAGULANT = "anticoagulant"
    MAY_NOT_FOLLOW_INSTRUCTIONS = "may_not_follow_instructions"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class CareItem(AttrsValue):
    """One validated row of the care table."""

    care_set: str
    item: str
    row: int
    kind: CareKind
    flag: str | None
    first_day: int | None
    last_day: int | None
    applies_if: AppliesIf | None
    instruction: str
    note: str | None
    source: str
    review_question: str | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class CareSets(AttrsValue):
    """The loaded, validated care table."""

    file: str
    version: str
    items: tuple[CareItem, ...]

    def items_of(self, care_set: str) -> tuple[CareItem, ...]:
        """The items of one care set, in table order."""
        return tuple(i for i in self.items if i.care_set == care_set)


def _parse_row(cells: Mapping[str, str], row: int) -> CareItem:
    for column in ("instruction", "source"):
        if not cells[column]:
            raise RowError(column, "must not be empty")
    kind = enum_cell(CareKind, "kind", cells["kind"])
    assert kind is not None  # noqa: S101 - not optional
    flag = cells["flag"] or None
    review_question = cells["review_question"] or None
    if review_question is not None and kind is not CareKind.RELATIVE:
        raise RowError("review_question", "must be empty unless kind is relative")
    first = integer_cell("first_day", cells["first_day"], low=-30, high=30)
    last = integer_cell("last_day", cells["last_day"], low=-30, high=30)
    if kind in {CareKind.ABSOLUTE, CareKind.RELATIVE}:
        if flag not in FLAGS:
            raise RowError(
                "flag", f"must be one of {', '.join(FLAGS)} for a contraindication (got {flag!r})"
            )
        if first is not None or last is not None:
            raise RowError("first_day", "must be empty for a contraindication")
    else:
        if flag is not None:
            raise RowError("flag", "must be empty for an instruction")
        if first is None or last is None:
            raise RowError(
                "first_day" if first is None else "last_day", "must be given for an instruction"
            )
        if first > last:
            raise RowError("last_day", f"must not be before first_day (got {first} to {last})")
    return CareItem(
        care_set=slug_cell("care_set", cells["care_set"]),
        item=slug_cell("item", cells["item"]),
        row=row,
        kind=kind,
        flag=flag,
        first_day=first,
        last_day=last,
        applies_if=enum_cell(AppliesIf, "applies_if", cells["applies_if"], optional=True),
        instruction=cells["instruction"],
        note=cells["note"] or None,
        source=cells["source"],
        review_question=review_question,
    )


def parse_care(text: str, file: str = "care.csv") -> CareSets:
    """Validate the care table's text.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, COLUMNS)
    items: list[CareItem] = []
    seen: dict[tuple[str, str], int] = {}
    for row, cells in records:
        try:
            item = _parse_row(cells, row)
        except RowError as error:
            raise TableError(file, row, error.column, error.problem) from None
        key = (item.care_set, item.item)
        if key in seen:
            raise TableError(
                file,
                row,
                "item",
                f"{item.item!r} is already used in {item.care_set} at row {seen[key]}",
            )
        seen[key] = row
        items.append(item)
    return CareSets(file=file, version=version, items=tuple(items))


def load_care(path: str | Path | None = None) -> CareSets:
    """Read and validate a care table; the bundled one when ``path`` is None."""
    text, name = read_data_file(path, "care.csv")
    if path is None:
        table = prebuilt.bundled(name, text, CareSets)
        if table is not None:
            return table
    return parse_care(text, name)


@functools.cache
def default_care() -> CareSets:
    """The bundled care table, loaded and validated once per process."""
    return load_care()
