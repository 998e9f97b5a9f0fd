"""Tests for medplan.tables.thrombotic_risk: the bundled thrombotic-risk table, row by row, and its validation.

The bundled table is checked for its invariants (every row cited, marked, and
a U row leaves bridging to review), then ``classify`` is run on hand-built
patients in tests/planning/test_thrombotic_risk.py. The validator is fed copies of
the bundled file with one cell broken and must give the exact
``thrombotic_risk.csv, row N: column 'x': problem`` message.
"""

from __future__ import annotations

import attrs
import datafiles
import pytest
from riskcases import (
    AF,
    FILE,
    MHV,
    REVIEW,
    TABLE,
    VTE,
)

import medplan
from medplan.tables.drug_classes import Evidence
from medplan.tables.thrombotic_risk import (
    REASONS,
    load_risk_table,
    parse_risk_table,
)

# --- building broken copies of the bundled table --------------------------------------------


def _records() -> list[list[str]]:
    return datafiles.records(FILE)


_write = datafiles.write
ROW = datafiles.row_numbers(FILE)


def with_cells(rule_id: str, /, **cells: str) -> str:
    """The bundled table with some cells of one row replaced."""
    return datafiles.with_cells(FILE, rule_id, **cells)


def with_extra_column(column: str) -> str:
    return datafiles.with_extra_column(FILE, column)


def without_reason(reason: str) -> str:
    records = _records()
    index = records[0].index("reason")
    return _write([r for r in records if r[index] != reason])


def test_unmodified_copy_loads_like_the_bundled_table():
    """The rewritten copy the broken cases start from gives the bundled rows.

    The bundled file quotes some cells the csv module would not, so the copy is
    not byte-identical (and its version differs); its rows are the same.
    """
    assert parse_risk_table(_write(_records()), FILE).rows == TABLE.rows


# --- the bundled table ------------------------------------------------------------------------


def test_bundled_table_loads_with_rows_for_every_reason():
    """The bundled table loads, names its file and hash, and has criteria for each of the three reasons."""
    assert TABLE.file == FILE
    assert TABLE.version.startswith(f"{FILE} sha256:")
    assert load_risk_table().version == TABLE.version
    for reason in REASONS:
        assert TABLE.rows_for(reason), reason


CRITERIA = [row.criterion for row in TABLE.rows]


@pytest.mark.parametrize("criterion", CRITERIA, ids=[c.rule_id for c in CRITERIA])
def test_every_row_cites_a_source_and_has_an_evidence_mark(criterion):
    """Every row cites a source naming its lead author and has one of the evidence marks C, C2, U."""
    assert criterion.source.strip()
    assert "Douketis JD" in criterion.source
    assert criterion.evidence in {e.value for e in Evidence}
    assert criterion.description.strip()


@pytest.mark.parametrize("criterion", CRITERIA, ids=[c.rule_id for c in CRITERIA])
def test_an_unconfirmed_row_leaves_bridging_to_review(criterion):
    """A row read only from disagreeing copies (U) must not decide bridging on its own."""
    if criterion.evidence == Evidence.UNCONFIRMED.value:
        assert criterion.bridging is REVIEW


def test_the_table_has_an_unconfirmed_row():
    """The U invariant above is not vacuous: the active-cancer row is U (its copies disagree)."""
    unconfirmed = [c.rule_id for c in CRITERIA if c.evidence == Evidence.UNCONFIRMED.value]
    assert unconfirmed == ["chest-2012:vte:active-cancer"]


# --- validation -------------------------------------------------------------------------------

AF7 = "chest-2022:af:cha2ds2-vasc-7-up"
VTE_RECENT = "chest-2022:vte:recent"
GRAMMAR = "must be tests like 'cha2ds2_vasc >= 7' or 'vte within 3 months' joined by ' and '"


# (broken copy, expected message after the file name)
@attrs.frozen(kw_only=True)
class BrokenRiskTableCase:
    """One case of test_a_broken_risk_table_is_refused: text, message."""

    text: object
    message: object


