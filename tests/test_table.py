"""Tests for medplan.tables.drug_classes: the bundled drug-class table, row by row, and its validation.

The real table is checked in three ways: the names and classes the project
needs are there, every row keeps the table's invariants, and every row gives
the exact numbers of ``/work/shared/clinical-reference.md`` and of
``docs/research/2026-11-clinical-coverage.md`` (holidays-style: one expected
line per rule and tier, read off the documents, not the CSV). The validator is checked by feeding it
copies of the bundled file with one cell broken and asserting the exact
``drug_classes.csv, row N: column 'x': problem`` message.
"""

from __future__ import annotations

import hashlib
import itertools
import re

import datafiles
import pytest

import medplan
from medplan.model import Action, BleedingRisk, Regimen, Route, Unit
from medplan.tables.drug_classes import DrugClassRule, Evidence, TierRule, load_table, parse_table

FILE = "drug_classes.csv"
GUIDELINES = ("asra-pain-2018", "chest-2022")
TABLE = medplan.default_table()
RULES = TABLE.rules
RULE_IDS = [rule.rule_id for rule in RULES]


BUNDLED = datafiles.bundled(FILE)


# --- building broken copies of the bundled table --------------------------------------------


def _records() -> list[list[str]]:
    return datafiles.records(FILE)


_write = datafiles.write
ROW = datafiles.row_numbers(FILE)


def with_cells(rule_id: str, /, **cells: str) -> str:
    """The bundled table with some cells of one row replaced."""
    return datafiles.with_cells(FILE, rule_id, **cells)


def without_column(column: str) -> str:
    records = _records()
    index = records[0].index(column)
    return _write([[cell for i, cell in enumerate(r) if i != index] for r in records])


def with_extra_column(column: str) -> str:
    records = _records()
    return _write([[*records[0], column]] + [[*r, ""] for r in records[1:]])


def with_row_cut(rule_id: str) -> str:
    """The bundled table with the last cell of one row dropped."""
    records = _records()
    return _write([r[:-1] if r[0] == rule_id else r for r in records])


def with_rule_id(rule_id: str, new_id: str) -> str:
    return with_cells(rule_id, rule_id=new_id)


def test_unmodified_copy_loads_like_the_bundled_table():
    """The copy the broken cases start from is byte-identical to the bundled file and loads."""
    assert _write(_records()) == BUNDLED
    assert parse_table(_write(_records()), FILE) == TABLE


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


# --- name resolution --------------------------------------------------------------------------

# (name a booking system may send, generic, drug class)
NAMES = [
    ("Eliquis", "apixaban", "apixaban"),
    ("Xarelto", "rivaroxaban", "rivaroxaban"),
    ("Pradaxa", "dabigatran", "dabigatran"),
    ("Lixiana", "edoxaban", "edoxaban"),
    ("Savaysa", "edoxaban", "edoxaban"),
    ("Coumadin", "warfarin", "warfarin"),
    ("Marevan", "warfarin", "warfarin"),
    ("Clexane", "enoxaparin", "enoxaparin"),
    ("Lovenox", "enoxaparin", "enoxaparin"),
    ("Fragmin", "dalteparin", "dalteparin"),
    ("Plavix", "clopidogrel", "clopidogrel"),
    ("Effient", "prasugrel", "prasugrel"),
    ("Brilinta", "ticagrelor", "ticagrelor"),
    ("Brilique", "ticagrelor", "ticagrelor"),
    ("warfarin", "warfarin", "warfarin"),
    ("acenocoumarol", "acenocoumarol", "acenocoumarol"),
    ("apixaban", "apixaban", "apixaban"),
    ("rivaroxaban", "rivaroxaban", "rivaroxaban"),
    ("edoxaban", "edoxaban", "edoxaban"),
    ("dabigatran", "dabigatran", "dabigatran"),
    ("enoxaparin", "enoxaparin", "enoxaparin"),
    ("dalteparin", "dalteparin", "dalteparin"),
    ("heparin", "unfractionated heparin", "unfractionated-heparin"),
    ("aspirin", "aspirin", "aspirin"),
    ("clopidogrel", "clopidogrel", "clopidogrel"),
    ("prasugrel", "prasugrel", "prasugrel"),
    ("ticagrelor", "ticagrelor", "ticagrelor"),
]
REQUIRED_DRUGS = [name for name, _, _ in NAMES if name.islower()]


def scramble(name: str) -> str:
    """``Eliquis`` as a hurried typist might send it: ``'  eLi QUIS '``."""
    half = len(name) // 2
    head = "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name[:half]))
    return f"  {head} {name[half:].upper()} "


@pytest.mark.parametrize(("name", "drug", "drug_class"), NAMES, ids=[n for n, _, _ in NAMES])
def test_name_resolves(table, name, drug, drug_class):
    """A generic or brand name resolves to its generic and class, whatever its case and spacing."""
    expected = medplan.tables.drug_classes.Resolution(drug=drug, drug_class=drug_class)
    assert table.resolve(name) == expected
    assert table.resolve(scramble(name)) == expected


def test_scramble_mixes_case_and_spaces():
    """The scrambled spelling the resolution test uses is the one the brief names."""
    assert scramble("Eliquis") == "  eLi QUIS "


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_name_in_a_row_resolves_to_that_row(table, rule: DrugClassRule):
    """Each generic and brand listed in a row resolves to that row's class."""
    for name in (*rule.drugs, *rule.brands):
        resolution = table.resolve(name.partition("=")[0])
        assert resolution is not None, name
        assert resolution.drug_class == rule.drug_class
        assert resolution.drug in rule.drugs


# Issue 3's classes: (brand or WHO ATC code a booking system may send, generic, class, the regimen
# the name implies), from the identity tables of docs/research/2026-11-clinical-coverage.md
# (sections 1a-6a; ATC codes marked [C2] there).
NEW_NAMES = [
    ("Asasantin SR", "aspirin and dipyridamole", "aspirin-dipyridamole", None),
    ("Aggrenox", "aspirin and dipyridamole", "aspirin-dipyridamole", None),
    ("B01AC30", "aspirin and dipyridamole", "aspirin-dipyridamole", None),
    ("Persantin", "dipyridamole", "dipyridamole", None),
    ("B01AC23", "cilostazol", "cilostazol", None),
    ("Ticlid", "ticlopidine", "ticlopidine", None),
    ("ReoPro", "abciximab", "abciximab", None),
    ("Integrilin", "eptifibatide", "eptifibatide-tirofiban", None),
    ("Aggrastat", "tirofiban", "eptifibatide-tirofiban", None),
    ("Arixtra", "fondaparinux", "fondaparinux", None),
    ("B01AA04", "phenprocoumon", "phenprocoumon", None),
    ("Innohep", "tinzaparin", "tinzaparin", None),
    ("Nurofen", "ibuprofen", "ibuprofen", None),
    ("Voltarol", "diclofenac", "diclofenac", None),
    ("M01AB15", "ketorolac", "ketorolac", None),
    ("indometacin", "indomethacin", "indomethacin", None),
    ("Naprosyn", "naproxen", "naproxen", None),
    ("Mobic", "meloxicam", "meloxicam", None),
    ("Relafen", "nabumetone", "nabumetone", None),
    ("Daypro", "oxaprozin", "oxaprozin", None),
    ("Feldene", "piroxicam", "piroxicam", None),
    ("Celebrex", "celecoxib", "cox2-inhibitor", None),
    ("Arcoxia", "etoricoxib", "cox2-inhibitor", None),
    ("Lustral", "sertraline", "ssri-snri", None),
    ("Efexor XL", "venlafaxine", "ssri-snri", None),
    ("N06AX21", "duloxetine", "ssri-snri", None),
    ("N06DX02", "ginkgo", "ginkgo", None),
    ("Forxiga", "dapagliflozin", "sglt2-inhibitor", None),
    ("Farxiga", "dapagliflozin", "sglt2-inhibitor", None),
    ("A10BK04", "ertugliflozin", "ertugliflozin", None),
    ("Victoza", "liraglutide", "glp1-ra", Regimen.DAILY),
    ("Rybelsus", "semaglutide", "glp1-ra", Regimen.DAILY),
    ("Ozempic", "semaglutide", "glp1-ra", Regimen.WEEKLY),
    ("Trulicity", "dulaglutide", "glp1-ra", Regimen.WEEKLY),
    ("Mounjaro", "tirzepatide", "glp1-ra", Regimen.WEEKLY),
    ("A10BX16", "tirzepatide", "glp1-ra", Regimen.WEEKLY),
    ("semaglutide", "semaglutide", "glp1-ra", None),
    ("A10BJ06", "semaglutide", "glp1-ra", None),
    ("Diabex", "metformin", "metformin", None),
    ("Diamicron MR", "gliclazide", "sulfonylurea", None),
    ("glyburide", "glibenclamide", "sulfonylurea", None),
    ("Lantus", "insulin glargine", "insulin", None),
    ("Priadel", "lithium", "lithium", None),
    ("Nardil", "phenelzine", "maoi", None),
]


