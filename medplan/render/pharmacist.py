"""Render a plan: the JSON contract, and a readable table for the pharmacist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medplan.model import (
    Action,
    Booking,
    Divergence,
    MatchedBy,
    MedicationPlan,
    Plan,
    ReviewItem,
)
from medplan.render.wording import say_date, say_from, say_when

if TYPE_CHECKING:
    from medplan.model import Decision

__all__ = [
    "render_booking",
    "render_reviews",
    "render_text",
]


def _short(plan: MedicationPlan) -> tuple[str, ...]:
    def when(moment: object) -> str:
        return "-" if moment is None else f"{moment:%a %d %b %H:%M}"

    checks = "; ".join(f"{c.describe()} on {c.on:%a %d %b}" for c in plan.checks) or "-"
    action = plan.action.value.upper() if plan.action is Action.REVIEW else plan.action.value
    return (plan.input, plan.drug or "?", action, when(plan.last_dose), checks, when(plan.resume))


def _detail(number: int, medication: MedicationPlan) -> list[str]:
    lines = [f"{number}. {medication.input}: {medication.action.value}"]
    if medication.drug is not None:
        lines.append(f"   Drug: {medication.drug} (class {medication.drug_class})")
    match = medication.match
    if match.how is MatchedBy.NORMALISED:
        # Only a name that was changed to match is shown: the pharmacist checks the reading.
        read = f"   Name read as: {match.name} ({match.kind}), from {medication.input!r}"
        lines.append(f"{read}; taken off: {', '.join(match.removed)}" if match.removed else read)
    if medication.dose is not None:
        lines.append(f"   Dose: {medication.dose}")
    lines += _review_lines(medication)
    if medication.last_dose is not None:
        lines.append(f"   Last dose: {say_when(medication.last_dose)}")
    lines += [
        f"   Check: {c.describe()} on {say_date(c.on)} (day {c.day})" for c in medication.checks
    ]
    if medication.resume is not None:
        lines.append(f"   Resume: {say_when(medication.resume)}")
    if medication.omitted_doses:
        lines.append(f"   Doses omitted: {len(medication.omitted_doses)}")
    lines.append(f"   Patient: {medication.instruction}")
    if medication.rule_id is not None:
        lines.append(f"   Rule: {medication.rule_id}: {medication.rule}")
    lines += [f"   Note: {note}" for note in medication.notes]
    if medication.source is not None:
        lines.append(f"   Source: {medication.source}")
    lines += [_divergence(other) for other in medication.divergences]
    return lines


def _review_lines(medication: MedicationPlan) -> list[str]:
    """What is still to review about the medicine, and the decision that answered it."""
    lines = [f"   Review: {medication.review_reason}"] if medication.review_reason else []
    if medication.decision is not None:
        lines.append(f"   Decision: {_decided(medication.decision)}")
    return lines


def _decided(decision: Decision) -> str:
    """A decision in words: what, by whom, when, why."""
    text = f"{decision.answer.value}, decided by {decision.by} (pharmacist review)"
    if decision.last_dose is not None and decision.resume is not None:
        text += f", last dose {say_when(decision.last_dose)}, resume {say_when(decision.resume)}"
    if decision.at is not None:
        text += f", recorded {say_when(decision.at)}"
    return text + (f": {decision.reason}" if decision.reason else "")


def _how(item: ReviewItem) -> str:
    """How an open item is answered, as the pharmacist reads it."""
    ways = []
    answers = item.answer_with
    if answers.decision:
        said = " or ".join(a.value for a in answers.decision)
        if answers.hold_dates is not None:
            said += (
                " (a hold without dates takes the proposal)"
                if answers.hold_dates.value == "proposed"
                else " (a hold gives last_dose and resume)"
            )
        ways.append(f"decide {said}")
    if answers.data:
        ways.append(f"give {', '.join(answers.data)}")
    return "; or ".join(ways)


def render_reviews(plan: Plan) -> str:
    """The plan's review items: each id, its question, and how to answer it or who answered it."""
    if not plan.reviews:
        return "No review items: the plan needs no pharmacist decision.\n"
    lines = []
    for item in plan.reviews:
        if item.decision is None:
            lines += [f"[open] {item.id}", f"  {item.question}", f"  Answer: {_how(item)}"]
        else:
            lines += [f"[answered] {item.id}", f"  {item.question}", f"  {_decided(item.decision)}"]
    return "\n".join(lines) + "\n"


def _divergence(other: Divergence) -> str:
    answer = other.action.value
    if other.last_dose is not None:
        answer += f", last dose {say_when(other.last_dose)}"
    if other.resume is not None:
        answer += f", resume {say_when(other.resume)}"
    why = other.review_reason if other.rule_id is None else f"{other.rule_id}: {other.rule}"
    return f"   Differs under {other.guideline}: {answer} ({why})"


