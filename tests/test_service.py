"""Tests of the HTTP service, ``medplan.web.app``, through Starlette's TestClient and as ``medplan serve``.

Every response the in-process tests receive is also checked against the
OpenAPI document (``checked``): its status is one the operation lists and its
body validates against the schema the document gives for it, so the document
and the service cannot drift apart unnoticed. Exact bodies are asserted in
full, as the command line's tests assert exact messages.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import pytest
import referencing
import uvicorn
from jsonschema import Draft202012Validator
from jsonschema_path import SchemaPath
from jsonschema_path.handlers import default_handlers
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing.jsonschema import DRAFT202012
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from strategies import VALID
from testclock import TEST_NOW
from uvicorn.importer import import_from_string

import medplan
from medplan import cli
from medplan.tables.bridging_doses import default_bridging_tables
from medplan.tables.care import default_care
from medplan.tables.clinical_checks import default_clinical_checks
from medplan.tables.procedures import default_catalogue
from medplan.tables.thrombotic_risk import default_risk_table
from medplan.web import _uvicorn, http, routes
from medplan.web import app as service

SCHEMAS = resources.files("medplan.schemas")
OPENAPI_PATH = Path(str(SCHEMAS / "openapi.json"))
OPENAPI = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
OPENAPI_URI = OPENAPI_PATH.as_uri()
EXAMPLE = json.loads(
    (resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text(
        encoding="utf-8"
    )
)
PERTH = VALID | {"procedure": VALID["procedure"] | {"timezone": "Perth"}}
PERTH_PROBLEM = "is not an IANA time zone such as Europe/London (got 'Perth')"
SECRET = "a detail only the log may show"  # noqa: S105 - not a password: text that must not leak
NO_NETWORK = "the test tried to use the network"
INCIDENT = r"internal error \(incident [0-9a-f]{12}\): it has been logged; please report it"


def _registry() -> referencing.Registry:
    """The OpenAPI document and the two JSON Schemas, by file URI and by ``$id``: nothing is fetched."""
    registry = referencing.Registry().with_resource(
        OPENAPI_URI, DRAFT202012.create_resource(OPENAPI)
    )
    for name in ("request", "plan"):
        contents = medplan.schema(name)
        resource = DRAFT202012.create_resource(contents)
        uri = (OPENAPI_PATH.parent / f"{name}.schema.json").as_uri()
        registry = registry.with_resources([(uri, resource), (contents["$id"], resource)])
    return registry


REGISTRY = _registry()


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def documented_schema(path: str, method: str, status: int, media: str) -> str | None:
    """The JSON pointer to the schema the document gives a response, or None when it lists no body."""
    responses = OPENAPI["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not list {status}"
    where = ("paths", path, method.lower(), "responses", str(status))
    response = responses[str(status)]
    if "$ref" in response:
        where = tuple(response["$ref"].removeprefix("#/").split("/"))
        response = OPENAPI["components"]["responses"][where[-1]]
    if "content" not in response:
        return None
    assert media in response["content"], f"{method} {path} {status} does not list {media}"
    return "#/" + _pointer(*where, "content", media, "schema")


def validate(instance: object, pointer: str) -> None:
    """``instance`` is valid against the schema at ``pointer`` in the OpenAPI document."""
    schema = {"$ref": OPENAPI_URI + pointer}
    Draft202012Validator(schema, registry=REGISTRY).validate(instance)


def checked(response, path: str, method: str = "POST"):
    """``response``, after checking that the document lists its status and its body fits the schema given."""
    media = response.headers["content-type"].partition(";")[0]
    path = path.partition("?")[0]
    if response.status_code in {404, 405}:  # any path, any method: documented once, in components
        name = "NotFound" if response.status_code == 404 else "MethodNotAllowed"
        pointer = "#/" + _pointer("components", "responses", name, "content", media, "schema")
    else:
        pointer = documented_schema(path, method, response.status_code, media)
    if pointer is not None and media == "application/x-ndjson":
        item = "#/components/schemas/BatchItem"
        for line in response.text.splitlines():
            validate(json.loads(line), item)
    elif pointer is not None:
        validate(response.json(), pointer)
    return response


def error(kind: str, problem: str, field: str | None = None, message: str | None = None) -> dict:
    """The service's error body."""
    if message is None:
        message = f"{field}: {problem}" if field else problem
    return {"error": {"type": kind, "field": field, "problem": problem, "message": message}}


@pytest.fixture(scope="module")
def client():
    return TestClient(service.create_app())


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Every test runs with an empty temporary directory as its working directory."""
    monkeypatch.chdir(tmp_path)


def post(client, path: str, body: object, **kwargs: Any):
    """POST ``body`` as JSON (bytes as they are) and check the response against the document."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json"} | kwargs.pop("headers", {})
    return checked(client.post(path, content=content, headers=headers, **kwargs), path)


def cli_output(argv: list[str], capsys) -> tuple[int, str]:
    """What ``medplan ARGV`` prints on standard output, run in-process, and its exit status."""
    status = cli.main(argv)
    out, _ = capsys.readouterr()
    return status, out


# --- POST /v1/plan --------------------------------------------------------


def test_plan_answers_the_same_bytes_as_the_command_line(client, capsys):
    """POST /v1/plan answers 200 with exactly the bytes `medplan plan --format json` prints for the same request."""
    Path("request.json").write_text(json.dumps(EXAMPLE), encoding="utf-8")
    status, printed = cli_output(["plan", "request.json", "--format", "json"], capsys)

    response = post(client, "/v1/plan", EXAMPLE)

    assert (status, response.status_code) == (0, 200)
    assert response.content == printed.encode("utf-8")
    assert response.content == medplan.render_json(medplan.plan(EXAMPLE)).encode("utf-8")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"


def test_plan_with_now_in_the_query_matches_the_command_lines_now(client, capsys):
    """Query `now` replaces the request's `now`, as --now does, and the plan answers the booking questions."""
    body = VALID | {"now": "2026-11-01T10:00"}
    Path("request.json").write_text(json.dumps(body), encoding="utf-8")
    _, printed = cli_output(["plan", "request.json", "--format", "json", "--now", "2026-12-02T10:00"], capsys)

    response = post(client, "/v1/plan?now=2026-12-02T10:00", body)

    assert response.content == printed.encode("utf-8")
    assert response.json()["booking"]["now"] == "2026-12-02T10:00:00+08:00"
    assert response.json()["booking"]["notify_by"] == "2026-12-03T18:00:00+08:00"


