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


@pytest.mark.parametrize(
    ("lab", "day", "reason"),
    [
        # England 2026: Christmas Day is a Friday; Boxing Day falls on Saturday, so
        # Monday 28 December is the substitute bank holiday.
        pytest.param(ENGLAND, date(2026, 12, 24), None, id="eng-christmas-eve-thu-open"),
        pytest.param(ENGLAND, date(2026, 12, 25), "a public holiday in GB-ENG (Christmas Day)", id="eng-christmas-fri"),
        # A weekend day is named by its weekday, though it is also Boxing Day.
        pytest.param(ENGLAND, date(2026, 12, 26), "Saturday", id="eng-boxing-day-sat"),
        pytest.param(ENGLAND, date(2026, 12, 27), "Sunday", id="eng-sun"),
        pytest.param(ENGLAND, date(2026, 12, 28), "a public holiday in GB-ENG (Boxing Day (observed))", id="eng-substitute-boxing-day-mon"),
        pytest.param(ENGLAND, date(2026, 12, 29), None, id="eng-tue-open"),
        # England 2027: Easter Sunday is 28 March.
        pytest.param(ENGLAND, date(2027, 3, 26), "a public holiday in GB-ENG (Good Friday)", id="eng-good-friday-2027"),
        pytest.param(ENGLAND, date(2027, 3, 29), "a public holiday in GB-ENG (Easter Monday)", id="eng-easter-monday-2027"),
        # Easter Monday is not a bank holiday in Scotland: the subdivision matters.
        pytest.param(LabCalendar(country="GB", subdivision="SCT"), date(2027, 3, 29), None, id="sct-easter-monday-open"),
        # Western Australia Day, the first Monday of June, is Western Australia's own.
        pytest.param(WESTERN_AUSTRALIA, date(2026, 6, 1), "a public holiday in AU-WA (Western Australia Day)", id="wa-day-2026"),
        pytest.param(LabCalendar(country="AU", subdivision="NSW"), date(2026, 6, 1), None, id="nsw-open-on-wa-day"),
        pytest.param(LabCalendar(country="AU"), date(2026, 6, 1), None, id="au-national-open-on-wa-day"),
        pytest.param(LabCalendar(country="AU"), date(2026, 1, 26), "a public holiday in AU (Australia Day)", id="au-national-australia-day"),
        # A country whose holidays are named in its own language by default is named in English.
        pytest.param(LabCalendar(country="DE"), date(2026, 12, 25), "a public holiday in DE (Christmas Day)", id="de-christmas-in-english"),
        pytest.param(LabCalendar(country="JP"), date(2026, 1, 1), "a public holiday in JP (New Year's Day)", id="jp-new-year-in-english"),
        # Without a country, only the weekdays count.
        pytest.param(WEEKDAYS, date(2026, 12, 25), None, id="no-country-christmas-open"),
        pytest.param(WEEKDAYS, date(2026, 12, 26), "Saturday", id="no-country-sat"),
        # A lab open Monday to Saturday is open on a Saturday that is not a holiday.
        pytest.param(MONDAY_TO_SATURDAY, date(2026, 12, 19), None, id="mon-sat-lab-sat-open"),
        pytest.param(MONDAY_TO_SATURDAY, date(2026, 12, 20), "Sunday", id="mon-sat-lab-sun"),
        pytest.param(MONDAY_TO_SATURDAY, date(2026, 12, 26), "a public holiday in GB-ENG (Boxing Day)", id="mon-sat-lab-boxing-day"),
    ],
)
def test_closed_says_why(lab, day, reason):
    """closed() names the weekday or the public holiday that closes the lab, and is None when it is open."""
    assert lab.closed(day) == reason


# --- moving a test to an open day -----------------------------------------------


