"""The dose-time arithmetic: pinned cases that defend the definitions, then properties."""

from __future__ import annotations

import time as system_time
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from dateutil import tz
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import clock_times, near_transition, procedure_days, usual_times, zones

from medplan.planning import schedule

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
PERTH = ZoneInfo("Australia/Perth")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

DAILY_18 = (time(18),)
BID = (time(8), time(20))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --- "hold N days", defended case by case -------------------------------------------------

@attrs.frozen(kw_only=True)
class LastDoseHoldingDaysCase:
    """One case of test_last_dose_holding_days: day0, days, times, zone, expected."""

    day0: object
    days: int
    times: object
    zone: object
    expected: str


HOLD_DAYS_CASES = [
    pytest.param(
        # The seed's warfarin: 5 days off before a Tuesday procedure; days -5..-1 are
        # 3-7 December, so the last dose is the evening of day -6.
        LastDoseHoldingDaysCase(day0=date(2026, 12, 8), days=5, times=DAILY_18, zone=PERTH, expected="2026-12-02T18:00:00+08:00"),
        id="warfarin-5-days-perth",
    ),
    pytest.param(
        # The 2023 AF guideline's worked example: a twice-daily drug held 1 day before an
        # 08:00 procedure was last taken at 20:00 on day -2, 36 hours before.
        LastDoseHoldingDaysCase(day0=date(2026, 12, 8), days=1, times=BID, zone=PERTH, expected="2026-12-06T20:00:00+08:00"),
        id="af-guideline-36-hours",
    ),
    pytest.param(
        # N = 0 skips only the doses on the day of the procedure.
        LastDoseHoldingDaysCase(day0=date(2026, 12, 8), days=0, times=BID, zone=PERTH, expected="2026-12-07T20:00:00+08:00"),
        id="zero-days",
    ),
    pytest.param(
        # The hold spans the spring-forward change (29 March): still calendar days, and
        # the dose before the change is in GMT.
        LastDoseHoldingDaysCase(day0=date(2026, 3, 31), days=2, times=BID, zone=LONDON, expected="2026-03-28T20:00:00+00:00"),
        id="london-spring-forward",
    ),
    pytest.param(
        # Leap year: day -1 is 29 February, so 1 day off ends on 28 February.
        LastDoseHoldingDaysCase(day0=date(2028, 3, 1), days=1, times=DAILY_18, zone=LONDON, expected="2028-02-28T18:00:00+00:00"),
        id="leap-day",
    ),
    pytest.param(
        # Year end: day -6 of 2 January is 27 December of the year before.
        LastDoseHoldingDaysCase(day0=date(2027, 1, 2), days=5, times=DAILY_18, zone=NEW_YORK, expected="2026-12-27T18:00:00-05:00"),
        id="year-end",
    ),
    pytest.param(
        # New York falls back on 1 November 2026: the 01:30 dose on day -2 is taken at
        # its first occurrence, in EDT.
        LastDoseHoldingDaysCase(day0=date(2026, 11, 3), days=1, times=(time(1, 30),), zone=NEW_YORK, expected="2026-11-01T01:30:00-04:00"),
        id="new-york-fold-first-occurrence",
    ),
    pytest.param(
        # Sydney springs forward on 4 October 2026 at 02:00: a 02:30 dose that day is
        # taken at 03:30, after the gap.
        LastDoseHoldingDaysCase(day0=date(2026, 10, 6), days=1, times=(time(2, 30),), zone=SYDNEY, expected="2026-10-04T03:30:00+11:00"),
        id="sydney-gap-moves-forward",
    ),
    pytest.param(
        # Lord Howe moves its clocks by 30 minutes: 02:15 does not exist on 4 October 2026.
        LastDoseHoldingDaysCase(day0=date(2026, 10, 6), days=1, times=(time(2, 15),), zone=LORD_HOWE, expected="2026-10-04T02:45:00+11:00"),
        id="lord-howe-half-hour-gap",
    ),
]


@pytest.mark.parametrize("case", HOLD_DAYS_CASES)
def test_last_dose_holding_days(case):
    """The last dose is the latest scheduled dose on day -(N+1), at the usual wall-clock time."""
    last = schedule.last_dose_holding_days(case.day0, case.days, case.times, case.zone)

    assert last.isoformat() == case.expected
    assert last.tzinfo is case.zone


