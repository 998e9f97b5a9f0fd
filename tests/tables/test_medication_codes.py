"""Tests of medplan.tables.medication_codes: looking a FHIR coding up, and the code map's validation.

The bundled map's contents are checked where FHIR uses them (tests/fhir/test_bundle*.py);
here, a lookup in a system the map does not hold, and each broken row refused
with the exact ``file, row N: column 'x': problem`` message.
"""

from __future__ import annotations

import attrs
import pytest

import medplan
from medplan.tables.medication_codes import SYSTEMS, default_codes, parse_codes

HEADER = "system,code,name,display,evidence,source\n"
WARFARIN = "rxnorm,11289,warfarin,Warfarin,C2,somewhere\n"


def test_a_code_of_a_system_the_map_does_not_hold_is_not_found():
    """A coding in a system other than RxNorm or SNOMED CT (here NDC) is not looked up, even when its digits are an RxNorm code."""
    codes = default_codes()

    assert codes.get(SYSTEMS["rxnorm"], "11289") is not None
    assert codes.get("http://hl7.org/fhir/sid/ndc", "11289") is None


@attrs.frozen(kw_only=True)
class BrokenCodeRowCase:
    """One case of test_a_broken_code_row_is_refused: row, column, problem."""

    row: str
    column: str
    problem: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            BrokenCodeRowCase(row="ndc,11289,warfarin,Warfarin,C2,somewhere", column="system", problem="must be one of rxnorm, snomed (got 'ndc')"),
            id="unknown-system",
        ),
        pytest.param(
            BrokenCodeRowCase(row="rxnorm,1128-9,warfarin,Warfarin,C2,somewhere", column="code", problem="must be digits (got '1128-9')"),
            id="code-not-digits",
        ),
        pytest.param(BrokenCodeRowCase(row="rxnorm,11289,,Warfarin,C2,somewhere", column="name", problem="must not be empty"), id="empty-name"),
        pytest.param(BrokenCodeRowCase(row="rxnorm,11289,warfarin,,C2,somewhere", column="display", problem="must not be empty"), id="empty-display"),
        pytest.param(BrokenCodeRowCase(row="rxnorm,11289,warfarin,Warfarin,C2,", column="source", problem="must not be empty"), id="empty-source"),
    ],
)
def test_a_broken_code_row_is_refused(case):
    """A code row the map cannot use stops the load, naming the row and the column."""
    with pytest.raises(medplan.TableError) as excinfo:
        parse_codes(HEADER + case.row + "\n")

    assert str(excinfo.value) == f"medication_codes.csv, row 2: column {case.column!r}: {case.problem}"


def test_a_code_listed_twice_is_refused():
    """Each code stands for one medicine: the second row of the same system and code is refused, naming the first."""
    with pytest.raises(medplan.TableError) as excinfo:
        parse_codes(HEADER + WARFARIN + WARFARIN)

    assert str(excinfo.value) == "medication_codes.csv, row 3: column 'code': rxnorm 11289 is already listed at row 2"
