"""Tests of request validation: ``medplan.parse_request`` and ``medplan.plan``.

Every rejected request must raise ``medplan.InputError`` whose ``field`` is the
path of the field at fault and whose message, asserted in full, says what is
wrong with the value given.
"""

from __future__ import annotations

import copy
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import datafiles
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import VALID

import medplan

_DELETE = object()
AC = ("patient", "anticoagulation")


def request_with(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """A deep copy of VALID with the field at ``path`` set to ``value`` (or deleted)."""
    request = copy.deepcopy(VALID)
    *parents, last = path
    target: Any = request
    for key in parents:
        target = target.setdefault(key, {}) if isinstance(target, dict) else target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return request


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
    request = medplan.parse_request(request_with(("medications", 0, "days"), [" Sunday", "wednesday"]))

    assert request.medications[0].days == (2, 6)


def test_egfr_is_kept_apart_from_crcl():
    """eGFR and CrCl are separate measures: neither fills in the other."""
    request = medplan.parse_request(request_with(("patient", "egfr"), 28.5))

    assert request.patient.egfr == 28.5
    assert request.patient.crcl_ml_min == VALID["patient"]["crcl_ml_min"]


ERROR_CASES = [
    pytest.param(
        [VALID],
        "request",
        "request: must be an object (got a list)",
        id="request-not-an-object",
    ),
    pytest.param(
        request_with(("procedure",), _DELETE),
        "procedure",
        "procedure: is required",
        id="missing-procedure",
    ),
    pytest.param(
        request_with(("patients",), {"crcl_ml_min": 62}),
        "patients",
        "patients: is not a field medplan knows (expected one of schema_version, booking_id, now, procedure, patient, medications, policy, review_reasons)",
        id="unknown-top-level-field",
    ),
    pytest.param(
        request_with(("procedure", "bleeding_rsk"), "low"),
        "procedure.bleeding_rsk",
        "procedure.bleeding_rsk: is not a field medplan knows"
        " (expected one of code, name, start, end, timezone, bleeding_risk, guideline, fasting, sedation, contrast)",
        id="unknown-procedure-field",
    ),
    pytest.param(
        request_with(("procedure", "start"), "2026-02-30T09:00"),
        "procedure.start",
        "procedure.start: 2026-02-30T09:00 is not a real date and time (day is out of range for month)",
        id="30-february",
    ),
    pytest.param(
        request_with(("procedure", "start"), "2026-12-08T09:30+08:00"),
        "procedure.start",
        "procedure.start: must be local time YYYY-MM-DDTHH:MM without a UTC offset"
        " (got '2026-12-08T09:30+08:00')",
        id="start-with-offset",
    ),
    pytest.param(
        request_with(("procedure", "start"), "8 Dec 2026 9:30"),
        "procedure.start",
        "procedure.start: must be a local date and time YYYY-MM-DDTHH:MM (got '8 Dec 2026 9:30')",
        id="malformed-start",
    ),
    pytest.param(
        request_with(("procedure", "timezone"), "Mars/Olympus"),
        "procedure.timezone",
        "procedure.timezone: is not an IANA time zone such as Europe/London (got 'Mars/Olympus')",
        id="unknown-zone",
    ),
    pytest.param(
        # 'Europe' is a folder of the zone database, not a zone; zoneinfo
        # raises IsADirectoryError for it, which must not escape.
        request_with(("procedure", "timezone"), "Europe"),
        "procedure.timezone",
        "procedure.timezone: is not an IANA time zone such as Europe/London (got 'Europe')",
        id="zone-database-folder",
    ),
    pytest.param(
        request_with(("procedure", "timezone"), "localtime"),
        "procedure.timezone",
        "procedure.timezone: must be an IANA time zone such as Europe/London (got 'localtime')",
        id="localtime-zone",
    ),
    pytest.param(
        request_with(("procedure", "bleeding_risk"), "medium"),
        "procedure.bleeding_risk",
        "procedure.bleeding_risk: must be one of low, intermediate, high (got 'medium')",
        id="unknown-bleeding-risk",
    ),
    pytest.param(
        request_with(("medications", 0, "times"), ["25:00"]),
        "medications[0].times[0]",
        "medications[0].times[0]: must be a time HH:MM from 00:00 to 23:59 (got '25:00')",
        id="dose-time-25h",
    ),
    pytest.param(
        request_with(("medications", 0, "times"), ["8:00"]),
        "medications[0].times[0]",
        "medications[0].times[0]: must be a time HH:MM from 00:00 to 23:59 (got '8:00')",
        id="dose-time-one-digit-hour",
    ),
    pytest.param(
        request_with(("medications", 0, "times"), ["08:00", "20:00", "08:00"]),
        "medications[0].times[2]",
        "medications[0].times[2]: 08:00 is given twice",
        id="duplicate-dose-time",
    ),
    pytest.param(
        request_with(("medications", 0, "times"), "08:00"),
        "medications[0].times",
        "medications[0].times: must be a list of times HH:MM (got text)",
        id="times-not-a-list",
    ),
    pytest.param(
        request_with(("patient", "crcl_ml_min"), -1),
        "patient.crcl_ml_min",
        "patient.crcl_ml_min: must be between 0 and 500 (got -1)",
        id="negative-crcl",
    ),
    pytest.param(
        request_with(("patient", "crcl_ml_min"), True),
        "patient.crcl_ml_min",
        "patient.crcl_ml_min: must be a number (got true/false)",
        id="crcl-bool",
    ),
    pytest.param(
        request_with(("patient", "crcl_ml_min"), float("nan")),
        "patient.crcl_ml_min",
        "patient.crcl_ml_min: must be a finite number (got nan)",
        id="crcl-nan",
    ),
    pytest.param(
        request_with(
            ("procedure",),
            VALID["procedure"] | {"timezone": "Europe/London", "start": "2026-03-29T01:30"},
        ),
        "procedure.start",
        "procedure.start: 2026-03-29T01:30 does not exist in Europe/London: the clocks go forward through it",
        id="start-in-spring-gap",
    ),
    pytest.param(
        request_with(
            ("procedure",),
            VALID["procedure"] | {"timezone": "Europe/London", "start": "2026-10-25T01:30"},
        ),
        "procedure.start",
        "procedure.start: 2026-10-25T01:30 happens twice in Europe/London:"
        " the clocks go back through it; book a time outside that hour",
        id="start-in-autumn-fold",
    ),
    pytest.param(
        request_with(("procedure", "end"), "2026-12-08T09:00"),
        "procedure.end",
        "procedure.end: must be after procedure.start and within 24 hours of it (got '2026-12-08T09:00')",
        id="end-before-start",
    ),
    pytest.param(
        request_with(("procedure", "guideline"), "nice-2020"),
        "procedure.guideline",
        "procedure.guideline: must be one of asra-pain-2018, chest-2022 (got 'nice-2020')",
        id="unknown-guideline",
    ),
    pytest.param(
        request_with(("medications", 0, "regimen"), "monthly"),
        "medications[0].regimen",
        "medications[0].regimen: must be one of prophylactic, therapeutic, daily, weekly (got 'monthly')",
        id="unknown-regimen",
    ),
    pytest.param(
        request_with(("medications", 0, "days"), ["sundae"]),
        "medications[0].days[0]",
        "medications[0].days[0]: must be a weekday, monday to sunday (got 'sundae')",
        id="unknown-weekday",
    ),
    pytest.param(
        request_with(("medications", 0, "days"), ["monday", "Monday"]),
        "medications[0].days[1]",
        "medications[0].days[1]: Monday is given twice",
        id="weekday-twice",
    ),
    pytest.param(
        request_with(("medications", 0, "days"), []),
        "medications[0].days",
        'medications[0].days: must be a list of weekdays such as ["sunday"] (got an empty list)',
        id="no-weekdays",
    ),
    pytest.param(
        request_with(("medications", 0, "days"), "monday"),
        "medications[0].days",
        'medications[0].days: must be a list of weekdays such as ["sunday"] (got text)',
        id="weekdays-not-a-list",
    ),
    pytest.param(
        request_with(("patient", "egfr"), -1),
        "patient.egfr",
        "patient.egfr: must be between 0 and 500 (got -1)",
        id="egfr-negative",
    ),
    pytest.param(
        request_with(("medications", 0, "name"), ""),
        "medications[0].name",
        "medications[0].name: must not be empty",
        id="empty-medication-name",
    ),
    pytest.param(
        request_with(("policy", "inr_max"), 5),
        "policy.inr_max",
        "policy.inr_max: must be between 1 and 3 (got 5)",
        id="policy-inr-max-too-high",
    ),
    pytest.param(
        request_with(("policy", "inr_check_day"), -3),
        "policy.inr_check_day",
        "policy.inr_check_day: must be between -1 and 0 (got -3)",
        id="policy-inr-check-day-too-early",
    ),
    pytest.param(
        request_with(("policy", "antiplatelet_hold_days"), 40),
        "policy.antiplatelet_hold_days",
        "policy.antiplatelet_hold_days: must be between 0 and 30 (got 40)",
        id="policy-antiplatelet-hold-too-long",
    ),
    pytest.param(
        request_with(("policy", "anticoagulant_resume_next_day"), "yes"),
        "policy.anticoagulant_resume_next_day",
        "policy.anticoagulant_resume_next_day: must be true or false (got text)",
        id="policy-resume-next-day-not-bool",
    ),
    pytest.param(
        request_with(("medications",), [{"name": "aspirin"}] * 201),
        "medications",
        "medications: must list at most 200 medicines (got 201)",
        id="too-many-medications",
    ),
    # --- why the patient is anticoagulated (issue 4) ---
    pytest.param(
        request_with(AC, {"reason": "atrial-fibrillation"}),
        "patient.anticoagulation",
        "patient.anticoagulation: must be a list of reasons, one object each (got an object)",
        id="anticoagulation-not-a-list",
    ),
    pytest.param(
        request_with(AC, [{"reason": "af"}]),
        "patient.anticoagulation[0].reason",
        "patient.anticoagulation[0].reason: must be one of atrial-fibrillation, mechanical-heart-valve, venous-thromboembolism (got 'af')",
        id="anticoagulation-unknown-reason",
    ),
    pytest.param(
        request_with(AC, [{"reason": "atrial-fibrillation", "valve_position": "mitral"}]),
        "patient.anticoagulation[0].valve_position",
        "patient.anticoagulation[0].valve_position: is not a field of atrial-fibrillation (expected one of cha2ds2_vasc, stroke_or_tia, rheumatic_valve_disease)",
        id="anticoagulation-field-of-another-reason",
    ),
    pytest.param(
        request_with(AC, [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 10}]),
        "patient.anticoagulation[0].cha2ds2_vasc",
        "patient.anticoagulation[0].cha2ds2_vasc: must be between 0 and 9 (got 10)",
        id="cha2ds2-vasc-out-of-range",
    ),
    pytest.param(
        request_with(AC, [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 3.5}]),
        "patient.anticoagulation[0].cha2ds2_vasc",
        "patient.anticoagulation[0].cha2ds2_vasc: must be a whole number (got a number)",
        id="cha2ds2-vasc-not-whole",
    ),
    pytest.param(
        request_with(AC, [{"reason": "venous-thromboembolism", "vte": "last spring"}]),
        "patient.anticoagulation[0].vte",
        "patient.anticoagulation[0].vte: must be a date YYYY-MM-DD, or \"none\" (got 'last spring')",
        id="event-not-a-date",
    ),
    pytest.param(
        request_with(AC, [{"reason": "venous-thromboembolism", "vte": "2030-01-01"}]),
        "patient.anticoagulation[0].vte",
        "patient.anticoagulation[0].vte: must not be after the procedure (2026-12-08) (got 2030-01-01)",
        id="event-after-the-procedure",
    ),
    pytest.param(
        request_with(AC, [{"reason": "venous-thromboembolism", "vte": "none"}]),
        "patient.anticoagulation[0].vte",
        'patient.anticoagulation[0].vte: must be the date of the most recent VTE (got "none")',
        id="vte-reason-without-a-vte",
    ),
    pytest.param(
        request_with(AC, [{"reason": "mechanical-heart-valve", "valve_type": "porcine"}]),
        "patient.anticoagulation[0].valve_type",
        "patient.anticoagulation[0].valve_type: must be one of bileaflet, caged-ball, tilting-disc (got 'porcine')",
        id="valve-type-unknown",
    ),
    pytest.param(
        request_with(AC, [{"reason": "atrial-fibrillation"}, {"reason": "atrial-fibrillation"}]),
        "patient.anticoagulation[1].reason",
        "patient.anticoagulation[1].reason: atrial-fibrillation is already listed: give each reason once",
        id="reason-twice",
    ),
    pytest.param(
        request_with(("patient", "weight_kg"), 8),
        "patient.weight_kg",
        "patient.weight_kg: must be between 20 and 350 (got 8)",
        id="weight-out-of-range",
    ),
    pytest.param(
        request_with(("medications",), "warfarin"),
        "medications",
        "medications: must be a list (got text)",
        id="medications-not-a-list",
    ),
    pytest.param(
        request_with(("medications",), [None]),
        "medications[0]",
        "medications[0]: must be an object (got null)",
        id="medication-null",
    ),
    pytest.param(
        request_with(("medications",), [{"name": "aspirin"}] * 201),
        "medications",
        "medications: must list at most 200 medicines (got 201)",
        id="too-many-medicines",
    ),
    pytest.param(
        request_with(AC, [{"reason": "atrial-fibrillation"}] * 11),
        "patient.anticoagulation",
        "patient.anticoagulation: must list at most 10 reasons (got 11)",
        id="too-many-reasons",
    ),
    pytest.param(
        request_with(("now",), "2026-02-30T10:00Z"),
        "now",
        "now: 2026-02-30T10:00Z is not a real date and time (day is out of range for month)",
        id="now-with-offset-not-a-real-date",
    ),
    pytest.param(
        request_with(("now",), "1850-01-01T10:00+00:00"),
        "now",
        "now: must be in the years 1900 to 2199 (got '1850-01-01T10:00+00:00')",
        id="now-with-offset-outside-the-years",
    ),
]


