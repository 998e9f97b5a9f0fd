"""Decisions everywhere a plan is made: the command line, recheck, the service, FHIR and CDS Hooks."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import attrs
import datafiles
import pytest
from cdscases import hook_request, warfarin_statement
from fhircases import NERVE_ROOT_SLEEVE, ZONE
from starlette.testclient import TestClient

import medplan
from medplan import cli
from medplan.fhir import cds
from medplan.tables.drug_classes import parse_table
from medplan.web.app import create_app

BY = "A. Pharmacist"


def example() -> dict[str, Any]:
    text = (resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text("utf-8")
    return json.loads(text)


def shipped_decisions() -> list[dict[str, Any]]:
    folder = resources.files("medplan") / "examples" / "decisions"
    return json.loads((folder / "nerve-root-sleeve-injection.json").read_text("utf-8"))["decisions"]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def request_file(tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(example()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as test_client:
        yield test_client


# --- the command line --------------------------------------------------------------------


def test_review_lists_the_open_items_as_json(request_file, capsys):
    """medplan review --format json: needs_review and the items, as the plan JSON gives them."""
    status, out, _ = run(["review", str(request_file), "--format", "json"], capsys)

    assert status == 0
    body = json.loads(out)
    assert body["needs_review"] is True
    assert [r["id"] for r in body["reviews"]] == [
        "Plavix/indication", "Plavix/unconfirmed-rule", "Eliquis/unconfirmed-rule", "plan/two-anticoagulants",
        "plan/anticoagulant-with-antiplatelet", "plan/two-antiplatelets"]


def test_the_template_lists_each_open_item_a_decision_answers(tmp_path, capsys):
    """Warfarin without dose times and an unknown name: only the unknown name is a decision to fill in."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps({
        "procedure": {"name": "p", "bleeding_risk": "intermediate", "start": "2026-12-08T09:30", "timezone": ZONE},
        "medications": [{"name": "warfarin"}, {"name": "Zorblex", "times": ["08:00"]}]}), encoding="utf-8")

    status, out, _ = run(["review", str(path), "--format", "template"], capsys)

    assert status == 0
    assert json.loads(out) == {"decisions": [
        {"review": "Zorblex/not-in-table", "answer": "hold | continue", "by": "", "reason": ""}]}


def test_review_with_the_decisions_says_final(request_file, tmp_path, capsys):
    """With the shipped decisions file, review says every item is answered."""
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(shipped_decisions()), encoding="utf-8")  # a bare list is taken too

    status, out, _ = run(["review", str(request_file), "--decisions", str(decisions)], capsys)

    assert status == 0
    assert out.startswith("Final: every review item is answered.\n[answered] Plavix/indication\n")
    assert out.count("[answered]") == 6


def test_review_of_a_plan_without_items_says_so(tmp_path, capsys):
    """A plan with nothing to review: the one line."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps({
        "procedure": {"name": "p", "bleeding_risk": "low", "start": "2026-12-08T09:30", "timezone": ZONE},
        "medications": []}), encoding="utf-8")

    assert run(["review", str(path)], capsys)[1] == (
        "Final: every review item is answered.\nNo review items: the plan needs no pharmacist decision.\n")


def test_the_final_plan_as_ics_is_confirmed(request_file, tmp_path, capsys):
    """plan --decisions --format ics: every event CONFIRMED."""
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"decisions": shipped_decisions()}), encoding="utf-8")

    status, out, _ = run(["plan", str(request_file), "--decisions", str(decisions), "--format", "ics"], capsys)

    assert status == 0
    assert out.count("STATUS:CONFIRMED") == 9
    assert "TENTATIVE" not in out


@attrs.frozen(kw_only=True)
class BadDecisionsFileCase:
    """One case of test_a_bad_decisions_file_exits_2_naming_the_problem: content, message."""

    content: list | dict
    message: str


@pytest.mark.parametrize(
    "case",
    [
        BadDecisionsFileCase(content={"decisions": [], "by": "me"}, message="must be a list of decisions, or an object with only 'decisions'"),
        BadDecisionsFileCase(content=[{"review": "Plavix/unconfirmed-rule", "answer": "hold"}], message="decisions[0].by: is required"),
    ],
    ids=["object-with-other-keys", "decision-without-by"],
)
def test_a_bad_decisions_file_exits_2_naming_the_problem(request_file, tmp_path, capsys, case):
    """A decisions file of the wrong shape, or a refused decision: exit 2, one line naming it."""
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(case.content), encoding="utf-8")

    status, _, err = run(["plan", str(request_file), "--decisions", str(decisions)], capsys)

    assert status == 2
    assert case.message in err


def test_example_prints_the_shipped_decisions(capsys):
    """medplan example --format decisions prints the seed example's decisions file as shipped."""
    status, out, _ = run(["example", "--format", "decisions"], capsys)

    assert status == 0
    assert json.loads(out) == {"decisions": shipped_decisions()}


