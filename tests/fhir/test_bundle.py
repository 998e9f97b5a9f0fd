"""FHIR R4 input (``medplan.fhir.bundle``): a Bundle read as a medplan request, its shape and its appointment.

The resources follow FHIR R4's JSON (hl7.org/fhir/R4: Appointment, MedicationStatement,
MedicationRequest, Medication, Observation, Timing, Dosage), validated by fhir.resources' R4B models;
everything the bundle gives that medplan could not map is sent to review. The
medicines are in test_bundle_medicines.py, the observations in test_bundle_observations.py.
"""

from __future__ import annotations

import builtins
import json
from importlib import resources

import attrs
import pytest
from fhircases import (
    NERVE_ROOT_SLEEVE,
    RXNORM,
    ZONE,
    appointment,
    bundle_of,
    observation,
    read,
    reasons,
    statement,
)

import medplan
from medplan.fhir import bundle
from medplan.tables.medication_codes import default_codes, parse_codes


def test_the_nerve_root_sleeve_bundle_plans_the_dates_of_the_bundled_example():
    """A Bundle of the seed example's appointment, medicines and results gives the example's dates, medicine by medicine."""
    example = json.loads(
        (resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text()
    )

    from_fhir = bundle.plan_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE)
    direct = medplan.plan(example)

    def dates(plan):
        return [
            (m.input, m.action, m.last_dose, m.resume, m.omitted_doses, m.checks)
            for m in plan.medications
        ]

    assert dates(from_fhir) == dates(direct)
    assert from_fhir.procedure.start == direct.procedure.start
    assert from_fhir.procedure.code == "tfesi-lumbar"
    assert from_fhir.booking_id == "Appointment/a1"


def test_the_nerve_root_sleeve_bundle_maps_without_unmapped_items():
    """Codes in ATC, RxNorm and SNOMED CT, a contained Medication, timeOfDay and units in order leave nothing unmapped."""
    result = bundle.request_from_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE)

    assert result.unmapped == ()
    assert result.request["patient"] == {"crcl_ml_min": 62.0, "weight_kg": 74.0}
    assert [m["name"] for m in result.request["medications"]] == [
        "Warfarin",
        "Plavix",
        "Aspirin",
        "Eliquis",
    ]
    assert result.request["medications"][0] == {
        "name": "Warfarin",
        "times": ["18:00"],
        "dose": "5 mg",
    }
    assert "review_reasons" not in result.request


def test_the_timezone_is_required_and_named():
    """A FHIR instant has an offset, not a zone: without the timezone argument the error names it."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(NERVE_ROOT_SLEEVE)

    assert excinfo.value.field == "timezone"


def test_a_start_is_converted_to_local_time_in_the_zone_given():
    """An instant in UTC becomes the local time of the procedure's zone."""
    result = bundle.request_from_bundle(
        bundle_of(appointment(start="2026-12-08T01:30:00Z", end="2026-12-08T02:15:00Z")),
        timezone=ZONE,
    )

    assert result.request["procedure"]["start"] == "2026-12-08T09:30"
    assert result.request["procedure"]["end"] == "2026-12-08T10:15"
    assert result.unmapped == ()


def test_an_offset_that_is_not_the_zones_is_sent_to_review():
    """A start at +10:00 read in Perth (+08:00) suggests the wrong zone, and the plan says so."""
    result = bundle.request_from_bundle(
        bundle_of(appointment(start="2026-12-08T11:30:00+10:00")), timezone=ZONE
    )

    assert reasons(result) == [
        "Appointment/a1 start: its UTC offset (+10:00) is not Australia/Perth's at that moment (UTC+0800): confirm the procedure's time zone"
    ]


def test_a_missing_start_is_an_input_error_naming_the_appointment():
    """An Appointment without a start cannot be planned: the error names Appointment/id.start."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(bundle_of({**appointment(), "start": None}), timezone=ZONE)

    assert excinfo.value.field == "Appointment/a1.start"


def test_a_start_in_the_hour_the_clocks_go_back_is_refused():
    """01:30 on 25 October 2026 happens twice in London: a request cannot say which, so it is refused."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(
            bundle_of(appointment(start="2026-10-25T00:30:00Z")), timezone="Europe/London"
        )

    assert excinfo.value.field == "Appointment/a1.start"
    assert "happens twice" in excinfo.value.problem