@pytest.mark.parametrize(
    ("name", "drug", "drug_class", "regimen"), NEW_NAMES, ids=[n for n, *_ in NEW_NAMES]
)
def test_new_class_name_resolves(table, name, drug, drug_class, regimen):
    """Issue 3's brands and ATC codes resolve to their generic and class, with the regimen a brand implies."""
    expected = medplan.tables.drug_classes.Resolution(drug=drug, drug_class=drug_class, regimen=regimen)
    assert table.resolve(name) == expected
    assert table.resolve(scramble(name)) == expected


@pytest.mark.parametrize("name", ["paracetamol", "Eliquiss", "Eliquis 5 mg", "", "   "])
def test_unknown_name_resolves_to_none(table, name):
    """A name in no row (a misspelling, a dose in the name, nothing at all) resolves to None."""
    assert table.resolve(name) is None


# --- coverage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "guideline"),
    list(itertools.product(REQUIRED_DRUGS, GUIDELINES)),
    ids=[f"{d}-{g}" for d, g in itertools.product(REQUIRED_DRUGS, GUIDELINES)],
)
def test_required_drug_has_a_rule_under_each_guideline(table, drug, guideline):
    """Every drug the project must plan has at least one row under each guideline."""
    resolution = table.resolve(drug)
    assert resolution is not None
    assert table.rules_for(guideline, resolution.drug_class)


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


@pytest.mark.parametrize(
    ("drug_class", "threshold"), [("apixaban", 25.0), ("rivaroxaban", 30.0), ("edoxaban", 15.0)]
)
def test_chest_factor_xa_bands_split_at_the_af_guideline_crcl(table, drug_class, threshold):
    """CHEST's factor-Xa rows split where the 2023 AF guideline's table stops (reference 4.5, research 3c)."""
    rules = table.rules_for("chest-2022", drug_class)
    assert {r.renal_measure for r in rules} == {medplan.tables.drug_classes.RenalMeasure.CRCL}
    assert sorted((r.renal_min, r.renal_max) for r in rules) == [(0.0, threshold), (threshold, None)]


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

