"""Tests of request validation: ``medplan.parse_request`` and ``medplan.plan``.

Every rejected request must raise ``medplan.InputError`` whose ``field`` is the
path of the field at fault and whose message, asserted in full, says what is
wrong with the value given.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import datafiles
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from requestcases import InvalidRequest, request_with
from strategies import VALID

import medplan


def test_valid_request_plans():
    """The valid request the error cases start from plans without error."""
    result = medplan.plan(VALID)

    assert [m.input for m in result.medications] == ["Warfarin"]


def test_minimal_request_gets_defaults():
    """A request with only the required fields gets the default guideline, policy and patient, and no dose times."""
    request = medplan.parse_request(
        {
            "procedure": {
                "name": "TFESI",
                "start": "2026-12-08T09:30",
                "timezone": "Australia/Perth",
                "bleeding_risk": "low",
            },
            "medications": [{"name": "aspirin"}],
        }
    )

    assert request.procedure == medplan.Procedure(
        name="TFESI",
        start=datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Australia/Perth")),
        zone=ZoneInfo("Australia/Perth"),
        bleeding_risk=medplan.BleedingRisk.LOW,
        guideline="asra-pain-2018",
        end=None,
    )
    assert request.patient == medplan.Patient(crcl_ml_min=None)
    assert request.policy == medplan.Policy()
    assert request.medications == (medplan.MedicationOrder(name="aspirin", times=()),)


def test_start_is_aware_in_the_requested_zone():
    """The start is the local wall time, aware, in the very ZoneInfo of the request's zone."""
    request = medplan.parse_request(VALID)

    assert request.procedure.start.tzinfo is ZoneInfo("Australia/Perth")
    assert request.procedure.start.isoformat() == "2026-12-08T09:30:00+08:00"


def test_dose_times_are_sorted():
    """Usual dose times given out of order are stored earliest first."""
    request = medplan.parse_request(
        request_with(("medications", 0, "times"), ["20:00", "08:00", "13:45"])
    )

    assert request.medications[0].times == (time(8, 0), time(13, 45), time(20, 0))


def test_weekdays_are_read_in_any_case_and_stored_as_numbers_from_monday():
    """A weekly medicine's days are weekday numbers, Monday 0, sorted; any case and surrounding space."""
    request = medplan.parse_request(
        request_with(("medications", 0, "days"), [" Sunday", "wednesday"])
    )

    assert request.medications[0].days == (2, 6)


def test_egfr_is_kept_apart_from_crcl():
    """eGFR and CrCl are separate measures: neither fills in the other."""
    request = medplan.parse_request(request_with(("patient", "egfr"), 28.5))

    assert request.patient.egfr == 28.5
    assert request.patient.crcl_ml_min == VALID["patient"]["crcl_ml_min"]


@attrs.frozen(kw_only=True)
class EdgeCase:
    """The path of a field and a value at the edge of Python's number or date range."""

    path: tuple[str, ...]
    value: object


@pytest.mark.parametrize(
    "case",
    [
        # Larger than any float: comparing it with a float range works, but
        # math.isfinite() and f"{value:g}" raise OverflowError on it.
        pytest.param(
            EdgeCase(path=("patient", "crcl_ml_min"), value=10**400), id="crcl-int-beyond-float"
        ),
        pytest.param(
            EdgeCase(path=("policy", "inr_max"), value=10**400), id="inr-max-int-beyond-float"
        ),
        # The ends of datetime's range: the UTC round trip, or the days of
        # hold counted back from day 0, fall outside years 1..9999.
        pytest.param(
            EdgeCase(path=("procedure", "start"), value="9999-12-31T23:59"),
            id="start-last-minute-of-year-9999",
        ),
        pytest.param(
            EdgeCase(path=("procedure", "start"), value="0001-01-01T00:00"),
            id="start-first-minute-of-year-1",
        ),
        pytest.param(
            EdgeCase(path=("procedure", "start"), value="0001-01-03T09:00"),
            id="start-with-hold-before-year-1",
        ),
    ],
)
def test_out_of_range_value_is_an_input_error(case):
    """A value at the edge of Python's number or date range is an InputError naming its field, not an OverflowError.

    The wording is for the fix to choose; this test pins the class and the field.
    """
    field = case.path[0] + "".join(f".{key}" for key in case.path[1:])

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request_with(case.path, case.value))

    assert excinfo.value.field == field
    assert str(excinfo.value).startswith(f"{field}: ")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def plan_or_input_error(request: object) -> None:
    """Plan ``request``; an InputError is an acceptable answer, any other exception fails the test."""
    try:
        result = medplan.plan(request)  # type: ignore[arg-type]
    except medplan.InputError:
        return
    assert isinstance(result, medplan.Plan)


