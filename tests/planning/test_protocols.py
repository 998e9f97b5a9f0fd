"""Tests of clinic protocols: a profile's approval and ``rules``, and numbers a policy fixes.

A number the clinic policy fixes (a protocol's rule, ``antiplatelet_hold_days``)
is the clinic's: the medicine is held on it, citing the policy and its
approval, and the table's row being unconfirmed does not make it a review.
A number the table keeps (a longer hold) is still the table's.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from protocolcases import (
    CITED,
    CLINIC,
    CLINIC_PROFILES,
    SEED_CITED,
    one,
    seed_request,
    single,
)

import medplan
from medplan import Action, BleedingRisk
from medplan.model import Interval, Unit
from medplan.tables.policies import Approval, ClinicRule, parse_profiles

# --- the seed's radiologist: antiplatelet_hold_days ---------------------------


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param({"profile": "radiologist-10-day-antiplatelet"}, id="bundled-profile"),
        pytest.param({"antiplatelet_hold_days": 10}, id="inline"),
    ],
)
def test_ten_day_policy_holds_clopidogrel_ten_dose_free_days_without_review(policy):
    """The seed's 10 days hold Plavix with 10 dose-free days before the procedure, as hold, not review."""
    plan = medplan.plan(seed_request(policy))
    plavix = one(plan, "Plavix")

    assert plavix.action is Action.HOLD
    assert plavix.review_reason is None
    assert plavix.last_dose is not None
    day0 = plan.procedure.day0
    assert (day0 - plavix.last_dose.date()).days - 1 == 10
    assert not any(reason.startswith("Plavix") for reason in plan.review_reasons)


def test_bundled_ten_day_profile_is_cited_with_its_approval():
    """The plan cites the bundled profile and its approval: the seed article's authors, not a clinic."""
    plavix = one(medplan.plan(seed_request({"profile": "radiologist-10-day-antiplatelet"})), "Plavix")

    assert (
        f"Held 10 days, not the table's 7 days, by clinic policy 'radiologist-10-day-antiplatelet' ({SEED_CITED})."
    ) in plavix.notes


def test_inline_ten_days_are_cited_as_the_requests():
    """An inline hold is cited as the request's, with no approval on record."""
    plavix = one(medplan.plan(seed_request({"antiplatelet_hold_days": 10})), "Plavix")

    assert (
        "Held 10 days, not the table's 7 days, by clinic policy 'custom' (set in the request; no approval recorded)."
    ) in plavix.notes


def test_inline_days_over_an_approved_profile_are_not_cited_with_its_approval():
    """Days given inline on top of an approved profile are the request's: the profile's approval is not claimed for them."""
    policy = {"profile": "radiologist-10-day-antiplatelet", "antiplatelet_hold_days": 12}
    plavix = one(medplan.plan(seed_request(policy)), "Plavix")

    assert (
        "Held 12 days, not the table's 7 days, by clinic policy 'radiologist-10-day-antiplatelet+inline' "
        "(set in the request; no approval recorded)."
    ) in plavix.notes


@attrs.frozen
class HoldCase:
    """A P2Y12 hold the policy asks for, and what the plan makes of the table's unconfirmed row."""

    id: str
    drug: str
    policy: dict[str, object]
    action: Action
    hold: str
    note: str | None


UNCONFIRMED = "rule asra-pain-2018:{drug} is not yet confirmed against its source; the dates shown are its proposal"
HOLD_CASES = [
    HoldCase(
        id="longer-than-the-table",
        drug="clopidogrel",
        policy={"profile": "radiologist-10-day-antiplatelet"},
        action=Action.HOLD,
        hold="10 days",
        note=f"Held 10 days, not the table's 7 days, by clinic policy 'radiologist-10-day-antiplatelet' ({SEED_CITED}).",
    ),
    HoldCase(
        id="the-same-as-the-table-no-approval",
        drug="clopidogrel",
        policy={"profile": "radiologist-7-day-antiplatelet"},
        action=Action.HOLD,
        hold="7 days",
        note="Held 7 days by clinic policy 'radiologist-7-day-antiplatelet' (no approval recorded), "
        "the same as the table's unconfirmed rule.",
    ),
    HoldCase(
        id="shorter-than-the-table-keeps-the-tables",
        drug="prasugrel",
        policy={"profile": "radiologist-7-day-antiplatelet"},
        action=Action.REVIEW,
        hold="10 days",
        note="Clinic policy 'radiologist-7-day-antiplatelet' asks for 7 days; the table's longer 10 days is kept.",
    ),
    HoldCase(
        id="no-policy",
        drug="clopidogrel",
        policy={},
        action=Action.REVIEW,
        hold="7 days",
        note=None,
    ),
]


@pytest.mark.parametrize("case", HOLD_CASES, ids=lambda case: case.id)
def test_a_policys_p2y12_hold_is_the_clinics_number_only_when_it_is_used(case):
    """A hold of the policy's days is held and cited; where the table's longer unconfirmed hold is kept, it stays a review."""
    result = one(medplan.plan(single(case.drug, ["08:00"], risk="intermediate", policy=case.policy)), case.drug)

    assert (result.action, str(result.hold)) == (case.action, case.hold)
    unconfirmed = UNCONFIRMED.format(drug=case.drug)
    assert (result.review_reason == unconfirmed) is (case.action is Action.REVIEW)
    if case.note is not None:
        assert case.note in result.notes