def test_an_invalid_appointment_is_an_input_error_naming_its_field():
    """An Appointment that fails FHIR validation is refused, naming the resource and field."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(
            bundle_of(appointment(start="2026-12-08T09:30:00")), timezone=ZONE
        )

    assert str(excinfo.value).startswith("Appointment/a1: is not valid FHIR R4: start:")


def test_no_appointment_and_two_appointments_are_refused():
    """One bundle plans one appointment: none, or two, is an input error on Bundle.entry."""
    for entries in ([], [appointment(), appointment(id="a2")]):
        with pytest.raises(medplan.InputError) as excinfo:
            bundle.request_from_bundle(bundle_of(*entries), timezone=ZONE)
        assert excinfo.value.field == "Bundle.entry"


def test_a_cancelled_appointment_is_noted_and_not_planned():
    """A cancelled Appointment beside the proposed one is listed in the notes, not planned."""
    result = read(appointment(id="a0", status="cancelled"))

    assert [str(n) for n in result.notes] == ["Appointment/a0 status: is cancelled: not planned"]


def test_a_procedure_named_by_its_catalogue_name_is_mapped():
    """A serviceType text equal to a catalogue name (any case and punctuation) maps to its code."""
    service = [{"text": "peripheral joint or musculoskeletal INJECTION"}]
    result = bundle.request_from_bundle(bundle_of(appointment(serviceType=service)), timezone=ZONE)

    assert result.request["procedure"] == {
        "start": "2026-12-08T09:30",
        "timezone": ZONE,
        "code": "peripheral-joint-injection",
    }


def test_an_unknown_procedure_is_planned_at_high_risk_and_sent_to_review():
    """A procedure the catalogue does not know is planned at high bleeding risk, and the plan says why."""
    service = [
        {
            "coding": [
                {"system": "http://example.org/service", "code": "183", "display": "Sleep Medicine"}
            ]
        }
    ]
    result = bundle.plan_bundle(bundle_of(appointment(serviceType=service)), timezone=ZONE)

    assert result.procedure.bleeding_risk is medplan.BleedingRisk.HIGH
    assert result.procedure.name == "Sleep Medicine"
    assert (
        "Appointment/a1 serviceType: procedure 'Sleep Medicine' is not in medplan's catalogue: planned at high bleeding risk (the longest holds) until a pharmacist confirms the tier"
        in result.review_reasons
    )


def test_an_unknown_catalogue_code_is_sent_to_review():
    """A urn:medplan:procedure code the catalogue lacks is named in the review."""
    service = [{"coding": [{"system": "urn:medplan:procedure", "code": "no-such"}]}]
    result = bundle.request_from_bundle(bundle_of(appointment(serviceType=service)), timezone=ZONE)

    assert (
        reasons(result)[0]
        == "Appointment/a1 serviceType: procedure code 'no-such' is not in medplan's catalogue ('medplan procedures' lists them)"
    )


def test_a_record_for_another_patient_refuses_the_bundle():
    """A statement whose subject is another patient: no plan at all, and the error names the record and the patient."""
    with pytest.raises(medplan.InputError) as excinfo:
        read(
            statement(
                "m1", {"text": "Warfarin"}, times=["18:00"], subject={"reference": "Patient/other"}
            )
        )

    assert str(excinfo.value) == (
        "MedicationStatement/m1.subject: is Patient/other, not the appointment's patient (Patient/p1): "
        "a bundle must hold one patient's records; no plan is made from it"
    )


def test_an_unread_observation_and_an_unread_resource_type_are_reviewed_by_name():
    """A blood pressure and a Condition are not silently dropped: each is a review reason naming the resource and field."""
    pressure = observation("bp", "8480-6", 120, "mm[Hg]")
    pressure["code"]["text"] = "Systolic blood pressure"
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "AF"},
    }

    plan = bundle.plan_bundle(bundle_of(appointment(), pressure, condition), timezone=ZONE)

    assert (
        "Observation/bp code: 'Systolic blood pressure' is not an observation medplan reads: not used"
        in plan.review_reasons
    )
    assert (
        "Condition/c1: medplan does not read Condition resources: not used" in plan.review_reasons
    )
    assert plan.needs_review


def test_an_invalid_resource_is_unmapped_naming_the_field():
    """A MedicationStatement that fails FHIR validation is not planned; the review names its field."""
    broken = statement(
        "m1", {"text": "Warfarin"}, dosage=[{"timing": {"repeat": {"timeOfDay": ["25:00"]}}}]
    )

    result = read(broken)

    assert result.request["medications"] == []
    assert reasons(result)[0].startswith(
        "MedicationStatement/m1: is not valid FHIR R4 (dosage[0].timing.repeat.timeOfDay[0]:"
    )


def test_the_review_reasons_survive_a_recheck():
    """A stored FHIR plan carries its review reasons in its request, so recheck plans them again."""
    plan = bundle.plan_bundle(
        bundle_of(appointment(), observation("o1", "29463-7", 163, "[lb_av]")), timezone=ZONE
    )

    again = medplan.recheck(json.loads(json.dumps(plan.to_dict())))

    assert not again.changed
    assert again.plan.review_reasons == plan.review_reasons


def test_now_and_policy_are_passed_to_the_request():
    """The booking's now and the clinic policy go into the request as given."""
    result = read(now="2026-12-01T10:00", policy={"profile": "sir-2019-spine-high"})

    assert result.request["now"] == "2026-12-01T10:00"
    assert result.request["policy"] == {"profile": "sir-2019-spine-high"}


