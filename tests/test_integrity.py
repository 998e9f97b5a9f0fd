"""Input integrity (issue 16): a plan is never silently stale or wrong, whatever the caller sends.

- A request without ``now`` is planned as of the boundary's clock (command line, batch,
  service, page), and the plan says so: a procedure tomorrow is "booked too soon".
- A key given twice anywhere in a request is refused, naming its path, everywhere a
  request is read.
- A number beyond what Python holds, or out of its field's range, is that field's error,
  showing the value as sent.
"""

from __future__ import annotations

import copy
import io
import json
import sys
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from cdscases import appointment, hook_request, warfarin_statement
from fhircases import NERVE_ROOT_SLEEVE, ZONE
from starlette.testclient import TestClient
from strategies import VALID
from testclock import TEST_NOW

import medplan
import medplan.clock
from medplan import cli
from medplan.fhir.bundle import request_from_bundle
from medplan.web import app

# 10:00 on Monday 7 December 2026 in Perth: the day before VALID's procedure.
DAY_BEFORE = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
APIXABAN = {**VALID, "medications": [{"name": "apixaban", "times": ["08:00", "20:00"]}]}


@pytest.fixture
def client():
    return TestClient(app.create_app())


@pytest.fixture
def day_before(monkeypatch):
    """The clock reads the day before the procedure."""
    monkeypatch.setattr(medplan.clock, "now", lambda: DAY_BEFORE)


