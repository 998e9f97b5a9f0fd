"""POST /v1/earliest, POST /v1/recheck and the GET endpoints of the service.

Every response is also checked against the OpenAPI document (``servicecases.checked``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from servicecases import (
    EXAMPLE,
    SCHEMAS,
    checked,
    cli_output,
    error,
    post,
)
from strategies import VALID

import medplan
from medplan.tables.bridging_doses import default_bridging_tables
from medplan.tables.care import default_care
from medplan.tables.clinical_checks import default_clinical_checks
from medplan.tables.procedures import default_catalogue
from medplan.tables.thrombotic_risk import default_risk_table
from medplan.web import app

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
    padded = json.dumps(stored).encode() + b" " * (app.MAX_REQUEST_BYTES + 1)
    assert post(client, "/v1/recheck", padded).status_code == 200

    response = post(client, "/v1/recheck", padded + b" " * app.MAX_PLAN_BYTES)

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
