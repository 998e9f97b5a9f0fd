"""Tests of medplan.model's own checks: the frozen values refuse what the planner must never see.

The request parser builds these values from checked input, so the planner's
tests never reach the validators; a caller building them by hand does, and
gets attrs' message shape naming the field.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import attrs
import pytest

from medplan import BleedingRisk, Patient, Procedure

PERTH = ZoneInfo("Australia/Perth")
START = datetime(2026, 12, 8, 9, 30, tzinfo=PERTH)
NAIVE = datetime(2026, 12, 8, 10, 30)  # no tzinfo: the value under test


@attrs.frozen(kw_only=True)
class NaiveTimesCase:
    """One case of test_a_procedure_refuses_a_naive_start_or_end: times, message."""

    times: object
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(NaiveTimesCase(times={"start": NAIVE}, message="'start' must be an aware datetime (got naive 2026-12-08T10:30:00)"), id="start"),
        pytest.param(
            NaiveTimesCase(times={"start": START, "end": NAIVE}, message="'end' must be an aware datetime (got naive 2026-12-08T10:30:00)"), id="end"
        ),
    ],
)
def test_a_procedure_refuses_a_naive_start_or_end(case):
    """A naive datetime has no place on the time line, so a Procedure refuses one, naming the field."""
    with pytest.raises(ValueError, match="aware") as info:
        Procedure(name="TFESI", zone=PERTH, bleeding_risk=BleedingRisk.INTERMEDIATE, guideline="asra-pain-2018", **case.times)

    assert str(info.value) == case.message


def test_a_patient_gives_each_screening_answer_and_none_for_one_not_asked():
    """Patient.flag reads the booking's answer by name: yes, no, or None when not asked."""
    patient = Patient(flags=(("diabetes", True), ("unwell", False)))

    assert (patient.flag("diabetes"), patient.flag("unwell"), patient.flag("cauda_equina_symptoms")) == (True, False, None)
