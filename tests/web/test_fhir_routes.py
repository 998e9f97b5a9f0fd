"""The service's FHIR and CDS Hooks routes: a Bundle planned over HTTP, discovery, and the hook's cards."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import attrs
import pytest
from cdscases import appointment, hook_request, warfarin_statement
from fhircases import NERVE_ROOT_SLEEVE, ZONE
from starlette.testclient import TestClient
from testclock import TEST_NOW

import medplan
from medplan.fhir import cds
from medplan.fhir.bundle import plan_bundle
from medplan.web.app import create_app
from medplan.web.fhir_routes import PUBLIC_URL_ENV, TIMEZONE_ENV, ehr_routes

FHIR_JSON = {"content-type": "application/fhir+json"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as test_client:
        yield test_client


def error(response):
    return response.status_code, response.json()["error"]


def test_a_bundle_is_planned_as_the_python_call_plans_it(client):
    """POST /v1/fhir/plan answers the plan medplan.fhir.bundle.plan_bundle gives as of the server's clock, and what the bundle left out."""
    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", content=json.dumps(NERVE_ROOT_SLEEVE), headers=FHIR_JSON)

    assert response.status_code == 200
    answer = response.json()
    assert answer["plan"] == plan_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE, clock=TEST_NOW).to_dict()
    assert answer["fhir"] == {"unmapped": [], "notes": []}
    assert [m["action"] for m in answer["plan"]["medications"]] == ["hold", "review", "continue", "review"]


def test_a_bundle_may_also_come_as_plain_json_with_now(client):
    """application/json is taken too, and ?now= asks the booking questions."""
    response = client.post(f"/v1/fhir/plan?timezone={ZONE}&now=2026-12-02T10:00", json=NERVE_ROOT_SLEEVE)

    assert response.status_code == 200
    assert response.json()["plan"]["booking"]["earliest_start"] == "2026-12-10T00:00:00+08:00"


def test_what_the_bundle_cannot_give_is_listed_and_reviewed(client):
    """A resource medplan does not read is named in fhir.unmapped and in the plan's review reasons."""
    bundle = {**NERVE_ROOT_SLEEVE, "entry": [*NERVE_ROOT_SLEEVE["entry"],
                                             {"resource": {"resourceType": "Condition", "id": "c1",
                                                           "subject": {"reference": "Patient/p1"}}}]}

    answer = client.post(f"/v1/fhir/plan?timezone={ZONE}", json=bundle).json()

    assert answer["fhir"]["unmapped"] == ["Condition/c1: medplan does not read Condition resources: not used"]
    assert "Condition/c1: medplan does not read Condition resources: not used" in answer["plan"]["review_reasons"]


def test_without_a_time_zone_the_call_is_refused_naming_it(client):
    """FHIR instants carry an offset, not a zone: 422 naming timezone."""
    status, body = error(client.post("/v1/fhir/plan", json=NERVE_ROOT_SLEEVE))

    assert status == 422
    assert body["field"] == "timezone"
    assert body["problem"] == (
        "is required: FHIR instants carry no time zone; give ?timezone=Area/City or start the service with MEDPLAN_TIMEZONE"
    )


def test_the_service_zone_comes_from_its_environment():
    """Started with MEDPLAN_TIMEZONE, the service needs no ?timezone=."""
    app = create_app(extra_routes=())
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") != "/v1/fhir/plan"]
    app.router.routes[:0] = ehr_routes({TIMEZONE_ENV: ZONE})[:1]

    with TestClient(app) as local:
        response = local.post("/v1/fhir/plan", json=NERVE_ROOT_SLEEVE)

    assert response.status_code == 200
    assert response.json()["plan"]["procedure"]["timezone"] == ZONE


def test_a_bundle_that_is_not_an_object_or_not_json(client):
    """The same refusals as POST /v1/plan: 422 for a JSON array, 415 for another media type."""
    assert error(client.post(f"/v1/fhir/plan?timezone={ZONE}", json=[1])) == (422, {
        "type": "InputError", "field": "request", "problem": "must be a JSON object", "message": "request: must be a JSON object"})
    assert client.post(f"/v1/fhir/plan?timezone={ZONE}", content="x", headers={"content-type": "text/plain"}).status_code == 415


def test_without_the_fhir_extra_the_call_is_501(client, monkeypatch):
    """A server installed without medplan[fhir] says so, naming the extra, and is not blamed as a bug."""
    def missing(*_args, **_kwargs):
        raise medplan.MissingExtraError("fhir", "fhir.resources>=8.0", "FHIR input")

    monkeypatch.setattr("medplan.web.fhir_routes.request_from_bundle", missing)

    status, body = error(client.post(f"/v1/fhir/plan?timezone={ZONE}", json=NERVE_ROOT_SLEEVE))

    assert status == 501
    assert body["problem"] == "FHIR input needs fhir.resources>=8.0, which is not installed: pip install 'medplan[fhir]'"


