"""The warfarin pathway and the plan's one timeline. Pure: no I/O, no clock.

When the plan holds a vitamin K antagonist (warfarin, acenocoumarol,
phenprocoumon), the pathway adds, around the hold the planner dated:

1. the thrombotic risk and the bridging decision (:mod:`medplan.tables.thrombotic_risk`);
2. a baseline INR on day -7 and the planner's INR check before the procedure,
   each on a day the laboratory works (:mod:`medplan.planning.lab_days`: a test before
   the procedure moves to the working day before, one after to the working
   day after);
3. when bridging: the heparin dose by weight and CrCl, every injection from
   day -3 to the last one at least 24 hours before, and from the restart
   through the day +4 INR, after which the injections go on until the INR is
   above 1.9; INR tests on days +4 and +7.

The heparin's last injection and its restart are the later-restarting and
earlier-stopping of two rules: the table's row for the therapeutic heparin
under the procedure's guideline (with the clinic policy, as any medicine on
the list), and the bridging protocol's hours in ``warfarin_pathway.csv``.

A direct oral anticoagulant is never bridged. Everything dated, for every
medicine held, goes into one timeline ordered by day and time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._made import timeline_event
from medplan.model import (
    Action,
    Answer,
    Anticoagulation,
    BleedingRisk,
    Bridging,
    Check,
    MedicationOrder,
    MedicationPlan,
    Patient,
    Policy,
    Procedure,
    Question,
    Regimen,
    Request,
    Route,
    TimelineEvent,
)
from medplan.planning import schedule
from medplan.planning.dosing import round_dose
from medplan.planning.lab_days import LabCalendar
from medplan.planning.reviews import CONFIRM, decide, supply
from medplan.planning.rules import checks_inr, class_group
from medplan.planning.thrombotic_risk import Classification, classify
from medplan.tables.bridging_doses import BridgingTables
from medplan.tables.drug_classes import Group, Table
from medplan.tables.thrombotic_risk import RiskTable

if TYPE_CHECKING:
    from medplan._seldom import Injections as _Injections
    from medplan.model import BridgingDose, Decision

__all__ = ["Pathway", "build_timeline", "plan_anticoagulation"]

# A pre-procedure INR moved back over a closed weekend (Sunday to Friday) is
# routine. One moved further, over public holidays, is taken so early in the
# hold that it cannot show the INR on the day: the pharmacist arranges the test.
MAX_INR_MOVE_DAYS = 2

_NO_DOAC_BRIDGING = (
    "No heparin bridging while a direct oral anticoagulant is stopped "
    "(PAUSE, Douketis JD et al. JAMA Intern Med 2019;179(11):1469-1478; CHEST 2022)."
)


# Read once: an enum class's member costs about a thousand instructions to
# read (EnumType's __getattr__ hook), and every held medicine is tested.
_HOLD, _ORAL_ANTICOAGULANT = Action.HOLD, Group.ORAL_ANTICOAGULANT
# What an untimed event sorts by in place of an instant (never compared with one).
_UNTIMED = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen(repr=False, eq=False)
class Pathway(AttrsValue):
    """What the pathway adds to the plan."""

    anticoagulation: Anticoagulation | None
    events: tuple[TimelineEvent, ...]
    questions: tuple[Question, ...]


def _group_of(table: Table, guideline: str, plan: MedicationPlan) -> tuple[Group | None, bool]:
    """The plan's drug group under the guideline, and whether its rule checks the INR."""
    return (
        class_group(table, guideline, plan.drug_class),
        checks_inr(table, guideline, plan.drug_class),
    )


def _event(
    procedure: Procedure,
    on: date,
    kind: str,
    what: str,
    *,
    at: datetime | None = None,
    medicine: str | None = None,
    dose: str | None = None,
    rule_id: str | None = None,
    source: str | None = None,
    for_patient: str | None = None,
) -> TimelineEvent:
    return timeline_event(
        on=on,
        day=(on - procedure.day0).days,
        at=at,
        kind=kind,
        medicine=medicine,
        what=what,
        dose=dose,
        rule_id=rule_id,
        source=source,
        for_patient=for_patient,
    )


def _test_day(lab: LabCalendar, due: date, *, before: bool) -> tuple[date, str | None]:
    """The day a test is taken, and a note when the laboratory's calendar moved it."""
    on = lab.on_or_before(due) if before else lab.on_or_after(due)
    if on == due:
        return on, None
    why = lab.closed(due)
    return on, f"The INR test due on {due.isoformat()} ({why}) is taken on {on.isoformat()}."


