"""Helpers shared by the CDS Hooks tests (tests/fhir/test_cds.py, tests/web/, and the tests of the whole).

An appointment-book hook request as the CDS Hooks specification's example gives it,
with its prefetched Bundles.
"""

from __future__ import annotations

from fhircases import RXNORM

SCREENED = {"severe_bleeding_disorder": False, "cauda_equina_symptoms": False,
            "acute_motor_weakness": False, "disc_or_epidural_infection": False}


def appointment(code="peripheral-joint-injection", **fields):
    return {
        "resourceType": "Appointment", "id": "apt1", "status": "proposed",
        "serviceType": [{"coding": [{"system": "urn:medplan:procedure", "code": code}]}],
        "description": "Knee injection",
        "start": "2026-12-08T09:30:00+08:00", "end": "2026-12-08T10:00:00+08:00",
        "participant": [{"actor": {"reference": "Patient/1288992"}, "required": "required", "status": "tentative"}],
        **fields,
    }


def searchset(*resources):
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def warfarin_statement():
    return {"resourceType": "MedicationStatement", "id": "ms1", "status": "active",
            "subject": {"reference": "Patient/1288992"},
            "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "11289"}], "text": "Warfarin"},
            "dosage": [{"timing": {"repeat": {"timeOfDay": ["18:00:00"]}}}]}


def hook_request(*appointments, statements=(), **prefetch):
    return {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "hook": "appointment-book",
        "context": {"userId": "PractitionerRole/A2340113", "patientId": "1288992",
                    "appointments": searchset(*(appointments or [appointment()]))},
        "prefetch": {
            "patient": {"resourceType": "Patient", "id": "1288992"},
            "medicationStatements": searchset(*statements) if statements else None,
            "medicationRequests": None,
            "observations": None,
            **prefetch,
        },
    }
