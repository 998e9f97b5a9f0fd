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
from datetime import date, datetime, timedelta
from json.encoder import encode_basestring as _text
from typing import TYPE_CHECKING, TypeVar

from medplan.model import (
    SCHEMA_VERSION,
    WEEKDAY_NAMES,
    AnswerWith,
    Anticoagulation,
    Booking,
    BookingMedicine,
    CareInstruction,
    Check,
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

if TYPE_CHECKING:
    from medplan.model import BridgingDose, Decision
    from medplan.tables.policies import Approval

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
    out = _Text()
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


class _Text(list[str]):
    """The pieces of one plan's JSON text, and the text of each datetime already written.

    A plan holds the same datetime in several places (a last dose is also a
    step of the timeline, the first dose left out is when to tell the
    patient): about half of its datetimes, and ``isoformat`` costs about 11k
    instructions. Kept by the datetime's identity, for one plan only: the
    plan holds every one of them while it is written, so no id is reused.
    """

    __slots__ = ("moments",)

    def __init__(self) -> None:
        super().__init__()
        self.moments: dict[int, str] = {}


# The JSON text of the tables' citations and care texts, by the text (a
# bounded memo): the same few dozen sources are cited in every plan, some
# several times, a third of the characters a plan's strings encode.
_CITED: dict[str, str] = {}
_CITED_KEPT = 4096


def _cited(value: str) -> str:
    text = _CITED.get(value)
    if text is None:
        text = _text(value)
        if len(_CITED) < _CITED_KEPT:
            _CITED[value] = text
    return text


def _iso(value: date) -> str:
    # isoformat() writes digits, "-", ":", "T", "." and "+": nothing to escape.
    return f'"{value.isoformat()}"'


# Two digits of a month, day, hour, minute or second; and a UTC offset's
# text by the offset (a bounded memo: a plan's zone has a few offsets).
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(100))
_OFFSETS: dict[timedelta, str] = {}
_OFFSETS_KEPT = 256


def _offset(offset: timedelta) -> str:
    """A whole-minute UTC offset as isoformat writes it: ``+08:00``, ``-05:00``."""
    minutes = offset.days * 24 * 60 + offset.seconds // 60
    hours, minutes = divmod(abs(minutes), 60)
    text = f"{'-' if offset < timedelta(0) else '+'}{_TWO_DIGITS[hours]}:{_TWO_DIGITS[minutes]}"
    if len(_OFFSETS) < _OFFSETS_KEPT:
        _OFFSETS[offset] = text
    return text


def _instant(value: datetime, out: _Text) -> str:
    text = out.moments.get(id(value))
    if text is None:
        offset = value.utcoffset()
        # isoformat, spelt from the fields for a whole second of a year from
        # 1000 with a whole-minute offset (every dose a plan dates): a third
        # fewer instructions than isoformat's formatting and offset. Only
        # whole-minute offsets are kept, so one found needs no checking.
        said = None if offset is None else _OFFSETS.get(offset)
        if said is None and offset is not None and not (offset.seconds % 60 or offset.microseconds):
            said = _offset(offset)
        if said is None or value.microsecond or value.year < 1000:  # noqa: PLR2004 - isoformat pads the year to four digits
            text = f'"{value.isoformat()}"'
        else:
            digits = _TWO_DIGITS
            text = (
                f'"{value.year}-{digits[value.month]}-{digits[value.day]}T{digits[value.hour]}:'
                f'{digits[value.minute]}:{digits[value.second]}{said}"'
            )
        out.moments[id(value)] = text
    return text


def _moment(value: datetime | None, out: _Text) -> str:
    return NULL if value is None else _instant(value, out)


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


def _moments(values: Sequence[datetime], nl: str, out: _Text) -> str:
    if not values:
        return "[]"
    inner = nl + "  "
    return f"[{inner}" + f",{inner}".join([_instant(v, out) for v in values]) + f"{nl}]"


Writer = Callable[[_Value, _Text], None]


def _each(write: Writer[_Value], values: Sequence[_Value], nl: str, out: _Text) -> None:
    """A list of objects, each written by ``write``, in a list whose key is on a line starting ``nl``."""
    if not values:
        out.append("[]")
        return
    inner = nl + "  "
    between = f",{inner}"
    out.append(f"[{inner}")
    for value in values:
        write(value, out)
        out.append(between)
    out[-1] = f"{nl}]"