@pytest.mark.parametrize(
    ("lab", "due", "before", "after"),
    [
        # An open day stays where it is, both ways.
        pytest.param(ENGLAND, date(2026, 12, 8), date(2026, 12, 8), date(2026, 12, 8), id="open-day-stays"),
        # Weekends, with no holiday near.
        pytest.param(WEEKDAYS, date(2026, 12, 5), date(2026, 12, 4), date(2026, 12, 7), id="sat-to-fri-or-mon"),
        pytest.param(WEEKDAYS, date(2026, 12, 6), date(2026, 12, 4), date(2026, 12, 7), id="sun-to-fri-or-mon"),
        # England, Christmas 2026: closed Friday 25 to Monday 28 December.
        pytest.param(ENGLAND, date(2026, 12, 25), date(2026, 12, 24), date(2026, 12, 29), id="eng-christmas"),
        pytest.param(ENGLAND, date(2026, 12, 28), date(2026, 12, 24), date(2026, 12, 29), id="eng-substitute-boxing-day"),
        # Without a country the same days are only a weekend.
        pytest.param(WEEKDAYS, date(2026, 12, 25), date(2026, 12, 25), date(2026, 12, 25), id="no-country-christmas"),
        pytest.param(WEEKDAYS, date(2026, 12, 27), date(2026, 12, 25), date(2026, 12, 28), id="no-country-christmas-weekend"),
        # England, Easter 2027: closed Friday 26 to Monday 29 March.
        pytest.param(ENGLAND, date(2027, 3, 27), date(2027, 3, 25), date(2027, 3, 30), id="eng-easter-2027"),
        # New Year 2027 is a Friday: across the year boundary both ways.
        pytest.param(ENGLAND, date(2027, 1, 1), date(2026, 12, 31), date(2027, 1, 4), id="eng-new-year-2027"),
        # Western Australia Day, Monday 1 June 2026: a long weekend from Saturday.
        pytest.param(WESTERN_AUSTRALIA, date(2026, 5, 30), date(2026, 5, 29), date(2026, 6, 2), id="wa-day-weekend"),
        # A lab open Monday to Saturday: Saturday is a working day, Sunday is not.
        pytest.param(MONDAY_TO_SATURDAY, date(2026, 12, 20), date(2026, 12, 19), date(2026, 12, 21), id="mon-sat-lab-sun"),
        pytest.param(MONDAY_TO_SATURDAY, date(2026, 12, 26), date(2026, 12, 24), date(2026, 12, 29), id="mon-sat-lab-christmas"),
        # A lab open only on Wednesdays.
        pytest.param(LabCalendar(weekdays=(2,)), date(2026, 12, 7), date(2026, 12, 2), date(2026, 12, 9), id="wednesdays-only"),
    ],
)
def test_a_test_moves_to_the_nearest_open_day(lab, due, before, after):
    """A test due on a closed day moves to the nearest open day: earlier with on_or_before, later with on_or_after."""
    assert (lab.on_or_before(due), lab.on_or_after(due)) == (before, after)


# --- the calendar a policy describes --------------------------------------------


def test_of_policy_takes_the_lab_settings():
    """LabCalendar.of() takes the policy's lab weekdays, country and subdivision, and nothing else."""
    policy = Policy(
        lab_weekdays=(0, 2, 4),
        lab_country="AU",
        lab_subdivision="WA",
        bridging_times=(time(9),),
        bridging_regimen="once-daily",
    )

    assert LabCalendar.of(policy) == LabCalendar(weekdays=(0, 2, 4), country="AU", subdivision="WA")


def test_default_policy_is_monday_to_friday_without_holidays():
    """The built-in default policy's lab works Monday to Friday and checks no holidays."""
    lab = LabCalendar.of(Policy())

    assert lab == LabCalendar(weekdays=(0, 1, 2, 3, 4), country=None, subdivision=None)
    assert lab.region is None


@pytest.mark.parametrize(
    ("lab", "region"),
    [
        pytest.param(ENGLAND, "GB-ENG", id="subdivision"),
        pytest.param(LabCalendar(country="AU"), "AU", id="country"),
        pytest.param(WEEKDAYS, None, id="none"),
    ],
)
def test_region_names_country_and_subdivision(lab, region):
    """region is how a plan names the holidays checked: COUNTRY-SUBDIVISION, COUNTRY, or None."""
    assert lab.region == region


