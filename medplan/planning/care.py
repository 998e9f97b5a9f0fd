"""A procedure's care plan: which screening questions and dated instructions apply to this patient."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._made import care_instruction, screening_finding
from medplan.model import CareInstruction, Patient, Procedure, Question, ScreeningFinding
from medplan.planning.reviews import CONFIRM, decide, supply
from medplan.tables.care import HBA1C_LONGER, AppliesIf, CareItem, CareKind

__all__ = [
    "CarePlan",
    "plan_care",
]


_LONGER_GLUCOSE_DAYS = 7

# The members compared item by item, read once: an enum class's attribute
# costs about a thousand instructions to read (EnumType's __getattr__ hook).
_ABSOLUTE, _RELATIVE = CareKind.ABSOLUTE, CareKind.RELATIVE
_DIABETES, _ANTICOAGULANT = AppliesIf.DIABETES, AppliesIf.ANTICOAGULANT
_MAY_NOT_FOLLOW = AppliesIf.MAY_NOT_FOLLOW_INSTRUCTIONS
_TAKES_PAIN_RELIEF, _NO_PAIN_RELIEF = AppliesIf.TAKES_PAIN_RELIEF, AppliesIf.NO_PAIN_RELIEF

# A day count's timedelta by the count (a bounded memo: the table's days run
# from -30 to 30), since making one costs some 3,000 instructions.
_DAYS: dict[int, timedelta] = {}


def _days(count: int) -> timedelta:
    days = _DAYS.get(count)
    if days is None:
        days = _DAYS[count] = timedelta(days=count)
    return days


@attrs.frozen(repr=False, eq=False)
class CarePlan(AttrsValue):
    """The care part of a plan."""

    screening: tuple[ScreeningFinding, ...]
    instructions: tuple[CareInstruction, ...]
    questions: tuple[Question, ...]


def _applies(
    item: CareItem, patient: Patient, flags: Mapping[str, bool], *, anticoagulant: bool
) -> tuple[bool, str]:
    """Whether an instruction applies, and the words to put before it when that is not known.

    ``flags`` are the patient's screening answers by name (``Patient.flag``).
    """
    applies_if = item.applies_if
    if applies_if is None:
        return True, ""
    if applies_if is _DIABETES:
        return flags.get("diabetes") is True, ""
    if applies_if is _ANTICOAGULANT:
        return anticoagulant, ""
    if applies_if is _MAY_NOT_FOLLOW:
        return flags.get("may_not_follow_instructions") is True, ""
    pain_relief = patient.takes_pain_relief
    if applies_if is _TAKES_PAIN_RELIEF:
        return (
            pain_relief is not False,
            "If you take regular pain relief" if pain_relief is None else "",
        )
    assert applies_if is _NO_PAIN_RELIEF  # noqa: S101 - every AppliesIf is one of these
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
    reasons: list[Question] = []
    unasked = []
    instructions = []
    # Read once for the set, not once an item: Patient.flag builds its mapping at each call.
    flags = dict(patient.flags)
    day0 = procedure.day0
    for item in items:
        kind = item.kind
        if kind is _ABSOLUTE or kind is _RELATIVE:
            assert item.flag is not None  # noqa: S101 - validated
            answer = flags.get(item.flag)
            screening.append(
                screening_finding(
                    flag=item.flag,
                    kind=kind._value_,
                    answer=answer,
                    finding=item.instruction,
                    source=item.source,
                )
            )
            if kind is _ABSOLUTE and answer is True:
                reasons.append(
                    supply(
                        f"contraindicated-{item.flag}",
                        f"do not book: {item.instruction} is an absolute contraindication",
                        f"Do not book: the screening answer to {item.flag} is yes ({item.instruction}), "
                        "an absolute contraindication. Only a different screening answer clears it.",
                        [f"patient.{item.flag}"],
                    )
                )
            if kind is _ABSOLUTE and answer is None:
                unasked.append(item.flag)
            if item.review_question is not None and answer is True:
                said = f"{item.review_question[0].upper()}{item.review_question[1:]}"
                reasons.append(
                    decide(
                        f"caution-{item.flag}",
                        item.review_question,
                        f"{said}. Confirmed once checked with the team doing the procedure.",
                        CONFIRM,
                    )
                )
            continue
        applies, prefix = _applies(item, patient, flags, anticoagulant=anticoagulant)
        if not applies:
            continue
        assert item.first_day is not None  # noqa: S101 - validated
        assert item.last_day is not None  # noqa: S101 - validated
        last_day = item.last_day
        if item.applies_if is _DIABETES and (patient.hba1c_percent or 0) >= HBA1C_LONGER:
            last_day = max(last_day, _LONGER_GLUCOSE_DAYS)
        instructions.append(
            care_instruction(
                item=item.item,
                kind=kind._value_,
                first=day0 + _days(item.first_day),
                last=day0 + _days(last_day),
                first_day=item.first_day,
                last_day=last_day,
                instruction=_conditional(prefix, item.instruction),
                source=item.source,
            )
        )
    if unasked:
        reasons.append(
            supply(
                "screening-not-answered",
                f"screening not answered ({', '.join(unasked)}): ask the patient before booking",
                f"Ask the patient the screening questions not yet answered: {', '.join(unasked)}.",
                [f"patient.{flag}" for flag in unasked],
            )
        )
    return CarePlan(tuple(screening), tuple(instructions), tuple(reasons))