@pytest.mark.parametrize(("request_", "field", "message"), ERROR_CASES)
def test_invalid_request_is_rejected_naming_the_field(request_, field, message):
    """An invalid request raises InputError whose message names the field, the expectation and the value."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request_)

    assert str(excinfo.value) == message
    assert excinfo.value.field == field


@pytest.mark.parametrize(
    ("path", "value"),
    [
        # Larger than any float: comparing it with a float range works, but
        # math.isfinite() and f"{value:g}" raise OverflowError on it.
        pytest.param(("patient", "crcl_ml_min"), 10**400, id="crcl-int-beyond-float"),
        pytest.param(("policy", "inr_max"), 10**400, id="inr-max-int-beyond-float"),
        # The ends of datetime's range: the UTC round trip, or the days of
        # hold counted back from day 0, fall outside years 1..9999.
        pytest.param(
            ("procedure", "start"), "9999-12-31T23:59", id="start-last-minute-of-year-9999"
        ),
        pytest.param(("procedure", "start"), "0001-01-01T00:00", id="start-first-minute-of-year-1"),
        pytest.param(
            ("procedure", "start"), "0001-01-03T09:00", id="start-with-hold-before-year-1"
        ),
    ],
)
def test_out_of_range_value_is_an_input_error(path, value):
    """A value at the edge of Python's number or date range is an InputError naming its field, not an OverflowError.

    The wording is for the fix to choose; this test pins the class and the field.
    """
    field = path[0] + "".join(f".{key}" for key in path[1:])

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request_with(path, value))

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
        "procedure": {"name": "Injection", "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
                      "bleeding_risk": "low"},
        "medications": [],
        "review_reasons": ["  Observation/o1 valueQuantity: unit lb is not kg  ", "second"],
    }

    plan = medplan.plan(request)

    assert plan.review_reasons == ("Observation/o1 valueQuantity: unit lb is not kg", "second")
    assert plan.needs_review


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("one reason", "review_reasons: must be a list of text (got text)"),
        ([""], "review_reasons[0]: must not be empty"),
        (["x" * 501], "review_reasons[0]: must be at most 500 characters (got 501)"),
        (["ok"] * 201, "review_reasons: must list at most 200 reasons (got 201)"),
    ],
)
def test_malformed_review_reasons_are_refused_naming_the_item(value, message):
    """Review reasons must be a list of short texts; the error names the item."""
    request = {
        "procedure": {"name": "Injection", "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
                      "bleeding_risk": "low"},
        "medications": [],
        "review_reasons": value,
    }

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request)

    assert str(excinfo.value) == message


CONTROL_OR_BIDI = frozenset(
    [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


@pytest.mark.parametrize(
    "name", ["war\tfarin", "warfarin\x00x", "war\x7ffarin", "war\u202efarin", "\u2066warfarin\u2069"]
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
    request = request_with(("procedure",), {"code": "paracentesis", "start": "2026-12-08T09:30", "timezone": "Australia/Perth"})

    with pytest.raises(medplan.TableError) as excinfo:
        medplan.parse_request(request, {"asra-pain-2018"})

    row = datafiles.row_numbers("procedures.csv")["paracentesis"]
    assert str(excinfo.value) == f"procedures.csv, row {row}: column 'guideline': 'chest-2022' is not a guideline of the drug table"


# --- an indication's event, its date and the stent; the eGFR's date -----------------------------


def with_medication(**fields: object) -> dict[str, Any]:
    """VALID with clopidogrel as its one medicine, given ``fields``."""
    return request_with(("medications",), [{"name": "clopidogrel", "times": ["08:00"], **fields}])


EVENTS = "coronary-stent, acute-coronary-syndrome, stroke-or-tia, peripheral-arterial-disease"
INDICATION_ERRORS = [
    pytest.param(with_medication(indication_date="2026-10-01"), "medications[0].indication_date",
                 f"medications[0].indication_date: must be given only with an indication of {EVENTS}",
                 id="date-without-indication"),
    pytest.param(with_medication(indication="secondary-prevention", indication_date="2026-10-01"),
                 "medications[0].indication_date",
                 f"medications[0].indication_date: must be given only with an indication of {EVENTS}",
                 id="date-with-prevention"),
    pytest.param(with_medication(indication="coronary-stent", indication_date="2026-12-09"),
                 "medications[0].indication_date",
                 "medications[0].indication_date: must not be after the procedure (2026-12-08) (got 2026-12-09)",
                 id="date-after-the-procedure"),
    pytest.param(with_medication(indication="coronary-stent", indication_date="2026-13-01"),
                 "medications[0].indication_date",
                 "medications[0].indication_date: must be a date YYYY-MM-DD (got '2026-13-01')",
                 id="date-not-real"),
    pytest.param(with_medication(indication="coronary-stent", indication_date=20261001),
                 "medications[0].indication_date",
                 "medications[0].indication_date: must be a date YYYY-MM-DD (got a number)",
                 id="date-a-number"),
    pytest.param(with_medication(indication="acute-coronary-syndrome", stent_type="drug-eluting"),
                 "medications[0].stent_type",
                 "medications[0].stent_type: must be given only with indication coronary-stent",
                 id="stent-type-without-a-stent"),
    pytest.param(with_medication(indication="coronary-stent", stent_type="cobalt"),
                 "medications[0].stent_type",
                 "medications[0].stent_type: must be one of drug-eluting, bare-metal (got 'cobalt')",
                 id="unknown-stent-type"),
    pytest.param(with_medication(indication="stent"), "medications[0].indication",
                 "medications[0].indication: must be one of primary-prevention, secondary-prevention, "
                 f"{EVENTS} (got 'stent')",
                 id="unknown-indication"),
    pytest.param(request_with(("patient", "egfr_date"), "2026-12-01"), "patient.egfr_date",
                 "patient.egfr_date: must be given only with patient.egfr", id="egfr-date-without-egfr"),
    pytest.param(request_with(("patient",), {"egfr": 40, "egfr_date": "01/12/2026"}), "patient.egfr_date",
                 "patient.egfr_date: must be a date YYYY-MM-DD (got '01/12/2026')", id="egfr-date-malformed"),
]


@pytest.mark.parametrize(("request_", "field", "message"), INDICATION_ERRORS)
def test_an_indication_date_or_stent_type_out_of_place_is_rejected(request_, field, message):
    """The event's date and the stent's type belong only with the indication they describe."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(request_)

    assert (excinfo.value.field, str(excinfo.value)) == (field, message)


def test_an_event_indication_is_read_with_its_date_and_stent():
    """A stent's date and type, and the eGFR's date, reach the validated request."""
    request = medplan.parse_request({
        **with_medication(indication="coronary-stent", indication_date="2026-10-08", stent_type="bare-metal"),
        "patient": {"egfr": 40, "egfr_date": "2026-12-01"},
    })
    (order,) = request.medications

    assert (order.indication.value, order.indication_date.isoformat(), order.stent_type.value) == (
        "coronary-stent", "2026-10-08", "bare-metal")
    assert request.patient.egfr_date.isoformat() == "2026-12-01"
