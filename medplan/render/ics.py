"""The plan as an iCalendar file (RFC 5545) for the patient's own calendar.

Pure: no I/O, no clock; the same plan gives byte-identical output. Needs the
``calendar`` extra (``pip install 'medplan[calendar]'``, the ``icalendar``
package), imported only when :func:`render_ics` is called, so medplan itself
does not depend on it.

One VEVENT per dated step of the plan's timeline:

- each **last dose** and each **restart** of a held medicine, and each
  **injection**: at its time, with a reminder an hour before;
- each **blood test**: all day on its date (``VALUE=DATE``: a laboratory
  gives a day, not a time), with a reminder at 18:00 the evening before;
- the **procedure**, to its end when the booking gives one, with reminders the
  day before and an hour before; its description lists the medicines to keep
  taking, those a pharmacist will call about, and the dated aftercare.

Times carry the patient's IANA zone (``TZID``) and the calendar a VTIMEZONE
for it: never floating, never UTC alone, so a reminder still rings at 18:00
after a clock change. ``DTSTAMP`` is the booking's ``now`` when the request
gave one, else the procedure's start (both in UTC): derived from the plan, so
the output is reproducible.

**UIDs** are stable per plan and action, so that a re-plan updates the
patient's events instead of adding new ones. Each is a UUID (version 5) of
two parts: the booking (``plan.booking_id``; without one, a hash of the
request as given, less its ``now`` and its ``decisions``) and an action key that names the step but
not its date (``procedure``, ``last-dose/Warfarin/1``,
``test/Warfarin/pre/2``, ``injection/enoxaparin/day-3/1``). A procedure moved
to another day keeps its booking id, so its events keep their UIDs and move. A
UUID, not the booking id and medicine in clear, because RFC 7986 (section
5.3) asks that a UID carry nothing that identifies a person; the key is
carried readably in ``X-MEDPLAN-ACTION``.

A plan that needs review is still exported, because the booking system
decides when to send it; but the calendar's name and every event's
description say ``NOT FINAL: awaiting pharmacist review``, and every event is
``STATUS:TENTATIVE``. A plan that cannot go ahead as booked (booked too soon,
or an absolute contraindication) has no dated steps to follow: its calendar
holds one all-day event on the day the plan was made (the procedure's day
when the request gave no ``now``) saying so. That event takes the procedure's
UID, so it replaces the procedure in a calendar that imported an earlier plan.

``SEQUENCE`` is the number of minutes from 2000 to the booking's ``now`` (0
without one): a later re-plan of the same booking always carries a higher
one, which calendar programs look for before they take an update.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING

from medplan.exceptions import MissingExtraError
from medplan.model import Action, MedicationPlan, Plan, TimelineEvent
from medplan.render.calendar import blocked, join_names
from medplan.render.wording import say_date, say_when

if TYPE_CHECKING:
    import icalendar

__all__ = [
    "ACTION_PROPERTY",
    "NOT_FINAL_LABEL",
    "SEQUENCE_EPOCH",
    "UID_NAMESPACE",
    "action_keys",
    "event_uid",
    "render_ics",
    "sequence",
]

# The namespace of medplan's UUID 5 UIDs: fixed forever, or every patient's
# events would be duplicated on the next re-plan.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "medplan")
# The event property that carries the action key in clear (the UID is its hash).
ACTION_PROPERTY = "X-MEDPLAN-ACTION"
NOT_FINAL_LABEL = "NOT FINAL: awaiting pharmacist review"
_CALENDAR_NAME = "Medicines around your procedure"
# SEQUENCE counts the minutes from here to the booking's now: a later re-plan
# of the same booking always has a higher one, which calendar programs need
# before they take an update of an event they already hold (RFC 5546, 2.1.4).
SEQUENCE_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# The oldest icalendar with Calendar.add_missing_timezones().
_REQUIRES = "icalendar>=6.1"
# Reminders: an hour before a timed step; 18:00 the evening before an all-day
# test (six hours before its midnight start); the day before the procedure.
_BEFORE_TIMED = timedelta(hours=-1)
_BEFORE_TEST = timedelta(hours=-6)
_BEFORE_PROCEDURE = timedelta(days=-1)


def _canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _booking_part(plan: Plan) -> str:
    """What identifies the booking: its id, else a hash of the request less ``now`` and ``decisions``.

    A plan made without :func:`medplan.plan` carries no request; it is then
    identified by its own JSON less the booking answers (which hold ``now``).
    """
    if plan.booking_id is not None:
        return f"booking:{plan.booking_id}"
    if plan.request is not None:
        request = json.loads(plan.request)
        # The final plan, with the pharmacist's decisions, updates the events
        # the tentative one put in the patient's calendar.
        request.pop("now", None)
        request.pop("decisions", None)
    else:
        request = plan.to_dict()
        request.pop("booking")
    digest = hashlib.sha256(_canonical(request).encode("utf-8")).hexdigest()
    return f"request:{digest}"


def event_uid(plan: Plan, key: str) -> str:
    """The UID of the plan's event for the action ``key``.

    Args:
        plan: The plan.
        key: An action key, as :func:`action_keys` gives it.

    Returns:
        A UUID, the same for every plan of the same booking and the same key.

    >>> import medplan
    >>> request = {
    ...     "booking_id": "B-1",
    ...     "procedure": {"name": "Injection", "start": "2026-12-08T09:30",
    ...                   "timezone": "Australia/Perth", "bleeding_risk": "low"},
    ...     "medications": [],
    ... }
    >>> moved = {**request, "procedure": {**request["procedure"], "start": "2026-12-09T09:30"}}
    >>> event_uid(medplan.plan(request), "procedure") == event_uid(medplan.plan(moved), "procedure")
    True
    """
    return str(uuid.uuid5(UID_NAMESPACE, f"{_booking_part(plan)}\n{key}"))


def action_keys(plan: Plan) -> list[str]:
    """The action key of each timeline event, in timeline order.

    A key names the step without its date, so that it survives a moved
    procedure: the kind, the medicine as the request names it, and an ordinal
    (last doses and restarts, per medicine; tests, counted before the procedure
    and after it; injections, counted within their day relative to day 0).
    """
    seen: dict[str, int] = {}
    keys = []
    for event in plan.timeline:
        medicine = event.medicine or "-"
        if event.kind == "procedure":
            stem = "procedure"
        elif event.kind == "test":
            stem = f"test/{medicine}/{'pre' if event.day <= 0 else 'post'}"
        elif event.kind == "injection":
            stem = f"injection/{medicine}/day{event.day:+d}"
        else:
            stem = f"{event.kind}/{medicine}"
        seen[stem] = seen.get(stem, 0) + 1
        keys.append(stem if stem == "procedure" else f"{stem}/{seen[stem]}")
    return keys


def _summary(plan: Plan, event: TimelineEvent) -> str:
    medicine = event.medicine or ""
    match event.kind:
        case "procedure":
            return plan.procedure.name
        case "last-dose":
            return f"Last dose of {medicine}"
        case "restart":
            return f"Restart {medicine}"
        case "injection":
            return f"Inject {medicine} {event.dose or ''}".rstrip()
        case "test":
            # The test's words up to their first clause: "INR blood test".
            return event.patient_words.split(":")[0].split(",")[0]
        case _:
            return event.what


def _cited(rule_id: str | None, source: str | None) -> list[str]:
    lines = [] if rule_id is None else [f"Rule: {rule_id}"]
    return lines + ([] if source is None else [f"Source: {source}"])


def _held_by_event(plan: Plan) -> Iterator[MedicationPlan | None]:
    """For each timeline event, the held medicine whose last dose or restart it is."""
    held = [m for m in plan.medications if m.action is Action.HOLD]
    used: dict[tuple[str, str], int] = {}
    for event in plan.timeline:
        if event.kind not in {"last-dose", "restart"}:
            yield None
            continue
        mine = [m for m in held if m.input == event.medicine]
        n = used.get((event.kind, event.medicine or ""), 0)
        used[(event.kind, event.medicine or "")] = n + 1
        yield mine[n] if n < len(mine) else None


def _procedure_lines(plan: Plan) -> list[str]:
    procedure = plan.procedure
    until = "" if procedure.end is None else f" to {procedure.end:%H:%M}"
    lines = [f"{procedure.name}: {say_when(procedure.start)}{until} ({procedure.zone.key})."]
    review = [m.input for m in plan.medications if m.action is Action.REVIEW]
    if review:
        lines.append(
            f"Your pharmacist will call you about {join_names(review)}: do not change how you "
            "take them until you have spoken to your pharmacist."
        )
    kept = [m.input for m in plan.medications if m.action is Action.CONTINUE]
    if kept:
        lines.append(f"Keep taking as usual: {', '.join(kept)}.")
    for item in plan.care:
        first, last = say_date(item.first), say_date(item.last)
        when = first if item.first == item.last else f"{first} to {last}"
        lines.append(f"{when}: {item.instruction} (Source: {item.source})")
    tier = procedure.bleeding_risk.value
    code = "" if procedure.code is None else f"procedure {procedure.code}, "
    lines.append(f"Planned as: {code}{tier} bleeding risk under {plan.guideline}.")
    return lines


def _description(plan: Plan, event: TimelineEvent, medicine: MedicationPlan | None) -> str:
    lines = [f"{NOT_FINAL_LABEL}."] if plan.needs_review else []
    if event.kind == "procedure":
        lines += _procedure_lines(plan)
    else:
        lines.append(event.patient_words)
        if medicine is not None:
            lines.append(medicine.instruction)
        lines += _cited(event.rule_id, event.source)
    return "\n".join(lines)


def _alarm(ical: ModuleType, trigger: timedelta, summary: str) -> icalendar.Alarm:
    alarm: icalendar.Alarm = ical.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Reminder: {summary}")
    alarm.add("trigger", trigger)
    return alarm


def _status(plan: Plan) -> str:
    return "TENTATIVE" if plan.needs_review else "CONFIRMED"


def _stamp(plan: Plan) -> datetime:
    moment = plan.procedure.start if plan.booking is None else plan.booking.now
    return moment.astimezone(UTC)


def sequence(plan: Plan) -> int:
    """The events' SEQUENCE: minutes from :data:`SEQUENCE_EPOCH` to the booking's ``now``; 0 without one."""
    if plan.booking is None:
        return 0
    return int((plan.booking.now - SEQUENCE_EPOCH).total_seconds()) // 60


def _base_event(ical: ModuleType, plan: Plan, key: str, summary: str) -> icalendar.Event:
    event: icalendar.Event = ical.Event()
    event.add("uid", event_uid(plan, key))
    event.add("dtstamp", _stamp(plan))
    event.add("sequence", sequence(plan))
    event.add("summary", summary)
    return event


def _events(ical: ModuleType, plan: Plan) -> list[icalendar.Event]:
    events = []
    steps = zip(plan.timeline, action_keys(plan), _held_by_event(plan), strict=True)
    for step, key, medicine in steps:
        summary = _summary(plan, step)
        event = _base_event(ical, plan, key, summary)
        if step.at is None:
            event.add("dtstart", step.on)
            event.add("dtend", step.on + timedelta(days=1))
            triggers = [_BEFORE_TEST]
        else:
            event.add("dtstart", step.at)
            if step.kind == "procedure" and plan.procedure.end is not None:
                event.add("dtend", plan.procedure.end)
            triggers = (
                [_BEFORE_PROCEDURE, _BEFORE_TIMED] if step.kind == "procedure" else [_BEFORE_TIMED]
            )
        event.add("description", _description(plan, step, medicine))
        event.add("status", _status(plan))
        event.add("transp", "OPAQUE" if step.kind == "procedure" else "TRANSPARENT")
        event.add(ACTION_PROPERTY, ical.vText(key))  # an X- property is TEXT only if said
        for trigger in triggers:
            event.add_component(_alarm(ical, trigger, summary))
        events.append(event)
    return events


def _blocked_day(plan: Plan) -> date:
    """The day a plan that cannot go ahead is shown on: the day it was made, else the procedure's."""
    return plan.procedure.day0 if plan.booking is None else plan.booking.now.date()


