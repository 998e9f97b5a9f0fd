"""The booking questions: earliest bookable start, notify-by, and a booking made too soon.

Hand-checked answers first, each worked out from medplan.planning.booking's definitions (the
patient is told at ``now`` and stops at the next dose; every dose before ``now`` was
taken), then properties that hold them against the planner itself: a procedure at the
earliest start has a plan in which no dose to leave out falls before ``now``, and one
hour earlier it does not.

Perth is UTC+8 with no daylight saving; London's clocks go forward on Sunday 29 March 2026
at 01:00 GMT.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from plannercases import DRUGS, med, request
from strategies import zones

import medplan
from medplan import Action

PERTH = {"start": "2026-12-08T09:30", "timezone": "Australia/Perth"}
LONDON = {"start": "2026-04-06T09:30", "timezone": "Europe/London"}


def answer(medications, now, at=PERTH, risk="intermediate", **extra):
    return medplan.earliest(request(*medications, at=at, risk=risk, **extra), now=now)


@attrs.frozen(kw_only=True)
class EarliestStartCase:
    """One case of test_the_hand_checked_earliest_starts: medications, now, at, earliest, notify_by, limited_by."""

    medications: object
    now: str
    at: object
    earliest: str
    notify_by: str | None
    limited_by: tuple


CASES = [
    # Warfarin 5 days: the 18:00 dose on Wed 2 Dec is still to come at 10:00, so the last dose taken
    # is Tue 1 Dec (day -6 of Mon 7 Dec): any time on Mon 7 Dec; tell the patient before Wed 18:00.
    pytest.param(
        EarliestStartCase(
            medications=[med("warfarin", "18:00")],
            now="2026-12-02T10:00",
            at=PERTH,
            earliest="2026-12-07T00:00:00+08:00",
            notify_by="2026-12-02T18:00:00+08:00",
            limited_by=("warfarin",),
        ),
        id="warfarin-before-its-dose",
    ),
    # At 19:00 Wednesday's dose has been taken: day -6 is Wed 2 Dec, day 0 Tue 8 Dec.
    pytest.param(
        EarliestStartCase(
            medications=[med("warfarin", "18:00")],
            now="2026-12-02T19:00",
            at=PERTH,
            earliest="2026-12-08T00:00:00+08:00",
            notify_by="2026-12-03T18:00:00+08:00",
            limited_by=("warfarin",),
        ),
        id="warfarin-after-its-dose",
    ),
    # A dose due at the very moment the patient is told can still be left out.
    pytest.param(
        EarliestStartCase(
            medications=[med("warfarin", "18:00")],
            now="2026-12-02T18:00",
            at=PERTH,
            earliest="2026-12-07T00:00:00+08:00",
            notify_by="2026-12-02T18:00:00+08:00",
            limited_by=("warfarin",),
        ),
        id="warfarin-at-its-dose",
    ),
    # Therapeutic enoxaparin, 24 hours (ASRA): last taken 08:00 Wed, so from 08:00 Thu; the 20:00 dose is the first left out.
    pytest.param(
        EarliestStartCase(
            medications=[med("enoxaparin", "08:00", "20:00", regimen="therapeutic")],
            now="2026-12-02T10:00",
            at=PERTH,
            earliest="2026-12-03T08:00:00+08:00",
            notify_by="2026-12-02T20:00:00+08:00",
            limited_by=("enoxaparin",),
        ),
        id="enoxaparin-24-hours",
    ),
    # An IV heparin infusion stopped 6 hours before: stop it now, start at 16:00.
    pytest.param(
        EarliestStartCase(
            medications=[med("heparin", route="iv")],
            now="2026-12-02T10:00",
            at=PERTH,
            earliest="2026-12-02T16:00:00+08:00",
            notify_by="2026-12-02T10:00:00+08:00",
            limited_by=("heparin",),
        ),
        id="heparin-infusion-6-hours",
    ),
    # 24 real hours across the spring-forward: 20:00 GMT Sat 28 Mar + 24 h is 21:00 BST Sun 29 Mar.
    pytest.param(
        EarliestStartCase(
            medications=[med("enoxaparin", "20:00", regimen="therapeutic")],
            now="2026-03-28T21:00",
            at=LONDON,
            earliest="2026-03-29T21:00:00+01:00",
            notify_by="2026-03-29T20:00:00+01:00",
            limited_by=("enoxaparin",),
        ),
        id="enoxaparin-across-spring-forward",
    ),
    # Clopidogrel (a review row, its 7 days proposed) still counts: last taken 08:00 Wed 2 Dec, so day 0 Thu 10 Dec.
    # It sets the date; booked then, warfarin's last dose is day -6 (Fri 4 Dec) and its first left out
    # Sat 5 Dec 18:00, later than clopidogrel's first left out, Thu 3 Dec 08:00.
    pytest.param(
        EarliestStartCase(
            medications=[med("warfarin", "18:00"), med("clopidogrel", "08:00")],
            now="2026-12-02T10:00",
            at=PERTH,
            earliest="2026-12-10T00:00:00+08:00",
            notify_by="2026-12-03T08:00:00+08:00",
            limited_by=("clopidogrel",),
        ),
        id="clopidogrel-sets-the-date",
    ),
    # Aspirin is continued: nothing to hold, the procedure can start now, and nobody need be told.
    pytest.param(
        EarliestStartCase(
            medications=[med("aspirin", "08:00")],
            now="2026-12-02T10:00",
            at=PERTH,
            earliest="2026-12-02T10:00:00+08:00",
            notify_by=None,
            limited_by=(),
        ),
        id="nothing-held",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_the_hand_checked_earliest_starts(case):
    """The earliest start, the notify-by for a booking then, and the medicines that set it."""
    result = answer(case.medications, case.now, case.at)

    assert result.earliest_start.isoformat() == case.earliest
    assert (None if result.notify_by is None else result.notify_by.isoformat()) == case.notify_by
    assert result.limited_by == case.limited_by
    assert not result.too_soon


def test_earliest_needs_no_start():
    """A booking system asks before it offers a slot: the request may leave procedure.start out."""
    body = request(med("warfarin", "18:00"))
    del body["procedure"]["start"]

    result = medplan.earliest(body, now="2026-12-02T10:00")

    assert result.earliest_start.isoformat() == "2026-12-07T00:00:00+08:00"


def test_earliest_needs_a_now():
    """Without a moment to count from there is no earliest start."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.earliest(request(med("warfarin", "18:00")))

    assert str(excinfo.value) == "now: is required to find the earliest start"


