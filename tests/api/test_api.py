"""Tests of medplan.api beyond the planner: what it refuses of a Python caller, and how ``earliest`` moves the start.

``plan`` and ``earliest`` are exercised throughout the suite; the tests here
cover the api module's own work: the request echoed into the plan must be
JSON, ``earliest`` fills in a start the request may leave out, and it plans
again at the earliest start with the procedure's length kept.
"""

from __future__ import annotations

import types
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

import medplan
from medplan import api

LONDON = ZoneInfo("Europe/London")

PROCEDURE = {"name": "TFESI", "timezone": "Australia/Perth", "bleeding_risk": "intermediate"}
WARFARIN = [{"name": "warfarin", "times": ["18:00"]}]


def test_a_mapping_that_json_cannot_write_is_refused():
    """A Python caller's request that is valid but not JSON data (here a read-only mapping) is an InputError, since the plan carries it as JSON."""
    request = {
        "procedure": types.MappingProxyType({**PROCEDURE, "start": "2026-12-08T09:30"}),
        "medications": WARFARIN,
    }

    with pytest.raises(medplan.InputError) as info:
        medplan.plan(request)

    assert str(info.value) == "request: must be JSON data (Object of type mappingproxy is not JSON serializable)"


@attrs.frozen(kw_only=True)
class BadNowCase:
    """One case of test_earliest_without_a_start_names_a_bad_now: now, message."""

    now: str | int
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(BadNowCase(now="tomorrow", message="now: must be a local date and time YYYY-MM-DDTHH:MM (got 'tomorrow')"), id="not-a-date"),
        pytest.param(BadNowCase(now=5, message="now: must be text (got a number)"), id="not-text"),
        pytest.param(
            BadNowCase(now="1850-01-01T10:00", message="now: must be in the years 1900 to 2199 (got '1850-01-01T10:00')"), id="out-of-years"
        ),
        pytest.param(
            BadNowCase(now="2026-02-30T10:00", message="now: 2026-02-30T10:00 is not a real date and time (day is out of range for month)"),
            id="no-such-day",
        ),
    ],
)
def test_earliest_without_a_start_names_a_bad_now(case):
    """Asked without a procedure start, a ``now`` that is no moment is refused for itself, not for the start medplan fills in."""
    with pytest.raises(medplan.InputError) as info:
        medplan.earliest({"procedure": PROCEDURE, "medications": WARFARIN}, now=case.now)

    assert str(info.value) == case.message


def test_earliest_with_an_end_gives_the_answer_without_one():
    """The procedure's end does not change when it can start or when the patient must be told."""
    with_end = {**PROCEDURE, "start": "2026-12-08T09:30", "end": "2026-12-08T10:45"}

    answer = medplan.earliest({"procedure": with_end, "medications": WARFARIN}, now="2026-12-02T10:00")

    assert answer == medplan.earliest({"procedure": PROCEDURE, "medications": WARFARIN}, now="2026-12-02T10:00")
    assert answer.earliest_start.isoformat() == "2026-12-07T00:00:00+08:00"


def test_a_moved_procedure_keeps_its_length_in_real_time():
    """Moved to a start just before the spring clock change, a 75-minute procedure still ends 75 real minutes later."""
    request = {"procedure": {**PROCEDURE, "timezone": "Europe/London", "start": "2026-03-20T09:30", "end": "2026-03-20T10:45"}, "medications": []}
    parsed = api._parse(request, medplan.default_table(), None)  # noqa: SLF001 - the start earliest plans again at
    start = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)

    moved = api._moved(parsed, start)  # noqa: SLF001

    assert (moved.start, moved.end.isoformat()) == (start, "2026-03-29T02:45:00+01:00")
    assert moved.end.timestamp() - moved.start.timestamp() == timedelta(minutes=75).total_seconds()
