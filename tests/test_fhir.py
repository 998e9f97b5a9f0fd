"""FHIR R4 input: a Bundle read as a medplan request, and everything it could not map sent to review.

The resources follow FHIR R4's JSON (hl7.org/fhir/R4: Appointment, MedicationStatement,
MedicationRequest, Medication, Observation, Timing, Dosage), validated by fhir.resources' R4B models.
"""

from __future__ import annotations

import builtins
import json
from importlib import resources

import datafiles
import pytest

import medplan
from medplan.fhir import bundle as fhir
from medplan.tables.drug_classes import parse_table
from medplan.tables.medication_codes import default_codes, parse_codes

ZONE = "Australia/Perth"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def appointment(**fields):
    return {
        "resourceType": "Appointment", "id": "a1", "status": "proposed",
        "serviceType": [{"coding": [{"system": "urn:medplan:procedure", "code": "tfesi-lumbar"}]}],
        "start": "2026-12-08T09:30:00+08:00",
        "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
        **fields,
    }


def statement(rid, concept, *, times=None, status="active", **fields):
    resource = {
        "resourceType": "MedicationStatement", "id": rid, "status": status,
        "subject": {"reference": "Patient/p1"}, "medicationCodeableConcept": concept, **fields,
    }
    if times is not None:
        resource["dosage"] = [{"timing": {"repeat": {"timeOfDay": [f"{t}:00" for t in times]}}}]
    return resource


def timed(rid, repeat, name="Warfarin"):
    return statement(rid, {"text": name}, dosage=[{"timing": {"repeat": repeat}}])


def observation(rid, code, value, unit, *, status="final", when="2026-11-30", **fields):
    return {
        "resourceType": "Observation", "id": rid, "status": status,
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": LOINC, "code": code}]}, "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}, **fields,
    }


def bundle(*resources):
    return {
        "resourceType": "Bundle", "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "id": "p1"}}, *({"resource": r} for r in resources)],
    }


def read(*resources, **kwargs):
    return fhir.request_from_bundle(bundle(appointment(), *resources), timezone=ZONE, **kwargs)


def reasons(result):
    return [str(item) for item in result.unmapped]


