"""Checks across a medicine's plan and the medication list (:mod:`medplan.tables.clinical_checks`).

The drug table says how to hold one medicine for one procedure; these checks
ask what it cannot see from one row:

- **P2Y12 intervals** (``p2y12-interval`` rows): stopping clopidogrel,
  prasugrel, ticagrelor or ticlopidine within the guideline's minimum after a
  coronary stent or an acute coronary syndrome risks stent thrombosis. The
  medicine's ``indication`` and ``indication_date`` place it; one stopped
  inside the minimum is review ("do not stop it without the cardiologist").
  A P2Y12 antiplatelet stopped with no event indication is asked for it
  (one continued asks nothing: its indication changes nothing). ``within N
  months`` is counted as the thrombotic-risk table counts it: the event is on
  or after day 0 minus N calendar months (dateutil's ``relativedelta``).
- **Renal floors** (``renal-floor`` rows): a drug whose label advises
  against it at all below a CrCl or eGFR (metformin below eGFR 30, a DOAC
  below its CrCl floor) is review, whatever its hold. A value *at* the floor
  is flagged too: the cautious side, as the drug table's cut-offs are.
- **Combinations** (no numbers, so no rows): an anticoagulant with an
  antiplatelet, and two antiplatelets, are questions about the plan as a whole.

Each finding is a :class:`Question` with a stable id (``Plavix/recent-stent``,
``plan/two-antiplatelets``) and the words a pharmacist reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.model import Indication, MedicationOrder, Patient, Regimen
from medplan.tables.clinical_checks import CheckKind, CheckRow, ClinicalChecks
from medplan.tables.drug_classes import Group, RenalMeasure
from medplan.tables.thrombotic_risk import months_before

# Read once: an enum class's member costs about a thousand instructions to
# read (EnumType's __getattr__ hook), and the checks ask for every medicine.
_RENAL_FLOOR, _EGFR = CheckKind.RENAL_FLOOR, RenalMeasure.EGFR
_PROPHYLACTIC = Regimen.PROPHYLACTIC
_ANTIPLATELETS = frozenset({Group.ANTIPLATELET, Group.ASPIRIN})

__all__ = [
    "Listed",
    "Question",
    "combination_questions",
    "p2y12_questions",
    "renal_questions",
]


@attrs.frozen(repr=False, eq=False)
class Question(AttrsValue):
    """A reason for review: a stable id, the question in words, and the rows it cites."""

    id: str
    text: str
    notes: tuple[str, ...] = ()


def renal_questions(
    name: str, drug: str, patient: Patient, checks: ClinicalChecks
) -> list[Question]:
    """The medicine's renal floors the patient is at or below.

    A measure not given asks nothing here: a rule that depends on it asks for
    it (metformin's eGFR with contrast).
    """
    questions = []
    for row in checks.of(_RENAL_FLOOR, drug):
        assert row.measure is not None  # noqa: S101 - validated for a renal-floor row
        assert row.at_or_below is not None  # noqa: S101 - validated for a renal-floor row
        egfr = row.measure is _EGFR
        value = patient.egfr if egfr else patient.crcl_ml_min
        if value is None or value > row.at_or_below:
            continue
        measured = f"{row.measure.label} {value:g}"
        if egfr and patient.egfr_date is not None:
            measured += f" (measured {patient.egfr_date.isoformat()})"
        questions.append(
            Question(
                f"{name}/renal-floor",
                f"{measured} is at or below {drug}'s floor of {row.at_or_below:g}: {row.question}",
                (row.cited(),),
            )
        )
    return questions


def _interval(order: MedicationOrder, rows: Sequence[CheckRow]) -> tuple[CheckRow, str | None]:
    """The row for the order's stent type; the longest when the type is not given."""
    typed = [
        r for r in rows if order.stent_type is None or r.stent_type in {None, order.stent_type}
    ]
    row = max(typed or rows, key=lambda r: r.months or 0)
    if order.stent_type is None and len(rows) > 1:
        return row, "The stent type is not given: the longest minimum of the stent types is used."
    return row, None


def p2y12_questions(
    order: MedicationOrder,
    path: str,
    drug: str,
    day0: date,
    checks: ClinicalChecks,
    *,
    stopped: bool,
) -> list[Question]:
    """What a P2Y12 antiplatelet's indication asks of its plan.

    Args:
        order: The medicine as the request gave it.
        path: Its place in the request (``medications[0]``), to name the field to give.
        drug: The P2Y12 antiplatelet it resolved to.
        day0: The procedure's date.
        checks: The clinical checks table.
        stopped: Whether the plan stops it (or proposes to, or asks whether
            to): only then does its indication matter.

    Returns:
        For a P2Y12 stopped: the indication asked for when none naming the
        event is given; the date asked for when a minimum depends on it; the
        review when the procedure falls inside the minimum. Nothing for one
        continued.
    """
    # A P2Y12 antiplatelet the plan continues risks nothing its indication
    # could change: only a stop is asked about.
    if not stopped:
        return []
    name, indication = order.name, order.indication
    if indication is None or not indication.is_event:
        given = "" if indication is None else f" ({indication.value} does not say which)"
        return [
            Question(
                f"{name}/indication",
                f"why {drug} is taken is needed{given}: {path}.indication (coronary-stent, "
                "acute-coronary-syndrome, stroke-or-tia or peripheral-arterial-disease) with "
                f"{path}.indication_date; stopping it within months of a coronary stent or an "
                "acute coronary syndrome risks stent thrombosis",
            )
        ]
    rows = [r for r in checks.of(CheckKind.P2Y12_INTERVAL, drug) if r.indication is indication]
    if not rows:
        return []
    row, note = _interval(order, rows)
    assert row.months is not None  # noqa: S101 - validated for an interval row
    notes = (row.cited(), *([note] if note else []))
    if order.indication_date is None:
        return [
            Question(
                f"{name}/indication-date",
                f"{drug} for {indication.value}: its date is needed ({path}.indication_date), "
                f"since stopping it within {row.months} months of it is a question for the "
                "specialist",
                notes,
            )
        ]
    if order.indication_date < months_before(day0, row.months):
        return []
    days = (day0 - order.indication_date).days
    kind = "stent" if indication is Indication.CORONARY_STENT else indication.value
    return [
        Question(
            f"{name}/recent-{kind}",
            f"{indication.value} on {order.indication_date.isoformat()}, {days} days before the "
            f"procedure, inside the {row.months}-month minimum ({row.check_id}): {row.question}",
            notes,
        )
    ]


@attrs.frozen(repr=False, eq=False)
class Listed(AttrsValue):
    """A medicine on the list as the combination checks see it."""

    drug: str
    group: Group | None
    regimen: Regimen | None


def _joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def combination_questions(listed: Sequence[Listed]) -> list[Question]:
    """The plan-level questions an anticoagulant with an antiplatelet, or two antiplatelets, raise.

    A heparin given at a prophylactic dose is not counted as an
    anticoagulant here: with aspirin it is routine thromboprophylaxis.
    """
    anticoagulants = sorted(
        {
            m.drug
            for m in listed
            if m.group is not None and m.group.is_anticoagulant and m.regimen is not _PROPHYLACTIC
        }
    )
    antiplatelets = sorted({m.drug for m in listed if m.group in _ANTIPLATELETS})
    questions = []
    if anticoagulants and antiplatelets:
        questions.append(
            Question(
                "plan/anticoagulant-with-antiplatelet",
                f"{_joined(anticoagulants)} with {_joined(antiplatelets)}: an anticoagulant with an "
                "antiplatelet adds to the bleeding risk; ask why each is taken and whether both "
                "are still meant (after a coronary stent or an acute coronary syndrome the "
                "cardiologist decides), and plan their stops and restarts together",
            )
        )
    if len(antiplatelets) > 1:
        questions.append(
            Question(
                "plan/two-antiplatelets",
                f"{_joined(antiplatelets)} are two antiplatelets (dual antiplatelet therapy): ask "
                "why (a coronary stent or an acute coronary syndrome in the last 12 months?) and "
                "agree with the cardiologist which, if either, stops",
            )
        )
    return questions