def _maybe(write: Writer[_Value], value: _Value | None, out: _Text) -> None:
    if value is None:
        out.append(NULL)
    else:
        write(value, out)


# --- objects -------------------------------------------------------------------------------------
# One writer per model class, appending its text to ``out``. Each object sits
# at one depth of the plan, so its keys' newline and indentation are constant
# text, as the JSON shows them: one piece with the key and the comma before
# it, not three (an f-string joins its pieces one by one). ``_N2`` ... ``_N10``
# are the same newlines, for the lists and values a writer hands on. Only a
# decision sits at two depths (in the plan's list, and in a review or a
# medicine), and takes its own.

_N2, _N4, _N6, _N8, _N10 = ("\n" + " " * spaces for spaces in (2, 4, 6, 8, 10))
_SCHEMA_VERSION = json.dumps(SCHEMA_VERSION)


def _plan(plan: Plan, out: _Text) -> None:
    out.append(
        f'{{\n  "schema_version": {_SCHEMA_VERSION},'
        f'\n  "booking_id": {NULL if plan.booking_id is None else _text(plan.booking_id)},'
        f'\n  "medplan_version": {_text(plan.medplan_version)},'
        f'\n  "table_version": {_text(plan.table_version)},'
        f'\n  "data_versions": {_texts(plan.data_versions, _N2)},'
        f'\n  "guideline": {_text(plan.guideline)},'
        f'\n  "policy": '
    )
    _policy(plan.policy, out)
    out.append(',\n  "procedure": ')
    _procedure(plan, out)
    out.append(
        f',\n  "needs_review": {_flag(plan.needs_review, _N2)},'
        f'\n  "review_reasons": {_texts(plan.review_reasons, _N2)},'
        f'\n  "reviews": '
    )
    _each(_review, plan.reviews, _N2, out)
    out.append(',\n  "decisions": ')
    _each(_plan_decision, plan.decisions, _N2, out)
    out.append(f',\n  "contraindicated": {_flag(plan.contraindicated, _N2)},\n  "screening": ')
    _each(_finding, plan.screening, _N2, out)
    out.append(',\n  "medications": ')
    _each(_medication, plan.medications, _N2, out)
    out.append(',\n  "care": ')
    _each(_care, plan.care, _N2, out)
    out.append(',\n  "anticoagulation": ')
    _maybe(_anticoagulation, plan.anticoagulation, out)
    out.append(',\n  "timeline": ')
    _each(_event, plan.timeline, _N2, out)
    out.append(',\n  "booking": ')
    _maybe(_booking, plan.booking, out)
    request = plan.request
    out.append(
        f',\n  "request": {NULL if request is None else write_nested(json.loads(request), _N2)}\n}}\n'
    )


def _procedure(plan: Plan, out: _Text) -> None:
    procedure = plan.procedure
    out.append(
        f'{{\n    "code": {NULL if procedure.code is None else _text(procedure.code)},'
        f'\n    "name": {_text(procedure.name)},'
        f'\n    "start": {_instant(procedure.start, out)},'
        f'\n    "end": {_moment(procedure.end, out)},'
        f'\n    "timezone": {_text(procedure.zone.key)},'
        f'\n    "bleeding_risk": {_text(procedure.bleeding_risk._value_)},'
        f'\n    "fasting": {_flag(procedure.fasting, _N4)},'
        f'\n    "sedation": {_flag(procedure.sedation, _N4)},'
        f'\n    "contrast": {_flag(procedure.contrast, _N4)},'
        f'\n    "notes": {_texts(procedure.notes, _N4)}'
        f"\n  }}"
    )