def test_plan_accepts_json_with_a_utf8_charset(client):
    """Content-Type application/json with charset=utf-8 is taken like plain application/json."""
    response = post(client, "/v1/plan", VALID, headers={"content-type": "Application/JSON; charset=UTF-8"})

    assert response.status_code == 200


def test_a_request_medplan_refuses_is_422_with_the_command_lines_message(client, capsys):
    """A request with an unknown time zone is 422, naming the field and the problem in the words the CLI prints."""
    Path("request.json").write_text(json.dumps(PERTH), encoding="utf-8")
    cli.main(["plan", "request.json"])
    _, printed = capsys.readouterr()

    response = post(client, "/v1/plan", PERTH)

    assert response.status_code == 422
    assert response.json() == error("InputError", PERTH_PROBLEM, "procedure.timezone")
    assert printed == f"InputError: {response.json()['error']['message']}\n"


def test_a_bad_now_in_the_query_is_422_naming_now(client):
    """A `now` that is not a moment is the request's error, 422, as --now's is."""
    response = post(client, "/v1/plan?now=tomorrow", VALID)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "now"


def test_a_json_array_for_a_plan_is_422(client):
    """JSON that is not an object is refused as the command line refuses it: request: must be a JSON object."""
    response = post(client, "/v1/plan", [VALID])

    assert (response.status_code, response.json()) == (422, error("InputError", "must be a JSON object", "request"))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param(b"{", "the body is not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)", id="truncated"),
        pytest.param(b"", "the body is not valid JSON (Expecting value at line 1 column 1)", id="empty"),
        pytest.param(b'{"x": NaN}', "the body is not valid JSON (NaN is not a number JSON allows)", id="nan"),
        pytest.param(b'{"x": "\xff"}', "the body is not UTF-8 (invalid start byte at byte 7)", id="not-utf8"),
        pytest.param(b"[" * 100_000, "the body is not valid JSON (nested too deeply)", id="deep"),
    ],
)
def test_a_body_that_is_not_json_is_400(client, body, problem):
    """A body that is not JSON text (or not UTF-8) is 400, with the decoder's words."""
    response = post(client, "/v1/plan", body)

    assert (response.status_code, response.json()) == (400, error("BadRequest", problem))


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("nwo=2026-12-02T10:00", "unknown query parameter 'nwo' (it takes now)"),
        ("now=2026-12-02T10:00&now=2026-12-03T10:00", "query parameter 'now' is given more than once"),
    ],
)
def test_a_query_parameter_misspelt_or_repeated_is_400(client, query, problem):
    """A query parameter the endpoint does not take, or one given twice, is refused, never ignored."""
    response = post(client, f"/v1/plan?{query}", VALID)

    assert (response.status_code, response.json()) == (400, error("BadRequest", problem))


@pytest.mark.parametrize(
    ("content_type", "problem"),
    [
        (None, "Content-Type is missing (send application/json)"),
        ("text/plain", "Content-Type must be application/json (got text/plain)"),
        ("application/x-ndjson", "Content-Type must be application/json (got application/x-ndjson)"),
        ("application/json; charset=latin-1", "the body must be UTF-8 (got application/json; charset=latin-1)"),
    ],
)
def test_a_body_that_is_not_json_by_its_content_type_is_415(client, content_type, problem):
    """A body without a JSON Content-Type, or in a charset other than UTF-8, is 415."""
    headers = {} if content_type is None else {"content-type": content_type}
    response = checked(client.post("/v1/plan", content=json.dumps(VALID).encode(), headers=headers), "/v1/plan")

    assert (response.status_code, response.json()) == (415, error("UnsupportedMediaType", problem))


# --- the size limit -------------------------------------------------------


def test_a_body_over_the_limit_is_413(client):
    """A body larger than 1,000,000 bytes is 413, naming the limit."""
    body = json.dumps(VALID | {"booking_id": "x" * service.MAX_REQUEST_BYTES}).encode()

    response = post(client, "/v1/plan", body)

    problem = "the body is larger than 1,000,000 bytes, this endpoint's limit"
    assert (response.status_code, response.json()) == (413, error("ContentTooLarge", problem))


def test_a_body_at_the_limit_is_read(client):
    """A body of exactly the limit is read and planned (here: refused by medplan as the JSON it is, not as too large)."""
    text = json.dumps(VALID | {"booking_id": ""})
    body = text.replace('"booking_id": ""', '"booking_id": "' + "x" * (service.MAX_REQUEST_BYTES - len(text)) + '"').encode()
    assert len(body) == service.MAX_REQUEST_BYTES

    response = post(client, "/v1/plan", body)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "booking_id"


def http_scope(path: str, headers: list[tuple[bytes, bytes]], method: str = "POST") -> dict:
    """The ASGI scope of an HTTP/1.1 call to ``path`` with a JSON body."""
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }


def call(app, path: str, headers: list[tuple[bytes, bytes]], chunk: bytes) -> tuple[int, dict, int]:
    """Call the ASGI app directly with a body that never ends; its status, body and the chunks it read."""
    sent: list[dict] = []
    read = 0

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    anyio.run(app, http_scope(path, headers), receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body), read


def test_a_content_length_over_the_limit_is_refused_before_any_byte_is_read():
    """A Content-Length over the limit is 413 at once: not one chunk of the body is read."""
    status, body, read = call(service.create_app(), "/v1/plan", [(b"content-length", b"1000001")], b"x" * 65536)

    assert (status, read) == (413, 0)
    assert body == error("ContentTooLarge", "the body is larger than 1,000,000 bytes, this endpoint's limit")


def test_a_streamed_body_is_refused_once_it_passes_the_limit_never_read_whole():
    """A body without a Content-Length (chunked) that never ends is 413 after just over the limit is read."""
    status, body, read = call(service.create_app(), "/v1/plan", [], b"x" * 65536)

    assert status == 413
    assert read == service.MAX_REQUEST_BYTES // 65536 + 1
    assert body["error"]["type"] == "ContentTooLarge"