NERVE_ROOT_SLEEVE = bundle(
    appointment(),
    statement("ms-warfarin", {"text": "Warfarin", "coding": [{"system": RXNORM, "code": "11289"}]},
              dosage=[{"text": "5 mg", "timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}]),
    statement("ms-plavix", {"text": "Plavix", "coding": [{"system": ATC, "code": "B01AC04"}]}, times=["08:00"]),
    {"resourceType": "MedicationRequest", "id": "mr-aspirin", "status": "active", "intent": "order",
     "subject": {"reference": "Patient/p1"}, "medicationReference": {"reference": "#aspirin"},
     "contained": [{"resourceType": "Medication", "id": "aspirin",
                    "code": {"text": "Aspirin", "coding": [{"system": SNOMED, "code": "387458008"}]}}],
     "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["08:00:00"]}}}]},
    statement("ms-eliquis", {"text": "Eliquis"}, times=["08:00", "20:00"]),
    observation("o-crcl", "35591-7", 62, "mL/min"),
    observation("o-weight", "29463-7", 74, "kg"),
)


def test_the_nerve_root_sleeve_bundle_plans_the_dates_of_the_bundled_example():
    """A Bundle of the seed example's appointment, medicines and results gives the example's dates, medicine by medicine."""
    example = json.loads((resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text())

    from_fhir = fhir.plan_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE)
    direct = medplan.plan(example)

    def dates(plan):
        return [(m.input, m.action, m.last_dose, m.resume, m.omitted_doses, m.checks) for m in plan.medications]

    assert dates(from_fhir) == dates(direct)
    assert from_fhir.procedure.start == direct.procedure.start
    assert from_fhir.procedure.code == "tfesi-lumbar"
    assert from_fhir.booking_id == "Appointment/a1"


def test_the_nerve_root_sleeve_bundle_maps_without_unmapped_items():
    """Codes in ATC, RxNorm and SNOMED CT, a contained Medication, timeOfDay and units in order leave nothing unmapped."""
    result = fhir.request_from_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE)

    assert result.unmapped == ()
    assert result.request["patient"] == {"crcl_ml_min": 62.0, "weight_kg": 74.0}
    assert [m["name"] for m in result.request["medications"]] == ["Warfarin", "Plavix", "Aspirin", "Eliquis"]
    assert result.request["medications"][0] == {"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}
    assert "review_reasons" not in result.request


def test_the_timezone_is_required_and_named():
    """A FHIR instant has an offset, not a zone: without the timezone argument the error names it."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(NERVE_ROOT_SLEEVE)

    assert excinfo.value.field == "timezone"


def test_a_start_is_converted_to_local_time_in_the_zone_given():
    """An instant in UTC becomes the local time of the procedure's zone."""
    result = fhir.request_from_bundle(bundle(appointment(start="2026-12-08T01:30:00Z", end="2026-12-08T02:15:00Z")), timezone=ZONE)

    assert result.request["procedure"]["start"] == "2026-12-08T09:30"
    assert result.request["procedure"]["end"] == "2026-12-08T10:15"
    assert result.unmapped == ()


def test_an_offset_that_is_not_the_zones_is_sent_to_review():
    """A start at +10:00 read in Perth (+08:00) suggests the wrong zone, and the plan says so."""
    result = fhir.request_from_bundle(bundle(appointment(start="2026-12-08T11:30:00+10:00")), timezone=ZONE)

    assert reasons(result) == [
        "Appointment/a1 start: its UTC offset (+10:00) is not Australia/Perth's at that moment (UTC+0800): confirm the procedure's time zone"
    ]


def test_a_missing_start_is_an_input_error_naming_the_appointment():
    """An Appointment without a start cannot be planned: the error names Appointment/id.start."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(bundle({**appointment(), "start": None}), timezone=ZONE)

    assert excinfo.value.field == "Appointment/a1.start"


def test_a_start_in_the_hour_the_clocks_go_back_is_refused():
    """01:30 on 25 October 2026 happens twice in London: a request cannot say which, so it is refused."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(bundle(appointment(start="2026-10-25T00:30:00Z")), timezone="Europe/London")

    assert excinfo.value.field == "Appointment/a1.start"
    assert "happens twice" in excinfo.value.problem


def test_an_invalid_appointment_is_an_input_error_naming_its_field():
    """An Appointment that fails FHIR validation is refused, naming the resource and field."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(bundle(appointment(start="2026-12-08T09:30:00")), timezone=ZONE)

    assert str(excinfo.value).startswith("Appointment/a1: is not valid FHIR R4: start:")


def test_no_appointment_and_two_appointments_are_refused():
    """One bundle plans one appointment: none, or two, is an input error on Bundle.entry."""
    for entries in ([], [appointment(), appointment(id="a2")]):
        with pytest.raises(medplan.InputError) as excinfo:
            fhir.request_from_bundle(bundle(*entries), timezone=ZONE)
        assert excinfo.value.field == "Bundle.entry"


def test_a_cancelled_appointment_is_noted_and_not_planned():
    """A cancelled Appointment beside the proposed one is listed in the notes, not planned."""
    result = read(appointment(id="a0", status="cancelled"))

    assert [str(n) for n in result.notes] == ["Appointment/a0 status: is cancelled: not planned"]


def test_a_procedure_named_by_its_catalogue_name_is_mapped():
    """A serviceType text equal to a catalogue name (any case and punctuation) maps to its code."""
    service = [{"text": "peripheral joint or musculoskeletal INJECTION"}]
    result = fhir.request_from_bundle(bundle(appointment(serviceType=service)), timezone=ZONE)

    assert result.request["procedure"] == {"start": "2026-12-08T09:30", "timezone": ZONE, "code": "peripheral-joint-injection"}


def test_an_unknown_procedure_is_planned_at_high_risk_and_sent_to_review():
    """A procedure the catalogue does not know is planned at high bleeding risk, and the plan says why."""
    service = [{"coding": [{"system": "http://example.org/service", "code": "183", "display": "Sleep Medicine"}]}]
    result = fhir.plan_bundle(bundle(appointment(serviceType=service)), timezone=ZONE)

    assert result.procedure.bleeding_risk is medplan.BleedingRisk.HIGH
    assert result.procedure.name == "Sleep Medicine"
    assert "Appointment/a1 serviceType: procedure 'Sleep Medicine' is not in medplan's catalogue: planned at high bleeding risk (the longest holds) until a pharmacist confirms the tier" in result.review_reasons


def test_an_unknown_catalogue_code_is_sent_to_review():
    """A urn:medplan:procedure code the catalogue lacks is named in the review."""
    service = [{"coding": [{"system": "urn:medplan:procedure", "code": "no-such"}]}]
    result = fhir.request_from_bundle(bundle(appointment(serviceType=service)), timezone=ZONE)

    assert reasons(result)[0] == "Appointment/a1 serviceType: procedure code 'no-such' is not in medplan's catalogue ('medplan procedures' lists them)"


@pytest.mark.parametrize(
    ("concept", "name"),
    [
        ({"coding": [{"system": ATC, "code": "B01AF02"}]}, "apixaban"),
        ({"coding": [{"system": RXNORM, "code": "1364430"}]}, "apixaban"),
        ({"coding": [{"system": SNOMED, "code": "698090000"}]}, "apixaban"),
        ({"coding": [{"system": RXNORM, "code": "1364430"}], "text": "ELIQUIS"}, "ELIQUIS"),
        ({"text": "Eliquis"}, "Eliquis"),
        ({"coding": [{"system": RXNORM, "code": "202421", "display": "Coumadin"}]}, "Coumadin"),
    ],
    ids=["atc", "rxnorm", "snomed", "code-with-brand-text", "text", "rxnorm-brand"],
)
def test_a_medicine_is_identified_by_its_code_or_text(concept, name):
    """ATC, RxNorm and SNOMED CT codes and text all name the table's medicine; a matching text keeps the name as written."""
    result = read(statement("m1", concept, times=["08:00"]))

    assert result.request["medications"][0]["name"] == name
    assert result.unmapped == ()


def test_a_medicine_in_a_referenced_medication_resource_is_read():
    """A medicationReference to a Medication entry in the bundle takes that Medication's code."""
    medication = {"resourceType": "Medication", "id": "med1", "code": {"coding": [{"system": RXNORM, "code": "11289"}]}}
    request = {"resourceType": "MedicationRequest", "id": "r1", "status": "active", "intent": "order",
               "subject": {"reference": "Patient/p1"}, "medicationReference": {"reference": "Medication/med1"},
               "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}]}

    result = read(medication, request)

    assert result.request["medications"] == [{"name": "warfarin", "times": ["18:00"]}]
    assert result.notes == ()


def test_a_missing_referenced_medication_is_sent_to_review():
    """A reference to a Medication the bundle lacks is named as unmapped."""
    request = {"resourceType": "MedicationRequest", "id": "r1", "status": "active", "intent": "order",
               "subject": {"reference": "Patient/p1"}, "medicationReference": {"reference": "Medication/gone"}}

    result = read(request)

    assert reasons(result)[0] == "MedicationRequest/r1 medicationReference: Medication/gone is not in the bundle (nor contained): the medicine is not known"


def test_a_name_inside_a_longer_text_is_read_and_sent_to_review():
    """'Take warfarin 5 mg at night' is read as warfarin, and the pharmacist is asked to confirm."""
    result = read(statement("m1", {"text": "Take warfarin 5 mg at night"}, times=["18:00"]))

    assert result.request["medications"][0]["name"] == "warfarin"
    assert reasons(result) == ["MedicationStatement/m1 medication: read as warfarin from the words of 'Take warfarin 5 mg at night': confirm the medicine"]


def test_a_product_text_is_read_as_the_planner_reads_a_pasted_name():
    """'Warfarin Sodium 5 MG Oral Tablet' (an RxNorm display) is kept whole: the planner reads it as warfarin 5 mg."""
    plan = fhir.plan_bundle(
        bundle(appointment(), statement("m1", {"text": "Warfarin Sodium 5 MG Oral Tablet"}, times=["18:00"])), timezone=ZONE
    )
    (medication,) = plan.medications

    assert (medication.input, medication.drug, medication.dose) == ("Warfarin Sodium 5 MG Oral Tablet", "warfarin", "5 mg")
    assert medication.match.removed == ("5 MG", "oral", "tablet", "sodium")
    assert not any("from the words of" in reason for reason in plan.review_reasons)


def test_a_code_and_a_pasted_text_of_the_same_drug_agree():
    """A warfarin code with the text 'Warfarin 5 mg tablets' keeps the text, with no disagreement to review."""
    result = read(statement("m1", {"coding": [{"system": RXNORM, "code": "11289"}], "text": "Warfarin 5 mg tablets"}, times=["18:00"]))

    assert result.request["medications"][0]["name"] == "Warfarin 5 mg tablets"
    assert reasons(result) == []


def test_an_unconfirmed_code_is_not_used_and_is_sent_to_review():
    """An RxNorm code marked U in medication_codes.csv does not identify the medicine; the review says so."""
    result = read(statement("m1", {"coding": [{"system": RXNORM, "code": "1599538"}]}, times=["08:00"]))

    assert result.request["medications"][0]["name"] == "RxNorm 1599538"
    assert reasons(result) == ["MedicationStatement/m1 medication: RxNorm 1599538 is listed for edoxaban in medication_codes.csv but not confirmed (evidence U): not used to identify it"]


def test_a_code_and_a_text_that_disagree_are_sent_to_review():
    """A warfarin code with the text 'Eliquis' is planned by its code, and the disagreement is reviewed."""
    result = read(statement("m1", {"coding": [{"system": RXNORM, "code": "11289"}], "text": "Eliquis"}, times=["18:00"]))

    assert result.request["medications"][0]["name"] == "warfarin"
    assert "says apixaban" in reasons(result)[0]


def test_an_unknown_medicine_is_still_planned_and_reviewed_by_the_planner():
    """A medicine neither coded nor named in the table keeps its text, and the planner sends it to review."""
    plan = fhir.plan_bundle(bundle(appointment(), statement("m1", {"text": "Paracetamol 1 g"}, times=["08:00"])), timezone=ZONE)

    assert plan.medications[0].input == "Paracetamol 1 g"
    assert plan.medications[0].action is medplan.Action.REVIEW


@pytest.mark.parametrize(
    ("repeat", "times", "days", "reason"),
    [
        ({"frequency": 2, "period": 1, "periodUnit": "d"}, ["08:00", "20:00"], None,
         "dose times assumed from 2 per 1 d (08:00, 20:00): confirm the patient's usual times"),
        ({"frequency": 3, "period": 1, "periodUnit": "d"}, ["08:00", "14:00", "20:00"], None,
         "dose times assumed from 3 per 1 d (08:00, 14:00, 20:00): confirm the patient's usual times"),
        ({"frequency": 1, "period": 1, "periodUnit": "wk", "dayOfWeek": ["sun"]}, ["08:00"], ["sunday"],
         "dose times assumed from 1 per 1 wk (08:00): confirm the patient's usual times"),
        ({"when": ["MORN", "HS"]}, ["08:00", "22:00"], None,
         "dose times assumed from when MORN, HS (08:00, 22:00): confirm the patient's usual times"),
        ({"timeOfDay": ["07:30:00"], "dayOfWeek": ["mon", "thu"]}, ["07:30"], ["monday", "thursday"], None),
    ],
    ids=["twice-daily", "three-times", "weekly", "when", "time-of-day"],
)
def test_dose_times_come_from_time_of_day_or_are_assumed_and_reviewed(repeat, times, days, reason):
    """timeOfDay gives the times; frequency, period and when give assumed times, which are sent to review."""
    result = read(timed("m1", repeat))
    entry = result.request["medications"][0]

    assert entry["times"] == times
    assert entry.get("days") == days
    assert reasons(result) == ([] if reason is None else [f"MedicationStatement/m1 dosage: {reason}"])


def test_a_timing_medplan_cannot_date_is_sent_to_review_without_times():
    """Every other day cannot be given as usual times: no times, and the review says the times are needed."""
    result = read(timed("m1", {"frequency": 1, "period": 2, "periodUnit": "d"}))

    assert "times" not in result.request["medications"][0]
    assert reasons(result) == ["MedicationStatement/m1 dosage[0].timing.repeat: 1 per 2 d cannot be given to medplan as usual times: the dose times are needed"]


def test_a_weekly_medicine_without_a_weekday_is_sent_to_review():
    """A weekly medicine with no dayOfWeek asks for its day."""
    result = read(timed("m1", {"frequency": 1, "period": 1, "periodUnit": "wk"}, name="Ozempic"))

    assert "MedicationStatement/m1 dosage: taken weekly, but on which weekday is not recorded: confirm the day" in reasons(result)


@pytest.mark.parametrize("status", ["stopped", "completed", "entered-in-error", "not-taken"])
def test_an_inactive_statement_is_skipped_and_noted(status):
    """An inactive MedicationStatement is not planned, and the notes say so."""
    result = read(statement("m1", {"text": "Warfarin"}, times=["18:00"], status=status))

    assert result.request["medications"] == []
    assert [str(n) for n in result.notes] == [f"MedicationStatement/m1 status: Warfarin is {status}: not planned"]
    assert result.unmapped == ()


def test_an_on_hold_statement_is_planned_and_the_pharmacist_asked():
    """An on-hold medicine is planned, and the pharmacist asked whether the patient takes it."""
    result = read(statement("m1", {"text": "Warfarin"}, times=["18:00"], status="on-hold"))

    assert result.request["medications"][0]["name"] == "Warfarin"
    assert reasons(result) == ["MedicationStatement/m1 status: is on-hold: confirm the patient is taking Warfarin"]


def test_a_record_for_another_patient_refuses_the_bundle():
    """A statement whose subject is another patient: no plan at all, and the error names the record and the patient."""
    with pytest.raises(medplan.InputError) as excinfo:
        read(statement("m1", {"text": "Warfarin"}, times=["18:00"], subject={"reference": "Patient/other"}))

    assert str(excinfo.value) == (
        "MedicationStatement/m1.subject: is Patient/other, not the appointment's patient (Patient/p1): "
        "a bundle must hold one patient's records; no plan is made from it"
    )


@pytest.mark.parametrize(
    ("code", "value", "unit", "field"),
    [("35591-7", 45, "mL/min", "crcl_ml_min"), ("98979-8", 55, "mL/min/{1.73_m2}", "egfr"),
     ("62238-1", 55, "mL/min/{1.73_m2}", "egfr"), ("33914-3", 55, "mL/min/{1.73_m2}", "egfr"),
     ("29463-7", 80, "kg", "weight_kg"), ("4548-4", 7.2, "%", "hba1c_percent")],
)
def test_an_observation_in_its_unit_is_mapped(code, value, unit, field):
    """Creatinine clearance, eGFR, weight and HbA1c in their UCUM units fill the patient's fields."""
    result = read(observation("o1", code, value, unit))

    assert result.request["patient"] == {field: float(value)}
    assert result.unmapped == ()


@pytest.mark.parametrize(
    ("code", "value", "unit", "reason"),
    [("29463-7", 163, "[lb_av]", "body weight in '[lb_av]', not kg: not used"),
     ("35591-7", 1.0, "mL/s", "creatinine clearance in 'mL/s', not mL/min: not used"),
     ("98979-8", 55, "mL/min", "eGFR in 'mL/min', not mL/min/{1.73_m2}: not used"),
     ("29463-7", 900, "kg", "body weight 900 kg is outside 20 to 350: not used")],
)
def test_an_observation_in_a_wrong_unit_or_range_is_unmapped(code, value, unit, reason):
    """A result in another unit, or outside medplan's range, is not used and is sent to review."""
    result = read(observation("o1", code, value, unit))

    assert "patient" not in result.request
    assert reasons(result) == [f"Observation/o1 valueQuantity: {reason}"]


def test_an_inr_is_carried_for_the_pharmacist():
    """An INR has no request field: it is never dropped, but carried as a review reason with its value and date."""
    result = read(observation("o1", "34714-6", 2.4, "{INR}", when="2026-12-01"))

    assert reasons(result) == ["Observation/o1 valueQuantity: INR 2.4 on 2026-12-01: INR result carried for the pharmacist (medplan's request has no INR field)"]


def test_a_measured_creatinine_clearance_is_used_and_reviewed():
    """LOINC 2164-2 (a 24-hour urine clearance) is used as CrCl, and the pharmacist asked to confirm it."""
    result = read(observation("o1", "2164-2", 70, "mL/min"))

    assert result.request["patient"] == {"crcl_ml_min": 70.0}
    assert "not the Cockcroft-Gault estimate" in reasons(result)[0]


def test_the_latest_of_several_results_is_used_and_the_others_noted():
    """Two weights: the later one is used, the earlier one noted."""
    result = read(observation("o1", "29463-7", 70, "kg", when="2026-01-01"), observation("o2", "29463-7", 74, "kg", when="2026-11-01"))

    assert result.request["patient"] == {"weight_kg": 74.0}
    assert [str(n) for n in result.notes] == ["Observation/o1 effective: body weight 70 of 2026-01-01: a later value is used"]


def test_a_cancelled_result_is_noted_and_a_preliminary_one_reviewed():
    """A cancelled result is noted; a preliminary one is not used and is sent to review."""
    result = read(observation("o1", "29463-7", 70, "kg", status="cancelled"), observation("o2", "29463-7", 74, "kg", status="preliminary"))

    assert "patient" not in result.request
    assert [str(n) for n in result.notes] == ["Observation/o1 status: is cancelled: not used"]
    assert reasons(result) == ["Observation/o2 status: is preliminary, not final: not used"]


def test_an_unread_observation_and_an_unread_resource_type_are_reviewed_by_name():
    """A blood pressure and a Condition are not silently dropped: each is a review reason naming the resource and field."""
    pressure = observation("bp", "8480-6", 120, "mm[Hg]")
    pressure["code"]["text"] = "Systolic blood pressure"
    condition = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"}, "code": {"text": "AF"}}

    plan = fhir.plan_bundle(bundle(appointment(), pressure, condition), timezone=ZONE)

    assert "Observation/bp code: 'Systolic blood pressure' is not an observation medplan reads: not used" in plan.review_reasons
    assert "Condition/c1: medplan does not read Condition resources: not used" in plan.review_reasons
    assert plan.needs_review


def test_an_invalid_resource_is_unmapped_naming_the_field():
    """A MedicationStatement that fails FHIR validation is not planned; the review names its field."""
    broken = statement("m1", {"text": "Warfarin"}, dosage=[{"timing": {"repeat": {"timeOfDay": ["25:00"]}}}])

    result = read(broken)

    assert result.request["medications"] == []
    assert reasons(result)[0].startswith("MedicationStatement/m1: is not valid FHIR R4 (dosage[0].timing.repeat.timeOfDay[0]:")


def test_the_review_reasons_survive_a_recheck():
    """A stored FHIR plan carries its review reasons in its request, so recheck plans them again."""
    plan = fhir.plan_bundle(bundle(appointment(), observation("o1", "29463-7", 163, "[lb_av]")), timezone=ZONE)

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
        fhir.request_from_bundle(appointment(), timezone=ZONE)

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
        fhir.request_from_bundle(NERVE_ROOT_SLEEVE, timezone=ZONE)

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

    assert str(excinfo.value) == "medication_codes.csv, row 2: column 'name': 'paracetamol' is not a name in the drug table"


# --- the bundle's shape --------------------------------------------------------------------------


def entries(*entries):
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(entries() | {"entry": {"resource": appointment()}}, "Bundle.entry: must be a list of entries", id="entry-not-a-list"),
        pytest.param(entries("Appointment/a1", {"resource": appointment()}), "Bundle: entry[0]: Invalid JSON: expected value at line 1 column 1",
                     id="entry-not-an-object"),
        pytest.param(entries({"fullUrl": "urn:uuid:1"}, {"resource": appointment()}), "Bundle.entry[0].resource: must be a FHIR resource",
                     id="entry-without-a-resource"),
        pytest.param(bundle(appointment(), {"resourceType": "Patient", "id": "p2"}),
                     "Bundle.entry: holds 2 Patient resources: one bundle is one patient's", id="two-patients"),
    ],
)
def test_a_bundle_of_the_wrong_shape_is_refused_in_words(value, message):
    """Entries that are not a list of resources, or two patients in one bundle, are refused naming the Bundle's part at fault."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(value, timezone=ZONE)

    assert str(excinfo.value) == message


def test_a_resource_type_fhir_does_not_have_is_unmapped():
    """A resource whose resourceType is not FHIR R4's is not used, and the review says so."""
    result = read({"resourceType": "Foo", "id": "f1"})

    assert reasons(result) == ["Foo/f1: is not valid FHIR R4 (resourceType 'Foo' is not a FHIR R4 resource type): not used"]


def test_a_validation_error_that_is_not_pydantics_is_shown_as_its_text():
    """A ValueError without pydantic's list of errors is reported as its own words."""
    assert fhir._validation_problem(ValueError("not a FHIR model")) == "not a FHIR model"  # noqa: SLF001 - defensive: fhir.resources raises pydantic's errors


def test_entries_are_found_by_their_full_urls():
    """A Medication and a subject referred to by their entries' fullUrl are this bundle's: the medicine is read, and nothing is noted or reviewed."""
    medication = {"resourceType": "Medication", "id": "med1", "code": {"coding": [{"system": RXNORM, "code": "11289"}]}}
    order = {"resourceType": "MedicationRequest", "id": "r1", "status": "active", "intent": "order",
             "subject": {"reference": "urn:uuid:pat-1"}, "medicationReference": {"reference": "urn:uuid:med-1"},
             "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}]}
    value = entries({"fullUrl": "urn:uuid:pat-1", "resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": appointment()},
                    {"fullUrl": "urn:uuid:med-1", "resource": medication}, {"resource": order})

    result = fhir.request_from_bundle(value, timezone=ZONE)

    assert result.request["medications"] == [{"name": "warfarin", "times": ["18:00"]}]
    assert (result.unmapped, result.notes) == ((), ())


def test_a_medication_no_record_refers_to_is_noted():
    """A Medication resource that no medicine record names is not planned, and the notes say so."""
    result = read({"resourceType": "Medication", "id": "med1", "code": {"text": "Warfarin"}})

    assert [str(n) for n in result.notes] == ["Medication/med1: no medicine record refers to it: not used"]


# --- the appointment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"start": "2026-12-08T09:30:60+08:00"}, "Appointment/a1.start: is not a FHIR instant (got '2026-12-08T09:30:60+08:00')",
                     id="leap-second"),
        pytest.param({"end": "2026-12-08T09:00:00+08:00"}, "Appointment/a1.end: must be after start and within 24 hours of it", id="end-before-start"),
        pytest.param({"end": "2026-12-09T10:00:00+08:00"}, "Appointment/a1.end: must be after start and within 24 hours of it", id="end-a-day-later"),
    ],
)
def test_an_appointment_time_medplan_cannot_plan_is_refused(fields, message):
    """A leap second, which FHIR's instant allows and Python's datetime does not, and an end before the start or past 24 hours are refused."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(bundle(appointment(**fields)), timezone=ZONE)

    assert str(excinfo.value) == message


def test_an_instant_without_an_offset_is_never_read_as_local_time():
    """An instant without a UTC offset (FHIR validation refuses one first) is an error, never a time on this machine's clock."""
    with pytest.raises(medplan.InputError) as excinfo:
        fhir._instant("Appointment/a1", "start", "2026-12-08T09:30:00", fhir.ZoneInfo(ZONE))  # noqa: SLF001 - behind the validator

    assert str(excinfo.value) == "Appointment/a1.start: must carry a UTC offset (got '2026-12-08T09:30:00')"


def test_two_catalogue_codes_are_planned_at_high_risk_and_reviewed():
    """An appointment coded as two catalogue procedures is planned at high risk until the pharmacist confirms which."""
    service = [{"coding": [{"system": "urn:medplan:procedure", "code": "tfesi-lumbar"},
                           {"system": "urn:medplan:procedure", "code": "peripheral-joint-injection"}]}]

    result = fhir.request_from_bundle(bundle(appointment(serviceType=service)), timezone=ZONE)

    assert result.request["procedure"]["bleeding_risk"] == "high"
    assert reasons(result) == ["Appointment/a1 serviceType: names several catalogue procedures (peripheral-joint-injection, tfesi-lumbar): planned at high bleeding risk until a pharmacist confirms which"]


def test_participants_other_than_the_patient_are_not_the_patient():
    """A practitioner, and a participant with no actor, do not name the patient: only Patient/p1's records are this patient's."""
    participants = [{"actor": {"reference": "Practitioner/d1"}, "status": "accepted"},
                    {"type": [{"text": "nurse"}], "status": "accepted"},
                    {"actor": {"reference": "Patient/p1"}, "status": "accepted"}]
    value = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": appointment(participant=participants)},
        {"resource": statement("m1", {"text": "Warfarin"}, times=["18:00"], subject={"reference": "Practitioner/d1"})}]}

    with pytest.raises(medplan.InputError) as excinfo:
        fhir.request_from_bundle(value, timezone=ZONE)

    assert excinfo.value.field == "MedicationStatement/m1.subject"
    assert excinfo.value.problem.startswith("is Practitioner/d1, not the appointment's patient (Patient/p1)")


