"""The schedule against a plain day-by-day reference: the same dose for every hold, restart and gap.

The reference below is the schedule as it was before it was made cheap: a walk
over calendar days that builds every dose with dateutil's gap rules and
compares UTC instants at each step. It is slow and obviously the definition
in schedule.py's docstring; the module must give the same datetimes (the same
wall clock, offset and fold) for any zone, dose times, weekdays and limits.
The zones drawn are the ones whose clocks do the unusual: a gap that moves a
late dose past midnight (Nuuk), a fold that crosses midnight (Goose Bay in the
1990s), a gap spanning midnight (Montreal in 1919), 30- and 45-minute
changes, midnight changes (Havana), and a day skipped altogether (Apia, 2011).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz
from hypothesis import example, given
from hypothesis import strategies as st

from medplan.planning import schedule

# --- the reference ----------------------------------------------------------------------------

_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 400


def ref_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def ref_on_clock(day: date, wall: time, zone: ZoneInfo) -> datetime:
    moment = datetime.combine(day, wall.replace(tzinfo=None), tzinfo=zone)
    if not tz.datetime_exists(moment):
        moment = tz.resolve_imaginary(moment)
    return moment


def ref_doses_by_day(
    first_day: date, times: Sequence[time], zone: ZoneInfo, step: timedelta, days: Collection[int]
) -> Iterator[tuple[datetime, datetime]]:
    if not times:
        msg = "a schedule needs at least one usual dose time"
        raise ValueError(msg)
    day = first_day
    for _ in range(_SEARCH_DAYS):
        if not days or day.weekday() in days:
            doses = sorted((ref_on_clock(day, t, zone) for t in times), key=ref_utc)
            yield from (
                (ref_utc(d), d) for d in (reversed(doses) if step < timedelta(0) else doses)
            )
        day += step
    msg = f"no scheduled dose within {_SEARCH_DAYS} days of {first_day}"
    raise ValueError(msg)


def ref_latest_before(
    limit: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    inclusive: bool,
    days: Collection[int],
) -> datetime:
    start = limit.astimezone(zone).date() + _ONE_DAY
    bound = ref_utc(limit)
    for moment, dose in ref_doses_by_day(start, times, zone, -_ONE_DAY, days):
        if moment < bound or (inclusive and moment == bound):
            return dose
    raise AssertionError  # pragma: no cover - the walk raises first


def ref_first_after(
    limit: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    *,
    inclusive: bool,
    days: Collection[int],
) -> datetime:
    start = limit.astimezone(zone).date() - _ONE_DAY
    bound = ref_utc(limit)
    for moment, dose in ref_doses_by_day(start, times, zone, _ONE_DAY, days):
        if moment > bound or (inclusive and moment == bound):
            return dose
    raise AssertionError  # pragma: no cover - the walk raises first


def ref_start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return ref_on_clock(day, time(0), zone)


def ref_hold_days(
    day0: date, days: int, times: Sequence[time], zone: ZoneInfo, weekdays: Collection[int]
) -> datetime:
    limit = ref_start_of_day(day0 - timedelta(days=days), zone)
    return ref_latest_before(limit, times, zone, inclusive=False, days=weekdays)


def ref_hold_hours(
    start: datetime, hours: int, times: Sequence[time], zone: ZoneInfo, weekdays: Collection[int]
) -> datetime:
    limit = ref_utc(start) - timedelta(hours=hours)
    return ref_latest_before(limit, times, zone, inclusive=True, days=weekdays)


def ref_resume_on_day(
    day0: date,
    day: int,
    after: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    weekdays: Collection[int],
) -> datetime:
    floor = ref_start_of_day(day0 + timedelta(days=day), zone)
    if ref_utc(after) >= ref_utc(floor):
        return ref_first_after(after, times, zone, inclusive=False, days=weekdays)
    return ref_first_after(floor, times, zone, inclusive=True, days=weekdays)


def ref_resume_after_hours(
    after: datetime, hours: int, times: Sequence[time], zone: ZoneInfo, weekdays: Collection[int]
) -> datetime:
    limit = ref_utc(after) + timedelta(hours=hours)
    return ref_first_after(limit, times, zone, inclusive=hours > 0, days=weekdays)


def ref_doses_between(
    last_dose: datetime,
    resume: datetime,
    times: Sequence[time],
    zone: ZoneInfo,
    weekdays: Collection[int],
) -> tuple[datetime, ...]:
    omitted = []
    start, end = ref_utc(last_dose), ref_utc(resume)
    first_day = last_dose.astimezone(zone).date()
    for moment, dose in ref_doses_by_day(first_day, times, zone, _ONE_DAY, weekdays):
        if moment >= end:
            break
        if moment > start:
            omitted.append(dose)
    return tuple(omitted)


# --- what is drawn ----------------------------------------------------------------------------

# A zone and the local dates of its clock changes that the draws stay near.
CHANGES = {
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Pacific/Chatham": [date(2026, 4, 5), date(2026, 9, 27)],
    "Australia/Lord_Howe": [date(2026, 4, 5), date(2026, 10, 4)],
    # Clocks forward from 23:00 on Saturday: a 23:30 dose is taken at 00:30 on Sunday.
    "America/Nuuk": [date(2026, 3, 28), date(2026, 10, 24)],
    # Clocks back from 00:01 to 23:01 the day before.
    "America/Goose_Bay": [date(1995, 4, 2), date(1995, 10, 29)],
    # Clocks forward from 23:30 to 00:30: the gap spans midnight.
    "America/Montreal": [date(1919, 3, 30), date(1919, 10, 26)],
    "America/Havana": [date(2026, 3, 8), date(2026, 11, 1)],
    # 30 December 2011 did not happen in Samoa.
    "Pacific/Apia": [date(2011, 12, 30), date(2012, 4, 1)],
    "Australia/Perth": [date(2026, 12, 8)],
}

ZONE_KEYS = sorted(CHANGES)


@st.composite
def places(draw: st.DrawFn) -> tuple[ZoneInfo, date]:
    """A zone, and a day within a fortnight of one of its clock changes."""
    key = draw(st.sampled_from(ZONE_KEYS))
    pivot = draw(st.sampled_from(CHANGES[key]))
    return ZoneInfo(key), pivot + timedelta(days=draw(st.integers(-14, 14)))


# Late evening and the small hours are where gaps and folds are; any minute otherwise.
minutes = st.one_of(
    st.times().map(lambda t: time(t.hour, t.minute)),
    st.builds(time, st.sampled_from([0, 1, 2, 3, 22, 23]), st.integers(0, 59)),
)
usual_times = st.lists(minutes, min_size=1, max_size=4, unique=True).map(
    lambda ts: tuple(sorted(ts))
)
weekdays = st.one_of(
    st.just(()),
    st.sets(st.integers(0, 6), min_size=1, max_size=3).map(lambda ds: tuple(sorted(ds))),
)


@st.composite
def instants(draw: st.DrawFn, zone: ZoneInfo, day: date) -> datetime:
    """An instant near ``day`` shown in ``zone``: the second occurrence of a time in a fold too."""
    moment = datetime.combine(day, draw(minutes), tzinfo=zone).astimezone(UTC)
    moment += timedelta(minutes=draw(st.sampled_from([0, 0, 0, 30, 60, -30, -60])))
    return moment.astimezone(zone)


def same(actual: datetime, expected: datetime) -> bool:
    """The same datetime to the byte: instant, wall clock, offset, fold and zone."""
    return (actual.isoformat(), actual.fold, actual.tzinfo) == (
        expected.isoformat(),
        expected.fold,
        expected.tzinfo,
    )


# --- properties -------------------------------------------------------------------------------

NUUK = ZoneInfo("America/Nuuk")
GOOSE_BAY = ZoneInfo("America/Goose_Bay")
MONTREAL = ZoneInfo("America/Montreal")
# Clocks forward at midnight: 6 September 2026 starts at 01:00, where its 00:00 dose is taken.
SANTIAGO = ZoneInfo("America/Santiago")


@given(place=places(), days=st.integers(0, 20), times=usual_times, on=weekdays)
@example(place=(NUUK, date(2026, 3, 30)), days=0, times=(time(8), time(23, 30)), on=())
@example(place=(MONTREAL, date(1919, 3, 31)), days=0, times=(time(0, 45),), on=())
@example(place=(SANTIAGO, date(2026, 9, 8)), days=2, times=(time(0),), on=())
def test_hold_days_matches_the_reference(place, days, times, on):
    """The last dose before N days off is the reference's."""
    zone, day0 = place

    actual = schedule.last_dose_holding_days(day0, days, times, zone, weekdays=on)

    assert same(actual, ref_hold_days(day0, days, times, zone, on))


