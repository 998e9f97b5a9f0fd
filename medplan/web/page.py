"""The pharmacist's page: a plain HTML form over the service, and the endpoints it needs.

:func:`page_routes` gives the routes; :func:`medplan.web.app.create_app`
serves them beside its own, with the same error handling. The page is three
hand-written files shipped in the package (``medplan/static/``: HTML, one
vanilla JavaScript file, one style sheet and an icon), with no build step and nothing
fetched from anywhere but the service itself (docs/service.md, "Pharmacist page"):

``GET /pharmacist``, ``/pharmacist/page.js``, ``/pharmacist/page.css``, ``/pharmacist/favicon.svg``
    The page, under a Content-Security-Policy that allows only the service's
    own scripts, styles and calls.
``GET /v1/names``
    Every name the table resolves (generic, brand and ATC code), for the
    form's completion of medicine names.
``GET /v1/procedures``
    The procedure catalogue, for the form's procedure choice.
``POST /v1/calendar``
    A request; the patient's calendar in words (:func:`medplan.render_calendar`).
``POST /v1/ics``
    A request; the patient's iCalendar file (:func:`medplan.render_ics`), as
    an attachment. 501 when the ``calendar`` extra is not installed.

The two POST endpoints take what ``POST /v1/plan`` takes (the body, and
``now`` in the query) and plan it the same way, so the page, or a booking
system, can ask for what the patient receives without a second format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from typing import Any

from medplan import clock
from medplan.api import plan
from medplan.exceptions import MissingExtraError
from medplan.model import Plan
from medplan.render.calendar import render_calendar
from medplan.render.ics import render_ics
from medplan.tables.drug_classes import Table, normalise_name
from medplan.tables.procedures import Catalogue, default_catalogue
from medplan.web.http import (
    HEADERS,
    ServiceData,
    ServiceError,
    json_bytes,
    query_params,
    read_json,
    respond,
    server_extra_missing,
)

try:
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute, Route
except ImportError:  # pragma: no cover - medplan.web.http has already refused to import
    raise server_extra_missing() from None

__all__ = ["CONTENT_SECURITY_POLICY", "PAGE_PATH", "names", "page_routes", "procedures"]

PAGE_PATH = "/pharmacist"

# Only the service's own files and calls; no inline script or style (the page
# has none), no plug-ins, no framing, no form posted elsewhere, and DOM sinks
# such as innerHTML refused outright (the page writes text only).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'"
)
_PAGE_HEADERS = {
    **HEADERS,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_FILES = {
    PAGE_PATH: ("index.html", "text/html"),
    f"{PAGE_PATH}/page.js": ("page.js", "text/javascript"),
    f"{PAGE_PATH}/page.css": ("page.css", "text/css"),
    f"{PAGE_PATH}/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
ICS = "text/calendar"
# Characters a file name keeps; any other becomes "-".
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def names(table: Table) -> dict[str, Any]:
    """Every name the table resolves, once each, as ``GET /v1/names`` answers.

    Each is given as the table writes it (``Eliquis``, ``apixaban``,
    ``B01AF02``), with the drug it stands for and its kind (``generic``,
    ``brand`` or ``atc``); names that differ only in case or spacing are one
    name, as the planner compares them. Sorted without regard to case.

    Args:
        table: The table the service plans with.

    Returns:
        ``{"table_version": ..., "names": [{"name", "drug", "drug_class", "kind"}, ...]}``.

    >>> from medplan.tables.drug_classes import default_table
    >>> answer = names(default_table())
    >>> [n for n in answer["names"] if n["name"] == "Eliquis"]
    [{'name': 'Eliquis', 'drug': 'apixaban', 'drug_class': 'apixaban', 'kind': 'brand'}]
    """
    found: dict[str, dict[str, str]] = {}
    for rule in table.rules:
        entries = [(drug, drug, "generic") for drug in rule.drugs]
        for column, kind in ((rule.brands, "brand"), (rule.atc, "atc")):
            for entry in column:
                name, _, generic = entry.partition("=")
                entries.append((name.strip(), generic.strip() or rule.drugs[0], kind))
        for name, drug, kind in entries:
            found.setdefault(
                normalise_name(name),
                {"name": name, "drug": drug, "drug_class": rule.drug_class, "kind": kind},
            )
    listed = sorted(found.values(), key=lambda n: (n["name"].casefold(), n["name"]))
    return {"table_version": table.version, "names": listed}


def procedures(catalogue: Catalogue) -> dict[str, Any]:
    """The procedure catalogue as ``GET /v1/procedures`` answers, in the catalogue's order.

    Args:
        catalogue: The catalogue.

    Returns:
        ``{"catalogue_version": ..., "procedures": [{"code", "name", "guideline",
        "bleeding_risk", "escalates_to", "fasting", "sedation", "contrast"}, ...]}``.

    >>> answer = procedures(default_catalogue())
    >>> [p["bleeding_risk"] for p in answer["procedures"] if p["code"] == "tfesi-lumbar"]
    ['intermediate']
    """
    listed = [
        {
            "code": p.code,
            "name": p.name,
            "guideline": p.guideline,
            "bleeding_risk": p.bleeding_risk.value,
            "escalates_to": p.escalates_to.value if p.escalates_to is not None else None,
            "fasting": p.fasting,
            "sedation": p.sedation,
            "contrast": p.contrast,
        }
        for p in catalogue.procedures.values()
    ]
    return {"catalogue_version": catalogue.version, "procedures": listed}


def _file_name(result: Plan) -> str:
    """The iCalendar file's name: ``medplan-BOOKING.ics``, or ``medplan-plan.ics`` without a booking id."""
    booking = _UNSAFE_IN_FILE_NAME.sub("-", result.booking_id or "").strip("-.")[:80]
    return f"medplan-{booking or 'plan'}.ics"