# --- medicines -----------------------------------------------------------------------------------


def test_a_reference_without_a_reference_names_no_medicine():
    """A medicationReference that gives only a display names no medicine medplan can find: not planned, and reviewed."""
    record = statement("m1", None, times=["18:00"])
    del record["medicationCodeableConcept"]
    record["medicationReference"] = {"display": "Warfarin"}

    result = read(record)

    assert result.request["medications"] == []
    assert reasons(result) == ["MedicationStatement/m1 medication: names no medicine (no code, no text): not planned"]


@pytest.mark.parametrize(
    "coding",
    [
        pytest.param({"system": RXNORM, "display": "Warfarin"}, id="no-code"),
        pytest.param({"system": ATC, "code": "A01AA01"}, id="atc-not-in-the-table"),
        pytest.param({"system": "http://hl7.org/fhir/sid/ndc", "code": "0056-0172-70"}, id="system-not-in-the-code-map"),
    ],
)
def test_a_coding_medplan_cannot_use_leaves_the_text_to_name_it(coding):
    """A coding with no code, an ATC code the table lacks, or a system the code map does not hold is passed over: the text names the medicine."""
    result = read(statement("m1", {"coding": [coding], "text": "Warfarin"}, times=["18:00"]))

    assert result.request["medications"] == [{"name": "Warfarin", "times": ["18:00"]}]
    assert result.unmapped == ()


