"""Hypothesis strategies for medplan's inputs, aimed at the edges that matter.

Random draws rarely land on a daylight-saving change, so ``transition_days``
draws days next to the real transitions of a zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

# Zones pinned in both hemispheres, a 30-minute DST (Lord Howe), a 45-minute
# offset (Chatham), none at all (Perth), and a midnight transition (Havana).
PINNED_ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Australia/Perth",
    "America/Havana",
    "UTC",
)

# A small valid request that tests copy and then break one field of.
VALID: dict[str, Any] = {
    "procedure": {
        "name": "Lumbar nerve root sleeve injection",
        "start": "2026-12-08T09:30",
        "timezone": "Australia/Perth",
        "bleeding_risk": "intermediate",
    },
    "patient": {"crcl_ml_min": 62},
    "medications": [{"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}],
}

zones = st.one_of(
    st.sampled_from(PINNED_ZONES),
    st.timezone_keys(allow_prefix=False),
).map(ZoneInfo)

usual_times = st.lists(
    st.times().map(lambda t: time(t.hour, t.minute)), min_size=1, max_size=4, unique=True
).map(lambda ts: tuple(sorted(ts)))

procedure_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
clock_times = st.times().map(lambda t: time(t.hour, t.minute))


def transitions(zone: ZoneInfo, year: int) -> list[date]:
    """The local dates on which ``zone`` changed its UTC offset in ``year``."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(hours=1)
        local = moment.astimezone(zone)
        if local.utcoffset() != offset:
            found.append(local.date())
            offset = local.utcoffset()
    return found


@st.composite
def near_transition(draw: st.DrawFn, zone_keys: tuple[str, ...] = PINNED_ZONES[:5]) -> tuple[ZoneInfo, date]:
    """A zone and a day within a fortnight of one of its DST changes."""
    zone = ZoneInfo(draw(st.sampled_from(zone_keys)))
    year = draw(st.integers(2024, 2030))
    days = transitions(zone, year)
    pivot = draw(st.sampled_from(days))
    return zone, pivot + timedelta(days=draw(st.integers(-14, 14)))