# (rule_id, tier, action, hold, resume), as str(Interval). Each row is read off
# /work/shared/clinical-reference.md (sections as "1.3") or
# docs/research/2026-11-clinical-coverage.md ("research 2b"); the conservative
# choice of reference section 7 is taken where a source gives a range.
REFERENCE = [
    # 1.3 ASRA pain 2018 via UpToDate 108918 [C2]: warfarin 5 days, restart 6 h; no stop at low risk.
    ("asra-pain-2018:warfarin", "low", "review", None, None),
    ("asra-pain-2018:warfarin", "intermediate", "hold", "5 days", "6 hours"),
    ("asra-pain-2018:warfarin", "high", "hold", "5 days", "6 hours"),
    # 1.3: acenocoumarol 3 days, restart 24 h.
    ("asra-pain-2018:acenocoumarol", "low", "review", None, None),
    ("asra-pain-2018:acenocoumarol", "intermediate", "hold", "3 days", "24 hours"),
    ("asra-pain-2018:acenocoumarol", "high", "hold", "3 days", "24 hours"),
    # 1.3 [U] rows and 7: factor Xa inhibitors 3 days (apixaban 3-5, conservative 3 days = 72 h).
    ("asra-pain-2018:apixaban", "low", "review", None, None),
    ("asra-pain-2018:apixaban", "intermediate", "hold", "3 days", "24 hours"),
    ("asra-pain-2018:apixaban", "high", "hold", "3 days", "24 hours"),
    ("asra-pain-2018:rivaroxaban", "low", "review", None, None),
    ("asra-pain-2018:rivaroxaban", "intermediate", "hold", "3 days", "24 hours"),
    ("asra-pain-2018:rivaroxaban", "high", "hold", "3 days", "24 hours"),
    ("asra-pain-2018:edoxaban", "low", "review", None, None),
    ("asra-pain-2018:edoxaban", "intermediate", "hold", "3 days", "24 hours"),
    ("asra-pain-2018:edoxaban", "high", "hold", "3 days", "24 hours"),
    # 1.3 [U]: dabigatran 4-5 days (longer end), 6 days if CrCl < 50; none given below 30.
    ("asra-pain-2018:dabigatran:crcl-50-up", "low", "review", None, None),
    ("asra-pain-2018:dabigatran:crcl-50-up", "intermediate", "hold", "5 days", "24 hours"),
    ("asra-pain-2018:dabigatran:crcl-50-up", "high", "hold", "5 days", "24 hours"),
    ("asra-pain-2018:dabigatran:crcl-30-50", "low", "review", None, None),
    ("asra-pain-2018:dabigatran:crcl-30-50", "intermediate", "hold", "6 days", "24 hours"),
    ("asra-pain-2018:dabigatran:crcl-30-50", "high", "hold", "6 days", "24 hours"),
    ("asra-pain-2018:dabigatran:crcl-below-30", "low", "review", None, None),
    ("asra-pain-2018:dabigatran:crcl-below-30", "intermediate", "review", None, None),
    ("asra-pain-2018:dabigatran:crcl-below-30", "high", "review", None, None),
    # 1.3: enoxaparin 12 h (prophylactic) / 24 h (therapeutic) at every tier; restart 4 h low, the window 12-24 h.
    ("asra-pain-2018:enoxaparin:prophylactic", "low", "hold", "12 hours", "4 hours"),
    ("asra-pain-2018:enoxaparin:prophylactic", "intermediate", "hold", "12 hours", "12-24 hours"),
    ("asra-pain-2018:enoxaparin:prophylactic", "high", "hold", "12 hours", "12-24 hours"),
    ("asra-pain-2018:enoxaparin:therapeutic", "low", "hold", "24 hours", "4 hours"),
    ("asra-pain-2018:enoxaparin:therapeutic", "intermediate", "hold", "24 hours", "12-24 hours"),
    ("asra-pain-2018:enoxaparin:therapeutic", "high", "hold", "24 hours", "12-24 hours"),
    # 1.3: dalteparin 24 h (one row, applied to both regimens).
    ("asra-pain-2018:dalteparin:prophylactic", "low", "hold", "24 hours", "4 hours"),
    ("asra-pain-2018:dalteparin:prophylactic", "intermediate", "hold", "24 hours", "12-24 hours"),
    ("asra-pain-2018:dalteparin:prophylactic", "high", "hold", "24 hours", "12-24 hours"),
    ("asra-pain-2018:dalteparin:therapeutic", "low", "hold", "24 hours", "4 hours"),
    ("asra-pain-2018:dalteparin:therapeutic", "intermediate", "hold", "24 hours", "12-24 hours"),
    ("asra-pain-2018:dalteparin:therapeutic", "high", "hold", "24 hours", "12-24 hours"),
    # 1.3: UFH IV 6 h, restart 2 h; UFH SC 6 h (24 h high), restart 2 h (6 h high).
    ("asra-pain-2018:heparin:iv", "low", "hold", "6 hours", "2 hours"),
    ("asra-pain-2018:heparin:iv", "intermediate", "hold", "6 hours", "2 hours"),
    ("asra-pain-2018:heparin:iv", "high", "hold", "6 hours", "2 hours"),
    ("asra-pain-2018:heparin:sc", "low", "hold", "6 hours", "2 hours"),
    ("asra-pain-2018:heparin:sc", "intermediate", "hold", "6 hours", "2 hours"),
    ("asra-pain-2018:heparin:sc", "high", "hold", "24 hours", "6 hours"),
    # 1.3 and research 1b [C2]: aspirin for primary prevention: no stop at low risk; shared assessment at
    # intermediate (proposal: the high-risk hold); 6 days, restart 24 h, at high risk.
    ("asra-pain-2018:aspirin:primary-prevention", "low", "continue", None, None),
    ("asra-pain-2018:aspirin:primary-prevention", "intermediate", "review", "6 days", "24 hours"),
    ("asra-pain-2018:aspirin:primary-prevention", "high", "hold", "6 days", "24 hours"),
    # Secondary prevention: shared assessment at intermediate (no hold proposed) and at high risk, where
    # research 1b proposes 6 days / 24 h only with the prescriber's agreement.
    ("asra-pain-2018:aspirin:secondary-prevention", "low", "continue", None, None),
    ("asra-pain-2018:aspirin:secondary-prevention", "intermediate", "review", None, None),
    ("asra-pain-2018:aspirin:secondary-prevention", "high", "review", "6 days", "24 hours"),
    # 1.3 [U] and 7: clopidogrel 7, prasugrel 7-10 -> 10, ticagrelor 5 days; restart 24 h.
    ("asra-pain-2018:clopidogrel", "low", "review", None, None),
    ("asra-pain-2018:clopidogrel", "intermediate", "hold", "7 days", "12-24 hours"),
    ("asra-pain-2018:clopidogrel", "high", "hold", "7 days", "12-24 hours"),
    ("asra-pain-2018:prasugrel", "low", "review", None, None),
    ("asra-pain-2018:prasugrel", "intermediate", "hold", "10 days", "24 hours"),
    ("asra-pain-2018:prasugrel", "high", "hold", "10 days", "24 hours"),
    ("asra-pain-2018:ticagrelor", "low", "review", None, None),
    ("asra-pain-2018:ticagrelor", "intermediate", "hold", "5 days", "24 hours"),
    ("asra-pain-2018:ticagrelor", "high", "hold", "5 days", "24 hours"),
    # 2.3 and 2.4: VKA stop 5 days, resume the evening of the procedure or the next morning: day 0 to +1.
    ("chest-2022:warfarin", "low", "hold", "5 days", "0-1 days"),
    ("chest-2022:warfarin", "intermediate", "hold", "5 days", "0-1 days"),
    ("chest-2022:warfarin", "high", "hold", "5 days", "0-1 days"),
    ("chest-2022:acenocoumarol", "low", "hold", "5 days", "0-1 days"),
    ("chest-2022:acenocoumarol", "intermediate", "hold", "5 days", "0-1 days"),
    ("chest-2022:acenocoumarol", "high", "hold", "5 days", "0-1 days"),
    # 2.2 PAUSE [C]: 1 / 2 days off; resume day +1 / the window day +2 to +3; for the CrCl the 2023 AF table
    # gives (4.5 [C2]: apixaban above 25, rivaroxaban above 30).
    ("chest-2022:apixaban:crcl-25-up", "low", "hold", "1 day", "1 day"),
    ("chest-2022:apixaban:crcl-25-up", "intermediate", "hold", "2 days", "2-3 days"),
    ("chest-2022:apixaban:crcl-25-up", "high", "hold", "2 days", "2-3 days"),
    ("chest-2022:rivaroxaban:crcl-30-up", "low", "hold", "1 day", "1 day"),
    ("chest-2022:rivaroxaban:crcl-30-up", "intermediate", "hold", "2 days", "2-3 days"),
    ("chest-2022:rivaroxaban:crcl-30-up", "high", "hold", "2 days", "2-3 days"),
    # 2.3 and 4.5: edoxaban (not in PAUSE) 1 / 2 days above CrCl 15.
    ("chest-2022:edoxaban:crcl-15-up", "low", "hold", "1 day", "1 day"),
    ("chest-2022:edoxaban:crcl-15-up", "intermediate", "hold", "2 days", "2-3 days"),
    ("chest-2022:edoxaban:crcl-15-up", "high", "hold", "2 days", "2-3 days"),
    # 4.5 footnote and research 3c [C2]: below the tabled CrCl few data, hold 1 to 3 extra days -> review,
    # proposing +3 (low 4 days, high 5 days) with PAUSE's restarts (2.2: day +1 / day +3).
    ("chest-2022:apixaban:crcl-below-25", "low", "review", "4 days", "1 day"),
    ("chest-2022:apixaban:crcl-below-25", "intermediate", "review", "5 days", "2-3 days"),
    ("chest-2022:apixaban:crcl-below-25", "high", "review", "5 days", "2-3 days"),
    ("chest-2022:rivaroxaban:crcl-below-30", "low", "review", "4 days", "1 day"),
    ("chest-2022:rivaroxaban:crcl-below-30", "intermediate", "review", "5 days", "2-3 days"),
    ("chest-2022:rivaroxaban:crcl-below-30", "high", "review", "5 days", "2-3 days"),
    ("chest-2022:edoxaban:crcl-below-15", "low", "review", "4 days", "1 day"),
    ("chest-2022:edoxaban:crcl-below-15", "intermediate", "review", "5 days", "2-3 days"),
    ("chest-2022:edoxaban:crcl-below-15", "high", "review", "5 days", "2-3 days"),
    # 2.2: dabigatran CrCl >= 50: 1 / 2 days; CrCl < 50: 2 / 4 days; below 30 not studied.
    ("chest-2022:dabigatran:crcl-50-up", "low", "hold", "1 day", "1 day"),
    ("chest-2022:dabigatran:crcl-50-up", "intermediate", "hold", "2 days", "2-3 days"),
    ("chest-2022:dabigatran:crcl-50-up", "high", "hold", "2 days", "2-3 days"),
    ("chest-2022:dabigatran:crcl-30-50", "low", "hold", "2 days", "1 day"),
    ("chest-2022:dabigatran:crcl-30-50", "intermediate", "hold", "4 days", "2-3 days"),
    ("chest-2022:dabigatran:crcl-30-50", "high", "hold", "4 days", "2-3 days"),
    ("chest-2022:dabigatran:crcl-below-30", "low", "review", None, None),
    ("chest-2022:dabigatran:crcl-below-30", "intermediate", "review", None, None),
    ("chest-2022:dabigatran:crcl-below-30", "high", "review", None, None),
    # 2.3: LMWH last dose ~24 h before; resume >= 24 h (low) / the window 48-72 h (high).
    ("chest-2022:enoxaparin:therapeutic", "low", "hold", "24 hours", "24 hours"),
    ("chest-2022:enoxaparin:therapeutic", "intermediate", "hold", "24 hours", "48-72 hours"),
    ("chest-2022:enoxaparin:therapeutic", "high", "hold", "24 hours", "48-72 hours"),
    ("chest-2022:dalteparin:therapeutic", "low", "hold", "24 hours", "24 hours"),
    ("chest-2022:dalteparin:therapeutic", "intermediate", "hold", "24 hours", "48-72 hours"),
    ("chest-2022:dalteparin:therapeutic", "high", "hold", "24 hours", "48-72 hours"),
    # No CHEST interval for prophylactic LMWH: ASRA's 12 h with CHEST's restart, proposed for review.
    ("chest-2022:enoxaparin:prophylactic", "low", "review", "12 hours", "24 hours"),
    ("chest-2022:enoxaparin:prophylactic", "intermediate", "review", "12 hours", "48-72 hours"),
    ("chest-2022:enoxaparin:prophylactic", "high", "review", "12 hours", "48-72 hours"),
    ("chest-2022:dalteparin:prophylactic", "low", "review", "12 hours", "24 hours"),
    ("chest-2022:dalteparin:prophylactic", "intermediate", "review", "12 hours", "48-72 hours"),
    ("chest-2022:dalteparin:prophylactic", "high", "review", "12 hours", "48-72 hours"),
    # IV heparin: CHEST 4 h, ASRA 6 h -> 6 h; LMWH-style restart.
    ("chest-2022:heparin:iv", "low", "hold", "6 hours", "24 hours"),
    ("chest-2022:heparin:iv", "intermediate", "hold", "6 hours", "48-72 hours"),
    ("chest-2022:heparin:iv", "high", "hold", "6 hours", "48-72 hours"),
    # SC heparin: no CHEST interval; ASRA's 6 h / 24 h high, proposed for review.
    ("chest-2022:heparin:sc", "low", "review", "6 hours", "24 hours"),
    ("chest-2022:heparin:sc", "intermediate", "review", "24 hours", "48-72 hours"),
    ("chest-2022:heparin:sc", "high", "review", "24 hours", "48-72 hours"),
    # 2.3: aspirin continued in most; if stopped, 7 days or less.
    ("chest-2022:aspirin", "low", "continue", None, None),
    ("chest-2022:aspirin", "intermediate", "review", "7 days", "1 day"),  # CHEST's intermediate = high
    ("chest-2022:aspirin", "high", "review", "7 days", "1 day"),
    # 2.3 and 4.6: clopidogrel 5, ticagrelor 3-5 -> 5, prasugrel 7 days; resume within 24 h.
    ("chest-2022:clopidogrel", "low", "review", None, None),
    ("chest-2022:clopidogrel", "intermediate", "hold", "5 days", "1 day"),
    ("chest-2022:clopidogrel", "high", "hold", "5 days", "1 day"),
    ("chest-2022:prasugrel", "low", "review", None, None),
    ("chest-2022:prasugrel", "intermediate", "hold", "7 days", "1 day"),
    ("chest-2022:prasugrel", "high", "hold", "7 days", "1 day"),
    ("chest-2022:ticagrelor", "low", "review", None, None),
    ("chest-2022:ticagrelor", "intermediate", "hold", "5 days", "1 day"),
    ("chest-2022:ticagrelor", "high", "hold", "5 days", "1 day"),
    # --- issue 3: the wider classes -------------------------------------------------------------
    # 1.3 [C2] and research 2b: dipyridamole and cilostazol 2 days before high-risk procedures only; restart
    # 24 h (dipyridamole's restart cell is blank in 2018, 24 h in the 2015 edition).
    ("asra-pain-2018:dipyridamole", "low", "continue", None, None),
    ("asra-pain-2018:dipyridamole", "intermediate", "continue", None, None),
    ("asra-pain-2018:dipyridamole", "high", "hold", "2 days", "24 hours"),
    ("asra-pain-2018:cilostazol", "low", "continue", None, None),
    ("asra-pain-2018:cilostazol", "intermediate", "continue", None, None),
    ("asra-pain-2018:cilostazol", "high", "hold", "2 days", "24 hours"),
    # 1.3 "aspirin combinations" and research 1b [C2]: no stop at low risk (inferred); shared assessment at
    # intermediate; "follow the aspirin recommendation" at high: secondary prevention, proposal 6 days / 24 h.
    ("asra-pain-2018:aspirin-dipyridamole", "low", "continue", None, None),
    ("asra-pain-2018:aspirin-dipyridamole", "intermediate", "review", None, None),
    ("asra-pain-2018:aspirin-dipyridamole", "high", "review", "6 days", "24 hours"),
    # 1.3 [U] and research 2b [U]: ticlopidine, ASRA regional (Horlocker 2018) 10 days; review at low risk.
    ("asra-pain-2018:ticlopidine", "low", "review", None, None),
    ("asra-pain-2018:ticlopidine", "intermediate", "hold", "10 days", "24 hours"),
    ("asra-pain-2018:ticlopidine", "high", "hold", "10 days", "24 hours"),
    # Research 2b [C2, 2015 edition]: GP IIb/IIIa infusions are review at every tier; the high-risk column
    # proposes abciximab 2-5 days -> 5 days and eptifibatide/tirofiban 8-24 h -> 24 h, and the restart window 8-12 h.
    # The notes give no proposal at low or intermediate risk.
    ("asra-pain-2018:abciximab", "low", "review", None, None),
    ("asra-pain-2018:abciximab", "intermediate", "review", None, None),
    ("asra-pain-2018:abciximab", "high", "review", "5 days", "8-12 hours"),
    ("asra-pain-2018:eptifibatide-tirofiban", "low", "review", None, None),
    ("asra-pain-2018:eptifibatide-tirofiban", "intermediate", "review", None, None),
    ("asra-pain-2018:eptifibatide-tirofiban", "high", "review", "24 hours", "8-12 hours"),
    # 1.3 [U] and research 3b: fondaparinux 4 days / 24 h at intermediate and high; shared assessment at low.
    ("asra-pain-2018:fondaparinux", "low", "review", None, None),
    ("asra-pain-2018:fondaparinux", "intermediate", "hold", "4 days", "24 hours"),
    ("asra-pain-2018:fondaparinux", "high", "hold", "4 days", "24 hours"),
    # Research 3b [C2]: ESAIC/ESRA 2022, about 7 days to a normal INR; review at low risk as for warfarin.
    # Restart: the seed's day after (0 [C]; 7, the VKA restart); research 3b's 24 hours is [U].
    ("esaic-esra-2022:phenprocoumon", "low", "review", None, None),
    ("esaic-esra-2022:phenprocoumon", "intermediate", "hold", "7 days", "1 day"),
    ("esaic-esra-2022:phenprocoumon", "high", "hold", "7 days", "1 day"),
    # Research 3b [U]: the LMWH rows of 1.3 applied to tinzaparin: prophylactic 12 h, therapeutic 24 h at every
    # tier; restart 4 h at low risk, 12-24 h -> 24 h at intermediate and high.
    ("asra-pain-2018:tinzaparin:prophylactic", "low", "hold", "12 hours", "4 hours"),
    ("asra-pain-2018:tinzaparin:prophylactic", "intermediate", "hold", "12 hours", "24 hours"),
    ("asra-pain-2018:tinzaparin:prophylactic", "high", "hold", "12 hours", "24 hours"),
    ("asra-pain-2018:tinzaparin:therapeutic", "low", "hold", "24 hours", "4 hours"),
    ("asra-pain-2018:tinzaparin:therapeutic", "intermediate", "hold", "24 hours", "24 hours"),
    ("asra-pain-2018:tinzaparin:therapeutic", "high", "hold", "24 hours", "24 hours"),
    # 1.3 [C2] and research 4b: NSAIDs continued at low and intermediate risk; five half-lives before high-risk
    # procedures: ibuprofen, diclofenac, ketorolac 1 day; etodolac, indomethacin 2; naproxen, meloxicam 4;
    # nabumetone 6; oxaprozin, piroxicam 10; restart 24 h.
    ("asra-pain-2018:ibuprofen", "low", "continue", None, None),
    ("asra-pain-2018:ibuprofen", "intermediate", "continue", None, None),
    ("asra-pain-2018:ibuprofen", "high", "hold", "1 day", "24 hours"),
    ("asra-pain-2018:diclofenac", "low", "continue", None, None),
    ("asra-pain-2018:diclofenac", "intermediate", "continue", None, None),
    ("asra-pain-2018:diclofenac", "high", "hold", "1 day", "24 hours"),
    ("asra-pain-2018:ketorolac", "low", "continue", None, None),
    ("asra-pain-2018:ketorolac", "intermediate", "continue", None, None),
    ("asra-pain-2018:ketorolac", "high", "hold", "1 day", "24 hours"),
    ("asra-pain-2018:etodolac", "low", "continue", None, None),
    ("asra-pain-2018:etodolac", "intermediate", "continue", None, None),
    ("asra-pain-2018:etodolac", "high", "hold", "2 days", "24 hours"),
    ("asra-pain-2018:indomethacin", "low", "continue", None, None),
    ("asra-pain-2018:indomethacin", "intermediate", "continue", None, None),
    ("asra-pain-2018:indomethacin", "high", "hold", "2 days", "24 hours"),
    ("asra-pain-2018:naproxen", "low", "continue", None, None),
    ("asra-pain-2018:naproxen", "intermediate", "continue", None, None),
    ("asra-pain-2018:naproxen", "high", "hold", "4 days", "24 hours"),
    ("asra-pain-2018:meloxicam", "low", "continue", None, None),
    ("asra-pain-2018:meloxicam", "intermediate", "continue", None, None),
    ("asra-pain-2018:meloxicam", "high", "hold", "4 days", "24 hours"),
    ("asra-pain-2018:nabumetone", "low", "continue", None, None),
    ("asra-pain-2018:nabumetone", "intermediate", "continue", None, None),
    ("asra-pain-2018:nabumetone", "high", "hold", "6 days", "24 hours"),
    ("asra-pain-2018:oxaprozin", "low", "continue", None, None),
    ("asra-pain-2018:oxaprozin", "intermediate", "continue", None, None),
    ("asra-pain-2018:oxaprozin", "high", "hold", "10 days", "24 hours"),
    ("asra-pain-2018:piroxicam", "low", "continue", None, None),
    ("asra-pain-2018:piroxicam", "intermediate", "continue", None, None),
    ("asra-pain-2018:piroxicam", "high", "hold", "10 days", "24 hours"),
    # Research 4b [C2]: "non-aspirin NSAIDs (excluding celecoxib)": COX-2 selective agents continued.
    ("asra-pain-2018:cox2-inhibitor", "low", "continue", None, None),
    ("asra-pain-2018:cox2-inhibitor", "intermediate", "continue", None, None),
    ("asra-pain-2018:cox2-inhibitor", "high", "continue", None, None),
    # 5.6 [C] (UKCPA: continue SSRIs) and research 5b (ASRA 2018 [U]: consider stopping only before high-risk
    # procedures, with the prescriber, no fixed interval): the more cautious reading at high risk is review.
    ("ukcpa:ssri-snri", "low", "continue", None, None),
    ("ukcpa:ssri-snri", "intermediate", "continue", None, None),
    ("ukcpa:ssri-snri", "high", "review", None, None),
    # Research 5b: supplements continued at low and intermediate risk, review at high. Proposals, restart 24 h:
    # garlic and ginseng 7 days (Ang-Lee [C2]; it corrects 1.3's 24 h for ginseng); ginkgo 3 days (the [C2]
    # summary; the recalled 36 h is [U] and shorter). Fish oil and vitamin E: 7 days is [U] only, and those
    # rows are not marked U, so no interval may ship (issue 3).
    ("asra-pain-2018:garlic", "low", "continue", None, None),
    ("asra-pain-2018:garlic", "intermediate", "continue", None, None),
    ("asra-pain-2018:garlic", "high", "review", "7 days", "24 hours"),
    ("asra-pain-2018:ginseng", "low", "continue", None, None),
    ("asra-pain-2018:ginseng", "intermediate", "continue", None, None),
    ("asra-pain-2018:ginseng", "high", "review", "7 days", "24 hours"),
    ("asra-pain-2018:ginkgo", "low", "continue", None, None),
    ("asra-pain-2018:ginkgo", "intermediate", "continue", None, None),
    ("asra-pain-2018:ginkgo", "high", "review", "3 days", "24 hours"),
    ("asra-pain-2018:fish-oil", "low", "continue", None, None),
    ("asra-pain-2018:fish-oil", "intermediate", "continue", None, None),
    ("asra-pain-2018:fish-oil", "high", "review", None, None),
    ("asra-pain-2018:vitamin-e", "low", "continue", None, None),
    ("asra-pain-2018:vitamin-e", "intermediate", "continue", None, None),
    ("asra-pain-2018:vitamin-e", "high", "review", None, None),
    # 5.1, 7 and research 6b [C2]: FDA, at least 3 days (ertugliflozin 4), counted in whole days (6); restart
    # when eating and drinking normally, day +1 at the earliest. Every tier alike (fasting, not bleeding).
    ("fda-2020:sglt2-inhibitor", "low", "hold", "3 days", "1 day"),
    ("fda-2020:sglt2-inhibitor", "intermediate", "hold", "3 days", "1 day"),
    ("fda-2020:sglt2-inhibitor", "high", "hold", "3 days", "1 day"),
    ("fda-2020:ertugliflozin", "low", "hold", "4 days", "1 day"),
    ("fda-2020:ertugliflozin", "intermediate", "hold", "4 days", "1 day"),
    ("fda-2020:ertugliflozin", "high", "hold", "4 days", "1 day"),
    # 5.2 and 7 [C]: multisociety 2024: continue (24 h liquid diet); a weekly agent is a higher-risk feature, so
    # review, proposing the ASA 2023 week (research 6b).
    ("multisociety-2024:glp1-ra:daily", "low", "continue", None, None),
    ("multisociety-2024:glp1-ra:daily", "intermediate", "continue", None, None),
    ("multisociety-2024:glp1-ra:daily", "high", "continue", None, None),
    ("multisociety-2024:glp1-ra:weekly", "low", "review", "7 days", "1 day"),
    ("multisociety-2024:glp1-ra:weekly", "intermediate", "review", "7 days", "1 day"),
    ("multisociety-2024:glp1-ra:weekly", "high", "review", "7 days", "1 day"),
    # 5.2 [C]: ASA 2023: a daily agent held on the day of the procedure (0 days; no dose that day, so the next
    # is on day +1), a weekly agent a week before (7 days), restarting at the next usual dose (research 6b).
    ("asa-2023:glp1-ra:daily", "low", "hold", "0 days", "1 day"),
    ("asa-2023:glp1-ra:daily", "intermediate", "hold", "0 days", "1 day"),
    ("asa-2023:glp1-ra:daily", "high", "hold", "0 days", "1 day"),
    ("asa-2023:glp1-ra:weekly", "low", "hold", "7 days", "1 day"),
    ("asa-2023:glp1-ra:weekly", "intermediate", "hold", "7 days", "1 day"),
    ("asa-2023:glp1-ra:weekly", "high", "hold", "7 days", "1 day"),
    # 5.3 [C]: ACR category I (eGFR 30 or more): no need to stop; category II (below 30): stop at the time of
    # the procedure (0 days), withhold 48 h after.
    ("acr-2021:metformin:egfr-30-up", "low", "continue", None, None),
    ("acr-2021:metformin:egfr-30-up", "intermediate", "continue", None, None),
    ("acr-2021:metformin:egfr-30-up", "high", "continue", None, None),
    ("acr-2021:metformin:egfr-below-30", "low", "hold", "0 days", "48 hours"),
    ("acr-2021:metformin:egfr-below-30", "intermediate", "hold", "0 days", "48 hours"),
    ("acr-2021:metformin:egfr-below-30", "high", "hold", "0 days", "48 hours"),
    # 5.4 [C2] and research 6b: sulfonylureas withheld the morning of the procedure (0 days), restarted with the
    # next usual dose after it (day 0).
    ("ada:sulfonylurea", "low", "hold", "0 days", "0 days"),
    ("ada:sulfonylurea", "intermediate", "hold", "0 days", "0 days"),
    ("ada:sulfonylurea", "high", "hold", "0 days", "0 days"),
    # 5.4 and research 6b: insulin doses change on a fasting day (dose changes, not holds): review.
    ("ada:insulin", "low", "review", None, None),
    ("ada:insulin", "intermediate", "review", None, None),
    ("ada:insulin", "high", "review", None, None),
    # 5.6 [C] UKCPA: lithium continued for minor surgery, stopped 24 h before major, restarted when next due:
    # review (which is this?), proposing 24 h / day 0.
    ("ukcpa:lithium", "low", "review", "24 hours", "0 days"),
    ("ukcpa:lithium", "intermediate", "review", "24 hours", "0 days"),
    ("ukcpa:lithium", "high", "review", "24 hours", "0 days"),
    # 5.6 [C]: irreversible MAOIs planned with the anaesthetist and psychiatrist: review, no interval.
    ("ukcpa:maoi", "low", "review", None, None),
    ("ukcpa:maoi", "intermediate", "review", None, None),
    ("ukcpa:maoi", "high", "review", None, None),
]


