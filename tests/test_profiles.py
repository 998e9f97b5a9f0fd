"""Tests of clinic policy profiles: ``medplan.tables.policies``, and a request's ``policy.profile``.

A profile file is validated on load, all or nothing; each rejected file must
raise ``medplan.PolicyError`` whose message, asserted in full, names the file,
the key and the problem. A request names a profile, may override its
settings inline, and the plan names what it was made with.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest
from strategies import VALID

import medplan
from medplan import Action, BleedingRisk, Policy
from medplan.model import Approval
from medplan.tables.policies import SettingError, apply_settings, parse_profiles
from medplan.tables.procedures import default_catalogue

BUNDLED_NAMES = [
    "seed-khangure-2017",
    "radiologist-10-day-antiplatelet",
    "radiologist-7-day-antiplatelet",
    "sir-2019-spine-high",
    "glp1-multisociety-2024",
    "glp1-asa-2023",
    "aspirin-reviewed-before-intermediate",
]
# The table's variants as tests of the file format give them, independent of the bundled table.
VARIANTS = {"glp1-ra": ("multisociety-2024", "asa-2023")}
SIR_HIGH = (
    ("tfesi-lumbar", BleedingRisk.HIGH),
    ("tfesi-cervical-thoracic", BleedingRisk.HIGH),
    ("interlaminar-epidural", BleedingRisk.HIGH),
    ("cervical-facet-mbb-rfa", BleedingRisk.HIGH),
)


BUNDLED_VERSION = medplan.default_profiles().version
# The seed article's own number: its authors and date, and no clinic's sign-off.
SEED_APPROVAL = Approval(
    approved_by="Khangure M and Wenderoth J, authors of the seed article (no clinic has signed this profile)",
    approved_on=date(2017, 7, 26),
    reference="Khangure M, Wenderoth J. Image guided lumbar nerve root sleeve injection (patient information, 2017):"
    " antiplatelets 'ceased for up to 10 days depending on the preference of the radiologist'",
)


def version(text: str, file: str) -> str:
    """What a policy from ``file`` records as its source: the file and a hash of its text."""
    return f"{file} sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def bundled(name: str, **settings: Any) -> Policy:
    """The policy a bundled profile should give: the built-in default with ``settings``."""
    return Policy(name=name, source=BUNDLED_VERSION, **settings)


# --- the bundled file -------------------------------------------------------


def test_bundled_file_ships_in_the_package():
    """policies.toml is inside the installed package and is what default_profiles() loads."""
    assert (resources.files("medplan") / "data" / "policies.toml").is_file()
    profiles = medplan.default_profiles()
    assert profiles.file == "policies.toml"
    assert profiles.version.startswith("policies.toml sha256:")


def test_bundled_profiles_in_file_order():
    """The bundled file has the documented profiles, in the order it lists them."""
    assert list(medplan.default_profiles().names) == BUNDLED_NAMES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # The seed's profile is the built-in default, written out.
        pytest.param("seed-khangure-2017", bundled("seed-khangure-2017"), id="seed"),
        pytest.param(
            "radiologist-10-day-antiplatelet",
            bundled(
                "radiologist-10-day-antiplatelet",
                antiplatelet_hold_days=10,
                approval=SEED_APPROVAL,
            ),
            id="radiologist-10",
        ),
        pytest.param(
            "radiologist-7-day-antiplatelet",
            bundled("radiologist-7-day-antiplatelet", antiplatelet_hold_days=7),
            id="radiologist-7",
        ),
        pytest.param(
            "sir-2019-spine-high",
            bundled("sir-2019-spine-high", bleeding_risk=SIR_HIGH),
            id="sir-2019",
        ),
        pytest.param(
            "glp1-multisociety-2024",
            bundled("glp1-multisociety-2024", variants=(("glp1-ra", "multisociety-2024"),)),
            id="glp1-multisociety",
        ),
        pytest.param(
            "glp1-asa-2023",
            bundled("glp1-asa-2023", variants=(("glp1-ra", "asa-2023"),)),
            id="glp1-asa",
        ),
        pytest.param(
            "aspirin-reviewed-before-intermediate",
            bundled("aspirin-reviewed-before-intermediate", aspirin_before_intermediate=None),
            id="aspirin-review",
        ),
    ],
)
def test_bundled_profile_gives_its_policy(name, expected):
    """Each bundled profile gives exactly its documented policy, named after it and its file."""
    profile = medplan.default_profiles().get(name)

    assert profile is not None
    assert profile.policy == expected


def test_seed_profile_is_the_built_in_default():
    """The seed's profile sets every setting as the built-in default does: the file documents the default."""
    seed = medplan.default_profiles().get("seed-khangure-2017")

    assert seed is not None
    assert seed.policy == Policy(source=BUNDLED_VERSION)