def test_example_decisions_for_an_example_without_them_is_refused(capsys):
    """Only the seed example ships decisions: asking for another's exits 2, naming what there is."""
    status, _, err = run(["example", "liver-biopsy-diabetes", "--format", "decisions"], capsys)

    assert status == 2
    assert err == ("InputError: example: no decisions are shipped for 'liver-biopsy-diabetes' (have: nerve-root-sleeve-injection)\n")


# --- recheck -------------------------------------------------------------------------------


def final_stored() -> dict[str, Any]:
    return medplan.plan({**example(), "decisions": shipped_decisions()}).to_dict()


def test_a_final_plan_rechecked_on_the_same_tables_is_unchanged():
    """Nothing changed under the decisions: not stale."""
    result = medplan.recheck(final_stored())

    assert (result.changed, result.decisions) == (False, ())


def test_tables_changed_under_a_decision_are_reported(capsys, tmp_path):
    """A stored final plan made with another table version: the same answers, but the decisions need confirming."""
    stored = final_stored()
    stored["table_version"] = "drug_classes.csv sha256:0000000000000000"

    result = medplan.recheck(stored)

    assert result.differences == ()
    assert result.changed
    assert result.decisions == (
        (
            "the tables changed under 6 decision(s) (Plavix/indication, Plavix/unconfirmed-rule, "
            "Eliquis/unconfirmed-rule, plan/two-anticoagulants, plan/anticoagulant-with-antiplatelet, "
            "plan/two-antiplatelets): the pharmacist decided on drug_classes.csv sha256:0000000000000000; "
            "confirm the decisions again"
        ),
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(stored), encoding="utf-8")
    status, out, _ = run(["recheck", str(path)], capsys)
    assert status == 1
    assert out.startswith(
        "CHANGED: the same answers, but the pharmacist's decisions need confirming again\nDECISIONS: the tables changed under 6 decision(s)"
    )


def test_a_new_medplan_version_alone_is_not_a_table_change():
    """Only medplan's version differs: the decisions stand."""
    stored = final_stored()
    stored["medplan_version"] = "0.0.1"

    result = medplan.recheck(stored)

    assert (result.changed, result.decisions) == (False, ())


def test_a_decision_that_no_longer_fits_is_reported_and_dropped():
    """A table that confirms clopidogrel's row: its decision answers no item, so the plan is made without the decisions."""
    table = parse_table(datafiles.with_cells("drug_classes.csv", "asra-pain-2018:clopidogrel", evidence="C"), "drug_classes.csv")

    result = medplan.recheck(final_stored(), table=table)

    assert result.changed
    assert result.decisions[0].startswith(
        "a decision no longer fits the plan, which is planned without them: decisions[1].review: must be the id of "
        "one of the plan's review items (got 'Plavix/unconfirmed-rule'"
    )
    assert result.plan.decisions == ()


def test_a_stored_request_otherwise_invalid_is_still_refused():
    """An error outside the decisions is the stored request's, named inside request."""
    stored = final_stored()
    stored["request"]["decisions"] = "all of them"

    with pytest.raises(medplan.InputError) as refused:
        medplan.recheck(stored)

    assert str(refused.value) == "request.decisions: must be a list of decisions (got text)"


# --- the service ---------------------------------------------------------------------------


def test_the_service_plans_with_decisions(client):
    """POST /v1/plan with the decisions: the final plan, as the Python call gives it."""
    body = {**example(), "decisions": shipped_decisions()}

    response = client.post("/v1/plan", json=body)

    assert response.status_code == 200
    assert response.json() == medplan.plan(body).to_dict()
    assert response.json()["needs_review"] is False


def test_the_service_refuses_a_decision_with_422(client):
    """A decision for an item that is not in the plan: 422, naming the field."""
    body = {**example(), "decisions": [{"review": "Aspirin/unconfirmed-rule", "answer": "hold", "by": BY}]}

    response = client.post("/v1/plan", json=body)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "decisions[0].review"


def fhir_decisions() -> list[dict[str, Any]]:
    return [
        {"review": "Plavix/unconfirmed-rule", "answer": "hold", "by": BY},
        {"review": "Eliquis/unconfirmed-rule", "answer": "hold", "by": BY},
        {"review": "plan/two-anticoagulants", "answer": "confirmed", "by": BY},
    ]