# Why the heparin dose cannot be given, and the request fields that would settle it (none:
# the prescriber must choose the dose).
_Why = tuple[str, tuple[str, ...]]


def _dose(
    tables: BridgingTables, patient: Patient, agent: str, regimen: str
) -> tuple[BridgingDose | None, _Why | None, str | None]:
    """The heparin dose; else why it cannot be given, and the note of the row used."""
    needed = [
        f"patient.{f}"
        for f, v in (("weight_kg", patient.weight_kg), ("crcl_ml_min", patient.crcl_ml_min))
        if v is None
    ]
    if needed:
        return None, (f"the bridging dose needs {' and '.join(needed)}", tuple(needed)), None
    assert patient.weight_kg is not None  # noqa: S101 - checked above
    assert patient.crcl_ml_min is not None  # noqa: S101
    row = tables.dose_row(agent, regimen, patient.crcl_ml_min)
    if row is None:
        return None, (f"the bridging dose table has no row for {agent} {regimen}", ()), None
    if row.review_reason is not None:
        return None, (row.review_reason, ()), row.note
    exact = row.per_kg * patient.weight_kg
    dose = round_dose(exact, row.doses)
    if dose is None:
        largest = f"{row.doses[-1]:,g} {row.unit}"
        reason = (
            f"{agent} {row.per_kg:g} {row.unit}/kg for {patient.weight_kg:g} kg is {exact:,.0f} {row.unit}, "
            f"beyond the largest dose ({largest}): choose the dose with the prescriber"
        )
        return None, (reason, ()), row.note
    per_day = exact if row.given == "once-daily" else 2 * exact
    last = dose if row.given == "twice-daily" else round_dose(per_day / 2, row.doses)
    assert last is not None  # noqa: S101 - half a dose that fits fits
    from medplan.model import BridgingDose  # noqa: PLC0415 - made on first use (model.__getattr__)

    return (
        BridgingDose(
            drug=agent,
            regimen=row.given,
            dose=dose,
            unit=row.unit,
            last_dose_before=last,
            exact=round(exact, 1),
            per_kg=row.per_kg,
            weight_kg=patient.weight_kg,
            crcl_ml_min=patient.crcl_ml_min,
            rule_id=row.rule_id,
            source=row.source,
        ),
        None,
        row.note,
    )


def _doses_from(
    first: datetime, last_day: date, times: Sequence[time], procedure: Procedure
) -> list[datetime]:
    """Every scheduled injection from ``first`` to the end of ``last_day``."""
    doses = []
    day = first.date()
    while day <= last_day:
        for wall in times:
            dose = schedule.scheduled_dose(day, wall, procedure.zone)
            if dose.timestamp() >= first.timestamp():
                doses.append(dose)
        day += timedelta(days=1)
    return doses


def _later(a: datetime, b: datetime) -> datetime:
    return max(a, b, key=lambda d: d.timestamp())


def _earlier(a: datetime, b: datetime) -> datetime:
    return min(a, b, key=lambda d: d.timestamp())