def test_now_may_carry_a_utc_offset():
    """02:00 UTC is 10:00 in Perth: the same answer as the local time."""
    result = answer([med("warfarin", "18:00")], "2026-12-02T02:00Z")

    assert result.now.isoformat() == "2026-12-02T10:00:00+08:00"
    assert result.earliest_start.isoformat() == "2026-12-07T00:00:00+08:00"


def test_a_naive_now_from_python_is_refused():
    """A datetime without a zone could mean any moment."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request(med("warfarin", "18:00")), now=datetime(2026, 12, 2, 10))

    assert str(excinfo.value) == "now: must be an aware datetime (got naive 2026-12-02T10:00:00)"


def test_a_booking_in_time_carries_the_answers():
    """Booked for Tue 8 Dec 09:30 on Wed 2 Dec at 10:00: warfarin's Thursday dose is the first left out."""
    plan = medplan.plan(request(med("warfarin", "18:00")), now="2026-12-02T10:00")

    assert not plan.booking.too_soon
    assert plan.booking.notify_by.isoformat() == "2026-12-03T18:00:00+08:00"
    assert plan.to_dict()["booking"] == {
        "now": "2026-12-02T10:00:00+08:00",
        "now_source": "request",
        "earliest_start": "2026-12-07T00:00:00+08:00",
        "notify_by": "2026-12-03T18:00:00+08:00",
        "too_soon": False,
        "limited_by": ["warfarin"],
        "medicines": [{"input": "warfarin", "earliest_start": "2026-12-07T00:00:00+08:00", "notify_by": "2026-12-03T18:00:00+08:00"}],
    }
    assert plan.medications[0].action is Action.HOLD


