"""Frozen values medplan's own code makes by the dozen, made without a setattr call a field.

A frozen attrs class sets each field of a new value through
``object.__setattr__`` (its own ``__setattr__`` refuses every change), a call
of about 1,200 instructions a field, and a class called with keywords takes
them through a dictionary: a plan of four medicines makes some hundred values.
The functions here make a value of one class as an instance of a mutable twin
(a subclass that adds nothing but the plain ``__setattr__``), set its fields as
plain attributes, and turn it into an instance of the class itself
(``__class__`` assignment: the two share their layout): a quarter of the
instructions for a class of eight fields. What comes back is an ordinary
frozen value of the class, equal, hashed and printed as attrs' own
(tests/api/test_made.py checks each against its class's fields and defaults).

Validators are not run: these are for values medplan's own code makes from
values already checked (the request, once parsed; the tables, once loaded).
Whatever a caller makes goes through the class itself. Only the classes made
several times a plan have one, written out (medplan evaluates no generated
code): a maker and its twin cost some 0.2 M instructions to load and make once,
which a class made once a plan would not repay in a one-shot command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from medplan.model import (
    Action,
    CareInstruction,
    Check,
    Divergence,
    Indication,
    Interval,
    MedicationOrder,
    MedicationPlan,
    NameMatch,
    Question,
    Regimen,
    Route,
    ScreeningFinding,
    StentType,
    TimelineEvent,
)

if TYPE_CHECKING:
    from medplan.model import Decision

__all__ = [
    "MAKERS",
    "care_instruction",
    "evolved",
    "medication_order",
    "medication_plan",
    "screening_finding",
    "timeline_event",
]

_Value = TypeVar("_Value")

_new = object.__new__
# One twin a class, made on first use.
_TWINS: dict[type, type] = {}


def _twin(cls: type) -> type:
    """Make and keep the twin of ``cls`` (its callers look in ``_TWINS`` first)."""
    twin = _TWINS[cls] = type(
        cls.__name__,
        (cls,),
        {
            "__slots__": (),
            "__module__": cls.__module__,
            # Both, or the type keeps the slow path for either (they share one slot).
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        },
    )
    return twin


def medication_plan(
    *,
    input: str,  # noqa: A002 - the field's name
    drug: str | None,
    drug_class: str | None,
    action: Action,
    last_dose: datetime | None,
    omitted_doses: tuple[datetime, ...],
    checks: tuple[Check, ...],
    resume: datetime | None,
    instruction: str,
    review_reason: str | None,
    rule_id: str | None,
    rule: str | None,
    source: str | None,
    notes: tuple[str, ...],
    match: NameMatch,
    dose: str | None = None,
    divergences: tuple[Divergence, ...] = (),
    hold: Interval | None = None,
    questions: tuple[Question, ...] = (),
    decision: Decision | None = None,
) -> MedicationPlan:
    """A :class:`~medplan.model.MedicationPlan`, without validators."""
    value: Any = _new(_TWINS.get(MedicationPlan) or _twin(MedicationPlan))
    value.input = input
    value.drug = drug
    value.drug_class = drug_class
    value.action = action
    value.last_dose = last_dose
    value.omitted_doses = omitted_doses
    value.checks = checks
    value.resume = resume
    value.instruction = instruction
    value.review_reason = review_reason
    value.rule_id = rule_id
    value.rule = rule
    value.source = source
    value.notes = notes
    value.match = match
    value.dose = dose
    value.divergences = divergences
    value.hold = hold
    value.questions = questions
    value.decision = decision
    value.__class__ = MedicationPlan
    made: MedicationPlan = value
    return made


def timeline_event(
    *,
    on: date,
    day: int,
    at: datetime | None,
    kind: str,
    medicine: str | None,
    what: str,
    dose: str | None = None,
    rule_id: str | None = None,
    source: str | None = None,
    for_patient: str | None = None,
) -> TimelineEvent:
    """A :class:`~medplan.model.TimelineEvent`, without validators."""
    value: Any = _new(_TWINS.get(TimelineEvent) or _twin(TimelineEvent))
    value.on = on
    value.day = day
    value.at = at
    value.kind = kind
    value.medicine = medicine
    value.what = what
    value.dose = dose
    value.rule_id = rule_id
    value.source = source
    value.for_patient = for_patient
    value.__class__ = TimelineEvent
    made: TimelineEvent = value
    return made


def care_instruction(
    *,
    item: str,
    kind: str,
    first: date,
    last: date,
    first_day: int,
    last_day: int,
    instruction: str,
    source: str,
) -> CareInstruction:
    """A :class:`~medplan.model.CareInstruction`."""
    value: Any = _new(_TWINS.get(CareInstruction) or _twin(CareInstruction))
    value.item = item
    value.kind = kind
    value.first = first
    value.last = last
    value.first_day = first_day
    value.last_day = last_day
    value.instruction = instruction
    value.source = source
    value.__class__ = CareInstruction
    made: CareInstruction = value
    return made


def screening_finding(
    *, flag: str, kind: str, answer: bool | None, finding: str, source: str
) -> ScreeningFinding:
    """A :class:`~medplan.model.ScreeningFinding`."""
    value: Any = _new(_TWINS.get(ScreeningFinding) or _twin(ScreeningFinding))
    value.flag = flag
    value.kind = kind
    value.answer = answer
    value.finding = finding
    value.source = source
    value.__class__ = ScreeningFinding
    made: ScreeningFinding = value
    return made


def medication_order(
    *,
    name: str,
    times: tuple[time, ...] = (),
    days: tuple[int, ...] = (),
    dose: str | None = None,
    regimen: Regimen | None = None,
    route: Route | None = None,
    indication: Indication | None = None,
    indication_date: date | None = None,
    stent_type: StentType | None = None,
) -> MedicationOrder:
    """A :class:`~medplan.model.MedicationOrder`."""
    value: Any = _new(_TWINS.get(MedicationOrder) or _twin(MedicationOrder))
    value.name = name
    value.times = times
    value.days = days
    value.dose = dose
    value.regimen = regimen
    value.route = route
    value.indication = indication
    value.indication_date = indication_date
    value.stent_type = stent_type
    value.__class__ = MedicationOrder
    made: MedicationOrder = value
    return made


# Each class and its maker (tests/api/test_made.py checks the one against the other).
MAKERS: dict[type, Callable[..., Any]] = {
    CareInstruction: care_instruction,
    MedicationOrder: medication_order,
    MedicationPlan: medication_plan,
    ScreeningFinding: screening_finding,
    TimelineEvent: timeline_event,
}

# Each class's field names, read once, for evolved.
_NAMES: dict[type, frozenset[str]] = {}


def _names(cls: type) -> frozenset[str]:
    fields = attrs.fields(cls)
    if any(not f.init or f.alias != f.name or f.converter is not None for f in fields):
        msg = f"{cls.__qualname__}'s __init__ does more than set its fields: evolve it with attrs"
        raise TypeError(msg)
    names = _NAMES[cls] = frozenset(f.name for f in fields)
    return names


def evolved(value: _Value, /, **changes: Any) -> _Value:  # noqa: ANN401 - any field's value
    """``attrs.evolve(value, **changes)``, made as the makers make values: without validators."""
    cls = type(value)
    names = _NAMES.get(cls) or _names(cls)
    if not changes.keys() <= names:
        msg = f"{cls.__qualname__} has no field {min(changes.keys() - names)!r}"
        raise TypeError(msg)
    twin: Any = _new(_TWINS.get(cls) or _twin(cls))
    for name in names:
        setattr(twin, name, changes[name] if name in changes else getattr(value, name))
    twin.__class__ = cls
    made: _Value = twin
    return made
