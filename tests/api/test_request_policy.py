"""Tests of a request's ``policy``: ``medplan.request`` naming a profile, overriding it inline, and its tier.

A request names a profile, may override its settings inline, and the plan
names what it was made with; a policy's tier for a catalogue procedure
replaces the catalogue's, with a note.
"""

from __future__ import annotations

import copy
from datetime import time

import attrs
import pytest
from policycases import (
    BUNDLED_NAMES,
    BUNDLED_VERSION,
    SEED_APPROVAL,
    SIR_HIGH,
    bundled,
    catalogue_request,
    profile_file,
    version,
    with_policy,
)
from strategies import VALID

import medplan
from medplan import BleedingRisk, Policy
from medplan.tables.policies import parse_profiles


def test_request_names_a_profile():
    """A request naming a profile is planned with that profile's policy, named after it and its file."""
    plan = medplan.plan(with_policy({"profile": "radiologist-10-day-antiplatelet"}))

    assert plan.policy == bundled(
        "radiologist-10-day-antiplatelet", antiplatelet_hold_days=10, approval=SEED_APPROVAL
    )
    assert plan.to_dict()["policy"]["name"] == "radiologist-10-day-antiplatelet"
    assert plan.to_dict()["policy"]["source"] == BUNDLED_VERSION
    assert BUNDLED_VERSION.startswith("policies.toml sha256:")


def test_request_without_policy_gets_the_built_in_default():
    """A request without a policy gets the built-in default, from no file."""
    request = copy.deepcopy(VALID)
    request.pop("policy", None)

    assert medplan.plan(request).policy == Policy()


def test_inline_settings_override_the_profile_and_the_name_says_so():
    """Inline settings override the named profile's; the rest is the profile's, and the name is PROFILE+inline."""
    plan = medplan.plan(
        with_policy(
            {"profile": "radiologist-10-day-antiplatelet", "inr_max": 1.3, "inr_check_day": 0}
        )
    )

    assert plan.policy == bundled(
        "radiologist-10-day-antiplatelet+inline",
        antiplatelet_hold_days=10,
        approval=SEED_APPROVAL,
        inr_max=1.3,
        inr_check_day=0,
        inline=("inr_max", "inr_check_day"),
    )


def test_inline_null_is_not_an_override():
    """An inline setting given as null keeps the profile's value, and the name stays the profile's."""
    plan = medplan.plan(
        with_policy({"profile": "radiologist-7-day-antiplatelet", "antiplatelet_hold_days": None})
    )

    assert plan.policy == bundled("radiologist-7-day-antiplatelet", antiplatelet_hold_days=7)


def test_inline_tiers_merge_with_the_profiles():
    """An inline bleeding_risk overrides the profile's tier for its code and keeps the others."""
    plan = medplan.plan(
        with_policy(
            {"profile": "sir-2019-spine-high", "bleeding_risk": {"tfesi-lumbar": "intermediate"}}
        )
    )

    assert dict(plan.policy.bleeding_risk) == dict(SIR_HIGH) | {
        "tfesi-lumbar": BleedingRisk.INTERMEDIATE
    }
    assert plan.policy.name == "sir-2019-spine-high+inline"


def test_inline_policy_without_profile():
    """Inline settings without a profile are named custom (or as given) and come from no file."""
    custom = medplan.plan(
        with_policy(
            {
                "aspirin_before_intermediate": "table",
                "variants": {"glp1-ra": "asa-2023"},
                "bleeding_risk": {"tfesi-lumbar": "high"},
            }
        )
    ).policy
    named = medplan.plan(with_policy({"name": "ward-7", "inr_max": 1.4})).policy

    assert custom == Policy(
        name="custom",
        aspirin_before_intermediate=None,
        variants=(("glp1-ra", "asa-2023"),),
        bleeding_risk=(("tfesi-lumbar", BleedingRisk.HIGH),),
        inline=("aspirin_before_intermediate", "variants", "bleeding_risk"),
    )
    assert named == Policy(name="ward-7", inr_max=1.4, inline=("inr_max",))


