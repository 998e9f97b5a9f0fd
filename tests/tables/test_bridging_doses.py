"""Tests for medplan.tables.bridging_doses: dose rounding, the CrCl band lookup, and the two tables' validation.

``round_dose`` is checked row by row (ties go to the lower dose, a dose far
above the largest is a question, not a rounding) and by a Hypothesis property
over every dose row of the bundled table. The validators are fed copies of the
bundled files with one cell broken and must give the exact
``file, row N: column 'x': problem`` message.
"""

from __future__ import annotations

import itertools

import attrs
import datafiles
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import medplan
from medplan.planning.dosing import round_dose
from medplan.tables.bridging_doses import default_bridging_tables, parse_dose_table, parse_pathway

DOSE_FILE = "bridging_doses.csv"
PATHWAY_FILE = "warfarin_pathway.csv"
TABLES = default_bridging_tables()


# --- round_dose -------------------------------------------------------------------------------

ENOXAPARIN = (20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150)
DALTEPARIN = (2500, 5000, 7500, 10000, 12500, 15000, 18000)

# (exact dose by weight, doses that can be given, the dose given)
@attrs.frozen(kw_only=True)
class RoundDoseCase:
    """One case of test_round_dose: exact, doses, dose."""

    exact: float
    doses: object
    dose: int | None


ROUNDING = [
    # Nearest dose: 82 mg is nearer 80 than 90.
    pytest.param(RoundDoseCase(exact=82, doses=ENOXAPARIN, dose=80), id="nearest-down"),
    pytest.param(RoundDoseCase(exact=87, doses=ENOXAPARIN, dose=90), id="nearest-up"),
    # Halfway goes to the lower dose, the smaller bleeding risk.
    pytest.param(RoundDoseCase(exact=85, doses=ENOXAPARIN, dose=80), id="tie-goes-lower"),
    pytest.param(RoundDoseCase(exact=8750, doses=DALTEPARIN, dose=7500), id="tie-goes-lower-iu"),
    # Just past halfway goes up.
    pytest.param(RoundDoseCase(exact=85.01, doses=ENOXAPARIN, dose=90), id="past-tie-goes-up"),
    # An exact match is given as it is.
    pytest.param(RoundDoseCase(exact=70, doses=ENOXAPARIN, dose=70), id="exact-match"),
    # Below the smallest dose, the smallest is given (a light patient).
    pytest.param(RoundDoseCase(exact=12, doses=ENOXAPARIN, dose=20), id="below-smallest"),
    # Exactly the largest dose.
    pytest.param(RoundDoseCase(exact=150, doses=ENOXAPARIN, dose=150), id="exactly-largest"),
    pytest.param(RoundDoseCase(exact=18000, doses=DALTEPARIN, dose=18000), id="exactly-largest-iu"),
    # Above the largest by exactly half the last step still rounds down to it (a tie, lower).
    pytest.param(RoundDoseCase(exact=155, doses=ENOXAPARIN, dose=150), id="largest-plus-half-step"),
    pytest.param(RoundDoseCase(exact=19500, doses=DALTEPARIN, dose=18000), id="largest-plus-half-last-step-iu"),
    # Above the largest by more than half a step is a question for the pharmacist.
    pytest.param(RoundDoseCase(exact=155.01, doses=ENOXAPARIN, dose=None), id="beyond-largest"),
    pytest.param(RoundDoseCase(exact=225, doses=ENOXAPARIN, dose=None), id="far-beyond-largest"),
    # The last step of dalteparin is 3,000 IU (15,000 to 18,000), not the 2,500 of the others.
    pytest.param(RoundDoseCase(exact=19600, doses=DALTEPARIN, dose=None), id="beyond-largest-iu"),
]


@pytest.mark.parametrize("case", ROUNDING)
def test_round_dose(case):
    """The dose given for an exact dose by weight, or None when it is beyond the largest."""
    assert round_dose(case.exact, case.doses) == case.dose