def run(argv: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


# --- now from the clock -------------------------------------------------------


@pytest.mark.usefixtures("day_before")
def test_a_request_for_tomorrow_without_now_is_booked_too_soon(capsys, monkeypatch):
    """The day before the procedure, apixaban's two-day hold cannot be met: the plan needs review and says why."""
    status, out, err = run(["plan", "-", "--format", "json"], capsys, json.dumps(APIXABAN), monkeypatch)

    plan = json.loads(out)
    assert (status, err) == (0, "")
    assert plan["needs_review"] is True
    assert plan["booking"]["too_soon"] is True
    assert plan["booking"]["now"] == "2026-12-07T10:00:00+08:00"
    assert plan["booking"]["now_source"] == "clock"
    assert plan["medications"][0]["action"] == "review"
    assert plan["review_reasons"][0].startswith("Booked too soon: told now (Monday 7 December 2026 at 10:00)")
    assert plan["request"]["now"] == "2026-12-07T02:00+00:00"


def test_the_same_request_with_now_says_the_request_gave_it(capsys, monkeypatch):
    """A request's own now wins over the clock, and the plan says where its now came from."""
    request = {**APIXABAN, "now": "2026-12-01T10:00"}

    status, out, _ = run(["plan", "-", "--format", "json"], capsys, json.dumps(request), monkeypatch)

    booking = json.loads(out)["booking"]
    assert (status, booking["now_source"], booking["too_soon"]) == (0, "request", False)


@pytest.mark.usefixtures("day_before")
def test_batch_lines_without_now_are_planned_as_of_the_clock(capsys, monkeypatch):
    """Every batch line without now takes the clock: tomorrow's procedure is booked too soon."""
    status, out, _ = run(["batch"], capsys, json.dumps(APIXABAN) + "\n", monkeypatch)

    plan = json.loads(out)
    assert (status, plan["booking"]["now_source"], plan["needs_review"]) == (0, "clock", True)


@pytest.mark.parametrize("path", ["/v1/plan", "/v1/calendar"])
@pytest.mark.usefixtures("day_before")
def test_the_service_and_the_page_plan_as_of_the_clock(path, client):
    """/v1/plan and the page's endpoints take the server's clock for a request without now."""
    response = client.post(path, json=APIXABAN)

    assert response.status_code == 200
    if path == "/v1/plan":
        assert response.json()["booking"]["now_source"] == "clock"
        assert response.json()["needs_review"] is True
    else:
        assert "NOT FINAL" in response.text


@pytest.mark.usefixtures("day_before")
def test_the_service_batch_plans_each_item_as_of_the_clock(client):
    """A batch item without now is planned as of the server's clock."""
    (plan,) = client.post("/v1/batch", json=[APIXABAN]).json()

    assert (plan["booking"]["now_source"], plan["booking"]["too_soon"]) == ("clock", True)


def test_a_fhir_bundle_without_now_is_planned_as_of_the_clock(client):
    """POST /v1/fhir/plan without ?now= answers as of the server's clock."""
    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", json=NERVE_ROOT_SLEEVE)

    assert response.json()["plan"]["booking"]["now_source"] == "clock"


def test_a_recheck_of_a_plan_made_by_the_clock_is_unchanged(capsys, monkeypatch):
    """The stored plan carries the clock's now in its request, so a recheck weeks later replans the same moment."""
    _, stored, _ = run(["plan", "-", "--format", "json"], capsys, json.dumps(APIXABAN), monkeypatch)
    monkeypatch.setattr(medplan.clock, "now", lambda: TEST_NOW + timedelta(days=300))

    status, out, _ = run(["recheck", "-", "--format", "json"], capsys, stored, monkeypatch)

    assert (status, json.loads(out)["differences"]) == (0, [])


def test_the_python_api_never_reads_the_clock():
    """medplan.plan without now or clock answers no booking questions: the core does not take the clock itself."""
    assert medplan.plan(APIXABAN).booking is None


@pytest.mark.parametrize("name", ["liver-biopsy-diabetes", "nerve-root-sleeve-injection", "warfarin-bridging-mitral-valve"])
def test_each_bundled_example_carries_its_own_now(name, capsys):
    """An example reads the same on any day: it gives its own now, so the clock is never asked."""
    status, out, _ = run(["example", name, "--format", "json"], capsys)

    booking = json.loads(out)["booking"]
    assert (status, booking["now_source"], booking["too_soon"]) == (0, "request", False)


# --- duplicate keys -----------------------------------------------------------


@attrs.frozen
class Doubled:
    text: str
    path: str


VALID_TEXT = json.dumps(VALID)
DOUBLED = [
    Doubled(VALID_TEXT[:-1] + ', "medications": []}', "medications"),
    Doubled(VALID_TEXT.replace('"name": "Warfarin"', '"name": "Warfarin", "name": "aspirin"'), "medications[0].name"),
    Doubled(VALID_TEXT.replace('"crcl_ml_min": 62', '"crcl_ml_min": 62, "crcl_ml_min": 20'), "patient.crcl_ml_min"),
    Doubled(VALID_TEXT.replace('"timezone": "Australia/Perth"', '"timezone": "Australia/Perth", "timezone": "UTC"'),
            "procedure.timezone"),
]


@pytest.mark.parametrize("case", DOUBLED, ids=lambda c: c.path)
def test_the_command_line_refuses_a_key_given_twice(case, capsys, monkeypatch):
    """`medplan plan` exits 2 naming the key's path; nothing is planned from the last copy alone."""
    assert case.text != VALID_TEXT

    status, out, err = run(["plan", "-"], capsys, case.text, monkeypatch)

    assert (status, out) == (2, "")
    assert err == f"DuplicateKeyError: {case.path}: is given twice; a JSON object must give each key once\n"


def test_a_batch_line_with_a_key_given_twice_is_that_lines_error(capsys, monkeypatch):
    """In `medplan batch`, the line is refused with the path; the next line is planned."""
    text = DOUBLED[1].text + "\n" + VALID_TEXT + "\n"

    status, out, _ = run(["batch"], capsys, text, monkeypatch)

    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 2
    assert first["error"] == {
        "type": "InputError",
        "field": "medications[0].name",
        "problem": "is given twice; a JSON object must give each key once",
        "message": "line 1: medications[0].name: is given twice; a JSON object must give each key once",
    }
    assert "medications" in second


@pytest.mark.parametrize("path", ["/v1/plan", "/v1/earliest", "/v1/recheck", "/v1/calendar"])
def test_the_service_refuses_a_key_given_twice_with_422(path, client):
    """Every body endpoint answers 422 naming the key's path, not a plan of the last copy."""
    response = client.post(path, content=DOUBLED[0].text, headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "medications"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_batch_body_with_a_key_given_twice_is_refused_with_422(client):
    """A JSON array batch with a duplicate in its second item names it by index."""
    response = client.post(
        "/v1/batch", content=f"[{VALID_TEXT}, {DOUBLED[0].text}]", headers={"Content-Type": "application/json"}
    )

    assert (response.status_code, response.json()["error"]["field"]) == (422, "[1].medications")


def test_a_json_lines_batch_line_with_a_key_given_twice_is_its_own_error(client):
    """In a JSON Lines batch, the line's record names the path and the other lines are planned."""
    body = f"{VALID_TEXT}\n{DOUBLED[2].text}\n"

    response = client.post("/v1/batch", content=body, headers={"Content-Type": "application/x-ndjson"})

    first, second = (json.loads(line) for line in response.text.splitlines())
    assert "medications" in first
    assert second["error"]["field"] == "patient.crcl_ml_min"


def test_a_fhir_bundle_with_a_key_given_twice_is_refused_with_422(client):
    """A FHIR bundle giving a resource's key twice is refused, naming the path in the bundle."""
    text = json.dumps(NERVE_ROOT_SLEEVE).replace('"resourceType": "Appointment"', '"resourceType": "Appointment", "status": "booked", "status": "cancelled"', 1)
    assert text != json.dumps(NERVE_ROOT_SLEEVE)

    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", content=text, headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert response.json()["error"]["field"].endswith(".resource.status")


def test_a_cds_hook_call_with_a_key_given_twice_is_refused_with_422(client):
    """A CDS Hooks call giving a key twice is refused, naming it, rather than carded from the last copy."""
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement()])
    text = json.dumps(request)[:-1] + ', "hook": "appointment-book"}'

    response = client.post(
        f"/cds-services/medplan-appointment-book?timezone={ZONE}", content=text, headers={"Content-Type": "application/json"}
    )

    assert (response.status_code, response.json()["error"]["field"]) == (422, "hook")