@settings(deadline=None)
@given(request=json_values)
@example(request=None)
@example(request={})
@example(request={"procedure": None, "medications": None})
def test_any_json_value_as_request_gives_plan_or_input_error(request):
    """Any JSON-like value as the whole request gives a Plan or an InputError, never another exception."""
    plan_or_input_error(request)


@pytest.mark.parametrize(
    "path",
    [
        ("procedure", "start"),
        ("procedure", "timezone"),
        ("procedure", "bleeding_risk"),
        ("patient", "crcl_ml_min"),
        ("medications",),
        ("medications", 0, "times"),
        ("medications", 0, "name"),
        ("policy",),
        ("policy", "profile"),
        ("policy", "variants"),
        ("policy", "bleeding_risk"),
        ("policy", "aspirin_before_intermediate"),
    ],
    ids=lambda path: ".".join(map(str, path)),
)
@settings(deadline=None)
@given(value=json_values)
@example(value="Europe")  # a zone-database folder, not a zone
@example(value=10**400)  # an int no float can hold
@example(value=[])
@example(value={})
def test_any_json_value_in_one_field_gives_plan_or_input_error(path, value):
    """Any JSON-like value in one field of a valid request gives a Plan or an InputError, never another exception."""
    plan_or_input_error(request_with(path, value))


def test_review_reasons_given_are_listed_last_and_make_the_plan_need_review():
    """A request's own review reasons are kept in order after medplan's, so the plan needs review."""
    request = {
        "procedure": {
            "name": "Injection",
            "start": "2026-12-08T09:30",
            "timezone": "Australia/Perth",
            "bleeding_risk": "low",
        },
        "medications": [],
        "review_reasons": ["  Observation/o1 valueQuantity: unit lb is not kg  ", "second"],
    }

    plan = medplan.plan(request)

    assert plan.review_reasons == ("Observation/o1 valueQuantity: unit lb is not kg", "second")
    assert plan.needs_review


@attrs.frozen(kw_only=True)
class ReviewReasonsCase:
    """A request's review_reasons and the whole message that refuses them."""

    value: object
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            ReviewReasonsCase(
                value="one reason", message="review_reasons: must be a list of text (got text)"
            ),
            id="text-not-a-list",
        ),
        pytest.param(
            ReviewReasonsCase(value=[""], message="review_reasons[0]: must not be empty"),
            id="empty-reason",
        ),
        pytest.param(
            ReviewReasonsCase(
                value=["x" * 501],
                message="review_reasons[0]: must be at most 500 characters (got 501)",
            ),
            id="reason-too-long",
        ),
        pytest.param(
            ReviewReasonsCase(
                value=["ok"] * 201,
                message="review_reasons: must list at most 200 reasons (got 201)",
            ),
            id="too-many-reasons",
        ),
    ],
)
def test_malformed_review_reasons_are_refused_naming_the_item(case):
    """Review reasons must be a list of short texts; the error names the item."""
    request = {
        "procedure": {
            "name": "Injection",
            "start": "2026-12-08T09:30",
            "timezone": "Australia/Perth",
            "bleeding_risk": "low",
        },
        "medications": [],
        "review_reasons": case.value,
    }

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request)

    assert str(excinfo.value) == case.message


