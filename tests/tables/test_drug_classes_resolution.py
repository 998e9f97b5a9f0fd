"""Name resolution in the bundled drug-class table: generics, brands and ATC codes, whatever their case and spacing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from tablecases import (
    GUIDELINES,
    RULE_IDS,
    RULES,
)

import medplan
from medplan.model import Regimen
from medplan.tables.drug_classes import DrugClassRule

# --- name resolution --------------------------------------------------------------------------

@dataclass(frozen=True)
class NameCase:
    """A name a booking system may send, the generic and class it resolves to, and the regimen it implies."""

    name: str
    drug: str
    drug_class: str
    regimen: Regimen | None = None


NAMES = [
    NameCase("Eliquis", "apixaban", "apixaban"),
    NameCase("Xarelto", "rivaroxaban", "rivaroxaban"),
    NameCase("Pradaxa", "dabigatran", "dabigatran"),
    NameCase("Lixiana", "edoxaban", "edoxaban"),
    NameCase("Savaysa", "edoxaban", "edoxaban"),
    NameCase("Coumadin", "warfarin", "warfarin"),
    NameCase("Marevan", "warfarin", "warfarin"),
    NameCase("Clexane", "enoxaparin", "enoxaparin"),
    NameCase("Lovenox", "enoxaparin", "enoxaparin"),
    NameCase("Fragmin", "dalteparin", "dalteparin"),
    NameCase("Plavix", "clopidogrel", "clopidogrel"),
    NameCase("Effient", "prasugrel", "prasugrel"),
    NameCase("Brilinta", "ticagrelor", "ticagrelor"),
    NameCase("Brilique", "ticagrelor", "ticagrelor"),
    NameCase("warfarin", "warfarin", "warfarin"),
    NameCase("acenocoumarol", "acenocoumarol", "acenocoumarol"),
    NameCase("apixaban", "apixaban", "apixaban"),
    NameCase("rivaroxaban", "rivaroxaban", "rivaroxaban"),
    NameCase("edoxaban", "edoxaban", "edoxaban"),
    NameCase("dabigatran", "dabigatran", "dabigatran"),
    NameCase("enoxaparin", "enoxaparin", "enoxaparin"),
    NameCase("dalteparin", "dalteparin", "dalteparin"),
    NameCase("heparin", "unfractionated heparin", "unfractionated-heparin"),
    NameCase("aspirin", "aspirin", "aspirin"),
    NameCase("clopidogrel", "clopidogrel", "clopidogrel"),
    NameCase("prasugrel", "prasugrel", "prasugrel"),
    NameCase("ticagrelor", "ticagrelor", "ticagrelor"),
]
REQUIRED_DRUGS = [case.name for case in NAMES if case.name.islower()]


def scramble(name: str) -> str:
    """``Eliquis`` as a hurried typist might send it: ``'  eLi QUIS '``."""
    half = len(name) // 2
    head = "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name[:half]))
    return f"  {head} {name[half:].upper()} "


@pytest.mark.parametrize("case", NAMES, ids=[case.name for case in NAMES])
def test_name_resolves(table, case: NameCase):
    """A generic or brand name resolves to its generic and class, whatever its case and spacing."""
    expected = medplan.tables.drug_classes.Resolution(drug=case.drug, drug_class=case.drug_class)
    assert table.resolve(case.name) == expected
    assert table.resolve(scramble(case.name)) == expected


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


# Issue 3's classes: brands and WHO ATC codes a booking system may send, with the regimen
# a name implies, from the identity tables of docs/research/2026-11-clinical-coverage.md
# (sections 1a-6a; ATC codes marked [C2] there).
NEW_NAMES = [
    NameCase("Asasantin SR", "aspirin and dipyridamole", "aspirin-dipyridamole", None),
    NameCase("Aggrenox", "aspirin and dipyridamole", "aspirin-dipyridamole", None),
    NameCase("B01AC30", "aspirin and dipyridamole", "aspirin-dipyridamole", None),
    NameCase("Persantin", "dipyridamole", "dipyridamole", None),
    NameCase("B01AC23", "cilostazol", "cilostazol", None),
    NameCase("Ticlid", "ticlopidine", "ticlopidine", None),
    NameCase("ReoPro", "abciximab", "abciximab", None),
    NameCase("Integrilin", "eptifibatide", "eptifibatide-tirofiban", None),
    NameCase("Aggrastat", "tirofiban", "eptifibatide-tirofiban", None),
    NameCase("Arixtra", "fondaparinux", "fondaparinux", None),
    NameCase("B01AA04", "phenprocoumon", "phenprocoumon", None),
    NameCase("Innohep", "tinzaparin", "tinzaparin", None),
    NameCase("Nurofen", "ibuprofen", "ibuprofen", None),
    NameCase("Voltarol", "diclofenac", "diclofenac", None),
    NameCase("M01AB15", "ketorolac", "ketorolac", None),
    NameCase("indometacin", "indomethacin", "indomethacin", None),
    NameCase("Naprosyn", "naproxen", "naproxen", None),
    NameCase("Mobic", "meloxicam", "meloxicam", None),
    NameCase("Relafen", "nabumetone", "nabumetone", None),
    NameCase("Daypro", "oxaprozin", "oxaprozin", None),
    NameCase("Feldene", "piroxicam", "piroxicam", None),
    NameCase("Celebrex", "celecoxib", "cox2-inhibitor", None),
    NameCase("Arcoxia", "etoricoxib", "cox2-inhibitor", None),
    NameCase("Lustral", "sertraline", "ssri-snri", None),
    NameCase("Efexor XL", "venlafaxine", "ssri-snri", None),
    NameCase("N06AX21", "duloxetine", "ssri-snri", None),
    NameCase("N06DX02", "ginkgo", "ginkgo", None),
    NameCase("Forxiga", "dapagliflozin", "sglt2-inhibitor", None),
    NameCase("Farxiga", "dapagliflozin", "sglt2-inhibitor", None),
    NameCase("A10BK04", "ertugliflozin", "ertugliflozin", None),
    NameCase("Victoza", "liraglutide", "glp1-ra", Regimen.DAILY),
    NameCase("Rybelsus", "semaglutide", "glp1-ra", Regimen.DAILY),
    NameCase("Ozempic", "semaglutide", "glp1-ra", Regimen.WEEKLY),
    NameCase("Trulicity", "dulaglutide", "glp1-ra", Regimen.WEEKLY),
    NameCase("Mounjaro", "tirzepatide", "glp1-ra", Regimen.WEEKLY),
    NameCase("A10BX16", "tirzepatide", "glp1-ra", Regimen.WEEKLY),
    NameCase("semaglutide", "semaglutide", "glp1-ra", None),
    NameCase("A10BJ06", "semaglutide", "glp1-ra", None),
    NameCase("Diabex", "metformin", "metformin", None),
    NameCase("Diamicron MR", "gliclazide", "sulfonylurea", None),
    NameCase("glyburide", "glibenclamide", "sulfonylurea", None),
    NameCase("Lantus", "insulin glargine", "insulin", None),
    NameCase("Priadel", "lithium", "lithium", None),
    NameCase("Nardil", "phenelzine", "maoi", None),
]


@pytest.mark.parametrize("case", NEW_NAMES, ids=[case.name for case in NEW_NAMES])
def test_new_class_name_resolves(table, case: NameCase):
    """Issue 3's brands and ATC codes resolve to their generic and class, with the regimen a brand implies."""
    expected = medplan.tables.drug_classes.Resolution(
        drug=case.drug, drug_class=case.drug_class, regimen=case.regimen
    )
    assert table.resolve(case.name) == expected
    assert table.resolve(scramble(case.name)) == expected


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