def _injections(
    request: Request,
    dose: BridgingDose,
    tables: BridgingTables,
    lab: LabCalendar,
    plan_medicine: Callable[[MedicationOrder], MedicationPlan],
) -> _Injections:
    from medplan._seldom import Injections as _Injections  # noqa: PLC0415 - with the dose

    procedure, policy = request.procedure, request.policy
    times = policy.bridging_times if dose.regimen == "twice-daily" else policy.bridging_times[:1]
    order = MedicationOrder(
        name=dose.drug, times=times, regimen=Regimen.THERAPEUTIC, route=Route.SC
    )
    heparin = plan_medicine(order)
    if heparin.action is not Action.HOLD or heparin.last_dose is None or heparin.resume is None:
        why = heparin.review_reason or f"{procedure.guideline} gives no hold for it"
        return _Injections((), (), f"therapeutic {dose.drug} cannot be dated: {why}")
    zone, day0 = procedure.zone, procedure.day0
    hours = int(tables.step("lmwh_last_dose_hours").value)
    last = _earlier(
        heparin.last_dose,
        schedule.last_dose_holding_hours(procedure.start, hours, times, zone),
    )
    restart_step = (
        "lmwh_restart_high_hours"
        if procedure.bleeding_risk is BleedingRisk.HIGH
        else "lmwh_restart_low_hours"
    )
    restart = _later(
        heparin.resume,
        schedule.first_dose_after_hours(
            procedure.finish, int(tables.step(restart_step).value), times, zone
        ),
    )
    if procedure.bleeding_risk is BleedingRisk.HIGH:
        # After a high-risk procedure the restart is a window (48 to 72
        # hours): a first injection past its end is a question, not a date.
        until = int(tables.step("lmwh_restart_high_until_hours").value)
        closes = schedule.elapsed(procedure.finish, until, zone)
        if restart.timestamp() > closes.timestamp():
            opens = schedule.elapsed(procedure.finish, int(tables.step(restart_step).value), zone)
            why = (
                f"no injection time of therapeutic {dose.drug} falls in the restart window "
                f"{tables.step(restart_step).value:g}-{until} hours after a high-bleeding-risk "
                f"procedure: from {opens:%Y-%m-%d %H:%M} until {closes:%Y-%m-%d %H:%M} ({zone.key}); "
                f"the first is {restart:%Y-%m-%d %H:%M}: choose the first injection's time inside "
                "the window with the prescriber"
            )
            return _Injections((), (), why)
    first_day = tables.days("lmwh_start_day")
    start_day = day0 + timedelta(days=first_day)
    first = schedule.scheduled_dose(start_day, times[0], zone)
    before = [d for d in _doses_from(first, last.date(), times, procedure) if d <= last]
    inr_day, _ = _test_day(lab, day0 + timedelta(days=tables.days("postop_inr_day")), before=False)
    after = _doses_from(restart, inr_day, times, procedure)
    stop = tables.step("lmwh_stop_inr_above").value
    last_before = (
        " This is the last injection before the procedure: half the daily dose."
        if dose.regimen == "once-daily"
        else " This is the last injection before the procedure; leave out any later injection that day."
    )

    def inject(at: datetime, amount: float, said: str = "") -> TimelineEvent:
        return _event(
            procedure,
            at.date(),
            "injection",
            f"Inject {dose.drug} {dose.say(amount)} under the skin.{said}",
            at=at,
            medicine=dose.drug,
            dose=dose.say(amount),
            rule_id=dose.rule_id,
            source=dose.source,
        )

    events = [inject(at, dose.dose) for at in before[:-1]]
    events += [inject(at, dose.last_dose_before, last_before) for at in before[-1:]]
    said = [""] * len(after)
    if after:
        said[0] += " First injection after the procedure."
        said[-1] += (
            f" Keep injecting at the same times each day until you are told your INR is above {stop:g}."
        )
    events += [inject(at, dose.dose, words) for at, words in zip(after, said, strict=True)]
    notes = [
        (
            f"Bridging injections: from {first:%Y-%m-%d %H:%M}; last before the procedure {last:%Y-%m-%d %H:%M} "
            f"(at least {hours} hours before, and the table's rule {heparin.rule_id}); "
            f"first after it {restart:%Y-%m-%d %H:%M} (the later of {tables.step(restart_step).value:g} hours "
            f"and the table's rule)."
        )
    ]
    if not before:
        notes.append(
            f"No injection falls between day {first_day} and the last one allowed before the procedure."
        )
    return _Injections(tuple(events), tuple(notes), None)


def _inr_limit(check: Check) -> float:
    """An INR check's threshold: a warfarin row's check is always an INR with one."""
    assert check.max_value is not None  # noqa: S101 - the table requires check_max for INR
    return check.max_value


def _inr_text(max_value: float, tables: BridgingTables) -> str:
    text = f"INR blood test: the procedure goes ahead only if it is {max_value:g} or less."
    below = tables.step("vitamin_k_inr_below").value
    if max_value < below:
        low, high = tables.step("vitamin_k_mg_min").value, tables.step("vitamin_k_mg_max").value
        text += (
            f" If it is above {max_value:g} but below {below:g}, the team may give oral vitamin K "
            f"{low:g} to {high:g} mg and recheck (CHEST 2022 suggests against doing this routinely); "
            f"at {below:g} or more the INR is rechecked and the procedure may be postponed."
        )
    return text


