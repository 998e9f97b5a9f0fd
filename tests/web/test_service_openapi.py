"""The OpenAPI document: valid, offline, and in step with what the service answers.

Every response is also checked against the OpenAPI document (``servicecases.checked``).
"""

from __future__ import annotations

import json
import socket

import pytest
from jsonschema_path import SchemaPath
from jsonschema_path.handlers import default_handlers
from openapi_spec_validator import OpenAPIV31SpecValidator
from servicecases import (
    NO_NETWORK,
    OPENAPI,
    OPENAPI_PATH,
    OPENAPI_URI,
    PERTH,
    REGISTRY,
    post,
)

import medplan
from medplan.web import app, http

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
    # The pharmacist's page and the endpoints it calls (medplan.web.page; tests/web/test_page.py).
    ("/pharmacist", "get"): {200, 500},
    ("/pharmacist/page.js", "get"): {200, 500},
    ("/pharmacist/page.css", "get"): {200, 500},
    ("/pharmacist/favicon.svg", "get"): {200, 500},
    ("/v1/names", "get"): {200, 400, 500},
    ("/v1/procedures", "get"): {200, 400, 500},
    ("/v1/calendar", "post"): {200, 400, 413, 415, 422, 500},
    ("/v1/ics", "post"): {200, 400, 413, 415, 422, 500, 501},
    # FHIR and CDS Hooks (medplan.web.fhir_routes; tests/web/test_fhir_routes.py).
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
    asgi_app = app.create_app()
    served = {(route.path, method.lower()) for route in asgi_app.routes for method in route.methods if method != "HEAD"}
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
        "/v1/plan": app.MAX_REQUEST_BYTES,
        "/v1/earliest": app.MAX_REQUEST_BYTES,
        "/v1/recheck": app.MAX_PLAN_BYTES,
        "/v1/batch": http.MAX_BATCH_BYTES,
        "/v1/calendar": app.MAX_REQUEST_BYTES,
        "/v1/ics": app.MAX_REQUEST_BYTES,
        "/v1/fhir/plan": app.MAX_REQUEST_BYTES,
        "/cds-services/medplan-appointment-book": app.MAX_REQUEST_BYTES,
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