def test_last_dose_holding_hours_counts_real_hours_across_spring_forward():
    """72 hours before Monday 08:00 BST is Friday 07:00 GMT, so Friday's 08:00 dose is too late."""
    start = datetime(2026, 3, 30, 8, tzinfo=LONDON)

    last = schedule.last_dose_holding_hours(start, 72, (time(8),), LONDON)

    assert last.isoformat() == "2026-03-26T08:00:00+00:00"


def test_last_dose_holding_hours_counts_real_hours_across_fall_back():
    """72 hours before Tuesday 08:00 GMT is Saturday 09:00 BST, so Saturday's 08:00 dose is in time."""
    start = datetime(2026, 10, 27, 8, tzinfo=LONDON)

    last = schedule.last_dose_holding_hours(start, 72, (time(8),), LONDON)

    assert last.isoformat() == "2026-10-24T08:00:00+01:00"


def test_last_dose_holding_hours_accepts_a_dose_exactly_on_the_limit():
    """'At least H hours before' includes a dose exactly H hours before."""
    start = datetime(2026, 12, 9, 8, tzinfo=PERTH)

    last = schedule.last_dose_holding_hours(start, 24, BID, PERTH)

    assert last.isoformat() == "2026-12-08T08:00:00+08:00"


def test_first_dose_on_day_is_the_first_dose_that_day():
    """Resume day +1 is the first usual dose on the day after the procedure."""
    finish = datetime(2026, 12, 8, 10, tzinfo=PERTH)

    first = schedule.first_dose_on_day(date(2026, 12, 8), 1, finish, BID, PERTH)

    assert first.isoformat() == "2026-12-09T08:00:00+08:00"


def test_first_dose_on_day_zero_is_after_the_procedure():
    """Resume day 0 is the evening of the procedure: the first dose after it ends."""
    finish = datetime(2026, 12, 8, 10, tzinfo=PERTH)

    first = schedule.first_dose_on_day(date(2026, 12, 8), 0, finish, DAILY_18, PERTH)

    assert first.isoformat() == "2026-12-08T18:00:00+08:00"


def test_first_dose_on_day_waits_for_a_procedure_that_ends_after_that_day_began():
    """A procedure running past midnight is over before the restart, whatever day +k says."""
    finish = datetime(2026, 12, 9, 9, tzinfo=PERTH)

    first = schedule.first_dose_on_day(date(2026, 12, 8), 1, finish, BID, PERTH)

    assert first.isoformat() == "2026-12-09T20:00:00+08:00"


def test_first_dose_after_hours_counts_real_hours():
    """24 hours after 10:00 the day before the fall-back change is 09:00 GMT, so 08:00 is too early."""
    finish = datetime(2026, 10, 24, 10, tzinfo=LONDON)

    first = schedule.first_dose_after_hours(finish, 24, BID, LONDON)

    assert first.isoformat() == "2026-10-25T20:00:00+00:00"


def test_first_dose_after_zero_hours_is_strictly_later():
    """Nothing is taken at the very moment a procedure ends."""
    finish = datetime(2026, 12, 8, 8, tzinfo=PERTH)

    first = schedule.first_dose_after_hours(finish, 0, BID, PERTH)

    assert first.isoformat() == "2026-12-08T20:00:00+08:00"


def test_doses_between_lists_the_omitted_doses_in_order():
    """The omitted doses are every scheduled dose strictly between the last dose and the restart."""
    last = datetime(2026, 12, 6, 20, tzinfo=PERTH)
    first = datetime(2026, 12, 9, 8, tzinfo=PERTH)

    omitted = schedule.doses_between(last, first, BID, PERTH)

    assert [d.isoformat() for d in omitted] == [
        "2026-12-07T08:00:00+08:00",
        "2026-12-07T20:00:00+08:00",
        "2026-12-08T08:00:00+08:00",
        "2026-12-08T20:00:00+08:00",
    ]