# --- numbers ------------------------------------------------------------------


@attrs.frozen
class Number:
    field: str
    sent: str
    message: str


NUMBERS = [
    Number("weight_kg", "9" * 5000, "patient.weight_kg: must be between 20 and 350 (got 999999999999\u2026999999 (5000 characters))"),
    Number("weight_kg", "1234567.5", "patient.weight_kg: must be between 20 and 350 (got 1234567.5)"),
    Number("crcl_ml_min", "500.00001", "patient.crcl_ml_min: must be between 0 and 500 (got 500.00001)"),
    Number("crcl_ml_min", "1e400", "patient.crcl_ml_min: must be between 0 and 500 (got 1e400)"),
    Number("crcl_ml_min", "-1e400", "patient.crcl_ml_min: must be between 0 and 500 (got -1e400)"),
    Number("egfr", "1" * 400, "patient.egfr: must be between 0 and 500 (got 111111111111\u2026111111 (400 characters))"),
]


def with_number(case: Number) -> str:
    request = copy.deepcopy(VALID)
    request["patient"][case.field] = 0
    return json.dumps(request).replace(f'"{case.field}": 0', f'"{case.field}": {case.sent}')


@pytest.mark.parametrize("case", NUMBERS, ids=lambda c: c.sent[:12])
def test_a_number_out_of_range_is_its_fields_error_shown_as_sent(case, capsys, monkeypatch):
    """Exit 2 with the field and the number as sent (cut with an ellipsis when long), never exit 70."""
    status, _, err = run(["plan", "-"], capsys, with_number(case), monkeypatch)

    assert (status, err) == (2, f"InputError: {case.message}\n")


