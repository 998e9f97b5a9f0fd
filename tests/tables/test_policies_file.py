"""Tests of the clinic policy file format: ``medplan.tables.policies`` reading a profile file.

A profile file is validated on load, all or nothing; each rejected file must
raise ``medplan.PolicyError`` whose message, asserted in full, names the file,
the key and the problem (the refused files are in test_policies_file_errors.py).
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import attrs
import pytest
from policycases import (
    VARIANTS,
    profile_file,
    version,
)

import medplan
from medplan import Action, BleedingRisk, Policy
from medplan.tables.policies import SettingError, apply_settings, parse_profiles
from medplan.tables.procedures import default_catalogue


def test_settings_left_out_keep_the_built_in_default():
    """A profile that sets one key gets the built-in default for every other, and its own name and file."""
    profiles = parse_profiles(profile_file("inr_max = 1.3"), "clinic.toml", variants=VARIANTS)

    profile = profiles.get("dr-jones")
    assert profile is not None
    assert profile.description == "Dr Jones"
    assert profile.policy == Policy(
        name="dr-jones", inr_max=1.3, source=version(profile_file("inr_max = 1.3"), "clinic.toml")
    )


def test_every_setting_is_read():
    """A profile that sets every key gets each, with its type: tiers and actions as enums, maps as pairs."""
    text = profile_file(
        "inr_max = 1.2\n"
        "inr_check_day = 0\n"
        "antiplatelet_hold_days = 10\n"
        "anticoagulant_resume_next_day = false\n"
        'aspirin_before_intermediate = "hold"\n'
        'variants = { glp1-ra = "asa-2023" }\n'
        'bleeding_risk = { tfesi-lumbar = "high", peripheral-joint-injection = "intermediate" }\n'
        'lab_weekdays = ["saturday", "monday", "wednesday"]\n'
        'lab_country = "AU"\n'
        'lab_subdivision = "WA"\n'
        'bridging_agent = "dalteparin"\n'
        'bridging_regimen = "once-daily"\n'
        'bridging_times = ["21:00", "09:30"]'
    )

    policy = parse_profiles(text, "clinic.toml", variants=VARIANTS).profiles["dr-jones"].policy

    assert policy == Policy(
        name="dr-jones",
        inr_max=1.2,
        inr_check_day=0,
        antiplatelet_hold_days=10,
        anticoagulant_resume_next_day=False,
        aspirin_before_intermediate=Action.HOLD,
        variants=(("glp1-ra", "asa-2023"),),
        bleeding_risk=(
            ("tfesi-lumbar", BleedingRisk.HIGH),
            ("peripheral-joint-injection", BleedingRisk.INTERMEDIATE),
        ),
        lab_weekdays=(0, 2, 5),
        lab_country="AU",
        lab_subdivision="WA",
        bridging_agent="dalteparin",
        bridging_regimen="once-daily",
        bridging_times=(time(9, 30), time(21)),
        source=version(text, "clinic.toml"),
    )


def test_description_over_several_lines_is_one_line():
    """A description written as a multi-line string is read as one line, its spacing collapsed."""
    text = '[profiles.dr-jones]\ndescription = """\nDr Jones:\n  antiplatelets   10 days.\n"""\n'

    profile = parse_profiles(text, "clinic.toml").profiles["dr-jones"]

    assert profile.description == "Dr Jones: antiplatelets 10 days."


def test_byte_order_mark_is_accepted():
    """A file an editor saved with a UTF-8 byte-order mark loads as without one."""
    text = profile_file("inr_max = 1.3")

    with_mark = parse_profiles("\ufeff" + text, "clinic.toml").profiles["dr-jones"]
    without = parse_profiles(text, "clinic.toml").profiles["dr-jones"]

    # Only the recorded hash differs: it is of the bytes the clinic saved.
    assert attrs.evolve(with_mark.policy, source=None) == attrs.evolve(without.policy, source=None)
    assert with_mark.description == without.description


def test_variants_without_the_table_are_checked_for_shape_only():
    """Without the table's variants, any drug class and variant written as ids is accepted."""
    text = profile_file('variants = { some-class = "some-variant" }')

    policy = parse_profiles(text, "clinic.toml").profiles["dr-jones"].policy

    assert policy.variant_for("some-class") == "some-variant"