@pytest.mark.parametrize("name", BUNDLED_NAMES)
def test_bundled_profile_cites_its_source(name):
    """Each bundled profile's description names the publication or article it follows, with its year."""
    profile = medplan.default_profiles().get(name)

    assert profile is not None
    assert any(year in profile.description for year in ("2017", "2018", "2019", "2023", "2024"))


def test_bundled_profiles_choose_what_the_bundled_table_gives():
    """The bundled profiles' variants are ones the bundled table gives, checked against it on load."""
    profiles = medplan.load_profiles(variants=medplan.default_table().variants)

    chosen = {pair for p in profiles.profiles.values() for pair in p.policy.variants}
    assert chosen == {("glp1-ra", "multisociety-2024"), ("glp1-ra", "asa-2023")}


# --- the file format ----------------------------------------------------------


def profile_file(body: str) -> str:
    """A file with one profile, dr-jones, with a description and ``body``."""
    return f'[profiles.dr-jones]\ndescription = "Dr Jones"\n{body}\n'


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


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            'bridging_regimen = "once-daily"',
            {"bridging_regimen": "once-daily", "bridging_times": (time(8), time(20))},
            id="once-daily-keeps-the-default-two-times",
        ),
        pytest.param(
            'bridging_regimen = "once-daily"\nbridging_times = ["18:00"]',
            {"bridging_regimen": "once-daily", "bridging_times": (time(18),)},
            id="once-daily-one-time",
        ),
        pytest.param(
            'bridging_times = ["19:00", "07:00"]',
            {"bridging_times": (time(7), time(19))},
            id="twice-daily-times-sorted",
        ),
        pytest.param(
            'lab_weekdays = ["sunday", "friday", "monday", "tuesday", "wednesday", "thursday", "saturday"]',
            {"lab_weekdays": (0, 1, 2, 3, 4, 5, 6)},
            id="lab-every-day-sorted",
        ),
        pytest.param('lab_country = "GB"', {"lab_country": "GB"}, id="country-without-subdivision"),
        pytest.param(
            'lab_country = "GB"\nlab_subdivision = "ENG"',
            {"lab_country": "GB", "lab_subdivision": "ENG"},
            id="country-and-subdivision",
        ),
    ],
)
def test_lab_and_bridging_settings_are_read(body, expected):
    """Lab days and bridging settings are read to their stored form: weekdays as sorted numbers, times sorted."""
    text = profile_file(body)

    policy = parse_profiles(text, "clinic.toml").profiles["dr-jones"].policy

    assert policy == Policy(name="dr-jones", source=version(text, "clinic.toml"), **expected)


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

    assert apply_settings(base, {"inr_max": None, "lab_country": None}, catalogue=default_catalogue()) == base


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