def test_the_fhir_route_takes_the_bundle_with_decisions(client):
    """POST /v1/fhir/plan with {bundle, decisions}: the items decided, the data items still open."""
    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", json={"bundle": NERVE_ROOT_SLEEVE, "decisions": fhir_decisions()})

    assert response.status_code == 200
    plan = response.json()["plan"]
    assert [(r["id"], r["status"]) for r in plan["reviews"]] == [
        ("plan/screening-not-answered", "open"),
        ("Plavix/indication", "open"),
        ("Plavix/unconfirmed-rule", "answered"),
        ("Eliquis/unconfirmed-rule", "answered"),
        ("plan/two-anticoagulants", "answered"),
        ("plan/anticoagulant-with-antiplatelet", "open"),
        ("plan/two-antiplatelets", "open"),
        ("Warfarin/anticoagulation-reason", "open"),
    ]
    # Clopidogrel's indication is still open, so it stays review; apixaban is decided.
    assert [m["action"] for m in plan["medications"]] == ["hold", "review", "continue", "hold"]


@attrs.frozen(kw_only=True)
class BadFhirWrapperCase:
    """One case of test_the_fhir_route_refuses_a_bad_wrapper_or_decision_with_422: body, field, problem."""

    body: object
    field: str
    problem: str


@pytest.mark.parametrize(
    "case",
    [
        BadFhirWrapperCase(
            body={"bundle": NERVE_ROOT_SLEEVE, "decisions": [{"review": "Plavix/unconfirmed-rule", "answer": "hold"}]},
            field="decisions[0].by",
            problem="is required",
        ),
        BadFhirWrapperCase(
            body={"decisions": []},
            field="bundle",
            problem='is required: the body is a FHIR Bundle, or {"bundle": <a FHIR Bundle>, "decisions": [...]}',
        ),
        BadFhirWrapperCase(
            body={"bundle": NERVE_ROOT_SLEEVE, "note": "x"},
            field="note",
            problem="is not a field medplan knows (expected resourceType, or bundle and decisions)",
        ),
    ],
    ids=["decision-without-by", "no-bundle", "unknown-field"],
)
def test_the_fhir_route_refuses_a_bad_wrapper_or_decision_with_422(client, case):
    """A refused decision, or a body that is neither a Bundle nor the wrapper: 422 naming the field."""
    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", json=case.body)

    assert response.status_code == 422
    assert (response.json()["error"]["field"], response.json()["error"]["problem"]) == (case.field, case.problem)


# --- CDS Hooks -----------------------------------------------------------------------------


def test_the_hook_takes_decisions_in_its_extension():
    """Warfarin at low risk is a table review; continued by decision, the card is info and not for review."""
    hook = hook_request(statements=[warfarin_statement()])
    before = cds.appointment_book(hook, timezone=ZONE, now="2026-11-20T10:00")["cards"][0]
    hook["extension"] = {cds.DECISIONS_EXTENSION: [{"review": "Warfarin/table-review", "answer": "continue", "by": BY}], "other.extension": True}

    after = cds.appointment_book(hook, timezone=ZONE, now="2026-11-20T10:00")["cards"][0]

    assert before["indicator"] == "warning"
    assert after["indicator"] == "info"
    assert "pharmacist review" not in after["summary"]


def test_a_decision_the_appointment_cannot_take_makes_its_card_say_why():
    """A decision for an item the plan does not have: the card says medplan could not plan, and names it."""
    hook = hook_request(statements=[warfarin_statement()])
    hook["extension"] = {cds.DECISIONS_EXTENSION: [{"review": "Warfarin/x", "answer": "hold", "by": BY}]}

    (card,) = cds.appointment_book(hook, timezone=ZONE)["cards"]

    assert card["indicator"] == "warning"
    assert card["detail"] == (
        "medplan could not plan this appointment: decisions\\[0\\].review: must be the id of one of the plan's "
        "review items (got 'Warfarin/x'; its items: Warfarin/table-review)"
    )


@attrs.frozen(kw_only=True)
class MalformedExtensionCase:
    """One case of test_a_malformed_extension_is_refused: extension, message."""

    extension: object
    message: str


@pytest.mark.parametrize(
    "case",
    [
        MalformedExtensionCase(extension="decide", message="extension: must be an object"),
        MalformedExtensionCase(
            extension={cds.DECISIONS_EXTENSION: {"review": "x"}}, message="extension.medplan-decisions: must be a list of decisions"
        ),
    ],
    ids=["not-an-object", "decisions-not-a-list"],
)
def test_a_malformed_extension_is_refused(case):
    """An extension that is not an object, or decisions that are not a list: refused, naming the field."""
    hook = hook_request()
    hook["extension"] = case.extension

    with pytest.raises(medplan.InputError) as refused:
        cds.appointment_book(hook, timezone=ZONE)

    assert str(refused.value) == case.message


def test_an_extension_without_decisions_changes_nothing():
    """Another service's extension is ignored."""
    hook = hook_request()
    plain = cds.appointment_book(hook, timezone=ZONE, now="2026-11-20T10:00")
    hook["extension"] = {"com.example.other": 1}

    assert cds.appointment_book(hook, timezone=ZONE, now="2026-11-20T10:00") == plain
