"""The service's unexpected errors, and routes and tables handed to the app.

Every response is also checked against the OpenAPI document (``servicecases.checked``).
"""

from __future__ import annotations

import logging
import re

import anyio
import attrs
import pytest
from servicecases import (
    INCIDENT,
    SECRET,
    checked,
    error,
    http_scope,
    post,
)
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from strategies import VALID

import medplan
from medplan.web import app, http, routes

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

    asgi_app = app.create_app()
    monkeypatch.setattr(routes, "plan", broken)

    with caplog.at_level(logging.ERROR, logger="medplan.web"):
        response = post(TestClient(asgi_app), "/v1/plan", VALID)

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
        anyio.run(app.create_app(), http_scope("/v1/plan", []), receive, send)

    assert sent == []
    assert caplog.records == []


def test_an_error_after_the_response_has_started_is_raised_to_the_server_not_answered_500(caplog):
    """Once a status and some bytes are out, a failure cannot become a 500: the error goes to the server, which closes the connection."""

    async def half(_: Request) -> Response:
        def chunks():
            yield b"["
            raise ZeroDivisionError(SECRET)

        return StreamingResponse(chunks(), media_type="application/json")

    asgi_app = app.create_app(extra_routes=[Route("/x/half", half, methods=["GET"])])
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
        anyio.run(asgi_app, http_scope("/x/half", [], method="GET"), receive, send)

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

    client = TestClient(app.create_app(extra_routes=[Route("/x/count", drug_count, methods=["POST"])]))

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
    client = TestClient(app.create_app(profiles=profiles))
    body = VALID | {"policy": {"profile": "dr-jones"}}

    response = post(client, "/v1/plan", body)

    assert response.json()["policy"]["inr_max"] == 1.3
    assert response.json()["policy"]["source"] == profiles.version
    assert checked(client.get("/version"), "/version", "GET").json()["policies_version"] == profiles.version
    refused = post(client, "/v1/plan", VALID | {"policy": {"profile": "seed-khangure-2017"}})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "policy.profile"


@attrs.frozen
class RaisedCase:
    """An HTTPException status a route raises, and the status and error type the service answers."""

    raised: int
    status: int
    kind: str


RAISED_CASES = [
    pytest.param(RaisedCase(raised=409, status=400, kind="BadRequest"), id="unnamed"),
    pytest.param(RaisedCase(raised=413, status=413, kind="ContentTooLarge"), id="named"),
]


@pytest.mark.parametrize("case", RAISED_CASES)
def test_another_http_exception_keeps_its_words_and_headers_in_the_services_shape(case):
    """An HTTPException other than 404 or 405 answers its own detail and headers, with its status if the service names it, else 400."""

    async def refuse(_: Request) -> Response:
        raise HTTPException(case.raised, detail="the slot is taken", headers={"Retry-After": "60"})

    client = TestClient(app.create_app(extra_routes=[Route("/x/slot", refuse, methods=["GET"])]))

    response = client.get("/x/slot")

    assert (response.status_code, response.json()) == (case.status, error(case.kind, "the slot is taken"))
    assert response.headers["retry-after"] == "60"
    assert response.headers["content-type"] == "application/json"