@pytest.mark.parametrize("case", NUMBERS, ids=lambda c: c.sent[:12])
def test_the_service_answers_422_for_a_number_out_of_range(case, client):
    """The service gives the same error, 422, never a 500."""
    response = client.post("/v1/plan", content=with_number(case), headers={"Content-Type": "application/json"})

    assert (response.status_code, response.json()["error"]["message"]) == (422, case.message)


@attrs.frozen(kw_only=True)
class NumberFieldCase:
    """One case of test_numbers_elsewhere_in_a_request_are_field_errors_too: where, message."""

    where: object
    message: str


@pytest.mark.parametrize(
    "case",
    [
        NumberFieldCase(
            where='"schema_version": ' + "9" * 5000,
            message="schema_version: this medplan reads requests of schema_version 1 (got 999999999999\u2026999999 (5000 characters))",
        ),
        NumberFieldCase(where='"booking_id": 1e999', message="booking_id: must be text (got the number 1e999)"),
        NumberFieldCase(where='"policy": {"inr_max": 1e999}', message="policy.inr_max: must be between 1 and 3 (got 1e999)"),
        NumberFieldCase(
            where='"policy": {"inr_check_day": ' + "9" * 5000 + "}",
            message="policy.inr_check_day: must be between -1 and 0 (got 999999999999\u2026999999 (5000 characters))",
        ),
        NumberFieldCase(where='"policy": {"inr_check_day": 99}', message="policy.inr_check_day: must be between -1 and 0 (got 99)"),
    ],
    ids=["schema-version-5000-digits", "booking-id-1e999", "inr-max-1e999", "inr-check-day-5000-digits", "inr-check-day-99"],
)
def test_numbers_elsewhere_in_a_request_are_field_errors_too(case, capsys, monkeypatch):
    """Any field given a number Python cannot hold is a field error, exit 2."""
    text = VALID_TEXT[:-1] + ", " + case.where + "}"

    status, _, err = run(["plan", "-"], capsys, text, monkeypatch)

    assert (status, err) == (2, f"InputError: {case.message}\n")


def test_a_cha2ds2_vasc_beyond_any_integer_is_a_field_error(capsys, monkeypatch):
    """A whole-number field sent 5,000 digits says its range, with the number as sent."""
    request = copy.deepcopy(VALID)
    request["patient"]["anticoagulation"] = [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 0}]
    text = json.dumps(request).replace('"cha2ds2_vasc": 0', '"cha2ds2_vasc": ' + "9" * 5000)

    status, _, err = run(["plan", "-"], capsys, text, monkeypatch)

    assert status == 2
    assert err == ("InputError: patient.anticoagulation[0].cha2ds2_vasc: must be between 0 and 9 (got 999999999999\u2026999999 (5000 characters))\n")


# --- FHIR and CDS: one patient --------------------------------------------------------


def another_patients_appointment(bundle: dict) -> dict:
    """The bundle with its Appointment naming Patient/other instead of the bundle's Patient/p1."""
    value = copy.deepcopy(bundle)
    for entry in value["entry"]:
        if entry["resource"]["resourceType"] == "Appointment":
            entry["resource"]["participant"] = [{"actor": {"reference": "Patient/other"}, "status": "accepted"}]
    return value


def test_a_fhir_bundle_for_another_patients_appointment_is_refused(client):
    """The Appointment names Patient/other, the Patient and the statements Patient/p1: 422, and no plan."""
    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", json=another_patients_appointment(NERVE_ROOT_SLEEVE))

    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "Patient/p1: is not the appointment's patient (Patient/other): a bundle must hold one patient's records; no plan is made from it"
    )


