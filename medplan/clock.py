"""The clock, read only at medplan's boundary: the command line and the service.

A request without ``now`` is planned as of this moment (``booking.now_source``
is then ``clock``), so a plan never silently assumes a booking made long ago.
The planning core never calls it: :func:`medplan.plan` takes the moment as
its ``clock`` argument. Every boundary calls :func:`now` through this module,
so there is one clock to read, and one for a test to set.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now"]


def now() -> datetime:
    """The current moment, in UTC."""
    return datetime.now(UTC)