def test_scheduled_dose_in_a_fold_is_the_first_occurrence():
    """01:30 on 25 October 2026 in London happens twice; the dose is the first, in BST."""
    dose = schedule.scheduled_dose(date(2026, 10, 25), time(1, 30), LONDON)

    assert dose.isoformat() == "2026-10-25T01:30:00+01:00"
    assert dose.fold == 0


def test_elapsed_moves_real_time():
    """Moving back 72 hours from Monday 08:00 BST lands on Friday 07:00 GMT, not 08:00."""
    moved = schedule.elapsed(datetime(2026, 3, 30, 8, tzinfo=LONDON), -72, LONDON)

    assert moved.isoformat() == "2026-03-27T07:00:00+00:00"


def test_an_empty_schedule_is_a_programming_error():
    """The planner must not ask for doses without dose times; the schedule refuses loudly."""
    with pytest.raises(ValueError, match=r"^a schedule needs at least one usual dose time$"):
        schedule.last_dose_holding_days(date(2026, 12, 8), 1, (), PERTH)


def test_a_schedule_with_no_dose_day_stops_searching_and_says_so():
    """Weekdays that name no day (7 is not one; 0 is Monday) give no dose: the search stops after 400 days with a ValueError, never looping on."""
    with pytest.raises(ValueError, match="no scheduled dose") as info:
        schedule.last_dose_holding_days(date(2026, 12, 8), 1, (time(8),), PERTH, weekdays=(7,))

    assert str(info.value) == "no scheduled dose within 400 days of 2026-12-08"


def test_weekday_hold_hours_counts_back_to_a_usual_weekday():
    """A Friday-only 08:00 dose held 72 hours before Wednesday 09:30 was last taken on Friday, not on Sunday."""
    start = datetime(2026, 12, 9, 9, 30, tzinfo=PERTH)

    last = schedule.last_dose_holding_hours(start, 72, (time(8),), PERTH, weekdays=(4,))

    assert last.isoformat() == "2026-12-04T08:00:00+08:00"


def test_weekday_resume_after_hours_waits_for_a_usual_weekday():
    """A Friday-only 08:00 dose resumed 24 hours after a Wednesday 10:00 finish restarts on Friday, not on Thursday."""
    end = datetime(2026, 12, 9, 10, tzinfo=PERTH)

    first = schedule.first_dose_after_hours(end, 24, (time(8),), PERTH, weekdays=(4,))

    assert first.isoformat() == "2026-12-11T08:00:00+08:00"


KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14 all year
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")  # UTC-11 all year


