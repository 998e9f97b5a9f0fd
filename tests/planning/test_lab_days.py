"""Tests of the laboratory's working days: ``medplan.planning.lab_days``.

The rule: a test due on a closed day moves to the nearest open day, earlier
(``on_or_before``) or later (``on_or_after``). Each row below is a real date,
checked against a calendar; the holidays are the ``holidays`` package's for
England and Western Australia.
"""

from __future__ import annotations

import doctest
from datetime import date, time

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import medplan.planning.lab_days
from medplan import Policy
from medplan.planning.lab_days import SEARCH_DAYS, LabCalendar, RegionError, check_region

WEEKDAYS = LabCalendar()
ENGLAND = LabCalendar(country="GB", subdivision="ENG")
WESTERN_AUSTRALIA = LabCalendar(country="AU", subdivision="WA")
MONDAY_TO_SATURDAY = LabCalendar(weekdays=(0, 1, 2, 3, 4, 5), country="GB", subdivision="ENG")


# --- why a day is closed --------------------------------------------------------


@attrs.frozen(kw_only=True)
class ClosedDayCase:
    """One case of test_closed_says_why: lab, day, reason."""

    lab: object
    day: object
    reason: str | None


@pytest.mark.parametrize(
    "case",
    [
        # England 2026: Christmas Day is a Friday; Boxing Day falls on Saturday, so
        # Monday 28 December is the substitute bank holiday.
        pytest.param(ClosedDayCase(lab=ENGLAND, day=date(2026, 12, 24), reason=None), id="eng-christmas-eve-thu-open"),
        pytest.param(ClosedDayCase(lab=ENGLAND, day=date(2026, 12, 25), reason="a public holiday in GB-ENG (Christmas Day)"), id="eng-christmas-fri"),
        # A weekend day is named by its weekday, though it is also Boxing Day.
        pytest.param(ClosedDayCase(lab=ENGLAND, day=date(2026, 12, 26), reason="Saturday"), id="eng-boxing-day-sat"),
        pytest.param(ClosedDayCase(lab=ENGLAND, day=date(2026, 12, 27), reason="Sunday"), id="eng-sun"),
        pytest.param(
            ClosedDayCase(lab=ENGLAND, day=date(2026, 12, 28), reason="a public holiday in GB-ENG (Boxing Day (observed))"),
            id="eng-substitute-boxing-day-mon",
        ),
        pytest.param(ClosedDayCase(lab=ENGLAND, day=date(2026, 12, 29), reason=None), id="eng-tue-open"),
        # England 2027: Easter Sunday is 28 March.
        pytest.param(ClosedDayCase(lab=ENGLAND, day=date(2027, 3, 26), reason="a public holiday in GB-ENG (Good Friday)"), id="eng-good-friday-2027"),
        pytest.param(
            ClosedDayCase(lab=ENGLAND, day=date(2027, 3, 29), reason="a public holiday in GB-ENG (Easter Monday)"), id="eng-easter-monday-2027"
        ),
        # Easter Monday is not a bank holiday in Scotland: the subdivision matters.
        pytest.param(
            ClosedDayCase(lab=LabCalendar(country="GB", subdivision="SCT"), day=date(2027, 3, 29), reason=None), id="sct-easter-monday-open"
        ),
        # Western Australia Day, the first Monday of June, is Western Australia's own.
        pytest.param(
            ClosedDayCase(lab=WESTERN_AUSTRALIA, day=date(2026, 6, 1), reason="a public holiday in AU-WA (Western Australia Day)"), id="wa-day-2026"
        ),
        pytest.param(ClosedDayCase(lab=LabCalendar(country="AU", subdivision="NSW"), day=date(2026, 6, 1), reason=None), id="nsw-open-on-wa-day"),
        pytest.param(ClosedDayCase(lab=LabCalendar(country="AU"), day=date(2026, 6, 1), reason=None), id="au-national-open-on-wa-day"),
        pytest.param(
            ClosedDayCase(lab=LabCalendar(country="AU"), day=date(2026, 1, 26), reason="a public holiday in AU (Australia Day)"),
            id="au-national-australia-day",
        ),
        # A country whose holidays are named in its own language by default is named in English.
        pytest.param(
            ClosedDayCase(lab=LabCalendar(country="DE"), day=date(2026, 12, 25), reason="a public holiday in DE (Christmas Day)"),
            id="de-christmas-in-english",
        ),
        pytest.param(
            ClosedDayCase(lab=LabCalendar(country="JP"), day=date(2026, 1, 1), reason="a public holiday in JP (New Year's Day)"),
            id="jp-new-year-in-english",
        ),
        # Without a country, only the weekdays count.
        pytest.param(ClosedDayCase(lab=WEEKDAYS, day=date(2026, 12, 25), reason=None), id="no-country-christmas-open"),
        pytest.param(ClosedDayCase(lab=WEEKDAYS, day=date(2026, 12, 26), reason="Saturday"), id="no-country-sat"),
        # A lab open Monday to Saturday is open on a Saturday that is not a holiday.
        pytest.param(ClosedDayCase(lab=MONDAY_TO_SATURDAY, day=date(2026, 12, 19), reason=None), id="mon-sat-lab-sat-open"),
        pytest.param(ClosedDayCase(lab=MONDAY_TO_SATURDAY, day=date(2026, 12, 20), reason="Sunday"), id="mon-sat-lab-sun"),
        pytest.param(
            ClosedDayCase(lab=MONDAY_TO_SATURDAY, day=date(2026, 12, 26), reason="a public holiday in GB-ENG (Boxing Day)"),
            id="mon-sat-lab-boxing-day",
        ),
    ],
)
def test_closed_says_why(case):
    """closed() names the weekday or the public holiday that closes the lab, and is None when it is open."""
    assert case.lab.closed(case.day) == case.reason