def test_a_chunked_body_under_the_limit_is_planned(client):
    """A body sent in chunks without a Content-Length is read whole when it is under the limit."""
    text = json.dumps(VALID).encode()
    chunks = (text[i : i + 10] for i in range(0, len(text), 10))

    response = checked(client.post("/v1/plan", content=chunks, headers={"content-type": "application/json"}), "/v1/plan")

    assert response.status_code == 200
    assert response.json()["medications"][0]["action"] == "hold"


def test_a_content_length_that_is_not_a_number_is_400():
    """A Content-Length that is not a number of bytes is 400, before anything is read."""
    status, body, read = call(service.create_app(), "/v1/plan", [(b"content-length", b"12abc")], b"{}")

    assert (status, read) == (400, 0)
    assert body == error("BadRequest", "Content-Length is not a number of bytes (got '12abc')")


# --- paths and methods ----------------------------------------------------


def test_a_wrong_method_is_405_with_allow(client):
    """GET on a POST endpoint is 405, with Allow naming POST."""
    response = checked(client.get("/v1/plan"), "/v1/plan", "GET")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == error("MethodNotAllowed", "GET is not allowed on /v1/plan (it takes POST)")


def test_a_post_to_a_get_endpoint_is_405(client):
    """POST on /health is 405, with Allow naming GET and HEAD."""
    response = checked(client.post("/health"), "/health")

    assert response.status_code == 405
    assert response.json() == error("MethodNotAllowed", "POST is not allowed on /health (it takes GET, HEAD)")
    assert response.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/v2/plan", "/v1/plan/", "/", "/v1"])
def test_an_unknown_path_is_404(client, path):
    """A path the service does not serve is 404, and a trailing slash is not redirected."""
    response = checked(client.post(path, json=VALID, follow_redirects=False), path)

    assert (response.status_code, response.json()) == (404, error("NotFound", f"no such path: {path}"))


# --- unexpected errors ----------------------------------------------------


def test_an_unexpected_exception_is_500_with_a_generic_body_and_the_traceback_logged(client, monkeypatch, caplog):
    """A bug while planning is 500 with a body naming only an incident id; the log has the traceback and the id."""

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError(SECRET)

    monkeypatch.setattr(routes, "plan", broken)

    with caplog.at_level(logging.ERROR, logger="medplan.web"):
        response = post(client, "/v1/plan", VALID)

    assert response.status_code == 500
    body = response.json()
    assert body == error("InternalError", body["error"]["problem"])
    assert re.fullmatch(INCIDENT, body["error"]["problem"])
    assert SECRET not in response.text
    assert "Traceback" not in response.text
    incident = re.search("[0-9a-f]{12}", body["error"]["problem"]).group()
    [record] = caplog.records
    assert incident in record.getMessage()
    assert "POST /v1/plan" in record.getMessage()
    assert record.exc_info[0] is ZeroDivisionError


def test_a_table_error_while_serving_is_500_not_the_callers_fault(monkeypatch, caplog):
    """A TableError raised during a call is the server's data, so 500 and logged, never a 422."""

    def broken(*_args, **_kwargs):
        raise medplan.TableError("drug_classes.csv", 3, "low_hold", SECRET)

    app = service.create_app()
    monkeypatch.setattr(routes, "plan", broken)

    with caplog.at_level(logging.ERROR, logger="medplan.web"):
        response = post(TestClient(app), "/v1/plan", VALID)

    assert response.status_code == 500
    assert re.fullmatch(INCIDENT, response.json()["error"]["problem"])
    assert "drug_classes" not in response.text
    assert len(caplog.records) == 1


def test_a_caller_that_goes_away_while_the_body_is_read_gets_nothing_and_nothing_is_logged(caplog):
    """A disconnect before the body is whole ends the call quietly: no response is sent and no error is logged."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    with caplog.at_level(logging.DEBUG, logger="medplan"):
        anyio.run(service.create_app(), http_scope("/v1/plan", []), receive, send)

    assert sent == []
    assert caplog.records == []


def test_an_error_after_the_response_has_started_is_raised_to_the_server_not_answered_500(caplog):
    """Once a status and some bytes are out, a failure cannot become a 500: the error goes to the server, which closes the connection."""

    async def half(_: Request) -> Response:
        def chunks():
            yield b"["
            raise ZeroDivisionError(SECRET)

        return StreamingResponse(chunks(), media_type="application/json")

    app = service.create_app(extra_routes=[Route("/x/half", half, methods=["GET"])])
    sent: list[dict] = []
    requested = False

    async def receive():
        nonlocal requested
        if requested:  # asked again only to hear of a disconnect, which never comes
            await anyio.sleep_forever()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    with caplog.at_level(logging.DEBUG, logger="medplan"), pytest.raises(ZeroDivisionError, match=SECRET):
        anyio.run(app, http_scope("/x/half", [], method="GET"), receive, send)

    assert [(m["type"], m.get("status"), m.get("body")) for m in sent] == [
        ("http.response.start", 200, None),
        ("http.response.body", None, b"["),
    ]
    assert caplog.records == []


# --- routes added by others -----------------------------------------------


def test_extra_routes_are_served_with_the_same_data_and_error_handling():
    """A route given to create_app is served beside medplan's own, finds the loaded table and gets the same 422, 415 and 500."""

    async def drug_count(request: Request) -> Response:
        body = await http.read_json(request)
        if "fail" in body:
            raise RuntimeError("boom")
        if "bad" in body:
            raise medplan.InputError("bad", "is not wanted")
        data: http.ServiceData = request.app.state.medplan
        return Response(str(len(data.table.rules)), media_type="text/plain")

    client = TestClient(service.create_app(extra_routes=[Route("/x/count", drug_count, methods=["POST"])]))

    assert client.post("/x/count", json={}).text == str(len(medplan.default_table().rules))
    assert client.post("/x/count", json={"bad": 1}).json() == error("InputError", "is not wanted", "bad")
    assert client.post("/x/count", content=b"{}").status_code == 415
    failed = client.post("/x/count", json={"fail": 1})
    assert failed.status_code == 500
    assert re.fullmatch(INCIDENT, failed.json()["error"]["problem"])
    assert client.post("/v1/plan", json=VALID).status_code == 200


