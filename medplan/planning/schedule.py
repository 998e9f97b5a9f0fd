"""Dose-time arithmetic: the one definition of "hold N days" and "resume day +k".

This module is the specification. Every date in a plan comes from one of the
functions below, and each follows these rules:

**Day 0** is the procedure's calendar date in the procedure's IANA zone; day
-k and day +k are k calendar days before and after it.

**A scheduled dose** is the patient's usual wall-clock time on a calendar day
in that zone: a dose taken at 08:00 stays at 08:00 across a daylight-saving
change. A usual time that does not exist on a day (the clocks go forward
through it) is taken that many minutes later, at the time the clocks show
after the gap (01:30 becomes 02:30 in Europe/London on 29 March 2026). A usual
time that occurs twice (the clocks go back) is taken at its first occurrence,
which for a last dose before a procedure is the earlier, safer one.

**Hold N days** (calendar): no dose on days -N ... -1 and none on day 0 before
the procedure. The last dose is the latest scheduled dose on day -(N+1), so N
whole calendar days pass without a dose. That is at least N x 24 hours of wall
clock, and of real time except for the hour a spring-forward change removes
(a 23:30 last dose before a midnight procedure); a rule that needs real hours
is written in hours.

**Hold H hours** (elapsed): the last dose is the latest scheduled dose at least
H real hours before the procedure starts, counted on absolute time (UTC), so a
daylight-saving change never shortens the interval.

**A weekly (or other weekday-only) medicine** has doses only on its usual
weekdays; every definition here then reads "scheduled dose" as a dose on one
of those days. A weekly injection held 7 days whose day falls on the
procedure's weekday therefore also misses the dose a week before: no dose on
days -7 ... -1.

**Resume day +k** (calendar): the first scheduled dose on day +k that falls
after the procedure; for k = 0, the first dose after the procedure that day.

**Resume after H hours** (elapsed): the first scheduled dose at least H real
hours after the procedure's end (its start, when the booking gives no end).

Every comparison with a limit is made on instants (a dose against the
limit in UTC): Python compares two aware datetimes of the same zone by their
wall clocks, ignoring ``fold``, which is wrong for the hour the clocks go
back. Only a day's own doses, all first occurrences of times that exist, are
put in order by their wall clocks, which order as their instants.

>>> from datetime import date, time
>>> from zoneinfo import ZoneInfo
>>> perth = ZoneInfo("Australia/Perth")
>>> last_dose_holding_days(date(2026, 12, 8), 5, (time(18, 0),), perth)
datetime.datetime(2026, 12, 2, 18, 0, tzinfo=zoneinfo.ZoneInfo(key='Australia/Perth'))
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from medplan import _tz as tz

__all__ = [
    "DayDoses",
    "doses_between",
    "elapsed",
    "first_dose_after_hours",
    "first_dose_on_day",
    "last_dose_holding_days",
    "last_dose_holding_hours",
    "scheduled_dose",
    "shifted_by_gap",
    "start_of_day",
]

_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)
# The longest a search walks before concluding the schedule has no dose in
# range. Holds are capped far below this by the table's validation; the cap
# only guards against a schedule that yields no dose at all.
_SEARCH_DAYS = 400


def _utc(moment: datetime) -> datetime:
    # The result is only compared, or moved by real hours and shown in a zone:
    # the same instant in another fixed offset (the machine's) gives the same.
    return moment.astimezone(UTC)  # pragma: no mutate - astimezone(None) is equivalent


# Pure zone arithmetic, asked again and again for the same few days and usual
# times (every patient booked on a list shares the day; most doses are at a
# handful of clock times). A bounded memo of it keeps no patient's data, and
# the same datetime object back lets the JSON writer spell it once per plan.
@functools.lru_cache(maxsize=4096)
def _on_clock_at(day: date, wall: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The wall-clock time on ``day`` in ``zone``, and its instant in UTC.

    The searches compare doses with limits in UTC: two datetimes in UTC
    compare by their fields, where a dose in its zone and a limit in UTC
    would each work out an offset at every comparison.
    """
    # fold=0 is the first occurrence of an ambiguous time; a time in a gap is
    # moved forward by the gap, dateutil's convention.
    moment = datetime.combine(day, wall, tzinfo=zone)
    # Only a wall time in a gap or a fold has two offsets (PEP 495: fold=0
    # gives the one before the change), and resolve_imaginary returns a time
    # in a fold unchanged; this costs two offsets, not datetime_exists's
    # round trip through UTC, for every dose.
    if moment.utcoffset() != moment.replace(fold=1).utcoffset():
        moment = tz.resolve_imaginary(moment)
    return moment, _utc(moment)


