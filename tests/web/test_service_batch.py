"""POST /v1/batch through the service, item by item as medplan batch answers.

Every response is also checked against the OpenAPI document (``servicecases.checked``).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from servicecases import (
    INCIDENT,
    PERTH,
    PERTH_PROBLEM,
    SECRET,
    checked,
    cli_output,
    error,
    post,
)
from strategies import VALID
from testclock import TEST_NOW

import medplan
from medplan.web import app, http, routes

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
    big = json.dumps(VALID | {"booking_id": "x" * app.MAX_REQUEST_BYTES})
    body = f"{big}\n{json.dumps(VALID)}\n".encode()

    response = checked(client.post("/v1/batch", content=body, headers={"content-type": "application/x-ndjson"}), "/v1/batch")

    first, second = (json.loads(line) for line in response.text.splitlines())
    assert first["error"]["problem"] == "is larger than 1,000,000 bytes; a request is far smaller"
    assert second == medplan.plan(VALID, clock=TEST_NOW).to_dict()