@given(data=st.data(), place=places(), hours=st.integers(0, 240), times=usual_times, on=weekdays)
def test_hold_hours_matches_the_reference(data, place, hours, times, on):
    """The last dose at least H real hours before the start is the reference's."""
    zone, day0 = place
    start = data.draw(instants(zone, day0))

    actual = schedule.last_dose_holding_hours(start, hours, times, zone, weekdays=on)

    assert same(actual, ref_hold_hours(start, hours, times, zone, on))


@given(data=st.data(), place=places(), day=st.integers(0, 10), times=usual_times, on=weekdays)
def test_resume_on_day_matches_the_reference(data, place, day, times, on):
    """The first dose on day +k after the procedure is the reference's."""
    zone, day0 = place
    after = data.draw(instants(zone, day0))

    actual = schedule.first_dose_on_day(day0, day, after, times, zone, weekdays=on)

    assert same(actual, ref_resume_on_day(day0, day, after, times, zone, on))


@given(data=st.data(), place=places(), hours=st.integers(0, 240), times=usual_times, on=weekdays)
def test_resume_after_hours_matches_the_reference(data, place, hours, times, on):
    """The first dose at least H real hours after the procedure is the reference's."""
    zone, day0 = place
    after = data.draw(instants(zone, day0))

    actual = schedule.first_dose_after_hours(after, hours, times, zone, weekdays=on)

    assert same(actual, ref_resume_after_hours(after, hours, times, zone, on))


