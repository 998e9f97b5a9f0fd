"""Helpers shared by the FHIR tests (tests/fhir/, tests/web/, and the tests of the whole).

FHIR R4 resources as JSON (hl7.org/fhir/R4), a Bundle of them for patient p1,
and the nerve root sleeve example as a Bundle.
"""

from __future__ import annotations

from medplan.fhir import bundle

ZONE = "Australia/Perth"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def appointment(**fields):
    return {
        "resourceType": "Appointment",
        "id": "a1",
        "status": "proposed",
        "serviceType": [{"coding": [{"system": "urn:medplan:procedure", "code": "tfesi-lumbar"}]}],
        "start": "2026-12-08T09:30:00+08:00",
        "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
        **fields,
    }


def statement(rid, concept, *, times=None, status="active", **fields):
    resource = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": status,
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": concept,
        **fields,
    }
    if times is not None:
        resource["dosage"] = [{"timing": {"repeat": {"timeOfDay": [f"{t}:00" for t in times]}}}]
    return resource


def timed(rid, repeat, name="Warfarin"):
    return statement(rid, {"text": name}, dosage=[{"timing": {"repeat": repeat}}])


def observation(rid, code, value, unit, *, status="final", when="2026-11-30", **fields):
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": status,
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        **fields,
    }


def bundle_of(*resources):
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1"}},
            *({"resource": r} for r in resources),
        ],
    }


def read(*resources, **kwargs):
    return bundle.request_from_bundle(bundle_of(appointment(), *resources), timezone=ZONE, **kwargs)


def reasons(result):
    return [str(item) for item in result.unmapped]


NERVE_ROOT_SLEEVE = bundle_of(
    appointment(),
    statement(
        "ms-warfarin",
        {"text": "Warfarin", "coding": [{"system": RXNORM, "code": "11289"}]},
        dosage=[{"text": "5 mg", "timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}],
    ),
    statement(
        "ms-plavix",
        {"text": "Plavix", "coding": [{"system": ATC, "code": "B01AC04"}]},
        times=["08:00"],
    ),
    {
        "resourceType": "MedicationRequest",
        "id": "mr-aspirin",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationReference": {"reference": "#aspirin"},
        "contained": [
            {
                "resourceType": "Medication",
                "id": "aspirin",
                "code": {"text": "Aspirin", "coding": [{"system": SNOMED, "code": "387458008"}]},
            }
        ],
        "dosageInstruction": [{"timing": {"repeat": {"timeOfDay": ["08:00:00"]}}}],
    },
    statement("ms-eliquis", {"text": "Eliquis"}, times=["08:00", "20:00"]),
    observation("o-crcl", "35591-7", 62, "mL/min"),
    observation("o-weight", "29463-7", 74, "kg"),
)
