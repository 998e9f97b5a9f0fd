"""An independent oracle for the planner's dates: a minute-by-minute walk along UTC.

The oracle shares no code with medplan.planning.schedule. It walks real time one minute at a time,
reads the local wall clock of each minute, and finds the doses from the definitions in the
README alone:

- a dose is the first minute at which the local clock shows the usual time on its day;
  where the clock never shows it (the clocks go forward through it), the dose is that wall
  time read at the UTC offset in force just before the change;
- hold N days: the latest dose before the first minute of day -N;
- hold H hours: the latest dose at least H hours before the start;
- resume day +k: the first dose after the procedure and no earlier than day +k begins;
- resume after H hours: the first dose at least H hours after the procedure (strictly after
  it when H is 0);
- the doses omitted are every dose strictly between the last dose and the restart;
- a restart window (``12-24 hours``, ``day +2 to day +3``) whose end that restart is past
  (more than 24 hours after the start; at or after the first minute of day +4) has no
  restart: the plan asks the pharmacist for one.

It must agree with ``medplan.plan`` across zones and their daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from strategies import PINNED_ZONES, near_transition

import medplan

TABLE = medplan.default_table()
MINUTE = timedelta(minutes=1)

# Scheduled medicines whose rule is not conditional and needs no renal function, with
# their regimen where the table asks for one.
SCHEDULED = [
    ("warfarin", {}), ("acenocoumarol", {}), ("apixaban", {}), ("rivaroxaban", {}),
    ("enoxaparin", {"regimen": "therapeutic"}), ("enoxaparin", {"regimen": "prophylactic"}),
    ("dalteparin", {"regimen": "therapeutic"}), ("heparin", {"route": "sc"}), ("clopidogrel", {}),
    ("prasugrel", {}), ("ticagrelor", {}), ("ibuprofen", {}), ("fondaparinux", {}),
    ("aspirin", {"indication": "primary-prevention"}), ("cilostazol", {}), ("garlic", {}),
]


class Clock:
    """The wall clock of every minute from ``first`` to ``last`` (UTC), read once."""

    def __init__(self, zone: ZoneInfo, first: datetime, last: datetime) -> None:
        self.minutes: list[datetime] = []
        self.walls: list[datetime] = []
        moment = first
        while moment <= last:
            self.minutes.append(moment)
            self.walls.append(moment.astimezone(zone).replace(tzinfo=None))
            moment += MINUTE

    def dose(self, day: date, usual: time) -> datetime | None:
        wanted = datetime.combine(day, usual)
        before = None
        for moment, wall in zip(self.minutes, self.walls, strict=True):
            if wall == wanted:
                return moment  # the first minute showing it
            if wall > wanted:
                if before is None:
                    return None  # outside the walk
                # Never shown: the clocks jumped over it. Read it at the offset in force before.
                moment_before, wall_before = before
                return moment_before + (wanted - wall_before)
            before = (moment, wall)
        return None

    def first_minute_of(self, day: date) -> datetime:
        return next(m for m, w in zip(self.minutes, self.walls, strict=True) if w.date() >= day)


def oracle(start: datetime, zone: ZoneInfo, times: list[time], hold, resume):
    """The last dose, the restart and the doses omitted, by walking UTC; None where the walk is too short."""
    day0 = start.astimezone(zone).date()
    clock = Clock(zone, (start - timedelta(days=hold_days(hold) + 3)).astimezone(UTC),
                  (start + timedelta(days=resume_days(resume) + 3)).astimezone(UTC))
    doses = sorted(
        dose
        for offset in range(-(hold_days(hold) + 2), resume_days(resume) + 3)
        for usual in times
        if (dose := clock.dose(day0 + timedelta(days=offset), usual)) is not None
    )
    if hold.unit.value == "days":
        limit = clock.first_minute_of(day0 - timedelta(days=hold.amount))
        last = max(d for d in doses if d < limit)
    else:
        last = max(d for d in doses if d <= start - timedelta(hours=hold.amount))
    if resume.unit.value == "days":
        floor = clock.first_minute_of(day0 + timedelta(days=resume.amount))
        first = min(d for d in doses if d > start and d >= floor)
    elif resume.amount == 0:
        first = min(d for d in doses if d > start)
    else:
        first = min(d for d in doses if d >= start + timedelta(hours=resume.amount))
    return last, first, [d for d in doses if last < d < first]


def hold_days(interval):
    return interval.amount if interval.unit.value == "days" else -(-interval.amount // 24)


def resume_days(interval):
    return interval.amount if interval.unit.value == "days" else -(-interval.amount // 24)


def tier_restart(plan, risk):
    """The row's restart and, for a window, its end (None for a minimum)."""
    (rule,) = [r for r in TABLE.rules_for(plan.procedure.guideline, plan.medications[0].drug_class)
               if r.rule_id == plan.medications[0].rule_id]
    tier = rule.tier(medplan.BleedingRisk(risk))
    return tier.resume, tier.resume_until