def test_a_bundle_that_is_not_a_bundle_is_refused():
    """A resource other than a Bundle is an input error naming Bundle."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(appointment(), timezone=ZONE)

    assert excinfo.value.field == "Bundle"


def test_without_the_extra_a_missing_extra_error_names_it(monkeypatch):
    """Without fhir.resources, reading a bundle raises MissingExtraError naming the fhir extra."""
    real_import = builtins.__import__

    def no_fhir(name, *args, **kwargs):
        if name.startswith("fhir"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fhir)

    with pytest.raises(medplan.MissingExtraError) as excinfo:
        bundle.request_from_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE)

    assert excinfo.value.extra == "fhir"


def test_the_code_map_ships_and_every_name_resolves_in_the_table():
    """medication_codes.csv is in the package, loads, and names only table medicines, each row with a source."""
    codes = default_codes()

    assert (resources.files("medplan") / "data" / "medication_codes.csv").is_file()
    assert all(code.source for code in codes.codes.values())
    assert {code.evidence.value for code in codes.codes.values()} <= {"C", "C2", "U"}


def test_a_code_map_naming_a_medicine_the_table_lacks_is_refused():
    """A code row whose name the drug table does not know stops the load, naming the row and column."""
    text = "system,code,name,display,evidence,source\nrxnorm,1,paracetamol,x,C2,somewhere\n"

    with pytest.raises(medplan.TableError) as excinfo:
        parse_codes(text)

    assert (
        str(excinfo.value)
        == "medication_codes.csv, row 2: column 'name': 'paracetamol' is not a name in the drug table"
    )


# --- the bundle's shape --------------------------------------------------------------------------


def entries(*entries):
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


@attrs.frozen(kw_only=True)
class ShapeCase:
    """A Bundle of the wrong shape and the whole message that refuses it."""

    value: dict[str, object]
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            ShapeCase(
                value=entries() | {"entry": {"resource": appointment()}},
                message="Bundle.entry: must be a list of entries",
            ),
            id="entry-not-a-list",
        ),
        pytest.param(
            ShapeCase(
                value=entries("Appointment/a1", {"resource": appointment()}),
                message="Bundle: entry[0]: Invalid JSON: expected value at line 1 column 1",
            ),
            id="entry-not-an-object",
        ),
        pytest.param(
            ShapeCase(
                value=entries({"fullUrl": "urn:uuid:1"}, {"resource": appointment()}),
                message="Bundle.entry[0].resource: must be a FHIR resource",
            ),
            id="entry-without-a-resource",
        ),
        pytest.param(
            ShapeCase(
                value=bundle_of(appointment(), {"resourceType": "Patient", "id": "p2"}),
                message="Bundle.entry: holds 2 Patient resources: one bundle is one patient's",
            ),
            id="two-patients",
        ),
    ],
)
def test_a_bundle_of_the_wrong_shape_is_refused_in_words(case):
    """Entries that are not a list of resources, or two patients in one bundle, are refused naming the Bundle's part at fault."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(case.value, timezone=ZONE)

    assert str(excinfo.value) == case.message


def test_a_resource_type_fhir_does_not_have_is_unmapped():
    """A resource whose resourceType is not FHIR R4's is not used, and the review says so."""
    result = read({"resourceType": "Foo", "id": "f1"})

    assert reasons(result) == [
        "Foo/f1: is not valid FHIR R4 (resourceType 'Foo' is not a FHIR R4 resource type): not used"
    ]


def test_a_validation_error_that_is_not_pydantics_is_shown_as_its_text():
    """A ValueError without pydantic's list of errors is reported as its own words."""
    assert bundle._validation_problem(ValueError("not a FHIR model")) == "not a FHIR model"  # noqa: SLF001 - defensive: fhir.resources raises pydantic's errors