# --- moving a test to an open day -----------------------------------------------


@attrs.frozen(kw_only=True)
class NearestOpenDayCase:
    """One case of test_a_test_moves_to_the_nearest_open_day: lab, due, before, after."""

    lab: object
    due: object
    before: object
    after: object


@pytest.mark.parametrize(
    "case",
    [
        # An open day stays where it is, both ways.
        pytest.param(NearestOpenDayCase(lab=ENGLAND, due=date(2026, 12, 8), before=date(2026, 12, 8), after=date(2026, 12, 8)), id="open-day-stays"),
        # Weekends, with no holiday near.
        pytest.param(
            NearestOpenDayCase(lab=WEEKDAYS, due=date(2026, 12, 5), before=date(2026, 12, 4), after=date(2026, 12, 7)), id="sat-to-fri-or-mon"
        ),
        pytest.param(
            NearestOpenDayCase(lab=WEEKDAYS, due=date(2026, 12, 6), before=date(2026, 12, 4), after=date(2026, 12, 7)), id="sun-to-fri-or-mon"
        ),
        # England, Christmas 2026: closed Friday 25 to Monday 28 December.
        pytest.param(
            NearestOpenDayCase(lab=ENGLAND, due=date(2026, 12, 25), before=date(2026, 12, 24), after=date(2026, 12, 29)), id="eng-christmas"
        ),
        pytest.param(
            NearestOpenDayCase(lab=ENGLAND, due=date(2026, 12, 28), before=date(2026, 12, 24), after=date(2026, 12, 29)),
            id="eng-substitute-boxing-day",
        ),
        # Without a country the same days are only a weekend.
        pytest.param(
            NearestOpenDayCase(lab=WEEKDAYS, due=date(2026, 12, 25), before=date(2026, 12, 25), after=date(2026, 12, 25)), id="no-country-christmas"
        ),
        pytest.param(
            NearestOpenDayCase(lab=WEEKDAYS, due=date(2026, 12, 27), before=date(2026, 12, 25), after=date(2026, 12, 28)),
            id="no-country-christmas-weekend",
        ),
        # England, Easter 2027: closed Friday 26 to Monday 29 March.
        pytest.param(NearestOpenDayCase(lab=ENGLAND, due=date(2027, 3, 27), before=date(2027, 3, 25), after=date(2027, 3, 30)), id="eng-easter-2027"),
        # New Year 2027 is a Friday: across the year boundary both ways.
        pytest.param(
            NearestOpenDayCase(lab=ENGLAND, due=date(2027, 1, 1), before=date(2026, 12, 31), after=date(2027, 1, 4)), id="eng-new-year-2027"
        ),
        # Western Australia Day, Monday 1 June 2026: a long weekend from Saturday.
        pytest.param(
            NearestOpenDayCase(lab=WESTERN_AUSTRALIA, due=date(2026, 5, 30), before=date(2026, 5, 29), after=date(2026, 6, 2)), id="wa-day-weekend"
        ),
        # A lab open Monday to Saturday: Saturday is a working day, Sunday is not.
        pytest.param(
            NearestOpenDayCase(lab=MONDAY_TO_SATURDAY, due=date(2026, 12, 20), before=date(2026, 12, 19), after=date(2026, 12, 21)),
            id="mon-sat-lab-sun",
        ),
        pytest.param(
            NearestOpenDayCase(lab=MONDAY_TO_SATURDAY, due=date(2026, 12, 26), before=date(2026, 12, 24), after=date(2026, 12, 29)),
            id="mon-sat-lab-christmas",
        ),
        # A lab open only on Wednesdays.
        pytest.param(
            NearestOpenDayCase(lab=LabCalendar(weekdays=(2,)), due=date(2026, 12, 7), before=date(2026, 12, 2), after=date(2026, 12, 9)),
            id="wednesdays-only",
        ),
    ],
)
def test_a_test_moves_to_the_nearest_open_day(case):
    """A test due on a closed day moves to the nearest open day: earlier with on_or_before, later with on_or_after."""
    assert (case.lab.on_or_before(case.due), case.lab.on_or_after(case.due)) == (case.before, case.after)