def past_window(start, zone, first, until):
    """Whether the oracle's restart falls after a window's end: ``until`` hours after the
    start (that instant still inside), or once day +``until`` is over."""
    if until.unit.value == "hours":
        return first > start + timedelta(hours=until.amount)
    day0 = start.astimezone(zone).date()
    clock = Clock(zone, start, start + timedelta(days=until.amount + 3))
    return first >= clock.first_minute_of(day0 + timedelta(days=until.amount + 1))


wall_times = st.lists(st.times().map(lambda t: time(t.hour, t.minute)), min_size=1, max_size=3, unique=True)


@settings(max_examples=60)
@given(
    medicine=st.sampled_from(SCHEDULED),
    guideline=st.sampled_from(["asra-pain-2018", "chest-2022"]),
    risk=st.sampled_from(["low", "intermediate", "high"]),
    place=near_transition(PINNED_ZONES[:5]),
    at=st.times().map(lambda t: time(t.hour, t.minute)),
    times=wall_times,
)
@example(medicine=("warfarin", {}), guideline="asra-pain-2018", risk="high", place=(ZoneInfo("Europe/London"), date(2026, 4, 2)),
         at=time(9, 0), times=[time(1, 30)])
@example(medicine=("enoxaparin", {"regimen": "therapeutic"}), guideline="asra-pain-2018", risk="high",
         place=(ZoneInfo("America/New_York"), date(2026, 11, 2)), at=time(1, 30), times=[time(1, 30), time(13, 30)])
@example(medicine=("apixaban", {}), guideline="chest-2022", risk="low", place=(ZoneInfo("Australia/Lord_Howe"), date(2026, 10, 5)),
         at=time(2, 15), times=[time(2, 15)])
@example(medicine=("enoxaparin", {"regimen": "therapeutic"}), guideline="asra-pain-2018", risk="high",
         place=(ZoneInfo("Europe/London"), date(2026, 6, 10)), at=time(9, 0), times=[time(9, 0)])  # exactly 24 h either side
@example(medicine=("enoxaparin", {"regimen": "therapeutic"}), guideline="asra-pain-2018", risk="intermediate",
         place=(ZoneInfo("Europe/London"), date(2024, 10, 27)), at=time(0, 0), times=[time(7, 2)])  # past its 12-24 h window
def test_the_planner_agrees_with_a_minute_by_minute_walk(medicine, guideline, risk, place, at, times):
    """Last dose, restart and every omitted dose are the oracle's, to the minute, near every kind of clock change."""
    zone, day0 = place
    name, extra = medicine
    request = {
        "procedure": {"name": "oracle", "start": f"{day0.isoformat()}T{at:%H:%M}", "timezone": zone.key,
                      "bleeding_risk": risk, "guideline": guideline},
        "patient": {"crcl_ml_min": 80},
        "medications": [{"name": name, "times": [t.strftime("%H:%M") for t in times], **extra}],
        "policy": {"anticoagulant_resume_next_day": False, "aspirin_before_intermediate": "hold"},
    }
    try:
        plan = medplan.plan(request)
    except medplan.InputError:  # the start is in a gap or a fold: the booking must say which moment
        assume(False)
    (result,) = plan.medications
    assume(result.last_dose is not None and result.hold is not None)
    start = plan.procedure.start.astimezone(UTC)

    resume, until = tier_restart(plan, risk)
    last, first, omitted = oracle(start, zone, times, result.hold, resume)

    assert result.last_dose.astimezone(UTC) == last
    if until is not None and past_window(start, zone, first, until):
        # No usual dose in the restart window: the pharmacist chooses the restart.
        assert result.resume is None
        assert f"{name}/restart-past-window" in [item.id for item in plan.reviews]
        return
    assert result.resume.astimezone(UTC) == first
    assert [d.astimezone(UTC) for d in result.omitted_doses] == omitted