def test_the_app_plans_with_the_table_and_profiles_it_was_given(tmp_path):
    """create_app(table=..., profiles=...) plans every call with those, loaded once: the plan names the clinic's file."""
    policies = tmp_path / "clinic.toml"
    policies.write_text('[profiles.dr-jones]\ndescription = "Dr Jones."\ninr_max = 1.3\n', encoding="utf-8")
    profiles = medplan.load_profiles(policies)
    client = TestClient(service.create_app(profiles=profiles))
    body = VALID | {"policy": {"profile": "dr-jones"}}

    response = post(client, "/v1/plan", body)

    assert response.json()["policy"]["inr_max"] == 1.3
    assert response.json()["policy"]["source"] == profiles.version
    assert checked(client.get("/version"), "/version", "GET").json()["policies_version"] == profiles.version
    refused = post(client, "/v1/plan", VALID | {"policy": {"profile": "seed-khangure-2017"}})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "policy.profile"


@pytest.mark.parametrize(
    ("raised", "status", "kind"), [(409, 400, "BadRequest"), (413, 413, "ContentTooLarge")], ids=["unnamed", "named"]
)
def test_another_http_exception_keeps_its_words_and_headers_in_the_services_shape(raised, status, kind):
    """An HTTPException other than 404 or 405 answers its own detail and headers, with its status if the service names it, else 400."""

    async def refuse(_: Request) -> Response:
        raise HTTPException(raised, detail="the slot is taken", headers={"Retry-After": "60"})

    client = TestClient(service.create_app(extra_routes=[Route("/x/slot", refuse, methods=["GET"])]))

    response = client.get("/x/slot")

    assert (response.status_code, response.json()) == (status, error(kind, "the slot is taken"))
    assert response.headers["retry-after"] == "60"
    assert response.headers["content-type"] == "application/json"


# --- POST /v1/batch -------------------------------------------------------


GOOD_2 = VALID | {"booking_id": "B-2", "medications": [{"name": "Eliquis", "times": ["08:00", "20:00"]}]}


def test_batch_of_a_json_array_answers_each_item_in_order(client):
    """A JSON array of good and bad requests gives a JSON array: each good one's plan, each bad one's error record with its index."""
    response = post(client, "/v1/batch", [VALID, PERTH, "hello", GOOD_2])

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    first, perth, hello, second = response.json()
    assert first == medplan.plan(VALID, clock=TEST_NOW).to_dict()
    assert second == medplan.plan(GOOD_2, clock=TEST_NOW).to_dict()
    assert perth == {
        "index": 1,
        "error": {"type": "InputError", "field": "procedure.timezone", "problem": PERTH_PROBLEM, "message": f"index 1: procedure.timezone: {PERTH_PROBLEM}"},
    }
    assert hello == {
        "index": 2,
        "error": {"type": "InputError", "field": "request", "problem": "must be a JSON object", "message": "index 2: request: must be a JSON object"},
    }


def test_batch_of_json_lines_is_line_for_line_what_medplan_batch_writes(client, capsys):
    """JSON Lines in give the bytes `medplan batch` writes for the same lines: plans, error records by line number, blank lines skipped."""
    lines = [json.dumps(VALID), "", json.dumps(PERTH), "not json", '"text"', b"\xff\xfe".decode("latin-1"), json.dumps(GOOD_2), "   "]
    body = "\n".join(lines).encode("latin-1") + b"\n"
    Path("day.jsonl").write_bytes(body)
    status, printed = cli_output(["batch", "day.jsonl"], capsys)

    response = checked(client.post("/v1/batch", content=body, headers={"content-type": "application/x-ndjson"}), "/v1/batch")

    assert (status, response.status_code) == (2, 200)
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text == printed
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [r.get("line") for r in records] == [None, 3, 4, 5, 6, None]
    assert records[1]["error"]["message"] == f"line 3: procedure.timezone: {PERTH_PROBLEM}"


def test_batch_without_a_final_newline_and_with_crlf_is_read_as_medplan_batch_reads_it(client, capsys):
    """CRLF line ends and a last line without a newline are planned, as the command line plans them."""
    body = (json.dumps(VALID) + "\r\n" + json.dumps(GOOD_2)).encode()
    Path("day.jsonl").write_bytes(body)
    _, printed = cli_output(["batch", "day.jsonl"], capsys)

    response = checked(client.post("/v1/batch", content=body, headers={"content-type": "application/x-ndjson"}), "/v1/batch")

    assert response.text == printed
    assert len(response.text.splitlines()) == 2


def test_batch_now_applies_to_every_item(client):
    """Query `now` is every item's now, as --now is every line's."""
    response = post(client, "/v1/batch?now=2026-12-02T10:00", [VALID, GOOD_2])

    assert [item["booking"]["now"] for item in response.json()] == ["2026-12-02T10:00:00+08:00"] * 2


def test_an_empty_batch_is_an_empty_answer(client):
    """An empty array gives an empty array, and an empty JSON Lines body gives no lines."""
    assert post(client, "/v1/batch", []).json() == []
    response = checked(client.post("/v1/batch", content=b"", headers={"content-type": "application/x-ndjson"}), "/v1/batch")
    assert (response.status_code, response.text) == (200, "")


def test_a_batch_that_is_not_an_array_is_422(client):
    """A JSON object sent as a batch is refused whole, saying what a batch is."""
    response = post(client, "/v1/batch", VALID)

    problem = "must be a JSON array of requests (or JSON Lines, Content-Type application/x-ndjson)"
    assert (response.status_code, response.json()) == (422, error("InputError", problem, "batch"))


def test_a_batch_that_is_not_json_is_400(client):
    """A JSON batch that does not parse is 400, like any body that is not JSON."""
    response = post(client, "/v1/batch", b"[{}, ")

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "BadRequest"


@pytest.mark.parametrize("media", ["application/json", "application/x-ndjson"])
def test_a_batch_of_more_than_1000_requests_is_413(client, media):
    """More than 1,000 requests in one batch is 413, whatever their size: send several calls."""
    items = [{}] * (http.MAX_BATCH_ITEMS + 1)
    body = json.dumps(items) if media == "application/json" else "\n".join("{}" for _ in items)

    response = checked(client.post("/v1/batch", content=body.encode(), headers={"content-type": media}), "/v1/batch")

    problem = "the batch has more than 1,000 requests; send them in several calls"
    assert (response.status_code, response.json()) == (413, error("ContentTooLarge", problem))


