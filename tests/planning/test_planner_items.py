"""Which review items a plan lists, and under whose key, where a medicine's place or the tables could confuse them."""

from __future__ import annotations

import datafiles
from reviewcases import med, request

import medplan
from medplan.tables.clinical_checks import parse_clinical_checks

# A clinic's own renal floor for clopidogrel, which the bundled checks do not give.
CLOPIDOGREL_FLOOR = (
    "clinic:clopidogrel:crcl-floor,renal-floor,clopidogrel,,,crcl,30,,U,"
    '"clopidogrel below CrCl 30 mL/min: ask the prescriber",,Clinic protocol v1\n'
)


def ids(plan: medplan.Plan) -> list[str]:
    return [item.id for item in plan.reviews]


def test_a_name_with_a_slash_keeps_its_renal_floor_item():
    """'metformin 500mg/5ml' below metformin's eGFR floor: the item is the name given, then 'renal-floor'."""
    plan = medplan.plan({**request(med("metformin 500mg/5ml", "08:00")), "patient": {"egfr": 25}})

    assert ids(plan) == ["metformin 500mg/5ml/renal-floor", "metformin 500mg/5ml/procedure-contrast"]


def test_the_clinical_checks_given_are_the_ones_asked_beside_the_p2y12_questions():
    """A clinic's renal floor for clopidogrel is asked, and its indication question too, not one instead of the other."""
    checks = parse_clinical_checks(datafiles.bundled("clinical_checks.csv") + CLOPIDOGREL_FLOOR)
    parsed = medplan.parse_request({**request(med("clopidogrel", "08:00")), "patient": {"crcl_ml_min": 20}})

    plan = medplan.make_plan(parsed, medplan.default_table(), medplan_version="test", clinical=checks)

    assert ids(plan) == ["clopidogrel/renal-floor", "clopidogrel/indication", "clopidogrel/unconfirmed-rule"]
    assert plan.medications[0].review_reason.startswith(
        "CrCl 20 is at or below clopidogrel's floor of 30: clopidogrel below CrCl 30 mL/min: ask the prescriber; "
        "why clopidogrel is taken is needed"
    )


def test_the_pathways_question_is_under_its_own_medicines_key():
    """Warfarin second on the list: the pathway's reason item is warfarin's, not the first medicine's."""
    plan = medplan.plan(request(med("metformin", "08:00"), med("warfarin", "18:00")))

    assert ids(plan) == ["metformin/procedure-contrast", "warfarin/anticoagulation-reason"]


def test_a_prophylactic_heparin_with_aspirin_is_not_an_anticoagulant_with_an_antiplatelet():
    """Enoxaparin with aspirin asks about the pair only at a therapeutic dose, as the order's regimen says."""
    def pair(regimen: str) -> list[str]:
        body = request(
            med("enoxaparin", "18:00", regimen=regimen),
            med("aspirin", "08:00", indication="secondary-prevention"),
        )
        return [i for i in ids(medplan.plan(body)) if i.startswith("plan/")]

    assert pair("prophylactic") == []
    assert pair("therapeutic") == ["plan/anticoagulant-with-antiplatelet"]