@pytest.fixture(params=["Etc/GMT+12", "Etc/GMT-14"])
def host_zone(request, monkeypatch):
    """The machine's own zone (TZ) set to UTC-12 or UTC+14 for one test, then restored."""
    if not hasattr(system_time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", request.param)
    system_time.tzset()
    yield
    monkeypatch.undo()
    system_time.tzset()


@pytest.mark.usefixtures("host_zone")
def test_the_doses_do_not_depend_on_the_machines_own_time_zone():
    """On a machine 12 hours behind UTC or 14 ahead, Kiritimati's and Pago Pago's doses fall on their own calendar days."""
    kiritimati_start = datetime(2026, 12, 8, 1, tzinfo=KIRITIMATI)
    pago_pago_end = datetime(2026, 12, 8, 23, 30, tzinfo=PAGO_PAGO)

    answers = [
        schedule.last_dose_holding_hours(kiritimati_start, 0, (time(0, 30), time(20)), KIRITIMATI),
        schedule.last_dose_holding_days(date(2026, 12, 8), 0, (time(0, 30),), KIRITIMATI),
        schedule.first_dose_after_hours(pago_pago_end, 0, (time(8), time(23, 45)), PAGO_PAGO),
        schedule.first_dose_on_day(date(2026, 12, 8), 0, pago_pago_end, (time(23, 45),), PAGO_PAGO),
    ]
    kiritimati_omitted = schedule.doses_between(
        datetime(2026, 12, 6, 0, 30, tzinfo=KIRITIMATI), datetime(2026, 12, 8, 0, 30, tzinfo=KIRITIMATI), (time(0, 30), time(20)), KIRITIMATI
    )
    pago_pago_omitted = schedule.doses_between(
        datetime(2026, 12, 6, 8, tzinfo=PAGO_PAGO), datetime(2026, 12, 8, 8, tzinfo=PAGO_PAGO), (time(8), time(23)), PAGO_PAGO
    )

    assert [d.isoformat() for d in answers] == [
        "2026-12-08T00:30:00+14:00",
        "2026-12-07T00:30:00+14:00",
        "2026-12-08T23:45:00-11:00",
        "2026-12-08T23:45:00-11:00",
    ]
    assert [d.isoformat() for d in kiritimati_omitted] == ["2026-12-06T20:00:00+14:00", "2026-12-07T00:30:00+14:00", "2026-12-07T20:00:00+14:00"]
    assert [d.isoformat() for d in pago_pago_omitted] == ["2026-12-06T23:00:00-11:00", "2026-12-07T08:00:00-11:00", "2026-12-07T23:00:00-11:00"]


# --- properties ---------------------------------------------------------------------------


def on_usual_clock(dose: datetime, times: tuple[time, ...], zone: ZoneInfo) -> bool:
    """A dose is at a usual time, or at the time a gap moved a usual time to."""
    return any(schedule.scheduled_dose(dose.date(), t, zone) == dose for t in times) or any(
        schedule.scheduled_dose(dose.date() - timedelta(days=1), t, zone) == dose for t in times
    )


def next_dose(after: datetime, times: tuple[time, ...], zone: ZoneInfo) -> datetime:
    return schedule.first_dose_after_hours(after, 0, times, zone)


def assert_well_formed(dose: datetime, times: tuple[time, ...], zone: ZoneInfo) -> None:
    assert dose.tzinfo is zone
    assert tz.datetime_exists(dose)
    assert on_usual_clock(dose, times, zone)


@given(zone=zones, day0=procedure_days, days=st.integers(0, 30), times=usual_times)
@example(zone=LONDON, day0=date(2026, 3, 30), days=1, times=(time(1, 30),))
@example(zone=LONDON, day0=date(2026, 10, 26), days=1, times=(time(1, 30),))
@example(zone=NEW_YORK, day0=date(2026, 3, 9), days=1, times=(time(2, 30),))
@example(zone=SYDNEY, day0=date(2026, 4, 6), days=1, times=(time(2, 30),))
@example(zone=ZoneInfo("Pacific/Chatham"), day0=date(2026, 9, 28), days=1, times=(time(2, 50),))
def test_hold_days_is_satisfied_and_the_last_dose_is_the_latest(zone, day0, days, times):
    """No dose falls on days -N..-1 or day 0, and the next scheduled dose would break the hold."""
    last = schedule.last_dose_holding_days(day0, days, times, zone)
    first_day_off = schedule.start_of_day(day0 - timedelta(days=days), zone)

    assert_well_formed(last, times, zone)
    assert utc(last) < utc(first_day_off)
    assert utc(next_dose(last, times, zone)) >= utc(first_day_off)


@given(data=st.data(), days=st.integers(0, 10), times=usual_times, at=clock_times)
def test_hold_days_near_daylight_saving_changes(data, days, times, at):
    """Near a DST change the last dose keeps its wall-clock time and the hold still holds."""
    zone, day0 = data.draw(near_transition())
    start = schedule.scheduled_dose(day0, at, zone)

    last = schedule.last_dose_holding_days(day0, days, times, zone)

    assert_well_formed(last, times, zone)
    assert last.astimezone(zone).date() <= day0 - timedelta(days=days + 1)
    assert utc(last) < utc(start)


@given(zone=zones, day0=procedure_days, at=clock_times, hours=st.integers(0, 240), times=usual_times)
@example(zone=LONDON, day0=date(2026, 3, 30), at=time(8), hours=72, times=(time(8),))
@example(zone=LONDON, day0=date(2026, 10, 27), at=time(8), hours=72, times=(time(8),))
def test_hold_hours_is_satisfied_and_the_last_dose_is_the_latest(zone, day0, at, hours, times):
    """The last dose is at least H real hours before the start; the next one would be too late."""
    start = schedule.scheduled_dose(day0, at, zone)
    limit = utc(start) - timedelta(hours=hours)

    last = schedule.last_dose_holding_hours(start, hours, times, zone)

    assert_well_formed(last, times, zone)
    assert utc(last) <= limit
    assert utc(next_dose(last, times, zone)) > limit


@given(zone=zones, day0=procedure_days, at=clock_times, day=st.integers(0, 10), times=usual_times)
def test_resume_on_day_is_the_first_dose_after_the_procedure_from_that_day(zone, day0, at, day, times):
    """The restart is after the procedure, on or after day +k, and no earlier scheduled dose qualifies."""
    finish = schedule.scheduled_dose(day0, at, zone)
    floor = schedule.start_of_day(day0 + timedelta(days=day), zone)

    first = schedule.first_dose_on_day(day0, day, finish, times, zone)

    assert_well_formed(first, times, zone)
    assert utc(first) > utc(finish)
    assert utc(first) >= utc(floor)
    previous = schedule.last_dose_holding_hours(utc(first) - timedelta(minutes=1), 0, times, zone)
    assert utc(previous) <= utc(finish) or utc(previous) < utc(floor)


@given(zone=zones, day0=procedure_days, at=clock_times, hours=st.integers(0, 240), times=usual_times)
def test_resume_after_hours_is_never_early(zone, day0, at, hours, times):
    """The restart is at least H real hours after the procedure, and the dose before it would be early."""
    finish = schedule.scheduled_dose(day0, at, zone)
    limit = utc(finish) + timedelta(hours=hours)

    first = schedule.first_dose_after_hours(finish, hours, times, zone)

    assert_well_formed(first, times, zone)
    assert utc(first) >= limit
    assert utc(first) > utc(finish)
    previous = schedule.last_dose_holding_hours(utc(first) - timedelta(minutes=1), 0, times, zone)
    assert utc(previous) < limit or (hours == 0 and utc(previous) <= utc(finish))


FIXED_OFFSET_ZONES = ("UTC", "Australia/Perth", "Asia/Tokyo", "Asia/Kolkata", "Africa/Nairobi")


@given(
    zone=st.sampled_from(FIXED_OFFSET_ZONES).map(ZoneInfo),
    day0=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 1, 1)),
    weeks=st.integers(-50, 50),
    days=st.integers(0, 20),
    times=usual_times,
)
def test_shifting_the_procedure_by_whole_weeks_shifts_the_last_dose_the_same(zone, day0, weeks, days, times):
    """Away from DST changes, the plan moves with the procedure, week for week."""
    shift = timedelta(weeks=weeks)

    base = schedule.last_dose_holding_days(day0, days, times, zone)
    moved = schedule.last_dose_holding_days(day0 + shift, days, times, zone)

    assert moved.replace(tzinfo=None) - base.replace(tzinfo=None) == shift