def test_codes_that_name_two_medicines_are_set_aside_for_the_text():
    """A warfarin code and an apixaban code on one record: the text names it, and the pharmacist confirms which."""
    concept = {"coding": [{"system": RXNORM, "code": "11289"}, {"system": ATC, "code": "B01AF02"}], "text": "Warfarin"}

    result = read(statement("m1", concept, times=["18:00"]))

    assert result.request["medications"][0]["name"] == "Warfarin"
    assert reasons(result) == ["MedicationStatement/m1 medication: its codes name different medicines (apixaban, warfarin): planned by its text; confirm which"]


def test_a_brands_code_keeps_its_regimen_when_the_text_is_the_generic():
    """Coded as Ozempic (weekly) with the text 'semaglutide', the medicine is semaglutide taken weekly."""
    codes = parse_codes("system,code,name,display,evidence,source\nrxnorm,999001,Ozempic,Ozempic (a test code),C2,tests\n")
    record = statement("m1", {"coding": [{"system": RXNORM, "code": "999001"}], "text": "semaglutide"},
                       dosage=[{"timing": {"repeat": {"timeOfDay": ["08:00:00"], "dayOfWeek": ["sun"]}}}])

    result = read(record, codes=codes)

    assert result.request["medications"] == [{"name": "semaglutide", "regimen": "weekly", "times": ["08:00"], "days": ["sunday"]}]