def elapsed(moment: datetime, hours: int, zone: ZoneInfo) -> datetime:
    """``moment`` moved by ``hours`` real hours (negative: earlier), shown in ``zone``.

    Adding a timedelta to a local aware datetime moves the wall clock, not
    real time, so the move is made on the UTC instant.

    >>> london = ZoneInfo("Europe/London")
    >>> elapsed(datetime(2026, 3, 30, 8, 0, tzinfo=london), -72, london).isoformat()
    '2026-03-27T07:00:00+00:00'
    """
    return (_utc(moment) + timedelta(hours=hours)).astimezone(zone)


def scheduled_dose(day: date, usual: time, zone: ZoneInfo) -> datetime:
    """The dose the patient takes at ``usual`` wall-clock time on ``day``.

    Args:
        day: The calendar day, in ``zone``.
        usual: The patient's usual dose time.
        zone: The procedure's zone.

    Returns:
        The dose as an aware datetime in ``zone``: ``usual`` on ``day``, or,
        when that time does not exist, the same time moved forward by the gap.

    >>> london = ZoneInfo("Europe/London")
    >>> scheduled_dose(date(2026, 3, 29), time(1, 30), london).isoformat()
    '2026-03-29T02:30:00+01:00'
    """
    return _on_clock_at(day, usual.replace(tzinfo=None), zone)[0]