def _inr_for_patient(max_value: float, tables: BridgingTables) -> str:
    # The patient needs what the test decides and who acts on it, not the
    # vitamin K doses or which guideline argues against them.
    offered = max_value < tables.step("vitamin_k_inr_below").value
    options = (
        "a recheck, vitamin K by mouth or a new date" if offered else "a recheck or a new date"
    )
    return (
        f"INR blood test: the procedure goes ahead only if your INR is {max_value:g} or less. "
        f"If it is higher, your team will tell you what happens next ({options})."
    )


def _inr_source(
    rule_source: str | None, policy: Policy, max_value: float, tables: BridgingTables
) -> str:
    # The row says to check the INR; the threshold is the clinic policy's
    # (planner._checks); the vitamin K advice, shown only below its own cut-off,
    # is the pathway table's, so each is cited where its words are used.
    parts = [rule_source] if rule_source else []
    parts.append(f"INR threshold {max_value:g}: clinic policy {policy.name!r}")
    step = tables.step("vitamin_k_inr_below")
    if max_value < step.value:
        parts.append(f"vitamin K: {step.source}")
    return "; ".join(parts)


def _decision(result: Classification | None) -> tuple[Bridging, str, _Why | None]:
    """The bridging decision, the decision in words, and why it needs review (None when it does not)."""
    if result is None:
        why = "why the patient is anticoagulated is needed to decide on bridging: patient.anticoagulation"
        return Bridging.REVIEW, why, (why, ("patient.anticoagulation",))
    met = "; ".join(f"{c.description} ({c.risk.value})" for c in result.criteria) or "none"
    if result.missing:
        why = f"the bridging decision needs {', '.join(result.missing)}"
        return Bridging.REVIEW, f"Criteria met: {met}.", (why, tuple(result.missing))
    if result.bridging is Bridging.REVIEW:
        notes = [c.note for c in result.criteria if c.bridging is Bridging.REVIEW and c.note]
        why = "; ".join(notes) or "the sources leave bridging to the prescriber"
        return Bridging.REVIEW, f"Criteria met: {met}.", (why, ())
    verb = "Bridge" if result.bridging is Bridging.BRIDGE else "No bridging"
    risk = "unknown" if result.risk is None else result.risk.value
    return result.bridging, f"{verb}: {risk} thrombotic risk ({met}).", None


def _held(
    table: Table, guideline: str, plans: Sequence[MedicationPlan]
) -> tuple[MedicationPlan | None, MedicationPlan | None]:
    """The first held vitamin K antagonist (its rule checks the INR) and the first held DOAC."""
    vka = doac = None
    for plan in plans:
        group, inr = _group_of(table, guideline, plan)
        if group is not _ORAL_ANTICOAGULANT or plan.action is not _HOLD:
            continue
        if inr and vka is None:
            vka = plan
        elif not inr and doac is None:
            doac = plan
    return vka, doac