@attrs.frozen(kw_only=True)
class LabSettingCase:
    """A profile's lab or bridging settings and the policy fields they are read to."""

    body: str
    expected: dict[str, object]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            LabSettingCase(
                body='bridging_regimen = "once-daily"',
                expected={"bridging_regimen": "once-daily", "bridging_times": (time(8), time(20))},
            ),
            id="once-daily-keeps-the-default-two-times",
        ),
        pytest.param(
            LabSettingCase(
                body='bridging_regimen = "once-daily"\nbridging_times = ["18:00"]',
                expected={"bridging_regimen": "once-daily", "bridging_times": (time(18),)},
            ),
            id="once-daily-one-time",
        ),
        pytest.param(
            LabSettingCase(
                body='bridging_times = ["19:00", "07:00"]',
                expected={"bridging_times": (time(7), time(19))},
            ),
            id="twice-daily-times-sorted",
        ),
        pytest.param(
            LabSettingCase(
                body='lab_weekdays = ["sunday", "friday", "monday", "tuesday", "wednesday", "thursday", "saturday"]',
                expected={"lab_weekdays": (0, 1, 2, 3, 4, 5, 6)},
            ),
            id="lab-every-day-sorted",
        ),
        pytest.param(
            LabSettingCase(body='lab_country = "GB"', expected={"lab_country": "GB"}),
            id="country-without-subdivision",
        ),
        pytest.param(
            LabSettingCase(
                body='lab_country = "GB"\nlab_subdivision = "ENG"',
                expected={"lab_country": "GB", "lab_subdivision": "ENG"},
            ),
            id="country-and-subdivision",
        ),
    ],
)
def test_lab_and_bridging_settings_are_read(case):
    """Lab days and bridging settings are read to their stored form: weekdays as sorted numbers, times sorted."""
    text = profile_file(case.body)

    policy = parse_profiles(text, "clinic.toml").profiles["dr-jones"].policy

    assert policy == Policy(name="dr-jones", source=version(text, "clinic.toml"), **case.expected)


def test_bridging_times_are_checked_against_the_regimen_after_all_settings():
    """One time with once-daily is valid whichever order the settings come in; the check runs on the result."""
    catalogue = default_catalogue()
    for settings in (
        {"bridging_times": ["18:00"], "bridging_regimen": "once-daily"},
        {"bridging_regimen": "once-daily", "bridging_times": ["18:00"]},
    ):
        policy = apply_settings(Policy(), settings, catalogue=catalogue)
        assert (policy.bridging_regimen, policy.bridging_times) == ("once-daily", (time(18),))


def test_a_setting_given_as_none_keeps_the_base_value():
    """apply_settings takes None as a setting left out: the base policy's value stays."""
    base = Policy(inr_max=1.3)

    assert (
        apply_settings(base, {"inr_max": None, "lab_country": None}, catalogue=default_catalogue())
        == base
    )


def test_apply_settings_refuses_a_name_that_is_not_a_setting():
    """A name outside SETTINGS (here one a profile file may hold but a policy does not) is a SettingError listing the settings."""
    with pytest.raises(SettingError) as excinfo:
        apply_settings(Policy(), {"description": "Dr Jones"}, catalogue=default_catalogue())

    assert (excinfo.value.key, excinfo.value.problem) == (
        "description",
        (
            "is not a policy setting (expected one of inr_max, inr_check_day, antiplatelet_hold_days,"
            " anticoagulant_resume_next_day, aspirin_before_intermediate, variants, bleeding_risk, lab_weekdays,"
            " lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times)"
        ),
    )