def _blocked_event(ical: ModuleType, plan: Plan, words: str) -> icalendar.Event:
    on = _blocked_day(plan)
    summary = f"{plan.procedure.name}: not going ahead as booked"
    event = _base_event(ical, plan, "procedure", summary)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    lines = [f"{NOT_FINAL_LABEL}."] if plan.needs_review else []
    event.add("description", "\n".join([*lines, words]))
    event.add("status", _status(plan))
    event.add("transp", "TRANSPARENT")
    event.add(ACTION_PROPERTY, ical.vText("procedure"))
    return event


def _import_icalendar() -> ModuleType:
    try:
        import icalendar  # noqa: PLC0415 - the optional extra is imported only when asked for
    except ImportError:
        raise MissingExtraError("calendar", _REQUIRES, "the iCalendar export") from None
    if not hasattr(icalendar.Calendar, "add_missing_timezones"):
        raise MissingExtraError("calendar", _REQUIRES, "the iCalendar export")
    return icalendar


def _zone_span(plan: Plan, *, blocked_day: date | None) -> tuple[date, date]:
    """The VTIMEZONE's span: from the 1 January before the first event to the one after the last."""
    days = [event.on for event in plan.timeline]
    if plan.procedure.end is not None:
        days.append(plan.procedure.end.date())
    if blocked_day is not None:
        days.append(blocked_day)
    return date(min(days).year, 1, 1), date(max(days).year + 1, 1, 1)


