"""The bundled drug-class table, row by row: it loads, every row cites its source and keeps the table's invariants."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass

import pytest
from tablecases import (
    BUNDLED,
    FILE,
    GUIDELINES,
    RULE_IDS,
    RULES,
    TABLE,
    records,
    with_cells,
    write,
)

import medplan
from medplan.model import Action, BleedingRisk, Regimen, Route, Unit
from medplan.tables.drug_classes import DrugClassRule, Evidence, TierRule, load_table, parse_table


def test_unmodified_copy_loads_like_the_bundled_table():
    """The copy the broken cases start from is byte-identical to the bundled file and loads."""
    assert write(records()) == BUNDLED
    assert parse_table(write(records()), FILE) == TABLE


# --- the bundled table ------------------------------------------------------------------------


def test_bundled_table_has_both_guidelines(table):
    """The bundled table gives rules under ASRA pain 2018 and CHEST 2022."""
    assert set(GUIDELINES) <= table.guidelines


def test_version_names_the_file_and_a_short_hash(table):
    """The table version is the file name and the first 16 hex digits of its SHA-256."""
    assert re.fullmatch(r"drug_classes\.csv sha256:[0-9a-f]{16}", table.version)
    assert table.version == f"{FILE} sha256:{hashlib.sha256(BUNDLED.encode()).hexdigest()[:16]}"


def test_loading_twice_gives_the_same_version():
    """Two loads of the same file record the same version."""
    assert load_table().version == load_table().version == TABLE.version


def test_any_edit_changes_the_version():
    """A one-character change to a note gives a different version, so plans record the edit."""
    edited = with_cells("chest-2022:warfarin", note="Stop 5 days before.")
    assert parse_table(edited, FILE).version != TABLE.version


# The source a rule id's first part names, and who its citation must name: the
# guideline's lead author, or the body that issued it.
CITED = {
    "asra-pain-2018": "Narouze S",
    "chest-2022": "Douketis JD",
    "esaic-esra-2022": "Kietaibl S",
    "fda-2020": "US FDA Drug Safety Communication",
    "multisociety-2024": "Kindel TL",
    "asa-2023": "Joshi GP",
    "acr-2021": "ACR Manual on Contrast Media",
    "ada": "ADA Standards of Care",
    "ukcpa": "UK Clinical Pharmacy Association",
}


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_row_cites_its_guideline(rule: DrugClassRule):
    """Every row has a source, and it names the lead author (or issuing body) of the source its id names.

    A row under a procedure guideline is that guideline's own (its id starts with
    the guideline); a row for every guideline (``*``) is named after its source.
    """
    cited = rule.rule_id.split(":")[0]
    assert rule.source.strip()
    assert CITED[cited] in rule.source
    if rule.guideline == "*":
        assert cited not in GUIDELINES
    else:
        assert cited == rule.guideline



@pytest.mark.parametrize("guideline", GUIDELINES)
def test_dabigatran_has_crcl_bands(table, guideline):
    """Dabigatran's rule depends on CrCl: bands below 30, 30 to 50, and 50 up."""
    bands = sorted((r.renal_min, r.renal_max) for r in table.rules_for(guideline, "dabigatran"))
    assert bands == [(0.0, 30.0), (30.0, 50.0), (50.0, None)]


@pytest.mark.parametrize(
    ("guideline", "drug_class"),
    list(itertools.product(GUIDELINES, ["enoxaparin", "dalteparin"])),
    ids=[f"{g}-{c}" for g, c in itertools.product(GUIDELINES, ["enoxaparin", "dalteparin"])],
)
def test_lmwh_has_prophylactic_and_therapeutic_rows(table, guideline, drug_class):
    """Each LMWH has one row per regimen under each guideline, and none without a regimen."""
    regimens = [r.regimen for r in table.rules_for(guideline, drug_class)]
    assert sorted(regimens) == [Regimen.PROPHYLACTIC, Regimen.THERAPEUTIC]