def test_a_text_in_another_script_is_not_read_as_a_name_without_latin_words():
    """A table brand written without Latin letters (ワルファリン, warfarin) is never found in a text that has none either (アスピリン, aspirin)."""
    records = [r if r[0] != "asra-pain-2018:warfarin" else [*r[:4], r[4] + "; ワルファリン", *r[5:]] for r in datafiles.records("drug_classes.csv")]
    table = parse_table(datafiles.write(records), "drug_classes.csv")

    result = read(statement("m1", {"text": "アスピリン"}, times=["08:00"]), table=table)

    assert result.request["medications"] == [{"name": "アスピリン", "times": ["08:00"]}]
    assert result.unmapped == ()


def test_a_status_fhir_does_not_list_is_not_planned():
    """A status outside MedicationStatement's (FHIR's validator does not check the value) is not planned, and reviewed."""
    result = read(statement("m1", {"text": "Warfarin"}, times=["18:00"], status="paused"))

    assert result.request["medications"] == []
    assert reasons(result) == ["MedicationStatement/m1 status: 'paused' is not a MedicationStatement status medplan knows: not planned"]


def with_timing(timing):
    return statement("m1", {"text": "Warfarin"}, dosage=[{"timing": timing}])


@pytest.mark.parametrize(
    ("timing", "times", "unmapped"),
    [
        pytest.param({"repeat": {"frequency": 1, "period": 12, "periodUnit": "h"}}, ["08:00", "20:00"],
                     ["dosage: dose times assumed from 1 per 12 h (08:00, 20:00): confirm the patient's usual times"], id="every-12-hours"),
        pytest.param({"repeat": {"when": ["AC"]}}, None, ["dosage[0].timing.repeat.when: AC is not a time medplan can date"], id="when-unknown"),
        pytest.param({"repeat": {"when": ["MORN", "PC"]}}, ["08:00"],
                     ["dosage[0].timing.repeat.when: PC is not a time medplan can date",
                      "dosage: dose times assumed from when MORN, PC (08:00): confirm the patient's usual times"], id="when-partly-known"),
        pytest.param({"code": {"coding": [{"code": "BID"}]}}, ["08:00", "20:00"],
                     ["dosage: dose times assumed from timing code BID (08:00, 20:00): confirm the patient's usual times"], id="code-bid"),
        pytest.param({"code": {"coding": [{"code": "PM"}]}}, ["18:00"],
                     ["dosage: dose times assumed from timing code PM (18:00): confirm the patient's usual times"], id="code-pm"),
        pytest.param({"code": {"coding": [{"code": "Q4H"}]}}, None,
                     ["dosage[0].timing: gives no time medplan can read: the dose times are needed"], id="code-unknown"),
        pytest.param({"event": ["2026-12-01T08:00:00+08:00"]}, None,
                     ["dosage[0].timing: gives no time medplan can read: the dose times are needed"], id="events-only"),
        pytest.param({}, None, [], id="empty"),
    ],
)
def test_each_way_a_timing_gives_times(timing, times, unmapped):
    """Every N hours, when, and a timing code give assumed times sent to review; what gives none is reviewed, and an empty timing says nothing."""
    result = read(with_timing(timing))

    assert result.request["medications"][0].get("times") == times
    assert reasons(result) == [f"MedicationStatement/m1 {reason}" for reason in unmapped]


