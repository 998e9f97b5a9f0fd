"""FHIR R4 input (``medplan.fhir.bundle``): observations that fill the patient's fields, or are sent to review."""

from __future__ import annotations

import attrs
import pytest
from fhircases import (
    observation,
    read,
    reasons,
)


@attrs.frozen(kw_only=True)
class MappedCase:
    """An observation's LOINC code, value and unit, and the patient field it fills."""

    code: str
    value: float
    unit: str
    field: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            MappedCase(code="35591-7", value=45, unit="mL/min", field="crcl_ml_min"),
            id="35591-7-45-mL/min-crcl_ml_min",
        ),
        pytest.param(
            MappedCase(code="98979-8", value=55, unit="mL/min/{1.73_m2}", field="egfr"),
            id="98979-8-55-mL/min/{1.73_m2}-egfr",
        ),
        pytest.param(
            MappedCase(code="62238-1", value=55, unit="mL/min/{1.73_m2}", field="egfr"),
            id="62238-1-55-mL/min/{1.73_m2}-egfr",
        ),
        pytest.param(
            MappedCase(code="33914-3", value=55, unit="mL/min/{1.73_m2}", field="egfr"),
            id="33914-3-55-mL/min/{1.73_m2}-egfr",
        ),
        pytest.param(
            MappedCase(code="29463-7", value=80, unit="kg", field="weight_kg"),
            id="29463-7-80-kg-weight_kg",
        ),
        pytest.param(
            MappedCase(code="4548-4", value=7.2, unit="%", field="hba1c_percent"),
            id="4548-4-7.2-%-hba1c_percent",
        ),
    ],
)
def test_an_observation_in_its_unit_is_mapped(case):
    """Creatinine clearance, eGFR, weight and HbA1c in their UCUM units fill the patient's fields."""
    result = read(observation("o1", case.code, case.value, case.unit))

    assert result.request["patient"] == {case.field: float(case.value)}
    assert result.unmapped == ()


@attrs.frozen(kw_only=True)
class UnusedCase:
    """An observation's LOINC code, value and unit, and why it is not used."""

    code: str
    value: float
    unit: str
    reason: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            UnusedCase(
                code="29463-7",
                value=163,
                unit="[lb_av]",
                reason="body weight in '[lb_av]', not kg: not used",
            ),
            id="29463-7-163-[lb_av]-body weight in '[lb_av]', not kg: not used",
        ),
        pytest.param(
            UnusedCase(
                code="35591-7",
                value=1.0,
                unit="mL/s",
                reason="creatinine clearance in 'mL/s', not mL/min: not used",
            ),
            id="35591-7-1.0-mL/s-creatinine clearance in 'mL/s', not mL/min: not used",
        ),
        pytest.param(
            UnusedCase(
                code="98979-8",
                value=55,
                unit="mL/min",
                reason="eGFR in 'mL/min', not mL/min/{1.73_m2}: not used",
            ),
            id="98979-8-55-mL/min-eGFR in 'mL/min', not mL/min/{1.73_m2}: not used",
        ),
        pytest.param(
            UnusedCase(
                code="29463-7",
                value=900,
                unit="kg",
                reason="body weight 900 kg is outside 20 to 350: not used",
            ),
            id="29463-7-900-kg-body weight 900 kg is outside 20 to 350: not used",
        ),
    ],
)
def test_an_observation_in_a_wrong_unit_or_range_is_unmapped(case):
    """A result in another unit, or outside medplan's range, is not used and is sent to review."""
    result = read(observation("o1", case.code, case.value, case.unit))

    assert "patient" not in result.request
    assert reasons(result) == [f"Observation/o1 valueQuantity: {case.reason}"]


def test_an_inr_is_carried_for_the_pharmacist():
    """An INR has no request field: it is never dropped, but carried as a review reason with its value and date."""
    result = read(observation("o1", "34714-6", 2.4, "{INR}", when="2026-12-01"))

    assert reasons(result) == [
        "Observation/o1 valueQuantity: INR 2.4 on 2026-12-01: INR result carried for the pharmacist (medplan's request has no INR field)"
    ]


