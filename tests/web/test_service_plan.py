"""POST /v1/plan through the service: bodies, queries, size limits, paths and methods.

Every response is also checked against the OpenAPI document (``servicecases.checked``).
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from servicecases import (
    EXAMPLE,
    PERTH,
    PERTH_PROBLEM,
    call,
    checked,
    cli_output,
    error,
    post,
)
from strategies import VALID

import medplan
from medplan import cli
from medplan.web import app

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


@attrs.frozen
class BodyCase:
    """A body that is not JSON text (or not UTF-8), and the problem the decoder names."""

    body: bytes
    problem: str


BODY_CASES = [
    pytest.param(BodyCase(body=b"{", problem="the body is not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"), id="truncated"),
    pytest.param(BodyCase(body=b"", problem="the body is not valid JSON (Expecting value at line 1 column 1)"), id="empty"),
    pytest.param(BodyCase(body=b'{"x": NaN}', problem="the body is not valid JSON (NaN is not a number JSON allows)"), id="nan"),
    pytest.param(BodyCase(body=b'{"x": "\xff"}', problem="the body is not UTF-8 (invalid start byte at byte 7)"), id="not-utf8"),
    pytest.param(BodyCase(body=b"[" * 100_000, problem="the body is not valid JSON (nested too deeply)"), id="deep"),
]


@pytest.mark.parametrize("case", BODY_CASES)
def test_a_body_that_is_not_json_is_400(client, case):
    """A body that is not JSON text (or not UTF-8) is 400, with the decoder's words."""
    response = post(client, "/v1/plan", case.body)

    assert (response.status_code, response.json()) == (400, error("BadRequest", case.problem))


@attrs.frozen
class QueryCase:
    """A query string the endpoint refuses, and the problem it names."""

    query: str
    problem: str


QUERY_CASES = [
    QueryCase(query="nwo=2026-12-02T10:00", problem="unknown query parameter 'nwo' (it takes now)"),
    QueryCase(query="now=2026-12-02T10:00&now=2026-12-03T10:00", problem="query parameter 'now' is given more than once"),
]


@pytest.mark.parametrize("case", QUERY_CASES, ids=[case.query for case in QUERY_CASES])
def test_a_query_parameter_misspelt_or_repeated_is_400(client, case):
    """A query parameter the endpoint does not take, or one given twice, is refused, never ignored."""
    response = post(client, f"/v1/plan?{case.query}", VALID)

    assert (response.status_code, response.json()) == (400, error("BadRequest", case.problem))


@attrs.frozen
class MediaCase:
    """A Content-Type (None: not sent) the endpoint refuses, and the problem it names."""

    content_type: str | None
    problem: str


MEDIA_CASES = [
    MediaCase(content_type=None, problem="Content-Type is missing (send application/json)"),
    MediaCase(content_type="text/plain", problem="Content-Type must be application/json (got text/plain)"),
    MediaCase(content_type="application/x-ndjson", problem="Content-Type must be application/json (got application/x-ndjson)"),
    MediaCase(content_type="application/json; charset=latin-1", problem="the body must be UTF-8 (got application/json; charset=latin-1)"),
]


@pytest.mark.parametrize("case", MEDIA_CASES, ids=[str(case.content_type) for case in MEDIA_CASES])
def test_a_body_that_is_not_json_by_its_content_type_is_415(client, case):
    """A body without a JSON Content-Type, or in a charset other than UTF-8, is 415."""
    headers = {} if case.content_type is None else {"content-type": case.content_type}
    response = checked(client.post("/v1/plan", content=json.dumps(VALID).encode(), headers=headers), "/v1/plan")

    assert (response.status_code, response.json()) == (415, error("UnsupportedMediaType", case.problem))


# --- the size limit -------------------------------------------------------


def test_a_body_over_the_limit_is_413(client):
    """A body larger than 1,000,000 bytes is 413, naming the limit."""
    body = json.dumps(VALID | {"booking_id": "x" * app.MAX_REQUEST_BYTES}).encode()

    response = post(client, "/v1/plan", body)

    problem = "the body is larger than 1,000,000 bytes, this endpoint's limit"
    assert (response.status_code, response.json()) == (413, error("ContentTooLarge", problem))


def test_a_body_at_the_limit_is_read(client):
    """A body of exactly the limit is read and planned (here: refused by medplan as the JSON it is, not as too large)."""
    text = json.dumps(VALID | {"booking_id": ""})
    body = text.replace('"booking_id": ""', '"booking_id": "' + "x" * (app.MAX_REQUEST_BYTES - len(text)) + '"').encode()
    assert len(body) == app.MAX_REQUEST_BYTES

    response = post(client, "/v1/plan", body)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "booking_id"


def test_a_content_length_over_the_limit_is_refused_before_any_byte_is_read():
    """A Content-Length over the limit is 413 at once: not one chunk of the body is read."""
    status, body, read = call(app.create_app(), "/v1/plan", [(b"content-length", b"1000001")], b"x" * 65536)

    assert (status, read) == (413, 0)
    assert body == error("ContentTooLarge", "the body is larger than 1,000,000 bytes, this endpoint's limit")


def test_a_streamed_body_is_refused_once_it_passes_the_limit_never_read_whole():
    """A body without a Content-Length (chunked) that never ends is 413 after just over the limit is read."""
    status, body, read = call(app.create_app(), "/v1/plan", [], b"x" * 65536)

    assert status == 413
    assert read == app.MAX_REQUEST_BYTES // 65536 + 1
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
    status, body, read = call(app.create_app(), "/v1/plan", [(b"content-length", b"12abc")], b"{}")

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