@pytest.mark.parametrize("guideline", GUIDELINES)
def test_heparin_has_iv_and_sc_rows(table, guideline):
    """Unfractionated heparin has an IV infusion row and a subcutaneous row under each guideline."""
    rows = {r.route: r for r in table.rules_for(guideline, "unfractionated-heparin")}
    assert set(rows) == {Route.IV, Route.SC}
    assert rows[Route.IV].dosing is medplan.tables.drug_classes.Dosing.INFUSION
    assert rows[Route.SC].dosing is medplan.tables.drug_classes.Dosing.SCHEDULED


def test_only_iv_heparin_and_gp_iib_iiia_inhibitors_are_infusions(table):
    """Every row is dosed at usual times except IV heparin and the GP IIb/IIIa inhibitors (research 2b), which run as infusions."""
    infusions = {r.rule_id for r in table.rules if r.dosing is medplan.tables.drug_classes.Dosing.INFUSION}
    assert infusions == {
        "asra-pain-2018:heparin:iv",
        "chest-2022:heparin:iv",
        "asra-pain-2018:abciximab",
        "asra-pain-2018:eptifibatide-tirofiban",
    }


def test_inr_check_is_on_vitamin_k_antagonists_only(table):
    """Vitamin K antagonist rows ask for INR <= 1.5 the day before; only metformin's ACR row checks eGFR.

    Phenprocoumon: ESAIC/ESRA 2022, 7 days to a normal INR, INR <= 1.5 on day -1 (research 3b).
    ACR category II: withhold metformin 48 hours after contrast and restart
    once renal function is re-evaluated, so its eGFR check is on day +2.
    """
    checks = {
        r.rule_id: (r.check_test, r.check_max, r.check_day) for r in table.rules if r.check_test
    }
    vka_rows = (
        "asra-pain-2018:warfarin",
        "asra-pain-2018:acenocoumarol",
        "chest-2022:warfarin",
        "chest-2022:acenocoumarol",
        "esaic-esra-2022:phenprocoumon",
    )
    assert checks == dict.fromkeys(vka_rows, ("INR", 1.5, -1)) | {
        "acr-2021:metformin:egfr-below-30": ("eGFR", None, 2)
    }


# What a clinic policy acts on; None: no policy setting acts on the class.
GROUPS = {
    "warfarin": "oral-anticoagulant",
    "acenocoumarol": "oral-anticoagulant",
    "apixaban": "oral-anticoagulant",
    "rivaroxaban": "oral-anticoagulant",
    "edoxaban": "oral-anticoagulant",
    "dabigatran": "oral-anticoagulant",
    "enoxaparin": "parenteral-anticoagulant",
    "dalteparin": "parenteral-anticoagulant",
    "unfractionated-heparin": "parenteral-anticoagulant",
    "aspirin": "aspirin",
    "clopidogrel": "antiplatelet",
    "prasugrel": "antiplatelet",
    "ticagrelor": "antiplatelet",
    # research 1-3: the new antithrombotics
    "aspirin-dipyridamole": "aspirin",
    "ticlopidine": "antiplatelet",
    # Not P2Y12 inhibitors: a radiologist's antiplatelet hold ("up to 10 days") is not for them.
    "dipyridamole": None,
    "cilostazol": None,
    "abciximab": None,
    "eptifibatide-tirofiban": None,
    "fondaparinux": "parenteral-anticoagulant",
    "tinzaparin": "parenteral-anticoagulant",
    "phenprocoumon": "oral-anticoagulant",
    # research 4-6: not antithrombotics, so the seed's antithrombotic policies leave them alone
    **dict.fromkeys(
        (
            "ibuprofen", "diclofenac", "ketorolac", "etodolac", "indomethacin", "naproxen",
            "meloxicam", "nabumetone", "oxaprozin", "piroxicam", "cox2-inhibitor", "ssri-snri",
            "garlic", "ginseng", "ginkgo", "fish-oil", "vitamin-e", "sglt2-inhibitor",
            "ertugliflozin", "glp1-ra", "metformin", "sulfonylurea", "insulin", "lithium", "maoi",
        ),
        None,
    ),
}


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_row_is_in_its_policy_group(rule: DrugClassRule):
    """Each row's group, which clinic policies act on, is its class's group (or none)."""
    assert (None if rule.group is None else rule.group.value) == GROUPS[rule.drug_class]