def test_inline_lab_and_bridging_settings():
    """A request's policy takes the lab and bridging settings inline, as a profile does."""
    policy = medplan.plan(
        with_policy(
            {
                "lab_weekdays": [
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                ],
                "lab_country": "AU",
                "lab_subdivision": "WA",
                "bridging_agent": "dalteparin",
                "bridging_regimen": "once-daily",
                "bridging_times": ["18:00"],
            }
        )
    ).policy

    assert policy == Policy(
        name="custom",
        lab_weekdays=(0, 1, 2, 3, 4, 5),
        lab_country="AU",
        lab_subdivision="WA",
        bridging_agent="dalteparin",
        bridging_regimen="once-daily",
        bridging_times=(time(18),),
        inline=(
            "lab_weekdays",
            "lab_country",
            "lab_subdivision",
            "bridging_agent",
            "bridging_regimen",
            "bridging_times",
        ),
    )


def test_request_profiles_are_the_ones_passed_in():
    """medplan.plan(profiles=...) looks the profile up in the clinic's own file, not the bundled one."""
    clinic = parse_profiles(profile_file("antiplatelet_hold_days = 9"), "clinic.toml")

    plan = medplan.plan(with_policy({"profile": "dr-jones"}), profiles=clinic)

    source = version(profile_file("antiplatelet_hold_days = 9"), "clinic.toml")
    assert plan.policy == Policy(name="dr-jones", antiplatelet_hold_days=9, source=source)


def many_profiles(count: int) -> medplan.Profiles:
    """A file with profiles p01, p02, ... p<count>."""
    text = "".join(f'[profiles.p{i:02}]\ndescription = "P{i}"\n' for i in range(1, count + 1))
    return parse_profiles(text, "clinic.toml")


@attrs.frozen(kw_only=True)
class RequestErrorCase:
    """A request's invalid policy, the profiles it is planned with, and the field and message of the InputError."""

    policy: object
    profiles: medplan.Profiles | None
    field: str
    message: str


REQUEST_ERRORS = [
    pytest.param(
        RequestErrorCase(
            policy={"profile": "dr-jones"},
            profiles=None,
            field="policy.profile",
            message="policy.profile: is not a profile in policies.toml (got 'dr-jones'; it has "
            + ", ".join(BUNDLED_NAMES)
            + ")",
        ),
        id="unknown-profile",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"profile": "p13"},
            profiles=many_profiles(12),
            field="policy.profile",
            message="policy.profile: is not a profile in clinic.toml (got 'p13'; it has p01, p02, p03, p04, p05, p06, p07, p08, p09, p10 and 2 more)",
        ),
        id="unknown-profile-of-many",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"profile": ""},
            profiles=None,
            field="policy.profile",
            message="policy.profile: must not be empty",
        ),
        id="empty-profile",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"profile": 3},
            profiles=None,
            field="policy.profile",
            message="policy.profile: must be text (got a number)",
        ),
        id="profile-not-text",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"profile": "sir-2019-spine-high", "name": "dr-jones"},
            profiles=None,
            field="policy.name",
            message="policy.name: must not be given with policy.profile: the profile names the policy",
        ),
        id="name-with-profile",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"profile": "sir-2019-spine-high", "inr_max": 5},
            profiles=None,
            field="policy.inr_max",
            message="policy.inr_max: must be between 1 and 3 (got 5)",
        ),
        id="override-out-of-range",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"bleeding_risk": {"tfesi-lumbar": "medium"}},
            profiles=None,
            field="policy.bleeding_risk.tfesi-lumbar",
            message="policy.bleeding_risk.tfesi-lumbar: must be one of low, intermediate, high (got 'medium')",
        ),
        id="inline-unknown-tier",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"bleeding_risk": {"tfesi": "high"}},
            profiles=None,
            field="policy.bleeding_risk.tfesi",
            message="policy.bleeding_risk.tfesi: is not in the procedure catalogue ('medplan procedures' lists the codes)",
        ),
        id="inline-unknown-code",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"bleeding_risk": ["tfesi-lumbar"]},
            profiles=None,
            field="policy.bleeding_risk",
            message="policy.bleeding_risk: must map each procedure code to a bleeding-risk tier (got a list)",
        ),
        id="inline-tiers-not-an-object",
    ),
    # Checked against the table the plan is made with.
    pytest.param(
        RequestErrorCase(
            policy={"variants": {"glp1-ra": "asa"}},
            profiles=None,
            field="policy.variants.glp1-ra",
            message="policy.variants.glp1-ra: must be one of multisociety-2024, asa-2023 (got 'asa')",
        ),
        id="inline-unknown-variant",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"aspirin_before_intermediate": "stop"},
            profiles=None,
            field="policy.aspirin_before_intermediate",
            message="policy.aspirin_before_intermediate: must be one of continue, hold, table (got 'stop')",
        ),
        id="inline-aspirin-choice",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"profile": "sir-2019-spine-high", "descripton": "x"},
            profiles=None,
            field="policy.descripton",
            message="policy.descripton: is not a field medplan knows (expected one of profile, name, inr_max, inr_check_day,"
            " antiplatelet_hold_days, anticoagulant_resume_next_day, aspirin_before_intermediate, variants, bleeding_risk,"
            " lab_weekdays, lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times)",
        ),
        id="inline-unknown-field",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"lab_weekdays": ["mon"]},
            profiles=None,
            field="policy.lab_weekdays",
            message="policy.lab_weekdays: must be a list of weekdays, monday to sunday (got 'mon')",
        ),
        id="inline-lab-weekday-abbreviated",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"lab_subdivision": "ENG"},
            profiles=None,
            field="policy.lab_subdivision",
            message="policy.lab_subdivision: needs lab_country",
        ),
        id="inline-subdivision-without-country",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"lab_country": "XX"},
            profiles=None,
            field="policy.lab_country",
            message="policy.lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)",
        ),
        id="inline-unknown-country",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"bridging_agent": "heparin"},
            profiles=None,
            field="policy.bridging_agent",
            message="policy.bridging_agent: must be one of enoxaparin, dalteparin (got 'heparin')",
        ),
        id="inline-bridging-agent",
    ),
    pytest.param(
        RequestErrorCase(
            policy={"bridging_regimen": "twice-daily", "bridging_times": ["08:00"]},
            profiles=None,
            field="policy.bridging_times",
            message="policy.bridging_times: twice-daily needs two times (got 1)",
        ),
        id="inline-twice-daily-one-time",
    ),
]


