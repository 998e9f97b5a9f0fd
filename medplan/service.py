"""The HTTP JSON service: medplan's calls for a booking system that speaks HTTP, not Python.

:func:`create_app` builds a Starlette (ASGI) application and :func:`serve` runs
it under uvicorn (``medplan serve``). Both need the optional extra
``medplan[server]``; importing this module without it raises
:class:`medplan.MissingExtraError`, and nothing else in medplan imports it.

The service is stateless: the table and the clinic policy profiles are loaded
and validated once, when the application is built, and every call plans from
them and the body alone. The endpoints (docs/service.md; the OpenAPI
document ``medplan/schemas/openapi.json`` is served at ``/openapi.json``):

``POST /v1/plan``
    A request; the plan JSON, byte for byte what ``medplan plan --format
    json`` prints. Query ``now`` replaces the request's, like ``--now``; without
    either, the server's clock is now (``booking.now_source``: ``clock``).
``POST /v1/batch``
    A JSON array of requests, or JSON Lines (``application/x-ndjson``);
    one plan or error record per request, in order, streamed as planned.
``POST /v1/earliest``
    A request; the booking answers for its ``now`` (the body's, the query's, or the clock's).
``POST /v1/recheck``
    A stored plan; the recheck JSON (``changed``, ``differences``, ``plan``).
``GET /health``, ``GET /version``, ``GET /openapi.json``
    Liveness, what the plans are made with, and the API's description.

Every error is JSON, ``{"error": {"type", "field", "problem", "message"}}``:
400 a body that is not JSON (or a query parameter the endpoint does not
take), 404 an unknown path, 405 a method the path does not take, 413 a body
over the endpoint's limit (refused from its ``Content-Length``, or as soon as
the bytes read pass the limit, never read whole), 415 a body that is not
JSON, 422 a request medplan refuses (the :class:`~medplan.InputError`: its
field, its problem and the message the command line prints), 500 anything
unexpected (a generic body naming an incident id; the traceback is logged
on the server, never sent).

Routes added with ``create_app(extra_routes=...)`` get the same error
handling: they may raise :class:`~medplan.InputError` (422) or
:class:`ServiceError`, read the body with :func:`read_json`, and find the
loaded data at ``request.app.state.medplan`` (:class:`ServiceData`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from types import FrameType
from typing import Any, TextIO

import attrs

from medplan import clock
from medplan._version import __version__
from medplan.api import earliest, plan
from medplan.bridging import default_bridging_tables
from medplan.care import default_care
from medplan.cli import MAX_PLAN_BYTES, MAX_REQUEST_BYTES, _line_request
from medplan.clinical import default_clinical_checks
from medplan.exceptions import InputError, MedplanError, MissingExtraError
from medplan.jsontext import DuplicateKeyError, decode, request_object
from medplan.model import SCHEMA_VERSION
from medplan.procedures import default_catalogue
from medplan.profiles import Profiles, default_profiles, load_profiles
from medplan.recheck import recheck
from medplan.render import render_json
from medplan.table import Table, default_table, load_table
from medplan.thrombosis import default_risk_table

try:
    import starlette  # noqa: F401 - first, so that a missing package fails here and nowhere later
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import BaseRoute, Route
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError:
    raise MissingExtraError("server", "starlette>=1.7", "the HTTP service") from None

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_ITEMS",
    "MAX_PLAN_BYTES",
    "MAX_REQUEST_BYTES",
    "NDJSON",
    "ServiceData",
    "ServiceError",
    "app_from_environment",
    "create_app",
    "read_json",
    "serve",
]

# A day's bookings in one call: a request of 8 medicines is about 1 kB, so
# 1,000 of them fit well inside 10 MB. More goes in several calls.
MAX_BATCH_BYTES = 10_000_000
MAX_BATCH_ITEMS = 1_000
JSON = "application/json"
NDJSON = "application/x-ndjson"

# A connection with no request begun this long after it opened (or after its
# last response) is closed; past this many connections and calls in flight, a
# call is answered 503 (docs/service-deployment.md).
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 1000
HEADER_TIMEOUT_ENV = "MEDPLAN_HEADER_TIMEOUT"

# Set by ``medplan serve --workers N`` for the worker processes, which build
# their own application (uvicorn starts them from an import string).
TABLE_ENV = "MEDPLAN_TABLE"
POLICIES_ENV = "MEDPLAN_POLICIES"

logger = logging.getLogger(__name__)

# Plans name patients' medicines: no cache or proxy keeps a copy, and no
# browser guesses a type for them.
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

_STATUS_TYPES = {
    400: "BadRequest",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "ContentTooLarge",
    415: "UnsupportedMediaType",
    422: "InputError",
    500: "InternalError",
    501: "MissingExtraError",  # an optional part (medplan[calendar]) this server lacks
}


class ServiceError(Exception):
    """A call the service refuses before medplan sees the request: an HTTP status and the problem.

    Attributes:
        status: The HTTP status (400, 413, 415, ...).
        problem: What is wrong, in words.
        headers: Headers to send with the error (``Allow`` for a 405).
    """

    def __init__(self, status: int, problem: str, headers: Mapping[str, str] | None = None) -> None:
        """Name the status and the problem; the message is the problem."""
        self.status = status
        self.problem = problem
        self.headers = dict(headers or {})
        super().__init__(problem)


@attrs.frozen(kw_only=True)
class ServiceData:
    """What the service plans with, loaded once when the application is built.

    Attributes:
        table: The drug-class table.
        profiles: The clinic policy profiles.
        versions: ``GET /version``'s answer.
    """

    table: Table
    profiles: Profiles
    versions: Mapping[str, Any]


def _error_body(status: int, field: str | None, problem: str, message: str | None = None) -> bytes:
    if message is None:
        message = f"{field}: {problem}" if field else problem
    error = {"type": _STATUS_TYPES[status], "field": field, "problem": problem, "message": message}
    return _json({"error": error})


def _json(data: object) -> bytes:
    """JSON as the command line prints it (``--format json``): two-space indent, a final newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _compact(data: object) -> str:
    """One JSON line, as ``medplan batch`` writes it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _respond(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        body, status_code=status, media_type=JSON, headers={**_HEADERS, **(headers or {})}
    )


def _incident() -> str:
    return uuid.uuid4().hex[:12]


def _internal_problem(incident: str) -> str:
    return f"internal error (incident {incident}): it has been logged; please report it"


# --- reading a call -------------------------------------------------------


def _query(request: Request, allowed: Sequence[str]) -> dict[str, str]:
    """The query parameters, each at most once; one the endpoint does not take is refused, not ignored."""
    params = request.query_params
    for key in params:
        if key not in allowed:
            takes = f"it takes {', '.join(allowed)}" if allowed else "it takes none"
            raise ServiceError(400, f"unknown query parameter {key!r} ({takes})")
        if len(params.getlist(key)) > 1:
            raise ServiceError(400, f"query parameter {key!r} is given more than once")
    return dict(params)


def _media_type(request: Request, accepted: Sequence[str]) -> str:
    """The body's media type, which must be one of ``accepted``, in UTF-8 (RFC 8259)."""
    header = request.headers.get("content-type")
    if header is None:
        raise ServiceError(415, f"Content-Type is missing (send {' or '.join(accepted)})")
    media, *params = (part.strip() for part in header.split(";"))
    media = media.lower()
    if media not in accepted:
        raise ServiceError(415, f"Content-Type must be {' or '.join(accepted)} (got {header})")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise ServiceError(415, f"the body must be UTF-8 (got {header})")
    return media


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 once it is known to be over ``limit`` bytes, never read whole.

    A ``Content-Length`` over the limit is refused before anything is read; a
    body without one (chunked) is counted as it arrives.

    Raises:
        ServiceError: 413 for a body over the limit, 400 for a malformed length.
    """
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ServiceError(400, f"Content-Length is not a number of bytes (got {length!r})")
        if int(length) > limit:
            raise ServiceError(413, _too_large(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(413, _too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"the body is larger than {limit:,} bytes, this endpoint's limit"


def _decode_body(raw: bytes) -> object:
    """The body as JSON data; 400 when it is not UTF-8 or not JSON (the command line's words)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 ({error.reason} at byte {error.start})"
        raise ServiceError(400, f"the body {problem}") from None
    try:
        return decode(text, "body")
    except DuplicateKeyError:
        raise  # JSON, but not a request medplan takes: 422, naming the key
    except InputError as error:
        raise ServiceError(400, f"the body is {error.problem}") from None


async def read_json(request: Request, limit: int = MAX_REQUEST_BYTES) -> dict[str, Any]:
    """The body as a JSON object, after the media type, size and JSON checks every endpoint makes.

    Args:
        request: The call.
        limit: The largest body taken, in bytes.

    Returns:
        The decoded object.

    Raises:
        ServiceError: 415 not ``application/json``; 413 over ``limit``; 400 not JSON.
        InputError: The body is JSON but not an object (422, as the command line says it).
    """
    _media_type(request, (JSON,))
    return request_object(_decode_body(await read_body(request, limit)))


# --- the endpoints --------------------------------------------------------


def _data(request: Request) -> ServiceData:
    data: ServiceData = request.app.state.medplan
    return data


async def _plan(request: Request) -> Response:
    now = _query(request, ("now",)).get("now")
    body = await read_json(request)
    data = _data(request)

    def work() -> bytes:
        result = plan(body, table=data.table, profiles=data.profiles, now=now, clock=clock.now())
        return render_json(result).encode("utf-8")

    return _respond(await run_in_threadpool(work))


async def _earliest(request: Request) -> Response:
    now = _query(request, ("now",)).get("now")
    body = await read_json(request)
    data = _data(request)

    def work() -> bytes:
        answer = earliest(
            body, now=now, table=data.table, profiles=data.profiles, clock=clock.now()
        )
        return _json(answer.to_dict())

    return _respond(await run_in_threadpool(work))


async def _recheck(request: Request) -> Response:
    _query(request, ())
    stored = await read_json(request, MAX_PLAN_BYTES)
    data = _data(request)

    def work() -> bytes:
        return _json(recheck(stored, table=data.table, profiles=data.profiles).to_dict())

    return _respond(await run_in_threadpool(work))


async def _batch(request: Request) -> Response:
    now = _query(request, ("now",)).get("now")
    media = _media_type(request, (JSON, NDJSON))
    raw = await read_body(request, MAX_BATCH_BYTES)
    data = _data(request)
    if media == NDJSON:
        lines = raw.split(b"\n")
        if sum(1 for line in lines if line.strip()) > MAX_BATCH_ITEMS:
            raise ServiceError(413, _too_many())
        records = _records(((n, line) for n, line in enumerate(lines, start=1)), "line", now, data)
        return _stream((f"{r}\n" for r in records if r is not None), NDJSON)
    items = _decode_body(raw)
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
    return StreamingResponse(encoded, media_type=media_type, headers=_HEADERS)


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
            yield _compact(_plan_item(item, now, data))
        except InputError as error:
            yield _batch_error(
                key, position, "InputError", error.field, problem=error.problem, said=str(error)
            )
        except Exception:  # one bad item must not stop the others; the log has its traceback
            incident = _incident()
            logger.exception("internal error (incident %s) in batch %s %s", incident, key, position)
            problem = _internal_problem(incident)
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
    return _compact({key: position, "error": error})


def _plan_item(item: object, now: str | None, data: ServiceData) -> dict[str, Any]:
    """One batch item as ``medplan batch`` plans a line: a JSON Lines line is still bytes here."""
    if isinstance(item, bytes):
        item = _line_request(None if len(item) > MAX_REQUEST_BYTES else item)
    request = request_object(item)
    result = plan(request, table=data.table, profiles=data.profiles, now=now, clock=clock.now())
    return result.to_dict()


async def _health(request: Request) -> Response:
    data = _data(request)
    return _respond(_json({"status": "ok", "table_loaded": bool(data.table.rules)}))


async def _version(request: Request) -> Response:
    return _respond(_json(_data(request).versions))


def _file_route(path: str, name: str) -> Route:
    """A GET route serving one of the package's schema files, byte for byte."""
    body = resources.files("medplan.schemas").joinpath(name).read_bytes()

    async def endpoint(_: Request) -> Response:
        return Response(body, media_type=JSON, headers=_HEADERS)

    return Route(path, endpoint, methods=["GET"])


# --- errors ---------------------------------------------------------------


async def _on_service_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, ServiceError)  # noqa: S101 - registered for ServiceError only
    return _respond(_error_body(error.status, None, error.problem), error.status, error.headers)