def test_a_booking_too_soon_says_so_plainly():
    """Told on Thu 3 Dec at 19:00, after that evening's warfarin: the 8 Dec hold can no longer be met."""
    plan = medplan.plan(request(med("warfarin", "18:00"), med("aspirin", "08:00")), now="2026-12-03T19:00")
    warfarin, aspirin = plan.medications

    assert plan.booking.too_soon
    assert plan.booking.notify_by is None
    assert plan.booking.earliest_start.isoformat() == "2026-12-09T00:00:00+08:00"
    assert plan.review_reasons[0] == (
        "Booked too soon: told now (Thursday 3 December 2026 at 19:00), warfarin cannot be stopped in time; the earliest start at which every hold can be met is Wednesday 9 December 2026 (any time that day): book from then, not Tuesday 8 December 2026 at 09:30"
    )
    assert warfarin.action is Action.REVIEW
    assert warfarin.last_dose is None
    assert warfarin.omitted_doses == ()
    assert warfarin.review_reason == (
        "booked too soon: its hold (5 days) needs the last dose on Wednesday 2 December 2026 at 18:00, and a dose after it is due before now; stopped at its next dose, it allows a start from Wednesday 9 December 2026 (any time that day)"
    )
    assert warfarin.instruction.startswith("Do not change how you take your warfarin")
    assert aspirin.action is Action.CONTINUE
    assert not [e for e in plan.timeline if e.kind == "last-dose"]


def test_a_procedure_in_the_past_is_too_soon():
    """Nothing held, but the procedure started before now."""
    plan = medplan.plan(request(med("aspirin", "08:00")), now="2026-12-09T10:00")

    assert plan.booking.too_soon
    assert plan.review_reasons[0].startswith("Booked too soon: told now (Wednesday 9 December 2026 at 10:00), the procedure starts before now;")


def test_without_now_there_are_no_booking_answers():
    """The booking answers are given only when the request says when it is asked."""
    plan = medplan.plan(request(med("warfarin", "18:00")))

    assert plan.booking is None
    assert plan.to_dict()["booking"] is None


def test_the_plan_echoes_the_request_with_now():
    """A stored plan carries what it was planned from, including the moment given by the caller."""
    body = request(med("warfarin", "18:00"))

    echoed = medplan.plan(body, now="2026-12-02T10:00").to_dict()["request"]

    assert echoed == {**body, "now": "2026-12-02T10:00"}


# --- properties: the earliest start against the planner's own dates ------------------------


def feasible(plan, now, medications):
    """No dose the plan leaves out (nor an infusion's stop) falls before now: worked out from the plan's dates only."""
    for medication, order in zip(plan.medications, medications, strict=True):
        if medication.hold is None or medication.last_dose is None:
            continue
        infusion = order.get("route") == "iv"
        stop = medication.last_dose if infusion else next(iter(medication.omitted_doses), None)
        if stop is not None and stop.astimezone(UTC) < now.astimezone(UTC):
            return False
    return plan.procedure.start.astimezone(UTC) >= now.astimezone(UTC)


def plan_at(body, start, zone):
    local = start.astimezone(zone)
    if local.second or local.microsecond:
        return None
    at = {"start": local.strftime("%Y-%m-%dT%H:%M"), "timezone": zone.key}
    try:
        return medplan.plan({**body, "procedure": {**body["procedure"], **at}})
    except medplan.InputError:  # the local time falls in a gap or a fold: it cannot be booked as text
        return None


nows = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2031, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0))