@pytest.mark.parametrize("case", REQUEST_ERRORS)
def test_invalid_request_policy_is_an_input_error(case):
    """A request's invalid policy raises InputError naming the field, as policy.KEY, and the problem."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(with_policy(case.policy), profiles=case.profiles)

    assert str(excinfo.value) == case.message
    assert excinfo.value.field == case.field


# --- the policy's tier for a catalogue procedure ------------------------------


def test_policy_tier_replaces_the_catalogues_with_a_note():
    """A procedure booked by code is planned at the policy's tier for the code, and the plan says which policy changed it from what."""
    plan = medplan.plan(catalogue_request("tfesi-lumbar", {"profile": "sir-2019-spine-high"}))

    assert plan.procedure.bleeding_risk is BleedingRisk.HIGH
    assert plan.to_dict()["procedure"]["bleeding_risk"] == "high"
    assert plan.procedure.notes[-1] == (
        "Bleeding risk high by clinic policy 'sir-2019-spine-high', not the catalogue's intermediate."
    )


def test_policy_tier_changes_the_medicines_plan():
    """At the policy's high tier, a medicine is planned by the row's high-risk rule, as when booked at high."""
    medications = [{"name": "aspirin", "indication": "primary-prevention", "times": ["08:00"]}]
    by_policy = catalogue_request("tfesi-lumbar", {"profile": "sir-2019-spine-high"})
    by_policy["medications"] = medications
    booked_high = catalogue_request("tfesi-lumbar", None, bleeding_risk="high")
    booked_high["medications"] = medications
    del booked_high["policy"]

    planned = medplan.plan(by_policy).medications[0]
    expected = medplan.plan(booked_high).medications[0]

    assert (planned.action, planned.last_dose, planned.rule_id) == (
        expected.action,
        expected.last_dose,
        expected.rule_id,
    )


def test_booked_tier_wins_over_the_policy_with_a_note():
    """A tier the booking gives is kept over the policy's, and the plan notes that the policy would differ."""
    plan = medplan.plan(
        catalogue_request(
            "tfesi-lumbar", {"profile": "sir-2019-spine-high"}, bleeding_risk="intermediate"
        )
    )

    assert plan.procedure.bleeding_risk is BleedingRisk.INTERMEDIATE
    assert plan.procedure.notes[-1] == (
        "Bleeding risk intermediate as booked; clinic policy 'sir-2019-spine-high' plans tfesi-lumbar at high."
    )