async def _on_input_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, InputError)  # noqa: S101 - registered for InputError only
    field = error.field or None
    return _respond(_error_body(422, field, error.problem, str(error)), 422)


async def _on_http_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (no route, a method the route does not take) in the service's shape."""
    assert isinstance(error, HTTPException)  # noqa: S101 - registered for HTTPException only
    headers = dict(error.headers or {})
    if error.status_code == 405:  # noqa: PLR2004 - the status is the name
        # Starlette keeps a route's methods in a set: sorted, the header is the same every run.
        allowed = ", ".join(sorted(m.strip() for m in headers.get("Allow", "").split(",")))
        headers["Allow"] = allowed
        problem = f"{request.method} is not allowed on {request.url.path} (it takes {allowed})"
    elif error.status_code == 404:  # noqa: PLR2004 - the status is the name
        problem = f"no such path: {request.url.path}"
    else:  # any other refusal Starlette makes: its own words
        status = error.status_code if error.status_code in _STATUS_TYPES else 400
        return _respond(_error_body(status, None, error.detail), status, headers)
    return _respond(_error_body(error.status_code, None, problem), error.status_code, headers)


async def _on_medplan_error(request: Request, error: Exception) -> Response:
    """A table or policy error while serving: the server's data, never the caller's fault."""
    return _internal(request.scope, error)