DOSE_ROWS = [row for row in TABLES.doses if row.review_reason is None]


def _step_around(exact: float, doses: tuple[float, ...]) -> float:
    """The gap between the two doses either side of ``exact`` (the last gap above the largest)."""
    for low, high in itertools.pairwise(doses):
        if exact <= high:
            return high - low
    return doses[-1] - doses[-2]


@pytest.mark.parametrize("row", DOSE_ROWS, ids=[row.rule_id for row in DOSE_ROWS])
@given(weight=st.floats(min_value=40, max_value=150, allow_nan=False))
@example(weight=40.0)
@example(weight=150.0)
@example(weight=85.0)  # enoxaparin 1 mg/kg: halfway between 80 and 90
def test_rounded_dose_is_a_dose_within_half_a_step(row, weight):
    """For any weight a dose row's result is one of its doses, within half a step of the exact dose."""
    exact = row.per_kg * weight

    dose = round_dose(exact, row.doses)

    if dose is None:
        assert exact > row.doses[-1] + (row.doses[-1] - row.doses[-2]) / 2
        return
    assert dose in row.doses
    if exact < row.doses[0]:
        assert dose == row.doses[0]
    else:
        assert abs(dose - exact) <= _step_around(exact, row.doses) / 2


def test_the_property_covers_every_dose_row():
    """The property runs over the six dose rows, not the two review rows (which give no dose)."""
    assert len(DOSE_ROWS) == 6
    assert {row.rule_id for row in TABLES.doses} - {row.rule_id for row in DOSE_ROWS} == {
        "dalteparin:crcl-0-30:twice-daily",
        "dalteparin:crcl-0-30:once-daily",
    }


# --- the CrCl band lookup ---------------------------------------------------------------------


# (heparin, regimen, CrCl, the row used)
@attrs.frozen(kw_only=True)
class DoseBandCase:
    """One case of test_dose_row_takes_the_band_that_holds_the_crcl: agent, regimen, crcl, rule_id."""

    agent: str
    regimen: str
    crcl: float
    rule_id: str


BANDS = [
    # A value at the cut-off takes the lower band, here the reduced dose (min < CrCl <= max).
    pytest.param(DoseBandCase(agent="enoxaparin", regimen="twice-daily", crcl=30, rule_id="enoxaparin:twice-daily:crcl-0-30"), id="enox-at-30"),
    pytest.param(DoseBandCase(agent="enoxaparin", regimen="twice-daily", crcl=30.1, rule_id="enoxaparin:twice-daily"), id="enox-above-30"),
    # The lowest band holds 0.
    pytest.param(DoseBandCase(agent="enoxaparin", regimen="twice-daily", crcl=0, rule_id="enoxaparin:twice-daily:crcl-0-30"), id="enox-at-0"),
    # The highest band has no upper limit.
    pytest.param(DoseBandCase(agent="enoxaparin", regimen="once-daily", crcl=500, rule_id="enoxaparin:once-daily"), id="enox-once-500"),
    pytest.param(DoseBandCase(agent="enoxaparin", regimen="once-daily", crcl=30, rule_id="enoxaparin:once-daily:crcl-0-30"), id="enox-once-at-30"),
    # Dalteparin has no reduced dose: below the cut-off its row is a review.
    pytest.param(DoseBandCase(agent="dalteparin", regimen="twice-daily", crcl=25, rule_id="dalteparin:crcl-0-30:twice-daily"), id="dalt-25"),
    pytest.param(DoseBandCase(agent="dalteparin", regimen="twice-daily", crcl=31, rule_id="dalteparin:twice-daily"), id="dalt-31"),
]


@pytest.mark.parametrize("case", BANDS)
def test_dose_row_takes_the_band_that_holds_the_crcl(case):
    """Each heparin and regimen's row is found by its CrCl band."""
    row = TABLES.dose_row(case.agent, case.regimen, case.crcl)

    assert row is not None
    assert row.rule_id == case.rule_id


