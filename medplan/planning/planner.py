"""The planner: from a validated request and the table to a plan. Pure: no I/O, no clock.

For each medicine, in input order: resolve its name against the table, pick
the guideline's row (by regimen, route and renal band where the rule depends
on them), take the rule for the procedure's bleeding-risk tier, apply the
clinic policy, and date the last dose, the checks and the restart with
:mod:`medplan.planning.schedule`. A medicine that cannot be placed comes back as
``review`` with what the pharmacist must find out; it is never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._made import medication_plan
from medplan.exceptions import InputError
from medplan.model import (
    Action,
    Answer,
    AnswerWith,
    Booking,
    BookingMedicine,
    Check,
    Divergence,
    HoldDates,
    Interval,
    MedicationOrder,
    MedicationPlan,
    NameMatch,
    Plan,
    Policy,
    Procedure,
    Question,
    Regimen,
    Request,
    ReviewItem,
    Unit,
)
from medplan.planning import booking, reviews, schedule
from medplan.planning.care import CarePlan, plan_care
from medplan.planning.clinical_checks import (
    Listed,
    combination_questions,
    p2y12_questions,
    renal_questions,
)
from medplan.planning.clinical_checks import (
    Question as ClinicalQuestion,
)
from medplan.planning.lab_days import LabCalendar
from medplan.planning.pathway import build_timeline, plan_anticoagulation
from medplan.planning.reviews import CONFIRM, HOLD_OR_CONTINUE, MEDICINE_FIELD, decide, supply
from medplan.planning.rules import (
    Policed,
    by_hand,
    class_group,
    class_groups,
    describe_rule,
    has_own_rows,
    rule_cited,
    rule_for,
    unstated_notes,
    with_policy,
)
from medplan.render.wording import gap_notes, say_date, say_from, say_when
from medplan.tables.bridging_doses import BridgingTables, default_bridging_tables
from medplan.tables.care import CareSets
from medplan.tables.clinical_checks import ClinicalChecks, default_clinical_checks
from medplan.tables.drug_classes import (
    Dosing,
    DrugClassRule,
    Evidence,
    Group,
    Resolution,
    Table,
    TierRule,
    normalise_name,
)
from medplan.tables.thrombotic_risk import RiskTable, default_risk_table

if TYPE_CHECKING:
    from medplan.model import Decision

__all__ = [
    "make_plan",
]

# Enum members the planner tests for every medicine, read once: reading one
# from its class costs about a thousand instructions (EnumType's __getattr__
# hook runs for every attribute of an enum class).
_CONTINUE, _HOLD, _REVIEW = Action.CONTINUE, Action.HOLD, Action.REVIEW
_DAYS = Unit.DAYS
_INFUSION = Dosing.INFUSION
_WEEKLY = Regimen.WEEKLY
_UNCONFIRMED = Evidence.UNCONFIRMED
_REQUIRED = HoldDates.REQUIRED
_ANTIPLATELET = Group.ANTIPLATELET


@attrs.frozen(repr=False, eq=False)
class _Timing(AttrsValue):
    last_dose: datetime | None
    resume: datetime | None
    omitted: tuple[datetime, ...]
    notes: tuple[str, ...]


def _time_scheduled(
    procedure: Procedure,
    hold: Interval,
    resume: Interval,
    order: MedicationOrder,
    *,
    resume_next_day: bool,
    memo: schedule.DayDoses,
    dates_only: bool,
) -> _Timing:
    """The scheduled medicine's last dose and restart, and, unless ``dates_only``, the doses between.

    ``memo`` holds the medicine's doses by day: the searches visit the same
    days (the omitted doses lie between the last dose and the restart, and
    another guideline's dates lie near this one's), so each is worked out once.
    """
    zone, times, days = procedure.zone, order.times, order.days
    day0, finish = procedure.day0, procedure.finish
    if hold.unit is _DAYS:
        last = schedule.last_dose_holding_days(
            day0, hold.amount, times, zone, weekdays=days, memo=memo
        )
    else:
        last = schedule.last_dose_holding_hours(
            procedure.start, hold.amount, times, zone, weekdays=days, memo=memo
        )
    if resume.unit is _DAYS:
        first = schedule.first_dose_on_day(
            day0, resume.amount, finish, times, zone, weekdays=days, memo=memo
        )
    else:
        first = schedule.first_dose_after_hours(
            finish, resume.amount, times, zone, weekdays=days, memo=memo
        )
    if resume_next_day:
        next_day = schedule.first_dose_on_day(
            day0, 1, finish, times, zone, weekdays=days, memo=memo
        )
        # Both are doses at first occurrences, whose wall clocks order as their
        # instants: compared as they are, without working out either instant.
        first = max(first, next_day)
    if dates_only:
        return _Timing(last, first, (), ())
    omitted = schedule.doses_between(last, first, times, zone, weekdays=days, memo=memo)
    return _Timing(last, first, omitted, tuple(gap_notes((last, first), times, zone.key)))


def _time_infusion(
    procedure: Procedure, hold: Interval, resume: Interval, *, resume_next_day: bool
) -> _Timing:
    zone = procedure.zone
    if hold.unit is Unit.HOURS:
        stop = schedule.elapsed(procedure.start, -hold.amount, zone)
    else:
        stop = schedule.start_of_day(procedure.day0 - timedelta(days=hold.amount), zone)
    if resume.unit is Unit.HOURS:
        restart = schedule.elapsed(procedure.finish, resume.amount, zone)
    else:
        restart = max(
            schedule.start_of_day(procedure.day0 + timedelta(days=resume.amount), zone),
            procedure.finish,
            # Wall clocks in one zone order as instants here (a midnight and a
            # finish): without the key max gives the same, so no mutant differs.
            key=lambda d: d.timestamp(),  # pragma: no mutate
        )
    if resume_next_day:
        # Instants before a day's first instant show an earlier wall clock and
        # instants after it a later or equal one: wall clocks order as instants.
        restart = max(
            restart,
            schedule.start_of_day(procedure.day0 + timedelta(days=1), zone),
            key=lambda d: d.timestamp(),  # pragma: no mutate
        )
    return _Timing(stop, restart, (), ())


def _display(order: MedicationOrder, drug: str) -> str:
    if normalise_name(order.name) == normalise_name(drug):
        return order.name
    return f"{order.name} ({drug})"


def _review(
    order: MedicationOrder,
    question: Question,
    match: NameMatch,
    resolution: Resolution | None = None,
) -> MedicationPlan:
    name = order.name if resolution is None else _display(order, resolution.drug)
    return MedicationPlan(
        input=order.name,
        match=match,
        dose=order.dose,
        drug=None if resolution is None else resolution.drug,
        drug_class=None if resolution is None else resolution.drug_class,
        action=Action.REVIEW,
        last_dose=None,
        omitted_doses=(),
        checks=(),
        resume=None,
        instruction=_review_instruction(name),
        review_reason=question.reason,
        rule_id=None,
        rule=None,
        source=None,
        notes=_name_notes(order, match),
        questions=(question,),
    )


def _with_strength(order: MedicationOrder, match: NameMatch) -> MedicationOrder:
    """The order with the strength read from its name as its dose, where it gives none."""
    if order.dose is None and match.strength is not None:
        return attrs.evolve(order, dose=match.strength)
    return order


def _name_notes(order: MedicationOrder, match: NameMatch) -> tuple[str, ...]:
    """What the pharmacist should confirm about how the name was read."""
    strength = match.strength
    if (
        strength is None
        or order.dose is None
        or normalise_name(order.dose) == normalise_name(strength)
    ):
        return ()
    return (
        f"The name says {strength} and the dose given is {order.dose}: confirm the current dose.",
    )


def _unknown_name_question(order: MedicationOrder, match: NameMatch, table: Table) -> Question:
    """A name that does not resolve: the pharmacist corrects it, or holds or continues it by hand.

    With suggestions, the question offers them and names the request's
    ``name`` as the answer, since a suggestion is never applied on its own.
    """
    name = order.name
    options = []
    for spelling in match.suggestions:
        found = table.resolve(spelling)
        # A suggestion is a table name, so it resolves.
        drug = spelling if found is None else found.drug  # pragma: no mutate
        options.append(
            spelling if normalise_name(drug) == normalise_name(spelling) else f"{spelling} ({drug})"
        )
    if not options:
        reason = (
            f"{name!r} is not in medplan's table: check the name, or plan this medicine by hand"
        )
        return by_hand("not-in-table", reason, name)
    listed = options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"
    or_by_hand = f"or hold {name} (giving its last dose and restart), or continue it?"
    if match.strength is not None and match.strength.endswith("%"):
        reason = (
            f"{name!r} gives a percentage strength ({match.strength}), as a gel, cream or eye "
            f"drop does, and medplan's table covers tablets and injections: is it {listed}, taken "
            "by mouth or injected? Check the product, or plan this medicine by hand"
        )
        question = (
            f"Is {name!r} {listed}, taken by mouth or injected? Its percentage strength "
            f"({match.strength}) is a gel's, cream's or eye drop's, which medplan's table does not "
            f"cover: give the product's name, {or_by_hand}"
        )
    else:
        reason = (
            f"{name!r} is not in medplan's table: did you mean {listed}? "
            "Check the name (a suggestion is never applied on its own), or plan this medicine by hand"
        )
        question = (
            f"Did you mean {listed}? {name!r} is not in medplan's table, and a suggestion is "
            f"never applied on its own: correct the name, {or_by_hand}"
        )
    return decide(
        "not-in-table",
        reason,
        question,
        HOLD_OR_CONTINUE,
        hold_dates=HoldDates.REQUIRED,
        data=[f"{MEDICINE_FIELD}.name"],
    )


def _review_instruction(name: str) -> str:
    return (
        f"Do not change how you take your {name} until your pharmacist or doctor "
        "tells you what to do before the procedure."
    )


def _hold_instruction(
    name: str, timing: _Timing, checks: Sequence[Check], rule: DrugClassRule | None
) -> str:
    """The patient's words for a hold; ``rule`` None for a medicine held by a decision alone."""
    assert timing.last_dose is not None  # noqa: S101 - a hold always has a last dose
    assert timing.resume is not None  # noqa: S101 - and a restart
    if rule is not None and rule.dosing is _INFUSION:
        text = (
            f"Stop the {name} infusion at {say_when(timing.last_dose)}. "
            f"Restart it no earlier than {say_when(timing.resume)}."
        )
    else:
        text = (
            f"Take your last dose of {name} on {say_when(timing.last_dose)}. "
            f"Do not take it again until {say_when(timing.resume)}, then carry on as usual."
        )
    for check in checks:
        text += f" Have an {check.test} blood test on {say_date(check.on)}: {check.decides()}."
    if rule is not None and rule.group is not None and rule.group.is_anticoagulant:
        text += " Confirm the restart with the doctor doing the procedure before you leave."
    return text


