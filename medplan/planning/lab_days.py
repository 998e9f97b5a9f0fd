"""The laboratory's working days: when a blood test (an INR) can be taken.

The rule, stated once: **a test due on a day the laboratory is closed moves to
the nearest day it is open**, earlier for a test before the procedure
(:meth:`LabCalendar.on_or_before`, so the result is there in time) and later
for a test after it (:meth:`LabCalendar.on_or_after`, so it is not taken too
soon). The caller chooses the direction; this module never moves a test on
its own.

The laboratory is closed on a weekday it does not work (Saturday and Sunday
by default) and on a public holiday of its country and subdivision, as the
`holidays <https://github.com/vacanza/holidays>`_ package gives them (its data
ships in the package; nothing is fetched). With no country, only the weekdays
count and public holidays are **not** checked: the plan should say so.

The module is pure: no I/O and no clock. The holidays of a year are computed
once per process and country, subdivision and year.

>>> from datetime import date
>>> lab = LabCalendar(country="GB", subdivision="ENG")
>>> lab.closed(date(2026, 12, 25))
'a public holiday in GB-ENG (Christmas Day)'
>>> lab.on_or_before(date(2026, 12, 28)), lab.on_or_after(date(2026, 12, 25))
(datetime.date(2026, 12, 24), datetime.date(2026, 12, 29))
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.model import WEEKDAY_NAMES, Policy

__all__ = ["SEARCH_DAYS", "LabCalendar", "RegionError", "check_region"]

# Public holidays never close a laboratory for a year; a search that finds no
# open day within a year is a bug or a broken calendar, not a date to return.
SEARCH_DAYS = 366
_ONE_DAY = timedelta(days=1)


class RegionError(ValueError):
    """A country or subdivision the ``holidays`` package does not know.

    Attributes:
        key: The policy setting at fault, ``lab_country`` or ``lab_subdivision``.
        problem: What is wrong, in words.
    """

    def __init__(self, key: str, problem: str) -> None:
        """Name the setting and the problem."""
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@functools.cache
def _regions() -> Mapping[str, tuple[str, ...]]:
    """Country code -> its subdivision codes; ISO codes only, no aliases (``UK``)."""
    # Imported here, not at the top: it takes as long as the rest of a one-shot
    # plan's start-up, and only a policy that names lab_country needs it.
    import holidays  # noqa: PLC0415

    return MappingProxyType(
        {
            country: tuple(subdivisions)
            for country, subdivisions in holidays.list_supported_countries(
                include_aliases=False
            ).items()
        }
    )


def check_region(country: str | None, subdivision: str | None) -> None:
    """Check that the ``holidays`` package knows a country and a subdivision of it.

    Only the codes are accepted (``GB``, ``ENG``), as ISO 3166 writes them,
    not the package's aliases (``UK``, ``England``): a plan names the region
    by the code.

    Args:
        country: An ISO 3166-1 alpha-2 code, or None for no country.
        subdivision: An ISO 3166-2 subdivision code of ``country``, or None.

    Raises:
        RegionError: A ``ValueError`` naming the setting (``lab_country`` or
            ``lab_subdivision``) and the problem.

    >>> check_region("AU", "WA")
    >>> check_region("GB", "ZZ")
    Traceback (most recent call last):
    medplan.planning.lab_days.RegionError: lab_subdivision: 'ZZ' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)
    """
    if country is None:
        if subdivision is not None:
            raise RegionError("lab_subdivision", "needs lab_country")
        return
    regions = _regions()
    if country not in regions:
        hint = f"write it in capitals: {country.upper()}" if country.upper() in regions else None
        problem = (
            f"{country!r} is not a country the holidays package knows ({hint or 'e.g. GB, AU, US'})"
        )
        raise RegionError("lab_country", problem)
    if subdivision is None:
        return
    known = regions[country]
    if subdivision not in known:
        if not known:
            problem = f"{subdivision!r} is not a subdivision of {country} (it has none)"
        elif subdivision.upper() in known:
            problem = f"{subdivision!r} is not a subdivision of {country} (write it in capitals: {subdivision.upper()})"
        else:
            problem = (
                f"{subdivision!r} is not a subdivision of {country} (it has: {', '.join(known)})"
            )
        raise RegionError("lab_subdivision", problem)


@functools.lru_cache(maxsize=1024)
def _holidays(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """The public holidays of one year, date -> name (in English where the package has it).

    A pure function of its arguments, so cached; the mapping is read-only, as
    every caller shares it.
    """
    import holidays  # noqa: PLC0415 - see _regions

    calendar = holidays.country_holidays(country, subdiv=subdivision)
    # The plan is written in English; a country's own language is kept where
    # the package has no English names for it.
    language: str | None = None
    if not str(calendar.default_language or "").startswith("en"):
        language = next(
            (lang for lang in ("en_US", "en_GB") if lang in calendar.supported_languages), None
        )
    named = holidays.country_holidays(country, subdiv=subdivision, years=year, language=language)
    return MappingProxyType(dict(named))


def _check_weekdays(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        msg = f"'{attribute.name}' must be a non-empty tuple of weekdays, 0 (Monday) to 6 (got {value!r})"
        raise ValueError(msg)
    for day in value:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:  # noqa: PLR2004
            msg = f"'{attribute.name}' must hold weekdays 0 (Monday) to 6 (Sunday) (got {day!r})"
            raise ValueError(msg)
    if len(set(value)) != len(value):
        msg = f"'{attribute.name}' must not repeat a weekday (got {value!r})"
        raise ValueError(msg)


def _check_region(
    instance: LabCalendar, _attribute: attrs.Attribute[str | None], _value: str | None
) -> None:
    check_region(instance.country, instance.subdivision)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class LabCalendar(AttrsValue):
    """The days a laboratory takes blood tests.

    Attributes:
        weekdays: The weekdays it works, 0 (Monday) to 6 (Sunday); at least one.
        country: The ISO 3166 code whose public holidays close it (``GB``,
            ``AU``); None to check weekdays only.
        subdivision: The region of ``country`` whose holidays also close it
            (``ENG``, ``WA``); None for the national holidays only.

    Raises:
        ValueError: On construction, for weekdays that are empty, repeated or
            outside 0 to 6, and (as :class:`RegionError`) for a country or
            subdivision the ``holidays`` package does not know.
    """

    weekdays: tuple[int, ...] = attrs.field(default=(0, 1, 2, 3, 4), validator=_check_weekdays)
    country: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )
    # attrs validates after every field is set, so this sees both.
    subdivision: str | None = attrs.field(
        default=None,
        validator=[attrs.validators.optional(attrs.validators.instance_of(str)), _check_region],
    )

    @classmethod
    def of(cls, policy: Policy) -> LabCalendar:
        """The laboratory calendar a clinic policy describes."""
        return cls(
            weekdays=policy.lab_weekdays,
            country=policy.lab_country,
            subdivision=policy.lab_subdivision,
        )

    @property
    def region(self) -> str | None:
        """The region as a plan names it: ``GB-ENG``, ``AU``; None without a country."""
        if self.country is None:
            return None
        return self.country if self.subdivision is None else f"{self.country}-{self.subdivision}"

    def closed(self, day: date) -> str | None:
        """Why the laboratory is closed on ``day``, in words; None when it is open.

        A day it does not work is named by its weekday, even when it is also
        a public holiday.

        >>> lab = LabCalendar(country="AU", subdivision="WA")
        >>> lab.closed(date(2026, 6, 1)), lab.closed(date(2026, 6, 6)), lab.closed(date(2026, 6, 2))
        ('a public holiday in AU-WA (Western Australia Day)', 'Saturday', None)
        """
        if day.weekday() not in self.weekdays:
            return WEEKDAY_NAMES[day.weekday()].capitalize()
        if self.country is None:
            return None
        name = _holidays(self.country, self.subdivision, day.year).get(day)
        if name is None:
            return None
        return f"a public holiday in {self.region} ({name})"

    def on_or_before(self, day: date) -> date:
        """The latest day on or before ``day`` that the laboratory is open.

        For a test before the procedure: moved earlier, its result is there in time.

        Raises:
            ValueError: When no day within :data:`SEARCH_DAYS` days is open.
        """
        return self._search(day, -_ONE_DAY)

    def on_or_after(self, day: date) -> date:
        """The earliest day on or after ``day`` that the laboratory is open.

        For a test after the procedure: moved later, it is never taken too soon.

        Raises:
            ValueError: When no day within :data:`SEARCH_DAYS` days is open.
        """
        return self._search(day, _ONE_DAY)

    def _search(self, day: date, step: timedelta) -> date:
        candidate = day
        for _ in range(SEARCH_DAYS):
            if self.closed(candidate) is None:
                return candidate
            try:
                candidate += step
            except OverflowError:  # past date.min or date.max
                break
        way = "before" if step < timedelta(0) else "after"
        msg = f"the laboratory is open on no day within {SEARCH_DAYS} days {way} {day.isoformat()}"
        raise ValueError(msg)