def test_enoxaparin_at_crcl_30_is_1_mg_per_kg_once_daily():
    """The reduced enoxaparin dose at the cut-off is 1 mg/kg given once daily."""
    row = TABLES.dose_row("enoxaparin", "twice-daily", 30)

    assert row is not None
    assert (row.per_kg, row.unit, row.given) == (1, "mg", "once-daily")


def test_dalteparin_at_crcl_25_is_a_review_with_its_reason():
    """Dalteparin with CrCl 25 gives the review row, which says why."""
    row = TABLES.dose_row("dalteparin", "twice-daily", 25)

    assert row is not None
    assert row.review_reason == (
        "dalteparin has no reduced dose for CrCl 30 mL/min or less: the label asks for anti-Xa "
        "monitoring in renal failure; choose the dose (or another anticoagulant) with the prescriber"
    )


# --- validation: the dose table ---------------------------------------------------------------


_records = datafiles.records
_write = datafiles.write
with_cells = datafiles.with_cells
# The row number of each dose rule and pathway step in the bundled files.
DOSE_ROW = datafiles.row_numbers(DOSE_FILE)
STEP_ROW = datafiles.row_numbers(PATHWAY_FILE)


def without_rows(file: str, *keys: str) -> str:
    """A bundled file without the rows whose first cell is one of ``keys``."""
    return _write([r for r in _records(file) if r[0] not in keys])


def with_row_twice(file: str, key: str) -> str:
    records = _records(file)
    return _write(records + [r for r in records if r[0] == key])


def test_unmodified_copies_load_like_the_bundled_tables():
    """The rewritten copies the broken cases start from give the bundled rows and steps."""
    assert parse_dose_table(_write(_records(DOSE_FILE)), DOSE_FILE)[0] == TABLES.doses
    assert parse_pathway(_write(_records(PATHWAY_FILE)), PATHWAY_FILE)[0] == dict(TABLES.pathway)


ENOX_BD = "enoxaparin:twice-daily"
ENOX_BD_LOW = "enoxaparin:twice-daily:crcl-0-30"
DALT_OD = "dalteparin:once-daily"
DALT_OD_LOW = "dalteparin:crcl-0-30:once-daily"
DALT_BD_LOW = "dalteparin:crcl-0-30:twice-daily"


# (broken copy, expected message after the file name)
@attrs.frozen(kw_only=True)
class BrokenDoseTableCase:
    """One case of test_a_broken_dose_table_is_refused: text, message."""

    text: object
    message: object