CONTROL_OR_BIDI = frozenset(
    [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


@pytest.mark.parametrize(
    "name",
    ["war\tfarin", "warfarin\x00x", "war\x7ffarin", "war\u202efarin", "\u2066warfarin\u2069"],
)
def test_name_with_a_control_or_direction_character_is_rejected(name):
    """A control character or a bidi override inside a name is refused, naming the field."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request_with(("medications", 0, "name"), name))
    assert str(excinfo.value) == "medications[0].name: must not contain control characters"


@settings(deadline=None)
@given(name=st.text(min_size=1, max_size=30).filter(str.strip))
@example(name="Xarelto\u00ae")
@example(name="war\u00a0farin")  # a no-break space: not printable, but not a control either
@example(name="\u200bwarfarin")  # a zero-width space (Cf), allowed as before
def test_name_is_refused_exactly_when_it_holds_a_control_or_direction_character(name):
    """Names are refused for control (Cc) and bidi control characters, and for nothing else."""
    request = request_with(("medications", 0, "name"), name)
    try:
        medplan.parse_request(request, ("asra-pain-2018",))
    except medplan.InputError as error:
        refused = error.problem == "must not contain control characters"
    else:
        refused = False
    assert refused == any(c in CONTROL_OR_BIDI for c in name.strip())


def test_a_catalogue_guideline_the_table_lacks_is_a_table_error():
    """A procedure code whose catalogue guideline the drug table does not give is the clinic's data at fault: a TableError naming the catalogue row."""
    request = request_with(
        ("procedure",),
        {"code": "paracentesis", "start": "2026-12-08T09:30", "timezone": "Australia/Perth"},
    )

    with pytest.raises(medplan.TableError) as excinfo:
        medplan.parse_request(request, {"asra-pain-2018"})

    row = datafiles.row_numbers("procedures.csv")["paracentesis"]
    assert (
        str(excinfo.value)
        == f"procedures.csv, row {row}: column 'guideline': 'chest-2022' is not a guideline of the drug table"
    )


# --- an indication's event, its date and the stent; the eGFR's date -----------------------------


def with_medication(**fields: object) -> dict[str, Any]:
    """VALID with clopidogrel as its one medicine, given ``fields``."""
    return request_with(("medications",), [{"name": "clopidogrel", "times": ["08:00"], **fields}])


EVENTS = "coronary-stent, acute-coronary-syndrome, stroke-or-tia, peripheral-arterial-disease"
INDICATION_ERRORS = [
    pytest.param(
        InvalidRequest(
            request=with_medication(indication_date="2026-10-01"),
            field="medications[0].indication_date",
            message=f"medications[0].indication_date: must be given only with an indication of {EVENTS}",
        ),
        id="date-without-indication",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(
                indication="secondary-prevention", indication_date="2026-10-01"
            ),
            field="medications[0].indication_date",
            message=f"medications[0].indication_date: must be given only with an indication of {EVENTS}",
        ),
        id="date-with-prevention",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(indication="coronary-stent", indication_date="2026-12-09"),
            field="medications[0].indication_date",
            message="medications[0].indication_date: must not be after the procedure (2026-12-08) (got 2026-12-09)",
        ),
        id="date-after-the-procedure",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(indication="coronary-stent", indication_date="2026-13-01"),
            field="medications[0].indication_date",
            message="medications[0].indication_date: must be a date YYYY-MM-DD (got '2026-13-01')",
        ),
        id="date-not-real",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(indication="coronary-stent", indication_date=20261001),
            field="medications[0].indication_date",
            message="medications[0].indication_date: must be a date YYYY-MM-DD (got a number)",
        ),
        id="date-a-number",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(
                indication="acute-coronary-syndrome", stent_type="drug-eluting"
            ),
            field="medications[0].stent_type",
            message="medications[0].stent_type: must be given only with indication coronary-stent",
        ),
        id="stent-type-without-a-stent",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(indication="coronary-stent", stent_type="cobalt"),
            field="medications[0].stent_type",
            message="medications[0].stent_type: must be one of drug-eluting, bare-metal (got 'cobalt')",
        ),
        id="unknown-stent-type",
    ),
    pytest.param(
        InvalidRequest(
            request=with_medication(indication="stent"),
            field="medications[0].indication",
            message="medications[0].indication: must be one of primary-prevention, secondary-prevention, "
            f"{EVENTS} (got 'stent')",
        ),
        id="unknown-indication",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient", "egfr_date"), "2026-12-01"),
            field="patient.egfr_date",
            message="patient.egfr_date: must be given only with patient.egfr",
        ),
        id="egfr-date-without-egfr",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient",), {"egfr": 40, "egfr_date": "01/12/2026"}),
            field="patient.egfr_date",
            message="patient.egfr_date: must be a date YYYY-MM-DD (got '01/12/2026')",
        ),
        id="egfr-date-malformed",
    ),
]


@pytest.mark.parametrize("case", INDICATION_ERRORS)
def test_an_indication_date_or_stent_type_out_of_place_is_rejected(case):
    """The event's date and the stent's type belong only with the indication they describe."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(case.request)

    assert (excinfo.value.field, str(excinfo.value)) == (case.field, case.message)


def test_an_event_indication_is_read_with_its_date_and_stent():
    """A stent's date and type, and the eGFR's date, reach the validated request."""
    request = medplan.parse_request(
        {
            **with_medication(
                indication="coronary-stent", indication_date="2026-10-08", stent_type="bare-metal"
            ),
            "patient": {"egfr": 40, "egfr_date": "2026-12-01"},
        }
    )
    (order,) = request.medications

    assert (order.indication.value, order.indication_date.isoformat(), order.stent_type.value) == (
        "coronary-stent",
        "2026-10-08",
        "bare-metal",
    )
    assert request.patient.egfr_date.isoformat() == "2026-12-01"
