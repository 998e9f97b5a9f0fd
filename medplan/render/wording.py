"""Dates and times in the words plans use, independent of the machine's locale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from medplan.planning import schedule

__all__ = [
    "gap_notes",
    "say_date",
    "say_from",
    "say_when",
]


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def say_date(day: date) -> str:
    """A date as a patient reads it, independent of the machine's locale.

    >>> say_date(date(2026, 12, 8))
    'Tuesday 8 December 2026'
    """
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def say_when(moment: datetime) -> str:
    """A dose time as a patient reads it: ``Tuesday 8 December 2026 at 18:00``."""
    # Spelt from the fields: strftime on an aware datetime costs several times more.
    return f"{say_date(moment.date())} at {moment.hour:02d}:{moment.minute:02d}"


def say_from(moment: datetime) -> str:
    """An earliest start: a moment, or a whole day when it is the day's first instant."""
    zone = moment.tzinfo
    if (
        isinstance(zone, ZoneInfo)
        and moment.timestamp() == schedule.start_of_day(moment.date(), zone).timestamp()
    ):
        return f"{say_date(moment.date())} (any time that day)"
    return say_when(moment)


def gap_notes(doses: Sequence[datetime | None], times: Sequence[time], zone_key: str) -> list[str]:
    """A note for each dose whose usual time does not exist that day (clocks forward): when it is taken."""
    notes = []
    for dose in doses:
        # time() is the wall clock without the zone, as timetz().replace(tzinfo=None)
        # gives it, for a tenth of the instructions.
        if dose is None or dose.time() in times:
            continue
        usual = next(
            t
            for t in times
            if schedule.scheduled_dose(dose.date(), t, dose.tzinfo) == dose  # type: ignore[arg-type]
        )
        notes.append(
            f"The usual {usual:%H:%M} dose does not exist on {say_date(dose.date())} in {zone_key} "
            f"(the clocks go forward); it is taken at {dose:%H:%M}."
        )
    return notes
