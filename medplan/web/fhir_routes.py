"""The service's routes for hospital systems that speak HL7: a FHIR Bundle in, and CDS Hooks.

:func:`ehr_routes` gives them; :func:`medplan.web.app.create_app` serves them
beside its own, with the same error handling (docs/service.md, "FHIR and CDS Hooks"):

``POST /v1/fhir/plan``
    A FHIR R4 Bundle (``application/fhir+json`` or ``application/json``)
    holding the Appointment, the Patient, the medicines and observations.
    The answer is ``{"plan": <the plan JSON>, "fhir": {"unmapped": [...],
    "notes": [...]}}``: the plan as ``POST /v1/plan`` gives it, and what
    :func:`medplan.fhir.bundle.request_from_bundle` could not map (each also one of
    the plan's review reasons) or skipped on purpose. Once a pharmacist has
    answered the plan's review items, the body may instead be
    ``{"bundle": <the Bundle>, "decisions": [...]}``: the decisions are the
    request's (docs/decisions.md), and one the plan cannot take is refused
    (422), naming its field.
``GET /cds-services``
    The CDS Hooks discovery response (:func:`medplan.fhir.cds.discovery`).
``POST /cds-services/medplan-appointment-book``
    An ``appointment-book`` hook request; the cards
    (:func:`medplan.fhir.cds.appointment_book`). The pharmacist's decisions ride
    in the request's ``extension.medplan-decisions``.

FHIR instants carry a UTC offset, not a zone, so both POSTs need the clinic's
IANA zone: the query's ``timezone``, else the ``MEDPLAN_TIMEZONE`` environment
variable the service was started with; with neither the call is refused,
naming ``timezone``. ``now`` in the query is as for ``POST /v1/plan``. A CDS
client calls the hook as the booking is made and sends no moment, so without
``now`` the hook asks the server's clock, as every route does for a request
without one, so that a card can say a slot is too soon. Without the ``fhir`` extra both POSTs
answer 501, naming it.

Each planned card links to this service's pharmacist page with its request
(:func:`medplan.fhir.cds.page_link`). The page's address is ``MEDPLAN_PUBLIC_URL``
(the address the EHR's users reach the service at, behind the hospital's
gateway) followed by ``pharmacist``, else the address the hook was called at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from medplan import clock
from medplan.api import plan
from medplan.exceptions import InputError, MissingExtraError
from medplan.fhir.bundle import request_from_bundle
from medplan.fhir.cds import SERVICE_ID, appointment_book, discovery
from medplan.jsonlines import MAX_REQUEST_BYTES, request_object
from medplan.web.http import (
    JSON,
    ServiceData,
    ServiceError,
    decode_body,
    json_bytes,
    media_type,
    query_params,
    read_body,
    respond,
    server_extra_missing,
)
from medplan.web.page import PAGE_PATH

try:
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute, Route
except ImportError:  # pragma: no cover - medplan.web.http has already refused to import
    raise server_extra_missing() from None

__all__ = [
    "CDS_PATH",
    "FHIR_JSON",
    "FHIR_PLAN_PATH",
    "PUBLIC_URL_ENV",
    "TIMEZONE_ENV",
    "ehr_routes",
]

FHIR_JSON = "application/fhir+json"
TIMEZONE_ENV = "MEDPLAN_TIMEZONE"
PUBLIC_URL_ENV = "MEDPLAN_PUBLIC_URL"
FHIR_PLAN_PATH = "/v1/fhir/plan"
CDS_PATH = "/cds-services"


async def _read_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, in FHIR's media type or plain JSON."""
    media_type(request, (FHIR_JSON, JSON))
    return request_object(decode_body(await read_body(request, MAX_REQUEST_BYTES)))