def plan_anticoagulation(
    request: Request,
    table: Table,
    plans: Sequence[MedicationPlan],
    *,
    risk_table: RiskTable,
    tables: BridgingTables,
    plan_medicine: Callable[[MedicationOrder], MedicationPlan],
    decided: Callable[[Question], Decision | None] = lambda _: None,
) -> Pathway:
    """The warfarin pathway for the plan's held vitamin K antagonist, if there is one.

    Args:
        request: The validated request.
        table: The drug-class table.
        plans: The medicines' plans, as the planner made them.
        risk_table: The thrombotic-risk table.
        tables: The bridging dose table and the pathway's numbers.
        plan_medicine: Plans one medicine as the planner would (for the
            bridging heparin, so its hold follows the same table and policy),
            taking a restart window's start as a floor but not its end: the
            pathway's own window governs the bridging restart.
        decided: The request's decision for one of the pathway's questions,
            checked against it; None when the request gives none.

    Returns:
        The pathway's record, its dated events and its questions.
    """
    procedure = request.procedure
    versions = (risk_table.version, *tables.versions)
    result = (
        classify(request.patient.anticoagulation, risk_table, procedure.day0)
        if request.patient.anticoagulation
        else None
    )
    vka, doac = _held(table, procedure.guideline, plans)
    if vka is None:
        if doac is None or doac.drug is None:
            return Pathway(None, (), ())
        record = Anticoagulation(
            medicine=doac.input,
            drug=doac.drug,
            thrombotic_risk=None if result is None else result.risk,
            criteria=() if result is None else result.criteria,
            bridging=Bridging.NO_BRIDGE,
            decision=_NO_DOAC_BRIDGING,
            review_reason=None,
            dose=None,
            notes=(),
            versions=versions,
        )
        return Pathway(record, (), ())
    assert vka.drug is not None  # noqa: S101 - a held medicine was resolved
    # The pathway's questions are about the held medicine: its index names them.
    index = next(i for i, p in enumerate(plans) if p is vka)
    policy = request.policy
    lab = LabCalendar.of(policy)
    notes: list[str] = []
    if policy.lab_country is None:
        notes.append(
            f"Public holidays were not checked: clinic policy {policy.name!r} names no lab_country."
        )
    events: list[TimelineEvent] = []
    baseline = tables.step("baseline_inr_day")
    on, moved = _test_day(lab, procedure.day0 + timedelta(days=int(baseline.value)), before=True)
    notes += [moved] if moved else []
    events.append(
        _event(
            procedure,
            on,
            "test",
            "Baseline INR blood test, to confirm the usual INR before warfarin is stopped.",
            medicine=vka.input,
            rule_id="warfarin-pathway:baseline_inr_day",
            source=baseline.source,
        )
    )
    events += [
        _event(
            procedure,
            check.on,
            "test",
            _inr_text(_inr_limit(check), tables),
            medicine=vka.input,
            rule_id=vka.rule_id,
            source=_inr_source(vka.source, policy, _inr_limit(check), tables),
            for_patient=_inr_for_patient(_inr_limit(check), tables),
        )
        for check in vka.checks
    ]
    early = [check for check in vka.checks if check.day < policy.inr_check_day - MAX_INR_MOVE_DAYS]
    questions: list[Question] = []
    for number, check in enumerate(early, start=1):
        reason = (
            f"{vka.input}: the laboratory is closed before the INR test due on day "
            f"{policy.inr_check_day}, so it falls on {check.on.isoformat()} (day {check.day}), too early "
            "to show the INR on the day: arrange a point-of-care INR on the morning, or move the booking"
        )
        asks = (
            f"The INR test before the procedure falls on {check.on.isoformat()} (day {check.day}), "
            "too early to show the INR on the day: is a point-of-care INR arranged for the morning "
            "of the procedure? If not, move the booking."
        )
        slug = "inr-test-early" if number == 1 else f"inr-test-early-{number}"
        early_question = decide(slug, reason, asks, CONFIRM, medicine=index)
        questions.append(early_question)
        decided(early_question)
    bridging, decision, review = _decided_bridging(vka.input, result, index, questions, decided)
    dose = None
    if bridging is Bridging.BRIDGE:
        dose, problem, row_note = _dose(
            tables, request.patient, policy.bridging_agent, policy.bridging_regimen
        )
        notes += [row_note] if row_note else []
        if problem is not None:
            review = _dose_question(vka.input, problem, index, questions, decided)
        if dose is not None:
            injections = _injections(request, dose, tables, lab, plan_medicine)
            events += injections.events
            notes += injections.notes
            if injections.reason is not None:
                review = _dose_question(
                    vka.input, (injections.reason, ()), index, questions, decided
                )
            for name in ("postop_inr_day", "second_postop_inr_day"):
                step = tables.step(name)
                on, moved = _test_day(
                    lab, procedure.day0 + timedelta(days=int(step.value)), before=False
                )
                notes += [moved] if moved else []
                stop = tables.step("lmwh_stop_inr_above").value
                what = (
                    f"INR blood test: stop the {dose.drug} injections once the INR is above {stop:g}."
                    if name == "postop_inr_day"
                    else "INR blood test, to confirm warfarin is back in range."
                )
                # The patient stops injecting when the team reads the result, not on the day.
                told = (
                    f"INR blood test: keep up your {dose.drug} injections until your team tells "
                    f"you the INR is above {stop:g} and you can stop them."
                    if name == "postop_inr_day"
                    else None
                )
                events.append(
                    _event(
                        procedure,
                        on,
                        "test",
                        what,
                        medicine=vka.input,
                        rule_id=f"warfarin-pathway:{name}",
                        source=step.source,
                        for_patient=told,
                    )
                )
    record = Anticoagulation(
        medicine=vka.input,
        drug=vka.drug,
        thrombotic_risk=None if result is None else result.risk,
        criteria=() if result is None else result.criteria,
        bridging=bridging,
        decision=decision,
        review_reason=review,
        dose=dose,
        notes=tuple(notes),
        versions=versions,
    )
    return Pathway(record, tuple(events), tuple(questions))