def test_booked_tier_equal_to_the_policys_adds_no_policy_note():
    """A booked tier the policy agrees with needs no note from the policy."""
    request = catalogue_request(
        "tfesi-lumbar", {"profile": "sir-2019-spine-high"}, bleeding_risk="high"
    )
    without_policy = copy.deepcopy(request)
    del without_policy["policy"]

    plan = medplan.plan(request)

    assert plan.procedure.bleeding_risk is BleedingRisk.HIGH
    assert plan.procedure.notes == medplan.plan(without_policy).procedure.notes


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(with_policy({"profile": "sir-2019-spine-high"}), id="no-code"),
        pytest.param(
            catalogue_request("peripheral-joint-injection", {"profile": "sir-2019-spine-high"}),
            id="code-the-policy-does-not-name",
        ),
    ],
)
def test_policy_tier_applies_only_to_its_codes(request_):
    """A procedure without a code, or with one the policy does not name, keeps its tier and gets no policy note."""
    without_policy = copy.deepcopy(request_)
    del without_policy["policy"]

    plan = medplan.plan(request_)

    assert plan.procedure == medplan.plan(without_policy).procedure


def test_policy_tier_equal_to_a_confirmed_catalogue_tier_changes_nothing():
    """A policy giving a code the tier its catalogue entry already gives, confirmed, leaves the procedure as the catalogue made it."""
    request = catalogue_request("tfesi-lumbar", {"bleeding_risk": {"tfesi-lumbar": "intermediate"}})
    without_policy = copy.deepcopy(request)
    del without_policy["policy"]

    plan = medplan.plan(request)

    assert plan.procedure.bleeding_risk is BleedingRisk.INTERMEDIATE
    assert plan.procedure == medplan.plan(without_policy).procedure


def test_policy_tier_replaces_an_unconfirmed_catalogue_tier():
    """The policy's tier for a code whose catalogue tier is unconfirmed is the clinic's choice: no review for the tier."""
    catalogue_only = medplan.plan(catalogue_request("lumbar-puncture", {}))
    changed = medplan.plan(
        catalogue_request("lumbar-puncture", {"bleeding_risk": {"lumbar-puncture": "low"}})
    )
    confirmed = medplan.plan(
        catalogue_request("lumbar-puncture", {"bleeding_risk": {"lumbar-puncture": "high"}})
    )

    assert any("is not yet confirmed" in r for r in catalogue_only.review_reasons)
    for plan in (changed, confirmed):
        assert not any("is not yet confirmed" in r for r in plan.review_reasons)
    assert changed.procedure.bleeding_risk is BleedingRisk.LOW
    assert changed.procedure.notes[-1] == (
        "Bleeding risk low by clinic policy 'custom', not the catalogue's high."
    )
    assert confirmed.procedure.bleeding_risk is BleedingRisk.HIGH
    assert confirmed.procedure.notes[-1] == (
        "Bleeding risk high by clinic policy 'custom', the catalogue's tier, which is not yet confirmed in its source."
    )


def test_policy_tier_replaces_an_escalated_tier():
    """The policy's tier replaces a tier the catalogue escalated; the escalation note gives way to the policy's."""
    escalated = medplan.plan(catalogue_request("colonoscopy-diagnostic", {}))
    plan = medplan.plan(
        catalogue_request(
            "colonoscopy-diagnostic", {"bleeding_risk": {"colonoscopy-diagnostic": "low"}}
        )
    )

    assert escalated.procedure.bleeding_risk is BleedingRisk.HIGH
    assert any(
        n.endswith("the procedure may escalate on the day.") for n in escalated.procedure.notes
    )
    assert plan.procedure.bleeding_risk is BleedingRisk.LOW
    assert not any(
        n.endswith("the procedure may escalate on the day.") for n in plan.procedure.notes
    )
    assert plan.procedure.notes[-1] == (
        "Bleeding risk low by clinic policy 'custom', not the catalogue's high (from low: the procedure may escalate on the day)."
    )
