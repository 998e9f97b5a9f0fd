"""The values medplan works with: the request it is given and the plan it returns.

Every class here is a frozen attrs class: a plan, once made, cannot be changed
under the caller's feet, and two plans from the same request compare equal.
Datetimes are always aware and in the procedure's IANA zone; validators refuse
naive ones at construction, because a naive datetime silently compares unequal
to every aware one.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from zoneinfo import ZoneInfo

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._aware import aware as _aware
from medplan._aware import iso as _iso
from medplan._aware import optional_aware as _optional_aware
from medplan._firstuse import on_first_use

if TYPE_CHECKING:
    from types import ModuleType

    # Made on first use (__getattr__ below): a plan that answers no review
    # item and bridges no warfarin never makes them.
    from medplan._seldom import BridgingDose, Decision

    # Made only where a policy file is read: a plan of a request that names
    # no profile never makes the classes.
    from medplan.tables.policies import Approval, ClinicRule

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "Answer",
    "AnswerWith",
    "Anticoagulation",
    "AnticoagulationReason",
    "BleedingRisk",
    "Booking",
    "BookingMedicine",
    "Bridging",
    "BridgingDose",
    "CareInstruction",
    "Check",
    "Condition",
    "Decision",
    "Divergence",
    "HoldDates",
    "Indication",
    "Interval",
    "MatchedBy",
    "MedicationOrder",
    "MedicationPlan",
    "NameMatch",
    "Patient",
    "Plan",
    "Policy",
    "Procedure",
    "Question",
    "Regimen",
    "Request",
    "ReviewItem",
    "RiskCriterion",
    "Route",
    "ScreeningFinding",
    "StentType",
    "ThromboticRisk",
    "TimelineEvent",
    "Unit",
]

# The two classes medplan._seldom makes, on first use (PEP 562). Hidden from
# the type checker, which takes them from the import above (and would take
# any misspelt name of this module for one of them).
_SELDOM = frozenset({"BridgingDose", "Decision"})


def _load_seldom() -> ModuleType:
    from medplan import _seldom  # noqa: PLC0415 - see above

    return _seldom


if not TYPE_CHECKING:  # pragma: no branch - false for the type checker only
    __getattr__, __dir__ = on_first_use(globals(), _SELDOM, _load_seldom)


class BleedingRisk(enum.StrEnum):
    """The procedure's bleeding-risk tier, as the guideline classifies it."""

    LOW = "low"
    INTERMEDIATE = "intermediate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Order of the tiers: low < intermediate < high."""
        return list(BleedingRisk).index(self)


class Action(enum.StrEnum):
    """What the pharmacist tells the patient to do with a medicine."""

    CONTINUE = "continue"
    HOLD = "hold"
    REVIEW = "review"


class Regimen(enum.StrEnum):
    """Dose intensity or frequency, where a rule depends on it.

    Heparins are held by intensity (prophylactic or therapeutic); GLP-1
    receptor agonists by how often they are taken (daily or weekly).
    """

    PROPHYLACTIC = "prophylactic"
    THERAPEUTIC = "therapeutic"
    DAILY = "daily"
    WEEKLY = "weekly"


class Route(enum.StrEnum):
    """How the medicine is given, where a rule depends on it (heparin)."""

    ORAL = "oral"
    IV = "iv"
    SC = "sc"


class Indication(enum.StrEnum):
    """Why the patient takes the medicine, where a rule depends on it.

    Aspirin's rows are split by prevention; a P2Y12 antiplatelet is asked
    for the event it treats (a coronary stent, an acute coronary syndrome,
    a stroke or TIA, peripheral arterial disease), each of which is
    secondary prevention for aspirin's rows.
    """

    PRIMARY_PREVENTION = "primary-prevention"
    SECONDARY_PREVENTION = "secondary-prevention"
    CORONARY_STENT = "coronary-stent"
    ACUTE_CORONARY_SYNDROME = "acute-coronary-syndrome"
    STROKE_OR_TIA = "stroke-or-tia"
    PERIPHERAL_ARTERIAL_DISEASE = "peripheral-arterial-disease"

    @property
    def is_event(self) -> bool:
        """Whether it names the event treated (and so may carry its date), not only prevention."""
        return self not in {Indication.PRIMARY_PREVENTION, Indication.SECONDARY_PREVENTION}

    @property
    def prevention(self) -> Indication:
        """Primary or secondary prevention: an event treated is secondary prevention."""
        return Indication.SECONDARY_PREVENTION if self.is_event else self


