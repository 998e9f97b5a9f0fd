"""rules.rule_for, the one answer to which row applies, and the class facts the planner asks for."""

from __future__ import annotations

import attrs
import datafiles
import pytest
from plannercases import med, request

import medplan
from medplan.model import Request
from medplan.planning.rules import (
    NotInvolved,
    Unplaced,
    checks_inr,
    class_group,
    class_groups,
    has_own_rows,
    rule_cited,
    rule_for,
)
from medplan.tables.drug_classes import Group, Resolution, parse_table

TABLE = medplan.default_table()


def parsed(body: dict) -> Request:
    return medplan.parse_request(body)


def answer(body: dict, resolution: Resolution | None = None):
    """rule_for for the request's only medicine, resolved by its name unless given."""
    req = parsed(body)
    (order,) = req.medications
    found = TABLE.resolve(order.name) if resolution is None else resolution
    assert found is not None
    return rule_for(order, found, req, TABLE)


def test_a_medicine_with_one_row_gets_that_row():
    """Warfarin under ASRA 2018 is placed on ASRA's warfarin row."""
    rule = answer(request(med("warfarin", "18:00")))

    assert not isinstance(rule, (Unplaced, NotInvolved))
    assert rule.rule_id == "asra-pain-2018:warfarin"


def test_a_class_without_rows_is_left_to_the_pharmacist():
    """A class the guideline has no row for is unplaced, the reason naming the guideline and drug."""
    rule = answer(request(med("warfarin", "18:00")), Resolution(drug="nodrug", drug_class="no-such-class"))

    assert isinstance(rule, Unplaced)
    assert rule.question.slug == "no-rule"
    assert rule.question.reason == "asra-pain-2018 gives no rule for nodrug: plan it by hand"


def test_a_conditional_class_asks_whether_the_procedure_has_the_condition():
    """Metformin before a procedure that does not say whether it uses contrast asks for procedure.contrast."""
    rule = answer(request(med("metformin", "08:00"), egfr=20))

    assert isinstance(rule, Unplaced)
    assert (rule.question.slug, rule.question.reason) == (
        "procedure-contrast",
        "metformin's plan depends on whether the procedure has contrast: procedure.contrast needed",
    )
    assert rule.question.question == "Does the procedure involve contrast? metformin's plan depends on it."


def test_a_conditional_class_without_the_condition_is_not_involved_with_its_chosen_row():
    """Metformin at eGFR 20 before a procedure without contrast is not involved, citing the eGFR-below-30 row."""
    rule = answer(request(med("metformin", "08:00"), egfr=20, contrast=False))

    assert isinstance(rule, NotInvolved)
    assert rule.rule.rule_id == "acr-2021:metformin:egfr-below-30"


def test_a_conditional_class_without_the_condition_cites_its_first_row_when_none_can_be_chosen():
    """Metformin without an eGFR, before a procedure without contrast, is not involved, citing the class's first row."""
    rule = answer(request(med("metformin", "08:00"), contrast=False))

    assert isinstance(rule, NotInvolved)
    assert rule.rule.rule_id == "acr-2021:metformin:egfr-30-up"


def test_a_conditional_class_with_the_condition_is_placed_by_its_band():
    """Metformin at eGFR 45 before a contrast procedure gets the eGFR-30-up row."""
    rule = answer(request(med("metformin", "08:00"), egfr=45, contrast=True))

    assert not isinstance(rule, (Unplaced, NotInvolved))
    assert rule.rule_id == "acr-2021:metformin:egfr-30-up"


def test_a_conditional_class_with_the_condition_still_asks_what_its_row_needs():
    """Metformin before a contrast procedure, with no eGFR, asks for the eGFR."""
    rule = answer(request(med("metformin", "08:00"), contrast=True))

    assert isinstance(rule, Unplaced)
    assert rule.question.slug == "renal-function-needed"


def test_a_class_with_variants_and_no_condition_is_placed_on_the_tables_default_variant():
    """GLP-1 RA rows that apply to every procedure: weekly semaglutide gets the default variant's weekly row."""
    rows = datafiles.records("drug_classes.csv")
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("drug_class")] == "glp1-ra":
            row[header.index("condition")] = ""
    table = parse_table(datafiles.write(rows), "drug_classes.csv")
    req = parsed(request(med("semaglutide", "08:00", regimen="weekly")))
    (order,) = req.medications
    found = table.resolve(order.name)
    assert found is not None

    rule = rule_for(order, found, req, table)

    assert not isinstance(rule, (Unplaced, NotInvolved))
    assert (table.default_variant("glp1-ra"), rule.rule_id) == ("multisociety-2024", "multisociety-2024:glp1-ra:weekly")


@attrs.frozen
class ClassCase:
    guideline: str
    drug_class: str | None
    group: Group | None
    groups: set[Group]
    inr: bool


@pytest.mark.parametrize(
    "case",
    [
        ClassCase("asra-pain-2018", "warfarin", Group.ORAL_ANTICOAGULANT, {Group.ORAL_ANTICOAGULANT}, inr=True),
        ClassCase("chest-2022", "apixaban", Group.ORAL_ANTICOAGULANT, {Group.ORAL_ANTICOAGULANT}, inr=False),
        ClassCase("asra-pain-2018", "metformin", None, set(), inr=False),
        ClassCase("asra-pain-2018", None, None, set(), inr=False),
    ],
    ids=lambda case: f"{case.guideline}-{case.drug_class}",
)
def test_class_facts(case: ClassCase):
    """A class's group, its groups and whether it checks the INR, under a guideline; nothing for no class."""
    assert class_group(TABLE, case.guideline, case.drug_class) is case.group
    assert class_groups(TABLE, case.guideline, case.drug_class) == case.groups
    assert checks_inr(TABLE, case.guideline, case.drug_class) is case.inr


def test_the_group_is_the_first_row_that_gives_one_and_the_groups_are_every_row_s():
    """Rows of one class giving different groups: the group is the first given, the groups all of them."""
    rules = TABLE.rules_for("asra-pain-2018", "dabigatran")
    first, second, *rest = rules
    mixed = attrs.evolve(
        TABLE,
        rules=(attrs.evolve(first, group=None), attrs.evolve(second, group=Group.ASPIRIN), *rest),
    )

    assert class_group(mixed, "asra-pain-2018", "dabigatran") is Group.ASPIRIN
    assert class_groups(mixed, "asra-pain-2018", "dabigatran") == {Group.ASPIRIN, Group.ORAL_ANTICOAGULANT}


def test_a_guideline_has_own_rows_only_where_it_gives_them():
    """ASRA 2018 has warfarin rows of its own; metformin's rows are every guideline's ('*')."""
    assert has_own_rows(TABLE, "asra-pain-2018", "warfarin") is True
    assert has_own_rows(TABLE, "chest-2022", "metformin") is False


def test_the_row_a_plan_cites_is_found_by_its_id_within_its_class():
    """The cited row comes back by id; an id of another class, or no id, finds none."""
    found = rule_cited(TABLE, "asra-pain-2018", "warfarin", "asra-pain-2018:warfarin")

    assert found is not None
    assert found.rule_id == "asra-pain-2018:warfarin"
    assert rule_cited(TABLE, "asra-pain-2018", "apixaban", "asra-pain-2018:warfarin") is None
    assert rule_cited(TABLE, "asra-pain-2018", None, None) is None
