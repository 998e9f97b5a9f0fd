"""The booking questions: the earliest start every hold allows, and when to tell the patient.

Pure: the caller passes ``now``. The answers follow from the definitions in
:mod:`medplan.planning.schedule`, read backwards:

- The patient is told at ``now`` and stops at the next dose: every scheduled
  dose before ``now`` has been taken. A plan is possible when its first dose
  to leave out (an infusion's stop) is at ``now`` or later, that is, when no
  dose the plan leaves out falls before ``now``.
- **Hold N days**: the last dose is the latest on day -(N+1), so the
  procedure's day 0 can be no earlier than N+1 days after the day of the
  last dose taken before ``now``; it may start at any time that day.
- **Hold H hours**: the procedure can start H real hours after the last dose
  taken before ``now``.
- **An infusion** stops H hours (or at the start of day -N) before the
  procedure, and cannot stop before ``now``.

Each of these is monotone in the start (a later start never moves a last
dose earlier), so the plan as a whole is possible from the latest of the
medicines' earliest starts, and at no moment before it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from medplan.model import Interval, MedicationPlan, Unit
from medplan.planning import schedule

__all__ = ["earliest_of", "earliest_start", "notify_by", "utc"]

# Read once: an enum class's member costs about a thousand instructions to
# read (EnumType's __getattr__ hook).
_HOURS = Unit.HOURS
_MICROSECOND = timedelta(microseconds=1)


def earliest_start(
    hold: Interval,
    now: datetime,
    zone: ZoneInfo,
    *,
    times: Sequence[time],
    weekdays: Collection[int] = (),
    infusion: bool = False,
) -> datetime:
    """The earliest procedure start at which ``hold`` is met, if the patient stops at the next dose.

    Args:
        hold: The medicine's hold, with the clinic policy applied.
        now: When the patient is told (aware).
        zone: The procedure's zone.
        times: The usual dose times (ignored for an infusion).
        weekdays: The days the medicine is taken on (0 is Monday); empty for
            every day.
        infusion: Whether the medicine runs continuously and is stopped
            rather than left out dose by dose.

    Returns:
        The earliest start, aware in ``zone``; never before ``now``.

    >>> perth = ZoneInfo("Australia/Perth")
    >>> now = datetime(2026, 12, 2, 10, 0, tzinfo=perth)
    >>> earliest_start(Interval(5, Unit.DAYS), now, perth, times=(time(18),)).isoformat()
    '2026-12-07T00:00:00+08:00'

    The last warfarin taken is the 18:00 dose on 1 December (day -6 of a
    procedure on 7 December); the 18:00 dose on 2 December is the first left out.
    """
    local_now = now.astimezone(zone)
    hours = hold.unit is _HOURS
    if infusion:
        if hours:
            return schedule.elapsed(local_now, hold.amount, zone)
        stop_day = local_now.date()
        if schedule.start_of_day(stop_day, zone).timestamp() < local_now.timestamp():
            stop_day += timedelta(days=1)
        return schedule.start_of_day(stop_day + timedelta(days=hold.amount), zone)
    # The last dose taken is the latest strictly before now: a dose due at
    # this very moment can still be left out.
    # In UTC: the search works out the instant's day in the zone itself.
    now_at = utc(now)
    taken = schedule.last_dose_holding_hours(
        now_at - _MICROSECOND, 0, times, zone, weekdays=weekdays
    )
    if hours:
        earliest = schedule.elapsed(taken, hold.amount, zone)
    else:
        earliest = schedule.start_of_day(taken.date() + timedelta(days=hold.amount + 1), zone)
    # The later of the two by instant (earliest on a tie), now's already in UTC.
    return local_now if now_at > utc(earliest) else earliest


def notify_by(plan: MedicationPlan, *, infusion: bool) -> datetime | None:
    """When the patient must know, for the plan as dated: the first dose left out, or the infusion's stop."""
    if infusion:
        return plan.last_dose
    return plan.omitted_doses[0] if plan.omitted_doses else None


def earliest_of(moments: Sequence[datetime], now: datetime) -> datetime:
    """The latest of the medicines' earliest starts, and never before ``now``; the first on a tie."""
    result, latest = now, now.timestamp()
    for moment in moments:
        # Each instant worked out once, not once a comparison.
        at = moment.timestamp()
        if at > latest:
            result, latest = moment, at
    return result


def utc(moment: datetime) -> datetime:
    """``moment`` on the UTC clock, for comparisons that must not follow the wall clock."""
    return moment.astimezone(UTC)