@pytest.mark.parametrize(
    ("rule_id", "tier", "action", "hold", "resume"),
    REFERENCE,
    ids=[f"{rule_id}-{tier}" for rule_id, tier, *_ in REFERENCE],
)
def test_rule_gives_the_reference_numbers(table, rule_id, tier, action, hold, resume):
    """Each rule's tier gives the action, hold and restart the clinical reference gives."""
    (rule,) = [r for r in table.rules if r.rule_id == rule_id]
    got = rule.tier(BleedingRisk(tier))
    assert got.action.value == action
    assert (None if got.hold is None else str(got.hold)) == hold
    said = None if got.resume is None else str(got.resume)
    if got.resume_until is not None:
        said = f"{got.resume.amount}-{got.resume_until.amount} {got.resume_until.unit.value}"
    assert said == resume


def test_reference_covers_every_rule_and_tier():
    """The reference list names every rule of the table, each tier exactly once."""
    listed = sorted((rule_id, tier) for rule_id, tier, *_ in REFERENCE)
    expected = sorted((rule_id, risk.value) for rule_id in RULE_IDS for risk in BleedingRisk)
    assert listed == expected


# --- broken copies --------------------------------------------------------------------------


def at(row: int | None, column: str | None, problem: str) -> str:
    """The message a TableError gives for a problem at ``row``/``column`` of the file."""
    where = FILE if row is None else f"{FILE}, row {row}"
    if column is not None:
        where += f": column '{column}'"
    return f"{where}: {problem}"