def shifted_by_gap(dose: datetime, usual: time) -> bool:
    """Whether ``dose`` was moved off its usual wall-clock time by a gap.

    >>> london = ZoneInfo("Europe/London")
    >>> shifted_by_gap(scheduled_dose(date(2026, 3, 29), time(1, 30), london), time(1, 30))
    True
    """
    return dose.timetz().replace(tzinfo=None) != usual.replace(tzinfo=None)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone`` (01:00 where midnight is skipped)."""
    return _on_clock_at(day, _MIDNIGHT, zone)[0]


# One medicine's doses by day, each with its instant in UTC, for one set of
# times, zone and weekdays: the planner dates a hold, its restart and the
# doses between with one, so a day is worked out once per medicine (never
# across medicines or plans).
DayDoses = dict[date, list[tuple[datetime, datetime]]]


def _day_doses(
    day: date, times: Sequence[time], zone: ZoneInfo, memo: DayDoses
) -> list[tuple[datetime, datetime]]:
    """``day``'s scheduled doses, earliest first, each with its instant in UTC, kept in ``memo``.

    The walks read a day already in ``memo`` themselves. Two datetimes of
    one zone compare by their wall clocks, ignoring fold; doses are first
    occurrences of times that exist, whose wall clocks order as their
    instants (a dose moved by a gap can be later than a usual time after it:
    01:30 moved to 02:30 is after 02:15).
    """
    doses = memo[day] = sorted([_on_clock_at(day, t, zone) for t in times])
    return doses


def _need_times(times: Sequence[time]) -> None:
    if not times:
        msg = "a schedule needs at least one usual dose time"
        raise ValueError(msg)


def _no_dose(first_day: date) -> ValueError:
    return ValueError(f"no scheduled dose within {_SEARCH_DAYS} days of {first_day}")


def _latest_dose_before(
    limit: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    inclusive: bool,
    days: Collection[int],
    memo: DayDoses | None,
    first_day: date | None = None,
    bound: datetime | None = None,
) -> datetime:
    """The latest scheduled dose before ``limit`` (or at it, ``inclusive``), walking back day by day.

    Each day's doses are compared latest first with the limit, both as
    instants in UTC (``bound``, the limit's, when the caller has it).
    The walk starts on ``first_day``, by default the day after the limit's
    own: a dose on it can be earlier than the limit when the clocks went back
    across midnight (Goose Bay, 1995).
    """
    _need_times(times)
    known = {} if memo is None else memo
    if first_day is None:
        first_day = limit.astimezone(zone).date() + _ONE_DAY
    if bound is None:
        bound = _utc(limit)
    day = first_day
    for _ in range(_SEARCH_DAYS):
        if not days or day.weekday() in days:
            # A day worked out already is read without the call (never empty: there are times).
            for dose, at in reversed(known.get(day) or _day_doses(day, times, zone, known)):
                if at < bound or (inclusive and at <= bound):
                    return dose
        day -= _ONE_DAY
    # Named by the day after the limit's, wherever the walk began.
    raise _no_dose(limit.astimezone(zone).date() + _ONE_DAY)


def _first_dose_after(
    limit: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    inclusive: bool,
    days: Collection[int],
    memo: DayDoses | None,
    bound: datetime | None = None,
) -> datetime:
    """The first scheduled dose after ``limit`` (or at it, ``inclusive``), walking on day by day.

    ``bound`` is the limit's instant in UTC, when the caller has it.
    """
    _need_times(times)
    known = {} if memo is None else memo
    # The day before the limit's may have a dose moved by a gap past midnight.
    first_day = limit.astimezone(zone).date() - _ONE_DAY
    if bound is None:
        bound = _utc(limit)
    day = first_day
    for _ in range(_SEARCH_DAYS):
        if not days or day.weekday() in days:
            for dose, at in known.get(day) or _day_doses(day, times, zone, known):
                if at > bound or (inclusive and at >= bound):
                    return dose
        day += _ONE_DAY
    raise _no_dose(first_day)


def last_dose_holding_days(
    day0: date,
    days: int,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
    memo: DayDoses | None = None,
) -> datetime:
    """The last dose before a hold of ``days`` calendar days.

    That is the latest scheduled dose on day -(days+1): no dose on days
    -days ... -1, and none on day 0 before the procedure.

    Args:
        day0: The procedure's date in ``zone``.
        days: The hold, N >= 0. With N = 0 the patient only skips doses on
            the day of the procedure, before it.
        times: The usual dose times (at least one).
        zone: The procedure's zone.
        weekdays: The days the medicine is taken on (0 is Monday); empty
            for every day.
        memo: The days' doses worked out so far for these times, zone and
            weekdays, filled in as the search goes; the planner shares one
            across a medicine's hold, restart and omitted doses.

    Returns:
        The last dose, aware in ``zone``.

    >>> london = ZoneInfo("Europe/London")
    >>> last_dose_holding_days(date(2026, 3, 31), 2, (time(8), time(20)), london).isoformat()
    '2026-03-28T20:00:00+00:00'
    """
    day_off = day0 - timedelta(days=days)
    limit, limit_at = _on_clock_at(day_off, _MIDNIGHT, zone)
    # Every dose on day -N is at or after its midnight, so the walk starts on
    # day -(N+1); when a gap swallows that midnight, a dose after the gap can
    # be before the time the clocks show for it (Montreal, 30 March 1919), so
    # it starts on day -N. (Not mutated: a later first day is only slower.)
    first_day = day_off - _ONE_DAY if limit.time() == time(0) else day_off  # pragma: no mutate
    return _latest_dose_before(
        limit,
        times,
        zone,
        inclusive=False,  # pragma: no mutate - None is as false as False
        days=weekdays,
        memo=memo,
        first_day=first_day,  # pragma: no mutate - a later first day is only slower
        bound=limit_at,  # pragma: no mutate - None only works the instant out again
    )


def last_dose_holding_hours(
    start: datetime,
    hours: int,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
    memo: DayDoses | None = None,
) -> datetime:
    """The latest scheduled dose at least ``hours`` real hours before ``start``.

    >>> london = ZoneInfo("Europe/London")
    >>> start = datetime(2026, 3, 30, 8, 0, tzinfo=london)
    >>> last_dose_holding_hours(start, 72, (time(8),), london).isoformat()
    '2026-03-26T08:00:00+00:00'

    Three days earlier on the wall clock is only 71 hours, because the clocks
    went forward on 29 March; the 08:00 dose on 27 March is too late.
    """
    limit = _utc(start) - timedelta(hours=hours)
    return _latest_dose_before(limit, times, zone, inclusive=True, days=weekdays, memo=memo)


def first_dose_on_day(
    day0: date,
    day: int,
    after: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
    memo: DayDoses | None = None,
) -> datetime:
    """The first scheduled dose on day +``day`` that falls after ``after``.

    Args:
        day0: The procedure's date in ``zone``.
        day: k >= 0, the day of the restart.
        after: The procedure's end (or start); the dose is strictly later.
        times: The usual dose times (at least one).
        zone: The procedure's zone.
        weekdays: As for :func:`last_dose_holding_days`.
        memo: As for :func:`last_dose_holding_days`.

    Returns:
        The first dose, aware in ``zone``. If the procedure ran past the end
        of day +k, the first dose after it.

    >>> perth = ZoneInfo("Australia/Perth")
    >>> procedure = datetime(2026, 12, 8, 9, 30, tzinfo=perth)
    >>> first_dose_on_day(date(2026, 12, 8), 1, procedure, (time(8), time(20)), perth).isoformat()
    '2026-12-09T08:00:00+08:00'
    """
    floor, floor_at = _on_clock_at(day0 + timedelta(days=day), _MIDNIGHT, zone)
    after_at = _utc(after)
    if after_at >= floor_at:
        return _first_dose_after(
            after,
            times,
            zone,
            inclusive=False,  # pragma: no mutate - None is as false as False
            days=weekdays,
            memo=memo,  # pragma: no mutate - None only works each day out again
            bound=after_at,  # pragma: no mutate - None only works the instant out again
        )
    return _first_dose_after(
        floor,
        times,
        zone,
        inclusive=True,
        days=weekdays,
        memo=memo,
        bound=floor_at,  # pragma: no mutate - None only works the instant out again
    )


def first_dose_after_hours(
    after: datetime,
    hours: int,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
    memo: DayDoses | None = None,
) -> datetime:
    """The first scheduled dose at least ``hours`` real hours after ``after``.

    With ``hours`` = 0 the dose is strictly after ``after``: nothing is taken
    at the very moment a procedure ends.

    >>> perth = ZoneInfo("Australia/Perth")
    >>> end = datetime(2026, 12, 8, 10, 0, tzinfo=perth)
    >>> first_dose_after_hours(end, 24, (time(8), time(20)), perth).isoformat()
    '2026-12-09T20:00:00+08:00'
    """
    limit = _utc(after) + timedelta(hours=hours)
    return _first_dose_after(limit, times, zone, inclusive=hours > 0, days=weekdays, memo=memo)


def doses_between(
    last_dose: datetime,
    resume: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
    memo: DayDoses | None = None,
) -> tuple[datetime, ...]:
    """The scheduled doses strictly between ``last_dose`` and ``resume``: the ones omitted.

    >>> perth = ZoneInfo("Australia/Perth")
    >>> last = datetime(2026, 12, 6, 18, tzinfo=perth)
    >>> first = datetime(2026, 12, 9, 18, tzinfo=perth)
    >>> [d.day for d in doses_between(last, first, (time(18),), perth)]
    [7, 8]
    """
    _need_times(times)
    known = {} if memo is None else memo
    omitted: list[datetime] = []
    start, end = _utc(last_dose), _utc(resume)
    first_day = last_dose.astimezone(zone).date()
    day = first_day
    for _ in range(_SEARCH_DAYS):
        if not weekdays or day.weekday() in weekdays:
            for dose, at in known.get(day) or _day_doses(day, times, zone, known):
                if at >= end:
                    return tuple(omitted)
                if at > start:
                    omitted.append(dose)
        day += _ONE_DAY
    raise _no_dose(first_day)
