"""The field checks a request and a policy file share: each source's words, one set of rules."""

from __future__ import annotations

import doctest
from dataclasses import dataclass
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medplan import field_checks
from medplan.field_checks import FieldChecks, clock_time, weekday


class RefusedError(Exception):
    """The error the checks under test raise: the field and the problem, as given."""

    def __init__(self, field: str, problem: str) -> None:
        """Keep the field and the problem for the test to read."""
        super().__init__(field, problem)
        self.field = field
        self.problem = problem


FILE = FieldChecks(error=RefusedError, kind=lambda value: type(value).__name__)
REQUEST = FieldChecks(
    error=RefusedError,
    kind=lambda value: type(value).__name__,
    item_paths=True,
    twice="{item} is given twice",
)


def test_docstring_examples_hold():
    """The module's examples give the output shown."""
    result = doctest.testmod(field_checks, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0


@dataclass(frozen=True)
class ListCase:
    """A list refused: which source's words, the items, and the field and problem expected."""

    checks: FieldChecks
    items: list[object]
    field: str
    problem: str


LIST_CASES = {
    "a file names the key of a bad item": ListCase(
        checks=FILE, items=["08:00", 8], field="times", problem="must be HH:MM (got int)"
    ),
    "a request names the bad item": ListCase(
        checks=REQUEST, items=["08:00", 8], field="times[1]", problem="must be HH:MM (got int)"
    ),
    "a bad text item is quoted": ListCase(
        checks=FILE, items=["8am"], field="times", problem="must be HH:MM (got '8am')"
    ),
    "a file says the key names it twice": ListCase(
        checks=FILE, items=["08:00", "08:00"], field="times", problem="names 08:00 twice"
    ),
    "a request names the repeat": ListCase(
        checks=REQUEST, items=["08:00", "08:00"], field="times[1]", problem="08:00 is given twice"
    ),
}


@pytest.mark.parametrize("case", LIST_CASES.values(), ids=LIST_CASES.keys())
def test_each_once_words_a_refusal_as_its_source_does(case):
    """A bad or repeated item is refused with the source's path and wording."""
    with pytest.raises(RefusedError) as refused:
        case.checks.each_once("times", case.items, clock_time, expected="must be HH:MM")

    assert (refused.value.field, refused.value.problem) == (case.field, case.problem)


def test_each_once_gives_the_items_in_order():
    """The items come back read and sorted, whatever order they were given in."""
    assert REQUEST.each_once("days", ["sunday", "monday"], weekday, expected="-") == (0, 6)


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_clock_time_reads(hour, minute):
    """Every HH:MM from 00:00 to 23:59 reads as that time."""
    assert clock_time(f"{hour:02d}:{minute:02d}") == time(hour, minute)


@pytest.mark.parametrize("text", ["24:00", "8:00", "08:60", "08:00:00", " 08:00", 800, None])
def test_what_is_not_a_clock_time_is_none(text):
    """A time out of range, unpadded, with seconds, spaced, or not text is not read."""
    assert clock_time(text) is None


# A name -> the weekday it reads as, or None.
WEEKDAYS = {"monday": 0, "sunday": 6, "Monday": None, "mon": None, 0: None}


@pytest.mark.parametrize(("name", "day"), WEEKDAYS.items())
def test_weekday_reads_only_a_lower_case_name(name, day):
    """A weekday is its exact lower-case name; the request's case folding is its own."""
    assert weekday(name) == day


def test_not_one_of_lists_the_choices():
    """A refused choice lists what is allowed and shows what was given."""
    problem = FILE.not_one_of("regimen", 3, ["once-daily", "twice-daily"])

    assert problem.args == ("regimen", "must be one of once-daily, twice-daily (got int)")