W = ROW["chest-2022:warfarin"]
ASPIRIN = ROW["chest-2022:aspirin"]
APIXABAN = ROW["chest-2022:apixaban:crcl-25-up"]
DABI_50_UP = ROW["chest-2022:dabigatran:crcl-50-up"]
DABI_30_50 = ROW["chest-2022:dabigatran:crcl-30-50"]

# (broken text, row, column, exact message)
BROKEN = [
    pytest.param(
        # one enoxaparin row names no regimen: a therapeutic order would match two rows
        with_cells("chest-2022:enoxaparin:prophylactic", regimen=""),
        ROW["chest-2022:enoxaparin:prophylactic"],
        "regimen",
        f"{FILE}, row {ROW['chest-2022:enoxaparin:prophylactic']}: column 'regimen': must be given in every row"
        f" of chest-2022 enoxaparin or in none (row {ROW['chest-2022:enoxaparin:therapeutic']} differs)",
        id="regimen-in-some-rows-only",
    ),
    pytest.param(
        # a second warfarin row under a new id: the same guideline, class and no band
        with_cells("chest-2022:acenocoumarol", drug_class="warfarin", drugs="warfarin", brands=""),
        ROW["chest-2022:acenocoumarol"],
        "rule_id",
        f"{FILE}, row {ROW['chest-2022:acenocoumarol']}: column 'rule_id': repeats row {W}'s rule for"
        " chest-2022 warfarin: one row per variant, regimen, route, indication and renal band",
        id="row-repeats-another",
    ),
    pytest.param(
        with_cells("chest-2022:clopidogrel", low_resume="1 day"),
        ROW["chest-2022:clopidogrel"],
        "low_hold",
        f"{FILE}, row {ROW['chest-2022:clopidogrel']}: column 'low_hold': must give the hold when a restart is given",
        id="review-restart-without-hold",
    ),
    pytest.param(
        without_column("note"),
        1,
        None,
        f"{FILE}, row 1: missing columns: note",
        id="missing-column",
    ),
    pytest.param(
        without_column("source"),
        1,
        None,
        f"{FILE}, row 1: missing columns: source",
        id="missing-source-column",
    ),
    pytest.param(
        with_extra_column("comment"),
        1,
        None,
        f"{FILE}, row 1: unknown columns: comment",
        id="unknown-column",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", source=""),
        W,
        "source",
        f"{FILE}, row {W}: column 'source': must cite the guideline (author, year, table)",
        id="empty-source",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", source="   "),
        W,
        "source",
        f"{FILE}, row {W}: column 'source': must cite the guideline (author, year, table)",
        id="blank-source",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_action="stop"),
        W,
        "high_action",
        f"{FILE}, row {W}: column 'high_action': must be one of continue, hold, review (got 'stop')",
        id="unknown-action",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="5"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be 'N days' or 'N hours' (got '5')",
        id="hold-without-unit",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="2 weeks"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be 'N days' or 'N hours' (got '2 weeks')",
        id="hold-in-weeks",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="5 Days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be 'N days' or 'N hours' (got '5 Days')",
        id="hold-unit-capitalised",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="400 days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be at most 60 days (got '400 days')",
        id="absurd-hold",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="61 days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be at most 60 days (got '61 days')",
        id="hold-one-day-too-long",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="1441 hours"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be at most 1440 hours (got '1441 hours')",
        id="hold-one-hour-too-long",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold=""),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must give the hold when the action is hold",
        id="hold-action-without-hold",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_resume=""),
        W,
        "high_resume",
        f"{FILE}, row {W}: column 'high_resume': must give the restart when the action is hold",
        id="hold-action-without-resume",
    ),
    pytest.param(
        with_cells("chest-2022:aspirin", high_resume=""),
        ASPIRIN,
        "high_resume",
        f"{FILE}, row {ASPIRIN}: column 'high_resume': must give the restart when a hold is given",
        id="review-hold-without-resume",
    ),
    pytest.param(
        with_cells("chest-2022:aspirin", low_hold="7 days"),
        ASPIRIN,
        "low_hold",
        f"{FILE}, row {ASPIRIN}: column 'low_hold': must be empty when the action is continue",
        id="continue-with-hold",
    ),
    pytest.param(
        with_cells("chest-2022:aspirin", low_resume="1 day"),
        ASPIRIN,
        "low_resume",
        f"{FILE}, row {ASPIRIN}: column 'low_resume': must be empty when the action is continue",
        id="continue-with-resume",
    ),
    pytest.param(
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="35"),
        DABI_30_50,
        "crcl_min",
        f"{FILE}, row {DABI_30_50}: column 'crcl_min': leaves a gap after the renal band"
        f" of row {ROW['chest-2022:dabigatran:crcl-below-30']}: bands of chest-2022 dabigatran must meet at CrCl 30",
        id="renal-band-gap",
    ),
    pytest.param(
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="25"),
        DABI_30_50,
        "crcl_min",
        f"{FILE}, row {DABI_30_50}: column 'crcl_min': overlaps the renal band"
        f" of row {ROW['chest-2022:dabigatran:crcl-below-30']}: bands of chest-2022 dabigatran must meet at CrCl 30",
        id="renal-band-overlap",
    ),
    pytest.param(
        with_cells("chest-2022:dabigatran:crcl-50-up", crcl_max="900"),
        DABI_50_UP,
        "crcl_max",
        f"{FILE}, row {DABI_50_UP}: column 'crcl_max':"
        " the highest band of chest-2022 dabigatran must have no upper bound",
        id="renal-bands-stop-short",
    ),
    pytest.param(
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="50"),
        DABI_30_50,
        "crcl_max",
        f"{FILE}, row {DABI_30_50}: column 'crcl_max': must be above crcl_min (got 50 to 50)",
        id="empty-renal-band",
    ),
    pytest.param(
        with_cells(
            "asra-pain-2018:dabigatran:crcl-30-50", intermediate_hold="4 days", high_hold="4 days"
        ),
        ROW["asra-pain-2018:dabigatran:crcl-30-50"],
        "intermediate_hold",
        f"{FILE}, row {ROW['asra-pain-2018:dabigatran:crcl-30-50']}: column 'intermediate_hold':"
        " the intermediate-risk hold is shorter than in the band above it"
        f" (row {ROW['asra-pain-2018:dabigatran:crcl-50-up']}): holds must not shorten as CrCl falls",
        id="lower-crcl-shorter-hold",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", high_hold="4 days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': the high-risk hold is shorter than the low-risk hold",
        id="higher-tier-shorter-hold",
    ),
    pytest.param(
        with_cells("chest-2022:apixaban:crcl-25-up", high_hold="1 day"),
        APIXABAN,
        "high_hold",
        f"{FILE}, row {APIXABAN}: column 'high_hold':"
        " the high-risk hold is shorter than the intermediate-risk hold",
        id="high-shorter-than-intermediate",
    ),
    pytest.param(
        # 23 hours is less than the low tier's 1 day, read as 24 hours
        with_cells("chest-2022:apixaban:crcl-25-up", intermediate_hold="23 hours"),
        APIXABAN,
        "intermediate_hold",
        f"{FILE}, row {APIXABAN}: column 'intermediate_hold':"
        " the intermediate-risk hold is shorter than the low-risk hold",
        id="hours-shorter-than-a-day",
    ),
    pytest.param(
        with_cells(
            "chest-2022:aspirin",
            low_action="review",
            low_hold="7 days",
            low_resume="1 day",
            intermediate_action="continue",
            intermediate_hold="",
            intermediate_resume="",
            high_action="continue",
            high_hold="",
            high_resume="",
        ),
        ASPIRIN,
        "intermediate_hold",
        f"{FILE}, row {ASPIRIN}: column 'intermediate_hold':"
        " the intermediate-risk hold is shorter than the low-risk hold",
        id="continue-above-a-hold",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", brands="Coumadin; Marevan; Jantoven; Eliquis"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': 'Eliquis' already names apixaban (class apixaban)"
        f" at row {ROW['asra-pain-2018:apixaban']}, here warfarin (class warfarin); a name must resolve to one drug",
        id="brand-names-another-drug",
    ),
    pytest.param(
        # the first row to use a name keeps it: the clash is reported at the later row
        with_cells("asra-pain-2018:warfarin", brands="Coumadin; Marevan; Jantoven; Eliquis"),
        ROW["asra-pain-2018:apixaban"],
        "brands",
        f"{FILE}, row {ROW['asra-pain-2018:apixaban']}: column 'brands': 'Eliquis' already names"
        f" warfarin (class warfarin) at row {ROW['asra-pain-2018:warfarin']}, here apixaban (class apixaban);"
        " a name must resolve to one drug",
        id="brand-names-another-drug-earlier",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", brands="Coumadin; ELI QUIS"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': 'ELI QUIS' already names apixaban (class apixaban)"
        f" at row {ROW['asra-pain-2018:apixaban']}, here warfarin (class warfarin); a name must resolve to one drug",
        id="brand-clash-despite-case-and-space",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", brands="Coumadin=apixaban"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': 'Coumadin=apixaban' names 'apixaban',"
        " which is not in the row's drugs",
        id="brand-of-a-drug-not-in-the-row",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", brands="Coumadin;;Marevan"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': has an empty name between ';' separators"
        " (got 'Coumadin;;Marevan')",
        id="empty-brand",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", drugs=""),
        W,
        "drugs",
        f"{FILE}, row {W}: column 'drugs': must name at least one drug",
        id="no-drug",
    ),
    pytest.param(
        with_rule_id("chest-2022:acenocoumarol", "chest-2022:warfarin"),
        ROW["chest-2022:acenocoumarol"],
        "rule_id",
        f"{FILE}, row {ROW['chest-2022:acenocoumarol']}: column 'rule_id':"
        f" 'chest-2022:warfarin' is already used at row {W}",
        id="duplicate-rule-id",
    ),
    pytest.param(
        with_rule_id("chest-2022:warfarin", "Chest-2022:warfarin"),
        W,
        "rule_id",
        f"{FILE}, row {W}: column 'rule_id': must be lower-case letters, digits and - . :"
        " (got 'Chest-2022:warfarin')",
        id="rule-id-not-a-slug",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", check_max=""),
        W,
        "check_max",
        f"{FILE}, row {W}: column 'check_max': must be given exactly when check_test is",
        id="check-test-without-max",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", check_day=""),
        W,
        "check_day",
        f"{FILE}, row {W}: column 'check_day': must be given exactly when check_test is",
        id="check-test-without-day",
    ),
    pytest.param(
        with_cells("chest-2022:apixaban:crcl-25-up", check_max="1.5"),
        APIXABAN,
        "check_max",
        f"{FILE}, row {APIXABAN}: column 'check_max': must be given exactly when check_test is",
        id="check-max-without-test",
    ),
    pytest.param(
        with_cells("acr-2021:metformin:egfr-below-30", check_max="1.5"),
        ROW["acr-2021:metformin:egfr-below-30"],
        "check_max",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'check_max':"
        " must be empty for an eGFR check (its result is read against the baseline)",
        id="egfr-check-with-max",
    ),
    pytest.param(
        with_cells("acr-2021:metformin:egfr-below-30", check_day="-1"),
        ROW["acr-2021:metformin:egfr-below-30"],
        "check_day",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'check_day':"
        " must be between 1 and 14 (got '-1')",
        id="egfr-check-before-the-procedure",
    ),
    pytest.param(
        with_cells("acr-2021:metformin:egfr-below-30", check_day=""),
        ROW["acr-2021:metformin:egfr-below-30"],
        "check_day",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'check_day':"
        " must be given exactly when check_test is",
        id="egfr-check-without-day",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", check_test="aPTT"),
        W,
        "check_test",
        f"{FILE}, row {W}: column 'check_test': must be one of INR, eGFR (got 'aPTT')",
        id="unknown-check-test",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", evidence="maybe"),
        W,
        "evidence",
        f"{FILE}, row {W}: column 'evidence': must be one of C, C2, U (got 'maybe')",
        id="unknown-evidence",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", evidence=""),
        W,
        "evidence",
        f"{FILE}, row {W}: column 'evidence': must not be empty",
        id="empty-evidence",
    ),
    pytest.param(
        with_cells("chest-2022:enoxaparin:therapeutic", regimen="treatment"),
        ROW["chest-2022:enoxaparin:therapeutic"],
        "regimen",
        f"{FILE}, row {ROW['chest-2022:enoxaparin:therapeutic']}: column 'regimen':"
        " must be one of prophylactic, therapeutic, daily, weekly (got 'treatment')",
        id="unknown-regimen",
    ),
    pytest.param(
        with_cells("chest-2022:heparin:sc", route="im"),
        ROW["chest-2022:heparin:sc"],
        "route",
        f"{FILE}, row {ROW['chest-2022:heparin:sc']}: column 'route':"
        " must be one of oral, iv, sc (got 'im')",
        id="unknown-route",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", group="nsaid"),
        W,
        "group",
        f"{FILE}, row {W}: column 'group': must be one of oral-anticoagulant,"
        " parenteral-anticoagulant, antiplatelet, aspirin (got 'nsaid')",
        id="unknown-group",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", dosing=""),
        W,
        "dosing",
        f"{FILE}, row {W}: column 'dosing': must not be empty",
        id="empty-dosing",
    ),
    pytest.param(
        with_cells("chest-2022:clopidogrel", review_reason=""),
        ROW["chest-2022:clopidogrel"],
        "review_reason",
        f"{FILE}, row {ROW['chest-2022:clopidogrel']}: column 'review_reason':"
        " must say what to find out when a tier's action is review",
        id="review-without-reason",
    ),
    pytest.param(
        with_row_cut("chest-2022:warfarin"),
        W,
        None,
        f"{FILE}, row {W}: has fewer cells than the header",
        id="too-few-cells",
    ),
    pytest.param(
        BUNDLED + 'chest-2022:x,"unterminated\n',
        len(RULES) + 2,
        None,
        f"{FILE}, row {len(RULES) + 2}: not valid CSV: unexpected end of data",
        id="unterminated-quote",
    ),
    pytest.param(
        BUNDLED.replace(",chest-2022,warfarin,", ',"chest-2022"x,warfarin,', 1),
        W,
        None,
        f"{FILE}, row {W}: not valid CSV: ',' expected after '\"'",
        id="text-after-closing-quote",
    ),
    pytest.param(
        _write(_records()[:1]),
        None,
        None,
        f"{FILE}: has no rows",
        id="header-only",
    ),
    pytest.param(
        # a row banded both ways: which of the patient's numbers would choose it?
        with_cells("acr-2021:metformin:egfr-30-up", crcl_min="30"),
        ROW["acr-2021:metformin:egfr-30-up"],
        "egfr_min",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-30-up']}: column 'egfr_min': a row is banded by CrCl or by eGFR, not both",
        id="banded-by-crcl-and-egfr",
    ),
    pytest.param(
        # one row of a class banded by eGFR among rows banded by CrCl
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="", crcl_max="", egfr_min="30", egfr_max="50"),
        DABI_30_50,
        "crcl_min",
        f"{FILE}, row {DABI_30_50}: column 'crcl_min': must band every row of chest-2022 dabigatran by CrCl",
        id="bands-by-two-measures",
    ),
    pytest.param(
        # metformin's rule depends on contrast in one row and on fasting in the other
        with_cells("acr-2021:metformin:egfr-below-30", condition="fasting"),
        ROW["acr-2021:metformin:egfr-below-30"],
        "condition",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'condition': must be the same in every"
        f" row of * metformin (row {ROW['acr-2021:metformin:egfr-30-up']} differs)",
        id="condition-differs-within-a-class",
    ),
    pytest.param(
        # a brand in a class of two drugs must say which one it is
        with_cells("asra-pain-2018:eptifibatide-tirofiban", brands="Integrilin; Aggrastat=tirofiban"),
        ROW["asra-pain-2018:eptifibatide-tirofiban"],
        "brands",
        f"{FILE}, row {ROW['asra-pain-2018:eptifibatide-tirofiban']}: column 'brands': must name each entry's drug"
        " when the class has several: 'Name=generic' (got 'Integrilin')",
        id="brand-without-its-drug-in-a-class-of-several",
    ),
    pytest.param(
        with_cells("chest-2022:warfarin", atc="B01AA3"),
        W,
        "atc",
        f"{FILE}, row {W}: column 'atc': must be 7-character WHO ATC codes such as B01AF02 (got 'B01AA3')",
        id="atc-code-malformed",
    ),
]


