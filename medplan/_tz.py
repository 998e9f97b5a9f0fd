"""The three questions medplan asks of a wall-clock time in a zone, as ``dateutil.tz`` answers them.

Importing ``dateutil.tz`` (and the ``six`` it brings) was some 18M
instructions of a one-shot ``medplan plan``, a tenth of what planning itself
adds to Python's start-up, for three short functions. These are the same
functions, for aware datetimes in a ``zoneinfo`` zone, with ``dateutil``'s
conventions; tests/api/test_tz.py checks them against ``dateutil.tz`` itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["datetime_ambiguous", "datetime_exists", "resolve_imaginary"]

_DAY = timedelta(hours=24)


def datetime_exists(moment: datetime) -> bool:
    """Whether the wall-clock time of the aware ``moment`` happens in its zone (it is not in a gap)."""
    zone = moment.tzinfo
    wall = moment.replace(tzinfo=None)
    there_and_back = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return wall == there_and_back


def datetime_ambiguous(moment: datetime) -> bool:
    """Whether the wall-clock time of the aware ``moment`` happens twice in its zone (a clock goes back)."""
    first, second = moment.replace(fold=0), moment.replace(fold=1)
    return not (first.utcoffset() == second.utcoffset() and first.dst() == second.dst())


def resolve_imaginary(moment: datetime) -> datetime:
    """``moment`` if its wall-clock time happens; else moved forward by the gap's length.

    As ``dateutil.tz.resolve_imaginary``: a time in a gap is read as the wall
    time had the clock not changed, so 02:30 on a night the clock goes from
    02:00 to 03:00 is 03:30.
    """
    if datetime_exists(moment):
        return moment
    after, before = (moment + _DAY).utcoffset(), (moment - _DAY).utcoffset()
    assert after is not None  # noqa: S101 - moment is aware
    assert before is not None  # noqa: S101
    return moment + (after - before)
