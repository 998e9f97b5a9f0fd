"""The warfarin pathway's properties: bookings drawn by Hypothesis, bridged or not, in several zones.

Bridging never overlaps the hold nor restarts early, the timeline is in order and
counts days from the procedure, and INR tests fall on working days. The
hand-checked plans are in test_pathway.py.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

import medplan
from medplan.model import Bridging

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Australia/Perth"]
# The protocol's hours are elapsed (a pharmacological interval: warfarin_pathway.csv's
# "at least 24 hours"), so every limit is an instant: 24 hours on the wall clock is
# 25 real hours the day the clocks go back, 23 the day they go forward.
HOLD_HOURS = 24
RESTART_HOURS = {"low": 24, "intermediate": 24, "high": 48}
# After a high-risk procedure the restart is a window that closes 72 hours after (BRIDGE; ASH day +2 or +3).
WINDOW_CLOSES_HOURS = 72


@st.composite
def bridged_bookings(draw):
    start = draw(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)))
    start = start.replace(second=0, microsecond=0)
    first = draw(st.times(max_value=time(11, 59)).map(lambda t: t.replace(second=0, microsecond=0)))
    second = draw(st.times(min_value=time(12, 0)).map(lambda t: t.replace(second=0, microsecond=0)))
    risk = draw(st.sampled_from(["low", "intermediate", "high"]))
    return {
        "procedure": {
            "name": "procedure",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "timezone": draw(st.sampled_from(ZONES)),
            "bleeding_risk": risk,
            # ASRA leaves warfarin before a low-risk procedure to review; CHEST holds it.
            "guideline": "chest-2022" if risk == "low" else draw(st.sampled_from(["asra-pain-2018", "chest-2022"])),
        },
        "patient": {
            "weight_kg": draw(st.integers(45, 140)),
            "crcl_ml_min": draw(st.integers(10, 150)),
            "anticoagulation": [{"reason": "mechanical-heart-valve", "valve_position": "mitral"}],
        },
        "medications": [{"name": "warfarin", "times": ["18:00"]}],
        "policy": {
            "bridging_agent": draw(st.sampled_from(["enoxaparin", "dalteparin"])),
            "bridging_regimen": draw(st.sampled_from(["twice-daily", "once-daily"])),
            "bridging_times": [f"{first:%H:%M}", f"{second:%H:%M}"],
        },
    }


def bridged(request):
    try:
        return medplan.plan(request)
    except medplan.InputError:  # a start inside a daylight-saving gap or overlap is refused at input
        return None


def sydney_booking(start, first):
    """A bridged booking in Sydney, for the clock-change examples."""
    return {
        "procedure": {
            "name": "procedure",
            "start": start,
            "timezone": "Australia/Sydney",
            "bleeding_risk": "intermediate",
            "guideline": "chest-2022",
        },
        "patient": {
            "weight_kg": 80,
            "crcl_ml_min": 90,
            "anticoagulation": [{"reason": "mechanical-heart-valve", "valve_position": "mitral"}],
        },
        "medications": [{"name": "warfarin", "times": ["18:00"]}],
        "policy": {
            "bridging_agent": "enoxaparin",
            "bridging_regimen": "twice-daily",
            "bridging_times": [first, "15:00"],
        },
    }


def instant(moment):
    """Seconds since the epoch: aware datetimes of one zone compare by wall clock, this by real time."""
    return moment.timestamp()


@given(bridged_bookings())
@settings(max_examples=150)
# The clocks go back at 03:00 on 5 April 2026: 03:01 the day before is 24 h 59 min
# earlier, so it is allowed (a wall-clock day back, 03:00, is 25 real hours).
@example(sydney_booking("2026-04-05T03:00", "03:01"))
# They go forward at 02:00 on 4 October 2026: 03:00 the day before is only 23 real
# hours earlier, so it is not (a wall-clock day back would allow it).
@example(sydney_booking("2026-10-04T03:00", "03:00"))
def test_bridging_never_overlaps_the_hold_and_never_restarts_early(request):
    """No injection between 24 real hours before the procedure and the protocol's restart, on either side."""
    plan = bridged(request)
    if plan is None:
        return
    procedure = plan.procedure
    injections = [e.at for e in plan.timeline if e.kind == "injection"]
    hold_from = instant(procedure.start) - HOLD_HOURS * 3600
    restart_after = instant(procedure.finish) + RESTART_HOURS[procedure.bleeding_risk.value] * 3600
    for at in injections:
        assert instant(at) <= hold_from or instant(at) >= restart_after
        assert at.date() >= procedure.day0 - timedelta(days=3)
    after = [at for at in injections if instant(at) > instant(procedure.start)]
    if after:
        assert min(after, key=instant).date() > procedure.day0  # the seed policy: anticoagulants not before day +1
    if after and procedure.bleeding_risk.value == "high":
        closes = instant(procedure.finish) + WINDOW_CLOSES_HOURS * 3600
        assert instant(min(after, key=instant)) <= closes
    warfarin = plan.medications[0]
    assert warfarin.resume.date() > procedure.day0


@given(bridged_bookings())
@settings(max_examples=100)
def test_the_timeline_is_in_order_and_counts_days_from_the_procedure(request):
    """Events come day by day, untimed tests first, and each knows its day number."""
    plan = bridged(request)
    if plan is None:
        return
    keys = [(e.on, e.at is not None, 0 if e.at is None else e.at.timestamp()) for e in plan.timeline]
    assert keys == sorted(keys)
    assert all(e.day == (e.on - plan.procedure.day0).days for e in plan.timeline)
    assert all(e.at is None or e.at.date() == e.on for e in plan.timeline)


@given(bridged_bookings())
@settings(max_examples=100)
def test_inr_tests_fall_on_working_days_before_and_after(request):
    """Tests before the procedure are on or before it; tests after it are after it; all on weekdays."""
    plan = bridged(request)
    if plan is None:
        return
    day0 = plan.procedure.day0
    tests = [e for e in plan.timeline if e.kind == "test"]
    assert all(e.on.weekday() < 5 for e in tests)
    assert all(e.on < day0 or e.on > day0 for e in tests)
    if plan.anticoagulation.bridging is Bridging.BRIDGE and plan.anticoagulation.dose is not None:
        assert sum(e.on > day0 for e in tests) == 2