def _not_involved(
    order: MedicationOrder, rule: DrugClassRule, resolution: Resolution, match: NameMatch
) -> MedicationPlan:
    """A rule that applies only with fasting, sedation or contrast, for a procedure without it."""
    assert rule.condition is not None  # noqa: S101 - only called for a conditional rule
    name = _display(order, resolution.drug)
    return MedicationPlan(
        input=order.name,
        match=match,
        dose=order.dose,
        drug=resolution.drug,
        drug_class=rule.drug_class,
        action=Action.CONTINUE,
        last_dose=None,
        omitted_doses=(),
        checks=(),
        resume=None,
        instruction=f"Keep taking your {name} as usual, including on the day of the procedure.",
        review_reason=None,
        rule_id=rule.rule_id,
        rule=f"applies only with {rule.condition.value}; this procedure involves none: continue",
        source=rule.source,
        notes=(*_name_notes(order, match), *(n for n in (rule.note,) if n)),
    )


def _checks(
    rule: DrugClassRule, policy: Policy, procedure: Procedure
) -> tuple[tuple[Check, ...], list[str]]:
    """The row's test before the procedure (INR, with the clinic policy's threshold and day) or the restart."""
    if rule.check_test is None:
        return (), []
    inr = rule.check_test == "INR"
    limit = policy.inr_max if inr else rule.check_max
    day = policy.inr_check_day if inr else rule.check_day
    assert day is not None  # noqa: S101 - validated with check_test
    due = procedure.day0 + timedelta(days=day)
    lab = LabCalendar.of(policy)
    # A test before the procedure moves earlier, so its result is there in
    # time. One before a restart stays on its day: moved later it would come
    # after the restart the row dates, so a closed laboratory is a note.
    on = lab.on_or_before(due) if inr else due
    check = Check(
        test=rule.check_test,
        max_value=limit,
        on=on,
        day=(on - procedure.day0).days,
        before="procedure" if inr else "restart",
    )
    notes = []
    closed = lab.closed(due)
    if on != due:
        notes.append(
            f"The {rule.check_test} test due on {say_date(due)} ({closed}) is taken on "
            f"{say_date(on)}, the laboratory's working day before: a result this early may not be "
            "the result on the day, so ask whether a point-of-care test on the morning is needed."
        )
    elif closed is not None and not inr:
        notes.append(
            f"The {rule.check_test} test before the restart is due on {say_date(due)} ({closed}), "
            "when the laboratory is closed: arrange it elsewhere, or restart only after the next "
            "working day's result."
        )
    if inr and limit != rule.check_max:
        assert limit is not None  # noqa: S101 - a policy's INR threshold
        assert rule.check_max is not None  # noqa: S101 - validated for INR
        notes.append(
            f"INR threshold {limit:g} from clinic policy {policy.name!r} (the table's: {rule.check_max:g})."
        )
    return (check,), notes


@attrs.frozen(repr=False, eq=False)
class _Dated(AttrsValue):
    timing: _Timing
    checks: tuple[Check, ...]
    notes: tuple[str, ...]
    missing: Question | None
    # Set when the restart is a window and no usual dose falls inside it.
    past_window: Question | None = None