def test_records_of_another_patient_without_a_patient_resource_refuse_the_bundle():
    """Without a Patient resource, a statement whose subject is not the appointment's patient still refuses the bundle."""
    value = another_patients_appointment(NERVE_ROOT_SLEEVE)
    value["entry"] = [e for e in value["entry"] if e["resource"]["resourceType"] != "Patient"]

    with pytest.raises(medplan.InputError) as excinfo:
        request_from_bundle(value, timezone=ZONE)

    assert excinfo.value.field == "MedicationStatement/ms-warfarin.subject"
    assert excinfo.value.problem.startswith("is Patient/p1, not the appointment's patient (Patient/other)")


def test_an_appointment_naming_two_patients_is_refused():
    """An appointment is one patient's: two Patient participants are an error naming both."""
    value = copy.deepcopy(NERVE_ROOT_SLEEVE)
    value["entry"][1]["resource"]["participant"] = [
        {"actor": {"reference": "Patient/p1"}, "status": "accepted"},
        {"actor": {"reference": "Patient/p2"}, "status": "accepted"},
    ]
    assert value["entry"][1]["resource"]["resourceType"] == "Appointment"

    with pytest.raises(medplan.InputError) as excinfo:
        request_from_bundle(value, timezone=ZONE)

    assert str(excinfo.value) == ("Appointment/a1.participant: names 2 patients (Patient/p1, Patient/p2): an appointment is one patient's")


def test_a_cds_hook_for_another_patients_appointment_gets_a_card_saying_why(client):
    """The hook's appointment names another patient than context.patientId: no plan, a warning card that says so."""
    other = appointment("tfesi-lumbar", participant=[{"actor": {"reference": "Patient/other"}, "status": "tentative"}])
    request = hook_request(other, statements=[warfarin_statement()])

    (card,) = client.post(f"/cds-services/medplan-appointment-book?timezone={ZONE}", json=request).json()["cards"]

    assert card["indicator"] == "warning"
    assert card["summary"] == "medplan could not plan Appointment/apt1: pharmacist review needed"
    assert "Patient/1288992: is not the appointment's patient (Patient/other)" in card["detail"]


# --- FHIR: more unusable entries than a request's review list takes ----------------------


def test_a_bundle_with_300_unusable_entries_still_gets_a_plan_needing_review(client):
    """300 resources medplan does not read: a plan (not 422), its review list capped at 200 with a last item counting the rest."""
    value = copy.deepcopy(NERVE_ROOT_SLEEVE)
    value["entry"] += [
        {"resource": {"resourceType": "Condition", "id": f"c{i}", "subject": {"reference": "Patient/p1"}, "code": {"text": "AF"}}} for i in range(300)
    ]

    response = client.post(f"/v1/fhir/plan?timezone={ZONE}", json=value)

    assert response.status_code == 200
    answer = response.json()
    reasons = answer["plan"]["request"]["review_reasons"]
    assert answer["plan"]["needs_review"] is True
    assert len(reasons) == 200
    assert reasons[0] == "Condition/c0: medplan does not read Condition resources: not used"
    assert reasons[-1] == "and 101 more items of the bundle medplan could not use: review the whole bundle"
    assert len(answer["fhir"]["unmapped"]) == 300


def test_a_cds_hook_with_300_unusable_entries_is_still_carded_with_a_plan(client):
    """The same in a CDS Hooks call: a planned card, not a card saying medplan could not plan."""
    conditions = [
        {"resourceType": "Condition", "id": f"c{i}", "subject": {"reference": "Patient/1288992"}, "code": {"text": "AF"}} for i in range(300)
    ]
    request = hook_request(appointment("tfesi-lumbar"), statements=[warfarin_statement(), *conditions])

    (card,) = client.post(f"/cds-services/medplan-appointment-book?timezone={ZONE}&now=2026-12-01T10:00", json=request).json()["cards"]

    assert "could not plan" not in card["summary"]
    assert card["indicator"] == "warning"
