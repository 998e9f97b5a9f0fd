"""The service's own endpoints: /v1/plan, /v1/batch, /v1/earliest, /v1/recheck, /health, /version."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any

from medplan import clock
from medplan._version import __version__
from medplan.api import earliest, plan
from medplan.exceptions import InputError
from medplan.jsonlines import MAX_PLAN_BYTES, MAX_REQUEST_BYTES, line_request, request_object
from medplan.model import SCHEMA_VERSION
from medplan.rechecking import recheck
from medplan.render.plan_json import render_json
from medplan.tables.bridging_doses import default_bridging_tables
from medplan.tables.care import default_care
from medplan.tables.clinical_checks import default_clinical_checks
from medplan.tables.drug_classes import Table
from medplan.tables.policies import Profiles
from medplan.tables.procedures import default_catalogue
from medplan.tables.thrombotic_risk import default_risk_table
from medplan.web.http import (
    HEADERS,
    JSON,
    MAX_BATCH_BYTES,
    MAX_BATCH_ITEMS,
    NDJSON,
    ServiceData,
    ServiceError,
    compact,
    decode_body,
    internal_problem,
    json_bytes,
    logger,
    media_type,
    new_incident,
    query_params,
    read_body,
    read_json,
    read_json_sized,
    respond,
    server_extra_missing,
    service_data,
)

__all__ = [
    "INLINE_BYTES",
    "data_versions",
    "routes",
]
try:
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import BaseRoute, Route
except ImportError:  # pragma: no cover - medplan.web.http has already refused to import
    raise server_extra_missing() from None


# A request body up to this size is planned in the event loop, not in a thread:
# about 30 medicines, a few milliseconds of pure-Python work that the GIL would
# not let run beside any other anyway. A thread added 10 context switches and
# a third of the HTTP layer's instructions to each call, and the waiting calls
# took the GIL in no particular order: the slowest 1 % of calls took 2.5 to 3.7
# times the mean, against 1.4 to 1.8 in the loop, where a worker answers its
# calls first come, first served (docs/performance.md). A larger body, which
# may plan for a tenth of a second, goes to the thread pool, so that the calls
# behind it are not held up that long.
INLINE_BYTES = 4_096


async def _planned(size: int, work: Callable[[], bytes]) -> Response:
    """``work()``'s JSON as the answer: in the event loop for a small body, else in a thread."""
    return respond(work() if size <= INLINE_BYTES else await run_in_threadpool(work))


async def _plan(request: Request) -> Response:
    now = query_params(request, ("now",)).get("now")
    body, size = await read_json_sized(request)
    data = service_data(request)

    def work() -> bytes:
        result = plan(body, table=data.table, profiles=data.profiles, now=now, clock=clock.now())
        return render_json(result).encode("utf-8")

    return await _planned(size, work)


async def _earliest(request: Request) -> Response:
    now = query_params(request, ("now",)).get("now")
    body, size = await read_json_sized(request)
    data = service_data(request)

    def work() -> bytes:
        answer = earliest(
            body, now=now, table=data.table, profiles=data.profiles, clock=clock.now()
        )
        return json_bytes(answer.to_dict())

    return await _planned(size, work)


async def _recheck(request: Request) -> Response:
    query_params(request, ())
    stored = await read_json(request, MAX_PLAN_BYTES)
    data = service_data(request)

    def work() -> bytes:
        return json_bytes(recheck(stored, table=data.table, profiles=data.profiles).to_dict())

    return respond(await run_in_threadpool(work))


async def _batch(request: Request) -> Response:
    now = query_params(request, ("now",)).get("now")
    media = media_type(request, (JSON, NDJSON))
    raw = await read_body(request, MAX_BATCH_BYTES)
    data = service_data(request)
    if media == NDJSON:
        lines = raw.split(b"\n")
        if sum(1 for line in lines if line.strip()) > MAX_BATCH_ITEMS:
            raise ServiceError(413, _too_many())
        records = _records(((n, line) for n, line in enumerate(lines, start=1)), "line", now, data)
        return _stream((f"{r}\n" for r in records if r is not None), NDJSON)
    items = decode_body(raw)
    if not isinstance(items, list):
        raise InputError(
            "batch", f"must be a JSON array of requests (or JSON Lines, Content-Type {NDJSON})"
        )
    if len(items) > MAX_BATCH_ITEMS:
        raise ServiceError(413, _too_many())
    records = _records(enumerate(items), "index", now, data)
    return _stream(_array(r for r in records if r is not None), JSON)