def _closes(procedure: Procedure, resume: Interval, until: Interval) -> datetime:
    """A restart window's closing instant.

    An hours window is closed at both ends: from ``resume`` to ``until`` real
    hours after the procedure's end. A days window runs from day +``resume``
    (not before the procedure ends) to the end of day +``until``; its closing
    instant is the first instant of the day after, which no dose may reach.
    """
    if resume.unit is Unit.HOURS:
        return schedule.elapsed(procedure.finish, until.amount, procedure.zone)
    last_day = procedure.day0 + timedelta(days=until.amount)
    return schedule.start_of_day(last_day + timedelta(days=1), procedure.zone)


def _window(procedure: Procedure, resume: Interval, until: Interval) -> tuple[datetime, str]:
    """A restart window's opening instant, and its closing in words (:func:`_closes`)."""
    zone, finish = procedure.zone, procedure.finish
    if resume.unit is Unit.HOURS:
        closes = _closes(procedure, resume, until)
        return schedule.elapsed(finish, resume.amount, zone), say_when(closes)
    opens = max(
        schedule.start_of_day(procedure.day0 + timedelta(days=resume.amount), zone),
        finish,
        key=lambda d: d.timestamp(),
    )
    last_day = procedure.day0 + timedelta(days=until.amount)
    return opens, f"the end of {say_date(last_day)}"


def _past_window(
    procedure: Procedure, resume: Interval, until: Interval, restart: datetime, drug: str
) -> Question | None:
    """Why the restart cannot be planned, when it falls after the window's end; else None.

    Compared on UTC instants (``timestamp``): wall clocks in one zone ignore
    ``fold`` in the hour the clocks go back.
    """
    at, closes = restart.timestamp(), _closes(procedure, resume, until).timestamp()
    late = at > closes or (resume.unit is _DAYS and at == closes)
    if not late:
        return None
    # Worded only for a restart past the window: most fall inside it.
    opens, said = _window(procedure, resume, until)
    window = (
        f"{resume.amount}-{until.amount} hours"
        if resume.unit is Unit.HOURS
        else f"day +{resume.amount} to day +{until.amount}"
    )
    reason = (
        f"no usual dose of {drug} falls in its restart window ({window} after the procedure): "
        f"from {say_when(opens)} until {said} ({procedure.zone.key}); the first usual dose is "
        f"{say_when(restart)}, after the window: choose a restart time inside the window with "
        "the prescriber, or confirm the later dose"
    )
    question = (
        f"When does {drug} restart? No usual dose falls in its restart window (from "
        f"{say_when(opens)} until {said}); the first is {say_when(restart)}. Hold it with the "
        "last dose and a restart chosen with the prescriber (that dose, to confirm it)."
    )
    return decide(
        "restart-past-window", reason, question, (Answer.HOLD,), hold_dates=HoldDates.REQUIRED
    )


def _date_hold(
    rule: DrugClassRule,
    hold: Interval,
    resume: Interval,
    *,
    order: MedicationOrder,
    request: Request,
    drug: str,
    until: Interval | None,
    memo: schedule.DayDoses | None,
    dates_only: bool,
) -> _Dated:
    """Date a hold: the last dose, the doses omitted, the checks and the restart.

    With ``until``, the restart is a window from ``resume`` to ``until``: the
    first usual dose at or after its start, and no restart at all (a question
    for the pharmacist, :func:`_past_window`) when that dose is after its end.
    With ``dates_only``, only the last dose, the restart and the questions
    about them: what another guideline's answer is compared on.
    """
    procedure, policy = request.procedure, request.policy
    resume_next_day = bool(
        rule.group and rule.group.is_anticoagulant and policy.anticoagulant_resume_next_day
    )
    if rule.dosing is _INFUSION:
        timing = _time_infusion(procedure, hold, resume, resume_next_day=resume_next_day)
    elif rule.regimen is _WEEKLY and not order.days:
        missing = supply(
            "days-needed",
            f"{drug} is taken weekly: its usual day (days) is needed to date the last dose",
            f"On which day of the week does the patient take {drug}?",
            [f"{MEDICINE_FIELD}.days"],
        )
        # An undated timing's notes are never read.
        return _Dated(_Timing(None, None, (), ()), (), (), missing)  # pragma: no mutate
    elif order.times:
        timing = _time_scheduled(
            procedure,
            hold,
            resume,
            order,
            resume_next_day=resume_next_day,
            memo={} if memo is None else memo,  # pragma: no mutate - None only works days out again
            dates_only=dates_only,  # pragma: no mutate - None also dates what is not compared
        )
    else:
        missing = supply(
            "times-needed",
            f"{drug}'s usual dose times are needed to date the last dose and the restart",
            f"At what times does the patient usually take {drug}?",
            [f"{MEDICINE_FIELD}.times"],
        )
        return _Dated(_Timing(None, None, (), ()), (), (), missing)  # pragma: no mutate - as above
    past = None
    if until is not None:
        assert timing.resume is not None  # noqa: S101 - a dated timing has a restart
        past = _past_window(procedure, resume, until, timing.resume, drug)
    if dates_only:
        return _Dated(timing, (), (), None, past)
    notes = list(timing.notes)
    if resume_next_day:
        notes.append(
            f"Restarted no earlier than the day after the procedure (clinic policy {policy.name!r})."
        )
    checks, check_notes = _checks(rule, policy, procedure)
    return _Dated(timing, checks, (*notes, *check_notes), None, past)


@attrs.frozen(repr=False, eq=False)
class _Named(AttrsValue):
    """A medicine's order, with the strength its name gives as its dose, and how its name resolved."""

    order: MedicationOrder
    match: NameMatch
    resolution: Resolution | None


def _named(order: MedicationOrder, table: Table) -> _Named:
    resolution, match = table.match(order.name)
    return _Named(_with_strength(order, match), match, resolution)


def _place(
    named: _Named, request: Request, table: Table, guideline: str | None = None
) -> tuple[Resolution, DrugClassRule] | MedicationPlan:
    """The medicine's drug and row; or, if it cannot be placed or is not affected, its finished plan.

    ``guideline``: another guideline's row than the procedure's (:func:`rule_for`).
    """
    order, match, resolution = named.order, named.match, named.resolution
    if resolution is None:
        return _review(order, _unknown_name_question(order, match, table), match)
    rule = rule_for(order, resolution, request, table, guideline=guideline)
    if isinstance(rule, DrugClassRule):
        return resolution, rule
    from medplan.planning._unplaced import NotInvolved  # noqa: PLC0415 - made on first use

    if isinstance(rule, NotInvolved):
        return _not_involved(order, rule.rule, resolution, match)
    return _review(order, rule.question, match, resolution)