# --- the calendar a policy describes --------------------------------------------


def test_of_policy_takes_the_lab_settings():
    """LabCalendar.of() takes the policy's lab weekdays, country and subdivision, and nothing else."""
    policy = Policy(lab_weekdays=(0, 2, 4), lab_country="AU", lab_subdivision="WA", bridging_times=(time(9),), bridging_regimen="once-daily")

    assert LabCalendar.of(policy) == LabCalendar(weekdays=(0, 2, 4), country="AU", subdivision="WA")


def test_default_policy_is_monday_to_friday_without_holidays():
    """The built-in default policy's lab works Monday to Friday and checks no holidays."""
    lab = LabCalendar.of(Policy())

    assert lab == LabCalendar(weekdays=(0, 1, 2, 3, 4), country=None, subdivision=None)
    assert lab.region is None


@attrs.frozen(kw_only=True)
class RegionNameCase:
    """One case of test_region_names_country_and_subdivision: lab, region."""

    lab: object
    region: str | None


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(RegionNameCase(lab=ENGLAND, region="GB-ENG"), id="subdivision"),
        pytest.param(RegionNameCase(lab=LabCalendar(country="AU"), region="AU"), id="country"),
        pytest.param(RegionNameCase(lab=WEEKDAYS, region=None), id="none"),
    ],
)
def test_region_names_country_and_subdivision(case):
    """region is how a plan names the holidays checked: COUNTRY-SUBDIVISION, COUNTRY, or None."""
    assert case.lab.region == case.region