def test_entries_are_found_by_their_full_urls():
    """A Medication and a subject referred to by their entries' fullUrl are this bundle's: the medicine is read, and nothing is noted or reviewed."""
    medication = {
        "resourceType": "Medication",
        "id": "med1",
        "code": {"coding": [{"system": RXNORM, "code": "11289"}]},
    }
    order = {
        "resourceType": "MedicationRequest",
        "id": "r1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "urn:uuid:pat-1"},
        "medicationReference": {"reference": "urn:uuid:med-1"},
        "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}],
    }
    value = entries(
        {"fullUrl": "urn:uuid:pat-1", "resource": {"resourceType": "Patient", "id": "p1"}},
        {"resource": appointment()},
        {"fullUrl": "urn:uuid:med-1", "resource": medication},
        {"resource": order},
    )

    result = bundle.request_from_bundle(value, timezone=ZONE)

    assert result.request["medications"] == [{"name": "warfarin", "times": ["18:00"]}]
    assert (result.unmapped, result.notes) == ((), ())


def test_a_medication_no_record_refers_to_is_noted():
    """A Medication resource that no medicine record names is not planned, and the notes say so."""
    result = read({"resourceType": "Medication", "id": "med1", "code": {"text": "Warfarin"}})

    assert [str(n) for n in result.notes] == [
        "Medication/med1: no medicine record refers to it: not used"
    ]


# --- the appointment -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AppointmentTimeCase:
    """An appointment's changed time fields and the whole message that refuses them."""

    fields: dict[str, str]
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            AppointmentTimeCase(
                fields={"start": "2026-12-08T09:30:60+08:00"},
                message="Appointment/a1.start: is not a FHIR instant (got '2026-12-08T09:30:60+08:00')",
            ),
            id="leap-second",
        ),
        pytest.param(
            AppointmentTimeCase(
                fields={"end": "2026-12-08T09:00:00+08:00"},
                message="Appointment/a1.end: must be after start and within 24 hours of it",
            ),
            id="end-before-start",
        ),
        pytest.param(
            AppointmentTimeCase(
                fields={"end": "2026-12-09T10:00:00+08:00"},
                message="Appointment/a1.end: must be after start and within 24 hours of it",
            ),
            id="end-a-day-later",
        ),
    ],
)
def test_an_appointment_time_medplan_cannot_plan_is_refused(case):
    """A leap second, which FHIR's instant allows and Python's datetime does not, and an end before the start or past 24 hours are refused."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(bundle_of(appointment(**case.fields)), timezone=ZONE)

    assert str(excinfo.value) == case.message


def test_an_instant_without_an_offset_is_never_read_as_local_time():
    """An instant without a UTC offset (FHIR validation refuses one first) is an error, never a time on this machine's clock."""
    with pytest.raises(medplan.InputError) as excinfo:
        bundle._instant("Appointment/a1", "start", "2026-12-08T09:30:00", bundle.ZoneInfo(ZONE))  # noqa: SLF001 - behind the validator

    assert (
        str(excinfo.value)
        == "Appointment/a1.start: must carry a UTC offset (got '2026-12-08T09:30:00')"
    )


def test_two_catalogue_codes_are_planned_at_high_risk_and_reviewed():
    """An appointment coded as two catalogue procedures is planned at high risk until the pharmacist confirms which."""
    service = [
        {
            "coding": [
                {"system": "urn:medplan:procedure", "code": "tfesi-lumbar"},
                {"system": "urn:medplan:procedure", "code": "peripheral-joint-injection"},
            ]
        }
    ]

    result = bundle.request_from_bundle(bundle_of(appointment(serviceType=service)), timezone=ZONE)

    assert result.request["procedure"]["bleeding_risk"] == "high"
    assert reasons(result) == [
        "Appointment/a1 serviceType: names several catalogue procedures (peripheral-joint-injection, tfesi-lumbar): planned at high bleeding risk until a pharmacist confirms which"
    ]


def test_participants_other_than_the_patient_are_not_the_patient():
    """A practitioner, and a participant with no actor, do not name the patient: only Patient/p1's records are this patient's."""
    participants = [
        {"actor": {"reference": "Practitioner/d1"}, "status": "accepted"},
        {"type": [{"text": "nurse"}], "status": "accepted"},
        {"actor": {"reference": "Patient/p1"}, "status": "accepted"},
    ]
    value = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": appointment(participant=participants)},
            {
                "resource": statement(
                    "m1",
                    {"text": "Warfarin"},
                    times=["18:00"],
                    subject={"reference": "Practitioner/d1"},
                )
            },
        ],
    }

    with pytest.raises(medplan.InputError) as excinfo:
        bundle.request_from_bundle(value, timezone=ZONE)

    assert excinfo.value.field == "MedicationStatement/m1.subject"
    assert excinfo.value.problem.startswith(
        "is Practitioner/d1, not the appointment's patient (Patient/p1)"
    )