@pytest.mark.parametrize(("text", "row", "column", "message"), BROKEN)
def test_broken_copy_is_refused(text, row, column, message):
    """A copy of the table with one thing broken is refused with the file, row, column and problem."""
    with pytest.raises(medplan.TableError) as info:
        parse_table(text, FILE)
    assert str(info.value) == message
    assert (info.value.file, info.value.row, info.value.column) == (FILE, row, column)
    assert message == at(row, column, info.value.problem)


@pytest.mark.parametrize(
    ("rule_id", "cells"),
    [
        pytest.param("chest-2022:warfarin", {"high_hold": "60 days"}, id="hold-60-days"),
        pytest.param("chest-2022:warfarin", {"high_hold": "1440 hours"}, id="hold-1440-hours"),
        pytest.param(
            "chest-2022:apixaban:crcl-25-up",
            {"intermediate_hold": "24 hours", "high_hold": "24 hours"},
            id="24-hours-equals-1-day",
        ),
        pytest.param("chest-2022:warfarin", {"group": ""}, id="no-group"),
    ],
)
def test_edge_of_the_rules_is_accepted(rule_id, cells):
    """A value just inside a limit loads, so each refusal above is the limit and not a stricter one."""
    table = parse_table(with_cells(rule_id, **cells), FILE)
    assert len(table.rules) == len(RULES)