# --- a clinic protocol's rules ---------------------------------------------------


def test_rules_and_approval_are_read():
    """A profile's approval and rules are read into its policy, each class and tier a rule."""
    policy = CLINIC_PROFILES.profiles["protocol-v3"].policy

    assert policy.approval == Approval(
        approved_by="Dr A Example, head of interventional radiology",
        approved_on=date(2026, 11, 2),
        reference="Example clinic anticoagulation protocol v3, table 2",
    )
    assert policy.rules == (
        ClinicRule(drug_class="apixaban", bleeding_risk=BleedingRisk.INTERMEDIATE, action=Action.HOLD,
                   hold=Interval(3, Unit.DAYS), resume=Interval(1, Unit.DAYS)),
        ClinicRule(drug_class="apixaban", bleeding_risk=BleedingRisk.HIGH, action=Action.HOLD,
                   hold=Interval(4, Unit.DAYS), resume=Interval(48, Unit.HOURS)),
        ClinicRule(drug_class="clopidogrel", bleeding_risk=BleedingRisk.LOW, action=Action.CONTINUE),
        ClinicRule(drug_class="warfarin", bleeding_risk=BleedingRisk.INTERMEDIATE, action=Action.HOLD,
                   hold=Interval(6, Unit.DAYS), resume=Interval(1, Unit.DAYS)),
        ClinicRule(drug_class="aspirin", bleeding_risk=BleedingRisk.HIGH, action=Action.CONTINUE),
    )  # fmt: skip


def test_approval_date_may_be_written_as_text():
    """approved_on given as "YYYY-MM-DD" text reads as the same date as a TOML date."""
    text = CLINIC.replace("approved_on = 2026-11-02", 'approved_on = "2026-11-02"')

    approval = parse_profiles(text, "clinic.toml").profiles["protocol-v3"].policy.approval

    assert approval is not None
    assert approval.approved_on == date(2026, 11, 2)


def test_the_plan_json_gives_the_approval_and_the_rules():
    """The plan's policy object carries the approval and the rules, by class and tier."""
    plan = medplan.plan(seed_request({"profile": "protocol-v3"}), profiles=CLINIC_PROFILES)
    policy = plan.to_dict()["policy"]

    assert policy["approval"] == {
        "approved_by": "Dr A Example, head of interventional radiology",
        "approved_on": "2026-11-02",
        "reference": "Example clinic anticoagulation protocol v3, table 2",
    }
    assert policy["rules"] == {
        "apixaban": {
            "intermediate": {"action": "hold", "hold": "3 days", "resume": "1 day"},
            "high": {"action": "hold", "hold": "4 days", "resume": "48 hours"},
        },
        "clopidogrel": {"low": {"action": "continue"}},
        "warfarin": {"intermediate": {"action": "hold", "hold": "6 days", "resume": "1 day"}},
        "aspirin": {"high": {"action": "continue"}},
    }


@attrs.frozen
class RuleCase:
    """A medicine before a procedure at a tier, under the example protocol, and what the plan says."""

    id: str
    name: str
    times: list[str]
    risk: str
    action: Action
    last_dose: str | None
    resume: str | None
    rule: str


RULE_CASES = [
    RuleCase(
        id="apixaban-intermediate-hold-and-day-after",
        name="apixaban",
        times=["08:00", "20:00"],
        risk="intermediate",
        action=Action.HOLD,
        last_dose="2026-12-04T20:00:00+08:00",
        resume="2026-12-09T08:00:00+08:00",
        rule="intermediate bleeding risk: hold; last dose 3 days before; resume 24 hours "
        "after; clinic protocol 'protocol-v3': hold 3 days, resume on day +1",
    ),
    RuleCase(
        id="apixaban-high-hours-restart",
        name="apixaban",
        times=["08:00", "20:00"],
        risk="high",
        action=Action.HOLD,
        last_dose="2026-12-03T20:00:00+08:00",
        resume="2026-12-10T20:00:00+08:00",
        rule="high bleeding risk: hold; last dose 3 days before; resume 24 hours after; "
        "clinic protocol 'protocol-v3': hold 4 days, resume 48 hours after",
    ),
    RuleCase(
        id="clopidogrel-low-continue",
        name="clopidogrel",
        times=["08:00"],
        risk="low",
        action=Action.CONTINUE,
        last_dose=None,
        resume=None,
        rule="low bleeding risk: review; clinic protocol 'protocol-v3': continue",
    ),
    RuleCase(
        id="clopidogrel-intermediate-not-in-the-protocol",
        name="clopidogrel",
        times=["08:00"],
        risk="intermediate",
        action=Action.REVIEW,
        last_dose="2026-11-30T08:00:00+08:00",
        # The table's recalled 12-24 h window after 09:30 Tue 8 Dec holds 08:00 Wed 9 (22.5 h).
        resume="2026-12-09T08:00:00+08:00",
        rule="intermediate bleeding risk: hold; last dose 7 days before; resume in the window 12-24 hours after",
    ),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=lambda case: case.id)
