"""Clinic policy: holds it lengthens, variants the table lacks, aspirin held by policy."""

from __future__ import annotations

import datafiles
import pytest
from plannercases import (
    TABLE_FILE,
    B,
    iso,
    med,
    only,
    request,
    table_of,
)

import medplan
from medplan import Action

# --- clinic policy -------------------------------------------------------------------------


def test_policy_lengthens_an_antiplatelet_hold():
    """The seed's radiologist asking for 10 days moves clopidogrel's last dose to day -11."""
    plan = medplan.plan(request(med("clopidogrel", "08:00"), at=B, risk="high", guideline="chest-2022",
                                policy={"name": "dr-k", "antiplatelet_hold_days": 10}))
    result = only(plan)

    assert iso(result.last_dose) == "2026-03-19T08:00:00+00:00"
    assert "Held 10 days, not the table's 5 days, by clinic policy 'dr-k' (set in the request; no approval recorded)." in result.notes
    assert plan.policy.name == "dr-k"


def test_policy_never_shortens_a_hold():
    """A policy asking for fewer days than the table keeps the table's hold and says so."""
    result = only(medplan.plan(request(med("clopidogrel", "08:00"), at=B, risk="high", guideline="chest-2022",
                                       policy={"name": "dr-k", "antiplatelet_hold_days": 3})))

    assert iso(result.last_dose) == "2026-03-24T08:00:00+00:00"
    assert "Clinic policy 'dr-k' asks for 3 days; the table's longer 5 days is kept." in result.notes


def test_policy_asking_for_the_tables_days_keeps_them_without_a_note():
    """A policy asking for exactly the table's 5 days of clopidogrel holds 5 days and adds no note about the policy."""
    result = only(medplan.plan(request(med("clopidogrel", "08:00"), at=B, risk="high", guideline="chest-2022",
                                       policy={"name": "dr-k", "antiplatelet_hold_days": 5})))

    assert (str(result.hold), iso(result.last_dose)) == ("5 days", "2026-03-24T08:00:00+00:00")
    assert not any("dr-k" in note for note in result.notes)


def test_policy_sets_the_inr_threshold_and_day():
    """A clinic may want INR 1.3 or less, on the morning of the procedure."""
    result = only(medplan.plan(request(med("warfarin", "18:00"), policy={"name": "strict", "inr_max": 1.3, "inr_check_day": 0})))

    assert [(c.test, c.max_value, c.on.isoformat(), c.day) for c in result.checks] == [("INR", 1.3, "2026-12-08", 0)]
    assert "INR threshold 1.3 from clinic policy 'strict' (the table's: 1.5)." in result.notes
    assert "the procedure goes ahead only if it is 1.3 or less" in result.instruction


def test_policy_may_allow_a_same_day_restart():
    """Without the seed's day-after rule, CHEST restarts warfarin the evening of the procedure."""
    result = only(medplan.plan(request(med("warfarin", "18:00"), at=B, risk="high", guideline="chest-2022",
                                       policy={"anticoagulant_resume_next_day": False})))

    assert iso(result.resume) == "2026-03-30T18:00:00+01:00"


def test_the_plan_records_the_policy_table_and_version():
    """The plan says which guideline, policy, table version and medplan version it used."""
    plan = medplan.plan(request(med("aspirin", "08:00")))
    data = plan.to_dict()

    assert data["guideline"] == "asra-pain-2018"
    assert data["policy"] == {
        "name": "seed-khangure-2017",
        "inr_max": 1.5,
        "inr_check_day": -1,
        "antiplatelet_hold_days": None,
        "anticoagulant_resume_next_day": True,
        "variants": {},
        "aspirin_before_intermediate": "continue",
        "bleeding_risk": {},
        "lab_weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "lab_country": None,
        "lab_subdivision": None,
        "bridging_agent": "enoxaparin",
        "bridging_regimen": "twice-daily",
        "bridging_times": ["08:00", "20:00"],
        "source": None,
        "approval": None,
        "rules": {},
    }
    assert data["table_version"] == medplan.default_table().version
    assert data["medplan_version"] == medplan.__version__


# --- a clinic's own table ---------------------------------------------------------------------

@pytest.mark.parametrize("regimen", [None, "weekly"])
def test_a_policy_variant_the_table_does_not_give_is_a_question(regimen):
    """A clinic table without the ASA 2023 GLP-1 rows cannot follow the profile choosing them: review, naming what the table gives."""
    table = table_of([r for r in datafiles.records(TABLE_FILE) if not r[0].startswith("asa-2023:")])
    semaglutide = med("semaglutide", "08:00", days=["sunday"]) | ({"regimen": regimen} if regimen else {})
    body = request(semaglutide, sedation=True, policy={"profile": "glp1-asa-2023"})

    result = only(medplan.plan(body, table=table))

    assert result.action is Action.REVIEW
    assert result.review_reason == (
        "clinic policy 'glp1-asa-2023' chooses 'asa-2023' for glp1-ra, which the table does not give (it gives multisociety-2024)"
    )