# --- invariants of the real table, row by row ------------------------------------------------


def hours(tier: TierRule) -> int | None:
    """A tier's hold on one scale: a day hold is at least N x 24 hours."""
    if tier.hold is None:
        return None
    return tier.hold.amount * (24 if tier.hold.unit is Unit.DAYS else 1)


def resume_hours(tier: TierRule) -> int | None:
    if tier.resume is None:
        return None
    return tier.resume.amount * (24 if tier.resume.unit is Unit.DAYS else 1)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_hold_never_shortens_as_bleeding_risk_rises(rule: DrugClassRule):
    """Among the tiers that give a hold, a riskier tier never holds for less time."""
    holds = [h for risk in BleedingRisk if (h := hours(rule.tier(risk))) is not None]
    assert holds == sorted(holds)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_resume_never_comes_sooner_as_bleeding_risk_rises(rule: DrugClassRule):
    """Among the tiers that give a restart, a riskier tier never restarts sooner."""
    resumes = [h for risk in BleedingRisk if (h := resume_hours(rule.tier(risk))) is not None]
    assert resumes == sorted(resumes)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_no_continue_above_a_held_tier(rule: DrugClassRule):
    """Once a tier stops the medicine (or proposes a hold), no riskier tier continues it."""
    actions = [rule.tier(risk) for risk in BleedingRisk]
    first_hold = next((i for i, t in enumerate(actions) if t.hold is not None), len(actions))
    assert all(t.action is not Action.CONTINUE for t in actions[first_hold:])


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_tier_shape_matches_its_action(rule: DrugClassRule):
    """Continue tiers give no hold or restart, hold tiers give both, review tiers both or neither."""
    for risk in BleedingRisk:
        tier = rule.tier(risk)
        if tier.action is Action.CONTINUE:
            assert (tier.hold, tier.resume) == (None, None), risk
        elif tier.action is Action.HOLD:
            assert tier.hold is not None, risk
            assert tier.resume is not None, risk
        else:
            assert (tier.hold is None) == (tier.resume is None), risk


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_review_tiers_say_what_to_find_out(rule: DrugClassRule):
    """A row with a review tier says what the pharmacist must find out."""
    if any(rule.tier(risk).action is Action.REVIEW for risk in BleedingRisk):
        assert rule.review_reason


BANDED = sorted(
    {(r.guideline, r.drug_class, r.regimen, r.route) for r in RULES if r.has_renal_band},
    key=str,
)


@pytest.mark.parametrize(
    ("guideline", "drug_class", "regimen", "route"),
    BANDED,
    ids=[f"{g}:{c}" for g, c, _, _ in BANDED],
)
def test_hold_never_shortens_as_crcl_falls(table, guideline, drug_class, regimen, route):
    """Within a class's renal bands (CrCl or eGFR), a band of lower renal function never holds for less time."""
    bands = [
        r
        for r in table.rules_for(guideline, drug_class)
        if (r.regimen, r.route) == (regimen, route)
    ]
    falling = sorted(bands, key=lambda r: r.renal_min or 0.0, reverse=True)
    assert len(falling) > 1
    for risk in BleedingRisk:
        holds = [h for r in falling if (h := hours(r.tier(risk))) is not None]
        assert holds == sorted(holds), risk


def test_banded_classes_are_the_ones_expected():
    """Renal bands: dabigatran under both guidelines, CHEST's factor-Xa inhibitors, and metformin (by eGFR)."""
    assert [(g, c) for g, c, _, _ in BANDED] == [
        ("*", "metformin"),
        ("asra-pain-2018", "dabigatran"),
        ("chest-2022", "apixaban"),
        ("chest-2022", "dabigatran"),
        ("chest-2022", "edoxaban"),
        ("chest-2022", "rivaroxaban"),
    ]