def _policy(policy: Policy, out: _Text) -> None:
    before = policy.aspirin_before_intermediate
    # As f"{t:%H:%M}" writes it (strftime, ten times the instructions).
    times = [f"{_TWO_DIGITS[t.hour]}:{_TWO_DIGITS[t.minute]}" for t in policy.bridging_times]
    rules: dict[str, dict[str, dict[str, str]]] = {}
    for rule in policy.rules:
        rules.setdefault(rule.drug_class, {})[rule.bleeding_risk.value] = rule.to_dict()
    out.append(
        f'{{\n    "name": {_text(policy.name)},'
        f'\n    "inr_max": {_number(policy.inr_max, _N4)},'
        f'\n    "inr_check_day": {_number(policy.inr_check_day, _N4)},'
        f'\n    "antiplatelet_hold_days": {_number(policy.antiplatelet_hold_days, _N4)},'
        f'\n    "anticoagulant_resume_next_day": {_flag(policy.anticoagulant_resume_next_day, _N4)},'
        f'\n    "variants": {write_nested(dict(policy.variants), _N4)},'
        f'\n    "aspirin_before_intermediate": {NULL if before is None else _text(before._value_)},'
        f'\n    "bleeding_risk": {write_nested({c: t.value for c, t in policy.bleeding_risk}, _N4)},'
        f'\n    "lab_weekdays": {_texts([WEEKDAY_NAMES[d] for d in policy.lab_weekdays], _N4)},'
        f'\n    "lab_country": {NULL if policy.lab_country is None else _text(policy.lab_country)},'
        f'\n    "lab_subdivision": {NULL if policy.lab_subdivision is None else _text(policy.lab_subdivision)},'
        f'\n    "bridging_agent": {_text(policy.bridging_agent)},'
        f'\n    "bridging_regimen": {_text(policy.bridging_regimen)},'
        f'\n    "bridging_times": {_texts(times, _N4)},'
        f'\n    "source": {NULL if policy.source is None else _text(policy.source)},'
        f'\n    "approval": '
    )
    _maybe(_approval, policy.approval, out)
    out.append(f',\n    "rules": {write_nested(rules, _N4)}\n  }}')


def _approval(approval: Approval, out: _Text) -> None:
    out.append(
        f'{{\n      "approved_by": {_text(approval.approved_by)},'
        f'\n      "approved_on": {_iso(approval.approved_on)},'
        f'\n      "reference": {_text(approval.reference)}'
        f"\n    }}"
    )


def _answer_with(answer_with: AnswerWith) -> str:
    hold_dates = answer_with.hold_dates
    return (
        f'{{\n        "decision": {_texts([a._value_ for a in answer_with.decision], _N8)},'
        f'\n        "hold_dates": {NULL if hold_dates is None else _text(hold_dates._value_)},'
        f'\n        "data": {_texts(answer_with.data, _N8)}'
        f"\n      }}"
    )


def _decision(decision: Decision, nl: str, out: _Text) -> None:
    n = nl + "  "
    out.append(
        f'{{{n}"review": {_text(decision.review)},'
        f'{n}"answer": {_text(decision.answer._value_)},'
        f'{n}"by": {_text(decision.by)},'
        f'{n}"reason": {NULL if decision.reason is None else _text(decision.reason)},'
        f'{n}"last_dose": {_moment(decision.last_dose, out)},'
        f'{n}"resume": {_moment(decision.resume, out)},'
        f'{n}"at": {_moment(decision.at, out)}'
        f"{nl}}}"
    )


def _plan_decision(decision: Decision, out: _Text) -> None:
    _decision(decision, _N4, out)


def _answer(decision: Decision | None, nl: str, out: _Text) -> None:
    """A review's or a medicine's decision, or null."""
    if decision is None:
        out.append(NULL)
    else:
        _decision(decision, nl, out)


_OPEN = '"open"'
_ANSWERED = '"answered"'


def _review(item: ReviewItem, out: _Text) -> None:
    decision = item.decision
    out.append(
        f'{{\n      "id": {_text(item.id)},'
        f'\n      "medication": {NULL if item.medication is None else _text(item.medication)},'
        f'\n      "question": {_text(item.question)},'
        f'\n      "reason": {_text(item.reason)},'
        f'\n      "answer_with": {_answer_with(item.answer_with)},'
        f'\n      "status": {_OPEN if decision is None else _ANSWERED},'
        f'\n      "decision": '
    )
    _answer(decision, _N6, out)
    out.append("\n    }")


def _finding(finding: ScreeningFinding, out: _Text) -> None:
    out.append(
        f'{{\n      "flag": {_text(finding.flag)},'
        f'\n      "kind": {_text(finding.kind)},'
        f'\n      "answer": {_flag(finding.answer, _N6)},'
        f'\n      "finding": {_cited(finding.finding)},'
        f'\n      "source": {_cited(finding.source)}'
        f"\n    }}"
    )