FILE_ERRORS = [
    # The file as a whole.
    pytest.param(
        "", "clinic.toml: has no profiles: add one as a [profiles.NAME] table", id="empty"
    ),
    pytest.param(
        "[profiles]\n",
        "clinic.toml: has no profiles: add one as a [profiles.NAME] table",
        id="no-profiles",
    ),
    pytest.param(
        "[profiles.dr-jones]\ninr_max = \n",
        "clinic.toml: not valid TOML: Invalid value (at line 2, column 11)",
        id="toml-syntax",
    ),
    pytest.param(
        '[profiles.dr-jones]\ndescription = "x"\ndescription = "y"\n',
        "clinic.toml: not valid TOML: Cannot overwrite a value (at line 3, column 18)",
        id="toml-key-twice",
    ),
    pytest.param(
        "profiles = 3\n",
        "clinic.toml: profiles: must be a table of profiles, each [profiles.NAME] (got a number)",
        id="profiles-not-a-table",
    ),
    pytest.param(
        '[policy.dr-jones]\ndescription = "x"\n',
        "clinic.toml: policy: is not a key medplan knows (expected profiles, as [profiles.NAME] tables)",
        id="unknown-top-level-key",
    ),
    # A profile.
    pytest.param(
        '[profiles.Dr-Jones]\ndescription = "x"\n',
        "clinic.toml: profiles.Dr-Jones: is not a profile name: use lower-case letters, digits and - (a request names it in policy.profile)",
        id="profile-name-capitals",
    ),
    pytest.param(
        '[profiles."dr jones"]\ndescription = "x"\n',
        'clinic.toml: profiles."dr jones": is not a profile name: use lower-case letters, digits and - (a request names it in policy.profile)',
        id="profile-name-space",
    ),
    pytest.param(
        "[profiles]\ndr-jones = 3\n",
        "clinic.toml: profiles.dr-jones: must be a table of settings, [profiles.dr-jones] (got a number)",
        id="profile-not-a-table",
    ),
    pytest.param(
        "[profiles.dr-jones]\ninr_max = 1.4\n",
        "clinic.toml: profiles.dr-jones.description: is required",
        id="description-missing",
    ),
    pytest.param(
        '[profiles.dr-jones]\ndescription = " "\n',
        "clinic.toml: profiles.dr-jones.description: must not be empty",
        id="description-empty",
    ),
    pytest.param(
        "[profiles.dr-jones]\ndescription = 3\n",
        "clinic.toml: profiles.dr-jones.description: must be text (got a number)",
        id="description-not-text",
    ),
    pytest.param(
        '[profiles.dr-jones]\ndescription = "a\\u0007b"\n',
        "clinic.toml: profiles.dr-jones.description: must not contain control characters",
        id="description-control-character",
    ),
    pytest.param(
        profile_file("inr_maximum = 1.4"),
        "clinic.toml: profiles.dr-jones.inr_maximum: is not a key medplan knows (expected one of description, approved_by, approved_on, reference, inr_max,"
        " inr_check_day, antiplatelet_hold_days, anticoagulant_resume_next_day, aspirin_before_intermediate, variants,"
        " bleeding_risk, lab_weekdays, lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times,"
        " rules)",
        id="unknown-key",
    ),
    pytest.param(
        profile_file('name = "Dr Jones"'),
        "clinic.toml: profiles.dr-jones.name: is not a key medplan knows (expected one of description, approved_by, approved_on, reference, inr_max,"
        " inr_check_day, antiplatelet_hold_days, anticoagulant_resume_next_day, aspirin_before_intermediate, variants,"
        " bleeding_risk, lab_weekdays, lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times,"
        " rules)",
        id="name-is-the-table-key",
    ),
    # inr_max
    pytest.param(
        profile_file('inr_max = "x"'),
        "clinic.toml: profiles.dr-jones.inr_max: must be a number (got text)",
        id="inr-max-text",
    ),
    pytest.param(
        profile_file("inr_max = true"),
        "clinic.toml: profiles.dr-jones.inr_max: must be a number (got true/false)",
        id="inr-max-boolean",
    ),
    pytest.param(
        profile_file("inr_max = 5"),
        "clinic.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 5)",
        id="inr-max-too-high",
    ),
    pytest.param(
        profile_file("inr_max = 0.9"),
        "clinic.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 0.9)",
        id="inr-max-too-low",
    ),
    pytest.param(
        profile_file("inr_max = nan"),
        "clinic.toml: profiles.dr-jones.inr_max: must be a finite number (got nan)",
        id="inr-max-nan",
    ),
    pytest.param(
        profile_file("inr_max = inf"),
        "clinic.toml: profiles.dr-jones.inr_max: must be a finite number (got inf)",
        id="inr-max-inf",
    ),
    pytest.param(
        profile_file("inr_max = 2026-12-08"),
        "clinic.toml: profiles.dr-jones.inr_max: must be a number (got a date or time)",
        id="inr-max-date",
    ),
    # inr_check_day
    pytest.param(
        profile_file("inr_check_day = -2"),
        "clinic.toml: profiles.dr-jones.inr_check_day: must be between -1 and 0 (got -2)",
        id="inr-check-day-too-early",
    ),
    pytest.param(
        profile_file("inr_check_day = -1.0"),
        "clinic.toml: profiles.dr-jones.inr_check_day: must be a whole number (got -1.0)",
        id="inr-check-day-float",
    ),
    # antiplatelet_hold_days
    pytest.param(
        profile_file("antiplatelet_hold_days = 31"),
        "clinic.toml: profiles.dr-jones.antiplatelet_hold_days: must be between 0 and 30 (got 31)",
        id="antiplatelet-hold-too-long",
    ),
    pytest.param(
        profile_file('antiplatelet_hold_days = "10 days"'),
        "clinic.toml: profiles.dr-jones.antiplatelet_hold_days: must be a whole number (got text)",
        id="antiplatelet-hold-text",
    ),
    # anticoagulant_resume_next_day
    pytest.param(
        profile_file('anticoagulant_resume_next_day = "yes"'),
        "clinic.toml: profiles.dr-jones.anticoagulant_resume_next_day: must be true or false (got text)",
        id="resume-next-day-text",
    ),
    # aspirin_before_intermediate
    pytest.param(
        profile_file('aspirin_before_intermediate = "review"'),
        "clinic.toml: profiles.dr-jones.aspirin_before_intermediate: must be one of continue, hold, table (got 'review')",
        id="aspirin-review",
    ),
    pytest.param(
        profile_file("aspirin_before_intermediate = 1"),
        "clinic.toml: profiles.dr-jones.aspirin_before_intermediate: must be one of continue, hold, table (got a number)",
        id="aspirin-number",
    ),
    # bleeding_risk
    pytest.param(
        profile_file('bleeding_risk = "high"'),
        "clinic.toml: profiles.dr-jones.bleeding_risk: must map each procedure code to a bleeding-risk tier (got text)",
        id="bleeding-risk-text",
    ),
    pytest.param(
        profile_file('bleeding_risk = { tfesi-lumbar = "medium" }'),
        "clinic.toml: profiles.dr-jones.bleeding_risk.tfesi-lumbar: must be one of low, intermediate, high (got 'medium')",
        id="bleeding-risk-unknown-tier",
    ),
    pytest.param(
        profile_file("bleeding_risk = { tfesi-lumbar = 3 }"),
        "clinic.toml: profiles.dr-jones.bleeding_risk.tfesi-lumbar: must be one of low, intermediate, high (got a number)",
        id="bleeding-risk-tier-number",
    ),
    pytest.param(
        profile_file('bleeding_risk = { tfesi = "high" }'),
        "clinic.toml: profiles.dr-jones.bleeding_risk.tfesi: is not in the procedure catalogue ('medplan procedures' lists the codes)",
        id="bleeding-risk-unknown-code",
    ),
    pytest.param(
        profile_file('bleeding_risk = { "tfesi lumbar" = "high" }'),
        "clinic.toml: profiles.dr-jones.bleeding_risk.\"tfesi lumbar\": is not in the procedure catalogue ('medplan procedures' lists the codes)",
        id="bleeding-risk-code-quoted",
    ),
    # variants, against the table's
    pytest.param(
        profile_file('variants = "asa-2023"'),
        "clinic.toml: profiles.dr-jones.variants: must map each drug class to a variant (got text)",
        id="variants-text",
    ),
    pytest.param(
        profile_file('variants = { glp1 = "asa-2023" }'),
        "clinic.toml: profiles.dr-jones.variants.glp1: is not a drug class the table gives variants for (it gives them for: glp1-ra)",
        id="variants-unknown-class",
    ),
    pytest.param(
        profile_file('variants = { glp1-ra = "asa-2024" }'),
        "clinic.toml: profiles.dr-jones.variants.glp1-ra: must be one of multisociety-2024, asa-2023 (got 'asa-2024')",
        id="variants-unknown-variant",
    ),
    pytest.param(
        profile_file("variants = { glp1-ra = 2023 }"),
        "clinic.toml: profiles.dr-jones.variants.glp1-ra: must be the name of a variant (got a number)",
        id="variants-variant-number",
    ),
    # lab_weekdays
    pytest.param(
        profile_file('lab_weekdays = "monday"'),
        "clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got text)",
        id="lab-weekdays-text",
    ),
    pytest.param(
        profile_file('lab_weekdays = ["mon"]'),
        "clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got 'mon')",
        id="lab-weekdays-abbreviated",
    ),
    pytest.param(
        profile_file('lab_weekdays = ["Monday"]'),
        "clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got 'Monday')",
        id="lab-weekdays-capitalised",
    ),
    pytest.param(
        profile_file("lab_weekdays = [0, 1]"),
        "clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got a number)",
        id="lab-weekdays-numbers",
    ),
    pytest.param(
        profile_file("lab_weekdays = []"),
        "clinic.toml: profiles.dr-jones.lab_weekdays: must name at least one weekday (got an empty list)",
        id="lab-weekdays-empty",
    ),
    pytest.param(
        profile_file('lab_weekdays = ["monday", "tuesday", "monday"]'),
        "clinic.toml: profiles.dr-jones.lab_weekdays: names monday twice",
        id="lab-weekdays-twice",
    ),
    # lab_country, lab_subdivision: each alone, then together
    pytest.param(
        profile_file("lab_country = 44"),
        "clinic.toml: profiles.dr-jones.lab_country: must be text (got a number)",
        id="lab-country-number",
    ),
    pytest.param(
        profile_file('lab_country = "XX"'),
        "clinic.toml: profiles.dr-jones.lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)",
        id="lab-country-unknown",
    ),
    pytest.param(
        profile_file('lab_country = "UK"'),
        "clinic.toml: profiles.dr-jones.lab_country: 'UK' is not a country the holidays package knows (e.g. GB, AU, US)",
        id="lab-country-alias-not-iso",
    ),
    pytest.param(
        profile_file('lab_country = "gb"'),
        "clinic.toml: profiles.dr-jones.lab_country: 'gb' is not a country the holidays package knows (write it in capitals: GB)",
        id="lab-country-lower-case",
    ),
    pytest.param(
        profile_file('lab_subdivision = ["ENG"]'),
        "clinic.toml: profiles.dr-jones.lab_subdivision: must be text (got a list)",
        id="lab-subdivision-list",
    ),
    pytest.param(
        profile_file('lab_subdivision = "ENG"'),
        "clinic.toml: profiles.dr-jones.lab_subdivision: needs lab_country",
        id="lab-subdivision-without-country",
    ),
    pytest.param(
        profile_file('lab_country = "GB"\nlab_subdivision = "ZZZ"'),
        "clinic.toml: profiles.dr-jones.lab_subdivision: 'ZZZ' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)",
        id="lab-subdivision-unknown",
    ),
    pytest.param(
        profile_file('lab_country = "GB"\nlab_subdivision = "England"'),
        "clinic.toml: profiles.dr-jones.lab_subdivision: 'England' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)",
        id="lab-subdivision-alias-not-iso",
    ),
    pytest.param(
        profile_file('lab_country = "AU"\nlab_subdivision = "wa"'),
        "clinic.toml: profiles.dr-jones.lab_subdivision: 'wa' is not a subdivision of AU (write it in capitals: WA)",
        id="lab-subdivision-lower-case",
    ),
    pytest.param(
        profile_file('lab_country = "AU"\nlab_subdivision = "ENG"'),
        "clinic.toml: profiles.dr-jones.lab_subdivision: 'ENG' is not a subdivision of AU (it has: ACT, NSW, NT, QLD, SA, TAS, VIC, WA, NSW Western)",
        id="lab-subdivision-of-another-country",
    ),
    # bridging_agent, bridging_regimen
    pytest.param(
        profile_file('bridging_agent = "heparin"'),
        "clinic.toml: profiles.dr-jones.bridging_agent: must be one of enoxaparin, dalteparin (got 'heparin')",
        id="bridging-agent-unknown",
    ),
    pytest.param(
        profile_file('bridging_regimen = "bd"'),
        "clinic.toml: profiles.dr-jones.bridging_regimen: must be one of twice-daily, once-daily (got 'bd')",
        id="bridging-regimen-unknown",
    ),
    pytest.param(
        profile_file("bridging_regimen = 2"),
        "clinic.toml: profiles.dr-jones.bridging_regimen: must be one of twice-daily, once-daily (got a number)",
        id="bridging-regimen-number",
    ),
    # bridging_times: alone, then with the regimen
    pytest.param(
        profile_file('bridging_times = "08:00"'),
        'clinic.toml: profiles.dr-jones.bridging_times: must be a list of one or two times "HH:MM" (got text)',
        id="bridging-times-text",
    ),
    pytest.param(
        profile_file("bridging_times = []"),
        "clinic.toml: profiles.dr-jones.bridging_times: must have one or two times (got 0)",
        id="bridging-times-empty",
    ),
    pytest.param(
        profile_file('bridging_times = ["06:00", "14:00", "22:00"]'),
        "clinic.toml: profiles.dr-jones.bridging_times: must have one or two times (got 3)",
        id="bridging-times-three",
    ),
    pytest.param(
        profile_file('bridging_times = ["8:00", "20:00"]'),
        "clinic.toml: profiles.dr-jones.bridging_times: must be times \"HH:MM\", 00:00 to 23:59 (got '8:00')",
        id="bridging-times-one-digit-hour",
    ),
    pytest.param(
        profile_file('bridging_times = ["08:00", "24:00"]'),
        "clinic.toml: profiles.dr-jones.bridging_times: must be times \"HH:MM\", 00:00 to 23:59 (got '24:00')",
        id="bridging-times-24",
    ),
    pytest.param(
        profile_file("bridging_times = [08:00:00, 20:00:00]"),
        'clinic.toml: profiles.dr-jones.bridging_times: must be times "HH:MM", 00:00 to 23:59 (got a date or time)',
        id="bridging-times-toml-times",
    ),
    pytest.param(
        profile_file('bridging_times = ["08:00", "08:00"]'),
        "clinic.toml: profiles.dr-jones.bridging_times: names 08:00 twice",
        id="bridging-times-twice",
    ),
    pytest.param(
        profile_file('bridging_times = ["08:00"]'),
        "clinic.toml: profiles.dr-jones.bridging_times: twice-daily needs two times (got 1)",
        id="bridging-times-one-for-default-twice-daily",
    ),
    pytest.param(
        profile_file('bridging_regimen = "twice-daily"\nbridging_times = ["08:00"]'),
        "clinic.toml: profiles.dr-jones.bridging_times: twice-daily needs two times (got 1)",
        id="bridging-times-one-for-twice-daily",
    ),
]


