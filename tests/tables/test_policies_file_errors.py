"""Tests of the clinic policy file's refusals: ``medplan.tables.policies``, one malformed file per case.

Each rejected file must raise ``medplan.PolicyError`` whose message, asserted
in full, names the file, the key and the problem.
"""

from __future__ import annotations

import attrs
import pytest
from policycases import (
    VARIANTS,
    profile_file,
)

import medplan
from medplan.tables.policies import parse_profiles


@attrs.frozen(kw_only=True)
class FileErrorCase:
    """A malformed policy file and the whole message PolicyError gives for it."""

    text: str
    message: str


FILE_ERRORS = [
    # The file as a whole.
    pytest.param(
        FileErrorCase(
            text="", message="clinic.toml: has no profiles: add one as a [profiles.NAME] table"
        ),
        id="empty",
    ),
    pytest.param(
        FileErrorCase(
            text="[profiles]\n",
            message="clinic.toml: has no profiles: add one as a [profiles.NAME] table",
        ),
        id="no-profiles",
    ),
    pytest.param(
        FileErrorCase(
            text="[profiles.dr-jones]\ninr_max = \n",
            message="clinic.toml: not valid TOML: Invalid value (at line 2, column 11)",
        ),
        id="toml-syntax",
    ),
    pytest.param(
        FileErrorCase(
            text='[profiles.dr-jones]\ndescription = "x"\ndescription = "y"\n',
            message="clinic.toml: not valid TOML: Cannot overwrite a value (at line 3, column 18)",
        ),
        id="toml-key-twice",
    ),
    pytest.param(
        FileErrorCase(
            text="profiles = 3\n",
            message="clinic.toml: profiles: must be a table of profiles, each [profiles.NAME] (got a number)",
        ),
        id="profiles-not-a-table",
    ),
    pytest.param(
        FileErrorCase(
            text='[policy.dr-jones]\ndescription = "x"\n',
            message="clinic.toml: policy: is not a key medplan knows (expected profiles, as [profiles.NAME] tables)",
        ),
        id="unknown-top-level-key",
    ),
    # A profile.
    pytest.param(
        FileErrorCase(
            text='[profiles.Dr-Jones]\ndescription = "x"\n',
            message="clinic.toml: profiles.Dr-Jones: is not a profile name: use lower-case letters, digits and - (a request names it in policy.profile)",
        ),
        id="profile-name-capitals",
    ),
    pytest.param(
        FileErrorCase(
            text='[profiles."dr jones"]\ndescription = "x"\n',
            message='clinic.toml: profiles."dr jones": is not a profile name: use lower-case letters, digits and - (a request names it in policy.profile)',
        ),
        id="profile-name-space",
    ),
    pytest.param(
        FileErrorCase(
            text="[profiles]\ndr-jones = 3\n",
            message="clinic.toml: profiles.dr-jones: must be a table of settings, [profiles.dr-jones] (got a number)",
        ),
        id="profile-not-a-table",
    ),
    pytest.param(
        FileErrorCase(
            text="[profiles.dr-jones]\ninr_max = 1.4\n",
            message="clinic.toml: profiles.dr-jones.description: is required",
        ),
        id="description-missing",
    ),
    pytest.param(
        FileErrorCase(
            text='[profiles.dr-jones]\ndescription = " "\n',
            message="clinic.toml: profiles.dr-jones.description: must not be empty",
        ),
        id="description-empty",
    ),
    pytest.param(
        FileErrorCase(
            text="[profiles.dr-jones]\ndescription = 3\n",
            message="clinic.toml: profiles.dr-jones.description: must be text (got a number)",
        ),
        id="description-not-text",
    ),
    pytest.param(
        FileErrorCase(
            text='[profiles.dr-jones]\ndescription = "a\\u0007b"\n',
            message="clinic.toml: profiles.dr-jones.description: must not contain control characters",
        ),
        id="description-control-character",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_maximum = 1.4"),
            message="clinic.toml: profiles.dr-jones.inr_maximum: is not a key medplan knows (expected one of description, approved_by, approved_on, reference, inr_max,"
            " inr_check_day, antiplatelet_hold_days, anticoagulant_resume_next_day, aspirin_before_intermediate, variants,"
            " bleeding_risk, lab_weekdays, lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times,"
            " rules)",
        ),
        id="unknown-key",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('name = "Dr Jones"'),
            message="clinic.toml: profiles.dr-jones.name: is not a key medplan knows (expected one of description, approved_by, approved_on, reference, inr_max,"
            " inr_check_day, antiplatelet_hold_days, anticoagulant_resume_next_day, aspirin_before_intermediate, variants,"
            " bleeding_risk, lab_weekdays, lab_country, lab_subdivision, bridging_agent, bridging_regimen, bridging_times,"
            " rules)",
        ),
        id="name-is-the-table-key",
    ),
    # inr_max
    pytest.param(
        FileErrorCase(
            text=profile_file('inr_max = "x"'),
            message="clinic.toml: profiles.dr-jones.inr_max: must be a number (got text)",
        ),
        id="inr-max-text",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_max = true"),
            message="clinic.toml: profiles.dr-jones.inr_max: must be a number (got true/false)",
        ),
        id="inr-max-boolean",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_max = 5"),
            message="clinic.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 5)",
        ),
        id="inr-max-too-high",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_max = 0.9"),
            message="clinic.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 0.9)",
        ),
        id="inr-max-too-low",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_max = nan"),
            message="clinic.toml: profiles.dr-jones.inr_max: must be a finite number (got nan)",
        ),
        id="inr-max-nan",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_max = inf"),
            message="clinic.toml: profiles.dr-jones.inr_max: must be a finite number (got inf)",
        ),
        id="inr-max-inf",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_max = 2026-12-08"),
            message="clinic.toml: profiles.dr-jones.inr_max: must be a number (got a date or time)",
        ),
        id="inr-max-date",
    ),
    # inr_check_day
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_check_day = -2"),
            message="clinic.toml: profiles.dr-jones.inr_check_day: must be between -1 and 0 (got -2)",
        ),
        id="inr-check-day-too-early",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("inr_check_day = -1.0"),
            message="clinic.toml: profiles.dr-jones.inr_check_day: must be a whole number (got -1.0)",
        ),
        id="inr-check-day-float",
    ),
    # antiplatelet_hold_days
    pytest.param(
        FileErrorCase(
            text=profile_file("antiplatelet_hold_days = 31"),
            message="clinic.toml: profiles.dr-jones.antiplatelet_hold_days: must be between 0 and 30 (got 31)",
        ),
        id="antiplatelet-hold-too-long",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('antiplatelet_hold_days = "10 days"'),
            message="clinic.toml: profiles.dr-jones.antiplatelet_hold_days: must be a whole number (got text)",
        ),
        id="antiplatelet-hold-text",
    ),
    # anticoagulant_resume_next_day
    pytest.param(
        FileErrorCase(
            text=profile_file('anticoagulant_resume_next_day = "yes"'),
            message="clinic.toml: profiles.dr-jones.anticoagulant_resume_next_day: must be true or false (got text)",
        ),
        id="resume-next-day-text",
    ),
    # aspirin_before_intermediate
    pytest.param(
        FileErrorCase(
            text=profile_file('aspirin_before_intermediate = "review"'),
            message="clinic.toml: profiles.dr-jones.aspirin_before_intermediate: must be one of continue, hold, table (got 'review')",
        ),
        id="aspirin-review",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("aspirin_before_intermediate = 1"),
            message="clinic.toml: profiles.dr-jones.aspirin_before_intermediate: must be one of continue, hold, table (got a number)",
        ),
        id="aspirin-number",
    ),
    # bleeding_risk
    pytest.param(
        FileErrorCase(
            text=profile_file('bleeding_risk = "high"'),
            message="clinic.toml: profiles.dr-jones.bleeding_risk: must map each procedure code to a bleeding-risk tier (got text)",
        ),
        id="bleeding-risk-text",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bleeding_risk = { tfesi-lumbar = "medium" }'),
            message="clinic.toml: profiles.dr-jones.bleeding_risk.tfesi-lumbar: must be one of low, intermediate, high (got 'medium')",
        ),
        id="bleeding-risk-unknown-tier",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("bleeding_risk = { tfesi-lumbar = 3 }"),
            message="clinic.toml: profiles.dr-jones.bleeding_risk.tfesi-lumbar: must be one of low, intermediate, high (got a number)",
        ),
        id="bleeding-risk-tier-number",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bleeding_risk = { tfesi = "high" }'),
            message="clinic.toml: profiles.dr-jones.bleeding_risk.tfesi: is not in the procedure catalogue ('medplan procedures' lists the codes)",
        ),
        id="bleeding-risk-unknown-code",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bleeding_risk = { "tfesi lumbar" = "high" }'),
            message="clinic.toml: profiles.dr-jones.bleeding_risk.\"tfesi lumbar\": is not in the procedure catalogue ('medplan procedures' lists the codes)",
        ),
        id="bleeding-risk-code-quoted",
    ),
    # variants, against the table's
    pytest.param(
        FileErrorCase(
            text=profile_file('variants = "asa-2023"'),
            message="clinic.toml: profiles.dr-jones.variants: must map each drug class to a variant (got text)",
        ),
        id="variants-text",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('variants = { glp1 = "asa-2023" }'),
            message="clinic.toml: profiles.dr-jones.variants.glp1: is not a drug class the table gives variants for (it gives them for: glp1-ra)",
        ),
        id="variants-unknown-class",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('variants = { glp1-ra = "asa-2024" }'),
            message="clinic.toml: profiles.dr-jones.variants.glp1-ra: must be one of multisociety-2024, asa-2023 (got 'asa-2024')",
        ),
        id="variants-unknown-variant",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("variants = { glp1-ra = 2023 }"),
            message="clinic.toml: profiles.dr-jones.variants.glp1-ra: must be the name of a variant (got a number)",
        ),
        id="variants-variant-number",
    ),
    # lab_weekdays
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_weekdays = "monday"'),
            message="clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got text)",
        ),
        id="lab-weekdays-text",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_weekdays = ["mon"]'),
            message="clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got 'mon')",
        ),
        id="lab-weekdays-abbreviated",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_weekdays = ["Monday"]'),
            message="clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got 'Monday')",
        ),
        id="lab-weekdays-capitalised",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("lab_weekdays = [0, 1]"),
            message="clinic.toml: profiles.dr-jones.lab_weekdays: must be a list of weekdays, monday to sunday (got a number)",
        ),
        id="lab-weekdays-numbers",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("lab_weekdays = []"),
            message="clinic.toml: profiles.dr-jones.lab_weekdays: must name at least one weekday (got an empty list)",
        ),
        id="lab-weekdays-empty",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_weekdays = ["monday", "tuesday", "monday"]'),
            message="clinic.toml: profiles.dr-jones.lab_weekdays: names monday twice",
        ),
        id="lab-weekdays-twice",
    ),
    # lab_country, lab_subdivision: each alone, then together
    pytest.param(
        FileErrorCase(
            text=profile_file("lab_country = 44"),
            message="clinic.toml: profiles.dr-jones.lab_country: must be text (got a number)",
        ),
        id="lab-country-number",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "XX"'),
            message="clinic.toml: profiles.dr-jones.lab_country: 'XX' is not a country the holidays package knows (e.g. GB, AU, US)",
        ),
        id="lab-country-unknown",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "UK"'),
            message="clinic.toml: profiles.dr-jones.lab_country: 'UK' is not a country the holidays package knows (e.g. GB, AU, US)",
        ),
        id="lab-country-alias-not-iso",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "gb"'),
            message="clinic.toml: profiles.dr-jones.lab_country: 'gb' is not a country the holidays package knows (write it in capitals: GB)",
        ),
        id="lab-country-lower-case",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_subdivision = ["ENG"]'),
            message="clinic.toml: profiles.dr-jones.lab_subdivision: must be text (got a list)",
        ),
        id="lab-subdivision-list",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_subdivision = "ENG"'),
            message="clinic.toml: profiles.dr-jones.lab_subdivision: needs lab_country",
        ),
        id="lab-subdivision-without-country",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "GB"\nlab_subdivision = "ZZZ"'),
            message="clinic.toml: profiles.dr-jones.lab_subdivision: 'ZZZ' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)",
        ),
        id="lab-subdivision-unknown",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "GB"\nlab_subdivision = "England"'),
            message="clinic.toml: profiles.dr-jones.lab_subdivision: 'England' is not a subdivision of GB (it has: ENG, NIR, SCT, WLS)",
        ),
        id="lab-subdivision-alias-not-iso",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "AU"\nlab_subdivision = "wa"'),
            message="clinic.toml: profiles.dr-jones.lab_subdivision: 'wa' is not a subdivision of AU (write it in capitals: WA)",
        ),
        id="lab-subdivision-lower-case",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('lab_country = "AU"\nlab_subdivision = "ENG"'),
            message="clinic.toml: profiles.dr-jones.lab_subdivision: 'ENG' is not a subdivision of AU (it has: ACT, NSW, NT, QLD, SA, TAS, VIC, WA, NSW Western)",
        ),
        id="lab-subdivision-of-another-country",
    ),
    # bridging_agent, bridging_regimen
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_agent = "heparin"'),
            message="clinic.toml: profiles.dr-jones.bridging_agent: must be one of enoxaparin, dalteparin (got 'heparin')",
        ),
        id="bridging-agent-unknown",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_regimen = "bd"'),
            message="clinic.toml: profiles.dr-jones.bridging_regimen: must be one of twice-daily, once-daily (got 'bd')",
        ),
        id="bridging-regimen-unknown",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("bridging_regimen = 2"),
            message="clinic.toml: profiles.dr-jones.bridging_regimen: must be one of twice-daily, once-daily (got a number)",
        ),
        id="bridging-regimen-number",
    ),
    # bridging_times: alone, then with the regimen
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_times = "08:00"'),
            message='clinic.toml: profiles.dr-jones.bridging_times: must be a list of one or two times "HH:MM" (got text)',
        ),
        id="bridging-times-text",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("bridging_times = []"),
            message="clinic.toml: profiles.dr-jones.bridging_times: must have one or two times (got 0)",
        ),
        id="bridging-times-empty",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_times = ["06:00", "14:00", "22:00"]'),
            message="clinic.toml: profiles.dr-jones.bridging_times: must have one or two times (got 3)",
        ),
        id="bridging-times-three",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_times = ["8:00", "20:00"]'),
            message="clinic.toml: profiles.dr-jones.bridging_times: must be times \"HH:MM\", 00:00 to 23:59 (got '8:00')",
        ),
        id="bridging-times-one-digit-hour",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_times = ["08:00", "24:00"]'),
            message="clinic.toml: profiles.dr-jones.bridging_times: must be times \"HH:MM\", 00:00 to 23:59 (got '24:00')",
        ),
        id="bridging-times-24",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file("bridging_times = [08:00:00, 20:00:00]"),
            message='clinic.toml: profiles.dr-jones.bridging_times: must be times "HH:MM", 00:00 to 23:59 (got a date or time)',
        ),
        id="bridging-times-toml-times",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_times = ["08:00", "08:00"]'),
            message="clinic.toml: profiles.dr-jones.bridging_times: names 08:00 twice",
        ),
        id="bridging-times-twice",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_times = ["08:00"]'),
            message="clinic.toml: profiles.dr-jones.bridging_times: twice-daily needs two times (got 1)",
        ),
        id="bridging-times-one-for-default-twice-daily",
    ),
    pytest.param(
        FileErrorCase(
            text=profile_file('bridging_regimen = "twice-daily"\nbridging_times = ["08:00"]'),
            message="clinic.toml: profiles.dr-jones.bridging_times: twice-daily needs two times (got 1)",
        ),
        id="bridging-times-one-for-twice-daily",
    ),
]


@pytest.mark.parametrize("case", FILE_ERRORS)
def test_invalid_file_is_refused_naming_file_and_key(case):
    """A malformed policy file raises PolicyError whose message names the file, the key path and the problem."""
    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(case.text, "clinic.toml", variants=VARIANTS)

    assert str(excinfo.value) == case.message
    assert isinstance(excinfo.value, medplan.MedplanError)
