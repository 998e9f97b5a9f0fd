"""The plan JSON spells every instant exactly as ``datetime.isoformat`` does, whatever its offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from medplan.render import plan_json

# Offsets isoformat writes with seconds or microseconds, beside whole minutes either side of UTC.
OFFSETS = st.one_of(
    st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m))),
    st.integers(-86399, 86399).map(lambda s: timezone(timedelta(seconds=s))),
    st.just(timezone(timedelta(microseconds=1))),
)
# The writer's speller, its per-plan text and its memo of offsets: what is tested.
instant, Text = plan_json._instant, plan_json._Text  # noqa: SLF001
OFFSETS_KEPT, OFFSET_MEMO = plan_json._OFFSETS_KEPT, plan_json._OFFSETS  # noqa: SLF001
ZONES = st.sampled_from(["Europe/London", "America/St_Johns", "Asia/Kathmandu", "UTC"]).map(ZoneInfo)


def spelt(moment: datetime) -> str:
    return instant(moment, Text())


@given(st.datetimes(timezones=st.one_of(OFFSETS, ZONES)))
def test_an_instant_is_spelt_as_isoformat_spells_it(moment: datetime) -> None:
    """Any aware instant, of any year, second, microsecond and offset, is isoformat's text, quoted."""
    assert spelt(moment) == f'"{moment.isoformat()}"'


def test_a_naive_datetime_is_spelt_as_isoformat_spells_it() -> None:
    """A naive datetime (a plan built by hand) has no offset to spell."""
    moment = datetime(2026, 12, 8, 9, 30)
    assert spelt(moment) == '"2026-12-08T09:30:00"'


def test_offsets_past_the_memo_are_still_spelt() -> None:
    """Beyond the bounded memo of offsets, each is still spelt, and the memo stops growing."""
    for minutes in range(-600, 601):
        moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(minutes=minutes)))
        assert spelt(moment) == f'"{moment.isoformat()}"'
    assert len(OFFSET_MEMO) == OFFSETS_KEPT


def test_the_same_instant_is_spelt_once_a_plan() -> None:
    """A plan's writer gives an instant met again the text it gave it first."""
    out = Text()
    moment = datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Australia/Perth"))
    first = instant(moment, out)
    assert instant(moment, out) is first
    assert first == '"2026-12-08T09:30:00+08:00"'