BROKEN_DOSES = [
    # A gap: the reduced band ends at 30, the full one starts at 40, so 35 has no dose.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, crcl_min="40"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'crcl_min': enoxaparin twice-daily: bands must meet, "
            "no gap or overlap (crcl_min should be 30)",
        ),
        id="band-gap",
    ),
    # An overlap: the reduced band runs to 40, past where the full one starts.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD_LOW, crcl_max="40"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'crcl_min': enoxaparin twice-daily: bands must meet, "
            "no gap or overlap (crcl_min should be 40)",
        ),
        id="band-overlap",
    ),
    # The lowest band must start from nothing (it holds 0).
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD_LOW, crcl_min="10"),
            message=f", row {DOSE_ROW[ENOX_BD_LOW]}: column 'crcl_min': enoxaparin twice-daily: bands must meet, "
            "no gap or overlap (crcl_min should be empty)",
        ),
        id="band-lowest-not-from-zero",
    ),
    # A band that ends above where it starts.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD_LOW, crcl_min="30", crcl_max="20"),
            message=f", row {DOSE_ROW[ENOX_BD_LOW]}: column 'crcl_max': must be above crcl_min (got 30 to 20)",
        ),
        id="band-reversed",
    ),
    # A heparin and regimen with no row at all.
    pytest.param(
        BrokenDoseTableCase(text=without_rows(DOSE_FILE, DALT_OD, DALT_OD_LOW), message=": column 'regimen': has no row for dalteparin once-daily"),
        id="missing-combination",
    ),
    # Only the reduced band left: the highest CrCl values have no dose. The reduced row moves
    # up one, into the removed row's place.
    pytest.param(
        BrokenDoseTableCase(
            text=without_rows(DOSE_FILE, DALT_OD),
            message=f", row {DOSE_ROW[DALT_OD_LOW] - 1}: column 'crcl_max': dalteparin once-daily: "
            "only the highest CrCl band may leave crcl_max empty",
        ),
        id="missing-highest-band",
    ),
    # Doses must increase, so "nearest" and "the largest" mean what they say.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, doses="20; 40; 30"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'doses': must be in increasing order (got 30 after 40)",
        ),
        id="doses-decreasing",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, doses="20; 30; 30"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'doses': must be in increasing order (got 30 after 30)",
        ),
        id="doses-repeated",
    ),
    # A review row must say why.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, DALT_BD_LOW, review_reason=""),
            message=f", row {DOSE_ROW[DALT_BD_LOW]}: column 'review_reason': must be given exactly when action is review",
        ),
        id="review-without-reason",
    ),
    # And a dose row must not carry a review reason.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, review_reason="ask"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'review_reason': must be given exactly when action is review",
        ),
        id="dose-with-reason",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, agent="tinzaparin"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'agent': must be one of enoxaparin, dalteparin (got 'tinzaparin')",
        ),
        id="unknown-agent",
    ),
    pytest.param(
        BrokenDoseTableCase(text=with_cells(DOSE_FILE, ENOX_BD, source=""), message=f", row {DOSE_ROW[ENOX_BD]}: column 'source': must not be empty"),
        id="empty-source",
    ),
    # Every cell the planner reads must be one it can use.
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, regimen="thrice-daily"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'regimen': must be one of twice-daily, once-daily (got 'thrice-daily')",
        ),
        id="unknown-regimen",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, given="thrice-daily"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'given': must be one of twice-daily, once-daily (got 'thrice-daily')",
        ),
        id="unknown-given",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, unit="g"), message=f", row {DOSE_ROW[ENOX_BD]}: column 'unit': must be one of mg, IU (got 'g')"
        ),
        id="unknown-unit",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, dose_per_kg=""), message=f", row {DOSE_ROW[ENOX_BD]}: column 'dose_per_kg': must not be empty"
        ),
        id="empty-dose-per-kg",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, doses=""), message=f", row {DOSE_ROW[ENOX_BD]}: column 'doses': must list the doses that can be given"
        ),
        id="no-doses",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD, action="stop"),
            message=f", row {DOSE_ROW[ENOX_BD]}: column 'action': must be dose or review (got 'stop')",
        ),
        id="unknown-action",
    ),
    pytest.param(
        BrokenDoseTableCase(
            text=with_cells(DOSE_FILE, ENOX_BD_LOW, rule_id=ENOX_BD),
            message=f", row {DOSE_ROW[ENOX_BD_LOW]}: column 'rule_id': '{ENOX_BD}' is already used at row {DOSE_ROW[ENOX_BD]}",
        ),
        id="duplicate-rule-id",
    ),
]


@pytest.mark.parametrize("case", BROKEN_DOSES)
def test_a_broken_dose_table_is_refused(case):
    """A broken copy of the dose table is refused whole, naming file, row and column."""
    with pytest.raises(medplan.TableError) as info:
        parse_dose_table(case.text, DOSE_FILE)

    assert str(info.value) == f"{DOSE_FILE}{case.message}"


# --- validation: the pathway ------------------------------------------------------------------

STEP_NAMES = (
    "baseline_inr_day, lmwh_start_day, lmwh_last_dose_hours, lmwh_restart_low_hours, "
    "lmwh_restart_high_hours, lmwh_restart_high_until_hours, postop_inr_day, lmwh_stop_inr_above, "
    "second_postop_inr_day, "
    "vitamin_k_inr_below, vitamin_k_mg_min, vitamin_k_mg_max"
)


