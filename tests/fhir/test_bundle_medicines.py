"""FHIR R4 input (``medplan.fhir.bundle``): the medicines, named by code or text, and their timing and status.

A medicine medplan cannot name or date is still planned, or sent to review,
never dropped.
"""

from __future__ import annotations

import attrs
import datafiles
import pytest
from fhircases import (
    ATC,
    RXNORM,
    SNOMED,
    ZONE,
    appointment,
    bundle_of,
    read,
    reasons,
    statement,
    timed,
)

import medplan
from medplan.fhir import bundle
from medplan.tables.drug_classes import parse_table
from medplan.tables.medication_codes import parse_codes


@attrs.frozen(kw_only=True)
class ConceptCase:
    """A medication concept and the name the request gives the medicine."""

    concept: dict[str, object]
    name: str


@pytest.mark.parametrize(
    "case",
    [
        ConceptCase(concept={"coding": [{"system": ATC, "code": "B01AF02"}]}, name="apixaban"),
        ConceptCase(concept={"coding": [{"system": RXNORM, "code": "1364430"}]}, name="apixaban"),
        ConceptCase(concept={"coding": [{"system": SNOMED, "code": "698090000"}]}, name="apixaban"),
        ConceptCase(
            concept={"coding": [{"system": RXNORM, "code": "1364430"}], "text": "ELIQUIS"},
            name="ELIQUIS",
        ),
        ConceptCase(concept={"text": "Eliquis"}, name="Eliquis"),
        ConceptCase(
            concept={"coding": [{"system": RXNORM, "code": "202421", "display": "Coumadin"}]},
            name="Coumadin",
        ),
    ],
    ids=["atc", "rxnorm", "snomed", "code-with-brand-text", "text", "rxnorm-brand"],
)
def test_a_medicine_is_identified_by_its_code_or_text(case):
    """ATC, RxNorm and SNOMED CT codes and text all name the table's medicine; a matching text keeps the name as written."""
    result = read(statement("m1", case.concept, times=["08:00"]))

    assert result.request["medications"][0]["name"] == case.name
    assert result.unmapped == ()


def test_a_medicine_in_a_referenced_medication_resource_is_read():
    """A medicationReference to a Medication entry in the bundle takes that Medication's code."""
    medication = {
        "resourceType": "Medication",
        "id": "med1",
        "code": {"coding": [{"system": RXNORM, "code": "11289"}]},
    }
    request = {
        "resourceType": "MedicationRequest",
        "id": "r1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationReference": {"reference": "Medication/med1"},
        "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}],
    }

    result = read(medication, request)

    assert result.request["medications"] == [{"name": "warfarin", "times": ["18:00"]}]
    assert result.notes == ()


def test_a_missing_referenced_medication_is_sent_to_review():
    """A reference to a Medication the bundle lacks is named as unmapped."""
    request = {
        "resourceType": "MedicationRequest",
        "id": "r1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationReference": {"reference": "Medication/gone"},
    }

    result = read(request)

    assert (
        reasons(result)[0]
        == "MedicationRequest/r1 medicationReference: Medication/gone is not in the bundle (nor contained): the medicine is not known"
    )


def test_a_name_inside_a_longer_text_is_read_and_sent_to_review():
    """'Take warfarin 5 mg at night' is read as warfarin, and the pharmacist is asked to confirm."""
    result = read(statement("m1", {"text": "Take warfarin 5 mg at night"}, times=["18:00"]))

    assert result.request["medications"][0]["name"] == "warfarin"
    assert reasons(result) == [
        "MedicationStatement/m1 medication: read as warfarin from the words of 'Take warfarin 5 mg at night': confirm the medicine"
    ]


def test_a_product_text_is_read_as_the_planner_reads_a_pasted_name():
    """'Warfarin Sodium 5 MG Oral Tablet' (an RxNorm display) is kept whole: the planner reads it as warfarin 5 mg."""
    plan = bundle.plan_bundle(
        bundle_of(
            appointment(),
            statement("m1", {"text": "Warfarin Sodium 5 MG Oral Tablet"}, times=["18:00"]),
        ),
        timezone=ZONE,
    )
    (medication,) = plan.medications

    assert (medication.input, medication.drug, medication.dose) == (
        "Warfarin Sodium 5 MG Oral Tablet",
        "warfarin",
        "5 mg",
    )
    assert medication.match.removed == ("5 MG", "oral", "tablet", "sodium")
    assert not any("from the words of" in reason for reason in plan.review_reasons)


def test_a_code_and_a_pasted_text_of_the_same_drug_agree():
    """A warfarin code with the text 'Warfarin 5 mg tablets' keeps the text, with no disagreement to review."""
    result = read(
        statement(
            "m1",
            {"coding": [{"system": RXNORM, "code": "11289"}], "text": "Warfarin 5 mg tablets"},
            times=["18:00"],
        )
    )

    assert result.request["medications"][0]["name"] == "Warfarin 5 mg tablets"
    assert reasons(result) == []