BROKEN = [
    # The header must have exactly the table's columns.
    pytest.param(BrokenRiskTableCase(text=with_extra_column("comment"), message=", row 1: unknown columns: comment"), id="unknown-column"),
    # '>' is not one of the comparisons.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(AF7, criterion="cha2ds2_vasc > 7"), message=f", row {ROW[AF7]}: column 'criterion': {GRAMMAR} (got 'cha2ds2_vasc > 7')"
        ),
        id="grammar-operator",
    ),
    # Tests are joined by 'and' only; the whole 'or' text is then one test that does not parse.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(AF7, criterion="cha2ds2_vasc >= 7 or cha2ds2_vasc <= 1"),
            message=f", row {ROW[AF7]}: column 'criterion': {GRAMMAR} (got 'cha2ds2_vasc >= 7 or cha2ds2_vasc <= 1')",
        ),
        id="grammar-or",
    ),
    # An AF criterion may not test a VTE field.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(AF7, criterion="vte within 3 months"),
            message=f", row {ROW[AF7]}: column 'criterion': 'vte' is not a field of atrial-fibrillation "
            "(it has: cha2ds2_vasc, stroke_or_tia, rheumatic_valve_disease)",
        ),
        id="unknown-feature",
    ),
    # An event is a date: it is compared by months, not with >=.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(VTE_RECENT, criterion="vte >= 3"),
            message=f", row {ROW[VTE_RECENT]}: column 'criterion': vte is a date: test it as 'within N months' or 'beyond N months'",
        ),
        id="event-compared-with-ge",
    ),
    # Months run from 1 to 120.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(VTE_RECENT, criterion="vte within 121 months"),
            message=f", row {ROW[VTE_RECENT]}: column 'criterion': months must be between 1 and 120 (got 121)",
        ),
        id="months-above-range",
    ),
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(VTE_RECENT, criterion="vte within 0 months"),
            message=f", row {ROW[VTE_RECENT]}: column 'criterion': months must be between 1 and 120 (got 0)",
        ),
        id="months-zero",
    ),
    # A number is not a date.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(AF7, criterion="cha2ds2_vasc within 3 months"),
            message=f", row {ROW[AF7]}: column 'criterion': cha2ds2_vasc is not a date: 'within' and 'beyond' do not apply",
        ),
        id="number-tested-as-date",
    ),
    # A score is a threshold, not a single value.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(AF7, criterion="cha2ds2_vasc = 7"),
            message=f", row {ROW[AF7]}: column 'criterion': cha2ds2_vasc is a number: test it with >= or <= a whole number",
        ),
        id="number-tested-with-equals",
    ),
    # A choice must be one of its values.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells("chest-2022:mhv:mitral", criterion="valve_position = tricuspid"),
            message=f", row {ROW['chest-2022:mhv:mitral']}: column 'criterion': valve_position must be tested as '= mitral | aortic'",
        ),
        id="choice-value",
    ),
    # A U row cannot decide to bridge.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells("chest-2012:vte:active-cancer", bridging="bridge"),
            message=f", row {ROW['chest-2012:vte:active-cancer']}: column 'bridging': must be review for an unconfirmed (U) row",
        ),
        id="unconfirmed-row-bridges",
    ),
    # Each rule id is used once; the message names the first use.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells("chest-2022:af:rheumatic", rule_id="chest-2022:af:recent-stroke"),
            message=f", row {ROW['chest-2022:af:rheumatic']}: column 'rule_id': "
            f"'chest-2022:af:recent-stroke' is already used at row {ROW['chest-2022:af:recent-stroke']}",
        ),
        id="duplicate-rule-id",
    ),
    # A reason nobody wrote criteria for could never be classified.
    pytest.param(
        BrokenRiskTableCase(text=without_reason(VTE), message=": column 'reason': has no criteria for venous-thromboembolism"),
        id="reason-without-rows",
    ),
    # An unknown reason is named with the known ones.
    pytest.param(
        BrokenRiskTableCase(
            text=with_cells(AF7, reason="atrial-flutter"),
            message=f", row {ROW[AF7]}: column 'reason': must be one of {AF}, {MHV}, {VTE} (got 'atrial-flutter')",
        ),
        id="unknown-reason",
    ),
    # Every row cites its source.
    pytest.param(
        BrokenRiskTableCase(text=with_cells(AF7, source=""), message=f", row {ROW[AF7]}: column 'source': must not be empty"), id="empty-source"
    ),
]


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_risk_table_is_refused(case):
    """A broken copy of the table is refused whole, with a message naming file, row and column."""
    with pytest.raises(medplan.TableError) as info:
        parse_risk_table(case.text, FILE)

    assert str(info.value) == f"{FILE}{case.message}"
