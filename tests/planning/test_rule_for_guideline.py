"""rules.rule_for asked under another guideline than the procedure's, and row choice across many tables."""

from __future__ import annotations

from plannercases import med, request

import medplan
from medplan.planning import rules
from medplan.planning.rules import NotInvolved, Unplaced, rule_for

TABLE = medplan.default_table()
# Row choice itself, and its bounded memo of which rows are chosen by anything: what is tested.
select_rule, CHOOSES, CHOOSES_KEPT = rules._select_rule, rules._CHOOSES, rules._CHOOSES_KEPT  # noqa: SLF001


def only(body: dict, guideline: str | None = None):
    """rule_for for the request's only medicine, under ``guideline`` when given."""
    req = medplan.parse_request(body, guidelines=sorted(TABLE.guidelines))
    (order,) = req.medications
    found = TABLE.resolve(order.name)
    assert found is not None
    return rule_for(order, found, req, TABLE, guideline=guideline)


def test_another_guideline_is_asked_for_its_own_row():
    """A request under ASRA 2018, asked under CHEST 2022, gets CHEST's clopidogrel row."""
    body = request(med("clopidogrel", "08:00"))
    assert body["procedure"].get("guideline", "asra-pain-2018") == "asra-pain-2018"
    mine, theirs = only(body), only(body, "chest-2022")

    assert not isinstance(mine, (Unplaced, NotInvolved))
    assert not isinstance(theirs, (Unplaced, NotInvolved))
    assert (mine.rule_id, theirs.rule_id) == ("asra-pain-2018:clopidogrel", "chest-2022:clopidogrel")


def test_another_guideline_without_rows_names_itself():
    """A class the other guideline has no row for is unplaced, the reason naming that guideline."""
    rule = only(request(med("warfarin", "18:00")), "no-such-guideline")

    assert isinstance(rule, Unplaced)
    assert rule.question.reason == "no-such-guideline gives no rule for warfarin: plan it by hand"


def test_rows_are_chosen_alike_past_the_memo_of_rows():
    """Past the bounded memo of which rows are chosen by anything, rows are still chosen right."""
    req = medplan.parse_request(request(med("dabigatran", "08:00", "20:00"), med("warfarin", "18:00"), crcl=40))
    chosen = set()
    for _ in range(CHOOSES_KEPT + 50):
        for order in req.medications:
            found = TABLE.resolve(order.name)
            assert found is not None
            # Rows of their own each time, as a table loaded anew hands out.
            rows = list(TABLE.rules_for("asra-pain-2018", found.drug_class))
            rule = select_rule(rows, order, found, req, TABLE, guideline="asra-pain-2018")
            assert not isinstance(rule, Unplaced)
            chosen.add(rule.rule_id)
        assert len(CHOOSES) <= CHOOSES_KEPT
    # CrCl 40 falls in dabigatran's 30-50 band.
    assert chosen == {"asra-pain-2018:dabigatran:crcl-30-50", "asra-pain-2018:warfarin"}