@attrs.frozen(kw_only=True)
class BrokenPathwayCase:
    """One case of test_a_broken_pathway_is_refused: text, message."""

    text: object
    message: object


BROKEN_PATHWAY = [
    # A step the planner does not know.
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "lmwh_start_day", step="lmwh_stop_day"),
            message=f", row {STEP_ROW['lmwh_start_day']}: column 'step': must be one of {STEP_NAMES} (got 'lmwh_stop_day')",
        ),
        id="unknown-step",
    ),
    # Every step must be there; the planner would otherwise have no number for it.
    pytest.param(
        BrokenPathwayCase(text=without_rows(PATHWAY_FILE, "second_postop_inr_day"), message=": column 'step': missing steps: second_postop_inr_day"),
        id="missing-step",
    ),
    pytest.param(
        BrokenPathwayCase(
            text=without_rows(PATHWAY_FILE, "postop_inr_day", "vitamin_k_mg_max"),
            message=": column 'step': missing steps: postop_inr_day, vitamin_k_mg_max",
        ),
        id="missing-steps",
    ),
    # Each step has one value.
    pytest.param(
        BrokenPathwayCase(
            text=with_row_twice(PATHWAY_FILE, "postop_inr_day"), message=f", row {len(STEP_ROW) + 1}: column 'step': 'postop_inr_day' is given twice"
        ),
        id="step-twice",
    ),
    # Hours are not days.
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "lmwh_last_dose_hours", unit="day"),
            message=f", row {STEP_ROW['lmwh_last_dose_hours']}: column 'unit': must be hours for lmwh_last_dose_hours (got 'day')",
        ),
        id="wrong-unit",
    ),
    # Days are calendar days: whole numbers.
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "baseline_inr_day", value="-7.5"),
            message=f", row {STEP_ROW['baseline_inr_day']}: column 'value': must be a whole number of days (got '-7.5')",
        ),
        id="day-not-whole",
    ),
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "lmwh_restart_high_hours", value="48.5"),
            message=f", row {STEP_ROW['lmwh_restart_high_hours']}: column 'value': must be a whole number of hours (got '48.5')",
        ),
        id="hours-not-whole",
    ),
    # Each step has a range a protocol could plausibly give.
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "baseline_inr_day", value="-1"),
            message=f", row {STEP_ROW['baseline_inr_day']}: column 'value': must be between -14 and -2 (got '-1')",
        ),
        id="day-out-of-range",
    ),
    # The vitamin K band must not be upside down.
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "vitamin_k_mg_min", value="3"),
            message=": column 'value': vitamin_k_mg_min must not be above vitamin_k_mg_max",
        ),
        id="vitamin-k-min-above-max",
    ),
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "postop_inr_day", value=""),
            message=f", row {STEP_ROW['postop_inr_day']}: column 'value': must not be empty",
        ),
        id="empty-value",
    ),
    pytest.param(
        BrokenPathwayCase(
            text=with_cells(PATHWAY_FILE, "postop_inr_day", source=""),
            message=f", row {STEP_ROW['postop_inr_day']}: column 'source': must not be empty",
        ),
        id="empty-source",
    ),
]


@pytest.mark.parametrize("case", BROKEN_PATHWAY)
def test_a_broken_pathway_is_refused(case):
    """A broken copy of the pathway is refused whole, naming file, row and column."""
    with pytest.raises(medplan.TableError) as info:
        parse_pathway(case.text, PATHWAY_FILE)

    assert str(info.value) == f"{PATHWAY_FILE}{case.message}"


def test_vitamin_k_min_equal_to_max_is_accepted():
    """A single vitamin K dose (min equal to max) is a band of one, not an error."""
    text = with_cells(PATHWAY_FILE, "vitamin_k_mg_min", value="2.5")

    steps, _ = parse_pathway(text, PATHWAY_FILE)

    assert steps["vitamin_k_mg_min"].value == steps["vitamin_k_mg_max"].value == 2.5