# --- invalid calendars ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        pytest.param(
            {"weekdays": ()},
            ValueError,
            "'weekdays' must be a non-empty tuple of weekdays, 0 (Monday) to 6 (got ())",
            id="no-weekdays",
        ),
        pytest.param(
            {"weekdays": [0, 1]},
            ValueError,
            "'weekdays' must be a non-empty tuple of weekdays, 0 (Monday) to 6 (got [0, 1])",
            id="weekdays-list",
        ),
        pytest.param(
            {"weekdays": (0, 7)},
            ValueError,
            "'weekdays' must hold weekdays 0 (Monday) to 6 (Sunday) (got 7)",
            id="weekday-7",
        ),
        pytest.param(
            {"weekdays": (True,)},
            ValueError,
            "'weekdays' must hold weekdays 0 (Monday) to 6 (Sunday) (got True)",
            id="weekday-boolean",
        ),
        pytest.param(
            {"weekdays": (1, 1)},
            ValueError,
            "'weekdays' must not repeat a weekday (got (1, 1))",
            id="weekday-twice",
        ),
        pytest.param(
            {"country": "XX"},
            RegionError,
            "lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)",
            id="unknown-country",
        ),
        pytest.param(
            {"subdivision": "ENG"},
            RegionError,
            "lab_subdivision: needs lab_country",
            id="subdivision-without-country",
        ),
        pytest.param(
            {"country": 44},
            TypeError,
            None,
            id="country-not-text",
        ),
    ],
)
def test_invalid_calendar_is_refused(fields, error, message):
    """A calendar with no weekdays, a bad weekday or an unknown region is refused on construction, naming the field."""
    with pytest.raises(error) as excinfo:
        LabCalendar(**fields)

    if message is not None:
        assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("country", "subdivision", "key", "message"),
    [
        pytest.param("XX", None, "lab_country", "lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)", id="unknown-country"),
        pytest.param("UK", None, "lab_country", "lab_country: 'UK' is not a country the holidays package knows (e.g. GB, AU, US)", id="alias-not-iso"),
        pytest.param("au", "WA", "lab_country", "lab_country: 'au' is not a country the holidays package knows (write it in capitals: AU)", id="country-lower-case"),
        pytest.param("GB", "ZZZ", "lab_subdivision", "lab_subdivision: 'ZZZ' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)", id="unknown-subdivision"),
        pytest.param("GB", "eng", "lab_subdivision", "lab_subdivision: 'eng' is not a subdivision of GB (write it in capitals: ENG)", id="subdivision-lower-case"),
        pytest.param("JP", "13", "lab_subdivision", "lab_subdivision: '13' is not a subdivision of JP (it has none)", id="country-without-subdivisions"),
        pytest.param(None, "ENG", "lab_subdivision", "lab_subdivision: needs lab_country", id="subdivision-without-country"),
    ],
)
def test_check_region_names_the_problem(country, subdivision, key, message):
    """check_region raises a ValueError naming the setting at fault and what is wrong with it."""
    with pytest.raises(ValueError, match=r".") as excinfo:
        check_region(country, subdivision)

    assert isinstance(excinfo.value, RegionError)
    assert str(excinfo.value) == message
    assert excinfo.value.key == key


@pytest.mark.parametrize(
    ("country", "subdivision"),
    [("GB", "ENG"), ("GB", None), ("AU", "WA"), ("US", "NY"), (None, None)],
)
def test_check_region_accepts_known_codes(country, subdivision):
    """A country the holidays package knows, with one of its subdivisions or none, passes."""
    check_region(country, subdivision)


def test_search_ends_at_the_edge_of_the_calendar():
    """A search that runs off the end of the calendar raises ValueError rather than looping or overflowing."""
    wednesdays = LabCalendar(weekdays=(2,))

    with pytest.raises(ValueError, match=r".") as excinfo:
        wednesdays.on_or_after(date.max)  # 9999-12-31 is a Friday

    assert str(excinfo.value) == (
        f"the laboratory is open on no day within {SEARCH_DAYS} days after 9999-12-31"
    )


def test_search_is_capped(monkeypatch):
    """The search gives up after SEARCH_DAYS days instead of looping, whatever closes the lab."""
    monkeypatch.setattr(LabCalendar, "closed", lambda _self, _day: "closed for repairs")

    with pytest.raises(ValueError, match=r".") as excinfo:
        WEEKDAYS.on_or_before(date(2026, 12, 8))

    assert str(excinfo.value) == (
        f"the laboratory is open on no day within {SEARCH_DAYS} days before 2026-12-08"
    )


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
    LabCalendar,
    weekdays=st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(tuple),
    country=st.sampled_from(["GB", "AU", None]),
).flatmap(
    lambda lab: st.sampled_from(
        {"GB": ["ENG", "SCT", None], "AU": ["WA", "NSW", None], None: [None]}[lab.country]
    ).map(lambda subdivision: attrs.evolve(lab, subdivision=subdivision))
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
