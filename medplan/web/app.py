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
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import Any, TextIO

from medplan.exceptions import InputError, MedplanError, MissingExtraError
from medplan.jsonlines import (
    MAX_PLAN_BYTES,
    MAX_REQUEST_BYTES,
)
from medplan.tables.drug_classes import Table, default_table
from medplan.tables.policies import Profiles, default_profiles, table_and_profiles
from medplan.web.http import (
    HEADERS,
    STATUS_TYPES,
    ServiceData,
    ServiceError,
    error_body,
    internal_problem,
    logger,
    new_incident,
    respond,
    server_extra_missing,
)
from medplan.web.routes import data_versions, routes

try:
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError:  # pragma: no cover - medplan.web.http has already refused to import
    raise server_extra_missing() from None

__all__ = [
    "MAX_PLAN_BYTES",
    "MAX_REQUEST_BYTES",
    "app_from_environment",
    "create_app",
    "serve",
]


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


# --- reading a call -------------------------------------------------------


# --- the endpoints --------------------------------------------------------


# --- errors ---------------------------------------------------------------


async def _on_service_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, ServiceError)  # noqa: S101 - registered for ServiceError only
    return respond(error_body(error.status, None, error.problem), error.status, error.headers)


async def _on_input_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, InputError)  # noqa: S101 - registered for InputError only
    field = error.field or None
    return respond(error_body(422, field, error.problem, str(error)), 422)


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
        status = error.status_code if error.status_code in STATUS_TYPES else 400
        return respond(error_body(status, None, error.detail), status, headers)
    return respond(error_body(error.status_code, None, problem), error.status_code, headers)


async def _on_medplan_error(request: Request, error: Exception) -> Response:
    """A table or policy error while serving: the server's data, never the caller's fault."""
    return _internal(request.scope, error)


def _internal(scope: Scope, error: BaseException) -> Response:
    incident = new_incident()
    logger.error(
        "internal error (incident %s) in %s %s",
        incident,
        scope.get("method"),
        scope.get("path"),
        exc_info=error,
    )
    return respond(error_body(500, None, internal_problem(incident)), 500)


_HEADER_BYTES = tuple(
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()
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


def create_app(
    table: Table | None = None,
    profiles: Profiles | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI application: the table and profiles are loaded and checked here, once.

    With no arguments it is also a factory for any ASGI server
    (``uvicorn --factory medplan.web.app:create_app``).

    Args:
        table: A table from :func:`medplan.load_table`; the bundled one when omitted.
        profiles: Profiles from :func:`medplan.load_profiles`; the bundled ones when omitted.
        extra_routes: More Starlette routes, served beside medplan's own (the
            service's and the pharmacist's page, :mod:`medplan.web.page`) with
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
    from medplan.web.fhir_routes import ehr_routes  # noqa: PLC0415
    from medplan.web.page import page_routes  # noqa: PLC0415

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
        table=table, profiles=profiles, versions=data_versions(table, profiles)
    )
    return app


def app_from_environment() -> Starlette:
    """The application for ``MEDPLAN_TABLE`` and ``MEDPLAN_POLICIES`` (file paths; unset: the bundled ones).

    ``medplan serve --workers N`` starts each worker with this factory.
    """
    return create_app(*_load(os.environ.get(TABLE_ENV), os.environ.get(POLICIES_ENV)))


def _load(table_path: str | None, policies_path: str | None) -> tuple[Table, Profiles]:
    """The table and profiles the paths name, checked as the command line checks them."""
    table, profiles = table_and_profiles(table_path, policies_path)
    return table, default_profiles() if profiles is None else profiles


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
        "http": "medplan.web._uvicorn:NoDelayHTTPProtocol",
        # A slow client holds a connection, not the service (docs/service-deployment.md).
        "limit_concurrency": max_connections,
    }
    balanced = sys.platform.startswith("linux")
    if balanced:
        # With --workers, the workers take turns at accepting connections, so that
        # they hold equal shares (medplan.web._balance). Elsewhere uvicorn keeps
        # its own loop (the proactor on Windows).
        options["loop"] = "medplan.web._uvicorn:loop_factory"
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
        with _worker_board(balanced):
            uvicorn.run(
                "medplan.web.app:app_from_environment", factory=True, workers=workers, **options
            )


@contextlib.contextmanager
def _worker_board(balanced: bool) -> Iterator[None]:  # noqa: FBT001 - one switch, named at the call
    """The board on which the workers count their connections, named to them in the environment."""
    if not balanced:
        yield
        return
    # Here, not at the top: the board needs fcntl, which Windows lacks.
    from medplan.web._balance import BOARD_ENV, board  # noqa: PLC0415

    with board() as path:
        if path is None:  # nowhere to write one: the workers accept as uvicorn's would
            yield
            return
        os.environ[BOARD_ENV] = path
        try:
            yield
        finally:
            del os.environ[BOARD_ENV]


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
