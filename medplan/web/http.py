"""HTTP pieces every route shares: the error shape, bodies, query parameters, responses."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from medplan.exceptions import InputError, MissingExtraError
from medplan.jsonlines import MAX_REQUEST_BYTES, DuplicateKeyError, decode, request_object
from medplan.tables.drug_classes import Table
from medplan.tables.policies import Profiles

__all__ = [
    "HEADERS",
    "JSON",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_ITEMS",
    "NDJSON",
    "STARLETTE",
    "STATUS_TYPES",
    "ServiceData",
    "ServiceError",
    "compact",
    "decode_body",
    "error_body",
    "internal_problem",
    "json_bytes",
    "logger",
    "media_type",
    "new_incident",
    "query_params",
    "read_body",
    "read_json",
    "read_json_sized",
    "respond",
    "server_extra_missing",
    "service_data",
    "too_large",
]
# The server extra's starlette, as pyproject.toml's `server` extra says it.
STARLETTE = "starlette>=1.7"


def server_extra_missing() -> MissingExtraError:
    """The error a web module raises without starlette: the one version, the server extra."""
    return MissingExtraError("server", STARLETTE, "the HTTP service")


# The one guard: every web module imports this one before it reaches starlette,
# so a missing server extra is reported here, with one version.
try:
    import starlette  # noqa: F401 - first, so that a missing package fails here and nowhere later
    from starlette.requests import Request
    from starlette.responses import Response
except ImportError:
    raise server_extra_missing() from None


# A day's bookings in one call: a request of 8 medicines is about 1 kB, so
# 1,000 of them fit well inside 10 MB. More goes in several calls.
MAX_BATCH_BYTES = 10_000_000

MAX_BATCH_ITEMS = 1_000

JSON = "application/json"

NDJSON = "application/x-ndjson"

# One name for the whole service, wherever in web/ a record is written: a
# deployment configures "medplan.web" once.
logger = logging.getLogger("medplan.web")

# Plans name patients' medicines: no cache or proxy keeps a copy, and no
# browser guesses a type for them.
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

STATUS_TYPES = {
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


def error_body(status: int, field: str | None, problem: str, message: str | None = None) -> bytes:
    """The service's error JSON: its type for the status, the field, the problem, a message."""
    if message is None:
        message = f"{field}: {problem}" if field else problem
    error = {"type": STATUS_TYPES[status], "field": field, "problem": problem, "message": message}
    return json_bytes({"error": error})


def json_bytes(data: object) -> bytes:
    """JSON as the command line prints it (``--format json``): two-space indent, a final newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def compact(data: object) -> str:
    """One JSON line, as ``medplan batch`` writes it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def respond(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response with the headers every answer carries (no caching of patients' plans)."""
    return Response(
        body, status_code=status, media_type=JSON, headers={**HEADERS, **(headers or {})}
    )


def new_incident() -> str:
    """A short random id that ties a 500's body to its logged traceback."""
    return uuid.uuid4().hex[:12]


def internal_problem(incident: str) -> str:
    """The problem a 500 states: its incident id, and no detail of the failure."""
    return f"internal error (incident {incident}): it has been logged; please report it"


def query_params(request: Request, allowed: Sequence[str]) -> dict[str, str]:
    """The query parameters, each at most once; one the endpoint does not take is refused, not ignored."""
    params = request.query_params
    for key in params:
        if key not in allowed:
            takes = f"it takes {', '.join(allowed)}" if allowed else "it takes none"
            raise ServiceError(400, f"unknown query parameter {key!r} ({takes})")
        if len(params.getlist(key)) > 1:
            raise ServiceError(400, f"query parameter {key!r} is given more than once")
    return dict(params)


def media_type(request: Request, accepted: Sequence[str]) -> str:
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
            raise ServiceError(413, too_large(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(413, too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> str:
    """The problem a 413 states, naming the endpoint's limit."""
    return f"the body is larger than {limit:,} bytes, this endpoint's limit"


def decode_body(raw: bytes) -> object:
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
    return (await read_json_sized(request, limit))[0]


async def read_json_sized(
    request: Request, limit: int = MAX_REQUEST_BYTES
) -> tuple[dict[str, Any], int]:
    """:func:`read_json`'s object, and the body's length in bytes (what the call will cost, roughly)."""
    media_type(request, (JSON,))
    raw = await read_body(request, limit)
    return request_object(decode_body(raw)), len(raw)


def service_data(request: Request) -> ServiceData:
    """The tables and policies the application loaded at start."""
    data: ServiceData = request.app.state.medplan
    return data