@attrs.frozen(repr=False, eq=False)
class _Applied(AttrsValue):
    """What a row makes of a medicine: the clinic's rule for the tier, its dated hold, the questions."""

    policed: Policed
    dated: _Dated
    questions: tuple[Question, ...]
    action: Action

    @property
    def resume(self) -> datetime | None:
        # A restart after the window's end is never shown as a date.
        return self.dated.timing.resume if self.dated.past_window is None else None

    @property
    def answer(self) -> tuple[object, ...]:
        """The plan's :func:`_answer`, before the plan is made."""
        return (self.action, self.dated.timing.last_dose, self.resume)


def _apply(
    order: MedicationOrder,
    rule: DrugClassRule,
    request: Request,
    *,
    drug: str,
    window_ends: bool,
    memo: schedule.DayDoses | None = None,
) -> _Applied:
    """The row's rule for the procedure's tier and the clinic policy, dated, with its questions.

    ``memo`` is :func:`_date_hold`'s.
    """
    policed = with_policy(rule, request.procedure.bleeding_risk, request.policy)
    tier, hold = policed.tier, policed.hold
    # The table gives a hold and its restart together (both or neither).
    if hold is not None and tier.resume is not None:  # pragma: no mutate
        dated = _date_hold(
            rule,
            hold,
            tier.resume,
            order=order,
            request=request,
            drug=drug,
            until=tier.resume_until if window_ends else None,
            memo=memo,  # pragma: no mutate - None only works each day out again
            dates_only=False,  # pragma: no mutate - None is as false as False
        )
    else:
        # Undated: its notes are read only once dated.
        dated = _Dated(_Timing(None, None, (), ()), (), (), None)  # pragma: no mutate
    # A number the clinic's policy fixes is the clinic's, not the unconfirmed row's.
    unconfirmed = rule.evidence is _UNCONFIRMED and not policed.clinic
    questions = _rule_questions(rule, tier, dated, order=order, drug=drug, unconfirmed=unconfirmed)
    action = _REVIEW if questions else tier.action
    return _Applied(policed, dated, tuple(questions), action)


def _plan_medication(
    order: MedicationOrder, request: Request, table: Table, *, window_ends: bool = True
) -> MedicationPlan:
    """One medicine's plan.

    With ``window_ends`` False a restart window's end is not enforced, only
    its start: the bridging pathway uses the row's restart as a floor under
    its own window (:mod:`medplan.planning.pathway`), which it checks itself.
    """
    named = _named(order, table)
    return _planned(named, _place(named, request, table), request, window_ends=window_ends)


def _planned(
    named: _Named,
    placed: tuple[Resolution, DrugClassRule] | MedicationPlan,
    request: Request,
    *,
    window_ends: bool,
) -> MedicationPlan:
    """The plan of a placed medicine on its own: its row's rule dated and said to the patient.

    :func:`make_plan` makes each plan from its applied row itself, with the
    other guidelines' answers and the clinical checks' questions.
    """
    if isinstance(placed, MedicationPlan):
        return placed
    resolution, rule = placed
    applied = _apply(named.order, rule, request, drug=resolution.drug, window_ends=window_ends)
    return _made(named, placed, applied, request)


def _made(
    named: _Named,
    placed: tuple[Resolution, DrugClassRule],
    applied: _Applied,
    request: Request,
    *,
    divergences: tuple[Divergence, ...] = (),
    asked: tuple[Sequence[ClinicalQuestion], MedicationOrder] | None = None,
) -> MedicationPlan:
    """The plan of a placed medicine from its row's rule as applied, with the other guidelines' answers.

    ``asked``: what the clinical checks ask of it, and the order as the
    request gave it (:func:`_checked`), if they ask anything.
    """
    (resolution, rule), order, match = placed, named.order, named.match
    procedure, policy, drug = request.procedure, request.policy, resolution.drug
    tier, dated, action = applied.policed.tier, applied.dated, applied.action
    notes = [
        *_name_notes(order, match),
        *applied.policed.notes,
        *unstated_notes(order, rule, resolution),
        *dated.notes,
    ]
    if rule.note:
        notes.append(rule.note)
    name = _display(order, drug)
    if action is _REVIEW:
        instruction = _review_instruction(name)
    elif action is _CONTINUE:
        instruction = f"Keep taking your {name} as usual, including on the day of the procedure."
    else:
        instruction = _hold_instruction(name, dated.timing, dated.checks, rule)
    if action is not _REVIEW and rule.advice:
        instruction += f" {rule.advice}"
    fields: dict[str, Any] = {
        "input": order.name,
        "match": match,
        "dose": order.dose,
        "drug": drug,
        "drug_class": rule.drug_class,
        "action": action,
        "last_dose": dated.timing.last_dose,
        "omitted_doses": dated.timing.omitted,
        "checks": dated.checks,
        "resume": applied.resume,
        "instruction": instruction,
        "review_reason": reviews.reviewed(applied.questions),
        "rule_id": rule.rule_id,
        "rule": describe_rule(rule, tier, procedure.bleeding_risk, policy),
        "source": rule.source,
        "notes": tuple(notes),
        "divergences": divergences,
        "hold": applied.policed.hold if dated.timing.last_dose is not None else None,
        "questions": applied.questions,
    }
    if asked is not None:
        fields.update(_asked_fields(asked[0], asked[1], drug, fields))
    return medication_plan(**fields)


def _offer(dated: _Dated) -> tuple[HoldDates, str]:
    """Whether a hold decided for the medicine may take the dated proposal, and the proposal in words."""
    last, restart = dated.timing.last_dose, dated.timing.resume
    # A restart past its window is not shown, so there is no proposal to take.
    if last is not None and restart is not None and dated.past_window is None:
        return HoldDates.PROPOSED, f"last dose {say_when(last)}, restart {say_when(restart)}"
    return HoldDates.REQUIRED, "no dates are proposed: a hold gives its last dose and restart"


def _rule_questions(
    rule: DrugClassRule,
    tier: TierRule,
    dated: _Dated,
    *,
    order: MedicationOrder,
    drug: str,
    unconfirmed: bool,
) -> list[Question]:
    """What the pharmacist must decide or find out about a medicine its row places."""
    # The dates and the medicine's name are worded only for a question that offers them.
    asks = tier.action is _REVIEW or unconfirmed
    hold_dates, offer = _offer(dated) if asks else (_REQUIRED, "")
    name = _display(order, drug) if asks else drug
    questions = []
    if tier.action is _REVIEW:
        reason = rule.review_reason or ""
        questions.append(
            decide(
                "table-review",
                reason,
                f"Hold or continue {name}? The table leaves it to review: {reason} ({offer}).",
                HOLD_OR_CONTINUE,
                hold_dates=hold_dates,
            )
        )
    if unconfirmed:
        questions.append(
            decide(
                "unconfirmed-rule",
                _unconfirmed(rule),
                f"Hold {name} as proposed ({offer}), or continue it? "
                f"Rule {rule.rule_id} is not yet confirmed against its source.",
                HOLD_OR_CONTINUE,
                hold_dates=hold_dates,
            )
        )
    if dated.missing is not None:
        questions.append(dated.missing)
    if dated.past_window is not None:
        questions.append(dated.past_window)
    return questions