def _internal(scope: Scope, error: BaseException) -> Response:
    incident = _incident()
    logger.error(
        "internal error (incident %s) in %s %s",
        incident,
        scope.get("method"),
        scope.get("path"),
        exc_info=error,
    )
    return _respond(_error_body(500, None, _internal_problem(incident)), 500)


_HEADER_BYTES = tuple(
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in _HEADERS.items()
)


def _secured(start: Message) -> Message:
    """A response's start with the security headers it lacks: every route has them, whoever wrote it."""
    headers = list(start.get("headers", ()))
    present = {bytes(name).lower() for name, _ in headers}
    missing = [(name, value) for name, value in _HEADER_BYTES if name not in present]
    return {**start, "headers": [*headers, *missing]} if missing else start


class _InternalErrors:
    """Any exception no handler took becomes a 500 with a generic body; the traceback goes to the log only.

    Every response's start also gains the security headers it lacks (:func:`_secured`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = _secured(message)
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:
            return  # the caller went away: nobody to answer
        except Exception as error:
            if started:  # half a response is out: the server can only close the connection
                raise
            await _internal(scope, error)(scope, receive, send)


# --- the application ------------------------------------------------------


def _versions(table: Table, profiles: Profiles) -> dict[str, Any]:
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


def create_app(
    table: Table | None = None,
    profiles: Profiles | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI application: the table and profiles are loaded and checked here, once.

    With no arguments it is also a factory for any ASGI server
    (``uvicorn --factory medplan.service:create_app``).

    Args:
        table: A table from :func:`medplan.load_table`; the bundled one when omitted.
        profiles: Profiles from :func:`medplan.load_profiles`; the bundled ones when omitted.
        extra_routes: More Starlette routes, served beside medplan's own (the
            service's and the pharmacist's page, :mod:`medplan.page`) with
            the same error handling; they find the data at
            ``request.app.state.medplan``.

    Returns:
        The application.

    Raises:
        TableError: A bundled table is malformed.
        PolicyError: The bundled policy profiles are malformed.

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app())
    >>> client.get("/health").json()
    {'status': 'ok', 'table_loaded': True}
    >>> refused = client.post("/v1/plan", json={"medications": []})
    >>> refused.status_code, refused.json()["error"]["message"]
    (422, 'procedure: is required')
    """
    # The pharmacist's page builds on this module, so it is imported once this one is loaded.
    from medplan.ehr import ehr_routes  # noqa: PLC0415
    from medplan.page import page_routes  # noqa: PLC0415

    table = default_table() if table is None else table
    profiles = default_profiles() if profiles is None else profiles
    app = Starlette(
        routes=[*routes(), *page_routes(), *ehr_routes(), *extra_routes],
        exception_handlers={
            ServiceError: _on_service_error,
            InputError: _on_input_error,
            MedplanError: _on_medplan_error,
            HTTPException: _on_http_error,
        },
    )
    app.add_middleware(_InternalErrors)
    # /v1/plan/ is not /v1/plan: a redirect would turn a POST into a second round trip.
    app.router.redirect_slashes = False
    # Every table a plan reads is loaded now, so a broken one stops the start, not a call.
    app.state.medplan = ServiceData(
        table=table, profiles=profiles, versions=_versions(table, profiles)
    )
    return app