def _too_many() -> str:
    return f"the batch has more than {MAX_BATCH_ITEMS:,} requests; send them in several calls"


def _stream(chunks: Iterator[str], media_type: str) -> Response:
    # Each item is planned in the thread pool as the response is sent, so the
    # response never waits for, or holds, the whole batch.
    encoded = (chunk.encode("utf-8") for chunk in chunks)
    return StreamingResponse(encoded, media_type=media_type, headers=HEADERS)


def _array(records: Iterator[str]) -> Iterator[str]:
    yield "["
    for number, record in enumerate(records):
        yield record if number == 0 else f",{record}"
    yield "]\n"


def _records(
    items: Iterable[tuple[int, object]], key: str, now: str | None, data: ServiceData
) -> Iterator[str | None]:
    """Each item's plan, or its error record, as one compact JSON text; None for a blank line."""
    for position, item in items:
        if isinstance(item, bytes) and not item.strip():
            yield None  # a blank line is not a request, as for medplan batch
            continue
        try:
            yield compact(_plan_item(item, now, data))
        except InputError as error:
            yield _batch_error(
                key, position, "InputError", error.field, problem=error.problem, said=str(error)
            )
        except Exception:  # noqa: BLE001 - one bad item must not stop the others; the log has its traceback
            incident = new_incident()
            logger.exception("internal error (incident %s) in batch %s %s", incident, key, position)
            problem = internal_problem(incident)
            yield _batch_error(key, position, "InternalError", None, problem=problem, said=problem)


def _batch_error(
    key: str, position: int, kind: str, field: str | None, *, problem: str, said: str
) -> str:
    """An error record as ``medplan batch`` writes one: ``{"line": 2, "error": {...}}``."""
    error = {
        "type": kind,
        "field": field,
        "problem": problem,
        "message": f"{key} {position}: {said}",
    }
    return compact({key: position, "error": error})


def _plan_item(item: object, now: str | None, data: ServiceData) -> dict[str, Any]:
    """One batch item as ``medplan batch`` plans a line: a JSON Lines line is still bytes here."""
    if isinstance(item, bytes):
        item = line_request(None if len(item) > MAX_REQUEST_BYTES else item)
    request = request_object(item)
    result = plan(request, table=data.table, profiles=data.profiles, now=now, clock=clock.now())
    return result.to_dict()


async def _health(request: Request) -> Response:
    data = service_data(request)
    return respond(json_bytes({"status": "ok", "table_loaded": bool(data.table.rules)}))


async def _version(request: Request) -> Response:
    return respond(json_bytes(service_data(request).versions))


def _file_route(path: str, name: str) -> Route:
    """A GET route serving one of the package's schema files, byte for byte."""
    body = resources.files("medplan.schemas").joinpath(name).read_bytes()

    async def endpoint(_: Request) -> Response:
        return Response(body, media_type=JSON, headers=HEADERS)

    return Route(path, endpoint, methods=["GET"])


def data_versions(table: Table, profiles: Profiles) -> dict[str, Any]:
    """The versions of medplan, its schema and every data file it plans from (/v1/version)."""
    catalogue, care, risk = default_catalogue(), default_care(), default_risk_table()
    bridging = default_bridging_tables()
    clinical = default_clinical_checks()
    return {
        "medplan_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "table_version": table.version,
        "data_versions": [
            catalogue.version,
            care.version,
            risk.version,
            *bridging.versions,
            clinical.version,
        ],
        "policies_version": profiles.version,
    }


def routes() -> list[BaseRoute]:
    """The service's own routes, as :func:`create_app` serves them (the OpenAPI document lists each)."""
    return [
        Route("/v1/plan", _plan, methods=["POST"]),
        Route("/v1/batch", _batch, methods=["POST"]),
        Route("/v1/earliest", _earliest, methods=["POST"]),
        Route("/v1/recheck", _recheck, methods=["POST"]),
        Route("/health", _health, methods=["GET"]),
        Route("/version", _version, methods=["GET"]),
        _file_route("/openapi.json", "openapi.json"),
        # The OpenAPI document refers to the JSON Schemas beside it by name.
        _file_route("/request.schema.json", "request.schema.json"),
        _file_route("/plan.schema.json", "plan.schema.json"),
    ]