def test_an_unconfirmed_code_is_not_used_and_is_sent_to_review():
    """An RxNorm code marked U in medication_codes.csv does not identify the medicine; the review says so."""
    result = read(
        statement("m1", {"coding": [{"system": RXNORM, "code": "1599538"}]}, times=["08:00"])
    )

    assert result.request["medications"][0]["name"] == "RxNorm 1599538"
    assert reasons(result) == [
        "MedicationStatement/m1 medication: RxNorm 1599538 is listed for edoxaban in medication_codes.csv but not confirmed (evidence U): not used to identify it"
    ]


def test_a_code_and_a_text_that_disagree_are_sent_to_review():
    """A warfarin code with the text 'Eliquis' is planned by its code, and the disagreement is reviewed."""
    result = read(
        statement(
            "m1",
            {"coding": [{"system": RXNORM, "code": "11289"}], "text": "Eliquis"},
            times=["18:00"],
        )
    )

    assert result.request["medications"][0]["name"] == "warfarin"
    assert "says apixaban" in reasons(result)[0]


def test_an_unknown_medicine_is_still_planned_and_reviewed_by_the_planner():
    """A medicine neither coded nor named in the table keeps its text, and the planner sends it to review."""
    plan = bundle.plan_bundle(
        bundle_of(appointment(), statement("m1", {"text": "Paracetamol 1 g"}, times=["08:00"])),
        timezone=ZONE,
    )

    assert plan.medications[0].input == "Paracetamol 1 g"
    assert plan.medications[0].action is medplan.Action.REVIEW


@attrs.frozen(kw_only=True)
class RepeatCase:
    """A timing's repeat, the times and days it gives, and the review reason (None: no review)."""

    repeat: dict[str, object]
    times: list[str]
    days: list[str] | None
    reason: str | None


@pytest.mark.parametrize(
    "case",
    [
        RepeatCase(
            repeat={"frequency": 2, "period": 1, "periodUnit": "d"},
            times=["08:00", "20:00"],
            days=None,
            reason="dose times assumed from 2 per 1 d (08:00, 20:00): confirm the patient's usual times",
        ),
        RepeatCase(
            repeat={"frequency": 3, "period": 1, "periodUnit": "d"},
            times=["08:00", "14:00", "20:00"],
            days=None,
            reason="dose times assumed from 3 per 1 d (08:00, 14:00, 20:00): confirm the patient's usual times",
        ),
        RepeatCase(
            repeat={"frequency": 1, "period": 1, "periodUnit": "wk", "dayOfWeek": ["sun"]},
            times=["08:00"],
            days=["sunday"],
            reason="dose times assumed from 1 per 1 wk (08:00): confirm the patient's usual times",
        ),
        RepeatCase(
            repeat={"when": ["MORN", "HS"]},
            times=["08:00", "22:00"],
            days=None,
            reason="dose times assumed from when MORN, HS (08:00, 22:00): confirm the patient's usual times",
        ),
        RepeatCase(
            repeat={"timeOfDay": ["07:30:00"], "dayOfWeek": ["mon", "thu"]},
            times=["07:30"],
            days=["monday", "thursday"],
            reason=None,
        ),
    ],
    ids=["twice-daily", "three-times", "weekly", "when", "time-of-day"],
)
def test_dose_times_come_from_time_of_day_or_are_assumed_and_reviewed(case):
    """timeOfDay gives the times; frequency, period and when give assumed times, which are sent to review."""
    result = read(timed("m1", case.repeat))
    entry = result.request["medications"][0]

    assert entry["times"] == case.times
    assert entry.get("days") == case.days
    assert reasons(result) == (
        [] if case.reason is None else [f"MedicationStatement/m1 dosage: {case.reason}"]
    )


def test_a_timing_medplan_cannot_date_is_sent_to_review_without_times():
    """Every other day cannot be given as usual times: no times, and the review says the times are needed."""
    result = read(timed("m1", {"frequency": 1, "period": 2, "periodUnit": "d"}))

    assert "times" not in result.request["medications"][0]
    assert reasons(result) == [
        "MedicationStatement/m1 dosage[0].timing.repeat: 1 per 2 d cannot be given to medplan as usual times: the dose times are needed"
    ]


def test_a_weekly_medicine_without_a_weekday_is_sent_to_review():
    """A weekly medicine with no dayOfWeek asks for its day."""
    result = read(timed("m1", {"frequency": 1, "period": 1, "periodUnit": "wk"}, name="Ozempic"))

    assert (
        "MedicationStatement/m1 dosage: taken weekly, but on which weekday is not recorded: confirm the day"
        in reasons(result)
    )