class StentType(enum.StrEnum):
    """A coronary stent's kind, where known: the minimum P2Y12 interval may depend on it."""

    DRUG_ELUTING = "drug-eluting"
    BARE_METAL = "bare-metal"


class Condition(enum.StrEnum):
    """Something a procedure may involve that some rules depend on."""

    FASTING = "fasting"
    SEDATION = "sedation"
    CONTRAST = "contrast"


class ThromboticRisk(enum.StrEnum):
    """The patient's risk of thromboembolism while anticoagulation is interrupted."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Order of the tiers: low < moderate < high."""
        return list(ThromboticRisk).index(self)


class Bridging(enum.StrEnum):
    """Whether heparin bridges the days off warfarin."""

    BRIDGE = "bridge"
    NO_BRIDGE = "no-bridge"
    REVIEW = "review"


class Unit(enum.StrEnum):
    """The two ways guidelines count time off a medicine.

    ``days`` are calendar days in the procedure's zone; ``hours`` are real
    elapsed hours. See :mod:`medplan.planning.schedule` for the one definition of each.
    """

    DAYS = "days"
    HOURS = "hours"


# How the plan JSON and requests name weekdays (0 is Monday, as date.weekday()).
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@attrs.frozen(repr=False, eq=False)
class Interval(AttrsValue):
    """An amount of time off or before restarting: ``5 days`` or ``24 hours``."""

    amount: int = attrs.field(validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)])
    unit: Unit = attrs.field(validator=attrs.validators.instance_of(Unit))

    def __str__(self) -> str:
        """As the table writes it: ``5 days``, ``1 hour``."""
        word = self.unit.value if self.amount != 1 else self.unit.value[:-1]
        return f"{self.amount} {word}"


class Answer(enum.StrEnum):
    """A pharmacist's answer to a review item (see :mod:`medplan.planning.reviews`).

    ``hold`` and ``continue`` answer a medicine's item; ``confirmed`` a
    question about the plan as a whole; ``bridge`` and ``no-bridge`` a
    bridging decision the sources leave to the prescriber.
    """

    HOLD = "hold"
    CONTINUE = "continue"
    CONFIRMED = "confirmed"
    BRIDGE = "bridge"
    NO_BRIDGE = "no-bridge"


