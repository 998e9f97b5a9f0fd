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

Every comparison here is made on UTC instants: Python compares two aware
datetimes of the same zone by their wall clocks, ignoring ``fold``, which is
wrong for the hour the clocks go back.

>>> from datetime import date, time
>>> from zoneinfo import ZoneInfo
>>> perth = ZoneInfo("Australia/Perth")
>>> last_dose_holding_days(date(2026, 12, 8), 5, (time(18, 0),), perth)
datetime.datetime(2026, 12, 2, 18, 0, tzinfo=zoneinfo.ZoneInfo(key='Australia/Perth'))
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from medplan import _tz as tz

__all__ = [
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
# The longest a search walks before concluding the schedule has no dose in
# range. Holds are capped far below this by the table's validation; the cap
# only guards against a schedule that yields no dose at all.
_SEARCH_DAYS = 400


def _utc(moment: datetime) -> datetime:
    # The result is only compared, or moved by real hours and shown in a zone:
    # the same instant in another fixed offset (the machine's) gives the same.
    return moment.astimezone(UTC)  # pragma: no mutate - astimezone(None) is equivalent


# A plan asks for the same few doses many times (each medicine's hold, restart
# and omitted doses, and again for each other guideline); the answer depends
# only on the arguments, so it is remembered.
@functools.lru_cache(maxsize=8192)
def _on_clock(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # fold=0 is the first occurrence of an ambiguous time; a time in a gap is
    # moved forward by the gap, dateutil's convention.
    moment = datetime.combine(day, wall, tzinfo=zone)
    if not tz.datetime_exists(moment):
        moment = tz.resolve_imaginary(moment)
    return moment


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
    return _on_clock(day, usual.replace(tzinfo=None), zone)


def shifted_by_gap(dose: datetime, usual: time) -> bool:
    """Whether ``dose`` was moved off its usual wall-clock time by a gap.

    >>> london = ZoneInfo("Europe/London")
    >>> shifted_by_gap(scheduled_dose(date(2026, 3, 29), time(1, 30), london), time(1, 30))
    True
    """
    return dose.timetz().replace(tzinfo=None) != usual.replace(tzinfo=None)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone`` (01:00 where midnight is skipped)."""
    return _on_clock(day, time(0, 0), zone)  # pragma: no mutate - time(0) is the same midnight


# Each walk below visits the same few days again and again (each medicine's
# hold, restart and omitted doses, and again for each other guideline), so a
# day's doses, in time order with their UTC instants, are worked out once.
@functools.lru_cache(maxsize=8192)
def _day_doses(
    day: date, times: tuple[time, ...], zone: ZoneInfo
) -> tuple[tuple[datetime, datetime], ...]:
    """``day``'s scheduled doses as (UTC instant, dose) pairs, earliest first."""
    doses = sorted((scheduled_dose(day, t, zone) for t in times), key=_utc)
    return tuple((_utc(dose), dose) for dose in doses)


def _doses_by_day(
    first_day: date,
    times: Sequence[time],
    zone: ZoneInfo,
    step: timedelta,
    days: Collection[int] = (),
) -> Iterator[tuple[datetime, datetime]]:
    """Scheduled doses day by day from ``first_day``, walking by ``step``, as (UTC instant, dose).

    Within a day the doses come in time order for a forward walk and in
    reverse for a backward one, so the first match is the answer. With
    ``days`` (weekdays, 0 is Monday), only those calendar days have doses.
    """
    if not times:
        msg = "a schedule needs at least one usual dose time"
        raise ValueError(msg)
    backwards = step < timedelta(0)  # pragma: no mutate - the step is a day, never 0 (<=, < 1 day)
    usual = tuple(times)
    day = first_day
    for _ in range(_SEARCH_DAYS):
        if days and day.weekday() not in days:
            day += step
            continue
        doses = _day_doses(day, usual, zone)
        yield from reversed(doses) if backwards else doses
        day += step
    msg = f"no scheduled dose within {_SEARCH_DAYS} days of {first_day}"
    raise ValueError(msg)


def _latest_dose_before(
    limit: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    inclusive: bool,
    days: Collection[int] = (),
) -> datetime:
    # A dose moved forward by a gap can land on the next calendar day, so the
    # walk starts a day after the limit's own date.
    start = limit.astimezone(zone).date() + _ONE_DAY
    bound = _utc(limit)
    for moment, dose in _doses_by_day(start, times, zone, -_ONE_DAY, days):
        if moment < bound or (inclusive and moment == bound):
            return dose
    raise AssertionError  # pragma: no cover - _doses_by_day raises first


def _first_dose_after(
    limit: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    inclusive: bool,
    days: Collection[int] = (),
) -> datetime:
    start = limit.astimezone(zone).date() - _ONE_DAY
    bound = _utc(limit)
    for moment, dose in _doses_by_day(start, times, zone, _ONE_DAY, days):
        if moment > bound or (inclusive and moment == bound):
            return dose
    raise AssertionError  # pragma: no cover - _doses_by_day raises first


def last_dose_holding_days(
    day0: date,
    days: int,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
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

    Returns:
        The last dose, aware in ``zone``.

    >>> london = ZoneInfo("Europe/London")
    >>> last_dose_holding_days(date(2026, 3, 31), 2, (time(8), time(20)), london).isoformat()
    '2026-03-28T20:00:00+00:00'
    """
    return _latest_dose_before(
        start_of_day(day0 - timedelta(days=days), zone),
        times,
        zone,
        inclusive=False,  # pragma: no mutate - None is as false as False
        days=weekdays,
    )


def last_dose_holding_hours(
    start: datetime,
    hours: int,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
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
    return _latest_dose_before(limit, times, zone, inclusive=True, days=weekdays)


def first_dose_on_day(
    day0: date,
    day: int,
    after: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
) -> datetime:
    """The first scheduled dose on day +``day`` that falls after ``after``.

    Args:
        day0: The procedure's date in ``zone``.
        day: k >= 0, the day of the restart.
        after: The procedure's end (or start); the dose is strictly later.
        times: The usual dose times (at least one).
        zone: The procedure's zone.
        weekdays: As for :func:`last_dose_holding_days`.

    Returns:
        The first dose, aware in ``zone``. If the procedure ran past the end
        of day +k, the first dose after it.

    >>> perth = ZoneInfo("Australia/Perth")
    >>> procedure = datetime(2026, 12, 8, 9, 30, tzinfo=perth)
    >>> first_dose_on_day(date(2026, 12, 8), 1, procedure, (time(8), time(20)), perth).isoformat()
    '2026-12-09T08:00:00+08:00'
    """
    floor = start_of_day(day0 + timedelta(days=day), zone)
    if _utc(after) >= _utc(floor):
        return _first_dose_after(
            after,
            times,
            zone,
            inclusive=False,  # pragma: no mutate - None is as false as False
            days=weekdays,
        )
    return _first_dose_after(floor, times, zone, inclusive=True, days=weekdays)


def first_dose_after_hours(
    after: datetime,
    hours: int,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
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
    return _first_dose_after(limit, times, zone, inclusive=hours > 0, days=weekdays)


def doses_between(
    last_dose: datetime,
    resume: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    weekdays: Collection[int] = (),
) -> tuple[datetime, ...]:
    """The scheduled doses strictly between ``last_dose`` and ``resume``: the ones omitted.

    >>> perth = ZoneInfo("Australia/Perth")
    >>> last = datetime(2026, 12, 6, 18, tzinfo=perth)
    >>> first = datetime(2026, 12, 9, 18, tzinfo=perth)
    >>> [d.day for d in doses_between(last, first, (time(18),), perth)]
    [7, 8]
    """
    omitted: list[datetime] = []
    start, end = _utc(last_dose), _utc(resume)
    first_day = last_dose.astimezone(zone).date()
    walk = _doses_by_day(first_day, times, zone, _ONE_DAY, weekdays)
    for moment, dose in walk:  # pragma: no branch - the walk raises rather than run out
        if moment >= end:
            break
        if moment > start:
            omitted.append(dose)
    return tuple(omitted)
