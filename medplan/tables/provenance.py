"""What a plan was made with, beyond the tables: the time-zone database, the holiday calendar.

Python's :mod:`zoneinfo` reads a zone from the first folder of ``zoneinfo.TZPATH`` that
has it (the host's ``/usr/share/zoneinfo`` on most systems) and only then from the
``tzdata`` package; the two may be years apart, and a zone's rules for a future date
can change between releases. A plan therefore names the release and the place its
zone came from, so that two plans of the same request that differ can be told apart
by their inputs. This reads files, once per zone, at the edge of the core: the
planner itself never asks.
"""

from __future__ import annotations

import functools
import os.path
import sys

__all__ = ["holidays_version", "tz_version"]


def _release_in(folder: str) -> str:
    # The database's own text form starts with "# version 2025b"; distributions
    # ship it beside the compiled zones. (os.path, not pathlib: a plan at start-up
    # does not pay for importing pathlib.)
    try:
        with open(os.path.join(folder, "tzdata.zi"), encoding="utf-8") as stream:  # noqa: PTH118, PTH123
            first = stream.readline().split()
    except OSError:
        return "unknown release"
    match first:
        case ["#", "version", release, *_]:
            return release
        case _:
            return "unknown release"


@functools.cache
def tz_version(key: str) -> str:
    """The tz database release the zone ``key`` is read from, and where: ``tz 2025b (/usr/share/zoneinfo)``.

    >>> tz_version("UTC").startswith("tz ")
    True
    """
    import zoneinfo  # noqa: PLC0415 - TZPATH is read when asked, as zoneinfo itself reads it

    for folder in zoneinfo.TZPATH:
        if os.path.isfile(os.path.join(folder, key)):  # noqa: PTH113, PTH118
            return f"tz {_release_in(folder)} ({folder})"
    try:
        import tzdata  # type: ignore[import-untyped] # noqa: PLC0415 - only when the host has no zone files
    except ImportError:  # installed without its dependencies
        return "tz unknown release (unknown source)"
    return f"tz {tzdata.IANA_VERSION} (tzdata package)"


def holidays_version() -> str | None:
    """The holidays package's version, if a plan has used it (it is imported only then)."""
    module = sys.modules.get("holidays")
    version = getattr(module, "__version__", None)
    return None if version is None else f"holidays {version}"