@given(zone=zones, day0=procedure_days, times=usual_times, days=st.integers(0, 29))
def test_a_longer_hold_never_gives_a_later_last_dose(zone, day0, times, days):
    """Holding one day more moves the last dose back by at least one scheduled dose."""
    shorter = schedule.last_dose_holding_days(day0, days, times, zone)
    longer = schedule.last_dose_holding_days(day0, days + 1, times, zone)

    assert utc(longer) < utc(shorter)


@given(zone=zones, day0=procedure_days, times=usual_times, gap=st.integers(0, 20))
def test_omitted_doses_lie_strictly_between_and_on_the_usual_clock(zone, day0, times, gap):
    """Every omitted dose is after the last dose, before the restart, at a usual time, in order."""
    last = schedule.last_dose_holding_days(day0, gap, times, zone)
    first = schedule.first_dose_on_day(day0, 1, schedule.scheduled_dose(day0, time(12), zone), times, zone)

    omitted = schedule.doses_between(last, first, times, zone)

    instants = [utc(d) for d in omitted]
    assert instants == sorted(instants)
    assert all(utc(last) < i < utc(first) for i in instants)
    assert all(on_usual_clock(d, times, zone) for d in omitted)
    assert len(omitted) >= (gap + 1) * len(times) - 1


# --- weekday-only schedules (weekly injections) ----------------------------------------------

weekdays = st.sets(st.integers(0, 6), min_size=1, max_size=3).map(lambda days: tuple(sorted(days)))


