"""medplan: peri-procedural medication plans, traceable to their sources.

The public API, re-exported here, is all a booking system needs::

    import medplan
    result = medplan.plan(request_mapping)   # raises medplan.InputError on bad input
    result.needs_review, result.to_dict()    # the documented JSON

See docs/request-and-plan.md for the request and plan contract; ``medplan.schema("request")`` and
``medplan.schema("plan")`` give it as JSON Schema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from medplan._version import __version__

# Each public name and the module it lives in. They are imported on first use
# (PEP 562), so that ``medplan plan`` does not pay for the calendar, recheck,
# schema or profile code it never runs: most of a one-shot command's time is
# importing. ``import medplan`` alone imports nothing else (not even attrs).
_WHERE = {
    "Difference": "rechecking",
    "Recheck": "rechecking",
    "recheck": "rechecking",
    "earliest": "api",
    "plan": "api",
    "InputError": "exceptions",
    "MedplanError": "exceptions",
    "MissingExtraError": "exceptions",
    "PolicyError": "exceptions",
    "TableError": "exceptions",
    "render_ics": "render.ics",
    **dict.fromkeys(
        (
            "SCHEMA_VERSION",
            "Action",
            "Answer",
            "BleedingRisk",
            "Booking",
            "BookingMedicine",
            "Check",
            "Decision",
            "Divergence",
            "MedicationOrder",
            "MedicationPlan",
            "Patient",
            "Plan",
            "Policy",
            "Procedure",
            "Regimen",
            "Request",
            "ReviewItem",
            "Route",
        ),
        "model",
    ),
    "render_calendar": "render.calendar",
    "make_plan": "planning.planner",
    "Profile": "tables.policies",
    "Profiles": "tables.policies",
    "default_profiles": "tables.policies",
    "load_profiles": "tables.policies",
    "render_booking": "render.pharmacist",
    "render_json": "render.plan_json",
    "render_reviews": "render.pharmacist",
    "render_text": "render.pharmacist",
    "parse_request": "request",
    "schema": "schemas",
    "Table": "tables.drug_classes",
    "default_table": "tables.drug_classes",
    "load_table": "tables.drug_classes",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any of the public names
    module = _WHERE.get(name)
    if module is None:
        msg = f"module 'medplan' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"medplan.{module}"), name)
    globals()[name] = value  # the next look-up is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from medplan.api import earliest, plan
    from medplan.exceptions import (
        InputError,
        MedplanError,
        MissingExtraError,
        PolicyError,
        TableError,
    )
    from medplan.model import (
        SCHEMA_VERSION,
        Action,
        Answer,
        BleedingRisk,
        Booking,
        BookingMedicine,
        Check,
        Decision,
        Divergence,
        MedicationOrder,
        MedicationPlan,
        Patient,
        Plan,
        Policy,
        Procedure,
        Regimen,
        Request,
        ReviewItem,
        Route,
    )
    from medplan.planning.planner import make_plan
    from medplan.rechecking import Difference, Recheck, recheck
    from medplan.render.calendar import render_calendar
    from medplan.render.ics import render_ics
    from medplan.render.pharmacist import render_booking, render_reviews, render_text
    from medplan.render.plan_json import render_json
    from medplan.request import parse_request
    from medplan.schemas import schema
    from medplan.tables.drug_classes import Table, default_table, load_table
    from medplan.tables.policies import Profile, Profiles, default_profiles, load_profiles

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "Answer",
    "BleedingRisk",
    "Booking",
    "BookingMedicine",
    "Check",
    "Decision",
    "Difference",
    "Divergence",
    "InputError",
    "MedicationOrder",
    "MedicationPlan",
    "MedplanError",
    "MissingExtraError",
    "Patient",
    "Plan",
    "Policy",
    "PolicyError",
    "Procedure",
    "Profile",
    "Profiles",
    "Recheck",
    "Regimen",
    "Request",
    "ReviewItem",
    "Route",
    "Table",
    "TableError",
    "__version__",
    "default_profiles",
    "default_table",
    "earliest",
    "load_profiles",
    "load_table",
    "make_plan",
    "parse_request",
    "plan",
    "recheck",
    "render_booking",
    "render_calendar",
    "render_ics",
    "render_json",
    "render_reviews",
    "render_text",
    "schema",
]