def _decided_bridging(
    medicine: str,
    result: Classification | None,
    index: int,
    questions: list[Question],
    decided: Callable[[Question], Decision | None],
) -> tuple[Bridging, str, str | None]:
    """The bridging decision, in words, and why it still needs review: the table's, or the pharmacist's."""
    bridging, decision, why = _decision(result)
    if why is None:
        return bridging, decision, None
    text, fields = why
    reason = f"{medicine}: bridging: {text}"
    if fields:
        question = supply(
            "anticoagulation-reason" if result is None else "bridging-data",
            reason,
            f"Bridging {medicine} cannot be decided without {', '.join(fields)}: "
            "what does the patient's record say?",
            fields,
            medicine=index,
        )
    else:
        question = decide(
            "bridging",
            reason,
            f"Bridge {medicine} with heparin, or not? The sources leave it to the prescriber: {text}.",
            (Answer.BRIDGE, Answer.NO_BRIDGE),
            medicine=index,
        )
    questions.append(question)
    chosen = decided(question)
    if chosen is None:
        return bridging, decision, text
    bridging = Bridging.BRIDGE if chosen.answer is Answer.BRIDGE else Bridging.NO_BRIDGE
    verb = "Bridge" if bridging is Bridging.BRIDGE else "No bridging"
    return bridging, f"{decision} {verb}: decided by {chosen.by} (pharmacist review).", None


def _dose_question(
    medicine: str,
    why: _Why,
    index: int,
    questions: list[Question],
    decided: Callable[[Question], Decision | None],
) -> str | None:
    """Ask about a bridging dose medplan cannot give; the reason it still needs review, if any."""
    text, fields = why
    reason = f"{medicine}: bridging: {text}"
    if fields:
        question = supply(
            "bridging-dose-data",
            reason,
            f"The bridging heparin dose needs {' and '.join(fields)}: what are they?",
            fields,
            medicine=index,
        )
    else:
        question = decide(
            "bridging-dose",
            reason,
            f"The bridging heparin cannot be dosed or dated here ({text}): is it arranged "
            "with the prescriber outside medplan?",
            CONFIRM,
            medicine=index,
        )
    questions.append(question)
    return text if decided(question) is None else None


def _sort_key(event: TimelineEvent) -> tuple[date, int, datetime, str]:
    # Untimed blood tests come first in their day: the morning, before the doses.
    # Timed ones by instant: in UTC, which orders as timestamp() does, for less.
    at = event.at
    return (
        (event.on, 0, _UNTIMED, event.kind)
        if at is None
        else (event.on, 1, at.astimezone(UTC), event.kind)
    )


def build_timeline(
    procedure: Procedure, plans: Sequence[MedicationPlan], pathway: Pathway
) -> tuple[TimelineEvent, ...]:
    """Every dated step of the plan, for every held medicine and the pathway, in order."""
    events = list(pathway.events)
    events.append(
        _event(procedure, procedure.day0, "procedure", procedure.name, at=procedure.start)
    )
    on_pathway = pathway.anticoagulation.medicine if pathway.anticoagulation else None
    for plan in plans:
        if plan.action is not _HOLD:
            continue
        name = plan.input
        # A held plan always has a last dose and a restart (planner._hold_instruction
        # asserts both): neither test below is false for a plan the planner made.
        if plan.last_dose is not None:  # pragma: no branch - see above
            events.append(
                _event(
                    procedure,
                    plan.last_dose.date(),
                    "last-dose",
                    f"Last dose of {name} before the procedure.",
                    at=plan.last_dose,
                    medicine=name,
                    rule_id=plan.rule_id,
                    source=plan.source,
                )
            )
        if plan.resume is not None:  # pragma: no branch - see above
            events.append(
                _event(
                    procedure,
                    plan.resume.date(),
                    "restart",
                    f"Restart {name} at the usual dose.",
                    at=plan.resume,
                    medicine=name,
                    rule_id=plan.rule_id,
                    source=plan.source,
                )
            )
        if name == on_pathway:
            continue  # the pathway dated its INR checks, with what to do about the result
        events += [
            _event(
                procedure,
                check.on,
                "test",
                f"{check.test} blood test: {check.decides()}.",
                medicine=name,
                rule_id=plan.rule_id,
                source=plan.source,
            )
            for check in plan.checks
        ]
    return tuple(sorted(events, key=_sort_key))