def test_empty_file_is_refused_as_empty():
    """An empty file is refused as empty, not as one missing every column."""
    with pytest.raises(medplan.TableError) as info:
        parse_table("", FILE)
    assert str(info.value) == f"{FILE}: is empty"
    assert (info.value.row, info.value.column) == (None, None)


def test_table_saved_with_a_byte_order_mark_loads(tmp_path):
    """A table re-saved by a spreadsheet as UTF-8 with a byte-order mark loads like the original."""
    path = tmp_path / FILE
    path.write_text("\ufeff" + BUNDLED, encoding="utf-8")
    assert load_table(path).rules == TABLE.rules


def test_unreadable_file_is_refused(tmp_path):
    """A table file that cannot be read is refused with its name, not with an OSError."""
    with pytest.raises(medplan.TableError) as info:
        load_table(tmp_path / "missing.csv")
    assert info.value.file == "missing.csv"
    assert (info.value.row, info.value.column) == (None, None)
    assert str(info.value).startswith("missing.csv: cannot be read: ")


# --- each column named in its own error -----------------------------------------------------

DABI_BELOW_30 = ROW["chest-2022:dabigatran:crcl-below-30"]
TWO_DRUGS = "warfarin; phenprocoumon"

# (broken text, row, column, exact problem): one per column whose error no case above names
EACH_COLUMN = [
    pytest.param(with_cells("chest-2022:warfarin", high_resume="5"), W, "high_resume",
                 "must be 'N days', 'N hours' or a window 'A-B days' or 'A-B hours' (got '5')",
                 id="resume-without-unit"),
    pytest.param(with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="-1"), DABI_30_50, "crcl_min",
                 "must be between 0 and 1000 (got '-1')", id="negative-crcl-min"),
    pytest.param(with_cells("chest-2022:dabigatran:crcl-30-50", crcl_max="-1"), DABI_30_50, "crcl_max",
                 "must be between 0 and 1000 (got '-1')", id="negative-crcl-max"),
    pytest.param(with_cells("chest-2022:warfarin", crcl_min="0", egfr_min="0"), W, "egfr_min",
                 "a row is banded by CrCl or by eGFR, not both", id="banded-by-both-measures"),
    pytest.param(with_cells("chest-2022:warfarin", guideline="CHEST 2022"), W, "guideline",
                 "must be lower-case letters, digits and - . : (got 'CHEST 2022')", id="guideline-not-a-slug"),
    pytest.param(with_cells("chest-2022:warfarin", drugs="warfarin;"), W, "drugs",
                 "has an empty name between ';' separators (got 'warfarin;')", id="empty-drug"),
    pytest.param(with_cells("chest-2022:warfarin", atc="B01AA03;"), W, "atc",
                 "has an empty name between ';' separators (got 'B01AA03;')", id="empty-atc-code"),
    pytest.param(with_cells("chest-2022:warfarin", drugs=TWO_DRUGS), W, "brands",
                 "must name each entry's drug when the class has several: 'Name=generic' (got 'Coumadin')",
                 id="two-drugs-brand-without-its-drug"),
    pytest.param(with_cells("chest-2022:warfarin", drugs=TWO_DRUGS, brands="Coumadin=warfarin"), W, "atc",
                 "must name each entry's drug when the class has several: 'Name=generic' (got 'B01AA03')",
                 id="two-drugs-atc-code-without-its-drug"),
    pytest.param(with_cells("chest-2022:warfarin", atc="B01AA3"), W, "atc",
                 "must be 7-character WHO ATC codes such as B01AF02 (got 'B01AA3')", id="atc-code-too-short"),
    pytest.param(with_cells("chest-2022:warfarin", check_max="0.4"), W, "check_max",
                 "must be between 0.5 and 5 (got '0.4')", id="check-max-too-low"),
    pytest.param(with_cells("chest-2022:warfarin", check_day="1"), W, "check_day",
                 "must be between -14 and 0 (got '1')", id="check-after-the-procedure"),
    pytest.param(with_cells("chest-2022:warfarin", drug_class="Warfarin"), W, "drug_class",
                 "must be lower-case letters, digits and - . : (got 'Warfarin')", id="drug-class-not-a-slug"),
    pytest.param(with_cells("asra-pain-2018:aspirin:primary-prevention", indication="primary"),
                 ROW["asra-pain-2018:aspirin:primary-prevention"], "indication",
                 ("must be one of primary-prevention, secondary-prevention, coronary-stent, "
                  "acute-coronary-syndrome, stroke-or-tia, peripheral-arterial-disease (got 'primary')"),
                 id="unknown-indication"),
    pytest.param(with_cells("multisociety-2024:glp1-ra:daily", variant="Multisociety 2024"),
                 ROW["multisociety-2024:glp1-ra:daily"], "variant",
                 "must be lower-case letters, digits and - . : (got 'Multisociety 2024')", id="variant-not-a-slug"),
    pytest.param(with_cells("fda-2020:sglt2-inhibitor", condition="surgery"), ROW["fda-2020:sglt2-inhibitor"],
                 "condition", "must be one of fasting, sedation, contrast (got 'surgery')", id="unknown-condition"),
    pytest.param(with_cells("chest-2022:dabigatran:crcl-below-30", crcl_min="10"), DABI_BELOW_30, "crcl_min",
                 "leaves a gap after CrCl 0: bands of chest-2022 dabigatran must meet at CrCl 0",
                 id="lowest-band-starts-above-0"),
    pytest.param(with_cells("chest-2022:warfarin", drugs="apixaban"), W, "drugs",
                 f"'apixaban' already names apixaban (class apixaban) at row {ROW['asra-pain-2018:apixaban']},"
                 " here apixaban (class warfarin); a name must resolve to one drug", id="drug-in-two-classes"),
    pytest.param(with_cells("chest-2022:warfarin", atc="B01AA03=heparin"), W, "atc",
                 "'B01AA03=heparin' names 'heparin', which is not in the row's drugs", id="atc-code-of-a-drug-not-in-the-row"),
]