def _unconfirmed(rule: DrugClassRule) -> str:
    """The reason an unconfirmed row's medicine is reviewed."""
    return f"rule {rule.rule_id} is not yet confirmed against its source; the dates shown are its proposal"


def _divergence(
    named: _Named,
    placed: tuple[Resolution, DrugClassRule],
    guideline: str,
    request: Request,
    answer: tuple[object, ...],
    *,
    memo: schedule.DayDoses,
) -> Divergence | None:
    """What ``guideline``'s row makes of the medicine, where it differs from the plan's ``answer``.

    As :func:`_apply` would, but only what the comparison and a divergence
    show is worked out: no omitted doses, checks or notes, and of the
    questions only their reasons, in :func:`_rule_questions`' order.
    """
    resolution, rule = placed
    risk, policy = request.procedure.bleeding_risk, request.policy
    policed = with_policy(rule, risk, policy)
    tier, hold = policed.tier, policed.hold
    # The table gives a hold and its restart together (both or neither).
    if hold is not None and tier.resume is not None:  # pragma: no mutate
        dated = _date_hold(
            rule,
            hold,
            tier.resume,
            order=named.order,
            request=request,
            drug=resolution.drug,
            until=tier.resume_until,
            memo=memo,  # pragma: no mutate - None only works each day out again
            dates_only=True,  # pragma: no mutate - False also dates what is not compared
        )
        last_dose = dated.timing.last_dose
        resume = dated.timing.resume if dated.past_window is None else None
    else:
        dated, last_dose, resume = None, None, None
    reasons = []
    if tier.action is _REVIEW:
        reasons.append(rule.review_reason or "")
    if rule.evidence is _UNCONFIRMED and not policed.clinic:
        reasons.append(_unconfirmed(rule))
    if dated is not None and dated.missing is not None:
        reasons.append(dated.missing.reason)
    if dated is not None and dated.past_window is not None:
        reasons.append(dated.past_window.reason)
    action = _REVIEW if reasons else tier.action
    if (action, last_dose, resume) == answer:
        return None
    return Divergence(
        guideline=guideline,
        action=action,
        last_dose=last_dose,
        resume=resume,
        rule_id=rule.rule_id,
        rule=describe_rule(rule, tier, risk, policy),
        review_reason="; ".join(reasons) or None,
        source=rule.source,
    )


def _differs(
    theirs: MedicationPlan, guideline: str, answer: tuple[object, ...]
) -> Divergence | None:
    """Another guideline's plan of a medicine it cannot place, where it differs from the plan's ``answer``."""
    if _answer(theirs) == answer:
        return None
    return Divergence(
        guideline=guideline,
        action=theirs.action,
        last_dose=theirs.last_dose,
        resume=theirs.resume,
        rule_id=theirs.rule_id,
        rule=theirs.rule,
        review_reason=theirs.review_reason,
        source=theirs.source,
    )


def _answer(plan: MedicationPlan) -> tuple[object, ...]:
    """What a divergence compares: the action, the last dose and the restart."""
    return (plan.action, plan.last_dose, plan.resume)


def _divergences(
    named: _Named,
    drug_class: str | None,
    answer: tuple[object, ...],
    request: Request,
    table: Table,
    *,
    others: Sequence[str],
    memo: schedule.DayDoses,
) -> tuple[Divergence, ...]:
    """The answers of the table's other guidelines for this medicine, where they differ from ``answer``.

    ``others`` are the table's other guidelines, in order. Only those with
    rows of their own for the class are asked: a row for every guideline
    (``*``) gives the same answer under each. Every other row is dated:
    telling from the two rows which ones date alike cost more than the few it
    spared (4 % of a plan). ``memo`` is the medicine's doses by day, which
    its own plan began. Asked before the plan is made, which then carries them.
    """
    if drug_class is None:
        return ()
    others_say = []
    for guideline in others:
        if not has_own_rows(table, guideline, drug_class):
            continue
        theirs = _place(named, request, table, guideline)
        if isinstance(theirs, MedicationPlan):
            other = _differs(theirs, guideline, answer)
        else:
            other = _divergence(named, theirs, guideline, request, answer, memo=memo)
        if other is not None:
            others_say.append(other)
    return tuple(others_say)


def _plan_questions(
    request: Request, table: Table, plans: Sequence[MedicationPlan]
) -> list[Question]:
    """Questions about the medication list as a whole (conflicting inputs)."""
    questions = []
    by_drug: dict[str, list[str]] = {}
    for plan in plans:
        if plan.drug is not None:
            by_drug.setdefault(plan.drug, []).append(plan.input)
    for drug, inputs in by_drug.items():
        if len(inputs) > 1:
            listed = ", ".join(repr(i) for i in inputs)
            reason = f"{drug} is listed {len(inputs)} times ({listed}): confirm the current dose and times"
            question = (
                f"Does the patient take every one of the {len(inputs)} entries for {drug} ({listed}), "
                "at the doses and times given? Each is planned as given."
            )
            questions.append(decide(f"listed-twice-{drug}", reason, question, CONFIRM))
    oral = sorted(
        {
            p.drug
            for p in plans
            if p.drug is not None
            and Group.ORAL_ANTICOAGULANT
            in class_groups(table, request.procedure.guideline, p.drug_class)
        }
    )
    if len(oral) > 1:
        both = " and ".join(oral)
        questions.append(
            decide(
                "two-anticoagulants",
                f"{both} are both oral anticoagulants: confirm which one the patient takes",
                f"The list has {both}, both oral anticoagulants: does the patient take both? "
                "Confirmed, each is planned as listed.",
                CONFIRM,
            )
        )
    return questions


def _group(request: Request, table: Table, drug_class: str | None) -> Group | None:
    return class_group(table, request.procedure.guideline, drug_class)


# The clinical checks' questions a field of the medicine's answers, when the request gives it.
_CLINICAL_DATA = {
    "indication": ("indication", "indication_date"),
    "indication-date": ("indication_date",),
}


def _clinical_question(asked: ClinicalQuestion, name: str, *, proposed: bool) -> Question:
    """A clinical check's question as a review item: data it lacks, or the pharmacist's decision.

    ``proposed``: whether the plan proposes a last dose and restart a hold may take.
    """
    # Its id is '<input name>/<slug>'; the plan gives the medicine's own key.
    slug = asked.id.rsplit("/", 1)[1]
    said = f"{asked.text[0].upper()}{asked.text[1:]}"
    # The pharmacist who has read the indication in the record may decide
    # instead of giving it, saying why in the decision's reason.
    fields = [f"{MEDICINE_FIELD}.{f}" for f in _CLINICAL_DATA.get(slug, ())]
    ask = "Give it, or hold or continue" if fields else "Hold or continue"
    return decide(
        slug,
        asked.text,
        f"{said}. {ask} {name}?",
        HOLD_OR_CONTINUE,
        hold_dates=HoldDates.PROPOSED if proposed else HoldDates.REQUIRED,
        data=fields,
    )