def test_the_dose_is_the_first_dosage_that_gives_one():
    """Of two dosages the first's text is the dose; a dosage without a timing adds no times."""
    record = statement("m1", {"text": "Warfarin"}, dosage=[{"text": "5 mg", "timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}, {"text": "2 mg"}])

    assert read(record).request["medications"] == [{"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}]


def test_a_dose_quantity_is_the_dose():
    """Without text, the first doseAndRate with a doseQuantity (not a doseRange) gives the dose."""
    rates = [{"doseRange": {"low": {"value": 1}}}, {"doseQuantity": {"value": 5, "unit": "mg"}}]
    record = statement("m1", {"text": "Warfarin"}, dosage=[{"doseAndRate": rates, "timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}])

    assert read(record).request["medications"] == [{"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}]


def test_a_medicine_taken_as_needed_is_noted():
    """A medicine taken as needed has no usual times: it is planned without them, and the notes say why."""
    result = read(statement("m1", {"text": "Ibuprofen"}, dosage=[{"asNeededBoolean": True, "text": "400 mg"}]))

    assert result.request["medications"] == [{"name": "Ibuprofen", "dose": "400 mg"}]
    assert [str(n) for n in result.notes] == ["MedicationStatement/m1 dosage: taken as needed: planned without usual dose times"]


# --- observations --------------------------------------------------------------------------------


def undated(rid, code, value, unit, **fields):
    resource = observation(rid, code, value, unit, **fields)
    del resource["effectiveDateTime"]
    return resource


@pytest.mark.parametrize(
    ("effective", "said"),
    [
        pytest.param({"effectiveDateTime": "2026-12"}, "INR 2.4", id="partial-date-is-undated"),
        pytest.param({"effectivePeriod": {"start": "2026-12-01T08:00:00+08:00"}}, "INR 2.4 on 2026-12-01", id="period-start"),
    ],
)
def test_an_inr_is_dated_by_its_period_and_undated_by_a_partial_date(effective, said):
    """A result's period dates it; a dateTime of only a year and month (FHIR allows it) leaves it undated."""
    result = read(undated("o1", "34714-6", 2.4, "{INR}") | effective)

    assert reasons(result) == [f"Observation/o1 valueQuantity: {said}: INR result carried for the pharmacist (medplan's request has no INR field)"]


def test_a_quantity_without_a_code_is_read_by_its_unit():
    """A weight whose quantity gives only its unit text, and whose subject is not given, is used."""
    weight = observation("o1", "29463-7", 80, "kg") | {"valueQuantity": {"value": 80, "unit": "kg"}}
    del weight["subject"]

    result = read(weight)

    assert result.request["patient"] == {"weight_kg": 80.0}
    assert result.unmapped == ()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param({"valueQuantity": None, "valueString": "80 kg"}, "valueQuantity: gives no number: not used", id="no-number"),
    ],
)
def test_a_result_without_a_number_is_not_used(fields, reason):
    """A result which gives no number is not used and is reviewed."""
    resource = {k: v for k, v in (observation("o1", "29463-7", 80, "kg") | fields).items() if v is not None}

    result = read(resource)

    assert "patient" not in result.request
    assert reasons(result) == [f"Observation/o1 {reason}"]


def test_several_undated_results_are_none_of_them_used():
    """Two undated weights cannot be told apart by date: neither is used, and each is reviewed."""
    result = read(undated("o1", "29463-7", 70, "kg"), undated("o2", "29463-7", 74, "kg"))

    assert "patient" not in result.request
    assert reasons(result) == [
        "Observation/o1 effective: one of several undated body weight values (70): none used",
        "Observation/o2 effective: one of several undated body weight values (74): none used",
    ]