def test_discovery_is_the_cds_modules_answer(client):
    """GET /cds-services lists the appointment-book service."""
    response = client.get("/cds-services")

    assert response.status_code == 200
    assert response.json() == cds.discovery()


def test_the_hook_answers_the_cards_the_python_call_gives(client):
    """POST /cds-services/medplan-appointment-book with a now gives appointment_book's cards."""
    request = hook_request(statements=[warfarin_statement()])

    response = client.post(f"/cds-services/medplan-appointment-book?timezone={ZONE}&now=2026-12-01T10:00", json=request)

    assert response.status_code == 200
    assert response.json() == cds.appointment_book(
        request, timezone=ZONE, now="2026-12-01T10:00", page_url="http://testserver/pharmacist")
    (card,) = response.json()["cards"]
    assert card["indicator"] == "warning"


def test_the_hook_without_now_asks_the_clock(client, monkeypatch):
    """A hook call sends no moment: the server's clock is now, so on 4 December the 8 December slot is too soon."""
    monkeypatch.setattr("medplan.clock.now", lambda: datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])

    (card,) = client.post(f"/cds-services/medplan-appointment-book?timezone={ZONE}", json=request).json()["cards"]

    assert card == cds.appointment_book(
        request, timezone=ZONE, now="2026-12-04T02:00+00:00", page_url="http://testserver/pharmacist")["cards"][0]
    assert card["indicator"] == "critical"


def test_a_request_that_is_not_a_hook_is_422_naming_the_field(client):
    """A body without the appointment-book hook is refused, naming hook."""
    status, body = error(client.post(f"/cds-services/medplan-appointment-book?timezone={ZONE}", json={"hook": "patient-view"}))

    assert status == 422
    assert body["message"] == "hook: must be 'appointment-book' (got 'patient-view')"


@pytest.mark.parametrize("path", ["/v1/fhir/plan", "/cds-services/medplan-appointment-book"])
def test_the_hl7_routes_refuse_as_the_others_do(client, path):
    """An unknown query parameter is 400, a body over the limit 413, not JSON 400: the same answers as POST /v1/plan."""
    unknown = client.post(f"{path}?zone={ZONE}", json={})
    huge = client.post(f"{path}?timezone={ZONE}", content=b"{" + b" " * 1_000_001 + b"}", headers=FHIR_JSON)
    broken = client.post(f"{path}?timezone={ZONE}", content=b"{", headers=FHIR_JSON)

    assert error(unknown) == (400, {"type": "BadRequest", "field": None,
                                    "problem": "unknown query parameter 'zone' (it takes timezone, now)",
                                    "message": "unknown query parameter 'zone' (it takes timezone, now)"})
    assert huge.status_code == 413
    assert broken.status_code == 400


def hook_app(environment):
    """The service with the hook route built from this environment in front of the default one."""
    app = create_app()
    app.router.routes[:0] = [r for r in ehr_routes(environment) if r.path.endswith("/medplan-appointment-book")]
    return app


@attrs.frozen(kw_only=True)
class PageLinkCase:
    """One case of test_each_planned_card_links_to_this_services_pharmacist_page: environment, page."""

    environment: object
    page: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(PageLinkCase(environment={}, page="http://testserver/pharmacist"), id="where-the-hook-was-called"),
        pytest.param(
            PageLinkCase(environment={PUBLIC_URL_ENV: "https://medplan.hospital.example/"}, page="https://medplan.hospital.example/pharmacist"),
            id="public-url",
        ),
        pytest.param(
            PageLinkCase(environment={PUBLIC_URL_ENV: "https://gw.example/medplan"}, page="https://gw.example/medplan/pharmacist"),
            id="public-url-with-a-path",
        ),
    ],
)
def test_each_planned_card_links_to_this_services_pharmacist_page(case):
    """The card's link is the pharmacist page, at MEDPLAN_PUBLIC_URL if set, with the appointment's request; the page serves there."""
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])
    with TestClient(hook_app(case.environment)) as client:
        (card,) = client.post(f"/cds-services/medplan-appointment-book?timezone={ZONE}&now=2026-12-01T10:00", json=request).json()["cards"]
        served = client.get("/pharmacist")

    (link,) = card["links"]
    assert link["url"].partition("#request=")[0] == case.page
    assert served.status_code == 200


def test_a_public_url_that_is_not_absolute_is_refused_naming_the_variable():
    with pytest.raises(medplan.InputError) as excinfo:
        ehr_routes({PUBLIC_URL_ENV: "medplan.hospital.example"})

    assert str(excinfo.value) == "MEDPLAN_PUBLIC_URL: must be an absolute http(s) URL (got 'medplan.hospital.example')"