def every_dose(day0: date, times: tuple[time, ...], zone: ZoneInfo, days: tuple[int, ...]) -> list[datetime]:
    """An oracle: every scheduled dose within ten weeks of day 0, by brute force, in UTC order."""
    doses = [
        schedule.scheduled_dose(day0 + timedelta(days=offset), t, zone)
        for offset in range(-70, 71)
        if (day0 + timedelta(days=offset)).weekday() in days
        for t in times
    ]
    return sorted(doses, key=utc)


@given(zone=zones, day0=procedure_days, hold=st.integers(0, 30), times=usual_times, days=weekdays)
@example(zone=LONDON, day0=date(2026, 3, 30), hold=7, times=(time(9),), days=(0,))
def test_weekday_hold_days_is_the_latest_dose_on_a_usual_weekday_before_the_days_off(zone, day0, hold, times, days):
    """With usual weekdays, the last dose is the oracle's latest dose before day -N begins."""
    first_day_off = utc(schedule.start_of_day(day0 - timedelta(days=hold), zone))

    last = schedule.last_dose_holding_days(day0, hold, times, zone, weekdays=days)

    assert last == [d for d in every_dose(day0, times, zone, days) if utc(d) < first_day_off][-1]
    assert_well_formed(last, times, zone)


@given(zone=zones, day0=procedure_days, at=clock_times, day=st.integers(0, 10), times=usual_times, days=weekdays)
def test_weekday_resume_is_the_first_dose_on_a_usual_weekday_after_the_procedure(zone, day0, at, day, times, days):
    """With usual weekdays, the restart is the oracle's first dose after the procedure from day +k."""
    finish = schedule.scheduled_dose(day0, at, zone)
    floor = utc(schedule.start_of_day(day0 + timedelta(days=day), zone))

    first = schedule.first_dose_on_day(day0, day, finish, times, zone, weekdays=days)

    candidates = [d for d in every_dose(day0, times, zone, days) if utc(d) > utc(finish) and utc(d) >= floor]
    assert first == candidates[0]


@given(zone=zones, day0=procedure_days, hold=st.integers(0, 30), times=usual_times, days=weekdays)
def test_weekday_omitted_doses_all_fall_on_usual_weekdays(zone, day0, hold, times, days):
    """The doses skipped between the last dose and the restart are exactly the oracle's, all on usual weekdays."""
    last = schedule.last_dose_holding_days(day0, hold, times, zone, weekdays=days)
    finish = schedule.scheduled_dose(day0, time(12), zone)
    first = schedule.first_dose_on_day(day0, 1, finish, times, zone, weekdays=days)

    omitted = schedule.doses_between(last, first, times, zone, weekdays=days)

    assert list(omitted) == [d for d in every_dose(day0, times, zone, days) if utc(last) < utc(d) < utc(first)]


@given(zone=zones, day0=procedure_days, at=clock_times, hours=st.integers(0, 240), times=usual_times, days=weekdays)
def test_weekday_hold_hours_is_the_latest_dose_on_a_usual_weekday_at_least_h_hours_before(zone, day0, at, hours, times, days):
    """With usual weekdays, the last dose of an hours hold is the oracle's latest dose at least H hours before the start."""
    start = schedule.scheduled_dose(day0, at, zone)

    last = schedule.last_dose_holding_hours(start, hours, times, zone, weekdays=days)

    limit = utc(start) - timedelta(hours=hours)
    assert last == [d for d in every_dose(day0, times, zone, days) if utc(d) <= limit][-1]
    assert_well_formed(last, times, zone)


@given(zone=zones, day0=procedure_days, at=clock_times, hours=st.integers(0, 240), times=usual_times, days=weekdays)
def test_weekday_resume_after_hours_is_the_first_dose_on_a_usual_weekday_h_hours_after(zone, day0, at, hours, times, days):
    """With usual weekdays, the restart after H hours is the oracle's first dose at least H hours after the finish (strictly after it for H = 0)."""
    finish = schedule.scheduled_dose(day0, at, zone)

    first = schedule.first_dose_after_hours(finish, hours, times, zone, weekdays=days)

    limit = utc(finish) + timedelta(hours=hours)
    candidates = [d for d in every_dose(day0, times, zone, days) if utc(d) >= limit and utc(d) > utc(finish)]
    assert first == candidates[0]
    assert_well_formed(first, times, zone)