@pytest.mark.parametrize("status", ["stopped", "completed", "entered-in-error", "not-taken"])
def test_an_inactive_statement_is_skipped_and_noted(status):
    """An inactive MedicationStatement is not planned, and the notes say so."""
    result = read(statement("m1", {"text": "Warfarin"}, times=["18:00"], status=status))

    assert result.request["medications"] == []
    assert [str(n) for n in result.notes] == [
        f"MedicationStatement/m1 status: Warfarin is {status}: not planned"
    ]
    assert result.unmapped == ()


def test_an_on_hold_statement_is_planned_and_the_pharmacist_asked():
    """An on-hold medicine is planned, and the pharmacist asked whether the patient takes it."""
    result = read(statement("m1", {"text": "Warfarin"}, times=["18:00"], status="on-hold"))

    assert result.request["medications"][0]["name"] == "Warfarin"
    assert reasons(result) == [
        "MedicationStatement/m1 status: is on-hold: confirm the patient is taking Warfarin"
    ]


# --- medicines -----------------------------------------------------------------------------------


def test_a_reference_without_a_reference_names_no_medicine():
    """A medicationReference that gives only a display names no medicine medplan can find: not planned, and reviewed."""
    record = statement("m1", None, times=["18:00"])
    del record["medicationCodeableConcept"]
    record["medicationReference"] = {"display": "Warfarin"}

    result = read(record)

    assert result.request["medications"] == []
    assert reasons(result) == [
        "MedicationStatement/m1 medication: names no medicine (no code, no text): not planned"
    ]


@pytest.mark.parametrize(
    "coding",
    [
        pytest.param({"system": RXNORM, "display": "Warfarin"}, id="no-code"),
        pytest.param({"system": ATC, "code": "A01AA01"}, id="atc-not-in-the-table"),
        pytest.param(
            {"system": "http://hl7.org/fhir/sid/ndc", "code": "0056-0172-70"},
            id="system-not-in-the-code-map",
        ),
    ],
)
def test_a_coding_medplan_cannot_use_leaves_the_text_to_name_it(coding):
    """A coding with no code, an ATC code the table lacks, or a system the code map does not hold is passed over: the text names the medicine."""
    result = read(statement("m1", {"coding": [coding], "text": "Warfarin"}, times=["18:00"]))

    assert result.request["medications"] == [{"name": "Warfarin", "times": ["18:00"]}]
    assert result.unmapped == ()


def test_codes_that_name_two_medicines_are_set_aside_for_the_text():
    """A warfarin code and an apixaban code on one record: the text names it, and the pharmacist confirms which."""
    concept = {
        "coding": [{"system": RXNORM, "code": "11289"}, {"system": ATC, "code": "B01AF02"}],
        "text": "Warfarin",
    }

    result = read(statement("m1", concept, times=["18:00"]))

    assert result.request["medications"][0]["name"] == "Warfarin"
    assert reasons(result) == [
        "MedicationStatement/m1 medication: its codes name different medicines (apixaban, warfarin): planned by its text; confirm which"
    ]


def test_a_brands_code_keeps_its_regimen_when_the_text_is_the_generic():
    """Coded as Ozempic (weekly) with the text 'semaglutide', the medicine is semaglutide taken weekly."""
    codes = parse_codes(
        "system,code,name,display,evidence,source\nrxnorm,999001,Ozempic,Ozempic (a test code),C2,tests\n"
    )
    record = statement(
        "m1",
        {"coding": [{"system": RXNORM, "code": "999001"}], "text": "semaglutide"},
        dosage=[{"timing": {"repeat": {"timeOfDay": ["08:00:00"], "dayOfWeek": ["sun"]}}}],
    )

    result = read(record, codes=codes)

    assert result.request["medications"] == [
        {"name": "semaglutide", "regimen": "weekly", "times": ["08:00"], "days": ["sunday"]}
    ]


def test_a_text_in_another_script_is_not_read_as_a_name_without_latin_words():
    """A table brand written without Latin letters (ワルファリン, warfarin) is never found in a text that has none either (アスピリン, aspirin)."""
    records = [
        r if r[0] != "asra-pain-2018:warfarin" else [*r[:4], r[4] + "; ワルファリン", *r[5:]]
        for r in datafiles.records("drug_classes.csv")
    ]
    table = parse_table(datafiles.write(records), "drug_classes.csv")

    result = read(statement("m1", {"text": "アスピリン"}, times=["08:00"]), table=table)

    assert result.request["medications"] == [{"name": "アスピリン", "times": ["08:00"]}]
    assert result.unmapped == ()