def _care(plan: Plan) -> list[str]:
    lines: list[str] = []
    if plan.screening:
        lines += ["", "Screening:"]
        answers = {True: "YES", False: "no", None: "not asked"}
        for finding in plan.screening:
            kind = "absolute" if finding.kind == "absolute" else "relative"
            lines.append(
                f"  - {finding.finding} ({kind} contraindication): {answers[finding.answer]}"
            )
        if plan.contraindicated:
            lines.append("  DO NOT BOOK: the patient has an absolute contraindication.")
    if plan.care:
        lines += ["", "Care instructions for the patient:"]
        for item in plan.care:
            first, last = say_date(item.first), say_date(item.last)
            when = first if item.first == item.last else f"{first} to {last}"
            lines.append(f"  - {when} (day {item.first_day:+d}): {item.instruction}")
    return lines


def _anticoagulation(plan: Plan) -> list[str]:
    pathway = plan.anticoagulation
    if pathway is None:
        return []
    risk = "not classified" if pathway.thrombotic_risk is None else pathway.thrombotic_risk.value
    lines = [
        "",
        f"Anticoagulation ({pathway.medicine}): thrombotic risk {risk}; bridging: {pathway.bridging.value}",
        f"  {pathway.decision}",
    ]
    if pathway.review_reason:
        lines.append(f"  Review: {pathway.review_reason}")
    lines += [
        f"  Criterion: {c.description}: {c.risk.value}, {c.bridging.value} ({c.rule_id}, {c.evidence})"
        for c in pathway.criteria
    ]
    dose = pathway.dose
    if dose is not None:
        lines.append(
            f"  Heparin: {dose.drug} {dose.say(dose.dose)} {dose.regimen} "
            f"({dose.per_kg:g} {dose.unit}/kg x {dose.weight_kg:g} kg = {dose.say(dose.exact)}; "
            f"CrCl {dose.crcl_ml_min:g}; last before the procedure {dose.say(dose.last_dose_before)}; "
            f"{dose.rule_id})"
        )
    lines += [f"  Note: {note}" for note in pathway.notes]
    lines.append(f"  Tables: {', '.join(pathway.versions)}")
    return lines


def _timeline(plan: Plan) -> list[str]:
    if not plan.timeline:
        return []
    lines = ["", "Timeline (every dated step, day by day):"]
    current = None
    for event in plan.timeline:
        if event.on != current:
            current = event.on
            lines.append(f"  {say_date(event.on)} (day {event.day:+d})")
        when = "     " if event.at is None else f"{event.at:%H:%M}"
        lines.append(f"    {when}  {event.kind:<9}  {event.what}")
    return lines


def render_booking(booking: Booking) -> str:
    """The booking answers as the booking clerk or pharmacist reads them."""
    lines = [f"Asked: {say_when(booking.now)} ({booking.now.tzinfo}, UTC{booking.now:%z})"]
    if booking.too_soon:
        lines.append("TOO SOON: the booked start is before the earliest start every hold allows.")
    limit = f" (set by {', '.join(booking.limited_by)})" if booking.limited_by else ""
    lines.append(f"Earliest start: {say_from(booking.earliest_start)}{limit}")
    if booking.notify_by is not None:
        lines.append(
            f"Tell the patient by: {say_when(booking.notify_by)} (the first dose to leave out)"
        )
    width = max((len(m.input) for m in booking.medicines), default=0)
    for medicine in booking.medicines:
        notify = (
            "" if medicine.notify_by is None else f"; first left out {say_when(medicine.notify_by)}"
        )
        lines.append(
            f"  {medicine.input.ljust(width)}  from {say_from(medicine.earliest_start)}{notify}"
        )
    return "\n".join(lines) + "\n"


def render_text(plan: Plan) -> str:
    """The plan as a pharmacist reads it: a summary table, then each medicine's detail."""
    procedure = plan.procedure
    lines = [
        f"medplan plan: {procedure.name}",
        f"Procedure: {say_when(procedure.start)} ({procedure.zone.key}, UTC{procedure.start:%z})"
        + (f" to {procedure.end:%H:%M}" if procedure.end is not None else ""),
        f"Bleeding risk: {procedure.bleeding_risk.value}; guideline: {plan.guideline}; policy: {plan.policy.name}",
        f"Table: {plan.table_version}; medplan {plan.medplan_version}",
        "",
    ]
    if plan.needs_review:
        lines.append("NEEDS PHARMACIST REVIEW before this plan is given to the patient:")
        lines += [f"  - {reason}" for reason in plan.review_reasons]
    elif plan.decisions:
        lines.append("Final plan: every review item is answered by a pharmacist's decision.")
    else:
        lines.append("No medicine needs review.")
    if plan.reviews:
        lines += ["", "Review items (medplan review lists them; docs/decisions.md):"]
        lines += [f"  {line}" for line in render_reviews(plan).splitlines()]
    if plan.booking is not None:
        lines += ["", *render_booking(plan.booking).splitlines()]
    lines.append("")
    header = ("Medicine", "Drug", "Action", "Last dose", "Check", "Resume")
    rows = [header, *(_short(m) for m in plan.medications)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    for number, medication in enumerate(plan.medications, start=1):
        lines += ["", *_detail(number, medication)]
    lines += _anticoagulation(plan)
    lines += _timeline(plan)
    lines += _care(plan)
    return "\n".join(lines) + "\n"