def test_a_batch_over_its_byte_limit_is_413(client):
    """A batch body over 10,000,000 bytes is 413 from its Content-Length."""
    body = b"[" + b" " * http.MAX_BATCH_BYTES + b"]"

    response = post(client, "/v1/batch", body)

    problem = "the body is larger than 10,000,000 bytes, this endpoint's limit"
    assert (response.status_code, response.json()) == (413, error("ContentTooLarge", problem))


def test_a_batch_in_text_plain_is_415(client):
    """A batch must be JSON or JSON Lines by its Content-Type."""
    response = checked(client.post("/v1/batch", content=b"[]", headers={"content-type": "text/plain"}), "/v1/batch")

    problem = "Content-Type must be application/json or application/x-ndjson (got text/plain)"
    assert (response.status_code, response.json()) == (415, error("UnsupportedMediaType", problem))


def test_a_bug_in_one_batch_item_is_its_record_and_the_others_are_planned(client, monkeypatch, caplog):
    """An unexpected exception planning one item gives that item an InternalError record (logged) and plans the rest."""
    real = routes.plan

    def sometimes(request, **kwargs):
        if request.get("booking_id") == "boom":
            raise KeyError(SECRET)
        return real(request, **kwargs)

    monkeypatch.setattr(routes, "plan", sometimes)

    with caplog.at_level(logging.ERROR, logger="medplan.web"):
        response = post(client, "/v1/batch", [VALID, VALID | {"booking_id": "boom"}, GOOD_2])

    good, bad, other = response.json()
    assert good == medplan.plan(VALID, clock=TEST_NOW).to_dict()
    assert other["booking_id"] == "B-2"
    assert bad["index"] == 1
    assert bad["error"]["type"] == "InternalError"
    assert re.fullmatch(INCIDENT, bad["error"]["problem"])
    assert bad["error"]["message"] == f"index 1: {bad['error']['problem']}"
    assert SECRET not in response.text
    assert len(caplog.records) == 1


def test_a_json_lines_line_over_the_request_limit_is_its_own_error(client):
    """A single line over 1,000,000 bytes is that line's error record, as in medplan batch; the other lines are planned."""
    big = json.dumps(VALID | {"booking_id": "x" * service.MAX_REQUEST_BYTES})
    body = f"{big}\n{json.dumps(VALID)}\n".encode()

    response = checked(client.post("/v1/batch", content=body, headers={"content-type": "application/x-ndjson"}), "/v1/batch")

    first, second = (json.loads(line) for line in response.text.splitlines())
    assert first["error"]["problem"] == "is larger than 1,000,000 bytes; a request is far smaller"
    assert second == medplan.plan(VALID, clock=TEST_NOW).to_dict()


# --- POST /v1/earliest ----------------------------------------------------


def test_earliest_with_now_in_the_query_is_the_command_lines_json(client, capsys):
    """POST /v1/earliest?now=... answers what `medplan earliest --format json --now ...` prints."""
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")
    _, printed = cli_output(["earliest", "request.json", "--format", "json", "--now", "2026-12-02T10:00"], capsys)

    response = post(client, "/v1/earliest?now=2026-12-02T10:00", VALID)

    assert response.status_code == 200
    assert response.content == printed.encode()
    assert response.json()["earliest_start"] == "2026-12-07T00:00:00+08:00"


def test_earliest_takes_now_from_the_body_and_needs_no_start(client):
    """`now` may come in the body, and procedure.start may be left out."""
    procedure = {k: v for k, v in VALID["procedure"].items() if k != "start"}
    body = VALID | {"procedure": procedure, "now": "2026-12-02T19:00"}

    response = post(client, "/v1/earliest", body)

    assert response.json()["earliest_start"] == "2026-12-08T00:00:00+08:00"


def test_earliest_without_now_asks_the_servers_clock(client):
    """Without `now` in the body or the query, earliest answers as of the server's clock, as the command line does."""
    response = post(client, "/v1/earliest", VALID)

    assert response.status_code == 200
    assert (response.json()["now"], response.json()["now_source"]) == ("2026-01-01T08:00:00+08:00", "clock")


# --- POST /v1/recheck -----------------------------------------------------


def test_recheck_of_a_stored_plan_is_the_command_lines_json(client, capsys):
    """A stored plan rechecked answers what `medplan recheck --format json` prints: unchanged, with the new plan."""
    stored = medplan.plan(EXAMPLE).to_dict()
    Path("plan.json").write_text(json.dumps(stored), encoding="utf-8")
    status, printed = cli_output(["recheck", "plan.json", "--format", "json"], capsys)

    response = post(client, "/v1/recheck", stored)

    assert (status, response.status_code) == (0, 200)
    assert response.content == printed.encode()
    assert response.json()["changed"] is False


def test_recheck_of_a_changed_plan_is_200_with_the_differences(client):
    """A stored plan whose last dose was edited is still 200; `changed` and `differences` say what differs."""
    stored = medplan.plan(VALID).to_dict()
    stored["medications"][0]["last_dose"] = "2026-12-03T18:00:00+08:00"

    response = post(client, "/v1/recheck", stored)

    assert response.json()["changed"] is True
    assert response.json()["differences"] == [
        {"path": "medications[0].last_dose", "stored": "2026-12-03T18:00:00+08:00", "current": "2026-12-02T18:00:00+08:00", "missing": None}
    ]


def test_recheck_of_a_plan_without_its_request_is_422(client):
    """A stored plan that carries no request cannot be planned again: 422 naming request."""
    response = post(client, "/v1/recheck", {"medications": []})

    problem = "the stored plan carries no request to plan again (it must be a JSON object)"
    assert (response.status_code, response.json()) == (422, error("InputError", problem, "request"))


def test_recheck_takes_a_stored_plan_larger_than_a_request_but_not_over_5mb(client):
    """A stored plan may be up to 5,000,000 bytes (it carries every dated step); a body over that is 413."""
    stored = medplan.plan(VALID).to_dict()
    padded = json.dumps(stored).encode() + b" " * (service.MAX_REQUEST_BYTES + 1)
    assert post(client, "/v1/recheck", padded).status_code == 200

    response = post(client, "/v1/recheck", padded + b" " * service.MAX_PLAN_BYTES)

    problem = "the body is larger than 5,000,000 bytes, this endpoint's limit"
    assert (response.status_code, response.json()) == (413, error("ContentTooLarge", problem))


