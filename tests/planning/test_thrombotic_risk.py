"""Tests for medplan.planning.thrombotic_risk: ``classify`` row by row, and the month window.

``classify`` is run on hand-built patients, holidays-style: one line per case
with the exact tier, decision, rules met and fields asked for, and a comment
saying why. The month window is defended the way ehrQL defends ``add_months``.
The table itself and its validation are tested in tests/tables/test_thrombotic_risk.py.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from riskcases import (
    AF,
    BRIDGE,
    FIRST,
    HIGH,
    LOW,
    MHV,
    MODERATE,
    NO_BRIDGE,
    REVIEW,
    SECOND,
    TABLE,
    VTE,
)

from medplan.model import AnticoagulationReason
from medplan.planning.thrombotic_risk import classify
from medplan.tables.thrombotic_risk import (
    RiskTable,
    parse_risk_table,
)

# --- classification, row by row ---------------------------------------------------------------

# Day 0 for the cases below, a Monday; the event dates are read off it by hand.
DAY0 = date(2026, 6, 15)


def af(**fields) -> AnticoagulationReason:
    return AnticoagulationReason(reason=AF, **fields)


def mhv(**fields) -> AnticoagulationReason:
    return AnticoagulationReason(reason=MHV, **fields)


def vte(**fields) -> AnticoagulationReason:
    return AnticoagulationReason(reason=VTE, **fields)


# Everything the VTE rows test beyond the date, answered "no".
NO_VTE_FACTORS = {"recurrent_vte": False, "thrombophilia": "none", "active_cancer": False}

# (reasons, expected risk, bridging, rule ids met in table order, exact missing fields)
@attrs.frozen(kw_only=True)
class ClassifyCase:
    """One case of test_classify: reasons, risk, bridging, rule_ids, missing."""

    reasons: object
    risk: object
    bridging: object
    rule_ids: tuple
    missing: object


CASES = [
    # A mechanical mitral valve is high risk and bridged. Nothing else need be asked: every
    # other row it could meet (caged-ball, tilting-disc, recent stroke) is also high and bridge.
    pytest.param(
        ClassifyCase(reasons=(mhv(valve_position="mitral"),), risk=HIGH, bridging=BRIDGE, rule_ids=("chest-2022:mhv:mitral",), missing=()),
        id="mhv-mitral",
    ),
    # A caged-ball valve is high risk whatever its position; the bileaflet rows are ruled out by
    # the type, and an unknown stroke could only give the same high, bridge.
    pytest.param(
        ClassifyCase(
            reasons=(mhv(valve_position="aortic", valve_type="caged-ball"),),
            risk=HIGH,
            bridging=BRIDGE,
            rule_ids=("chest-2022:mhv:caged-ball",),
            missing=(),
        ),
        id="mhv-caged-ball-aortic",
    ),
    # A bileaflet aortic valve with risk factors is moderate, and the sources disagree on
    # bridging it: review with the cardiologist, though nothing is missing.
    pytest.param(
        ClassifyCase(
            reasons=(mhv(valve_position="aortic", valve_type="bileaflet", valve_risk_factors=True, stroke_or_tia="none"),),
            risk=MODERATE,
            bridging=REVIEW,
            rule_ids=("chest-2012:mhv:bileaflet-aortic-risk-factors",),
            missing=(),
        ),
        id="mhv-bileaflet-aortic-risk-factors",
    ),
    # Without risk factors and with no stroke, a bileaflet aortic valve is low risk: no bridging.
    pytest.param(
        ClassifyCase(
            reasons=(mhv(valve_position="aortic", valve_type="bileaflet", valve_risk_factors=False, stroke_or_tia="none"),),
            risk=LOW,
            bridging=NO_BRIDGE,
            rule_ids=("chest-2012:mhv:bileaflet-aortic",),
            missing=(),
        ),
        id="mhv-bileaflet-aortic-low",
    ),
    # A stroke 5 months ago (15 Jan) is outside CHEST 2022's 3 months but inside the 2012 table's
    # 6, which the table keeps: high and bridge, above the valve's own low row.
    pytest.param(
        ClassifyCase(
            reasons=(mhv(valve_position="aortic", valve_type="bileaflet", valve_risk_factors=False, stroke_or_tia=date(2026, 1, 15)),),
            risk=HIGH,
            bridging=BRIDGE,
            rule_ids=("chest-2012:mhv:recent-stroke", "chest-2012:mhv:bileaflet-aortic"),
            missing=(),
        ),
        id="mhv-bileaflet-aortic-stroke-5-months",
    ),
    # A stroke 7 months ago is outside even the 6-month window: back to the valve's low row.
    pytest.param(
        ClassifyCase(
            reasons=(mhv(valve_position="aortic", valve_type="bileaflet", valve_risk_factors=False, stroke_or_tia=date(2025, 11, 15)),),
            risk=LOW,
            bridging=NO_BRIDGE,
            rule_ids=("chest-2012:mhv:bileaflet-aortic",),
            missing=(),
        ),
        id="mhv-bileaflet-aortic-stroke-7-months",
    ),
    # AF with CHA2DS2-VASc 3, no stroke and no rheumatic disease is low risk: no bridging.
    pytest.param(
        ClassifyCase(
            reasons=(af(cha2ds2_vasc=3, stroke_or_tia="none", rheumatic_valve_disease=False),),
            risk=LOW,
            bridging=NO_BRIDGE,
            rule_ids=("chest-2022:af:cha2ds2-vasc-0-4",),
            missing=(),
        ),
        id="af-3-fully-given",
    ),
    # The same score with stroke and rheumatic disease not asked: either would make the patient
    # high risk, so both are asked for, in table order, and the decision waits.
    pytest.param(
        ClassifyCase(
            reasons=(af(cha2ds2_vasc=3),),
            risk=LOW,
            bridging=REVIEW,
            rule_ids=("chest-2022:af:cha2ds2-vasc-0-4",),
            missing=(f"{FIRST}.stroke_or_tia", f"{FIRST}.rheumatic_valve_disease"),
        ),
        id="af-3-stroke-and-rheumatic-not-given",
    ),
    # CHA2DS2-VASc 7 is high risk, but CHEST 2022 is against bridging AF: review. The unknown
    # stroke and rheumatic disease could only give the same high, review, so neither is asked.
    pytest.param(
        ClassifyCase(reasons=(af(cha2ds2_vasc=7),), risk=HIGH, bridging=REVIEW, rule_ids=("chest-2022:af:cha2ds2-vasc-7-up",), missing=()), id="af-7"
    ),
    # CHA2DS2-VASc 5 is the moderate band: no bridging.
    pytest.param(
        ClassifyCase(
            reasons=(af(cha2ds2_vasc=5, stroke_or_tia="none", rheumatic_valve_disease=False),),
            risk=MODERATE,
            bridging=NO_BRIDGE,
            rule_ids=("chest-2022:af:cha2ds2-vasc-5-6",),
            missing=(),
        ),
        id="af-5",
    ),
    # CHA2DS2-VASc 4 with a stroke 2 months ago (15 Apr) is high through the stroke: review.
    # Rheumatic disease is not asked; it too is high, review.
    pytest.param(
        ClassifyCase(
            reasons=(af(cha2ds2_vasc=4, stroke_or_tia=date(2026, 4, 15)),),
            risk=HIGH,
            bridging=REVIEW,
            rule_ids=("chest-2022:af:recent-stroke", "chest-2022:af:cha2ds2-vasc-0-4"),
            missing=(),
        ),
        id="af-4-stroke-2-months",
    ),
    # With no criteria fields at all nothing is met, so every field a row tests is asked for.
    pytest.param(
        ClassifyCase(
            reasons=(af(),),
            risk=None,
            bridging=REVIEW,
            rule_ids=(),
            missing=(f"{FIRST}.cha2ds2_vasc", f"{FIRST}.stroke_or_tia", f"{FIRST}.rheumatic_valve_disease"),
        ),
        id="af-nothing-given",
    ),
    # A VTE 2 months ago (15 Apr) is high risk and bridged.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2026, 4, 15), **NO_VTE_FACTORS),), risk=HIGH, bridging=BRIDGE, rule_ids=("chest-2022:vte:recent",), missing=()
        ),
        id="vte-2-months",
    ),
    # The same VTE with thrombophilia, recurrence and cancer not given still bridges: high is the
    # top tier, so no answer could raise it, and severe thrombophilia (the one other high row)
    # also bridges.
    pytest.param(
        ClassifyCase(reasons=(vte(vte=date(2026, 4, 15)),), risk=HIGH, bridging=BRIDGE, rule_ids=("chest-2022:vte:recent",), missing=()),
        id="vte-2-months-factors-not-given",
    ),
    # A VTE 6 months ago (15 Dec) is in the 3-12 month band: moderate, no bridging.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2025, 12, 15), **NO_VTE_FACTORS),),
            risk=MODERATE,
            bridging=NO_BRIDGE,
            rule_ids=("chest-2012:vte:3-12-months",),
            missing=(),
        ),
        id="vte-6-months",
    ),
    # The same with active cancer not given: the active-cancer row is review at the same tier,
    # so the answer would change the decision and is asked for.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2025, 12, 15), recurrent_vte=False, thrombophilia="none"),),
            risk=MODERATE,
            bridging=REVIEW,
            rule_ids=("chest-2012:vte:3-12-months",),
            missing=(f"{FIRST}.active_cancer",),
        ),
        id="vte-6-months-cancer-not-given",
    ),
    # With active cancer the two moderate rows disagree; review (the stronger) is their decision.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2025, 12, 15), recurrent_vte=False, thrombophilia="none", active_cancer=True),),
            risk=MODERATE,
            bridging=REVIEW,
            rule_ids=("chest-2012:vte:3-12-months", "chest-2012:vte:active-cancer"),
            missing=(),
        ),
        id="vte-6-months-active-cancer",
    ),
    # Active cancer already makes the decision review at the moderate tier. Recurrence is
    # moderate, no-bridge: meeting it neither raises the tier nor changes review, so by the
    # module's rule it is not asked for.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2025, 12, 15), thrombophilia="none", active_cancer=True),),
            risk=MODERATE,
            bridging=REVIEW,
            rule_ids=("chest-2012:vte:3-12-months", "chest-2012:vte:active-cancer"),
            missing=(),
        ),
        id="vte-6-months-active-cancer-recurrence-not-given",
    ),
    # A single VTE 13 months ago (15 May 2025) is low risk: no bridging.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2025, 5, 15), **NO_VTE_FACTORS),),
            risk=LOW,
            bridging=NO_BRIDGE,
            rule_ids=("chest-2012:vte:12-months-up",),
            missing=(),
        ),
        id="vte-13-months",
    ),
    # Severe thrombophilia is high risk and bridged, however old the VTE.
    pytest.param(
        ClassifyCase(
            reasons=(vte(vte=date(2024, 6, 15), recurrent_vte=False, thrombophilia="severe", active_cancer=False),),
            risk=HIGH,
            bridging=BRIDGE,
            rule_ids=("chest-2022:vte:severe-thrombophilia", "chest-2012:vte:12-months-up"),
            missing=(),
        ),
        id="vte-severe-thrombophilia",
    ),
    # Two reasons: low-risk AF and a mechanical mitral valve. One reason to bridge suffices.
    pytest.param(
        ClassifyCase(
            reasons=(af(cha2ds2_vasc=3, stroke_or_tia="none", rheumatic_valve_disease=False), mhv(valve_position="mitral")),
            risk=HIGH,
            bridging=BRIDGE,
            rule_ids=("chest-2022:af:cha2ds2-vasc-0-4", "chest-2022:mhv:mitral"),
            missing=(),
        ),
        id="af-3-and-mhv-mitral",
    ),
    # The same with the AF answers not given: the valve bridges whatever they are, so the
    # plan bridges and asks nothing (a bridge wins over an open question).
    pytest.param(
        ClassifyCase(
            reasons=(af(cha2ds2_vasc=3), mhv(valve_position="mitral")),
            risk=HIGH,
            bridging=BRIDGE,
            rule_ids=("chest-2022:af:cha2ds2-vasc-0-4", "chest-2022:mhv:mitral"),
            missing=(),
        ),
        id="af-3-open-and-mhv-mitral",
    ),
    # A low valve and a VTE reason with an open question: the question wins over the valve's
    # no-bridge, and names the second reason's index.
    pytest.param(
        ClassifyCase(
            reasons=(
                mhv(valve_position="aortic", valve_type="bileaflet", valve_risk_factors=False, stroke_or_tia="none"),
                vte(vte=date(2025, 12, 15), recurrent_vte=False, thrombophilia="none"),
            ),
            risk=MODERATE,
            bridging=REVIEW,
            rule_ids=("chest-2012:mhv:bileaflet-aortic", "chest-2012:vte:3-12-months"),
            missing=(f"{SECOND}.active_cancer",),
        ),
        id="mhv-low-and-vte-open",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_classify(case):
    """The tier, the bridging decision, the rows met and the fields asked for, exactly."""
    result = classify(case.reasons, TABLE, DAY0)

    assert result.risk is case.risk
    assert result.bridging is case.bridging
    assert tuple(c.rule_id for c in result.criteria) == case.rule_ids
    assert result.missing == case.missing


# --- the month window -------------------------------------------------------------------------


def window_table(months: int) -> RiskTable:
    """A small valid table whose VTE rows are ``within`` and ``beyond`` the same number of months."""
    source = "Test source"
    text = (
        "rule_id,reason,criterion,description,risk,bridging,evidence,note,source\n"
        f"af,{AF},cha2ds2_vasc >= 7,AF,high,review,C,,{source}\n"
        f"mhv,{MHV},valve_position = mitral,Mitral,high,bridge,C,,{source}\n"
        f"inside,{VTE},vte within {months} months,Inside,high,bridge,C,,{source}\n"
        f"outside,{VTE},vte beyond {months} months,Outside,low,no-bridge,C,,{source}\n"
    )
    return parse_risk_table(text, "window.csv")


# (day 0, N months, the event, whether it is within N months)
@attrs.frozen(kw_only=True)
class WithinMonthsCase:
    """One case of test_within_n_months_counts_back_calendar_months_and_clips: day0, months, event, within."""

    day0: object
    months: int
    event: object
    within: bool


WINDOW = [
    # 31 May minus 3 months is 31 Feb, which clips to 28 Feb (2026 is not a leap year): an event
    # on that day is inside the window, the day before is not. Rolling forward (ehrQL's
    # add_months gives 3 Mar) would put both outside.
    pytest.param(WithinMonthsCase(day0=date(2026, 5, 31), months=3, event=date(2026, 2, 28), within=True), id="31-may-3-months-28-feb"),
    pytest.param(WithinMonthsCase(day0=date(2026, 5, 31), months=3, event=date(2026, 2, 27), within=False), id="31-may-3-months-27-feb"),
    # 31 Mar minus 1 month clips to 28 Feb the same way.
    pytest.param(WithinMonthsCase(day0=date(2026, 3, 31), months=1, event=date(2026, 2, 28), within=True), id="31-mar-1-month-28-feb"),
    pytest.param(WithinMonthsCase(day0=date(2026, 3, 31), months=1, event=date(2026, 2, 27), within=False), id="31-mar-1-month-27-feb"),
    # In a leap year it clips to 29 Feb instead, so 28 Feb is outside.
    pytest.param(WithinMonthsCase(day0=date(2028, 3, 31), months=1, event=date(2028, 2, 29), within=True), id="leap-31-mar-1-month-29-feb"),
    pytest.param(WithinMonthsCase(day0=date(2028, 3, 31), months=1, event=date(2028, 2, 28), within=False), id="leap-31-mar-1-month-28-feb"),
    # Where no clipping is needed the day of the month is kept: 15 Jun minus 3 months is 15 Mar.
    pytest.param(WithinMonthsCase(day0=date(2026, 6, 15), months=3, event=date(2026, 3, 15), within=True), id="15-jun-3-months-15-mar"),
    pytest.param(WithinMonthsCase(day0=date(2026, 6, 15), months=3, event=date(2026, 3, 14), within=False), id="15-jun-3-months-14-mar"),
    # Across a year end: 15 Jan minus 12 months is 15 Jan of the year before.
    pytest.param(WithinMonthsCase(day0=date(2026, 1, 15), months=12, event=date(2025, 1, 15), within=True), id="12-months-same-day"),
    pytest.param(WithinMonthsCase(day0=date(2026, 1, 15), months=12, event=date(2025, 1, 14), within=False), id="12-months-day-before"),
    # An event on day 0 itself is within any window.
    pytest.param(WithinMonthsCase(day0=date(2026, 5, 31), months=1, event=date(2026, 5, 31), within=True), id="on-day-0"),
]


@pytest.mark.parametrize("case", WINDOW)
def test_within_n_months_counts_back_calendar_months_and_clips(case):
    """'within N months' holds from day 0 minus N months (clipped to the month's end); 'beyond' is its complement."""
    table = window_table(case.months)
    patient = (vte(vte=case.event),)

    met = tuple(c.rule_id for c in classify(patient, table, case.day0).criteria)

    assert met == (("inside",) if case.within else ("outside",))


def test_the_bundled_3_month_vte_row_uses_the_clipped_boundary():
    """With the bundled table and day 0 on 31 May, a VTE on 28 Feb is recent (bridge) and on 27 Feb is not."""
    day0 = date(2026, 5, 31)

    on_boundary = classify((vte(vte=date(2026, 2, 28), **NO_VTE_FACTORS),), TABLE, day0)
    day_before = classify((vte(vte=date(2026, 2, 27), **NO_VTE_FACTORS),), TABLE, day0)

    assert [c.rule_id for c in on_boundary.criteria] == ["chest-2022:vte:recent"]
    assert on_boundary.bridging is BRIDGE
    assert [c.rule_id for c in day_before.criteria] == ["chest-2012:vte:3-12-months"]
    assert day_before.bridging is NO_BRIDGE


def test_an_event_given_as_none_is_never_within_a_window():
    """'none' for a stroke is never within 3 months: AF 3 with no stroke and no rheumatic disease stays low."""
    result = classify((af(cha2ds2_vasc=3, stroke_or_tia="none", rheumatic_valve_disease=False),), TABLE, DAY0)

    assert "chest-2022:af:recent-stroke" not in [c.rule_id for c in result.criteria]