@dataclass(frozen=True)
class Split:
    """Where a CHEST factor-Xa inhibitor's CrCl bands meet."""

    drug_class: str
    threshold: float


SPLITS = [Split("apixaban", 25.0), Split("rivaroxaban", 30.0), Split("edoxaban", 15.0)]


@pytest.mark.parametrize("case", SPLITS, ids=[case.drug_class for case in SPLITS])
def test_chest_factor_xa_bands_split_at_the_af_guideline_crcl(table, case: Split):
    """CHEST's factor-Xa rows split where the 2023 AF guideline's table stops (reference 4.5, research 3c)."""
    rules = table.rules_for("chest-2022", case.drug_class)
    assert {r.renal_measure for r in rules} == {medplan.tables.drug_classes.RenalMeasure.CRCL}
    bands = sorted((r.renal_min, r.renal_max) for r in rules)
    assert bands == [(0.0, case.threshold), (case.threshold, None)]


def test_metformin_is_banded_by_egfr_at_30(table):
    """The ACR's metformin categories split at eGFR 30 (reference 5.3): the band is by eGFR, not CrCl."""
    rules = table.rules_for("*", "metformin")
    assert {r.renal_measure for r in rules} == {medplan.tables.drug_classes.RenalMeasure.EGFR}
    assert sorted((r.renal_min, r.renal_max) for r in rules) == [(0.0, 30.0), (30.0, None)]


CHEST_RULES = [r for r in RULES if r.guideline == "chest-2022"]


@pytest.mark.parametrize("rule", CHEST_RULES, ids=[r.rule_id for r in CHEST_RULES])
def test_chest_intermediate_tier_takes_the_high_risk_values(rule: DrugClassRule):
    """CHEST has two tiers (low-to-moderate, high), so every chest-2022 row's intermediate tier is its high tier.

    The rows' own notes say so ("its intermediate tier takes the high-risk
    values"); a row that means to diverge must say so and be listed here.
    """
    assert rule.intermediate == rule.high


# Rows whose numbers are not yet confirmed in the source: the planner sends them
# to review. Adding one is a reviewed change to this list.
UNCONFIRMED = {
    "asra-pain-2018:apixaban",
    "asra-pain-2018:rivaroxaban",
    "asra-pain-2018:edoxaban",
    "asra-pain-2018:dabigatran:crcl-50-up",
    "asra-pain-2018:dabigatran:crcl-30-50",
    "asra-pain-2018:dabigatran:crcl-below-30",
    "asra-pain-2018:clopidogrel",
    "asra-pain-2018:prasugrel",
    "asra-pain-2018:ticagrelor",
    "chest-2022:enoxaparin:prophylactic",
    "chest-2022:dalteparin:prophylactic",
    "chest-2022:heparin:sc",
    # research 2b, 3b and 8 ("still [U]"): ticlopidine (Horlocker, as recalled), the GP IIb/IIIa
    # inhibitors (2015 edition only), fondaparinux (2018 values not read) and tinzaparin (the LMWH
    # rows applied by class).
    "asra-pain-2018:ticlopidine",
    "asra-pain-2018:abciximab",
    "asra-pain-2018:eptifibatide-tirofiban",
    "asra-pain-2018:fondaparinux",
    "asra-pain-2018:tinzaparin:prophylactic",
    "asra-pain-2018:tinzaparin:therapeutic",
}


def test_unconfirmed_rows_are_the_listed_ones(table):
    """Exactly the listed rows carry evidence U (unconfirmed)."""
    assert {r.rule_id for r in table.rules if r.evidence is Evidence.UNCONFIRMED} == UNCONFIRMED


# --- exact numbers, from clinical-reference.md and the research notes -------------------------

