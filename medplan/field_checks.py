"""The checks of one field's value that a request and a clinic's policy file share.

A request (JSON, :mod:`medplan.request`) and a policy file (TOML,
:mod:`medplan.tables.policies`) check a number, a true/false, a choice and a
list of clock times or weekdays by the same rules, with problems shaped
``must be ... (got ...)``. Each raises its own error and names a value's kind
in its own words, and a request points at a list's item (``times[1]``) where a
policy file names its key, so each checks through its own :class:`FieldChecks`:

>>> checks = FieldChecks(error=ValueError, kind=lambda value: type(value).__name__)
>>> checks.number("inr_max", "2", low=1.0, high=3.0)
Traceback (most recent call last):
ValueError: ('inr_max', 'must be a number (got str)')
>>> checks.each_once("times", ["20:00", "08:00"], clock_time, expected="must be HH:MM")
(datetime.time(8, 0), datetime.time(20, 0))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from datetime import time
from typing import TypeVar

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.jsonlines import NumberBeyondRange, number_as_sent
from medplan.model import WEEKDAY_NAMES

__all__ = ["FieldChecks", "clock_time", "digit_shape", "weekday"]

# Every ASCII digit, written as 9 (other characters, other digits among them, stay).
_NINES = str.maketrans("0123456789", "9" * 10)

# What a list holds once read: clock times or weekday numbers, each sortable.
Read = TypeVar("Read", time, int)


def digit_shape(text: str) -> str:
    """The text with each ASCII digit written ``9``: its shape, to compare with a pattern's.

    A text matches ``[0-9]{2}:[0-9]{2}`` exactly when its shape is ``99:99``:
    read so, with no regular expression compiled at start-up (three cost
    about 2M instructions, more than a plan's checks of its times).

    >>> digit_shape("2026-12-08T09:30"), digit_shape("\u0669:30")
    ('9999-99-99T99:99', '\u0669:99')
    """
    return text.translate(_NINES)


def clock_time(item: object) -> time | None:
    """``"HH:MM"``, 00:00 to 23:59, as a time; None for anything else."""
    if not isinstance(item, str) or digit_shape(item) != "99:99":
        return None
    try:
        return time(int(item[:2]), int(item[3:]))
    except ValueError:  # past 23 hours or 59 minutes
        return None


def weekday(item: object) -> int | None:
    """A weekday's lower-case name as its number, Monday 0; None for anything else."""
    return WEEKDAY_NAMES.index(item) if item in WEEKDAY_NAMES else None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class FieldChecks(AttrsValue):
    """How one source of fields words its problems.

    Attributes:
        error: The error raised, made from the field's path and the problem.
        kind: A value's kind in the source's words, for the ``(got ...)`` of a
            problem (``text``, ``a number``).
        item_paths: Whether a problem with a list's item names the item
            (``times[1]``) rather than the list.
        twice: The problem of an item given twice, ``{item}`` standing for it.
    """

    error: Callable[[str, str], Exception]
    kind: Callable[[object], str]
    item_paths: bool = False
    twice: str = "names {item} twice"

    def shown(self, value: object) -> str:
        """A refused value as a problem shows it: text quoted, anything else by its kind."""
        return repr(value) if isinstance(value, str) else self.kind(value)

    def number(self, field: str, value: object, *, low: float, high: float) -> float:
        """A number from ``low`` to ``high``; a whole number beyond any float is beyond ``high``."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field, f"must be a number (got {self.kind(value)})")
        # TOML writes inf and nan, and a Python caller may pass them.
        if (
            isinstance(value, float)
            and not math.isfinite(value)
            and not isinstance(value, NumberBeyondRange)
        ):
            raise self.error(field, f"must be a finite number (got {value})")
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float, which JSON allows
            number = math.inf
        if not low <= number <= high:
            shown = number_as_sent(value)
            raise self.error(field, f"must be between {low:g} and {high:g} (got {shown})")
        return number

    def boolean(self, field: str, value: object) -> bool:
        """True or false, and nothing that Python would take for one."""
        if not isinstance(value, bool):
            raise self.error(field, f"must be true or false (got {self.kind(value)})")
        return value

    def choice(self, field: str, value: object, allowed: Collection[str]) -> str:
        """One of the ``allowed`` texts, exactly."""
        if isinstance(value, str) and value in allowed:
            return value
        raise self.not_one_of(field, value, allowed)

    def not_one_of(self, field: str, value: object, allowed: Collection[str]) -> Exception:
        """The error for a value that is none of the ``allowed`` texts, which it lists."""
        return self.error(field, f"must be one of {', '.join(allowed)} (got {self.shown(value)})")

    def each_once(
        self,
        field: str,
        items: Sequence[object],
        read: Callable[[object], Read | None],
        *,
        expected: str,
    ) -> tuple[Read, ...]:
        """The list's items as ``read`` reads them, each at most once, in order.

        An item ``read`` refuses (None) is a problem ``expected (got ...)``.
        """
        found: list[Read] = []
        for index, item in enumerate(items):
            here = f"{field}[{index}]" if self.item_paths else field
            value = read(item)
            if value is None:
                raise self.error(here, f"{expected} (got {self.shown(item)})")
            if value in found:
                raise self.error(here, self.twice.format(item=item))
            found.append(value)
        return tuple(sorted(found))