# --- invalid calendars ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class InvalidCalendarCase:
    """One case of test_invalid_calendar_is_refused: fields, error, message."""

    fields: dict
    error: object
    message: str | None


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            InvalidCalendarCase(
                fields={"weekdays": ()}, error=ValueError, message="'weekdays' must be a non-empty tuple of weekdays, 0 (Monday) to 6 (got ())"
            ),
            id="no-weekdays",
        ),
        pytest.param(
            InvalidCalendarCase(
                fields={"weekdays": [0, 1]},
                error=ValueError,
                message="'weekdays' must be a non-empty tuple of weekdays, 0 (Monday) to 6 (got [0, 1])",
            ),
            id="weekdays-list",
        ),
        pytest.param(
            InvalidCalendarCase(
                fields={"weekdays": (0, 7)}, error=ValueError, message="'weekdays' must hold weekdays 0 (Monday) to 6 (Sunday) (got 7)"
            ),
            id="weekday-7",
        ),
        pytest.param(
            InvalidCalendarCase(
                fields={"weekdays": (True,)}, error=ValueError, message="'weekdays' must hold weekdays 0 (Monday) to 6 (Sunday) (got True)"
            ),
            id="weekday-boolean",
        ),
        pytest.param(
            InvalidCalendarCase(fields={"weekdays": (1, 1)}, error=ValueError, message="'weekdays' must not repeat a weekday (got (1, 1))"),
            id="weekday-twice",
        ),
        pytest.param(
            InvalidCalendarCase(
                fields={"country": "XX"}, error=RegionError, message="lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)"
            ),
            id="unknown-country",
        ),
        pytest.param(
            InvalidCalendarCase(fields={"subdivision": "ENG"}, error=RegionError, message="lab_subdivision: needs lab_country"),
            id="subdivision-without-country",
        ),
        pytest.param(InvalidCalendarCase(fields={"country": 44}, error=TypeError, message=None), id="country-not-text"),
    ],
)
def test_invalid_calendar_is_refused(case):
    """A calendar with no weekdays, a bad weekday or an unknown region is refused on construction, naming the field."""
    with pytest.raises(case.error) as excinfo:
        LabCalendar(**case.fields)

    if case.message is not None:
        assert str(excinfo.value) == case.message


@attrs.frozen(kw_only=True)
class BadRegionCase:
    """One case of test_check_region_names_the_problem: country, subdivision, key, message."""

    country: str | None
    subdivision: str | None
    key: str
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            BadRegionCase(
                country="XX",
                subdivision=None,
                key="lab_country",
                message="lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)",
            ),
            id="unknown-country",
        ),
        pytest.param(
            BadRegionCase(
                country="UK",
                subdivision=None,
                key="lab_country",
                message="lab_country: 'UK' is not a country the holidays package knows (e.g. GB, AU, US)",
            ),
            id="alias-not-iso",
        ),
        pytest.param(
            BadRegionCase(
                country="au",
                subdivision="WA",
                key="lab_country",
                message="lab_country: 'au' is not a country the holidays package knows (write it in capitals: AU)",
            ),
            id="country-lower-case",
        ),
        pytest.param(
            BadRegionCase(
                country="GB",
                subdivision="ZZZ",
                key="lab_subdivision",
                message="lab_subdivision: 'ZZZ' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)",
            ),
            id="unknown-subdivision",
        ),
        pytest.param(
            BadRegionCase(
                country="GB",
                subdivision="eng",
                key="lab_subdivision",
                message="lab_subdivision: 'eng' is not a subdivision of GB (write it in capitals: ENG)",
            ),
            id="subdivision-lower-case",
        ),
        pytest.param(
            BadRegionCase(
                country="JP", subdivision="13", key="lab_subdivision", message="lab_subdivision: '13' is not a subdivision of JP (it has none)"
            ),
            id="country-without-subdivisions",
        ),
        pytest.param(
            BadRegionCase(country=None, subdivision="ENG", key="lab_subdivision", message="lab_subdivision: needs lab_country"),
            id="subdivision-without-country",
        ),
    ],
)
def test_check_region_names_the_problem(case):
    """check_region raises a ValueError naming the setting at fault and what is wrong with it."""
    with pytest.raises(ValueError, match=r".") as excinfo:
        check_region(case.country, case.subdivision)

    assert isinstance(excinfo.value, RegionError)
    assert str(excinfo.value) == case.message
    assert excinfo.value.key == case.key