def _bundle_and_decisions(body: dict[str, Any]) -> tuple[dict[str, Any], object]:
    """The Bundle, and the decisions when the body wraps it as ``{"bundle", "decisions"}``."""
    if "resourceType" in body:
        return body, None
    for key in body:
        if key not in {"bundle", "decisions"}:
            raise InputError(
                str(key),
                "is not a field medplan knows (expected resourceType, or bundle and decisions)",
            )
    bundle = body.get("bundle")
    if not isinstance(bundle, dict):
        raise InputError(
            "bundle",
            'is required: the body is a FHIR Bundle, or {"bundle": <a FHIR Bundle>, "decisions": [...]}',
        )
    return bundle, body.get("decisions")


def _zone(query: dict[str, str], default: str | None) -> str:
    zone = query.get("timezone", default)
    if not zone:
        raise InputError(
            "timezone",
            f"is required: FHIR instants carry no time zone; give ?timezone=Area/City "
            f"or start the service with {TIMEZONE_ENV}",
        )
    return zone


def _unless_missing_extra(work: Callable[[], Response]) -> Callable[[], Response]:
    def guarded() -> Response:
        try:
            return work()
        except MissingExtraError as error:
            # Not the caller's fault, and not a bug: this server lacks the extra.
            raise ServiceError(501, str(error)) from None

    return guarded


def _data(request: Request) -> ServiceData:
    data: ServiceData = request.app.state.medplan
    return data


def _page_url(request: Request, public_url: str | None) -> str:
    base = str(request.base_url) if public_url is None else public_url
    return f"{base.rstrip('/')}{PAGE_PATH}"


def _routes_for(default_zone: str | None, public_url: str | None) -> list[BaseRoute]:
    async def fhir_plan(request: Request) -> Response:
        query = query_params(request, ("timezone", "now"))
        zone = _zone(query, default_zone)
        bundle, decisions = _bundle_and_decisions(await _read_object(request))
        data = _data(request)

        def work() -> Response:
            read = request_from_bundle(
                bundle, timezone=zone, now=query.get("now"), table=data.table
            )
            body = read.request if decisions is None else {**read.request, "decisions": decisions}
            result = plan(body, table=data.table, profiles=data.profiles, clock=clock.now())
            fhir = {
                "unmapped": [str(i) for i in read.unmapped],
                "notes": [str(n) for n in read.notes],
            }
            return respond(json_bytes({"plan": result.to_dict(), "fhir": fhir}))

        return await run_in_threadpool(_unless_missing_extra(work))

    async def cds_discovery(request: Request) -> Response:
        query_params(request, ())
        return respond(json_bytes(discovery()))

    async def appointment_booked(request: Request) -> Response:
        query = query_params(request, ("timezone", "now"))
        zone = _zone(query, default_zone)
        hook = await _read_object(request)
        # The hook is called as the booking is made and sends no moment: this is it.
        now = query.get("now") or clock.now().isoformat(timespec="minutes")
        page_url = _page_url(request, public_url)

        def work() -> Response:
            cards = appointment_book(hook, timezone=zone, now=now, page_url=page_url)
            return respond(json_bytes(cards))

        return await run_in_threadpool(_unless_missing_extra(work))

    return [
        Route(FHIR_PLAN_PATH, fhir_plan, methods=["POST"]),
        Route(CDS_PATH, cds_discovery, methods=["GET"]),
        Route(f"{CDS_PATH}/{SERVICE_ID}", appointment_booked, methods=["POST"]),
    ]


def ehr_routes(environment: dict[str, str] | None = None) -> list[BaseRoute]:
    """The FHIR and CDS Hooks routes (the OpenAPI document lists each).

    Args:
        environment: Where ``MEDPLAN_TIMEZONE`` and ``MEDPLAN_PUBLIC_URL``
            are read, once; ``os.environ`` when omitted.

    Raises:
        InputError: ``MEDPLAN_PUBLIC_URL`` is not an absolute http(s) URL.
    """
    source = os.environ if environment is None else environment
    public_url = source.get(PUBLIC_URL_ENV) or None
    if public_url is not None and not public_url.startswith(("https://", "http://")):
        raise InputError(PUBLIC_URL_ENV, f"must be an absolute http(s) URL (got {public_url!r})")
    return _routes_for(source.get(TIMEZONE_ENV) or None, public_url)
