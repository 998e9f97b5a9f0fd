"""The drug-class table validator: each column named in its own error, the edges it accepts, and how a table file is read."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tablecases import (
    BUNDLED,
    DABI_30_50,
    FILE,
    ROW,
    RULES,
    TABLE,
    W,
    at,
    with_cells,
)

import medplan
from medplan.model import BleedingRisk
from medplan.tables.drug_classes import load_table, parse_table


@dataclass(frozen=True)
class Edge:
    """Cells of one row set to a value just inside a limit."""

    rule_id: str
    cells: dict[str, str]
    id: str


EDGES = [
    Edge("chest-2022:warfarin", {"high_hold": "60 days"}, id="hold-60-days"),
    Edge("chest-2022:warfarin", {"high_hold": "1440 hours"}, id="hold-1440-hours"),
    Edge(
        "chest-2022:apixaban:crcl-25-up",
        {"intermediate_hold": "24 hours", "high_hold": "24 hours"},
        id="24-hours-equals-1-day",
    ),
    Edge("chest-2022:warfarin", {"group": ""}, id="no-group"),
]


@pytest.mark.parametrize("case", EDGES, ids=[case.id for case in EDGES])
def test_edge_of_the_rules_is_accepted(case: Edge):
    """A value just inside a limit loads, so each refusal above is the limit and not a stricter one."""
    table = parse_table(with_cells(case.rule_id, **case.cells), FILE)
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


@dataclass(frozen=True)
class BrokenCell:
    """A copy with one cell broken, the row and column the error must name, and its exact problem."""

    text: str
    row: int
    column: str
    problem: str
    id: str


# One per column whose error no case in test_drug_classes_validation.py names.
EACH_COLUMN = [
    BrokenCell(with_cells("chest-2022:warfarin", high_resume="5"), W, "high_resume",
                 "must be 'N days', 'N hours' or a window 'A-B days' or 'A-B hours' (got '5')",
                 id="resume-without-unit"),
    BrokenCell(with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="-1"), DABI_30_50, "crcl_min",
                 "must be between 0 and 1000 (got '-1')", id="negative-crcl-min"),
    BrokenCell(with_cells("chest-2022:dabigatran:crcl-30-50", crcl_max="-1"), DABI_30_50, "crcl_max",
                 "must be between 0 and 1000 (got '-1')", id="negative-crcl-max"),
    BrokenCell(with_cells("chest-2022:warfarin", crcl_min="0", egfr_min="0"), W, "egfr_min",
                 "a row is banded by CrCl or by eGFR, not both", id="banded-by-both-measures"),
    BrokenCell(with_cells("chest-2022:warfarin", guideline="CHEST 2022"), W, "guideline",
                 "must be lower-case letters, digits and - . : (got 'CHEST 2022')", id="guideline-not-a-slug"),
    BrokenCell(with_cells("chest-2022:warfarin", drugs="warfarin;"), W, "drugs",
                 "has an empty name between ';' separators (got 'warfarin;')", id="empty-drug"),
    BrokenCell(with_cells("chest-2022:warfarin", atc="B01AA03;"), W, "atc",
                 "has an empty name between ';' separators (got 'B01AA03;')", id="empty-atc-code"),
    BrokenCell(with_cells("chest-2022:warfarin", drugs=TWO_DRUGS), W, "brands",
                 "must name each entry's drug when the class has several: 'Name=generic' (got 'Coumadin')",
                 id="two-drugs-brand-without-its-drug"),
    BrokenCell(with_cells("chest-2022:warfarin", drugs=TWO_DRUGS, brands="Coumadin=warfarin"), W, "atc",
                 "must name each entry's drug when the class has several: 'Name=generic' (got 'B01AA03')",
                 id="two-drugs-atc-code-without-its-drug"),
    BrokenCell(with_cells("chest-2022:warfarin", atc="B01AA3"), W, "atc",
                 "must be 7-character WHO ATC codes such as B01AF02 (got 'B01AA3')", id="atc-code-too-short"),
    BrokenCell(with_cells("chest-2022:warfarin", check_max="0.4"), W, "check_max",
                 "must be between 0.5 and 5 (got '0.4')", id="check-max-too-low"),
    BrokenCell(with_cells("chest-2022:warfarin", check_day="1"), W, "check_day",
                 "must be between -14 and 0 (got '1')", id="check-after-the-procedure"),
    BrokenCell(with_cells("chest-2022:warfarin", drug_class="Warfarin"), W, "drug_class",
                 "must be lower-case letters, digits and - . : (got 'Warfarin')", id="drug-class-not-a-slug"),
    BrokenCell(with_cells("asra-pain-2018:aspirin:primary-prevention", indication="primary"),
                 ROW["asra-pain-2018:aspirin:primary-prevention"], "indication",
                 ("must be one of primary-prevention, secondary-prevention, coronary-stent, "
                  "acute-coronary-syndrome, stroke-or-tia, peripheral-arterial-disease (got 'primary')"),
                 id="unknown-indication"),
    BrokenCell(with_cells("multisociety-2024:glp1-ra:daily", variant="Multisociety 2024"),
                 ROW["multisociety-2024:glp1-ra:daily"], "variant",
                 "must be lower-case letters, digits and - . : (got 'Multisociety 2024')", id="variant-not-a-slug"),
    BrokenCell(with_cells("fda-2020:sglt2-inhibitor", condition="surgery"), ROW["fda-2020:sglt2-inhibitor"],
                 "condition", "must be one of fasting, sedation, contrast (got 'surgery')", id="unknown-condition"),
    BrokenCell(with_cells("chest-2022:dabigatran:crcl-below-30", crcl_min="10"), DABI_BELOW_30, "crcl_min",
                 "leaves a gap after CrCl 0: bands of chest-2022 dabigatran must meet at CrCl 0",
                 id="lowest-band-starts-above-0"),
    BrokenCell(with_cells("chest-2022:warfarin", drugs="apixaban"), W, "drugs",
                 f"'apixaban' already names apixaban (class apixaban) at row {ROW['asra-pain-2018:apixaban']},"
                 " here apixaban (class warfarin); a name must resolve to one drug", id="drug-in-two-classes"),
    BrokenCell(with_cells("chest-2022:warfarin", atc="B01AA03=heparin"), W, "atc",
                 "'B01AA03=heparin' names 'heparin', which is not in the row's drugs", id="atc-code-of-a-drug-not-in-the-row"),
]


@pytest.mark.parametrize("case", EACH_COLUMN, ids=[case.id for case in EACH_COLUMN])
def test_each_column_is_named_in_its_own_error(case: BrokenCell):
    """A copy with one cell broken is refused with that cell's row, its column and the exact problem."""
    with pytest.raises(medplan.TableError) as info:
        parse_table(case.text, FILE)
    assert str(info.value) == at(case.row, case.column, case.problem)
    assert (info.value.file, info.value.row, info.value.column) == (FILE, case.row, case.column)


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


def test_a_test_before_the_restart_is_described_in_words():
    """Metformin's eGFR row, read afresh, names its test on day +2, before the restart."""
    table = parse_table(BUNDLED, FILE)
    (rule,) = [r for r in table.rules if r.rule_id == "acr-2021:metformin:egfr-below-30"]

    assert rule.describe(BleedingRisk.HIGH) == (
        "high bleeding risk: hold; no dose on the day of the procedure before it; resume 48 hours after; "
        "eGFR on day +2, before the restart"
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