@given(
    medications=st.lists(st.sampled_from(DRUGS), min_size=1, max_size=4),
    guideline=st.sampled_from(["asra-pain-2018", "chest-2022"]),
    risk=st.sampled_from(["low", "intermediate", "high"]),
    now=nows,
    zone=zones,
)
@example(
    medications=[med("warfarin", "18:00")], guideline="asra-pain-2018", risk="high", now=datetime(2026, 3, 23, 19, 0), zone=ZoneInfo("Europe/London")
)
@example(
    medications=[med("enoxaparin", "01:30", regimen="therapeutic")],
    guideline="asra-pain-2018",
    risk="high",
    now=datetime(2026, 3, 28, 2, 0),
    zone=ZoneInfo("Europe/London"),
)
def test_the_earliest_start_is_exactly_when_a_plan_becomes_possible(medications, guideline, risk, now, zone):
    """At the earliest start every hold can be met; one hour earlier some dose to leave out is already past."""
    assume(zone.key not in {"Factory", "localtime", "posixrules"})
    moment = now.replace(tzinfo=zone)
    assume(moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == now)  # now exists on the clock
    body = request(*medications, at={"timezone": zone.key}, risk=risk, guideline=guideline, crcl=80)
    result = medplan.earliest(body, now=moment.isoformat(timespec="minutes"))
    earliest = result.earliest_start

    assert earliest.tzinfo is zone
    assert earliest.astimezone(UTC) >= moment.astimezone(UTC)
    at_earliest = plan_at(body, earliest, zone)
    if at_earliest is not None:
        assert feasible(at_earliest, moment, medications)
    hour_before = earliest.astimezone(UTC) - timedelta(hours=1)
    if hour_before >= moment.astimezone(UTC):
        before = plan_at(body, hour_before, zone)
        if before is not None:
            assert not feasible(before, moment, medications)


@given(medications=st.lists(st.sampled_from(DRUGS), min_size=1, max_size=4), now=nows, days_ahead=st.integers(0, 15), hour=st.integers(0, 23))
def test_too_soon_is_exactly_a_start_before_the_earliest(medications, now, days_ahead, hour):
    """A plan says too soon exactly when its start is before the earliest start, and then shows no last dose in the past."""
    zone = ZoneInfo("Australia/Perth")
    start = (now + timedelta(days=days_ahead)).replace(hour=hour, minute=0)
    body = request(*medications, at={"start": start.strftime("%Y-%m-%dT%H:%M"), "timezone": zone.key}, crcl=80)

    plan = medplan.plan(body, now=now.strftime("%Y-%m-%dT%H:%M"))
    booking = plan.booking

    assert booking.too_soon == (plan.procedure.start < booking.earliest_start)
    assert plan.needs_review or not booking.too_soon
    for medication in plan.medications:
        if medication.last_dose is not None and medication.action is not Action.CONTINUE:
            assert medication.omitted_doses == () or medication.omitted_doses[0] >= booking.now


# Abciximab (ReoPro), an infusion held 5 days before a high-risk procedure, is off by the
# start of day -5, and cannot be stopped before the patient is told.
@attrs.frozen(kw_only=True)
class InfusionStopCase:
    """One case of test_an_infusion_held_days_stops_at_a_midnight_not_before_now: now, start, stop."""

    now: str
    start: str
    stop: str


INFUSION_DAYS = [
    # Told at 10:00 Wed 2 Dec: it stops at the next midnight, Thu 3 Dec, day -5 of Tue 8 Dec.
    pytest.param(
        InfusionStopCase(now="2026-12-02T10:00", start="2026-12-08T00:00:00+08:00", stop="2026-12-03T00:00:00+08:00"), id="stops-at-the-next-midnight"
    ),
    # Told at midnight itself, it can stop at once: Wed 2 Dec is day -5 of Mon 7 Dec.
    pytest.param(
        InfusionStopCase(now="2026-12-02T00:00", start="2026-12-07T00:00:00+08:00", stop="2026-12-02T00:00:00+08:00"), id="told-at-midnight"
    ),
]


@pytest.mark.parametrize("case", INFUSION_DAYS)
def test_an_infusion_held_days_stops_at_a_midnight_not_before_now(case):
    """An infusion held 5 days stops at the first start of a day at or after now, and the procedure can start 5 days after that."""
    result = answer([med("ReoPro", route="iv")], case.now, risk="high")

    assert (result.earliest_start.isoformat(), result.notify_by.isoformat(), result.limited_by) == (case.start, case.stop, ("ReoPro",))