def test_recheck_takes_no_query_parameters(client):
    """Recheck plans the stored request as it is: a `now` in the query is refused."""
    response = post(client, "/v1/recheck?now=2026-12-02T10:00", medplan.plan(VALID).to_dict())

    assert (response.status_code, response.json()) == (400, error("BadRequest", "unknown query parameter 'now' (it takes none)"))


# --- GET endpoints --------------------------------------------------------


def test_health_says_ok_and_the_table_is_loaded(client):
    """GET /health is 200 with the status and whether the table is loaded."""
    response = checked(client.get("/health"), "/health", "GET")

    assert response.json() == {"status": "ok", "table_loaded": True}


def test_version_names_what_the_plans_are_made_with(client):
    """GET /version gives medplan's version, the schema version, each table's version and the policy file's, as plans name them."""
    response = checked(client.get("/version"), "/version", "GET")

    plan = medplan.plan(VALID).to_dict()
    assert response.json() == {
        "medplan_version": medplan.__version__,
        "schema_version": medplan.SCHEMA_VERSION,
        "table_version": plan["table_version"],
        "data_versions": [
            default_catalogue().version,
            default_care().version,
            default_risk_table().version,
            *default_bridging_tables().versions,
            default_clinical_checks().version,
        ],
        "policies_version": medplan.default_profiles().version,
    }
    assert response.json()["data_versions"][0].startswith("procedures.csv sha256:")


@pytest.mark.parametrize("name", ["openapi.json", "request.schema.json", "plan.schema.json"])
def test_the_openapi_document_and_the_schemas_are_served_as_shipped(client, name):
    """GET /openapi.json and the two schema files beside it answer the package's files byte for byte."""
    response = checked(client.get(f"/{name}"), f"/{name}", "GET")

    assert response.content == (SCHEMAS / name).read_bytes()
    assert response.headers["content-type"] == "application/json"


def test_head_is_answered_on_get_endpoints(client):
    """HEAD /health is answered as GET is, without a body (load balancers use it)."""
    response = client.head("/health")

    assert (response.status_code, response.content) == (200, b"")


# --- the optional extra ---------------------------------------------------


def test_importing_medplan_and_its_command_line_never_imports_the_server():
    """`import medplan` and `medplan.cli` do not import starlette or uvicorn: the extra stays optional."""
    code = "import sys, medplan, medplan.cli; print(sorted(m for m in ('starlette', 'uvicorn') if m in sys.modules))"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603 - our own command

    assert result.stdout == "[]\n"


def serve_without(module: str, monkeypatch, capsys) -> tuple[int, str, str]:
    """Run `medplan serve` in-process as if ``module`` were not installed, medplan.web.app imported afresh; its status, out and err."""
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("uvicorn was started"))
    monkeypatch.setitem(sys.modules, module, None)  # `import module` raises ImportError
    for name in ("app", "routes", "http"):  # each imported afresh: the one guard is medplan.web.http's
        monkeypatch.delitem(sys.modules, f"medplan.web.{name}")
        monkeypatch.delattr(medplan.web, name)

    status = cli.main(["serve", "--port", "0"])

    out, err = capsys.readouterr()
    return status, out, err


def test_serve_without_starlette_exits_69_naming_the_extra(monkeypatch, capsys):
    """`medplan serve` without starlette prints one line naming medplan[server] and exits 69."""
    assert serve_without("starlette", monkeypatch, capsys) == (
        69,
        "",
        "MissingExtraError: the HTTP service needs starlette>=1.7, which is not installed: pip install 'medplan[server]'\n",
    )


def test_serve_without_uvicorn_exits_69_naming_the_extra(monkeypatch, capsys):
    """`medplan serve` with starlette but not uvicorn names the missing server the same way."""
    assert serve_without("uvicorn", monkeypatch, capsys) == (
        69,
        "",
        "MissingExtraError: the HTTP service needs uvicorn>=0.50, which is not installed: pip install 'medplan[server]'\n",
    )