def _clinical(
    order: MedicationOrder,
    index: int,
    drug: str,
    drug_class: str | None,
    action: Action,
    *,
    request: Request,
    table: Table,
    checks: ClinicalChecks,
) -> list[ClinicalQuestion]:
    """What the clinical checks ask of a medicine the table resolved to ``drug``, planned ``action``."""
    asked = renal_questions(order.name, drug, request.patient, checks)
    if _group(request, table, drug_class) is _ANTIPLATELET:
        day0, stopped = request.procedure.day0, action is not _CONTINUE
        path = f"medications[{index}]"
        asked += p2y12_questions(order, path, drug, day0, checks, stopped=stopped)
    return asked


def _asked_fields(
    asked: Sequence[ClinicalQuestion],
    order: MedicationOrder,
    drug: str,
    plan: Mapping[str, Any],
) -> dict[str, Any]:
    """The fields of a plan (``plan``, by name) the clinical checks change when they ask anything.

    The medicine is review, their questions before its own.
    """
    name = _display(order, drug)
    proposed = plan["last_dose"] is not None and plan["resume"] is not None
    own, reason = plan["notes"], plan["review_reason"]
    reasons = [q.text for q in asked] + ([reason] if reason else [])
    notes = [n for q in asked for n in q.notes if n not in own]
    return {
        "action": Action.REVIEW,
        "review_reason": "; ".join(reasons),
        "instruction": _review_instruction(name),
        "notes": (*own, *dict.fromkeys(notes)),
        "questions": (
            *(_clinical_question(q, name, proposed=proposed) for q in asked),
            *plan["questions"],
        ),
    }


def _checked(
    plan: MedicationPlan,
    order: MedicationOrder,
    index: int,
    *,
    request: Request,
    table: Table,
    checks: ClinicalChecks,
) -> MedicationPlan:
    """A plan made without a row with what the clinical checks ask of it: review when they ask anything.

    A plan its row makes takes them as it is made (:func:`_made`).
    """
    if plan.drug is None:
        return plan
    asked = _clinical(
        order,
        index,
        plan.drug,
        plan.drug_class,
        plan.action,
        request=request,
        table=table,
        checks=checks,
    )
    if not asked:
        return plan
    fields = {
        "last_dose": plan.last_dose,
        "resume": plan.resume,
        "notes": plan.notes,
        "review_reason": plan.review_reason,
        "questions": plan.questions,
    }
    return attrs.evolve(plan, **_asked_fields(asked, order, plan.drug, fields))


def _agree(text: str) -> str:
    """A combination check's question, confirmed once the prescribers have agreed."""
    return f"{text[0].upper()}{text[1:]}. Confirmed, once agreed, each is planned as listed."


def _listed(request: Request, table: Table, plans: Sequence[MedicationPlan]) -> list[Listed]:
    """The medicines the combination checks look at: those the table resolved."""
    return [
        Listed(plan.drug, _group(request, table, plan.drug_class), order.regimen)
        for order, plan in zip(request.medications, plans, strict=True)
        if plan.drug is not None
    ]


def _holds_anticoagulant(request: Request, table: Table, plans: Sequence[MedicationPlan]) -> bool:
    for plan in plans:
        if plan.action is not _HOLD or plan.drug_class is None:
            continue
        groups = class_groups(table, request.procedure.guideline, plan.drug_class)
        if any(group.is_anticoagulant for group in groups):
            return True
    return False


def _too_soon(plan: MedicationPlan, earliest: datetime, name: str) -> MedicationPlan:
    """The medicine's plan when its hold can no longer be met: review, with no last dose to show."""
    assert plan.last_dose is not None  # noqa: S101 - only a dated hold is booked
    reason = (
        f"booked too soon: its hold ({plan.hold}) needs the last dose on {say_when(plan.last_dose)}, "
        f"and a dose after it is due before now; stopped at its next dose, it allows a start "
        f"from {say_from(earliest)}"
    )
    question = supply(
        "booked-too-soon",
        reason,
        f"Can the procedure move to {say_from(earliest)} or later? {name}'s hold can no longer "
        "be met before the booked start.",
        ["procedure.start"],
    )
    return attrs.evolve(
        plan,
        action=Action.REVIEW,
        last_dose=None,
        omitted_doses=(),
        instruction=_review_instruction(name),
        review_reason="; ".join(r for r in (reason, plan.review_reason) if r),
        questions=(question, *plan.questions),
    )


def _book(
    request: Request, table: Table, plans: Sequence[MedicationPlan]
) -> tuple[list[MedicationPlan], Booking | None]:
    """Answer the booking questions for the request's ``now``; a hold that cannot be met is review."""
    now = request.now
    if now is None:
        return list(plans), None
    procedure = request.procedure
    start = procedure.start.timestamp()
    answers: list[BookingMedicine] = []
    booked: list[MedicationPlan] = []
    # One plan per medicine, and a plan has a hold exactly when it has a last
    # dose, of a drug the table resolved.
    for order, plan in zip(request.medications, plans, strict=True):  # pragma: no mutate
        if plan.hold is None or plan.last_dose is None:  # pragma: no mutate
            booked.append(plan)
            continue
        rule = rule_cited(table, procedure.guideline, plan.drug_class, plan.rule_id)
        infusion = rule is not None and rule.dosing is _INFUSION
        earliest = booking.earliest_start(
            plan.hold,
            now,
            procedure.zone,
            times=order.times,
            weekdays=order.days,
            infusion=infusion,
        )
        if earliest.timestamp() > start:
            answers.append(
                BookingMedicine(input=plan.input, earliest_start=earliest, notify_by=None)
            )
            name = order.name if plan.drug is None else _display(order, plan.drug)
            booked.append(_too_soon(plan, earliest, name))
            continue
        notify = booking.notify_by(plan, infusion=infusion)
        answers.append(BookingMedicine(input=plan.input, earliest_start=earliest, notify_by=notify))
        booked.append(plan)
    local_now = now.astimezone(procedure.zone)
    earliest = booking.earliest_of([a.earliest_start for a in answers], local_now)
    latest = earliest.timestamp()
    too_soon = latest > start
    notices = [a.notify_by for a in answers if a.notify_by is not None]
    limited_by = (
        tuple(a.input for a in answers if a.earliest_start.timestamp() == latest)
        if latest > now.timestamp()
        else ()
    )
    return booked, Booking(
        now=local_now,
        earliest_start=earliest,
        notify_by=None if too_soon or not notices else min(notices, key=lambda d: d.timestamp()),
        too_soon=too_soon,
        limited_by=limited_by,
        medicines=tuple(answers),
    )


def _booking_question(request: Request, answer: Booking) -> Question:
    start = request.procedure.start.timestamp()
    late = [m.input for m in answer.medicines if m.earliest_start.timestamp() > start]
    why = (
        f"{', '.join(late)} cannot be stopped in time"
        if late
        else "the procedure starts before now"
    )
    reason = (
        f"Booked too soon: told now ({say_when(answer.now)}), {why}; the earliest start at which "
        f"every hold can be met is {say_from(answer.earliest_start)}: book from then, "
        f"not {say_when(request.procedure.start)}"
    )
    question = (
        f"Can the procedure be booked from {say_from(answer.earliest_start)} instead of "
        f"{say_when(request.procedure.start)}? As booked, {why}."
    )
    return supply("booked-too-soon", reason, question, ["procedure.start"])


