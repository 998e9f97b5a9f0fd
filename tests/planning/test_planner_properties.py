"""Properties of every dated plan, checked with Hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from plannercases import (
    DRUGS,
    med,
    only,
    request,
)
from strategies import usual_times, zones

import medplan
from medplan import Action

# --- properties ----------------------------------------------------------------------------


local_starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2032, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
)


def plan_or_none(body):
    try:
        return medplan.plan(body)
    except medplan.InputError:  # a start that falls in a DST gap or fold
        return None


def utc(moment):
    return moment.astimezone(UTC)


@given(
    medication=st.sampled_from(DRUGS),
    guideline=st.sampled_from(["asra-pain-2018", "chest-2022"]),
    start=local_starts,
    zone=zones,
    crcl=st.floats(0, 200),
)
def test_holds_never_shorten_as_the_bleeding_risk_rises(medication, guideline, start, zone, crcl):
    """For every drug, a higher bleeding-risk tier never gives a later last dose."""
    last_doses = []
    for risk in ("low", "intermediate", "high"):
        body = request(medication, at={"start": start, "timezone": zone.key}, risk=risk, guideline=guideline, crcl=crcl)
        plan = plan_or_none(body)
        if plan is None:
            return
        last_doses.append(only(plan).last_dose)
    dated = [utc(d) for d in last_doses if d is not None]
    assert dated == sorted(dated, reverse=True)


@given(
    drug=st.sampled_from(["dabigatran", "apixaban", "rivaroxaban", "edoxaban"]),
    guideline=st.sampled_from(["asra-pain-2018", "chest-2022"]),
    risk=st.sampled_from(["low", "intermediate", "high"]),
    start=local_starts,
    crcls=st.lists(st.floats(0, 200), min_size=2, max_size=2, unique=True),
)
def test_holds_never_shorten_as_crcl_falls(drug, guideline, risk, start, crcls):
    """Lower renal function never gives a DOAC a later last dose, nor an answer where higher had review."""
    higher, lower = sorted(crcls, reverse=True)
    results = []
    for crcl in (higher, lower):
        body = request(med(drug, "08:00", "20:00"), at={"start": start, "timezone": "UTC"},
                       risk=risk, guideline=guideline, crcl=crcl)
        results.append(only(medplan.plan(body)))
    high_result, low_result = results
    if high_result.last_dose is None:
        assert low_result.last_dose is None
    elif low_result.last_dose is not None:
        assert utc(low_result.last_dose) <= utc(high_result.last_dose)


@given(medication=st.sampled_from(DRUGS), guideline=st.sampled_from(["asra-pain-2018", "chest-2022"]),
       risk=st.sampled_from(["low", "intermediate", "high"]), start=local_starts, zone=zones,
       times=usual_times, crcl=st.floats(0, 200))
def test_every_dated_plan_is_ordered_aware_and_in_the_procedure_zone(medication, guideline, risk, start, zone, times, crcl):
    """Last dose < procedure < restart as instants, all in the procedure's zone; continue has no dates."""
    if medication.get("times"):
        medication = {**medication, "times": [t.strftime("%H:%M") for t in times]}
    plan = plan_or_none(request(medication, at={"start": start, "timezone": zone.key}, risk=risk,
                                guideline=guideline, crcl=crcl))
    if plan is None:
        return
    result = only(plan)
    procedure = plan.procedure.start
    if result.action is Action.CONTINUE:
        assert result.last_dose is None
        assert result.resume is None
        return
    if result.last_dose is None:
        assert result.action is Action.REVIEW
        return
    assert result.last_dose.tzinfo is zone
    assert utc(result.last_dose) < utc(procedure)
    if result.resume is None:
        # No usual dose in the restart window: a question with the window, never a date past it.
        assert result.action is Action.REVIEW
        assert "restart window" in result.review_reason
        assert all(utc(result.last_dose) < utc(d) for d in result.omitted_doses)
        return
    assert result.resume.tzinfo is zone
    assert utc(procedure) < utc(result.resume)
    assert all(utc(result.last_dose) < utc(d) < utc(result.resume) for d in result.omitted_doses)
    assert plan.needs_review == (any(m.action is Action.REVIEW for m in plan.medications) or bool(plan.review_reasons))