# --- medplan serve --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_port_in_use_exits_2_in_one_line(capsys):
    """A port something already listens on is the command line's error: exit 2, one line, before uvicorn starts."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        status = cli.main(["serve", "--port", str(port)])

    err = capsys.readouterr().err
    assert status == 2
    assert err == f"InputError: --port: cannot listen on 127.0.0.1:{port} (Address already in use)\n"


def test_serve_with_a_malformed_table_exits_3_before_listening(capsys, tmp_path):
    """A table that does not load stops `medplan serve` with exit 3 and one line, as for `medplan plan`."""
    (tmp_path / "bad.csv").write_text("rule_id\n", encoding="utf-8")

    status = cli.main(["serve", "--table", "bad.csv", "--port", str(free_port())])

    err = capsys.readouterr().err
    assert status == 3
    assert err.startswith("TableError: bad.csv")
    assert err.count("\n") == 1


@pytest.mark.parametrize("port", ["70000", "http", "-1"])
def test_serve_refuses_a_port_that_is_not_one(capsys, port):
    """--port must be a whole number from 0 to 65535: a usage error, exit 2."""
    status = cli.main(["serve", "--port", port])

    assert status == 2
    assert "--port: must be a whole number from 0 to 65535" in capsys.readouterr().err


def test_serve_runs_uvicorn_with_nagle_off_and_workers_from_an_import_string(monkeypatch, tmp_path):
    """serve() hands uvicorn the no-delay protocol and, for several workers, the environment factory with absolute data paths."""
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    # Set here so that monkeypatch restores both when serve() has changed them.
    monkeypatch.setenv(service.TABLE_ENV, "a table serve() must unset")
    monkeypatch.setenv(service.POLICIES_ENV, "a file serve() must replace")
    policies = tmp_path / "clinic.toml"
    policies.write_text('[profiles.dr-jones]\ndescription = "Dr Jones."\ninr_max = 1.3\n', encoding="utf-8")

    service.serve(port=free_port())
    service.serve(port=free_port(), workers=2, policies_path="clinic.toml")

    (one, one_options), (many, many_options) = calls
    assert import_from_string(one_options["http"]) is _uvicorn.NoDelayHTTPProtocol
    assert many_options["http"] == one_options["http"]
    assert one.state.medplan.table is medplan.default_table()
    assert (many, many_options["factory"], many_options["workers"]) == ("medplan.web.app:app_from_environment", True, 2)
    assert (one_options["server_header"], many_options["server_header"]) == (False, False)
    assert service.TABLE_ENV not in os.environ
    assert os.environ[service.POLICIES_ENV] == str(policies)
    assert service.app_from_environment().state.medplan.profiles.names == ("dr-jones",)


def test_medplan_serve_hands_uvicorn_its_options_and_exits_0_when_uvicorn_returns(monkeypatch, capsys):
    """`medplan serve` runs one uvicorn server with the host, port, access log and policy file it was given, says where its API document and page are, then exits 0."""
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    Path("clinic.toml").write_text('[profiles.dr-jones]\ndescription = "Dr Jones."\ninr_max = 1.3\n', encoding="utf-8")
    port = free_port()

    status = cli.main(["serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--policies", "clinic.toml"])

    assert (status, *capsys.readouterr()) == (
        0,
        "",
        (
            f"medplan serve: http://127.0.0.1:{port}\n"
            f"  API (OpenAPI 3.1): http://127.0.0.1:{port}/openapi.json\n"
            f"  Pharmacist page:   http://127.0.0.1:{port}/pharmacist\n"
        ),
    )
    [(app, options)] = calls
    assert {name: options[name] for name in ("host", "port", "access_log", "log_level")} == {
        "host": "127.0.0.1", "port": port, "access_log": False, "log_level": "info"}
    assert "workers" not in options
    assert app.state.medplan.profiles.names == ("dr-jones",)


def test_serve_says_where_the_page_is_only_once_the_data_has_loaded(monkeypatch, capsys):
    """serve() prints the addresses to the stream it is given after the checks, so a failed start prints none, and prints nothing without a stream."""
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: None)
    port = free_port()

    service.serve(host="0.0.0.0", port=port)  # noqa: S104 - never bound: uvicorn.run is replaced
    quiet = capsys.readouterr()
    service.serve(host="0.0.0.0", port=port, out=sys.stdout)  # noqa: S104 - never bound
    told = capsys.readouterr().out
    with pytest.raises(medplan.TableError):
        service.serve(port=port, table_path="missing.csv", out=sys.stdout)

    assert (quiet.out, quiet.err) == ("", "")
    assert told.splitlines() == [
        f"medplan serve: http://127.0.0.1:{port} (every address of this machine)",
        f"  API (OpenAPI 3.1): http://127.0.0.1:{port}/openapi.json",
        f"  Pharmacist page:   http://127.0.0.1:{port}/pharmacist",
    ]
    assert capsys.readouterr().out == ""


def test_serve_on_a_host_that_is_not_an_address_exits_2_in_one_line(monkeypatch, capsys):
    """A --host the resolver does not know is the command line's error, in the resolver's words: exit 2, one line, before uvicorn starts."""
    asked = []

    def unknown(host, port, **options):
        asked.append((host, port, options))
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("uvicorn was started"))

    status = cli.main(["serve", "--host", "pharmacy.invalid", "--port", "8080"])

    assert (status, capsys.readouterr().err) == (2, "InputError: --host: is not an address to listen on (Name or service not known)\n")
    assert asked == [("pharmacy.invalid", 8080, {"type": socket.SOCK_STREAM})]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_medplan_serve_stopped_by_a_signal_exits_0_and_puts_the_handlers_back(monkeypatch, capsys, caplog, signum):
    """SIGINT or SIGTERM while uvicorn runs ends `medplan serve` with exit 0 and one log line, not a traceback or a death by signal."""
    before = signal.getsignal(signum)

    def run(_app, **_options):
        signal.raise_signal(signum)  # as uvicorn does once the calls in flight are finished
        pytest.fail("the signal did not stop serve")

    monkeypatch.setattr(uvicorn, "run", run)

    with caplog.at_level(logging.INFO, logger="medplan"):
        status = cli.main(["serve", "--port", str(free_port())])

    assert (status, capsys.readouterr().out) == (0, "")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [("medplan.web", "INFO", "medplan serve stopped")]
    assert signal.getsignal(signum) is before


def test_serve_in_a_thread_that_is_not_the_main_one_leaves_the_signal_handlers_alone(monkeypatch):
    """Only the main thread may set signal handlers: serve() from another thread runs uvicorn with the process's own, where the main thread replaces them."""
    signals = (signal.SIGINT, signal.SIGTERM)
    before = {number: signal.getsignal(number) for number in signals}
    seen = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **_: seen.append({n: signal.getsignal(n) for n in signals}))

    service.serve(port=free_port())
    with ThreadPoolExecutor(1) as pool:
        pool.submit(service.serve, port=free_port()).result(timeout=60)  # raises what serve() raised there

    in_main, in_thread = seen
    assert in_thread == before
    assert all(in_main[number] is not before[number] for number in signals)
    assert {number: signal.getsignal(number) for number in signals} == before


def wait_for_health(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail("medplan serve did not answer /health")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_medplan_serve_answers_over_http_and_stops_cleanly_on_sigterm(tmp_path, workers):
    """The installed `medplan serve` answers POST /v1/plan over a real socket with the CLI's bytes, and exits 0 on SIGTERM."""
    port = free_port()
    medplan_script = Path(sys.executable).parent / "medplan"
    command = [str(medplan_script), "serve", "--port", str(port), "--workers", workers]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our own command
    try:
        wait_for_health(port, process)
        call = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/plan", data=json.dumps(EXAMPLE).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - http to our own server
            body, headers = answer.read(), answer.headers
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)

    assert body == medplan.render_json(medplan.plan(EXAMPLE)).encode()
    assert "server" not in {name.lower() for name in headers}
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert '"POST /v1/plan HTTP/1.1" 200' in out


# --- the OpenAPI document -------------------------------------------------