def test_a_measured_creatinine_clearance_is_used_and_reviewed():
    """LOINC 2164-2 (a 24-hour urine clearance) is used as CrCl, and the pharmacist asked to confirm it."""
    result = read(observation("o1", "2164-2", 70, "mL/min"))

    assert result.request["patient"] == {"crcl_ml_min": 70.0}
    assert "not the Cockcroft-Gault estimate" in reasons(result)[0]


def test_the_latest_of_several_results_is_used_and_the_others_noted():
    """Two weights: the later one is used, the earlier one noted."""
    result = read(
        observation("o1", "29463-7", 70, "kg", when="2026-01-01"),
        observation("o2", "29463-7", 74, "kg", when="2026-11-01"),
    )

    assert result.request["patient"] == {"weight_kg": 74.0}
    assert [str(n) for n in result.notes] == [
        "Observation/o1 effective: body weight 70 of 2026-01-01: a later value is used"
    ]


def test_a_cancelled_result_is_noted_and_a_preliminary_one_reviewed():
    """A cancelled result is noted; a preliminary one is not used and is sent to review."""
    result = read(
        observation("o1", "29463-7", 70, "kg", status="cancelled"),
        observation("o2", "29463-7", 74, "kg", status="preliminary"),
    )

    assert "patient" not in result.request
    assert [str(n) for n in result.notes] == ["Observation/o1 status: is cancelled: not used"]
    assert reasons(result) == ["Observation/o2 status: is preliminary, not final: not used"]


# --- observations --------------------------------------------------------------------------------


def undated(rid, code, value, unit, **fields):
    resource = observation(rid, code, value, unit, **fields)
    del resource["effectiveDateTime"]
    return resource


@attrs.frozen(kw_only=True)
class EffectiveCase:
    """An INR's effective field and how the review reason dates it."""

    effective: dict[str, object]
    said: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            EffectiveCase(effective={"effectiveDateTime": "2026-12"}, said="INR 2.4"),
            id="partial-date-is-undated",
        ),
        pytest.param(
            EffectiveCase(
                effective={"effectivePeriod": {"start": "2026-12-01T08:00:00+08:00"}},
                said="INR 2.4 on 2026-12-01",
            ),
            id="period-start",
        ),
    ],
)
def test_an_inr_is_dated_by_its_period_and_undated_by_a_partial_date(case):
    """A result's period dates it; a dateTime of only a year and month (FHIR allows it) leaves it undated."""
    result = read(undated("o1", "34714-6", 2.4, "{INR}") | case.effective)

    assert reasons(result) == [
        f"Observation/o1 valueQuantity: {case.said}: INR result carried for the pharmacist (medplan's request has no INR field)"
    ]


def test_a_quantity_without_a_code_is_read_by_its_unit():
    """A weight whose quantity gives only its unit text, and whose subject is not given, is used."""
    weight = observation("o1", "29463-7", 80, "kg") | {"valueQuantity": {"value": 80, "unit": "kg"}}
    del weight["subject"]

    result = read(weight)

    assert result.request["patient"] == {"weight_kg": 80.0}
    assert result.unmapped == ()


@attrs.frozen(kw_only=True)
class NoNumberCase:
    """An observation's changed fields and why it is not used."""

    fields: dict[str, object]
    reason: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            NoNumberCase(
                fields={"valueQuantity": None, "valueString": "80 kg"},
                reason="valueQuantity: gives no number: not used",
            ),
            id="no-number",
        ),
    ],
)
def test_a_result_without_a_number_is_not_used(case):
    """A result which gives no number is not used and is reviewed."""
    resource = {
        k: v
        for k, v in (observation("o1", "29463-7", 80, "kg") | case.fields).items()
        if v is not None
    }

    result = read(resource)

    assert "patient" not in result.request
    assert reasons(result) == [f"Observation/o1 {case.reason}"]


def test_several_undated_results_are_none_of_them_used():
    """Two undated weights cannot be told apart by date: neither is used, and each is reviewed."""
    result = read(undated("o1", "29463-7", 70, "kg"), undated("o2", "29463-7", 74, "kg"))

    assert "patient" not in result.request
    assert reasons(result) == [
        "Observation/o1 effective: one of several undated body weight values (70): none used",
        "Observation/o2 effective: one of several undated body weight values (74): none used",
    ]