@pytest.mark.parametrize(("text", "message"), FILE_ERRORS)
def test_invalid_file_is_refused_naming_file_and_key(text, message):
    """A malformed policy file raises PolicyError whose message names the file, the key path and the problem."""
    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(text, "clinic.toml", variants=VARIANTS)

    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, medplan.MedplanError)


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


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            'variants = { GLP1 = "asa-2023" }',
            "clinic.toml: profiles.dr-jones.variants.GLP1: is not a drug class: use the table's id, lower-case letters, digits and - . :",
            id="class-not-an-id",
        ),
        pytest.param(
            'variants = { glp1-ra = "ASA 2023" }',
            "clinic.toml: profiles.dr-jones.variants.glp1-ra: must be a variant's name: lower-case letters, digits and - . : (got 'ASA 2023')",
            id="variant-not-an-id",
        ),
    ],
)
def test_variants_without_the_table_must_be_ids(body, message):
    """Without the table's variants, a drug class or variant that is not written as an id is refused."""
    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(profile_file(body), "clinic.toml")

    assert str(excinfo.value) == message


def test_load_profiles_names_the_file_as_given(tmp_path, monkeypatch):
    """A clinic's file is named in its policies and errors by the path it was given as."""
    monkeypatch.chdir(tmp_path)
    Path("clinic").mkdir()
    Path("clinic/policies.toml").write_text(profile_file("inr_max = 1.3"), encoding="utf-8")

    profiles = medplan.load_profiles("clinic/policies.toml")

    assert profiles.file == "clinic/policies.toml"
    assert profiles.profiles["dr-jones"].policy.source == version(profile_file("inr_max = 1.3"), "clinic/policies.toml")


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