@attrs.frozen(kw_only=True)
class KnownRegionCase:
    """One case of test_check_region_accepts_known_codes: country, subdivision."""

    country: str | None
    subdivision: str | None


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(KnownRegionCase(country="GB", subdivision="ENG"), id="GB-ENG"),
        pytest.param(KnownRegionCase(country="GB", subdivision=None), id="GB-None"),
        pytest.param(KnownRegionCase(country="AU", subdivision="WA"), id="AU-WA"),
        pytest.param(KnownRegionCase(country="US", subdivision="NY"), id="US-NY"),
        pytest.param(KnownRegionCase(country=None, subdivision=None), id="None-None"),
    ],
)
def test_check_region_accepts_known_codes(case):
    """A country the holidays package knows, with one of its subdivisions or none, passes."""
    check_region(case.country, case.subdivision)


def test_search_ends_at_the_edge_of_the_calendar():
    """A search that runs off the end of the calendar raises ValueError rather than looping or overflowing."""
    wednesdays = LabCalendar(weekdays=(2,))

    with pytest.raises(ValueError, match=r".") as excinfo:
        wednesdays.on_or_after(date.max)  # 9999-12-31 is a Friday

    assert str(excinfo.value) == (f"the laboratory is open on no day within {SEARCH_DAYS} days after 9999-12-31")


def test_search_is_capped(monkeypatch):
    """The search gives up after SEARCH_DAYS days instead of looping, whatever closes the lab."""
    monkeypatch.setattr(LabCalendar, "closed", lambda _self, _day: "closed for repairs")

    with pytest.raises(ValueError, match=r".") as excinfo:
        WEEKDAYS.on_or_before(date(2026, 12, 8))

    assert str(excinfo.value) == (f"the laboratory is open on no day within {SEARCH_DAYS} days before 2026-12-08")


def test_calendar_is_frozen():
    """A LabCalendar is a frozen value: it cannot be changed after it is made."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ENGLAND.country = "AU"


def test_docstring_examples_hold():
    """Every example in medplan.planning.lab_days' docstrings gives the output shown."""
    result = doctest.testmod(medplan.planning.lab_days, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0


# --- properties -----------------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
calendars = st.builds(
    LabCalendar, weekdays=st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(tuple), country=st.sampled_from(["GB", "AU", None])
).flatmap(
    lambda lab: st.sampled_from({"GB": ["ENG", "SCT", None], "AU": ["WA", "NSW", None], None: [None]}[lab.country]).map(
        lambda subdivision: attrs.evolve(lab, subdivision=subdivision)
    )
)


@given(lab=calendars, day=days)
@example(lab=ENGLAND, day=date(2026, 12, 28))
@example(lab=WESTERN_AUSTRALIA, day=date(2026, 6, 1))
@example(lab=LabCalendar(weekdays=(6,), country="GB", subdivision="ENG"), day=date(2026, 12, 27))
def test_on_or_before_is_the_latest_open_day(lab, day):
    """on_or_before(d) is on or before d, open, and every day strictly between it and d is closed."""
    found = lab.on_or_before(day)

    assert found <= day
    assert lab.closed(found) is None
    assert all(lab.closed(date.fromordinal(n)) is not None for n in range(found.toordinal() + 1, day.toordinal() + 1))


@given(lab=calendars, day=days)
@example(lab=ENGLAND, day=date(2026, 12, 25))
@example(lab=ENGLAND, day=date(2027, 3, 26))
@example(lab=LabCalendar(weekdays=(0,), country="GB", subdivision="ENG"), day=date(2026, 12, 22))
def test_on_or_after_is_the_earliest_open_day(lab, day):
    """on_or_after(d) is on or after d, open, and every day strictly between d and it is closed."""
    found = lab.on_or_after(day)

    assert found >= day
    assert lab.closed(found) is None
    assert all(lab.closed(date.fromordinal(n)) is not None for n in range(day.toordinal(), found.toordinal()))


@given(lab=calendars, day=days)
def test_an_open_day_does_not_move(lab, day):
    """An open day is its own nearest open day, both ways; a closed one moves strictly both ways."""
    if lab.closed(day) is None:
        assert lab.on_or_before(day) == day == lab.on_or_after(day)
    else:
        assert lab.on_or_before(day) < day < lab.on_or_after(day)