def test_subdivision_is_checked_against_the_base_country():
    """A subdivision alone is checked against the country the base policy already has."""
    catalogue = default_catalogue()
    base = Policy(lab_country="AU")

    policy = apply_settings(base, {"lab_subdivision": "WA"}, catalogue=catalogue)
    with pytest.raises(SettingError) as excinfo:
        apply_settings(base, {"lab_subdivision": "ENG"}, catalogue=catalogue)

    assert (policy.lab_country, policy.lab_subdivision) == ("AU", "WA")
    assert (excinfo.value.key, excinfo.value.problem) == (
        "lab_subdivision",
        "'ENG' is not a subdivision of AU (it has: ACT, NSW, NT, QLD, SA, TAS, VIC, WA, NSW Western)",
    )


def test_changing_the_country_rechecks_the_base_subdivision():
    """A new country is checked with the subdivision the base policy keeps, and the subdivision is blamed."""
    base = Policy(lab_country="GB", lab_subdivision="ENG")

    with pytest.raises(SettingError) as excinfo:
        apply_settings(base, {"lab_country": "AU"}, catalogue=default_catalogue())

    assert str(excinfo.value) == (
        "lab_subdivision: 'ENG' is not a subdivision of AU (it has: ACT, NSW, NT, QLD, SA, TAS, VIC, WA, NSW Western)"
    )


def test_policy_error_carries_its_parts():
    """PolicyError's file, key and problem are the parts of its message."""
    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(profile_file("inr_max = 5"), "clinic.toml")

    error = excinfo.value
    assert (error.file, error.key, error.problem) == (
        "clinic.toml",
        "profiles.dr-jones.inr_max",
        "must be between 1 and 3 (got 5)",
    )


@attrs.frozen(kw_only=True)
class VariantIdCase:
    """A variants setting not written as ids, and the message that refuses it."""

    body: str
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            VariantIdCase(
                body='variants = { GLP1 = "asa-2023" }',
                message="clinic.toml: profiles.dr-jones.variants.GLP1: is not a drug class: use the table's id, lower-case letters, digits and - . :",
            ),
            id="class-not-an-id",
        ),
        pytest.param(
            VariantIdCase(
                body='variants = { glp1-ra = "ASA 2023" }',
                message="clinic.toml: profiles.dr-jones.variants.glp1-ra: must be a variant's name: lower-case letters, digits and - . : (got 'ASA 2023')",
            ),
            id="variant-not-an-id",
        ),
    ],
)
def test_variants_without_the_table_must_be_ids(case):
    """Without the table's variants, a drug class or variant that is not written as an id is refused."""
    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(profile_file(case.body), "clinic.toml")

    assert str(excinfo.value) == case.message


def test_load_profiles_names_the_file_as_given(tmp_path, monkeypatch):
    """A clinic's file is named in its policies and errors by the path it was given as."""
    monkeypatch.chdir(tmp_path)
    Path("clinic").mkdir()
    Path("clinic/policies.toml").write_text(profile_file("inr_max = 1.3"), encoding="utf-8")

    profiles = medplan.load_profiles("clinic/policies.toml")

    assert profiles.file == "clinic/policies.toml"
    assert profiles.profiles["dr-jones"].policy.source == version(
        profile_file("inr_max = 1.3"), "clinic/policies.toml"
    )


def test_missing_file_is_a_policy_error(tmp_path, monkeypatch):
    """A policy file that does not exist is a PolicyError naming it."""
    monkeypatch.chdir(tmp_path)

    with pytest.raises(medplan.PolicyError) as excinfo:
        medplan.load_profiles("missing.toml")

    assert str(excinfo.value) == "missing.toml: cannot be read (No such file or directory)"


def test_file_not_utf8_is_a_policy_error(tmp_path, monkeypatch):
    """A policy file that is not UTF-8 text is a PolicyError naming it."""
    monkeypatch.chdir(tmp_path)
    Path("latin1.toml").write_bytes(profile_file('inr_max = 1.3 # "Müller"').encode("latin-1"))

    with pytest.raises(medplan.PolicyError) as excinfo:
        medplan.load_profiles("latin1.toml")

    assert str(excinfo.value).startswith("latin1.toml: cannot be read (")