def test_a_status_fhir_does_not_list_is_not_planned():
    """A status outside MedicationStatement's (FHIR's validator does not check the value) is not planned, and reviewed."""
    result = read(statement("m1", {"text": "Warfarin"}, times=["18:00"], status="paused"))

    assert result.request["medications"] == []
    assert reasons(result) == [
        "MedicationStatement/m1 status: 'paused' is not a MedicationStatement status medplan knows: not planned"
    ]


def with_timing(timing):
    return statement("m1", {"text": "Warfarin"}, dosage=[{"timing": timing}])


@attrs.frozen(kw_only=True)
class TimingCase:
    """A dosage timing, the times it gives (None: none), and the review reasons."""

    timing: dict[str, object]
    times: list[str] | None
    unmapped: list[str]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            TimingCase(
                timing={"repeat": {"frequency": 1, "period": 12, "periodUnit": "h"}},
                times=["08:00", "20:00"],
                unmapped=[
                    "dosage: dose times assumed from 1 per 12 h (08:00, 20:00): confirm the patient's usual times"
                ],
            ),
            id="every-12-hours",
        ),
        pytest.param(
            TimingCase(
                timing={"repeat": {"when": ["AC"]}},
                times=None,
                unmapped=["dosage[0].timing.repeat.when: AC is not a time medplan can date"],
            ),
            id="when-unknown",
        ),
        pytest.param(
            TimingCase(
                timing={"repeat": {"when": ["MORN", "PC"]}},
                times=["08:00"],
                unmapped=[
                    "dosage[0].timing.repeat.when: PC is not a time medplan can date",
                    "dosage: dose times assumed from when MORN, PC (08:00): confirm the patient's usual times",
                ],
            ),
            id="when-partly-known",
        ),
        pytest.param(
            TimingCase(
                timing={"code": {"coding": [{"code": "BID"}]}},
                times=["08:00", "20:00"],
                unmapped=[
                    "dosage: dose times assumed from timing code BID (08:00, 20:00): confirm the patient's usual times"
                ],
            ),
            id="code-bid",
        ),
        pytest.param(
            TimingCase(
                timing={"code": {"coding": [{"code": "PM"}]}},
                times=["18:00"],
                unmapped=[
                    "dosage: dose times assumed from timing code PM (18:00): confirm the patient's usual times"
                ],
            ),
            id="code-pm",
        ),
        pytest.param(
            TimingCase(
                timing={"code": {"coding": [{"code": "Q4H"}]}},
                times=None,
                unmapped=[
                    "dosage[0].timing: gives no time medplan can read: the dose times are needed"
                ],
            ),
            id="code-unknown",
        ),
        pytest.param(
            TimingCase(
                timing={"event": ["2026-12-01T08:00:00+08:00"]},
                times=None,
                unmapped=[
                    "dosage[0].timing: gives no time medplan can read: the dose times are needed"
                ],
            ),
            id="events-only",
        ),
        pytest.param(TimingCase(timing={}, times=None, unmapped=[]), id="empty"),
    ],
)
def test_each_way_a_timing_gives_times(case):
    """Every N hours, when, and a timing code give assumed times sent to review; what gives none is reviewed, and an empty timing says nothing."""
    result = read(with_timing(case.timing))

    assert result.request["medications"][0].get("times") == case.times
    assert reasons(result) == [f"MedicationStatement/m1 {reason}" for reason in case.unmapped]


def test_the_dose_is_the_first_dosage_that_gives_one():
    """Of two dosages the first's text is the dose; a dosage without a timing adds no times."""
    record = statement(
        "m1",
        {"text": "Warfarin"},
        dosage=[
            {"text": "5 mg", "timing": {"repeat": {"timeOfDay": ["18:00:00"]}}},
            {"text": "2 mg"},
        ],
    )

    assert read(record).request["medications"] == [
        {"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}
    ]


def test_a_dose_quantity_is_the_dose():
    """Without text, the first doseAndRate with a doseQuantity (not a doseRange) gives the dose."""
    rates = [{"doseRange": {"low": {"value": 1}}}, {"doseQuantity": {"value": 5, "unit": "mg"}}]
    record = statement(
        "m1",
        {"text": "Warfarin"},
        dosage=[{"doseAndRate": rates, "timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}],
    )

    assert read(record).request["medications"] == [
        {"name": "Warfarin", "times": ["18:00"], "dose": "5 mg"}
    ]


def test_a_medicine_taken_as_needed_is_noted():
    """A medicine taken as needed has no usual times: it is planned without them, and the notes say why."""
    result = read(
        statement("m1", {"text": "Ibuprofen"}, dosage=[{"asNeededBoolean": True, "text": "400 mg"}])
    )

    assert result.request["medications"] == [{"name": "Ibuprofen", "dose": "400 mg"}]
    assert [str(n) for n in result.notes] == [
        "MedicationStatement/m1 dosage: taken as needed: planned without usual dose times"
    ]