def test_a_policy_variant_the_table_does_not_give_names_every_variant_it_does():
    """A clinic table with a third GLP-1 variant and no ASA 2023 rows: the question lists both variants it gives, joined by 'or'."""
    records = datafiles.records(TABLE_FILE)
    variant = records[0].index("variant")
    copies = []
    for r in records:
        if r[0].startswith("multisociety-2024:glp1-ra:"):
            copy = list(r)
            copy[0] = r[0].replace("multisociety-2024:", "clinic-2026:")
            copy[variant] = "clinic-2026"
            copies.append(copy)
    table = table_of([r for r in records if not r[0].startswith("asa-2023:")] + copies)
    body = request(med("semaglutide", "08:00", days=["sunday"]), sedation=True, policy={"profile": "glp1-asa-2023"})

    result = only(medplan.plan(body, table=table))

    assert table.variants["glp1-ra"] == ("multisociety-2024", "clinic-2026")
    assert result.review_reason == (
        "clinic policy 'glp1-asa-2023' chooses 'asa-2023' for glp1-ra, which the table does not give "
        "(it gives multisociety-2024 or clinic-2026)"
    )


def test_a_missing_route_stays_the_question_when_one_route_needs_more():
    """Heparin without a route, where the table bands the IV row by CrCl and no CrCl is given: the question is the route."""
    records = datafiles.records(TABLE_FILE)
    header = records[0]
    iv = next(r for r in records if r[0] == "asra-pain-2018:heparin:iv")
    low, high = list(iv), list(iv)
    low[0] += ":crcl-0-30"
    low[header.index("crcl_max")] = "30"
    high[header.index("crcl_min")] = "30"
    table = table_of([x for r in records for x in ([low, high] if r is iv else [r])])

    result = only(medplan.plan(request(med("heparin", "08:00")), table=table))

    assert (result.action, result.review_reason) == (
        Action.REVIEW, "unfractionated heparin's hold depends on the route: iv or sc needed")


# --- clinic policy, and what the order leaves unsaid -----------------------------------------

ASPIRIN_POLICY_HOLD = {"aspirin_before_intermediate": "hold"}


def test_aspirin_held_by_policy_says_so_in_the_rule_and_the_notes():
    """Primary-prevention aspirin held by the clinic's choice: the rule text adds the policy's hold, and a note names the policy."""
    result = only(medplan.plan(request(med("aspirin", "08:00", indication="primary-prevention"), policy=ASPIRIN_POLICY_HOLD)))

    assert result.action is Action.HOLD
    assert result.rule == (
        "intermediate bleeding risk: review; last dose 6 days before; resume 24 hours after; "
        "clinic policy 'custom': hold, last dose 6 days before"
    )
    assert result.notes[0].startswith(
        "Held as before a high-risk procedure by clinic policy 'custom' (the table: review, ASRA 2018 asks"
    )


def test_aspirin_the_policy_would_hold_without_a_hold_in_the_table_is_left_for_review():
    """Secondary-prevention aspirin has no hold even at high risk: the policy's hold cannot apply, and a note says why."""
    result = only(medplan.plan(request(med("aspirin", "08:00", indication="secondary-prevention"), policy=ASPIRIN_POLICY_HOLD)))

    assert result.action is Action.REVIEW
    assert result.notes[0] == (
        "Clinic policy 'custom' holds aspirin before intermediate-risk procedures, "
        "but the table gives no hold for this indication even at high risk: left for review."
    )


def test_a_policy_antiplatelet_hold_equal_to_the_tables_adds_no_note():
    """CHEST holds clopidogrel 5 days; a policy asking for 5 days changes nothing and says nothing."""
    result = only(medplan.plan(request(med("clopidogrel", "08:00"), guideline="chest-2022", policy={"antiplatelet_hold_days": 5})))

    assert (str(result.hold), iso(result.last_dose)) == ("5 days", "2026-12-02T08:00:00+08:00")
    assert result.notes == (
        "CHEST gives its interval for elective surgery and does not split it by bleeding risk. Restart within 24 hours: the day after.",
    )


def test_a_policy_antiplatelet_hold_does_not_lengthen_an_anticoagulant():
    """A policy of 10 days for antiplatelets leaves warfarin at the table's 5 days."""
    result = only(medplan.plan(request(med("warfarin", "18:00"), policy={"antiplatelet_hold_days": 10})))

    assert (str(result.hold), iso(result.last_dose)) == ("5 days", "2026-12-02T18:00:00+08:00")
