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
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsRepr
from medplan.csvrows import (
    RowError,
    enum_cell,
    integer_cell,
    read_data_file,
    read_records,
    slug_cell,
)
from medplan.exceptions import TableError
from medplan.model import CareInstruction, Patient, Procedure, ScreeningFinding

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see csvrows)

__all__ = [
    "COLUMNS",
    "FLAGS",
    "AppliesIf",
    "CareItem",
    "CareKind",
    "CarePlan",
    "CareSets",
    "default_care",
    "load_care",
    "parse_care",
    "plan_care",
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
_HBA1C_LONGER = 7.0
_LONGER_GLUCOSE_DAYS = 7


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


@attrs.frozen(kw_only=True, repr=False)
class CareItem(AttrsRepr):
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


@attrs.frozen(kw_only=True, repr=False)
class CareSets(AttrsRepr):
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
    return parse_care(text, name)


@functools.cache
def default_care() -> CareSets:
    """The bundled care table, loaded and validated once per process."""
    return load_care()


@attrs.frozen(repr=False)
class CarePlan(AttrsRepr):
    """The care part of a plan."""

    screening: tuple[ScreeningFinding, ...]
    instructions: tuple[CareInstruction, ...]
    reasons: tuple[str, ...]


def _applies(item: CareItem, patient: Patient, *, anticoagulant: bool) -> tuple[bool, str]:
    """Whether an instruction applies, and the words to put before it when that is not known."""
    pain_relief = patient.takes_pain_relief
    match item.applies_if:
        case None:
            return True, ""
        case AppliesIf.DIABETES:
            return patient.flag("diabetes") is True, ""
        case AppliesIf.ANTICOAGULANT:
            return anticoagulant, ""
        case AppliesIf.MAY_NOT_FOLLOW_INSTRUCTIONS:
            return patient.flag("may_not_follow_instructions") is True, ""
        case AppliesIf.TAKES_PAIN_RELIEF:
            return (
                pain_relief is not False,
                "If you take regular pain relief" if pain_relief is None else "",
            )
        case AppliesIf.NO_PAIN_RELIEF:  # pragma: no branch - every AppliesIf has a case
            return (
                pain_relief is not True,
                "If you take no regular pain relief" if pain_relief is None else "",
            )


def _conditional(condition: str, instruction: str) -> str:
    """``If ..., keep taking ...``: the instruction behind the condition it depends on."""
    return f"{condition}, {instruction[0].lower()}{instruction[1:]}" if condition else instruction


def plan_care(
    items: Sequence[CareItem], procedure: Procedure, patient: Patient, *, anticoagulant: bool
) -> CarePlan:
    """Screen the patient and date the care set's instructions.

    Args:
        items: The procedure's care set.
        procedure: The procedure; day 0 is its date.
        patient: The flags the booking gave.
        anticoagulant: Whether the plan holds and restarts an anticoagulant.

    Returns:
        The screening findings, the dated instructions, and any reasons the
        plan needs review: an absolute contraindication, or one not asked,
        or a relative one answered yes that carries a review question.
    """
    screening = []
    reasons = []
    unasked = []
    instructions = []
    for item in items:
        if item.kind in {CareKind.ABSOLUTE, CareKind.RELATIVE}:
            assert item.flag is not None  # noqa: S101 - validated
            answer = patient.flag(item.flag)
            screening.append(
                ScreeningFinding(
                    flag=item.flag,
                    kind=item.kind.value,
                    answer=answer,
                    finding=item.instruction,
                    source=item.source,
                )
            )
            if item.kind is CareKind.ABSOLUTE and answer is True:
                reasons.append(f"do not book: {item.instruction} is an absolute contraindication")
            if item.kind is CareKind.ABSOLUTE and answer is None:
                unasked.append(item.flag)
            if item.review_question is not None and answer is True:
                reasons.append(item.review_question)
            continue
        applies, prefix = _applies(item, patient, anticoagulant=anticoagulant)
        if not applies:
            continue
        assert item.first_day is not None  # noqa: S101 - validated
        assert item.last_day is not None  # noqa: S101 - validated
        last_day = item.last_day
        if item.applies_if is AppliesIf.DIABETES and (patient.hba1c_percent or 0) >= _HBA1C_LONGER:
            last_day = max(last_day, _LONGER_GLUCOSE_DAYS)
        instructions.append(
            CareInstruction(
                item=item.item,
                kind=item.kind.value,
                first=procedure.day0 + timedelta(days=item.first_day),
                last=procedure.day0 + timedelta(days=last_day),
                first_day=item.first_day,
                last_day=last_day,
                instruction=_conditional(prefix, item.instruction),
                source=item.source,
            )
        )
    if unasked:
        reasons.append(
            f"screening not answered ({', '.join(unasked)}): ask the patient before booking"
        )
    return CarePlan(tuple(screening), tuple(instructions), tuple(reasons))
