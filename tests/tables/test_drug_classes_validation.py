"""The drug-class table validator: a copy of the bundled file with one thing broken is refused with the exact message."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tablecases import (
    APIXABAN,
    ASPIRIN,
    BUNDLED,
    DABI_30_50,
    DABI_50_UP,
    FILE,
    ROW,
    RULES,
    W,
    at,
    records,
    with_cells,
    with_extra_column,
    with_row_cut,
    with_rule_id,
    without_column,
    write,
)

import medplan
from medplan.tables.drug_classes import parse_table


@dataclass(frozen=True)
class Broken:
    """A copy of the table with one thing broken, and where and how the validator must refuse it."""

    text: str
    row: int | None
    column: str | None
    message: str
    id: str


BROKEN = [
    Broken(
        # one enoxaparin row names no regimen: a therapeutic order would match two rows
        with_cells("chest-2022:enoxaparin:prophylactic", regimen=""),
        ROW["chest-2022:enoxaparin:prophylactic"],
        "regimen",
        f"{FILE}, row {ROW['chest-2022:enoxaparin:prophylactic']}: column 'regimen': must be given in every row"
        f" of chest-2022 enoxaparin or in none (row {ROW['chest-2022:enoxaparin:therapeutic']} differs)",
        id="regimen-in-some-rows-only",
    ),
    Broken(
        # a second warfarin row under a new id: the same guideline, class and no band
        with_cells("chest-2022:acenocoumarol", drug_class="warfarin", drugs="warfarin", brands=""),
        ROW["chest-2022:acenocoumarol"],
        "rule_id",
        f"{FILE}, row {ROW['chest-2022:acenocoumarol']}: column 'rule_id': repeats row {W}'s rule for"
        " chest-2022 warfarin: one row per variant, regimen, route, indication and renal band",
        id="row-repeats-another",
    ),
    Broken(
        with_cells("chest-2022:clopidogrel", low_resume="1 day"),
        ROW["chest-2022:clopidogrel"],
        "low_hold",
        f"{FILE}, row {ROW['chest-2022:clopidogrel']}: column 'low_hold': must give the hold when a restart is given",
        id="review-restart-without-hold",
    ),
    Broken(
        without_column("note"),
        1,
        None,
        f"{FILE}, row 1: missing columns: note",
        id="missing-column",
    ),
    Broken(
        without_column("source"),
        1,
        None,
        f"{FILE}, row 1: missing columns: source",
        id="missing-source-column",
    ),
    Broken(
        with_extra_column("comment"),
        1,
        None,
        f"{FILE}, row 1: unknown columns: comment",
        id="unknown-column",
    ),
    Broken(
        with_cells("chest-2022:warfarin", source=""),
        W,
        "source",
        f"{FILE}, row {W}: column 'source': must cite the guideline (author, year, table)",
        id="empty-source",
    ),
    Broken(
        with_cells("chest-2022:warfarin", source="   "),
        W,
        "source",
        f"{FILE}, row {W}: column 'source': must cite the guideline (author, year, table)",
        id="blank-source",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_action="stop"),
        W,
        "high_action",
        f"{FILE}, row {W}: column 'high_action': must be one of continue, hold, review (got 'stop')",
        id="unknown-action",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold="5"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be 'N days' or 'N hours' (got '5')",
        id="hold-without-unit",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold="2 weeks"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be 'N days' or 'N hours' (got '2 weeks')",
        id="hold-in-weeks",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold="5 Days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be 'N days' or 'N hours' (got '5 Days')",
        id="hold-unit-capitalised",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold="400 days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be at most 60 days (got '400 days')",
        id="absurd-hold",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold="61 days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be at most 60 days (got '61 days')",
        id="hold-one-day-too-long",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold="1441 hours"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must be at most 1440 hours (got '1441 hours')",
        id="hold-one-hour-too-long",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_hold=""),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': must give the hold when the action is hold",
        id="hold-action-without-hold",
    ),
    Broken(
        with_cells("chest-2022:warfarin", high_resume=""),
        W,
        "high_resume",
        f"{FILE}, row {W}: column 'high_resume': must give the restart when the action is hold",
        id="hold-action-without-resume",
    ),
    Broken(
        with_cells("chest-2022:aspirin", high_resume=""),
        ASPIRIN,
        "high_resume",
        f"{FILE}, row {ASPIRIN}: column 'high_resume': must give the restart when a hold is given",
        id="review-hold-without-resume",
    ),
    Broken(
        with_cells("chest-2022:aspirin", low_hold="7 days"),
        ASPIRIN,
        "low_hold",
        f"{FILE}, row {ASPIRIN}: column 'low_hold': must be empty when the action is continue",
        id="continue-with-hold",
    ),
    Broken(
        with_cells("chest-2022:aspirin", low_resume="1 day"),
        ASPIRIN,
        "low_resume",
        f"{FILE}, row {ASPIRIN}: column 'low_resume': must be empty when the action is continue",
        id="continue-with-resume",
    ),
    Broken(
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="35"),
        DABI_30_50,
        "crcl_min",
        f"{FILE}, row {DABI_30_50}: column 'crcl_min': leaves a gap after the renal band"
        f" of row {ROW['chest-2022:dabigatran:crcl-below-30']}: bands of chest-2022 dabigatran must meet at CrCl 30",
        id="renal-band-gap",
    ),
    Broken(
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="25"),
        DABI_30_50,
        "crcl_min",
        f"{FILE}, row {DABI_30_50}: column 'crcl_min': overlaps the renal band"
        f" of row {ROW['chest-2022:dabigatran:crcl-below-30']}: bands of chest-2022 dabigatran must meet at CrCl 30",
        id="renal-band-overlap",
    ),
    Broken(
        with_cells("chest-2022:dabigatran:crcl-50-up", crcl_max="900"),
        DABI_50_UP,
        "crcl_max",
        f"{FILE}, row {DABI_50_UP}: column 'crcl_max':"
        " the highest band of chest-2022 dabigatran must have no upper bound",
        id="renal-bands-stop-short",
    ),
    Broken(
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="50"),
        DABI_30_50,
        "crcl_max",
        f"{FILE}, row {DABI_30_50}: column 'crcl_max': must be above crcl_min (got 50 to 50)",
        id="empty-renal-band",
    ),
    Broken(
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
    Broken(
        with_cells("chest-2022:warfarin", high_hold="4 days"),
        W,
        "high_hold",
        f"{FILE}, row {W}: column 'high_hold': the high-risk hold is shorter than the low-risk hold",
        id="higher-tier-shorter-hold",
    ),
    Broken(
        with_cells("chest-2022:apixaban:crcl-25-up", high_hold="1 day"),
        APIXABAN,
        "high_hold",
        f"{FILE}, row {APIXABAN}: column 'high_hold':"
        " the high-risk hold is shorter than the intermediate-risk hold",
        id="high-shorter-than-intermediate",
    ),
    Broken(
        # 23 hours is less than the low tier's 1 day, read as 24 hours
        with_cells("chest-2022:apixaban:crcl-25-up", intermediate_hold="23 hours"),
        APIXABAN,
        "intermediate_hold",
        f"{FILE}, row {APIXABAN}: column 'intermediate_hold':"
        " the intermediate-risk hold is shorter than the low-risk hold",
        id="hours-shorter-than-a-day",
    ),
    Broken(
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
    Broken(
        with_cells("chest-2022:warfarin", brands="Coumadin; Marevan; Jantoven; Eliquis"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': 'Eliquis' already names apixaban (class apixaban)"
        f" at row {ROW['asra-pain-2018:apixaban']}, here warfarin (class warfarin); a name must resolve to one drug",
        id="brand-names-another-drug",
    ),
    Broken(
        # the first row to use a name keeps it: the clash is reported at the later row
        with_cells("asra-pain-2018:warfarin", brands="Coumadin; Marevan; Jantoven; Eliquis"),
        ROW["asra-pain-2018:apixaban"],
        "brands",
        f"{FILE}, row {ROW['asra-pain-2018:apixaban']}: column 'brands': 'Eliquis' already names"
        f" warfarin (class warfarin) at row {ROW['asra-pain-2018:warfarin']}, here apixaban (class apixaban);"
        " a name must resolve to one drug",
        id="brand-names-another-drug-earlier",
    ),
    Broken(
        with_cells("chest-2022:warfarin", brands="Coumadin; ELI QUIS"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': 'ELI QUIS' already names apixaban (class apixaban)"
        f" at row {ROW['asra-pain-2018:apixaban']}, here warfarin (class warfarin); a name must resolve to one drug",
        id="brand-clash-despite-case-and-space",
    ),
    Broken(
        with_cells("chest-2022:warfarin", brands="Coumadin=apixaban"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': 'Coumadin=apixaban' names 'apixaban',"
        " which is not in the row's drugs",
        id="brand-of-a-drug-not-in-the-row",
    ),
    Broken(
        with_cells("chest-2022:warfarin", brands="Coumadin;;Marevan"),
        W,
        "brands",
        f"{FILE}, row {W}: column 'brands': has an empty name between ';' separators"
        " (got 'Coumadin;;Marevan')",
        id="empty-brand",
    ),
    Broken(
        with_cells("chest-2022:warfarin", drugs=""),
        W,
        "drugs",
        f"{FILE}, row {W}: column 'drugs': must name at least one drug",
        id="no-drug",
    ),
    Broken(
        with_rule_id("chest-2022:acenocoumarol", "chest-2022:warfarin"),
        ROW["chest-2022:acenocoumarol"],
        "rule_id",
        f"{FILE}, row {ROW['chest-2022:acenocoumarol']}: column 'rule_id':"
        f" 'chest-2022:warfarin' is already used at row {W}",
        id="duplicate-rule-id",
    ),
    Broken(
        with_rule_id("chest-2022:warfarin", "Chest-2022:warfarin"),
        W,
        "rule_id",
        f"{FILE}, row {W}: column 'rule_id': must be lower-case letters, digits and - . :"
        " (got 'Chest-2022:warfarin')",
        id="rule-id-not-a-slug",
    ),
    Broken(
        with_cells("chest-2022:warfarin", check_max=""),
        W,
        "check_max",
        f"{FILE}, row {W}: column 'check_max': must be given exactly when check_test is",
        id="check-test-without-max",
    ),
    Broken(
        with_cells("chest-2022:warfarin", check_day=""),
        W,
        "check_day",
        f"{FILE}, row {W}: column 'check_day': must be given exactly when check_test is",
        id="check-test-without-day",
    ),
    Broken(
        with_cells("chest-2022:apixaban:crcl-25-up", check_max="1.5"),
        APIXABAN,
        "check_max",
        f"{FILE}, row {APIXABAN}: column 'check_max': must be given exactly when check_test is",
        id="check-max-without-test",
    ),
    Broken(
        with_cells("acr-2021:metformin:egfr-below-30", check_max="1.5"),
        ROW["acr-2021:metformin:egfr-below-30"],
        "check_max",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'check_max':"
        " must be empty for an eGFR check (its result is read against the baseline)",
        id="egfr-check-with-max",
    ),
    Broken(
        with_cells("acr-2021:metformin:egfr-below-30", check_day="-1"),
        ROW["acr-2021:metformin:egfr-below-30"],
        "check_day",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'check_day':"
        " must be between 1 and 14 (got '-1')",
        id="egfr-check-before-the-procedure",
    ),
    Broken(
        with_cells("acr-2021:metformin:egfr-below-30", check_day=""),
        ROW["acr-2021:metformin:egfr-below-30"],
        "check_day",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'check_day':"
        " must be given exactly when check_test is",
        id="egfr-check-without-day",
    ),
    Broken(
        with_cells("chest-2022:warfarin", check_test="aPTT"),
        W,
        "check_test",
        f"{FILE}, row {W}: column 'check_test': must be one of INR, eGFR (got 'aPTT')",
        id="unknown-check-test",
    ),
    Broken(
        with_cells("chest-2022:warfarin", evidence="maybe"),
        W,
        "evidence",
        f"{FILE}, row {W}: column 'evidence': must be one of C, C2, U (got 'maybe')",
        id="unknown-evidence",
    ),
    Broken(
        with_cells("chest-2022:warfarin", evidence=""),
        W,
        "evidence",
        f"{FILE}, row {W}: column 'evidence': must not be empty",
        id="empty-evidence",
    ),
    Broken(
        with_cells("chest-2022:enoxaparin:therapeutic", regimen="treatment"),
        ROW["chest-2022:enoxaparin:therapeutic"],
        "regimen",
        f"{FILE}, row {ROW['chest-2022:enoxaparin:therapeutic']}: column 'regimen':"
        " must be one of prophylactic, therapeutic, daily, weekly (got 'treatment')",
        id="unknown-regimen",
    ),
    Broken(
        with_cells("chest-2022:heparin:sc", route="im"),
        ROW["chest-2022:heparin:sc"],
        "route",
        f"{FILE}, row {ROW['chest-2022:heparin:sc']}: column 'route':"
        " must be one of oral, iv, sc (got 'im')",
        id="unknown-route",
    ),
    Broken(
        with_cells("chest-2022:warfarin", group="nsaid"),
        W,
        "group",
        f"{FILE}, row {W}: column 'group': must be one of oral-anticoagulant,"
        " parenteral-anticoagulant, antiplatelet, aspirin (got 'nsaid')",
        id="unknown-group",
    ),
    Broken(
        with_cells("chest-2022:warfarin", dosing=""),
        W,
        "dosing",
        f"{FILE}, row {W}: column 'dosing': must not be empty",
        id="empty-dosing",
    ),
    Broken(
        with_cells("chest-2022:clopidogrel", review_reason=""),
        ROW["chest-2022:clopidogrel"],
        "review_reason",
        f"{FILE}, row {ROW['chest-2022:clopidogrel']}: column 'review_reason':"
        " must say what to find out when a tier's action is review",
        id="review-without-reason",
    ),
    Broken(
        with_row_cut("chest-2022:warfarin"),
        W,
        None,
        f"{FILE}, row {W}: has fewer cells than the header",
        id="too-few-cells",
    ),
    Broken(
        BUNDLED + 'chest-2022:x,"unterminated\n',
        len(RULES) + 2,
        None,
        f"{FILE}, row {len(RULES) + 2}: not valid CSV: unexpected end of data",
        id="unterminated-quote",
    ),
    Broken(
        BUNDLED.replace(",chest-2022,warfarin,", ',"chest-2022"x,warfarin,', 1),
        W,
        None,
        f"{FILE}, row {W}: not valid CSV: ',' expected after '\"'",
        id="text-after-closing-quote",
    ),
    Broken(
        write(records()[:1]),
        None,
        None,
        f"{FILE}: has no rows",
        id="header-only",
    ),
    Broken(
        # a row banded both ways: which of the patient's numbers would choose it?
        with_cells("acr-2021:metformin:egfr-30-up", crcl_min="30"),
        ROW["acr-2021:metformin:egfr-30-up"],
        "egfr_min",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-30-up']}: column 'egfr_min': a row is banded by CrCl or by eGFR, not both",
        id="banded-by-crcl-and-egfr",
    ),
    Broken(
        # one row of a class banded by eGFR among rows banded by CrCl
        with_cells("chest-2022:dabigatran:crcl-30-50", crcl_min="", crcl_max="", egfr_min="30", egfr_max="50"),
        DABI_30_50,
        "crcl_min",
        f"{FILE}, row {DABI_30_50}: column 'crcl_min': must band every row of chest-2022 dabigatran by CrCl",
        id="bands-by-two-measures",
    ),
    Broken(
        # metformin's rule depends on contrast in one row and on fasting in the other
        with_cells("acr-2021:metformin:egfr-below-30", condition="fasting"),
        ROW["acr-2021:metformin:egfr-below-30"],
        "condition",
        f"{FILE}, row {ROW['acr-2021:metformin:egfr-below-30']}: column 'condition': must be the same in every"
        f" row of * metformin (row {ROW['acr-2021:metformin:egfr-30-up']} differs)",
        id="condition-differs-within-a-class",
    ),
    Broken(
        # a brand in a class of two drugs must say which one it is
        with_cells("asra-pain-2018:eptifibatide-tirofiban", brands="Integrilin; Aggrastat=tirofiban"),
        ROW["asra-pain-2018:eptifibatide-tirofiban"],
        "brands",
        f"{FILE}, row {ROW['asra-pain-2018:eptifibatide-tirofiban']}: column 'brands': must name each entry's drug"
        " when the class has several: 'Name=generic' (got 'Integrilin')",
        id="brand-without-its-drug-in-a-class-of-several",
    ),
    Broken(
        with_cells("chest-2022:warfarin", atc="B01AA3"),
        W,
        "atc",
        f"{FILE}, row {W}: column 'atc': must be 7-character WHO ATC codes such as B01AF02 (got 'B01AA3')",
        id="atc-code-malformed",
    ),
]


@pytest.mark.parametrize("case", BROKEN, ids=[case.id for case in BROKEN])
def test_broken_copy_is_refused(case: Broken):
    """A copy of the table with one thing broken is refused with the file, row, column and problem."""
    with pytest.raises(medplan.TableError) as info:
        parse_table(case.text, FILE)
    assert str(info.value) == case.message
    assert (info.value.file, info.value.row, info.value.column) == (FILE, case.row, case.column)
    assert case.message == at(case.row, case.column, info.value.problem)
