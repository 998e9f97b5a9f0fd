"""medplan's three wall-clock questions answer as ``dateutil.tz`` answers them, in every kind of zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz
from hypothesis import given
from hypothesis import strategies as st

from medplan import _tz

# Zones with every kind of clock change: an hour (north and south), half an
# hour (Lord Howe), two hours (Troll), a skipped day (Apia 2011), none (Kolkata).
ZONES = [
    "Europe/London",
    "America/New_York",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Australia/Perth",
    "Antarctica/Troll",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Asia/Kolkata",
]


@dataclass(frozen=True)
class Change:
    """A day in a zone on which its UTC offset changes, and the zone."""

    zone: str
    day: datetime


def _changes() -> list[Change]:
    found = []
    for name in ZONES:
        zone = ZoneInfo(name)
        day = datetime(2010, 1, 1, tzinfo=zone)
        while day.year < 2028:
            following = day + timedelta(days=1)
            if day.utcoffset() != following.utcoffset():
                found.append(Change(name, day))
            day = following
    return found


CHANGES = _changes()


def _agree(moment: datetime) -> None:
    assert _tz.datetime_exists(moment) == dateutil_tz.datetime_exists(moment)
    assert _tz.datetime_ambiguous(moment) == dateutil_tz.datetime_ambiguous(moment)
    ours, theirs = _tz.resolve_imaginary(moment), dateutil_tz.resolve_imaginary(moment)
    assert (ours, ours.fold, ours.utcoffset()) == (theirs, theirs.fold, theirs.utcoffset())


def test_the_zones_change_their_clocks_in_every_way():
    """The scan finds gaps and folds of an hour, half an hour and two hours, so the next test checks them."""
    gaps = {
        (c.zone, (m + timedelta(hours=6)).utcoffset() - (m - timedelta(hours=6)).utcoffset())
        for c in CHANGES
        for m in [c.day + timedelta(minutes=15 * q) for q in range(2 * 24 * 4)]
        if not dateutil_tz.datetime_exists(m)
    }

    assert {("Australia/Lord_Howe", timedelta(minutes=30)), ("Antarctica/Troll", timedelta(hours=2))} <= gaps
    assert len(CHANGES) > 100


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: f"{c.zone} {c.day:%Y-%m-%d}")
def test_every_quarter_hour_around_a_clock_change_agrees_with_dateutil(change):
    """Each quarter hour of the two days around a change, in either fold, is in a gap, a fold or neither, as dateutil says."""
    for quarter in range(2 * 24 * 4):
        moment = change.day + timedelta(minutes=15 * quarter)
        for fold in (0, 1):
            _agree(moment.replace(fold=fold))


@given(
    zone=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)),
    fold=st.sampled_from([0, 1]),
)
def test_any_wall_time_agrees_with_dateutil(zone, moment, fold):
    """Any wall-clock time in any of the zones gets dateutil's answers."""
    _agree(moment.replace(tzinfo=ZoneInfo(zone), fold=fold))


def test_a_time_in_a_gap_moves_forward_by_the_gap():
    """02:30 on the night New York's clocks go from 02:00 to 03:00 does not happen, and reads as 03:30."""
    moment = datetime(2027, 3, 14, 2, 30, tzinfo=ZoneInfo("America/New_York"))

    # dateutil calls a gap's time ambiguous too (its two folds differ); medplan asks about gaps first.
    assert (_tz.datetime_exists(moment), _tz.datetime_ambiguous(moment)) == (False, True)
    assert _tz.resolve_imaginary(moment).isoformat() == "2027-03-14T03:30:00-04:00"


def test_a_time_in_a_fold_is_ambiguous_and_kept():
    """01:30 on the night New York's clocks go back happens twice: ambiguous, and left as it is."""
    moment = datetime(2027, 11, 7, 1, 30, tzinfo=ZoneInfo("America/New_York"))

    assert (_tz.datetime_exists(moment), _tz.datetime_ambiguous(moment)) == (True, True)
    assert _tz.resolve_imaginary(moment) is moment