def _procedure_question(procedure: Procedure, reason: str) -> Question:
    return decide(
        "bleeding-risk",
        f"{procedure.name}: {reason}",
        f"Is {procedure.bleeding_risk.value} the right bleeding risk for {procedure.name}? "
        f"{reason[0].upper()}{reason[1:]}. Confirm it, or give procedure.bleeding_risk.",
        CONFIRM,
        data=["procedure.bleeding_risk"],
    )


def _request_questions(request: Request) -> list[Question]:
    """The caller's own questions (FHIR items medplan could not read): each confirmed once checked."""
    return [
        decide(
            f"request-{number}",
            reason,
            f"The request asks: {reason}. Checked, and nothing in it changes the plan?",
            CONFIRM,
        )
        for number, reason in enumerate(request.review_reasons, start=1)
    ]


# A decision as the plan looks it up: its place in the request's decisions, and the decision.
_Given: TypeAlias = "Mapping[str, tuple[int, Decision]]"  # Decision: made on first use


def _given(request: Request) -> dict[str, tuple[int, Decision]]:
    """The request's decisions by review id, each stamped with the plan's ``now``."""
    return {
        d.review: (position, attrs.evolve(d, at=request.now))
        for position, d in enumerate(request.decisions)
    }


def _found(given: _Given, item_id: str, answer_with: AnswerWith) -> Decision | None:
    """The decision for one item, refused if the item does not accept it; None when there is none."""
    if item_id not in given:
        return None
    position, decision = given[item_id]
    reviews.check_decision(decision, position, item_id, answer_with)
    return decision


def _decide(
    plan: MedicationPlan,
    order: MedicationOrder,
    *,
    index: int,
    key: str,
    given: _Given,
    request: Request,
    table: Table,
) -> MedicationPlan:
    """The medicine's plan with the pharmacist's decisions, once every question about it has one."""
    if not given:
        # Most requests carry no decisions: no question's id is worked out for them.
        return plan
    answered = []
    for question in plan.questions:
        item_id = reviews.item_id(key, question.slug)
        decision = _found(given, item_id, reviews.fields_of(question.answer_with, index))
        if decision is not None:
            answered.append((given[item_id][0], question, decision))
    if not answered:
        return plan
    first_position, _, first = answered[0]
    for position, _, decision in answered[1:]:
        if (decision.answer, decision.last_dose, decision.resume) != (
            first.answer,
            first.last_dose,
            first.resume,
        ):
            raise InputError(
                f"decisions[{position}].answer",
                f"must agree with decisions[{first_position}], which also decides {plan.input!r} "
                f"(got {decision.answer.value!r}{' with other dates' if decision.answer is first.answer else ''})",
            )
    if len(answered) < len(plan.questions):
        still = [q for q in plan.questions if all(q is not a[1] for a in answered)]
        return attrs.evolve(plan, review_reason=reviews.reviewed(still), decision=first)
    return _decided(plan, order, first, request, table)


def _decided(
    plan: MedicationPlan, order: MedicationOrder, decision: Decision, request: Request, table: Table
) -> MedicationPlan:
    """A medicine the pharmacist decided: held or continued, citing the decision beside the rule."""
    name = order.name if plan.drug is None else _display(order, plan.drug)
    rule = rule_cited(table, request.procedure.guideline, plan.drug_class, plan.rule_id)
    decided_by = f"decided by {decision.by} (pharmacist review)"
    by = f"{decided_by}: {decision.answer.value}"
    why = f": {decision.reason}" if decision.reason else ""
    told = "" if decision.at is None else f" on {say_when(decision.at)}"
    notes = [*plan.notes, f"{decision.answer.value.capitalize()}, {decided_by}{told}{why}."]
    rule_text = by if plan.rule is None else f"{plan.rule}; {by}"
    if decision.answer is Answer.CONTINUE:
        instruction = f"Keep taking your {name} as usual, including on the day of the procedure."
        return attrs.evolve(
            plan,
            action=Action.CONTINUE,
            last_dose=None,
            omitted_doses=(),
            checks=(),
            resume=None,
            hold=None,
            instruction=instruction
            + (f" {rule.advice}" if rule is not None and rule.advice else ""),
            review_reason=None,
            rule=rule_text,
            notes=tuple(notes),
            decision=decision,
        )
    checks = plan.checks
    if decision.last_dose is None or decision.resume is None:
        # The item accepted a hold without dates only because the plan proposes them.
        assert plan.last_dose is not None  # noqa: S101 - HoldDates.PROPOSED
        assert plan.resume is not None  # noqa: S101
        timing = _Timing(plan.last_dose, plan.resume, plan.omitted_doses, ())
        hold = plan.hold
    else:
        zone = request.procedure.zone
        omitted = (
            schedule.doses_between(
                decision.last_dose, decision.resume, order.times, zone, weekdays=order.days
            )
            if order.times
            else ()
        )
        timing = _Timing(decision.last_dose, decision.resume, omitted, ())
        hold = None
        if not checks and rule is not None:
            # A row that leaves the hold to review still names its test (warfarin's INR).
            checks, check_notes = _checks(rule, request.policy, request.procedure)
            notes += check_notes
        notes.append(
            "The last dose and restart are the decision's, not the table's"
            + (
                f" (the table proposed {say_when(plan.last_dose)} and {say_when(plan.resume)})."
                if plan.last_dose is not None and plan.resume is not None
                else "."
            )
        )
        usual = {t.replace(tzinfo=None) for t in order.times}
        off = [
            f"{label} {say_when(moment)}"
            for label, moment in (("last dose", decision.last_dose), ("restart", decision.resume))
            if usual and moment.time() not in usual
        ]
        if off:
            notes.append(
                f"Not at a usual dose time ({', '.join(f'{t:%H:%M}' for t in order.times)}): "
                f"{'; '.join(off)}."
            )
    instruction = _hold_instruction(name, timing, checks, rule)
    if rule is not None and rule.advice:
        instruction += f" {rule.advice}"
    return attrs.evolve(
        plan,
        action=Action.HOLD,
        checks=checks,
        last_dose=timing.last_dose,
        omitted_doses=timing.omitted,
        resume=timing.resume,
        hold=hold,
        instruction=instruction,
        review_reason=None,
        rule=rule_text,
        notes=tuple(notes),
        decision=decision,
    )


@attrs.frozen(repr=False, eq=False)
class _Asked(AttrsValue):
    """A question with what its id is made from: its medicine's key and index (None for the plan's).

    ``own`` marks a medicine's own question, which ``review_reasons`` words
    with the medicine's other open ones, as its ``review_reason`` does.
    """

    question: Question
    key: str | None = None
    index: int | None = None
    own: bool = False


