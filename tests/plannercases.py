"""Helpers shared by the planner tests in tests/planning/ (and a few others)."""

from __future__ import annotations

import attrs
import datafiles

from medplan.tables.drug_classes import parse_table

A = {"start": "2026-12-08T09:30", "timezone": "Australia/Perth"}
PAD = "peripheral-arterial-disease"
B = {"start": "2026-03-30T08:00", "timezone": "Europe/London"}


def request(*medications, at=A, risk="intermediate", guideline="asra-pain-2018", crcl=None, egfr=None, policy=None,
            end=None, fasting=None, sedation=None, contrast=None, anticoagulation=None):
    """A request; a flag, a renal measure, a policy or the anticoagulation reasons left as None are not sent."""
    procedure = {"name": "test procedure", "bleeding_risk": risk, "guideline": guideline, **at}
    flags = {"end": end, "fasting": fasting, "sedation": sedation, "contrast": contrast}
    procedure.update({key: value for key, value in flags.items() if value is not None})
    result = {"procedure": procedure, "medications": list(medications)}
    given = {"crcl_ml_min": crcl, "egfr": egfr, "anticoagulation": anticoagulation}
    patient = {key: value for key, value in given.items() if value is not None}
    if patient:
        result["patient"] = patient
    if policy is not None:
        result["policy"] = policy
    return result


def med(name, *times, **extra):
    return {"name": name, "times": list(times), **extra}


def only(plan):
    (medication,) = plan.medications
    return medication


def iso(moment):
    return None if moment is None else moment.isoformat()


ASA_2023 = {"variants": {"glp1-ra": "asa-2023"}}
TABLE_FILE = "drug_classes.csv"
UNCONFIRMED = "is not yet confirmed against its source; the dates shown are its proposal"


@attrs.frozen
class Case:
    """A whole request and the plan worked out by hand for its one medicine."""

    id: str
    request: dict
    rule_id: str | None
    action: str
    last_dose: str | None = None
    resume: str | None = None
    checks: tuple = ()
    reason: tuple[str, ...] = ()  # words the review reason must contain: what to find out
    says: tuple[str, ...] = ()  # words the instruction must contain


@attrs.frozen
class Row:
    """One medicine, tier, guideline and CrCl, and the plan worked out by hand for it."""

    id: str
    at: dict
    risk: str
    guideline: str
    medication: dict
    crcl: int | None
    action: str
    last_dose: str | None
    resume: str | None
    checks: list


DRUGS = [
    med("warfarin", "18:00"),
    med("acenocoumarol", "18:00"),
    med("apixaban", "08:00", "20:00"),
    med("rivaroxaban", "08:00"),
    med("edoxaban", "08:00"),
    med("dabigatran", "08:00", "20:00"),
    med("enoxaparin", "08:00", "20:00", regimen="therapeutic"),
    med("enoxaparin", "20:00", regimen="prophylactic"),
    med("dalteparin", "08:00", regimen="therapeutic"),
    med("dalteparin", "08:00", regimen="prophylactic"),
    med("heparin", route="iv"),
    med("heparin", "08:00", "20:00", route="sc"),
    med("aspirin", "08:00"),
    med("clopidogrel", "08:00"),
    med("prasugrel", "08:00"),
    med("ticagrelor", "08:00", "20:00"),
    # issue 3's rows that depend on no procedure flag
    med("aspirin", "08:00", indication="primary-prevention"),
    med("aspirin", "08:00", indication="secondary-prevention"),
    med("Asasantin SR", "08:00", "20:00"),
    med("dipyridamole", "08:00", "20:00"),
    med("cilostazol", "08:00", "20:00"),
    med("ticlopidine", "08:00", "20:00"),
    med("abciximab", route="iv"),
    med("eptifibatide", route="iv"),
    med("fondaparinux", "18:00"),
    med("phenprocoumon", "18:00"),
    med("tinzaparin", "18:00", regimen="prophylactic"),
    med("tinzaparin", "18:00", regimen="therapeutic"),
    med("ibuprofen", "08:00", "14:00", "20:00"),
    med("piroxicam", "08:00"),
    med("garlic", "08:00"),
]



def table_of(rows):
    """A table made of these records (the header first)."""
    return parse_table(datafiles.write(rows), TABLE_FILE)