@given(data=st.data(), place=places(), span=st.integers(-2, 30), times=usual_times, on=weekdays)
def test_omitted_doses_match_the_reference(data, place, span, times, on):
    """The doses strictly between a last dose and a restart, any two instants, are the reference's."""
    zone, day0 = place
    last = data.draw(instants(zone, day0))
    resume = data.draw(instants(zone, day0 + timedelta(days=span)))

    actual = schedule.doses_between(last, resume, times, zone, weekdays=on)

    expected = ref_doses_between(last, resume, times, zone, on)
    assert len(actual) == len(expected)
    assert all(same(a, e) for a, e in zip(actual, expected, strict=True))


def test_a_fold_across_midnight_restarts_as_the_reference_does():
    """Goose Bay, 29 October 1995: at the second 23:30 of the 28th, the 29th's 00:00:30 dose is already past."""
    after = datetime(1995, 10, 29, 3, 30, tzinfo=UTC).astimezone(GOOSE_BAY)
    times = (time(0, 0, 30), time(23, 45))

    actual = [
        schedule.first_dose_on_day(date(1995, 10, 28), 0, after, times, GOOSE_BAY),
        schedule.first_dose_after_hours(after, 0, times, GOOSE_BAY),
        schedule.last_dose_holding_hours(after, 0, times, GOOSE_BAY),
    ]

    assert (after.isoformat(), after.fold) == ("1995-10-28T23:30:00-04:00", 1)
    assert [d.isoformat() for d in actual] == [
        "1995-10-29T23:45:00-04:00",
        "1995-10-29T23:45:00-04:00",
        "1995-10-29T00:00:30-03:00",
    ]
    assert same(actual[0], ref_resume_on_day(date(1995, 10, 28), 0, after, times, GOOSE_BAY, ()))
    assert same(actual[2], ref_hold_hours(after, 0, times, GOOSE_BAY, ()))