def _items(asked: Sequence[_Asked], request: Request, given: _Given) -> tuple[ReviewItem, ...]:
    """The plan's review items, each decision checked against its item; an unknown id refused."""
    items = []
    for one in asked:
        item_id = reviews.item_id(one.key, one.question.slug)
        answer_with = reviews.fields_of(one.question.answer_with, one.index)
        items.append(
            ReviewItem(
                id=item_id,
                medication=None if one.index is None else request.medications[one.index].name,
                question=one.question.question,
                reason=one.question.reason,
                answer_with=answer_with,
                decision=_found(given, item_id, answer_with),
            )
        )
    reviews.refuse_unknown(request.decisions, items)
    return tuple(items)


def _review_reasons(
    asked: Sequence[_Asked], items: Sequence[ReviewItem], plans: Sequence[MedicationPlan]
) -> tuple[str, ...]:
    """The open items in words, as ``review_reasons`` always gave them: one line per medicine."""
    reasons = []
    worded: set[int] = set()
    for one, item in zip(asked, items, strict=True):
        if one.own:
            assert one.index is not None  # noqa: S101 - a medicine's own question
            plan = plans[one.index]
            if one.index not in worded and plan.action is Action.REVIEW and plan.review_reason:
                reasons.append(f"{plan.input}: {plan.review_reason}")
            worded.add(one.index)
        elif item.open:
            reasons.append(item.reason)
    return tuple(reasons)


def make_plan(
    request: Request,
    table: Table,
    *,
    medplan_version: str,
    care: CareSets | None = None,
    risk_table: RiskTable | None = None,
    bridging: BridgingTables | None = None,
    clinical: ClinicalChecks | None = None,
) -> Plan:
    """Plan every medicine in the request, with the pharmacist's decisions.

    Args:
        request: A validated request (see :func:`medplan.parse_request`).
        table: The drug-class table.
        medplan_version: Recorded in the plan, for the audit trail.
        care: The care sets; the procedure's set, if it names one, is screened
            and dated into the plan.
        risk_table: The thrombotic-risk table; the bundled one when None.
        bridging: The bridging dose table and warfarin pathway; the bundled
            ones when None.
        clinical: The clinical checks (P2Y12 intervals, renal floors); the
            bundled table when None.

    Returns:
        The plan: one entry per medicine, in input order; every reason it
        needs review as a review item (``reviews``), answered where the
        request's ``decisions`` answer it; ``needs_review`` while any is open.

    Raises:
        InputError: A decision the plan cannot take (an unknown review id,
            an answer its item does not accept, one for an item answered by
            data), naming the field in ``decisions``.
    """
    keys = reviews.medicine_keys(request.medications)
    given = _given(request)
    plans: list[MedicationPlan] = []
    # Every medicine is asked under each of the table's other guidelines.
    others = sorted(table.guidelines - {request.procedure.guideline})
    checks = default_clinical_checks() if clinical is None else clinical
    for index, order in enumerate(request.medications):
        named = _named(order, table)
        placed = _place(named, request, table)
        # The medicine's doses by day, under this guideline and the others:
        # the same times, weekdays and zone.
        memo: schedule.DayDoses = {}
        if isinstance(placed, MedicationPlan):
            divergences = _divergences(
                named, placed.drug_class, _answer(placed), request, table, others=others, memo=memo
            )
            # Such a plan is made with no divergences; most have none to add.
            plan = attrs.evolve(placed, divergences=divergences) if divergences else placed
            plan = _checked(plan, order, index, request=request, table=table, checks=checks)
        else:
            applied = _apply(
                named.order,
                placed[1],
                request,
                drug=placed[0].drug,
                window_ends=True,
                memo=memo,
            )
            divergences = _divergences(
                named,
                placed[1].drug_class,
                applied.answer,
                request,
                table,
                others=others,
                memo=memo,
            )
            checked = _clinical(
                order,
                index,
                placed[0].drug,
                placed[1].drug_class,
                applied.action,
                request=request,
                table=table,
                checks=checks,
            )
            plan = _made(
                named,
                placed,
                applied,
                request,
                divergences=divergences,
                asked=(checked, order) if checked else None,
            )
        plans.append(
            _decide(
                plan, order, index=index, key=keys[index], given=given, request=request, table=table
            )
        )
    plans, answer = _book(request, table, plans)

    def pathway_decision(question: Question) -> Decision | None:
        assert question.medicine is not None  # noqa: S101 - the pathway's are about its medicine
        item_id = reviews.item_id(keys[question.medicine], question.slug)
        return _found(given, item_id, question.answer_with)

    pathway = plan_anticoagulation(
        request,
        table,
        plans,
        risk_table=default_risk_table() if risk_table is None else risk_table,
        tables=default_bridging_tables() if bridging is None else bridging,
        plan_medicine=lambda order: _plan_medication(order, request, table, window_ends=False),
        decided=pathway_decision,
    )
    care_plan = CarePlan(
        (), (), ()
    )  # pragma: no mutate - its questions are read only from plan_care
    if care is not None and request.procedure.care is not None:
        care_plan = plan_care(
            care.items_of(request.procedure.care),
            request.procedure,
            request.patient,
            anticoagulant=_holds_anticoagulant(request, table, plans),
        )
    # In the order review_reasons has always listed them: the care set's, the
    # booking's, the procedure's, each medicine's, the list's, the pathway's,
    # and the caller's own last (they are about the input, not a rule).
    asked = [_Asked(q) for q in care_plan.questions]
    if answer is not None and answer.too_soon:
        asked.append(_Asked(_booking_question(request, answer)))
    if request.procedure.review_reason is not None:
        asked.append(
            _Asked(_procedure_question(request.procedure, request.procedure.review_reason))
        )
    asked += [
        _Asked(q, keys[index], index, own=True)
        for index, plan in enumerate(plans)
        for q in plan.questions
    ]
    asked += [_Asked(q) for q in _plan_questions(request, table, plans)]
    asked += [
        _Asked(decide(q.id.removeprefix("plan/"), q.text, _agree(q.text), CONFIRM))
        for q in combination_questions(_listed(request, table, plans))
    ]
    # The pathway's questions are each about its medicine (pathway_decision).
    asked += [_Asked(q, keys[q.medicine or 0], q.medicine) for q in pathway.questions]
    asked += [_Asked(q) for q in _request_questions(request)]
    items = _items(asked, request, given)
    return Plan(
        procedure=request.procedure,
        guideline=request.procedure.guideline,
        policy=request.policy,
        table_version=table.version,
        medplan_version=medplan_version,
        medications=tuple(plans),
        review_reasons=_review_reasons(asked, items, plans),
        reviews=items,
        decisions=tuple(decision for _, decision in given.values()),
        screening=care_plan.screening,
        care=care_plan.instructions,
        anticoagulation=pathway.anticoagulation,
        timeline=build_timeline(request.procedure, plans, pathway),
        booking_id=request.booking_id,
        booking=answer,
    )