# --- a request's policy -------------------------------------------------------


def with_policy(policy: object, **procedure: object) -> dict[str, Any]:
    """VALID with ``policy``, and its procedure's fields replaced by ``procedure``."""
    request = copy.deepcopy(VALID)
    request["policy"] = policy
    request["procedure"] |= procedure
    return request


def catalogue_request(code: str, policy: object, **procedure: object) -> dict[str, Any]:
    """VALID booked by catalogue code (no tier given), with ``policy``."""
    request = with_policy(policy, code=code, **procedure)
    if "bleeding_risk" not in procedure:
        del request["procedure"]["bleeding_risk"]
    return request


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
                "lab_weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
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


REQUEST_ERRORS = [
    pytest.param(
        {"profile": "dr-jones"},
        None,
        "policy.profile",
        "policy.profile: is not a profile in policies.toml (got 'dr-jones'; it has "
        + ", ".join(BUNDLED_NAMES)
        + ")",
        id="unknown-profile",
    ),
    pytest.param(
        {"profile": "p13"},
        many_profiles(12),
        "policy.profile",
        "policy.profile: is not a profile in clinic.toml (got 'p13'; it has p01, p02, p03, p04, p05, p06, p07, p08, p09, p10 and 2 more)",
        id="unknown-profile-of-many",
    ),
    pytest.param(
        {"profile": ""},
        None,
        "policy.profile",
        "policy.profile: must not be empty",
        id="empty-profile",
    ),
    pytest.param(
        {"profile": 3},
        None,
        "policy.profile",
        "policy.profile: must be text (got a number)",
        id="profile-not-text",
    ),
    pytest.param(
        {"profile": "sir-2019-spine-high", "name": "dr-jones"},
        None,
        "policy.name",
        "policy.name: must not be given with policy.profile: the profile names the policy",
        id="name-with-profile",
    ),
    pytest.param(
        {"profile": "sir-2019-spine-high", "inr_max": 5},
        None,
        "policy.inr_max",
        "policy.inr_max: must be between 1 and 3 (got 5)",
        id="override-out-of-range",
    ),
    pytest.param(
        {"bleeding_risk": {"tfesi-lumbar": "medium"}},
        None,
        "policy.bleeding_risk.tfesi-lumbar",
        "policy.bleeding_risk.tfesi-lumbar: must be one of low, intermediate, high (got 'medium')",
        id="inline-unknown-tier",
    ),
    pytest.param(
        {"bleeding_risk": {"tfesi": "high"}},
        None,
        "policy.bleeding_risk.tfesi",
        "policy.bleeding_risk.tfesi: is not in the procedure catalogue ('medplan procedures' lists the codes)",
        id="inline-unknown-code",
    ),
    pytest.param(
        {"bleeding_risk": ["tfesi-lumbar"]},
        None,
        "policy.bleeding_risk",
        "policy.bleeding_risk: must map each procedure code to a bleeding-risk tier (got a list)",
        id="inline-tiers-not-an-object",
    ),
    # Checked against the table the plan is made with.
    pytest.param(
        {"variants": {"glp1-ra": "asa"}},
        None,
        "policy.variants.glp1-ra",
        "policy.variants.glp1-ra: must be one of multisociety-2024, asa-2023 (got 'asa')",
        id="inline-unknown-variant",
    ),
    pytest.param(
        {"aspirin_before_intermediate": "stop"},
        None,
        "policy.aspirin_before_intermediate",
        "policy.aspirin_before_intermediate: must be one of continue, hold, table (got 'stop')",
        id="inline-aspirin-choice",
    ),
    pytest.param(
        {"profile": "sir-2019-spine-high", "descripton": "x"},
        None,
        "policy.descripton",
        "policy.descripton: is not a field medplan knows (expected one of profile, name, inr_max, inr_check_day,"
        " antiplatelet_hold_days, anticoagulant_resume_next_day, aspirin_before_intermediate, variants, bleeding_risk,"
        " lab_weekdays, lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times)",
        id="inline-unknown-field",
    ),
    pytest.param(
        {"lab_weekdays": ["mon"]},
        None,
        "policy.lab_weekdays",
        "policy.lab_weekdays: must be a list of weekdays, monday to sunday (got 'mon')",
        id="inline-lab-weekday-abbreviated",
    ),
    pytest.param(
        {"lab_subdivision": "ENG"},
        None,
        "policy.lab_subdivision",
        "policy.lab_subdivision: needs lab_country",
        id="inline-subdivision-without-country",
    ),
    pytest.param(
        {"lab_country": "XX"},
        None,
        "policy.lab_country",
        "policy.lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)",
        id="inline-unknown-country",
    ),
    pytest.param(
        {"bridging_agent": "heparin"},
        None,
        "policy.bridging_agent",
        "policy.bridging_agent: must be one of enoxaparin, dalteparin (got 'heparin')",
        id="inline-bridging-agent",
    ),
    pytest.param(
        {"bridging_regimen": "twice-daily", "bridging_times": ["08:00"]},
        None,
        "policy.bridging_times",
        "policy.bridging_times: twice-daily needs two times (got 1)",
        id="inline-twice-daily-one-time",
    ),
]


@pytest.mark.parametrize(("policy", "profiles", "field", "message"), REQUEST_ERRORS)
def test_invalid_request_policy_is_an_input_error(policy, profiles, field, message):
    """A request's invalid policy raises InputError naming the field, as policy.KEY, and the problem."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(with_policy(policy), profiles=profiles)

    assert str(excinfo.value) == message
    assert excinfo.value.field == field


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