def _medication(medication: MedicationPlan, out: _Text) -> None:
    m = medication
    out.append(
        f'{{\n      "input": {_text(m.input)},\n      "match": {_match(m.match)},'
        f'\n      "drug": {NULL if m.drug is None else _text(m.drug)},'
        f'\n      "drug_class": {NULL if m.drug_class is None else _text(m.drug_class)},'
        f'\n      "dose": {NULL if m.dose is None else _text(m.dose)},'
        f'\n      "action": {_text(m.action._value_)},'
        f'\n      "hold": {NULL if m.hold is None else _text(str(m.hold))},'
        f'\n      "last_dose": {_moment(m.last_dose, out)},'
        f'\n      "omitted_doses": {_moments(m.omitted_doses, _N6, out)},'
        f'\n      "checks": '
    )
    _each(_check, m.checks, _N6, out)
    out.append(
        f',\n      "resume": {_moment(m.resume, out)},'
        f'\n      "instruction": {_text(m.instruction)},'
        f'\n      "review_reason": {NULL if m.review_reason is None else _text(m.review_reason)},'
        f'\n      "rule_id": {NULL if m.rule_id is None else _text(m.rule_id)},'
        f'\n      "rule": {NULL if m.rule is None else _text(m.rule)},'
        f'\n      "source": {NULL if m.source is None else _cited(m.source)},'
        f'\n      "notes": {_texts(m.notes, _N6)},'
        f'\n      "divergences": '
    )
    _each(_divergence, m.divergences, _N6, out)
    out.append(',\n      "decision": ')
    _answer(m.decision, _N6, out)
    out.append("\n    }")


def _match(match: NameMatch) -> str:
    return (
        f'{{\n        "how": {_text(match.how._value_)},'
        f'\n        "name": {NULL if match.name is None else _text(match.name)},'
        f'\n        "kind": {NULL if match.kind is None else _text(match.kind)},'
        f'\n        "normalised": {NULL if match.normalised is None else _text(match.normalised)},'
        f'\n        "removed": {_texts(match.removed, _N8)},'
        f'\n        "strength": {NULL if match.strength is None else _text(match.strength)},'
        f'\n        "suggestions": {_texts(match.suggestions, _N8)}'
        f"\n      }}"
    )


def _check(check: Check, out: _Text) -> None:
    out.append(
        f'{{\n          "test": {_text(check.test)},'
        f'\n          "max": {_number(check.max_value, _N10)},'
        f'\n          "date": {_iso(check.on)},'
        f'\n          "day": {_number(check.day, _N10)},'
        f'\n          "before": {_text(check.before)}'
        f"\n        }}"
    )


def _divergence(divergence: Divergence, out: _Text) -> None:
    d = divergence
    out.append(
        f'{{\n          "guideline": {_text(d.guideline)},'
        f'\n          "action": {_text(d.action._value_)},'
        f'\n          "last_dose": {_moment(d.last_dose, out)},'
        f'\n          "resume": {_moment(d.resume, out)},'
        f'\n          "rule_id": {NULL if d.rule_id is None else _text(d.rule_id)},'
        f'\n          "rule": {NULL if d.rule is None else _text(d.rule)},'
        f'\n          "review_reason": {NULL if d.review_reason is None else _text(d.review_reason)},'
        f'\n          "source": {NULL if d.source is None else _cited(d.source)}'
        f"\n        }}"
    )


def _care(care: CareInstruction, out: _Text) -> None:
    out.append(
        f'{{\n      "item": {_text(care.item)},'
        f'\n      "kind": {_text(care.kind)},'
        f'\n      "from": {_iso(care.first)},'
        f'\n      "to": {_iso(care.last)},'
        f'\n      "days": [\n        {_number(care.first_day, _N8)},\n        {_number(care.last_day, _N8)}\n      ],'
        f'\n      "instruction": {_text(care.instruction)},'
        f'\n      "source": {_cited(care.source)}'
        f"\n    }}"
    )