@pytest.mark.parametrize(("text", "row", "column", "problem"), EACH_COLUMN)
def test_each_column_is_named_in_its_own_error(text, row, column, problem):
    """A copy with one cell broken is refused with that cell's row, its column and the exact problem."""
    with pytest.raises(medplan.TableError) as info:
        parse_table(text, FILE)
    assert str(info.value) == at(row, column, problem)
    assert (info.value.file, info.value.row, info.value.column) == (FILE, row, column)


def test_a_lowest_band_without_a_lower_bound_starts_at_0():
    """With crcl_min left empty, dabigatran's lowest band covers CrCl 0, 0.5 and 30, and not 30.5."""
    table = parse_table(with_cells("chest-2022:dabigatran:crcl-below-30", crcl_min=""), FILE)
    (rule,) = [r for r in table.rules if r.rule_id == "chest-2022:dabigatran:crcl-below-30"]

    assert [rule.covers(crcl) for crcl in (0.0, 0.5, 30.0, 30.5)] == [True, True, True, False]


def test_a_hold_of_0_days_is_described_in_words():
    """A tier held 0 days reads "no dose on the day of the procedure before it", not "last dose 0 days before"."""
    table = parse_table(with_cells("chest-2022:warfarin", low_hold="0 days"), FILE)
    (rule,) = [r for r in table.rules if r.rule_id == "chest-2022:warfarin"]

    assert rule.describe(BleedingRisk.LOW) == (
        "low bleeding risk: hold; no dose on the day of the procedure before it; "
        "resume in the window day +0 to day +1; INR <= 1.5 on day -1"
    )
    assert rule.describe(BleedingRisk.HIGH) == (
        "high bleeding risk: hold; last dose 5 days before; resume in the window day +0 to day +1; "
        "INR <= 1.5 on day -1"
    )


def test_a_class_without_variants_has_no_default_variant(table):
    """Warfarin's rows name no variant, so the table has no default for it; GLP-1 agonists' first row names one."""
    assert (table.default_variant("warfarin"), table.default_variant("glp1-ra")) == (None, "multisociety-2024")


def test_parse_table_names_the_bundled_file_by_default():
    """Given only the text, the table is called drug_classes.csv, in its file and version and in its errors."""
    table = parse_table(BUNDLED)

    assert table.file == "drug_classes.csv"
    assert table.version == TABLE.version
    with pytest.raises(medplan.TableError) as info:
        parse_table(with_cells("chest-2022:warfarin", source=""))
    assert info.value.file == "drug_classes.csv"


def test_a_table_loaded_from_a_file_is_named_after_it(tmp_path):
    """A clinic's own copy of the table, loaded from clinic-table.csv, carries that name in its file and version."""
    path = tmp_path / "clinic-table.csv"
    path.write_text(BUNDLED, encoding="utf-8")

    table = load_table(path)

    assert table.file == "clinic-table.csv"
    assert table.version == "clinic-table.csv sha256:" + TABLE.version.rpartition("sha256:")[2]
