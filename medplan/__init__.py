"""medplan: peri-procedural medication plans, traceable to their sources.

The public API, re-exported here, is all a booking system needs::

    import medplan
    result = medplan.plan(request_mapping)   # raises medplan.InputError on bad input
    result.needs_review, result.to_dict()    # the documented JSON

See docs/request-and-plan.md for the request and plan contract; ``medplan.schema("request")`` and
``medplan.schema("plan")`` give it as JSON Schema.
"""

from medplan._version import __version__
from medplan.api import earliest, plan
from medplan.exceptions import (
    InputError,
    MedplanError,
    MissingExtraError,
    PolicyError,
    TableError,
)
from medplan.ics import render_ics
from medplan.model import (
    SCHEMA_VERSION,
    Action,
    BleedingRisk,
    Booking,
    BookingMedicine,
    Check,
    Divergence,
    MedicationOrder,
    MedicationPlan,
    Patient,
    Plan,
    Policy,
    Procedure,
    Regimen,
    Request,
    Route,
)
from medplan.patient import render_calendar
from medplan.planner import make_plan
from medplan.profiles import Profile, Profiles, default_profiles, load_profiles
from medplan.recheck import Difference, Recheck, recheck
from medplan.render import render_booking, render_json, render_text
from medplan.request import parse_request
from medplan.schemas import schema
from medplan.table import Table, default_table, load_table

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "BleedingRisk",
    "Booking",
    "BookingMedicine",
    "Check",
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
    "render_text",
    "schema",
]