class HoldDates(enum.StrEnum):
    """Whether a ``hold`` decision must give its own dates.

    ``proposed``: the plan proposes a last dose and a restart, which a hold
    without dates takes; ``required``: it proposes none (a name the table
    does not know), so the decision gives ``last_dose`` and ``resume``.
    """

    PROPOSED = "proposed"
    REQUIRED = "required"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class AnswerWith(AttrsValue):
    """How a review item is answered: by a decision, by data in the request, or either.

    ``decision`` lists the answers a decision may give (empty: no decision
    answers it); ``data`` the request fields that answer it when given (a
    screening answer, CrCl, why the patient is anticoagulated).
    """

    decision: tuple[Answer, ...] = ()
    hold_dates: HoldDates | None = None
    data: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """As the plan JSON gives it."""
        return {
            "decision": [a.value for a in self.decision],
            "hold_dates": None if self.hold_dates is None else self.hold_dates.value,
            "data": list(self.data),
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Question(AttrsValue):
    """One reason a plan needs review, as it is found, before the plan gives it an id.

    Made only by :mod:`medplan.planning.reviews` (``decide`` or ``supply``). ``slug``
    names the kind of question (``unconfirmed-rule``); ``reason`` is the text
    ``review_reasons`` shows; ``question`` asks the pharmacist.
    ``medicine`` is the index of the medicine a plan-level question is about
    (the warfarin pathway's), None otherwise.
    """

    slug: str
    reason: str
    question: str
    answer_with: AnswerWith
    medicine: int | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ReviewItem(AttrsValue):
    """A review item of the plan: its stable id, the question, how to answer it, its decision.

    ``id`` is ``<medicine>/<slug>`` or ``plan/<slug>`` (see
    :mod:`medplan.planning.reviews`); ``medication`` the input name, None for the
    plan's own. An item is open until a decision answers it.
    """

    id: str
    medication: str | None
    question: str
    reason: str
    answer_with: AnswerWith
    decision: Decision | None = None

    @property
    def open(self) -> bool:
        """Whether the item still waits for an answer."""
        return self.decision is None

    def to_dict(self) -> dict[str, Any]:
        """As the plan JSON gives it."""
        return {
            "id": self.id,
            "medication": self.medication,
            "question": self.question,
            "reason": self.reason,
            "answer_with": self.answer_with.to_dict(),
            "status": "open" if self.open else "answered",
            "decision": None if self.decision is None else self.decision.to_dict(),
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Procedure(AttrsValue):
    """The booked procedure.

    ``start`` (and ``end``, when given) are aware datetimes in ``zone``; day 0
    is ``start``'s calendar date in that zone.
    """

    name: str
    start: datetime = attrs.field(validator=_aware)
    zone: ZoneInfo
    bleeding_risk: BleedingRisk
    guideline: str
    end: datetime | None = attrs.field(default=None, validator=_optional_aware)
    fasting: bool | None = None
    sedation: bool | None = None
    contrast: bool | None = None
    code: str | None = None
    care: str | None = None
    notes: tuple[str, ...] = ()
    review_reason: str | None = None

    def involves(self, condition: Condition) -> bool | None:
        """Whether the procedure involves ``condition``; None when the booking does not say."""
        involved: bool | None = getattr(self, condition.value)
        return involved

    @property
    def day0(self) -> date:
        """The procedure's calendar date in its own zone."""
        return self.start.date()

    @property
    def finish(self) -> datetime:
        """When the procedure is over: its end if given, else its start.

        "Resume after H hours" counts from here, since the booking knows no
        better moment at which haemostasis begins.
        """
        return self.end if self.end is not None else self.start


# "none" where the request says the patient never had the event; None where it does not say.
# Written as text: only the type checker reads it, and a union with a
# Literal costs about 0.5M instructions to make at every start-up.
Event: TypeAlias = 'date | Literal["none"] | None'


@attrs.frozen(kw_only=True, repr=False, eq=False)
class AnticoagulationReason(AttrsValue):
    """One reason the patient is anticoagulated, with what sets its thrombotic risk.

    ``reason`` is ``atrial-fibrillation``, ``mechanical-heart-valve`` or
    ``venous-thromboembolism``. A field left as None is unknown: the plan
    asks for it only where it could change the bridging decision.
    ``stroke_or_tia`` and ``vte`` are the date of the most recent event, or
    ``"none"``.
    """

    reason: str
    cha2ds2_vasc: int | None = None
    stroke_or_tia: Event = None
    rheumatic_valve_disease: bool | None = None
    valve_position: str | None = None
    valve_type: str | None = None
    valve_risk_factors: bool | None = None
    vte: Event = None
    recurrent_vte: bool | None = None
    thrombophilia: str | None = None
    active_cancer: bool | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Patient(AttrsValue):
    """What medplan knows of the patient that a rule can depend on.

    ``flags`` are the screening answers the booking gave (``diabetes``,
    ``cauda_equina_symptoms``, ...); a flag not given is unknown, not false.
    ``egfr`` is in mL/min/1.73 m2, the measure the ACR's metformin and
    contrast rule uses, and ``egfr_date`` the day it was measured, where
    given; ``crcl_ml_min`` (Cockcroft-Gault) is the one the anticoagulant
    rules use. One is not converted into the other.
    ``weight_kg`` doses bridging heparin; ``anticoagulation`` says why the
    patient is anticoagulated, for the thrombotic risk.
    """

    crcl_ml_min: float | None = None
    egfr: float | None = None
    egfr_date: date | None = None
    weight_kg: float | None = None
    anticoagulation: tuple[AnticoagulationReason, ...] = ()
    hba1c_percent: float | None = None
    takes_pain_relief: bool | None = None
    flags: tuple[tuple[str, bool], ...] = ()

    def flag(self, name: str) -> bool | None:
        """The answer to one screening question; None when not asked."""
        return dict(self.flags).get(name)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class MedicationOrder(AttrsValue):
    """One medicine as the booking system sent it.

    ``times`` are the patient's usual wall-clock dose times, sorted and
    without duplicates; empty when unknown (or for a continuous infusion).
    ``days`` are the weekdays it is taken on (0 is Monday), sorted; empty
    means every day. A weekly injection gives one. ``indication_date`` is
    when the event of an event ``indication`` happened (the stent was
    placed); ``stent_type`` says which stent, where known.
    """

    name: str
    times: tuple[time, ...] = ()
    days: tuple[int, ...] = ()
    dose: str | None = None
    regimen: Regimen | None = None
    route: Route | None = None
    indication: Indication | None = None
    indication_date: date | None = None
    stent_type: StentType | None = None


# The policy's fields a clinic may set, inline in a request or in a profile
# (medplan.tables.settings checks them). Named here, with the policy, so that
# a request without a policy knows its keys without importing the checks.
SETTINGS = (
    "inr_max",
    "inr_check_day",
    "antiplatelet_hold_days",
    "anticoagulant_resume_next_day",
    "aspirin_before_intermediate",
    "variants",
    "bleeding_risk",
    "lab_weekdays",
    "lab_country",
    "lab_subdivision",
    "bridging_agent",
    "bridging_regimen",
    "bridging_times",
)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Policy(AttrsValue):
    """A clinic's choices, applied on top of the table.

    The defaults are the project's first policy, from the seed article on
    lumbar nerve root sleeve injection (Khangure and Wenderoth, 2017): INR 1.5
    or less, anticoagulants restarted no earlier than the day after.

    Attributes:
        name: How the plan names this policy.
        inr_max: The highest INR at which the procedure may go ahead.
        inr_check_day: The day of the INR check: -1 (the day before) or 0 (the
            morning of the procedure).
        antiplatelet_hold_days: A radiologist's preferred hold for P2Y12
            antiplatelets, in days; it lengthens a table hold, never shortens it.
        anticoagulant_resume_next_day: Restart anticoagulants no earlier than
            the day after the procedure.
        variants: For a class the table gives in cited alternatives (GLP-1
            receptor agonists: ``asa-2023`` or ``multisociety-2024``), the
            one this clinic follows, as ``(drug_class, variant)`` pairs; a
            class not named gets the table's first-listed variant.
        aspirin_before_intermediate: What the clinic does with aspirin before
            an intermediate-risk procedure where the table asks for review:
            ``continue``, ``hold`` (the row's high-risk hold), or None to
            follow the table. The seed continues it ("aspirin is generally
            continued").
        bleeding_risk: Per procedure code, the tier this clinic plans at
            instead of the catalogue's (SIR 2019 calls epidural injections
            high), as ``(code, tier)`` pairs.
        lab_weekdays: The days the clinic's laboratory takes blood tests (0 is
            Monday); a test due on another day moves (see
            :mod:`medplan.planning.lab_days`). Monday to Friday by default.
        lab_country: The country whose public holidays close the laboratory,
            as an ISO 3166 code the ``holidays`` package knows (``GB``,
            ``AU``); None when the clinic names none, and then the plan says
            that public holidays were not checked.
        lab_subdivision: The region within ``lab_country`` (``ENG``, ``WA``),
            for regional holidays; None for the national ones only.
        bridging_agent: The low-molecular-weight heparin used to bridge
            warfarin: ``enoxaparin`` (the default) or ``dalteparin``.
        bridging_regimen: ``twice-daily`` (the default, as in BRIDGE) or
            ``once-daily``.
        bridging_times: The wall-clock times of the bridging injections: two
            for twice-daily; once-daily uses the first.
        source: The profile file the policy came from and a hash of its text
            (``policies.toml sha256:...``), for the audit trail; None for the
            built-in default or an inline policy.
        approval: Who approved the profile's numbers, when, and from what;
            None when the profile records no approval (or the policy is
            inline or the built-in default).
        rules: The clinic protocol's holds and restarts, per drug class and
            tier, used instead of the table's rows (a profile with rules
            must record its approval).
        inline: The settings the request gave inline, on top of any
            profile: the profile's approval does not cover them.
    """

    name: str = "seed-khangure-2017"
    inr_max: float = 1.5
    inr_check_day: int = -1
    antiplatelet_hold_days: int | None = None
    anticoagulant_resume_next_day: bool = True
    variants: tuple[tuple[str, str], ...] = ()
    aspirin_before_intermediate: Action | None = Action.CONTINUE
    bleeding_risk: tuple[tuple[str, BleedingRisk], ...] = ()
    lab_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    lab_country: str | None = None
    lab_subdivision: str | None = None
    bridging_agent: str = "enoxaparin"
    bridging_regimen: str = "twice-daily"
    bridging_times: tuple[time, ...] = (time(8), time(20))
    source: str | None = None
    approval: Approval | None = None
    rules: tuple[ClinicRule, ...] = ()
    inline: tuple[str, ...] = ()

    def rule_for(self, drug_class: str, risk: BleedingRisk) -> ClinicRule | None:
        """The clinic protocol's rule for a class at a tier; None to follow the table."""
        if not self.rules:  # most policies have none: no generator to make
            return None
        return next(
            (r for r in self.rules if r.drug_class == drug_class and r.bleeding_risk is risk), None
        )

    def variant_for(self, drug_class: str) -> str | None:
        """The variant this clinic chose for ``drug_class``; None for the table's default."""
        return dict(self.variants).get(drug_class)

    def bleeding_risk_for(self, code: str | None) -> BleedingRisk | None:
        """The clinic's tier for a catalogue procedure code; None to keep the catalogue's."""
        return None if code is None else dict(self.bleeding_risk).get(code)

    def to_dict(self) -> dict[str, Any]:
        """The policy as it appears in the plan JSON."""
        return {
            "name": self.name,
            "inr_max": self.inr_max,
            "inr_check_day": self.inr_check_day,
            "antiplatelet_hold_days": self.antiplatelet_hold_days,
            "anticoagulant_resume_next_day": self.anticoagulant_resume_next_day,
            "variants": dict(self.variants),
            "aspirin_before_intermediate": None
            if self.aspirin_before_intermediate is None
            else self.aspirin_before_intermediate.value,
            "bleeding_risk": {code: tier.value for code, tier in self.bleeding_risk},
            "lab_weekdays": [WEEKDAY_NAMES[d] for d in self.lab_weekdays],
            "lab_country": self.lab_country,
            "lab_subdivision": self.lab_subdivision,
            "bridging_agent": self.bridging_agent,
            "bridging_regimen": self.bridging_regimen,
            "bridging_times": [f"{t:%H:%M}" for t in self.bridging_times],
            "source": self.source,
            "approval": None if self.approval is None else self.approval.to_dict(),
            "rules": self._rules_dict(),
        }

    def _rules_dict(self) -> dict[str, dict[str, dict[str, str]]]:
        by_class: dict[str, dict[str, dict[str, str]]] = {}
        for rule in self.rules:
            by_class.setdefault(rule.drug_class, {})[rule.bleeding_risk.value] = rule.to_dict()
        return by_class


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Request(AttrsValue):
    """A validated request: a procedure, a patient, their medicines, a policy.

    ``review_reasons`` are the caller's own questions (what medplan.fhir.bundle
    could not map from FHIR); the plan lists each after its own, so it needs
    review.
    """

    procedure: Procedure
    patient: Patient
    medications: tuple[MedicationOrder, ...]
    policy: Policy
    now: datetime | None = attrs.field(default=None, validator=_optional_aware)
    booking_id: str | None = None
    review_reasons: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Check(AttrsValue):
    """A test the patient must have before the procedure goes ahead, or before a restart.

    ``before`` is ``procedure`` (an INR at most ``max_value``) or
    ``restart`` (a renal function test after contrast, with no number: the
    medicine restarts once the result is stable, at the patient's baseline).
    """

    test: str
    max_value: float | None
    on: date
    day: int
    before: str = "procedure"

    def describe(self) -> str:
        """The check in a pharmacist's shorthand: ``INR <= 1.5``, ``eGFR before restarting``."""
        if self.max_value is None:
            return f"{self.test} before restarting"
        return f"{self.test} <= {self.max_value:g}"

    def decides(self) -> str:
        """What the result decides, in words both the pharmacist and patient read."""
        if self.max_value is None:
            return "restart only once it shows kidney function is stable"
        return f"the procedure goes ahead only if it is {self.max_value:g} or less"

    def to_dict(self) -> dict[str, Any]:
        """The check as it appears in the plan JSON."""
        return {
            "test": self.test,
            "max": self.max_value,
            "date": self.on.isoformat(),
            "day": self.day,
            "before": self.before,
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class ScreeningFinding(AttrsValue):
    """A screening question of the procedure's care set, and the booking's answer."""

    flag: str
    kind: str
    answer: bool | None
    finding: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The finding as it appears in the plan JSON."""
        return {
            "flag": self.flag,
            "kind": self.kind,
            "answer": self.answer,
            "finding": self.finding,
            "source": self.source,
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class CareInstruction(AttrsValue):
    """An instruction for the patient on days ``first`` to ``last``."""

    item: str
    kind: str
    first: date
    last: date
    first_day: int
    last_day: int
    instruction: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The instruction as it appears in the plan JSON."""
        return {
            "item": self.item,
            "kind": self.kind,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "days": [self.first_day, self.last_day],
            "instruction": self.instruction,
            "source": self.source,
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Divergence(AttrsValue):
    """What another guideline in the table would do with a medicine, where it differs.

    The plan follows the procedure's guideline; the pharmacist sees the other
    answer beside it (ASRA pain 2018 against CHEST 2022 for a DOAC, say).
    """

    guideline: str
    action: Action
    last_dose: datetime | None = attrs.field(validator=_optional_aware)
    resume: datetime | None = attrs.field(validator=_optional_aware)
    rule_id: str | None
    rule: str | None
    review_reason: str | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        """The divergence as it appears in the plan JSON."""
        return {
            "guideline": self.guideline,
            "action": self.action.value,
            "last_dose": _iso(self.last_dose),
            "resume": _iso(self.resume),
            "rule_id": self.rule_id,
            "rule": self.rule,
            "review_reason": self.review_reason,
            "source": self.source,
        }


class MatchedBy(enum.StrEnum):
    """How a medicine's name was found in the table."""

    EXACT = "exact"
    NORMALISED = "normalised"
    UNRESOLVED = "unresolved"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class NameMatch(AttrsValue):
    """How the name as given was read and matched, for the pharmacist to check.

    ``how`` is ``exact`` (the name as given, ignoring case and spacing),
    ``normalised`` (after taking off a strength, form words, a salt or a
    bracketed brand: ``normalised`` is what was compared, ``removed`` what
    was taken off) or ``unresolved`` (with up to three ``suggestions`` from
    the table's names and brands, never applied on their own). ``name`` is
    the table's spelling that matched, ``kind`` whether it is a ``generic``
    name, a ``brand`` or an ``atc`` code, and ``strength`` the strength read
    from the name (``5 mg``).
    """

    how: MatchedBy
    name: str | None = None
    kind: str | None = None
    normalised: str | None = None
    removed: tuple[str, ...] = ()
    strength: str | None = None
    suggestions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The match as it appears in the plan JSON."""
        return {
            "how": self.how.value,
            "name": self.name,
            "kind": self.kind,
            "normalised": self.normalised,
            "removed": list(self.removed),
            "strength": self.strength,
            "suggestions": list(self.suggestions),
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class MedicationPlan(AttrsValue):
    """The answer for one medicine.

    ``last_dose`` and ``resume`` are scheduled doses (aware, in the
    procedure's zone), or ``None`` when the medicine is continued or cannot be
    dated. A ``review`` may still carry proposed dates, for the pharmacist to
    confirm; ``review_reason`` says what must be found out. ``divergences``
    lists the other guidelines that would answer differently. ``match`` says
    how the name was read; ``dose`` is the dose as given, else the strength
    read from the name.
    """

    input: str
    drug: str | None
    drug_class: str | None
    action: Action
    last_dose: datetime | None = attrs.field(validator=_optional_aware)
    omitted_doses: tuple[datetime, ...]
    checks: tuple[Check, ...]
    resume: datetime | None = attrs.field(validator=_optional_aware)
    instruction: str
    review_reason: str | None
    rule_id: str | None
    rule: str | None
    source: str | None
    notes: tuple[str, ...]
    match: NameMatch
    dose: str | None = None
    divergences: tuple[Divergence, ...] = ()
    hold: Interval | None = None
    # Why it needs review, one question each (review_reason joins their reasons).
    questions: tuple[Question, ...] = ()
    decision: Decision | None = None

    def to_dict(self) -> dict[str, Any]:
        """The medicine's plan as it appears in the plan JSON."""
        return {
            "input": self.input,
            "match": self.match.to_dict(),
            "drug": self.drug,
            "drug_class": self.drug_class,
            "dose": self.dose,
            "action": self.action.value,
            "hold": None if self.hold is None else str(self.hold),
            "last_dose": _iso(self.last_dose),
            "omitted_doses": [d.isoformat() for d in self.omitted_doses],
            "checks": [c.to_dict() for c in self.checks],
            "resume": _iso(self.resume),
            "instruction": self.instruction,
            "review_reason": self.review_reason,
            "rule_id": self.rule_id,
            "rule": self.rule,
            "source": self.source,
            "notes": list(self.notes),
            "divergences": [d.to_dict() for d in self.divergences],
            "decision": None if self.decision is None else self.decision.to_dict(),
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class RiskCriterion(AttrsValue):
    """A row of the thrombotic-risk table that the patient meets."""

    rule_id: str
    reason: str
    description: str
    risk: ThromboticRisk
    bridging: Bridging
    evidence: str
    note: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The criterion as it appears in the plan JSON."""
        return {
            "rule_id": self.rule_id,
            "reason": self.reason,
            "criterion": self.description,
            "risk": self.risk.value,
            "bridging": self.bridging.value,
            "evidence": self.evidence,
            "note": self.note,
            "source": self.source,
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class TimelineEvent(AttrsValue):
    """One dated step of the plan: a dose, an injection, a test, the procedure.

    ``at`` is the moment for a timed event (aware, in the procedure's zone);
    a blood test has a day but no time (``at`` is None). ``what`` is said to
    the pharmacist; ``for_patient`` says it to the patient where the two
    differ (None: ``what`` serves both).
    """

    on: date
    day: int
    at: datetime | None = attrs.field(validator=_optional_aware)
    kind: str
    medicine: str | None
    what: str
    dose: str | None = None
    rule_id: str | None = None
    source: str | None = None
    for_patient: str | None = None

    @property
    def patient_words(self) -> str:
        """The step as the patient calendar and the .ics say it."""
        return self.what if self.for_patient is None else self.for_patient

    def to_dict(self) -> dict[str, Any]:
        """The event as it appears in the plan JSON."""
        return {
            "date": self.on.isoformat(),
            "day": self.day,
            "at": _iso(self.at),
            "kind": self.kind,
            "medicine": self.medicine,
            "what": self.what,
            "for_patient": self.patient_words,
            "dose": self.dose,
            "rule_id": self.rule_id,
            "source": self.source,
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Anticoagulation(AttrsValue):
    """The warfarin pathway: thrombotic risk, the bridging decision and its dose.

    ``thrombotic_risk`` is None when the request does not say enough to
    classify it; ``bridging`` is ``review`` with ``review_reason`` when the
    decision needs a pharmacist (or is left open by the sources).
    """

    medicine: str
    drug: str
    thrombotic_risk: ThromboticRisk | None
    criteria: tuple[RiskCriterion, ...]
    bridging: Bridging
    decision: str
    review_reason: str | None
    dose: BridgingDose | None
    notes: tuple[str, ...]
    versions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The pathway as it appears in the plan JSON."""
        return {
            "medicine": self.medicine,
            "drug": self.drug,
            "thrombotic_risk": None if self.thrombotic_risk is None else self.thrombotic_risk.value,
            "criteria": [c.to_dict() for c in self.criteria],
            "bridging": self.bridging.value,
            "decision": self.decision,
            "review_reason": self.review_reason,
            "dose": None if self.dose is None else self.dose.to_dict(),
            "notes": list(self.notes),
            "tables": list(self.versions),
        }


@attrs.frozen(kw_only=True, repr=False, eq=False)
class BookingMedicine(AttrsValue):
    """What one held medicine asks of the booking: the earliest start, and when to tell the patient.

    ``notify_by`` is the first dose the patient leaves out for the booked
    procedure (an infusion's stop), None when the hold leaves out no dose.
    """

    input: str
    earliest_start: datetime = attrs.field(validator=_aware)
    notify_by: datetime | None = attrs.field(validator=_optional_aware)

    def to_dict(self) -> dict[str, Any]:
        """The medicine's booking answer as it appears in the plan JSON."""
        return {
            "input": self.input,
            "earliest_start": self.earliest_start.isoformat(),
            "notify_by": _iso(self.notify_by),
        }


# Booking.now_source: the request gave ``now``, or the caller's clock did.
NOW_SOURCES = ("request", "clock")


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Booking(AttrsValue):
    """The booking questions, answered for the request's ``now``.

    ``earliest_start`` is the earliest moment the procedure can start with
    every hold met, if each held medicine is stopped at its next dose after
    ``now``; the booked start is ``too_soon`` when it is earlier. ``notify_by``
    is the latest moment the patient must be told: the first dose to leave
    out, across every medicine (None when nothing is left out, or when the
    booking is too soon and there is no dose left to leave out in time).
    ``limited_by`` names the medicines whose hold sets ``earliest_start``.
    """

    now: datetime = attrs.field(validator=_aware)
    earliest_start: datetime = attrs.field(validator=_aware)
    notify_by: datetime | None = attrs.field(validator=_optional_aware)
    too_soon: bool
    limited_by: tuple[str, ...]
    medicines: tuple[BookingMedicine, ...]
    # Where ``now`` came from: the request (or the caller's --now), or the
    # clock of the command line or service that made the plan, for a request
    # that gave none. A plan is always dated from a moment someone can see.
    now_source: str = attrs.field(default="request", validator=attrs.validators.in_(NOW_SOURCES))

    def to_dict(self) -> dict[str, Any]:
        """The booking answers as they appear in the plan JSON."""
        return {
            "now": self.now.isoformat(),
            "now_source": self.now_source,
            "earliest_start": self.earliest_start.isoformat(),
            "notify_by": _iso(self.notify_by),
            "too_soon": self.too_soon,
            "limited_by": list(self.limited_by),
            "medicines": [m.to_dict() for m in self.medicines],
        }


# The version of the request and plan JSON contract (and of their JSON Schemas):
# raised when a field is renamed or removed or changes meaning, not when one is added.
SCHEMA_VERSION = 1


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Plan(AttrsValue):
    """The whole plan: one entry per input medicine, in input order.

    ``needs_review`` is true when any medicine is ``review`` or the request as
    a whole raises a question (``review_reasons`` lists every one); a plan
    that needs review must not be given to the patient unchecked.
    """

    procedure: Procedure
    guideline: str
    policy: Policy
    table_version: str
    medplan_version: str
    medications: tuple[MedicationPlan, ...]
    review_reasons: tuple[str, ...]
    # Every review item, open or answered; review_reasons words the open ones.
    reviews: tuple[ReviewItem, ...] = ()
    decisions: tuple[Decision, ...] = ()
    screening: tuple[ScreeningFinding, ...] = ()
    care: tuple[CareInstruction, ...] = ()
    anticoagulation: Anticoagulation | None = None
    timeline: tuple[TimelineEvent, ...] = ()
    booking_id: str | None = None
    booking: Booking | None = None
    # Every data file the plan was made from (file and hash) and the tz database
    # release its zone came from: what, besides the request, decides its answers.
    data_versions: tuple[str, ...] = ()
    # The request as given, as compact JSON text: a stored plan can be planned
    # again from it (medplan recheck). Text, because a plan is frozen.
    request: str | None = None

    @property
    def contraindicated(self) -> bool:
        """Whether the patient has an absolute contraindication: the procedure should not be booked."""
        return any(f.kind == "absolute" and f.answer is True for f in self.screening)

    @property
    def needs_review(self) -> bool:
        """Whether a pharmacist must review the plan before it is used."""
        return bool(self.review_reasons)

    def to_dict(self) -> dict[str, Any]:
        """The plan as the documented JSON object (docs/request-and-plan.md)."""
        procedure = self.procedure
        return {
            "schema_version": SCHEMA_VERSION,
            "booking_id": self.booking_id,
            "medplan_version": self.medplan_version,
            "table_version": self.table_version,
            "data_versions": list(self.data_versions),
            "guideline": self.guideline,
            "policy": self.policy.to_dict(),
            "procedure": {
                "code": procedure.code,
                "name": procedure.name,
                "start": procedure.start.isoformat(),
                "end": _iso(procedure.end),
                "timezone": procedure.zone.key,
                "bleeding_risk": procedure.bleeding_risk.value,
                "fasting": procedure.fasting,
                "sedation": procedure.sedation,
                "contrast": procedure.contrast,
                "notes": list(procedure.notes),
            },
            "needs_review": self.needs_review,
            "review_reasons": list(self.review_reasons),
            "reviews": [r.to_dict() for r in self.reviews],
            "decisions": [d.to_dict() for d in self.decisions],
            "contraindicated": self.contraindicated,
            "screening": [f.to_dict() for f in self.screening],
            "medications": [m.to_dict() for m in self.medications],
            "care": [c.to_dict() for c in self.care],
            "anticoagulation": None
            if self.anticoagulation is None
            else self.anticoagulation.to_dict(),
            "timeline": [e.to_dict() for e in self.timeline],
            "booking": None if self.booking is None else self.booking.to_dict(),
            "request": None if self.request is None else json.loads(self.request),
        }