OPERATIONS = {
    ("/v1/plan", "post"): {200, 400, 413, 415, 422, 500},
    ("/v1/batch", "post"): {200, 400, 413, 415, 422, 500},
    ("/v1/earliest", "post"): {200, 400, 413, 415, 422, 500},
    ("/v1/recheck", "post"): {200, 400, 413, 415, 422, 500},
    ("/health", "get"): {200, 500},
    ("/version", "get"): {200, 500},
    ("/openapi.json", "get"): {200, 500},
    ("/request.schema.json", "get"): {200, 500},
    ("/plan.schema.json", "get"): {200, 500},
    # The pharmacist's page and the endpoints it calls (medplan.web.page; tests/test_page.py).
    ("/pharmacist", "get"): {200, 500},
    ("/pharmacist/page.js", "get"): {200, 500},
    ("/pharmacist/page.css", "get"): {200, 500},
    ("/pharmacist/favicon.svg", "get"): {200, 500},
    ("/v1/names", "get"): {200, 400, 500},
    ("/v1/procedures", "get"): {200, 400, 500},
    ("/v1/calendar", "post"): {200, 400, 413, 415, 422, 500},
    ("/v1/ics", "post"): {200, 400, 413, 415, 422, 500, 501},
    # FHIR and CDS Hooks (medplan.web.fhir_routes; tests/test_ehr.py).
    ("/v1/fhir/plan", "post"): {200, 400, 413, 415, 422, 500, 501},
    ("/cds-services", "get"): {200, 400, 500},
    ("/cds-services/medplan-appointment-book", "post"): {200, 400, 413, 415, 422, 500, 501},
}


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: the document must validate offline."""

    def refuse(*_args, **_kwargs):
        raise AssertionError(NO_NETWORK)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def spec_errors(document: dict) -> list[str]:
    """openapi-spec-validator's errors for ``document``, read as if it were the package's file, fully offline."""
    by_id = {medplan.schema(n)["$id"]: medplan.schema(n) for n in ("request", "plan")}

    def named(uri: str) -> dict:
        # The schemas' $ids are names, never fetched: the plan schema's reference to
        # the request schema is answered from the package.
        return by_id[uri]

    handlers = {"file": default_handlers["file"], "https": named}
    path = SchemaPath.from_dict(document, base_uri=OPENAPI_URI, handlers=handlers)
    return [str(e) for e in OpenAPIV31SpecValidator(path).iter_errors()]


@pytest.mark.usefixtures("no_network")
def test_the_openapi_document_is_valid_openapi_3_1():
    """openapi-spec-validator finds no error in the document, following every $ref into the schema files, offline."""
    assert OPENAPI["openapi"] == "3.1.0"
    assert spec_errors(OPENAPI) == []


@pytest.mark.usefixtures("no_network")
def test_the_validator_would_catch_a_broken_document():
    """The validity check is not vacuous: a response without its description, or a bad parameter, is reported."""
    broken = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    del broken["paths"]["/v1/plan"]["post"]["responses"]["200"]["description"]
    broken["components"]["parameters"]["now"]["in"] = "body"

    assert len(spec_errors(broken)) >= 2


def refs(node: object) -> list[str]:
    """Every $ref in a JSON document."""
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_the_documents_bodies_are_the_packages_json_schemas():
    """Every schema reference leaves the document only for request.schema.json or plan.schema.json beside it, the files medplan.schema reads."""
    external = {ref.partition("#")[0] for ref in refs(OPENAPI)} - {""}

    assert external == {"request.schema.json", "plan.schema.json"}
    for name in ("request", "plan"):
        beside = json.loads((OPENAPI_PATH.parent / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert beside == medplan.schema(name)
    plan_operation = OPENAPI["paths"]["/v1/plan"]["post"]
    assert plan_operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "request.schema.json"}
    assert plan_operation["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "plan.schema.json"}


def test_every_reference_in_the_document_resolves_offline():
    """Each $ref, inside the document or into a schema file (with its fragment), points at something that exists."""
    resolver = REGISTRY.resolver(base_uri=OPENAPI_URI)
    for ref in refs(OPENAPI):
        resolver.lookup(ref)  # raises for a reference to nowhere


def test_every_route_is_documented_and_every_documented_path_is_served():
    """The application's routes and methods are exactly the document's paths and operations (HEAD comes with GET)."""
    app = service.create_app()
    served = {(route.path, method.lower()) for route in app.routes for method in route.methods if method != "HEAD"}
    documented = {(path, method) for path, item in OPENAPI["paths"].items() for method in item}

    assert served == documented == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "statuses"), OPERATIONS.items(), ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_each_operation_lists_the_statuses_it_answers(operation, statuses):
    """Each operation's responses list exactly the statuses the service answers it with (404 and 405 are documented once, for every path)."""
    path, method = operation

    assert {int(code) for code in OPENAPI["paths"][path][method]["responses"]} == statuses


def test_the_documented_size_limits_are_the_services():
    """The limits the document states for each body are the ones the service enforces."""
    paths = OPENAPI["paths"]
    limits = {path: paths[path]["post"]["requestBody"]["x-max-bytes"] for path in paths if "post" in paths[path]}

    assert limits == {
        "/v1/plan": service.MAX_REQUEST_BYTES,
        "/v1/earliest": service.MAX_REQUEST_BYTES,
        "/v1/recheck": service.MAX_PLAN_BYTES,
        "/v1/batch": http.MAX_BATCH_BYTES,
        "/v1/calendar": service.MAX_REQUEST_BYTES,
        "/v1/ics": service.MAX_REQUEST_BYTES,
        "/v1/fhir/plan": service.MAX_REQUEST_BYTES,
        "/cds-services/medplan-appointment-book": service.MAX_REQUEST_BYTES,
    }
    assert paths["/v1/batch"]["post"]["requestBody"]["x-max-items"] == http.MAX_BATCH_ITEMS


def test_the_documented_error_types_are_the_services():
    """The Error schema's types are the ones the service names, one per status it answers with."""
    documented = OPENAPI["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["type"]["enum"]

    assert set(documented) == set(http.STATUS_TYPES.values())


def test_the_documents_422_example_is_what_the_service_answers(client):
    """The InputError example in the document is the body the service really sends for that request."""
    example = OPENAPI["components"]["responses"]["InputError"]["content"]["application/json"]["example"]

    assert post(client, "/v1/plan", PERTH).json() == example