@given(
    data=st.data(),
    place=places(),
    hold=st.integers(0, 10),
    resume=st.integers(0, 5),
    hours=st.integers(0, 96),
    times=usual_times,
    on=weekdays,
)
def test_one_memo_shared_by_a_medicines_searches_changes_nothing(
    data, place, hold, resume, hours, times, on
):
    """A hold, its restarts and the doses between, sharing one memo of days as the planner does, are the reference's."""
    zone, day0 = place
    start = data.draw(instants(zone, day0))
    memo: schedule.DayDoses = {}

    last = schedule.last_dose_holding_days(day0, hold, times, zone, weekdays=on, memo=memo)
    early = schedule.last_dose_holding_hours(start, hours, times, zone, weekdays=on, memo=memo)
    first = schedule.first_dose_on_day(day0, resume, start, times, zone, weekdays=on, memo=memo)
    later = schedule.first_dose_after_hours(start, hours, times, zone, weekdays=on, memo=memo)
    omitted = schedule.doses_between(last, first, times, zone, weekdays=on, memo=memo)

    assert same(last, ref_hold_days(day0, hold, times, zone, on))
    assert same(early, ref_hold_hours(start, hours, times, zone, on))
    assert same(first, ref_resume_on_day(day0, resume, start, times, zone, on))
    assert same(later, ref_resume_after_hours(start, hours, times, zone, on))
    expected = ref_doses_between(last, first, times, zone, on)
    assert [d.isoformat() for d in omitted] == [d.isoformat() for d in expected]
    assert all(same(a, e) for a, e in zip(omitted, expected, strict=True))


@given(place=places(), at=minutes)
def test_a_scheduled_dose_matches_the_reference(place, at):
    """A usual time on a day, moved by a gap or at its first occurrence, is the reference's."""
    zone, day = place

    assert same(schedule.scheduled_dose(day, at, zone), ref_on_clock(day, at, zone))


@pytest.mark.parametrize("zone_key", ZONE_KEYS)
def test_each_zone_changes_its_clocks_where_the_draws_look(zone_key):
    """Each zone's listed dates are real clock changes (or none, for Perth): the draws aim at them."""
    zone = ZoneInfo(zone_key)
    changed = [
        day
        for day in CHANGES[zone_key]
        if ref_start_of_day(day - _ONE_DAY, zone).utcoffset()
        != ref_start_of_day(day + 2 * _ONE_DAY, zone).utcoffset()
    ]

    assert changed == ([] if zone_key == "Australia/Perth" else CHANGES[zone_key])


PERTH = ZoneInfo("Australia/Perth")


def test_a_forward_search_with_no_dose_day_stops_and_says_where_it_began():
    """Weekdays naming no day (7 is not one): a restart search gives up after 400 days, from the day before the limit's."""
    end = datetime(2026, 12, 8, 10, tzinfo=PERTH)

    with pytest.raises(ValueError, match="no scheduled dose") as info:
        schedule.first_dose_after_hours(end, 24, (time(8),), PERTH, weekdays=(7,))

    assert str(info.value) == "no scheduled dose within 400 days of 2026-12-08"


def test_omitted_doses_with_no_dose_day_stop_and_say_where_they_began():
    """Weekdays naming no day: the walk between a last dose and a restart gives up after 400 days, from the last dose's day."""
    last = datetime(2026, 12, 6, 18, tzinfo=PERTH)
    resume = datetime(2026, 12, 9, 18, tzinfo=PERTH)

    with pytest.raises(ValueError, match="no scheduled dose") as info:
        schedule.doses_between(last, resume, (time(18),), PERTH, weekdays=(7,))

    assert str(info.value) == "no scheduled dose within 400 days of 2026-12-06"
