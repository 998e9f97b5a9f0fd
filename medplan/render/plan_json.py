"""The plan as the documented JSON text (docs/request-and-plan.md).

:func:`render_json` writes ``json.dumps(plan.to_dict(), indent=2,
ensure_ascii=False)`` and a newline, byte for byte, but in one pass straight
from the plan's values: no dictionaries are built, and each object's keys,
with their indentation, are constant text of one f-string, which Python joins
in one step. Before Python 3.13 ``json.dumps`` indents in pure Python, one
generator step per token, and building the dictionaries and indenting them
cost as much as planning several medicines.

Each writer below gives the keys of the matching ``to_dict`` in
:mod:`medplan.model`, in the same order: a key added there must be added here
(tests/render/test_plan_json.py compares the two on random plans). A value of
a type the writers do not expect (a plan built by hand with the wrong type) is
not guessed at: the whole plan is then written from ``to_dict`` by the
general writer, so the text, or the error, is always json.dumps' own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from json.encoder import encode_basestring as _text
from typing import TypeVar

from medplan.model import (
    SCHEMA_VERSION,
    WEEKDAY_NAMES,
    AnswerWith,
    Anticoagulation,
    Approval,
    Booking,
    BookingMedicine,
    BridgingDose,
    CareInstruction,
    Check,
    Decision,
    Divergence,
    MedicationPlan,
    NameMatch,
    Plan,
    Policy,
    ReviewItem,
    RiskCriterion,
    ScreeningFinding,
    TimelineEvent,
)
from medplan.render._indented import NotPlainJSONError, dumps_indented, write_nested

__all__ = [
    "render_json",
]

_Value = TypeVar("_Value")

NULL = "null"
_INFINITY = float("inf")
_int_text = int.__repr__
_float_text = float.__repr__


def render_json(plan: Plan) -> str:
    r"""The plan as the documented JSON, with a final newline.

    Keys come in a fixed order and nothing depends on the machine, so the same
    request and table give byte-identical output: exactly
    ``json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"``.
    """
    out: list[str] = []
    try:
        _plan(plan, out)
    except (TypeError, AttributeError, NotPlainJSONError, RecursionError):
        # A value of a type the writers do not expect: json.dumps' text, or its error.
        return dumps_indented(plan.to_dict()) + "\n"
    return "".join(out)


# --- values --------------------------------------------------------------------------------------
# Strings, most of a plan, go straight to the C encoder (``_text``); a None
# is ``NULL``, tested in place; an enum's text is its ``_value_``, what
# ``.value`` returns without the property's Python call. What is left has a
# helper each.


def _iso(value: datetime | date) -> str:
    # isoformat() writes digits, "-", ":", "T", "." and "+": nothing to escape.
    return f'"{value.isoformat()}"'


def _moment(value: datetime | None) -> str:
    return NULL if value is None else f'"{value.isoformat()}"'


def _flag(value: bool | None, nl: str) -> str:  # noqa: FBT001 - a value, not an option
    if value is None:
        return NULL
    if value is True:
        return "true"
    if value is False:
        return "false"
    return write_nested(value, nl)


def _number(value: float | None, nl: str) -> str:
    if type(value) is int:
        return _int_text(value)
    if type(value) is float and value == value and value not in (_INFINITY, -_INFINITY):  # noqa: PLR0124 - not NaN
        return _float_text(value)
    if value is None:
        return NULL
    # NaN, an infinity, a bool, an int or float subclass: as json.dumps writes it.
    return write_nested(value, nl)


def _texts(values: Sequence[str], nl: str) -> str:
    """A list of strings, its items on lines starting ``nl`` + 2 spaces."""
    if not values:
        return "[]"
    inner = nl + "  "
    return f"[{inner}" + f",{inner}".join(map(_text, values)) + f"{nl}]"


def _moments(values: Sequence[datetime], nl: str) -> str:
    if not values:
        return "[]"
    inner = nl + "  "
    return f'[{inner}"' + f'",{inner}"'.join([v.isoformat() for v in values]) + f'"{nl}]'


Writer = Callable[[_Value, str, list[str]], None]


def _each(write: Writer[_Value], values: Sequence[_Value], nl: str, out: list[str]) -> None:
    """A list of objects, each written by ``write`` on lines starting ``nl`` + 2 spaces."""
    if not values:
        out.append("[]")
        return
    inner = nl + "  "
    between = f",{inner}"
    out.append(f"[{inner}")
    for value in values:
        write(value, inner, out)
        out.append(between)
    out[-1] = f"{nl}]"


def _maybe(write: Writer[_Value], value: _Value | None, nl: str, out: list[str]) -> None:
    if value is None:
        out.append(NULL)
    else:
        write(value, nl, out)


# --- objects -------------------------------------------------------------------------------------
# One writer per model class, appending its text to ``out``: ``nl`` is the
# newline and indentation of the line the object starts on, ``n`` that of its
# keys. Each f-string is the text between two nested objects.

_SCHEMA_VERSION = json.dumps(SCHEMA_VERSION)


def _plan(plan: Plan, out: list[str]) -> None:
    n = "\n  "
    out.append(
        f'{{{n}"schema_version": {_SCHEMA_VERSION},'
        f'{n}"booking_id": {NULL if plan.booking_id is None else _text(plan.booking_id)},'
        f'{n}"medplan_version": {_text(plan.medplan_version)},'
        f'{n}"table_version": {_text(plan.table_version)},'
        f'{n}"data_versions": {_texts(plan.data_versions, n)},'
        f'{n}"guideline": {_text(plan.guideline)},'
        f'{n}"policy": '
    )
    _policy(plan.policy, n, out)
    out.append(f',{n}"procedure": ')
    _procedure(plan, n, out)
    out.append(
        f',{n}"needs_review": {_flag(plan.needs_review, n)},'
        f'{n}"review_reasons": {_texts(plan.review_reasons, n)},'
        f'{n}"reviews": '
    )
    _each(_review, plan.reviews, n, out)
    out.append(f',{n}"decisions": ')
    _each(_decision, plan.decisions, n, out)
    out.append(f',{n}"contraindicated": {_flag(plan.contraindicated, n)},{n}"screening": ')
    _each(_finding, plan.screening, n, out)
    out.append(f',{n}"medications": ')
    _each(_medication, plan.medications, n, out)
    out.append(f',{n}"care": ')
    _each(_care, plan.care, n, out)
    out.append(f',{n}"anticoagulation": ')
    _maybe(_anticoagulation, plan.anticoagulation, n, out)
    out.append(f',{n}"timeline": ')
    _each(_event, plan.timeline, n, out)
    out.append(f',{n}"booking": ')
    _maybe(_booking, plan.booking, n, out)
    request = plan.request
    out.append(
        f',{n}"request": {NULL if request is None else write_nested(json.loads(request), n)}\n}}\n'
    )


def _procedure(plan: Plan, nl: str, out: list[str]) -> None:
    n = nl + "  "
    procedure = plan.procedure
    out.append(
        f'{{{n}"code": {NULL if procedure.code is None else _text(procedure.code)},'
        f'{n}"name": {_text(procedure.name)},'
        f'{n}"start": {_iso(procedure.start)},'
        f'{n}"end": {_moment(procedure.end)},'
        f'{n}"timezone": {_text(procedure.zone.key)},'
        f'{n}"bleeding_risk": {_text(procedure.bleeding_risk._value_)},'
        f'{n}"fasting": {_flag(procedure.fasting, n)},'
        f'{n}"sedation": {_flag(procedure.sedation, n)},'
        f'{n}"contrast": {_flag(procedure.contrast, n)},'
        f'{n}"notes": {_texts(procedure.notes, n)}'
        f"{nl}}}"
    )


def _policy(policy: Policy, nl: str, out: list[str]) -> None:
    n = nl + "  "
    before = policy.aspirin_before_intermediate
    times = [f"{t:%H:%M}" for t in policy.bridging_times]
    rules: dict[str, dict[str, dict[str, str]]] = {}
    for rule in policy.rules:
        rules.setdefault(rule.drug_class, {})[rule.bleeding_risk.value] = rule.to_dict()
    out.append(
        f'{{{n}"name": {_text(policy.name)},'
        f'{n}"inr_max": {_number(policy.inr_max, n)},'
        f'{n}"inr_check_day": {_number(policy.inr_check_day, n)},'
        f'{n}"antiplatelet_hold_days": {_number(policy.antiplatelet_hold_days, n)},'
        f'{n}"anticoagulant_resume_next_day": {_flag(policy.anticoagulant_resume_next_day, n)},'
        f'{n}"variants": {write_nested(dict(policy.variants), n)},'
        f'{n}"aspirin_before_intermediate": {NULL if before is None else _text(before._value_)},'
        f'{n}"bleeding_risk": {write_nested({c: t.value for c, t in policy.bleeding_risk}, n)},'
        f'{n}"lab_weekdays": {_texts([WEEKDAY_NAMES[d] for d in policy.lab_weekdays], n)},'
        f'{n}"lab_country": {NULL if policy.lab_country is None else _text(policy.lab_country)},'
        f'{n}"lab_subdivision": {NULL if policy.lab_subdivision is None else _text(policy.lab_subdivision)},'
        f'{n}"bridging_agent": {_text(policy.bridging_agent)},'
        f'{n}"bridging_regimen": {_text(policy.bridging_regimen)},'
        f'{n}"bridging_times": {_texts(times, n)},'
        f'{n}"source": {NULL if policy.source is None else _text(policy.source)},'
        f'{n}"approval": '
    )
    _maybe(_approval, policy.approval, n, out)
    out.append(f',{n}"rules": {write_nested(rules, n)}{nl}}}')


def _approval(approval: Approval, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"approved_by": {_text(approval.approved_by)},'
        f'{n}"approved_on": {_iso(approval.approved_on)},'
        f'{n}"reference": {_text(approval.reference)}'
        f"{nl}}}"
    )


def _answer_with(answer_with: AnswerWith, nl: str) -> str:
    n = nl + "  "
    hold_dates = answer_with.hold_dates
    return (
        f'{{{n}"decision": {_texts([a._value_ for a in answer_with.decision], n)},'
        f'{n}"hold_dates": {NULL if hold_dates is None else _text(hold_dates._value_)},'
        f'{n}"data": {_texts(answer_with.data, n)}'
        f"{nl}}}"
    )


def _decision(decision: Decision, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"review": {_text(decision.review)},'
        f'{n}"answer": {_text(decision.answer._value_)},'
        f'{n}"by": {_text(decision.by)},'
        f'{n}"reason": {NULL if decision.reason is None else _text(decision.reason)},'
        f'{n}"last_dose": {_moment(decision.last_dose)},'
        f'{n}"resume": {_moment(decision.resume)},'
        f'{n}"at": {_moment(decision.at)}'
        f"{nl}}}"
    )


_OPEN = '"open"'
_ANSWERED = '"answered"'


def _review(item: ReviewItem, nl: str, out: list[str]) -> None:
    n = nl + "  "
    decision = item.decision
    out.append(
        f'{{{n}"id": {_text(item.id)},'
        f'{n}"medication": {NULL if item.medication is None else _text(item.medication)},'
        f'{n}"question": {_text(item.question)},'
        f'{n}"reason": {_text(item.reason)},'
        f'{n}"answer_with": {_answer_with(item.answer_with, n)},'
        f'{n}"status": {_OPEN if decision is None else _ANSWERED},'
        f'{n}"decision": '
    )
    _maybe(_decision, decision, n, out)
    out.append(f"{nl}}}")


def _finding(finding: ScreeningFinding, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"flag": {_text(finding.flag)},'
        f'{n}"kind": {_text(finding.kind)},'
        f'{n}"answer": {_flag(finding.answer, n)},'
        f'{n}"finding": {_text(finding.finding)},'
        f'{n}"source": {_text(finding.source)}'
        f"{nl}}}"
    )


def _medication(medication: MedicationPlan, nl: str, out: list[str]) -> None:
    n = nl + "  "
    m = medication
    out.append(
        f'{{{n}"input": {_text(m.input)},{n}"match": {_match(m.match, n)},'
        f'{n}"drug": {NULL if m.drug is None else _text(m.drug)},'
        f'{n}"drug_class": {NULL if m.drug_class is None else _text(m.drug_class)},'
        f'{n}"dose": {NULL if m.dose is None else _text(m.dose)},'
        f'{n}"action": {_text(m.action._value_)},'
        f'{n}"hold": {NULL if m.hold is None else _text(str(m.hold))},'
        f'{n}"last_dose": {_moment(m.last_dose)},'
        f'{n}"omitted_doses": {_moments(m.omitted_doses, n)},'
        f'{n}"checks": '
    )
    _each(_check, m.checks, n, out)
    out.append(
        f',{n}"resume": {_moment(m.resume)},'
        f'{n}"instruction": {_text(m.instruction)},'
        f'{n}"review_reason": {NULL if m.review_reason is None else _text(m.review_reason)},'
        f'{n}"rule_id": {NULL if m.rule_id is None else _text(m.rule_id)},'
        f'{n}"rule": {NULL if m.rule is None else _text(m.rule)},'
        f'{n}"source": {NULL if m.source is None else _text(m.source)},'
        f'{n}"notes": {_texts(m.notes, n)},'
        f'{n}"divergences": '
    )
    _each(_divergence, m.divergences, n, out)
    out.append(f',{n}"decision": ')
    _maybe(_decision, m.decision, n, out)
    out.append(f"{nl}}}")


def _match(match: NameMatch, nl: str) -> str:
    n = nl + "  "
    return (
        f'{{{n}"how": {_text(match.how._value_)},'
        f'{n}"name": {NULL if match.name is None else _text(match.name)},'
        f'{n}"kind": {NULL if match.kind is None else _text(match.kind)},'
        f'{n}"normalised": {NULL if match.normalised is None else _text(match.normalised)},'
        f'{n}"removed": {_texts(match.removed, n)},'
        f'{n}"strength": {NULL if match.strength is None else _text(match.strength)},'
        f'{n}"suggestions": {_texts(match.suggestions, n)}'
        f"{nl}}}"
    )


def _check(check: Check, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"test": {_text(check.test)},'
        f'{n}"max": {_number(check.max_value, n)},'
        f'{n}"date": {_iso(check.on)},'
        f'{n}"day": {_number(check.day, n)},'
        f'{n}"before": {_text(check.before)}'
        f"{nl}}}"
    )


def _divergence(divergence: Divergence, nl: str, out: list[str]) -> None:
    n = nl + "  "
    d = divergence
    out.append(
        f'{{{n}"guideline": {_text(d.guideline)},'
        f'{n}"action": {_text(d.action._value_)},'
        f'{n}"last_dose": {_moment(d.last_dose)},'
        f'{n}"resume": {_moment(d.resume)},'
        f'{n}"rule_id": {NULL if d.rule_id is None else _text(d.rule_id)},'
        f'{n}"rule": {NULL if d.rule is None else _text(d.rule)},'
        f'{n}"review_reason": {NULL if d.review_reason is None else _text(d.review_reason)},'
        f'{n}"source": {NULL if d.source is None else _text(d.source)}'
        f"{nl}}}"
    )


def _care(care: CareInstruction, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"item": {_text(care.item)},'
        f'{n}"kind": {_text(care.kind)},'
        f'{n}"from": {_iso(care.first)},'
        f'{n}"to": {_iso(care.last)},'
        f'{n}"days": [{n}  {_number(care.first_day, n)},{n}  {_number(care.last_day, n)}{n}],'
        f'{n}"instruction": {_text(care.instruction)},'
        f'{n}"source": {_text(care.source)}'
        f"{nl}}}"
    )


def _anticoagulation(pathway: Anticoagulation, nl: str, out: list[str]) -> None:
    n = nl + "  "
    risk = pathway.thrombotic_risk
    out.append(
        f'{{{n}"medicine": {_text(pathway.medicine)},'
        f'{n}"drug": {_text(pathway.drug)},'
        f'{n}"thrombotic_risk": {NULL if risk is None else _text(risk._value_)},'
        f'{n}"criteria": '
    )
    _each(_criterion, pathway.criteria, n, out)
    out.append(
        f',{n}"bridging": {_text(pathway.bridging._value_)},'
        f'{n}"decision": {_text(pathway.decision)},'
        f'{n}"review_reason": {NULL if pathway.review_reason is None else _text(pathway.review_reason)},'
        f'{n}"dose": '
    )
    _maybe(_dose, pathway.dose, n, out)
    out.append(
        f',{n}"notes": {_texts(pathway.notes, n)},{n}"tables": {_texts(pathway.versions, n)}{nl}}}'
    )


def _criterion(criterion: RiskCriterion, nl: str, out: list[str]) -> None:
    n = nl + "  "
    c = criterion
    out.append(
        f'{{{n}"rule_id": {_text(c.rule_id)},'
        f'{n}"reason": {_text(c.reason)},'
        f'{n}"criterion": {_text(c.description)},'
        f'{n}"risk": {_text(c.risk._value_)},'
        f'{n}"bridging": {_text(c.bridging._value_)},'
        f'{n}"evidence": {_text(c.evidence)},'
        f'{n}"note": {NULL if c.note is None else _text(c.note)},'
        f'{n}"source": {_text(c.source)}'
        f"{nl}}}"
    )


def _dose(dose: BridgingDose, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"drug": {_text(dose.drug)},'
        f'{n}"regimen": {_text(dose.regimen)},'
        f'{n}"dose": {_number(dose.dose, n)},'
        f'{n}"unit": {_text(dose.unit)},'
        f'{n}"last_dose_before": {_number(dose.last_dose_before, n)},'
        f'{n}"exact": {_number(dose.exact, n)},'
        f'{n}"per_kg": {_number(dose.per_kg, n)},'
        f'{n}"weight_kg": {_number(dose.weight_kg, n)},'
        f'{n}"crcl_ml_min": {_number(dose.crcl_ml_min, n)},'
        f'{n}"rule_id": {_text(dose.rule_id)},'
        f'{n}"source": {_text(dose.source)}'
        f"{nl}}}"
    )


def _event(event: TimelineEvent, nl: str, out: list[str]) -> None:
    n = nl + "  "
    e = event
    out.append(
        f'{{{n}"date": {_iso(e.on)},'
        f'{n}"day": {_number(e.day, n)},'
        f'{n}"at": {_moment(e.at)},'
        f'{n}"kind": {_text(e.kind)},'
        f'{n}"medicine": {NULL if e.medicine is None else _text(e.medicine)},'
        f'{n}"what": {_text(e.what)},'
        f'{n}"for_patient": {_text(e.patient_words)},'
        f'{n}"dose": {NULL if e.dose is None else _text(e.dose)},'
        f'{n}"rule_id": {NULL if e.rule_id is None else _text(e.rule_id)},'
        f'{n}"source": {NULL if e.source is None else _text(e.source)}'
        f"{nl}}}"
    )


def _booking(booking: Booking, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"now": {_iso(booking.now)},'
        f'{n}"now_source": {_text(booking.now_source)},'
        f'{n}"earliest_start": {_iso(booking.earliest_start)},'
        f'{n}"notify_by": {_moment(booking.notify_by)},'
        f'{n}"too_soon": {_flag(booking.too_soon, n)},'
        f'{n}"limited_by": {_texts(booking.limited_by, n)},'
        f'{n}"medicines": '
    )
    _each(_booking_medicine, booking.medicines, n, out)
    out.append(f"{nl}}}")


def _booking_medicine(medicine: BookingMedicine, nl: str, out: list[str]) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"input": {_text(medicine.input)},'
        f'{n}"earliest_start": {_iso(medicine.earliest_start)},'
        f'{n}"notify_by": {_moment(medicine.notify_by)}'
        f"{nl}}}"
    )