def render_ics(plan: Plan) -> str:
    r"""The plan as an iCalendar file: one event per dated step, in the patient's zone.

    Args:
        plan: The plan, as :func:`medplan.plan` made it.

    Returns:
        The iCalendar text (CRLF line ends, as RFC 5545 requires); the same
        plan gives the same text.

    Raises:
        MissingExtraError: The ``calendar`` extra (``icalendar`` 6.1 or later)
            is not installed.

    >>> import medplan
    >>> result = medplan.plan({
    ...     "procedure": {"name": "Lumbar nerve root sleeve injection",
    ...                   "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
    ...                   "bleeding_risk": "low"},
    ...     "medications": [],
    ... })
    >>> print(render_ics(result).replace("\r\n", "\n"), end="")  # doctest: +ELLIPSIS
    BEGIN:VCALENDAR
    ...
    BEGIN:VTIMEZONE
    TZID:Australia/Perth
    ...
    BEGIN:VEVENT
    SUMMARY:Lumbar nerve root sleeve injection
    DTSTART;TZID=Australia/Perth:20261208T093000
    DTSTAMP:20261208T013000Z
    UID:...
    END:VCALENDAR
    """
    ical = _import_icalendar()
    calendar: icalendar.Calendar = ical.Calendar()
    calendar.add("prodid", f"-//medplan//medplan {plan.medplan_version}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = f"{_CALENDAR_NAME} ({NOT_FINAL_LABEL})" if plan.needs_review else _CALENDAR_NAME
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    words = blocked(plan)
    events = _events(ical, plan) if words is None else [_blocked_event(ical, plan, words)]
    for event in events:
        calendar.add_component(event)
    first, last = _zone_span(plan, blocked_day=None if words is None else _blocked_day(plan))
    calendar.add_missing_timezones(first_date=first, last_date=last)
    # icalendar before 7 appends the VTIMEZONE; RFC 5545's examples, and some
    # readers, want it before the events that name it (sorted() is stable).
    calendar.subcomponents = sorted(calendar.subcomponents, key=lambda c: c.name != "VTIMEZONE")
    text: str = calendar.to_ical().decode("utf-8")
    return text
