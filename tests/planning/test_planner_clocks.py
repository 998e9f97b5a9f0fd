"""The planner across clock changes and weekday schedules: real hours, moved doses."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from plannercases import (
    B,
    iso,
    med,
    only,
    request,
)

import medplan
from medplan.render.wording import say_from


def test_an_infusion_stopped_across_the_spring_forward_change_counts_real_hours():
    """6 hours before 05:00 BST on 29 March is 22:00 GMT the night before, not 23:00."""
    at = {"start": "2026-03-29T05:00", "timezone": "Europe/London"}

    result = only(medplan.plan(request(med("heparin", route="iv"), at=at)))

    assert iso(result.last_dose) == "2026-03-28T22:00:00+00:00"
    assert iso(result.resume) == "2026-03-30T00:00:00+01:00"


def test_new_york_fall_back_keeps_the_usual_evening_dose():
    """Across New York's fall-back, warfarin stays at 18:00: EDT before, EST after.

    The INR due on Sunday 1 November is taken on Friday 30 October, the laboratory's working day before.
    """
    at = {"start": "2026-11-02T08:00", "timezone": "America/New_York"}

    result = only(medplan.plan(request(med("warfarin", "18:00"), at=at)))

    assert iso(result.last_dose) == "2026-10-27T18:00:00-04:00"
    assert iso(result.resume) == "2026-11-03T18:00:00-05:00"
    assert result.checks[0].on.isoformat() == "2026-10-30"
    assert result.checks[0].day == -3


def test_sydney_spring_forward_keeps_the_usual_dose_times():
    """Across Sydney's spring-forward (4 October), apixaban stays at 08:00 and 20:00."""
    at = {"start": "2026-10-06T09:00", "timezone": "Australia/Sydney"}

    result = only(medplan.plan(request(med("apixaban", "08:00", "20:00"), at=at, risk="high", guideline="chest-2022", crcl=80)))

    assert iso(result.last_dose) == "2026-10-03T20:00:00+10:00"
    # PAUSE's day +2 to +3 window: the first dose on day +2, after the change.
    assert iso(result.resume) == "2026-10-08T08:00:00+11:00"


def test_a_dose_in_the_spring_forward_gap_is_moved_and_the_plan_says_so():
    """A usual 01:30 dose on 29 March (London) does not exist: it is taken at 02:30 and a note says why."""
    at = {"start": "2026-03-31T08:00", "timezone": "Europe/London"}

    result = only(medplan.plan(request(med("apixaban", "01:30"), at=at, risk="low", guideline="chest-2022", crcl=80)))

    assert iso(result.last_dose) == "2026-03-29T02:30:00+01:00"
    assert (
        "The usual 01:30 dose does not exist on Sunday 29 March 2026 in Europe/London "
        "(the clocks go forward); it is taken at 02:30." in result.notes
    )


def test_the_procedure_end_delays_an_hours_restart():
    """'Resume after H hours' counts from the procedure's end when the booking gives one."""
    plan = medplan.plan(
        request(
            med("enoxaparin", "08:00", "20:00", regimen="therapeutic"),
            at=B, risk="low", guideline="chest-2022", end="2026-03-30T09:30",
            policy={"anticoagulant_resume_next_day": False},
        )
    )

    # 24 h after 09:30 BST on 30 Mar: the 08:00 dose on 31 Mar is early, 20:00 is not.
    assert iso(only(plan).resume) == "2026-03-31T20:00:00+01:00"


# --- dates and words the hand-checked rows above do not reach --------------------------------

PERTH = ZoneInfo("Australia/Perth")


def test_an_earliest_start_reads_as_a_whole_day_only_at_the_days_first_instant():
    """Midnight in the procedure's zone reads "any time that day"; 09:30, or midnight at a bare UTC offset, reads as a time."""
    assert [
        say_from(datetime(2026, 12, 8, 0, 0, tzinfo=PERTH)),
        say_from(datetime(2026, 12, 8, 9, 30, tzinfo=PERTH)),
        say_from(datetime(2026, 12, 8, 0, 0, tzinfo=UTC)),
    ] == [
        "Tuesday 8 December 2026 (any time that day)",
        "Tuesday 8 December 2026 at 09:30",
        "Tuesday 8 December 2026 at 00:00",
    ]


def test_a_restart_in_the_spring_forward_gap_is_moved_and_the_plan_says_so():
    """Warfarin at 01:30 restarting on Sunday 29 March (London) is taken at 02:30, and the note names the restart's day."""
    at = {"start": "2026-03-28T10:00", "timezone": "Europe/London"}

    result = only(medplan.plan(request(med("warfarin", "01:30"), at=at)))

    assert (iso(result.last_dose), iso(result.resume)) == ("2026-03-22T01:30:00+00:00", "2026-03-29T02:30:00+01:00")
    assert result.notes[0] == (
        "The usual 01:30 dose does not exist on Sunday 29 March 2026 in Europe/London "
        "(the clocks go forward); it is taken at 02:30."
    )


def test_an_hours_hold_and_the_next_day_restart_keep_to_the_usual_weekdays():
    """Heparin injected on Tuesdays and Thursdays, held 24 hours before Tuesday's high-risk procedure: last on Thursday 3, back on Thursday 10."""
    result = only(medplan.plan(request(med("UFH", "20:00", route="sc", days=["tuesday", "thursday"]), risk="high")))

    # 24 h before 09:30 on Tuesday 8 is Monday 09:30: the Thursday 3 dose is the last before it.
    # 6 h after is Tuesday 15:30, the seed waits for day +1, and Wednesday 9 is no injection day.
    assert (iso(result.last_dose), iso(result.resume)) == ("2026-12-03T20:00:00+08:00", "2026-12-10T20:00:00+08:00")


def test_an_hours_restart_keeps_to_the_usual_weekday():
    """Heparin injected on Wednesdays, restarted 6 hours after a Tuesday procedure (no wait for the next day), restarts on Wednesday 9."""
    body = request(med("UFH", "20:00", route="sc", days=["wednesday"]), risk="high",
                   policy={"anticoagulant_resume_next_day": False})

    result = only(medplan.plan(body))

    assert (iso(result.last_dose), iso(result.resume)) == ("2026-12-02T20:00:00+08:00", "2026-12-09T20:00:00+08:00")