def app_from_environment() -> Starlette:
    """The application for ``MEDPLAN_TABLE`` and ``MEDPLAN_POLICIES`` (file paths; unset: the bundled ones).

    ``medplan serve --workers N`` starts each worker with this factory.
    """
    return create_app(*_load(os.environ.get(TABLE_ENV), os.environ.get(POLICIES_ENV)))


def _load(table_path: str | None, policies_path: str | None) -> tuple[Table, Profiles]:
    """The table and profiles the paths name, checked as the command line checks them."""
    table = default_table() if table_path is None else load_table(table_path)
    if policies_path is None:
        return table, default_profiles()
    profiles = load_profiles(
        policies_path,
        catalogue=default_catalogue(),
        variants=table.variants,
        drug_classes=table.drug_classes,
    )
    return table, profiles


def _log_config(level: str) -> dict[str, Any]:
    """The logging uvicorn sets up, with medplan's logger (the 500s' tracebacks) on its error stream."""
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415 - the extra, imported when serving

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["medplan"] = {"handlers": ["default"], "level": level.upper()}
    return config


def _addresses(host: str, port: int) -> str:
    """What ``medplan serve`` prints on start: where a person finds the API document and the page.

    A wildcard host is shown as this machine's loopback address, which a browser on it can open.

    >>> print(_addresses("127.0.0.1", 8080), end="")
    medplan serve: http://127.0.0.1:8080
      API (OpenAPI 3.1): http://127.0.0.1:8080/openapi.json
      Pharmacist page:   http://127.0.0.1:8080/pharmacist
    >>> print(_addresses("::", 0), end="")
    medplan serve: http://[::1]:PORT (every address of this machine; the port uvicorn logs)
      API (OpenAPI 3.1): http://[::1]:PORT/openapi.json
      Pharmacist page:   http://[::1]:PORT/pharmacist
    """
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 - a name, not a bind
    notes = ["every address of this machine"] if shown != host else []
    if port == 0:
        notes.append("the port uvicorn logs")
    name = f"[{shown}]" if ":" in shown else shown
    base = f"http://{name}:{port or 'PORT'}"
    noted = f" ({'; '.join(notes)})" if notes else ""
    return (
        f"medplan serve: {base}{noted}\n"
        f"  API (OpenAPI 3.1): {base}/openapi.json\n"
        f"  Pharmacist page:   {base}/pharmacist\n"
    )