def test_a_protocols_rule_replaces_the_tables_for_its_class_and_tier(case):
    """A protocol's rule is used for its class at its tier, without review; a tier it does not give follows the table."""
    request = single(case.name, case.times, risk=case.risk, policy={"profile": "protocol-v3"})

    result = one(medplan.plan(request, profiles=CLINIC_PROFILES), case.name)

    last = None if result.last_dose is None else result.last_dose.isoformat()
    resume = None if result.resume is None else result.resume.isoformat()
    assert (result.action, last, resume) == (case.action, case.last_dose, case.resume)
    assert result.rule == case.rule
    assert (result.review_reason is None) is (case.action is not Action.REVIEW)


def test_a_protocols_rule_is_cited_with_its_approval():
    """The medicine's notes cite the protocol, its approval and the table rule it replaced."""
    request = single("apixaban", ["08:00", "20:00"], risk="intermediate", policy={"profile": "protocol-v3"})

    result = one(medplan.plan(request, profiles=CLINIC_PROFILES), "apixaban")

    assert result.notes[0] == (
        f"The clinic's protocol at intermediate bleeding risk: hold 3 days, resume on day +1, by clinic policy "
        f"'protocol-v3' ({CITED}); the table's rule (intermediate bleeding risk: hold; last dose 3 days before; "
        "resume 24 hours after) is not used."
    )


def test_a_protocols_warfarin_rule_keeps_the_rows_inr_check():
    """A protocol's warfarin hold replaces the days, not the INR check the row gives."""
    request = single("warfarin", ["18:00"], risk="intermediate", policy={"profile": "protocol-v3"})

    result = one(medplan.plan(request, profiles=CLINIC_PROFILES), "warfarin")

    assert (result.action, str(result.hold)) == (Action.HOLD, "6 days")
    assert [(c.test, c.max_value, c.day) for c in result.checks] == [("INR", 1.5, -1)]


def test_a_protocol_that_answers_alike_for_every_indication_needs_none():
    """Aspirin continued by the protocol at high risk for either indication: the order need not say which."""
    request = single("aspirin", ["08:00"], risk="high", policy={"profile": "protocol-v3"})

    result = one(medplan.plan(request, profiles=CLINIC_PROFILES), "aspirin")

    assert (result.action, result.review_reason) == (Action.CONTINUE, None)


def test_without_the_protocol_the_same_requests_need_review():
    """The same apixaban before the same procedure, without the protocol, is the table's unconfirmed review."""
    request = single("apixaban", ["08:00", "20:00"], risk="intermediate", policy={})

    result = one(medplan.plan(request), "apixaban")

    assert result.action is Action.REVIEW


def test_the_seed_example_under_a_protocol_holds_apixaban_and_says_so():
    """The bundled example under the protocol: Eliquis held on the clinic's numbers; the list's own questions are left."""
    plan = medplan.plan(seed_request({"profile": "protocol-v3"}), profiles=CLINIC_PROFILES)

    assert one(plan, "Eliquis").action is Action.HOLD
    assert plan.review_reasons == (
        "Plavix: rule asra-pain-2018:clopidogrel is not yet confirmed against its source; the dates shown are its proposal",
        "apixaban and warfarin are both oral anticoagulants: confirm which one the patient takes",
        ("apixaban and warfarin with aspirin and clopidogrel: an anticoagulant with an antiplatelet adds to the "
        "bleeding risk; ask why each is taken and whether both are still meant (after a coronary stent or an "
        "acute coronary syndrome the cardiologist decides), and plan their stops and restarts together"),
        ("aspirin and clopidogrel are two antiplatelets (dual antiplatelet therapy): ask why (a coronary stent or "
        "an acute coronary syndrome in the last 12 months?) and agree with the cardiologist which, if either, stops"),
    )


def test_a_protocol_day_resume_lands_on_the_day_after():
    """A restart of 1 day is the first usual dose on day +1, as the table's day restarts are."""
    request = single("apixaban", ["08:00", "20:00"], risk="intermediate", policy={"profile": "protocol-v3"})

    result = one(medplan.plan(request, profiles=CLINIC_PROFILES), "apixaban")

    assert result.resume is not None
    assert result.resume.date() == date(2026, 12, 8) + timedelta(days=1)


def test_a_p2y12_the_protocol_continues_is_not_asked_why_it_is_taken():
    """Clopidogrel continued by the protocol before a low-risk procedure is not asked its indication."""
    request = single("clopidogrel", ["08:00"], risk="low", policy={"profile": "protocol-v3"})
    del request["medications"][0]["indication"]

    plan = medplan.plan(request, profiles=CLINIC_PROFILES)
    result = one(plan, "clopidogrel")

    assert (result.action, result.review_reason) == (Action.CONTINUE, None)
    assert [item.id for item in plan.reviews] == []