def _static(path: str, name: str, media_type: str) -> Route:
    body = (resources.files("medplan") / "static" / name).read_bytes()

    async def endpoint(_: Request) -> Response:
        return Response(body, media_type=media_type, headers=_PAGE_HEADERS)

    return Route(path, endpoint, methods=["GET"])


def _data(request: Request) -> ServiceData:
    data: ServiceData = request.app.state.medplan
    return data


async def _names(request: Request) -> Response:
    query_params(request, ())
    return respond(json_bytes(names(_data(request).table)))


async def _procedures(request: Request) -> Response:
    query_params(request, ())
    return respond(json_bytes(procedures(default_catalogue())))


async def _planned(request: Request, render: Callable[[Plan], Response]) -> Response:
    """Plan the body as ``POST /v1/plan`` does, then answer ``render(plan)``."""
    now = query_params(request, ("now",)).get("now")
    body = await read_json(request)
    data = _data(request)

    def work() -> Response:
        return render(
            plan(body, table=data.table, profiles=data.profiles, now=now, clock=clock.now())
        )

    return await run_in_threadpool(work)


def _calendar_response(result: Plan) -> Response:
    return Response(render_calendar(result), media_type="text/plain", headers=HEADERS)


def _ics_response(result: Plan) -> Response:
    try:
        text = render_ics(result)
    except MissingExtraError as error:
        # Not the caller's fault, and not a bug: this server lacks the extra.
        raise ServiceError(501, str(error)) from None
    disposition = f'attachment; filename="{_file_name(result)}"'
    headers = {**HEADERS, "Content-Disposition": disposition}
    return Response(text, media_type=ICS, headers=headers)


async def _calendar(request: Request) -> Response:
    return await _planned(request, _calendar_response)


async def _ics(request: Request) -> Response:
    return await _planned(request, _ics_response)


def page_routes() -> list[BaseRoute]:
    """The page's routes and the endpoints it calls (the OpenAPI document lists each)."""
    return [
        *(_static(path, name, media) for path, (name, media) in _FILES.items()),
        Route("/v1/names", _names, methods=["GET"]),
        Route("/v1/procedures", _procedures, methods=["GET"]),
        Route("/v1/calendar", _calendar, methods=["POST"]),
        Route("/v1/ics", _ics, methods=["POST"]),
    ]