def _anticoagulation(pathway: Anticoagulation, out: _Text) -> None:
    risk = pathway.thrombotic_risk
    out.append(
        f'{{\n    "medicine": {_text(pathway.medicine)},'
        f'\n    "drug": {_text(pathway.drug)},'
        f'\n    "thrombotic_risk": {NULL if risk is None else _text(risk._value_)},'
        f'\n    "criteria": '
    )
    _each(_criterion, pathway.criteria, _N4, out)
    out.append(
        f',\n    "bridging": {_text(pathway.bridging._value_)},'
        f'\n    "decision": {_text(pathway.decision)},'
        f'\n    "review_reason": {NULL if pathway.review_reason is None else _text(pathway.review_reason)},'
        f'\n    "dose": '
    )
    _maybe(_dose, pathway.dose, out)
    out.append(
        f',\n    "notes": {_texts(pathway.notes, _N4)},\n    "tables": {_texts(pathway.versions, _N4)}\n  }}'
    )


def _criterion(criterion: RiskCriterion, out: _Text) -> None:
    c = criterion
    out.append(
        f'{{\n        "rule_id": {_text(c.rule_id)},'
        f'\n        "reason": {_text(c.reason)},'
        f'\n        "criterion": {_text(c.description)},'
        f'\n        "risk": {_text(c.risk._value_)},'
        f'\n        "bridging": {_text(c.bridging._value_)},'
        f'\n        "evidence": {_text(c.evidence)},'
        f'\n        "note": {NULL if c.note is None else _text(c.note)},'
        f'\n        "source": {_cited(c.source)}'
        f"\n      }}"
    )


def _dose(dose: BridgingDose, out: _Text) -> None:
    out.append(
        f'{{\n      "drug": {_text(dose.drug)},'
        f'\n      "regimen": {_text(dose.regimen)},'
        f'\n      "dose": {_number(dose.dose, _N6)},'
        f'\n      "unit": {_text(dose.unit)},'
        f'\n      "last_dose_before": {_number(dose.last_dose_before, _N6)},'
        f'\n      "exact": {_number(dose.exact, _N6)},'
        f'\n      "per_kg": {_number(dose.per_kg, _N6)},'
        f'\n      "weight_kg": {_number(dose.weight_kg, _N6)},'
        f'\n      "crcl_ml_min": {_number(dose.crcl_ml_min, _N6)},'
        f'\n      "rule_id": {_text(dose.rule_id)},'
        f'\n      "source": {_cited(dose.source)}'
        f"\n    }}"
    )


def _event(event: TimelineEvent, out: _Text) -> None:
    e = event
    out.append(
        f'{{\n      "date": {_iso(e.on)},'
        f'\n      "day": {_number(e.day, _N6)},'
        f'\n      "at": {_moment(e.at, out)},'
        f'\n      "kind": {_text(e.kind)},'
        f'\n      "medicine": {NULL if e.medicine is None else _text(e.medicine)},'
        f'\n      "what": {_text(e.what)},'
        f'\n      "for_patient": {_text(e.patient_words)},'
        f'\n      "dose": {NULL if e.dose is None else _text(e.dose)},'
        f'\n      "rule_id": {NULL if e.rule_id is None else _text(e.rule_id)},'
        f'\n      "source": {NULL if e.source is None else _cited(e.source)}'
        f"\n    }}"
    )


def _booking(booking: Booking, out: _Text) -> None:
    out.append(
        f'{{\n    "now": {_instant(booking.now, out)},'
        f'\n    "now_source": {_text(booking.now_source)},'
        f'\n    "earliest_start": {_instant(booking.earliest_start, out)},'
        f'\n    "notify_by": {_moment(booking.notify_by, out)},'
        f'\n    "too_soon": {_flag(booking.too_soon, _N4)},'
        f'\n    "limited_by": {_texts(booking.limited_by, _N4)},'
        f'\n    "medicines": '
    )
    _each(_booking_medicine, booking.medicines, _N4, out)
    out.append("\n  }")


def _booking_medicine(medicine: BookingMedicine, out: _Text) -> None:
    out.append(
        f'{{\n        "input": {_text(medicine.input)},'
        f'\n        "earliest_start": {_instant(medicine.earliest_start, out)},'
        f'\n        "notify_by": {_moment(medicine.notify_by, out)}'
        f"\n      }}"
    )
