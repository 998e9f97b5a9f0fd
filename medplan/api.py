"""The one call a booking system makes: a request mapping in, a plan out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from medplan._version import __version__
from medplan.care import default_care
from medplan.model import Plan
from medplan.planner import make_plan
from medplan.procedures import default_catalogue
from medplan.profiles import Profiles
from medplan.request import parse_request
from medplan.table import Table, default_table

__all__ = ["plan"]


def plan(
    request: Mapping[str, Any], *, table: Table | None = None, profiles: Profiles | None = None
) -> Plan:
    """Validate a request and plan every medicine in it.

    Args:
        request: The request as decoded JSON (see the README for its fields).
        table: A table from :func:`medplan.load_table`; the bundled one when
            omitted.
        profiles: The clinic policy profiles from :func:`medplan.load_profiles`
            that ``policy.profile`` names one of; the bundled ones when omitted.

    Returns:
        The frozen plan; ``plan.to_dict()`` is the documented JSON.

    Raises:
        InputError: The request is invalid; the message names the field.
        TableError: The table is malformed.
        PolicyError: The bundled policy profiles are malformed.

    >>> result = plan({
    ...     "procedure": {"name": "Lumbar nerve root sleeve injection",
    ...                   "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
    ...                   "bleeding_risk": "intermediate"},
    ...     "medications": [{"name": "Coumadin", "times": ["18:00"]}],
    ... })
    >>> warfarin = result.medications[0]
    >>> warfarin.action.value, warfarin.last_dose.isoformat(), warfarin.resume.isoformat()
    ('hold', '2026-12-02T18:00:00+08:00', '2026-12-09T18:00:00+08:00')
    """
    table = default_table() if table is None else table
    parsed = parse_request(
        request,
        table.guidelines,
        default_catalogue(),
        profiles=profiles,
        variants=table.variants,
    )
    return make_plan(parsed, table, medplan_version=__version__, care=default_care())