def _check_address(host: str, port: int) -> None:
    """Refuse an address nothing can listen on before uvicorn starts, with the command line's error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise InputError("--host", f"is not an address to listen on ({error.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise InputError(
                "--port", f"cannot listen on {host}:{port} ({error.strerror})"
            ) from None


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers: int = 1,
    table_path: str | None = None,
    policies_path: str | None = None,
    access_log: bool = True,
    log_level: str = "info",
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    out: TextIO | None = None,
) -> None:
    """Run the service under uvicorn until it is stopped (SIGINT or SIGTERM: in-flight calls finish).

    Args:
        host: The address to listen on.
        port: The port.
        workers: Worker processes; each loads the data and plans on its own core.
        table_path: A table file instead of the bundled one.
        policies_path: A clinic policy file instead of the bundled one.
        access_log: Whether to log one line per call (method, path, status; never a body).
        log_level: uvicorn's log level.
        header_timeout: Seconds a connection may take to send a request's
            headers (from its opening, or its last response) before it is closed.
        max_connections: Connections and calls in flight, per worker, past
            which a new call is answered 503 (uvicorn's ``limit_concurrency``).
        out: Where to print the addresses of the API document and the pharmacist
            page, once the data has loaded and the address is free; nowhere if None.

    Raises:
        MissingExtraError: uvicorn is not installed.
        TableError: The table is malformed (before anything listens).
        PolicyError: The policy file is malformed (before anything listens).
        InputError: Nothing can listen on the host and port.
    """
    try:
        import uvicorn  # noqa: PLC0415 - the extra, imported only to serve
    except ImportError:
        raise MissingExtraError("server", "uvicorn>=0.50", "the HTTP service") from None
    table, profiles = _load(table_path, policies_path)  # checked once, here, whatever the workers
    _check_address(host, port)
    if out is not None:
        out.write(_addresses(host, port))
        out.flush()
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": access_log,
        "log_config": _log_config(log_level),
        "log_level": log_level,
        "server_header": False,  # no software version for a scanner to read
        # uvicorn's protocol with TCP_NODELAY on each connection: with --workers,
        # uvicorn's own socket leaves Nagle's algorithm on (40 ms a call).
        "http": "medplan._uvicorn:NoDelayHTTPProtocol",
        # A slow client holds a connection, not the service (docs/service-deployment.md).
        "limit_concurrency": max_connections,
    }
    # Read by the protocol in this process and in every worker process.
    os.environ[HEADER_TIMEOUT_ENV] = repr(float(header_timeout))
    with _stopped_by_signal():
        if workers == 1:
            uvicorn.run(create_app(table, profiles), **options)
            return
        # Worker processes start from an import string: they load the same files.
        for name, path in ((TABLE_ENV, table_path), (POLICIES_ENV, policies_path)):
            if path is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = os.path.abspath(path)  # noqa: PTH100 - a worker may not share the cwd
        uvicorn.run(
            "medplan.service:app_from_environment", factory=True, workers=workers, **options
        )


class _StoppedError(Exception):
    """SIGINT or SIGTERM, once uvicorn has finished the calls in flight."""


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise _StoppedError(signum)


@contextlib.contextmanager
def _stopped_by_signal() -> Iterator[None]:
    """Return normally after SIGINT or SIGTERM, with one worker as with several.

    A single uvicorn server shuts down gracefully on either signal and then
    raises it again with the handler it found, which would end the process by
    SIGTERM, or with a KeyboardInterrupt traceback; the supervisor of several
    workers just returns. Here both return, so ``medplan serve`` exits 0.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can take signals; uvicorn does not either
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, _stop) for number in signals}
    try:
        yield
    except _StoppedError:
        logger.info("medplan serve stopped")
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
