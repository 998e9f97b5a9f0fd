"""Tests of request validation: each refused request, field by field (``medplan.plan``).

Every rejected request must raise ``medplan.InputError`` whose ``field`` is the
path of the field at fault and whose message, asserted in full, says what is
wrong with the value given. The rest of request validation is in test_request.py.
"""

from __future__ import annotations

import pytest
from requestcases import AC, DELETE, InvalidRequest, request_with
from strategies import VALID

import medplan

ERROR_CASES = [
    pytest.param(
        InvalidRequest(
            request=[VALID], field="request", message="request: must be an object (got a list)"
        ),
        id="request-not-an-object",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure",), DELETE),
            field="procedure",
            message="procedure: is required",
        ),
        id="missing-procedure",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patients",), {"crcl_ml_min": 62}),
            field="patients",
            message="patients: is not a field medplan knows (expected one of schema_version, booking_id, now, procedure, patient, medications, policy, review_reasons, decisions)",
        ),
        id="unknown-top-level-field",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "bleeding_rsk"), "low"),
            field="procedure.bleeding_rsk",
            message="procedure.bleeding_rsk: is not a field medplan knows"
            " (expected one of code, name, start, end, timezone, bleeding_risk, guideline, fasting, sedation, contrast)",
        ),
        id="unknown-procedure-field",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "start"), "2026-02-30T09:00"),
            field="procedure.start",
            message="procedure.start: 2026-02-30T09:00 is not a real date and time (day is out of range for month)",
        ),
        id="30-february",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "start"), "2026-12-08T09:30+08:00"),
            field="procedure.start",
            message="procedure.start: must be local time YYYY-MM-DDTHH:MM without a UTC offset"
            " (got '2026-12-08T09:30+08:00')",
        ),
        id="start-with-offset",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "start"), "8 Dec 2026 9:30"),
            field="procedure.start",
            message="procedure.start: must be a local date and time YYYY-MM-DDTHH:MM (got '8 Dec 2026 9:30')",
        ),
        id="malformed-start",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "timezone"), "Mars/Olympus"),
            field="procedure.timezone",
            message="procedure.timezone: is not an IANA time zone such as Europe/London (got 'Mars/Olympus')",
        ),
        id="unknown-zone",
    ),
    pytest.param(
        # 'Europe' is a folder of the zone database, not a zone; zoneinfo
        # raises IsADirectoryError for it, which must not escape.
        InvalidRequest(
            request=request_with(("procedure", "timezone"), "Europe"),
            field="procedure.timezone",
            message="procedure.timezone: is not an IANA time zone such as Europe/London (got 'Europe')",
        ),
        id="zone-database-folder",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "timezone"), "localtime"),
            field="procedure.timezone",
            message="procedure.timezone: must be an IANA time zone such as Europe/London (got 'localtime')",
        ),
        id="localtime-zone",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "bleeding_risk"), "medium"),
            field="procedure.bleeding_risk",
            message="procedure.bleeding_risk: must be one of low, intermediate, high (got 'medium')",
        ),
        id="unknown-bleeding-risk",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "times"), ["25:00"]),
            field="medications[0].times[0]",
            message="medications[0].times[0]: must be a time HH:MM from 00:00 to 23:59 (got '25:00')",
        ),
        id="dose-time-25h",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "times"), ["8:00"]),
            field="medications[0].times[0]",
            message="medications[0].times[0]: must be a time HH:MM from 00:00 to 23:59 (got '8:00')",
        ),
        id="dose-time-one-digit-hour",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "times"), ["08:00", "20:00", "08:00"]),
            field="medications[0].times[2]",
            message="medications[0].times[2]: 08:00 is given twice",
        ),
        id="duplicate-dose-time",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "times"), "08:00"),
            field="medications[0].times",
            message="medications[0].times: must be a list of times HH:MM (got text)",
        ),
        id="times-not-a-list",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient", "crcl_ml_min"), -1),
            field="patient.crcl_ml_min",
            message="patient.crcl_ml_min: must be between 0 and 500 (got -1)",
        ),
        id="negative-crcl",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient", "crcl_ml_min"), True),
            field="patient.crcl_ml_min",
            message="patient.crcl_ml_min: must be a number (got true/false)",
        ),
        id="crcl-bool",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient", "crcl_ml_min"), float("nan")),
            field="patient.crcl_ml_min",
            message="patient.crcl_ml_min: must be a finite number (got nan)",
        ),
        id="crcl-nan",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(
                ("procedure",),
                VALID["procedure"] | {"timezone": "Europe/London", "start": "2026-03-29T01:30"},
            ),
            field="procedure.start",
            message="procedure.start: 2026-03-29T01:30 does not exist in Europe/London: the clocks go forward through it",
        ),
        id="start-in-spring-gap",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(
                ("procedure",),
                VALID["procedure"] | {"timezone": "Europe/London", "start": "2026-10-25T01:30"},
            ),
            field="procedure.start",
            message="procedure.start: 2026-10-25T01:30 happens twice in Europe/London:"
            " the clocks go back through it; book a time outside that hour",
        ),
        id="start-in-autumn-fold",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "end"), "2026-12-08T09:00"),
            field="procedure.end",
            message="procedure.end: must be after procedure.start and within 24 hours of it (got '2026-12-08T09:00')",
        ),
        id="end-before-start",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("procedure", "guideline"), "nice-2020"),
            field="procedure.guideline",
            message="procedure.guideline: must be one of asra-pain-2018, chest-2022 (got 'nice-2020')",
        ),
        id="unknown-guideline",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "regimen"), "monthly"),
            field="medications[0].regimen",
            message="medications[0].regimen: must be one of prophylactic, therapeutic, daily, weekly (got 'monthly')",
        ),
        id="unknown-regimen",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "days"), ["sundae"]),
            field="medications[0].days[0]",
            message="medications[0].days[0]: must be a weekday, monday to sunday (got 'sundae')",
        ),
        id="unknown-weekday",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "days"), ["monday", "Monday"]),
            field="medications[0].days[1]",
            message="medications[0].days[1]: Monday is given twice",
        ),
        id="weekday-twice",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "days"), []),
            field="medications[0].days",
            message='medications[0].days: must be a list of weekdays such as ["sunday"] (got an empty list)',
        ),
        id="no-weekdays",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "days"), "monday"),
            field="medications[0].days",
            message='medications[0].days: must be a list of weekdays such as ["sunday"] (got text)',
        ),
        id="weekdays-not-a-list",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient", "egfr"), -1),
            field="patient.egfr",
            message="patient.egfr: must be between 0 and 500 (got -1)",
        ),
        id="egfr-negative",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications", 0, "name"), ""),
            field="medications[0].name",
            message="medications[0].name: must not be empty",
        ),
        id="empty-medication-name",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("policy", "inr_max"), 5),
            field="policy.inr_max",
            message="policy.inr_max: must be between 1 and 3 (got 5)",
        ),
        id="policy-inr-max-too-high",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("policy", "inr_check_day"), -3),
            field="policy.inr_check_day",
            message="policy.inr_check_day: must be between -1 and 0 (got -3)",
        ),
        id="policy-inr-check-day-too-early",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("policy", "antiplatelet_hold_days"), 40),
            field="policy.antiplatelet_hold_days",
            message="policy.antiplatelet_hold_days: must be between 0 and 30 (got 40)",
        ),
        id="policy-antiplatelet-hold-too-long",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("policy", "anticoagulant_resume_next_day"), "yes"),
            field="policy.anticoagulant_resume_next_day",
            message="policy.anticoagulant_resume_next_day: must be true or false (got text)",
        ),
        id="policy-resume-next-day-not-bool",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications",), [{"name": "aspirin"}] * 201),
            field="medications",
            message="medications: must list at most 200 medicines (got 201)",
        ),
        id="too-many-medications",
    ),
    # --- why the patient is anticoagulated (issue 4) ---
    pytest.param(
        InvalidRequest(
            request=request_with(AC, {"reason": "atrial-fibrillation"}),
            field="patient.anticoagulation",
            message="patient.anticoagulation: must be a list of reasons, one object each (got an object)",
        ),
        id="anticoagulation-not-a-list",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "af"}]),
            field="patient.anticoagulation[0].reason",
            message="patient.anticoagulation[0].reason: must be one of atrial-fibrillation, mechanical-heart-valve, venous-thromboembolism (got 'af')",
        ),
        id="anticoagulation-unknown-reason",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(
                AC, [{"reason": "atrial-fibrillation", "valve_position": "mitral"}]
            ),
            field="patient.anticoagulation[0].valve_position",
            message="patient.anticoagulation[0].valve_position: is not a field of atrial-fibrillation (expected one of cha2ds2_vasc, stroke_or_tia, rheumatic_valve_disease)",
        ),
        id="anticoagulation-field-of-another-reason",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 10}]),
            field="patient.anticoagulation[0].cha2ds2_vasc",
            message="patient.anticoagulation[0].cha2ds2_vasc: must be between 0 and 9 (got 10)",
        ),
        id="cha2ds2-vasc-out-of-range",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 3.5}]),
            field="patient.anticoagulation[0].cha2ds2_vasc",
            message="patient.anticoagulation[0].cha2ds2_vasc: must be a whole number (got a number)",
        ),
        id="cha2ds2-vasc-not-whole",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "venous-thromboembolism", "vte": "last spring"}]),
            field="patient.anticoagulation[0].vte",
            message="patient.anticoagulation[0].vte: must be a date YYYY-MM-DD, or \"none\" (got 'last spring')",
        ),
        id="event-not-a-date",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "venous-thromboembolism", "vte": "2030-01-01"}]),
            field="patient.anticoagulation[0].vte",
            message="patient.anticoagulation[0].vte: must not be after the procedure (2026-12-08) (got 2030-01-01)",
        ),
        id="event-after-the-procedure",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "venous-thromboembolism", "vte": "none"}]),
            field="patient.anticoagulation[0].vte",
            message='patient.anticoagulation[0].vte: must be the date of the most recent VTE (got "none")',
        ),
        id="vte-reason-without-a-vte",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(
                AC, [{"reason": "mechanical-heart-valve", "valve_type": "porcine"}]
            ),
            field="patient.anticoagulation[0].valve_type",
            message="patient.anticoagulation[0].valve_type: must be one of bileaflet, caged-ball, tilting-disc (got 'porcine')",
        ),
        id="valve-type-unknown",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(
                AC, [{"reason": "atrial-fibrillation"}, {"reason": "atrial-fibrillation"}]
            ),
            field="patient.anticoagulation[1].reason",
            message="patient.anticoagulation[1].reason: atrial-fibrillation is already listed: give each reason once",
        ),
        id="reason-twice",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("patient", "weight_kg"), 8),
            field="patient.weight_kg",
            message="patient.weight_kg: must be between 20 and 350 (got 8)",
        ),
        id="weight-out-of-range",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications",), "warfarin"),
            field="medications",
            message="medications: must be a list (got text)",
        ),
        id="medications-not-a-list",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications",), [None]),
            field="medications[0]",
            message="medications[0]: must be an object (got null)",
        ),
        id="medication-null",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("medications",), [{"name": "aspirin"}] * 201),
            field="medications",
            message="medications: must list at most 200 medicines (got 201)",
        ),
        id="too-many-medicines",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(AC, [{"reason": "atrial-fibrillation"}] * 11),
            field="patient.anticoagulation",
            message="patient.anticoagulation: must list at most 10 reasons (got 11)",
        ),
        id="too-many-reasons",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("now",), "2026-02-30T10:00Z"),
            field="now",
            message="now: 2026-02-30T10:00Z is not a real date and time (day is out of range for month)",
        ),
        id="now-with-offset-not-a-real-date",
    ),
    pytest.param(
        InvalidRequest(
            request=request_with(("now",), "1850-01-01T10:00+00:00"),
            field="now",
            message="now: must be in the years 1900 to 2199 (got '1850-01-01T10:00+00:00')",
        ),
        id="now-with-offset-outside-the-years",
    ),
]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_invalid_request_is_rejected_naming_the_field(case):
    """An invalid request raises InputError whose message names the field, the expectation and the value."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(case.request)

    assert str(excinfo.value) == case.message
    assert excinfo.value.field == case.field
