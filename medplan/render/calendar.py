"""What the patient receives: the plan as a day-by-day calendar in plain words.

Pure: no I/O, no clock; the same plan gives the same text. The calendar runs
from the first dated step (a last dose, a test, an injection, a dose left out)
to the last (a restart, a test after the procedure), and on through the dated
aftercare. Each day says what to do that day:

- the tests (blood tests have a day, not a time), first;
- then, in time order, the last doses, the doses to leave out of each held
  medicine ("Do not take your Warfarin (18:00)."), the injections, the
  procedure and the restarts;
- then the care instructions that cover that day.

Above the days: whether the plan is final, the medicines a pharmacist will call
about (``review``: the patient must not change them), and the medicines to keep
taking. A plan that cannot go ahead as booked (booked too soon, or an absolute
contraindication) says so plainly and gives no instruction at all: the dates
it would give are not ones the patient can follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import attrs

from medplan.model import Action, CareInstruction, MedicationPlan, Plan, TimelineEvent
from medplan.render.wording import say_date, say_when

__all__ = ["NOT_FINAL", "blocked", "join_names", "render_calendar"]

# The words every patient-facing output of a plan that needs review carries.
NOT_FINAL = "NOT FINAL: this plan is not final until a pharmacist has checked it."


def blocked(plan: Plan) -> str | None:
    """Why the plan cannot be given to the patient as dates to follow, in the patient's words.

    None when it can. A plan booked too soon needs a new date; one with an
    absolute contraindication must not be booked at all. Either way the
    patient is told only that, and that the team will be in touch.

    Args:
        plan: The plan.

    Returns:
        The words to give the patient instead of the plan, or None.
    """
    when = say_when(plan.procedure.start)
    said = []
    if plan.booking is not None and plan.booking.too_soon:
        said.append(
            f"Your procedure cannot go ahead on {when}: the date must change. The team doing "
            "your procedure will contact you with a new date and a new plan for your medicines."
        )
    if plan.contraindicated:
        said.append(
            "Your procedure cannot be booked yet: the team doing your procedure needs to speak "
            "to you first, and will contact you."
        )
    return " ".join(said) or None


def join_names(names: Sequence[str]) -> str:
    """Names as a sentence lists them: ``Plavix``, ``Plavix and Eliquis``, ``A, B and C``.

    >>> join_names(["Plavix", "Eliquis", "Aspirin"])
    'Plavix, Eliquis and Aspirin'
    """
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _day_label(day: int) -> str:
    if day == 0:
        return "the day of your procedure"
    count = f"{abs(day)} day{'s' if abs(day) != 1 else ''}"
    return f"{count} {'before' if day < 0 else 'after'} your procedure"


@attrs.frozen
class _Entry:
    """One line of a day, with where it sorts: tests, then timed steps in time order, then care."""

    rank: int
    moment: float
    text: str


def _held(plan: Plan) -> list[MedicationPlan]:
    return [m for m in plan.medications if m.action is Action.HOLD]


def _event_entry(plan: Plan, event: TimelineEvent) -> _Entry:
    if event.kind == "procedure":
        procedure = plan.procedure
        until = "" if procedure.end is None else f" (until {procedure.end:%H:%M})"
        text = f"Your procedure: {procedure.name}{until}."
    else:
        text = event.patient_words
    if event.at is None:
        return _Entry(0, 0.0, text)
    return _Entry(1, event.at.timestamp(), f"{event.at:%H:%M} {text}")


def _omitted_entries(held: Iterable[MedicationPlan]) -> dict[date, list[_Entry]]:
    """For each day, one line per held medicine: the doses to leave out that day."""
    days: dict[date, list[_Entry]] = {}
    for medication in held:
        by_day: dict[date, list[datetime]] = {}
        for dose in medication.omitted_doses:
            by_day.setdefault(dose.date(), []).append(dose)
        for on, doses in by_day.items():
            times = ", ".join(f"{d:%H:%M}" for d in doses)
            text = f"Do not take your {medication.input} ({times})."
            days.setdefault(on, []).append(_Entry(1, doses[0].timestamp(), text))
    return days


def _care_days(care: Iterable[CareInstruction]) -> dict[date, list[_Entry]]:
    days: dict[date, list[_Entry]] = {}
    for item in care:
        on = item.first
        while on <= item.last:
            days.setdefault(on, []).append(_Entry(2, 0.0, item.instruction))
            on += timedelta(days=1)
    return days


def _days(plan: Plan) -> list[str]:
    entries: dict[date, list[_Entry]] = {}
    for event in plan.timeline:
        entries.setdefault(event.on, []).append(_event_entry(plan, event))
    for source in (_omitted_entries(_held(plan)), _care_days(plan.care)):
        for on, more in source.items():
            entries.setdefault(on, []).extend(more)
    if not entries:
        return []
    day0 = plan.procedure.day0
    lines: list[str] = []
    on, last = min(entries), max(entries)
    while on <= last:
        lines += ["", f"{say_date(on)} ({_day_label((on - day0).days)})"]
        # sorted() is stable: steps at the same moment keep the timeline's order.
        today = sorted(entries.get(on, []), key=lambda e: (e.rank, e.moment))
        lines += [f"  - {entry.text}" for entry in today] or ["  - Nothing to change today."]
        on += timedelta(days=1)
    return lines


def _heading(plan: Plan, *, dated: bool) -> list[str]:
    procedure = plan.procedure
    lines = ["Your medicines around your procedure", f"Procedure: {procedure.name}"]
    if dated:
        until = "" if procedure.end is None else f" to {procedure.end:%H:%M}"
        lines += [
            f"When: {say_when(procedure.start)}{until}",
            f"All times are {procedure.zone.key} time.",
        ]
    if plan.needs_review:
        lines += ["", NOT_FINAL]
    return lines


def render_calendar(plan: Plan) -> str:
    """The plan as the patient reads it: what to take, skip and do, day by day.

    Args:
        plan: The plan, as :func:`medplan.plan` made it.

    Returns:
        Plain text, with a final newline; the same plan gives the same text.

    >>> import medplan
    >>> result = medplan.plan({
    ...     "procedure": {"name": "Lumbar nerve root sleeve injection",
    ...                   "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
    ...                   "bleeding_risk": "intermediate"},
    ...     "medications": [{"name": "Warfarin", "times": ["18:00"]},
    ...                     {"name": "Aspirin", "times": ["08:00"],
    ...                      "indication": "primary-prevention"}],
    ... })
    >>> print(render_calendar(result))  # doctest: +ELLIPSIS
    Your medicines around your procedure
    Procedure: Lumbar nerve root sleeve injection
    When: Tuesday 8 December 2026 at 09:30
    All times are Australia/Perth time.
    <BLANKLINE>
    NOT FINAL: this plan is not final until a pharmacist has checked it.
    ...
    Wednesday 2 December 2026 (6 days before your procedure)
      - 18:00 Last dose of Warfarin before the procedure.
    <BLANKLINE>
    Thursday 3 December 2026 (5 days before your procedure)
      - Do not take your Warfarin (18:00).
    ...
    """
    stop = blocked(plan)
    if stop is not None:
        return "\n".join([*_heading(plan, dated=False), "", stop]) + "\n"
    lines = _heading(plan, dated=True)
    review = [m.input for m in plan.medications if m.action is Action.REVIEW]
    if review:
        them = "it" if len(review) == 1 else "them"
        lines += [
            "",
            (
                f"IMPORTANT: your pharmacist will call you about {join_names(review)}. "
                f"Do not change how you take {them} until you have spoken to your pharmacist."
            ),
        ]
    kept = [m.input for m in plan.medications if m.action is Action.CONTINUE]
    if kept:
        lines += ["", f"Keep taking as usual: {', '.join(kept)}."]
    lines += _days(plan)
    held = _held(plan)
    if held:
        lines += ["", "Each medicine you stop for a while:"]
        lines += [f"  - {m.input}: {m.instruction}" for m in held]
    return "\n".join(lines) + "\n"
