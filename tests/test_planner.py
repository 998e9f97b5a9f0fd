"""The planner, row by row: exact, hand-checked dates for every drug class under both guidelines.

Each expected date was worked out by hand from the definitions in
``medplan.schedule`` (comments give the arithmetic), in the style of the
holidays library's row-by-row tests.

Procedure A: Tuesday 8 December 2026, 09:30, Australia/Perth (UTC+8, no DST).
Procedure B: Monday 30 March 2026, 08:00, Europe/London: the clocks went forward on
Sunday 29 March, so doses before it are GMT (+00:00) and after it BST (+01:00).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import usual_times, zones

import medplan
from medplan import Action

A = {"start": "2026-12-08T09:30", "timezone": "Australia/Perth"}
B = {"start": "2026-03-30T08:00", "timezone": "Europe/London"}


def request(*medications, at=A, risk="intermediate", guideline="asra-pain-2018", crcl=None, policy=None, end=None):
    procedure = {"name": "test procedure", "bleeding_risk": risk, "guideline": guideline, **at}
    if end is not None:
        procedure["end"] = end
    result = {"procedure": procedure, "medications": list(medications)}
    if crcl is not None:
        result["patient"] = {"crcl_ml_min": crcl}
    if policy is not None:
        result["policy"] = policy
    return result


def med(name, *times, **extra):
    return {"name": name, "times": list(times), **extra}


def only(plan):
    (medication,) = plan.medications
    return medication


def iso(moment):
    return None if moment is None else moment.isoformat()


ROWS = [
    # --- asra-pain-2018, procedure A --------------------------------------------------
    # 5 days off: no dose 3-7 Dec; ASRA restarts at 6 h (18:00 day 0) but the seed policy
    # waits for the day after.
    ("asra-warfarin-intermediate", A, "intermediate", "asra-pain-2018", med("warfarin", "18:00"), None,
     "hold", "2026-12-02T18:00:00+08:00", "2026-12-09T18:00:00+08:00", [("INR", 1.5, "2026-12-07")]),
    ("asra-warfarin-high", A, "high", "asra-pain-2018", med("Coumadin", "18:00"), None,
     "hold", "2026-12-02T18:00:00+08:00", "2026-12-09T18:00:00+08:00", [("INR", 1.5, "2026-12-07")]),
    ("asra-warfarin-low-shared-assessment", A, "low", "asra-pain-2018", med("warfarin", "18:00"), None,
     "review", None, None, []),
    # 3 days off: last dose day -4; restart 24 h after 09:30 is after 18:00 on 9 Dec's eve.
    ("asra-acenocoumarol", A, "intermediate", "asra-pain-2018", med("Sintrom", "18:00"), None,
     "hold", "2026-12-04T18:00:00+08:00", "2026-12-09T18:00:00+08:00", [("INR", 1.5, "2026-12-07")]),
    # 24 h before 09:30 on 8 Dec: the 08:00 dose on 7 Dec; 24 h after: 20:00 on 9 Dec.
    ("asra-enoxaparin-therapeutic", A, "intermediate", "asra-pain-2018",
     med("Clexane", "08:00", "20:00", regimen="therapeutic"), None,
     "hold", "2026-12-07T08:00:00+08:00", "2026-12-09T20:00:00+08:00", []),
    # 12 h before: 20:00 on 7 Dec; restart 4 h after is 20:00 day 0, the seed moves it to day +1.
    ("asra-enoxaparin-prophylactic-low", A, "low", "asra-pain-2018",
     med("Lovenox", "20:00", regimen="prophylactic"), None,
     "hold", "2026-12-07T20:00:00+08:00", "2026-12-09T20:00:00+08:00", []),
    ("asra-dalteparin-therapeutic-high", A, "high", "asra-pain-2018",
     med("Fragmin", "08:00", regimen="therapeutic"), None,
     "hold", "2026-12-07T08:00:00+08:00", "2026-12-10T08:00:00+08:00", []),
    ("asra-dalteparin-prophylactic", A, "intermediate", "asra-pain-2018",
     med("dalteparin", "08:00", regimen="prophylactic"), None,
     "hold", "2026-12-07T08:00:00+08:00", "2026-12-10T08:00:00+08:00", []),
    # An infusion stops 6 h before 09:30; restart 2 h after, moved to the start of day +1.
    ("asra-heparin-iv", A, "intermediate", "asra-pain-2018", med("heparin", route="iv"), None,
     "hold", "2026-12-08T03:30:00+08:00", "2026-12-09T00:00:00+08:00", []),
    # High risk: 24 h before (08:00 on 7 Dec), restart 6 h after (20:00 day 0, seed: day +1).
    ("asra-heparin-sc-high", A, "high", "asra-pain-2018", med("UFH", "08:00", "20:00", route="sc"), None,
     "hold", "2026-12-07T08:00:00+08:00", "2026-12-09T08:00:00+08:00", []),
    ("asra-aspirin-intermediate", A, "intermediate", "asra-pain-2018", med("Cartia", "08:00"), None,
     "continue", None, None, []),
    # High risk needs the indication; the proposal is 6 days (day -7) and 24 h after.
    ("asra-aspirin-high", A, "high", "asra-pain-2018", med("aspirin", "08:00"), None,
     "review", "2026-12-01T08:00:00+08:00", "2026-12-10T08:00:00+08:00", []),
    # Unconfirmed rows: review, with the proposal's dates.
    ("asra-clopidogrel", A, "intermediate", "asra-pain-2018", med("Plavix", "08:00"), None,
     "review", "2026-11-30T08:00:00+08:00", "2026-12-10T08:00:00+08:00", []),
    ("asra-prasugrel", A, "high", "asra-pain-2018", med("Effient", "08:00"), None,
     "review", "2026-11-27T08:00:00+08:00", "2026-12-10T08:00:00+08:00", []),
    ("asra-ticagrelor", A, "intermediate", "asra-pain-2018", med("Brilinta", "08:00", "20:00"), None,
     "review", "2026-12-02T20:00:00+08:00", "2026-12-09T20:00:00+08:00", []),
    ("asra-apixaban", A, "intermediate", "asra-pain-2018", med("Eliquis", "08:00", "20:00"), None,
     "review", "2026-12-04T20:00:00+08:00", "2026-12-09T20:00:00+08:00", []),
    ("asra-rivaroxaban", A, "high", "asra-pain-2018", med("Xarelto", "18:00"), None,
     "review", "2026-12-04T18:00:00+08:00", "2026-12-09T18:00:00+08:00", []),
    ("asra-edoxaban", A, "intermediate", "asra-pain-2018", med("Lixiana", "08:00"), None,
     "review", "2026-12-04T08:00:00+08:00", "2026-12-10T08:00:00+08:00", []),
    ("asra-dabigatran-crcl-62", A, "intermediate", "asra-pain-2018", med("Pradaxa", "08:00", "20:00"), 62,
     "review", "2026-12-02T20:00:00+08:00", "2026-12-09T20:00:00+08:00", []),
    ("asra-dabigatran-crcl-40", A, "intermediate", "asra-pain-2018", med("Pradaxa", "08:00", "20:00"), 40,
     "review", "2026-12-01T20:00:00+08:00", "2026-12-09T20:00:00+08:00", []),
    ("asra-dabigatran-crcl-20", A, "intermediate", "asra-pain-2018", med("Pradaxa", "08:00", "20:00"), 20,
     "review", None, None, []),
    # --- chest-2022, procedure B (the London spring-forward) ----------------------------
    # 2 days off before high risk: no dose 28-29 Mar or day 0; last 20:00 GMT on 27 Mar.
    # Restart day +3 at 08:00 BST.
    ("chest-apixaban-high", B, "high", "chest-2022", med("apixaban", "08:00", "20:00"), None,
     "hold", "2026-03-27T20:00:00+00:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-apixaban-intermediate-takes-high", B, "intermediate", "chest-2022",
     med("apixaban", "08:00", "20:00"), None,
     "hold", "2026-03-27T20:00:00+00:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-apixaban-low", B, "low", "chest-2022", med("apixaban", "08:00", "20:00"), None,
     "hold", "2026-03-28T20:00:00+00:00", "2026-03-31T08:00:00+01:00", []),
    ("chest-rivaroxaban-low", B, "low", "chest-2022", med("rivaroxaban", "18:00"), None,
     "hold", "2026-03-28T18:00:00+00:00", "2026-03-31T18:00:00+01:00", []),
    ("chest-edoxaban-high", B, "high", "chest-2022", med("Savaysa", "08:00"), None,
     "hold", "2026-03-27T08:00:00+00:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-dabigatran-crcl-80-low", B, "low", "chest-2022", med("dabigatran", "08:00", "20:00"), 80,
     "hold", "2026-03-28T20:00:00+00:00", "2026-03-31T08:00:00+01:00", []),
    # CrCl 30-50, high risk: 4 days off, last dose day -5.
    ("chest-dabigatran-crcl-40-high", B, "high", "chest-2022", med("dabigatran", "08:00", "20:00"), 40,
     "hold", "2026-03-25T20:00:00+00:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-dabigatran-crcl-20", B, "high", "chest-2022", med("dabigatran", "08:00", "20:00"), 20,
     "review", None, None, []),
    # 5 days off: last dose day -6 (24 Mar, GMT); CHEST restarts the evening of day 0 and
    # the seed policy the day after, in BST.
    ("chest-warfarin", B, "high", "chest-2022", med("Marevan", "18:00"), None,
     "hold", "2026-03-24T18:00:00+00:00", "2026-03-31T18:00:00+01:00", [("INR", 1.5, "2026-03-29")]),
    ("chest-acenocoumarol", B, "low", "chest-2022", med("acenocoumarol", "18:00"), None,
     "hold", "2026-03-24T18:00:00+00:00", "2026-03-31T18:00:00+01:00", [("INR", 1.5, "2026-03-29")]),
    # 24 real hours before 08:00 BST on 30 Mar is 08:00 BST on 29 Mar, exactly a dose;
    # 72 hours after is 08:00 BST on 2 Apr, exactly a dose.
    ("chest-enoxaparin-therapeutic-high", B, "high", "chest-2022",
     med("enoxaparin", "08:00", "20:00", regimen="therapeutic"), None,
     "hold", "2026-03-29T08:00:00+01:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-dalteparin-therapeutic-low", B, "low", "chest-2022",
     med("Fragmin", "08:00", regimen="therapeutic"), None,
     "hold", "2026-03-29T08:00:00+01:00", "2026-03-31T08:00:00+01:00", []),
    ("chest-enoxaparin-prophylactic", B, "high", "chest-2022",
     med("enoxaparin", "20:00", regimen="prophylactic"), None,
     "review", "2026-03-29T20:00:00+01:00", "2026-04-02T20:00:00+01:00", []),
    # 12 h before 07:00 UTC on 30 Mar: the 08:00 BST dose on 29 Mar; restart 24 h after.
    ("chest-dalteparin-prophylactic-low", B, "low", "chest-2022",
     med("dalteparin", "08:00", regimen="prophylactic"), None,
     "review", "2026-03-29T08:00:00+01:00", "2026-03-31T08:00:00+01:00", []),
    # Infusion: 6 h before 08:00 BST is 02:00 BST; restart 72 h after.
    ("chest-heparin-iv", B, "high", "chest-2022", med("heparin", route="iv"), None,
     "hold", "2026-03-30T02:00:00+01:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-heparin-sc", B, "high", "chest-2022", med("heparin", "08:00", "20:00", route="sc"), None,
     "review", "2026-03-29T08:00:00+01:00", "2026-04-02T08:00:00+01:00", []),
    ("chest-aspirin-low", B, "low", "chest-2022", med("aspirin", "08:00"), None,
     "continue", None, None, []),
    ("chest-aspirin-high", B, "high", "chest-2022", med("aspirin", "08:00"), None,
     "review", "2026-03-22T08:00:00+00:00", "2026-03-31T08:00:00+01:00", []),
    # Antiplatelets are not anticoagulants: restart day +1, not moved by the seed policy.
    ("chest-clopidogrel-high", B, "high", "chest-2022", med("clopidogrel", "08:00"), None,
     "hold", "2026-03-24T08:00:00+00:00", "2026-03-31T08:00:00+01:00", []),
    ("chest-clopidogrel-low", B, "low", "chest-2022", med("clopidogrel", "08:00"), None,
     "review", None, None, []),
    ("chest-prasugrel-high", B, "high", "chest-2022", med("prasugrel", "08:00"), None,
     "hold", "2026-03-22T08:00:00+00:00", "2026-03-31T08:00:00+01:00", []),
    ("chest-ticagrelor-intermediate", B, "intermediate", "chest-2022", med("Brilique", "08:00", "20:00"), None,
     "hold", "2026-03-24T20:00:00+00:00", "2026-03-31T08:00:00+01:00", []),
]


@pytest.mark.parametrize(
    ("at", "risk", "guideline", "medication", "crcl", "action", "last_dose", "resume", "checks"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_every_row_gives_the_hand_checked_dates(at, risk, guideline, medication, crcl, action, last_dose, resume, checks):
    """Each drug class plans to the action, last dose, check and restart worked out by hand."""
    result = only(medplan.plan(request(medication, at=at, risk=risk, guideline=guideline, crcl=crcl)))

    assert result.action.value == action
    assert iso(result.last_dose) == last_dose
    assert iso(result.resume) == resume
    assert [(c.test, c.max_value, c.on.isoformat()) for c in result.checks] == checks
    assert result.rule_id is not None
    assert result.rule_id.startswith(guideline)
    assert result.source


def test_every_table_row_is_reached_by_a_hand_checked_case(table):
    """No row of the table ships without a hand-checked planner case above."""
    reached = set()
    for row in ROWS:
        _, at, risk, guideline, medication, crcl, *_ = row
        reached.add(only(medplan.plan(request(medication, at=at, risk=risk, guideline=guideline, crcl=crcl))).rule_id)

    assert {r.rule_id for r in table.rules} - reached == set()


def test_an_infusion_stopped_across_the_spring_forward_change_counts_real_hours():
    """6 hours before 05:00 BST on 29 March is 22:00 GMT the night before, not 23:00."""
    at = {"start": "2026-03-29T05:00", "timezone": "Europe/London"}

    result = only(medplan.plan(request(med("heparin", route="iv"), at=at)))

    assert iso(result.last_dose) == "2026-03-28T22:00:00+00:00"
    assert iso(result.resume) == "2026-03-30T00:00:00+01:00"


def test_new_york_fall_back_keeps_the_usual_evening_dose():
    """Across New York's fall-back, warfarin stays at 18:00: EDT before, EST after."""
    at = {"start": "2026-11-02T08:00", "timezone": "America/New_York"}

    result = only(medplan.plan(request(med("warfarin", "18:00"), at=at)))

    assert iso(result.last_dose) == "2026-10-27T18:00:00-04:00"
    assert iso(result.resume) == "2026-11-03T18:00:00-05:00"
    assert result.checks[0].on.isoformat() == "2026-11-01"


def test_sydney_spring_forward_keeps_the_usual_dose_times():
    """Across Sydney's spring-forward (4 October), apixaban stays at 08:00 and 20:00."""
    at = {"start": "2026-10-06T09:00", "timezone": "Australia/Sydney"}

    result = only(medplan.plan(request(med("apixaban", "08:00", "20:00"), at=at, risk="high", guideline="chest-2022")))

    assert iso(result.last_dose) == "2026-10-03T20:00:00+10:00"
    assert iso(result.resume) == "2026-10-09T08:00:00+11:00"


def test_a_dose_in_the_spring_forward_gap_is_moved_and_the_plan_says_so():
    """A usual 01:30 dose on 29 March (London) does not exist: it is taken at 02:30 and a note says why."""
    at = {"start": "2026-03-31T08:00", "timezone": "Europe/London"}

    result = only(medplan.plan(request(med("apixaban", "01:30"), at=at, risk="low", guideline="chest-2022")))

    assert iso(result.last_dose) == "2026-03-29T02:30:00+01:00"
    assert (
        "The usual 01:30 dose does not exist on Sunday 29 March 2026 in Europe/London "
        "(the clocks go forward); it is taken at 02:30." in result.notes
    )


def test_the_procedure_end_delays_an_hours_restart():
    """'Resume after H hours' counts from the procedure's end when the booking gives one."""
    plan = medplan.plan(
        request(
            med("enoxaparin", "08:00", "20:00", regimen="therapeutic"),
            at=B, risk="low", guideline="chest-2022", end="2026-03-30T09:30",
            policy={"anticoagulant_resume_next_day": False},
        )
    )

    # 24 h after 09:30 BST on 30 Mar: the 08:00 dose on 31 Mar is early, 20:00 is not.
    assert iso(only(plan).resume) == "2026-03-31T20:00:00+01:00"


# --- reasons a medicine goes to review ---------------------------------------------------

REVIEW_REASONS = [
    ("unknown", request(med("Notarealdrugium", "08:00")),
     "'Notarealdrugium' is not in medplan's table: check the name, or plan this medicine by hand"),
    ("crcl-needed", request(med("dabigatran", "08:00", "20:00")),
     "dabigatran's rule depends on renal function: CrCl needed (patient.crcl_ml_min)"),
    ("regimen-needed", request(med("enoxaparin", "08:00")),
     "enoxaparin's hold depends on the dose regimen: prophylactic or therapeutic needed"),
    ("route-needed", request(med("heparin", "08:00")),
     "unfractionated heparin's hold depends on the route: iv or sc needed"),
    ("route-without-rule", request(med("heparin", "08:00", route="oral")),
     "asra-pain-2018 gives no rule for unfractionated heparin given oral"),
    ("times-needed", request(med("warfarin")),
     "warfarin's usual dose times are needed to date the last dose and the restart"),
    ("unconfirmed", request(med("clopidogrel", "08:00")),
     "rule asra-pain-2018:clopidogrel is not yet confirmed against its source; the dates shown are its proposal"),
]


@pytest.mark.parametrize(("body", "reason"), [pytest.param(b, r, id=i) for i, b, r in REVIEW_REASONS])
def test_a_medicine_that_cannot_be_placed_is_review_with_the_question_to_answer(body, reason):
    """The reason says what the pharmacist must find out, and the plan as a whole needs review."""
    plan = medplan.plan(body)
    result = only(plan)

    assert result.action is Action.REVIEW
    assert result.review_reason == reason
    assert plan.needs_review
    assert f"{result.input}: {reason}" in plan.review_reasons
    assert result.instruction == (
        f"Do not change how you take your {result.input if result.drug in (None, result.input) else f'{result.input} ({result.drug})'} "
        "until your pharmacist or doctor tells you what to do before the procedure."
    )


def test_a_clean_plan_does_not_need_review():
    """With every medicine placed on a confirmed rule, the plan needs no review."""
    plan = medplan.plan(request(med("warfarin", "18:00"), med("aspirin", "08:00"), at=B, risk="high", guideline="chest-2022"))

    assert [m.action for m in plan.medications] == [Action.HOLD, Action.REVIEW]
    plan = medplan.plan(request(med("warfarin", "18:00"), med("aspirin", "08:00"), at=B, risk="low", guideline="chest-2022"))

    assert [m.action for m in plan.medications] == [Action.HOLD, Action.CONTINUE]
    assert not plan.needs_review
    assert plan.review_reasons == ()


def test_two_oral_anticoagulants_are_a_question_for_the_pharmacist():
    """Warfarin and apixaban together are flagged, each still planned."""
    plan = medplan.plan(request(med("warfarin", "18:00"), med("apixaban", "08:00"), at=B, guideline="chest-2022"))

    assert plan.needs_review
    assert plan.review_reasons == (
        "apixaban and warfarin are both oral anticoagulants: confirm which one the patient takes",
    )
    assert [m.action for m in plan.medications] == [Action.HOLD, Action.HOLD]


def test_a_drug_listed_twice_is_a_question_for_the_pharmacist():
    """The same drug under two names is listed once each and flagged."""
    plan = medplan.plan(request(med("Eliquis", "08:00"), med("apixaban", "20:00"), at=B, guideline="chest-2022"))

    assert len(plan.medications) == 2
    assert "apixaban is listed 2 times ('Eliquis', 'apixaban'): confirm the current dose and times" in plan.review_reasons


def test_medicines_come_back_once_each_in_input_order():
    """The plan has one entry per input medicine, in the order given, unknown ones included."""
    names = ["Xarelto", "mystery pill", "aspirin", "Plavix", "heparin"]

    plan = medplan.plan(request(*(med(n, "08:00") for n in names)))

    assert [m.input for m in plan.medications] == names


# --- clinic policy -------------------------------------------------------------------------


def test_policy_lengthens_an_antiplatelet_hold():
    """The seed's radiologist asking for 10 days moves clopidogrel's last dose to day -11."""
    plan = medplan.plan(request(med("clopidogrel", "08:00"), at=B, risk="high", guideline="chest-2022",
                                policy={"name": "dr-k", "antiplatelet_hold_days": 10}))
    result = only(plan)

    assert iso(result.last_dose) == "2026-03-19T08:00:00+00:00"
    assert "Held 10 days by clinic policy 'dr-k' (the table's rule: 5 days)." in result.notes
    assert plan.policy.name == "dr-k"


def test_policy_never_shortens_a_hold():
    """A policy asking for fewer days than the table keeps the table's hold and says so."""
    result = only(medplan.plan(request(med("clopidogrel", "08:00"), at=B, risk="high", guideline="chest-2022",
                                       policy={"name": "dr-k", "antiplatelet_hold_days": 3})))

    assert iso(result.last_dose) == "2026-03-24T08:00:00+00:00"
    assert "Clinic policy 'dr-k' asks for 3 days; the table's longer 5 days is kept." in result.notes


def test_policy_sets_the_inr_threshold_and_day():
    """A clinic may want INR 1.3 or less, on the morning of the procedure."""
    result = only(medplan.plan(request(med("warfarin", "18:00"), policy={"name": "strict", "inr_max": 1.3, "inr_check_day": 0})))

    assert [(c.test, c.max_value, c.on.isoformat(), c.day) for c in result.checks] == [("INR", 1.3, "2026-12-08", 0)]
    assert "INR threshold 1.3 from clinic policy 'strict' (the table's: 1.5)." in result.notes
    assert "the procedure goes ahead only if it is 1.3 or less" in result.instruction


def test_policy_may_allow_a_same_day_restart():
    """Without the seed's day-after rule, CHEST restarts warfarin the evening of the procedure."""
    result = only(medplan.plan(request(med("warfarin", "18:00"), at=B, risk="high", guideline="chest-2022",
                                       policy={"anticoagulant_resume_next_day": False})))

    assert iso(result.resume) == "2026-03-30T18:00:00+01:00"


def test_the_plan_records_the_policy_table_and_version():
    """The plan says which guideline, policy, table version and medplan version it used."""
    plan = medplan.plan(request(med("aspirin", "08:00")))
    data = plan.to_dict()

    assert data["guideline"] == "asra-pain-2018"
    assert data["policy"] == {
        "name": "seed-khangure-2017",
        "inr_max": 1.5,
        "inr_check_day": -1,
        "antiplatelet_hold_days": None,
        "anticoagulant_resume_next_day": True,
        "variants": {},
        "aspirin_before_intermediate": "continue",
        "bleeding_risk": {},
        "source": None,
    }
    assert data["table_version"] == medplan.default_table().version
    assert data["medplan_version"] == medplan.__version__


# --- instructions ---------------------------------------------------------------------------


def test_a_hold_instruction_names_the_dates_the_check_and_the_restart():
    """The patient reads the last dose, the INR test and the restart in plain words."""
    result = only(medplan.plan(request(med("Coumadin", "18:00"))))

    assert result.instruction == (
        "Take your last dose of Coumadin (warfarin) on Wednesday 2 December 2026 at 18:00. "
        "Do not take it again until Wednesday 9 December 2026 at 18:00, then carry on as usual. "
        "Have an INR blood test on Monday 7 December 2026: the procedure goes ahead only if it is 1.5 or less. "
        "Confirm the restart with the doctor doing the procedure before you leave."
    )


def test_a_continue_instruction_says_to_keep_taking_it():
    """Aspirin continued: the patient is told to keep taking it on the day too, and the plan says why."""
    result = only(medplan.plan(request(med("aspirin", "08:00"))))

    assert result.instruction == "Keep taking your aspirin as usual, including on the day of the procedure."
    assert result.rule == "intermediate bleeding risk: continue"
    assert any("generally not discontinued" in note for note in result.notes)


def test_an_infusion_instruction_is_for_the_ward():
    """An IV heparin infusion is stopped and restarted at times, not doses."""
    result = only(medplan.plan(request(med("heparin", route="iv"))))

    assert result.instruction.startswith(
        "Stop the heparin (unfractionated heparin) infusion at Tuesday 8 December 2026 at 03:30. "
        "Restart it no earlier than Wednesday 9 December 2026 at 00:00."
    )


# --- the JSON contract ----------------------------------------------------------------------


def test_plan_json_has_the_documented_fields():
    """A booking system codes against these names; later versions may add fields, not rename them."""
    data = medplan.plan(request(med("warfarin", "18:00"))).to_dict()

    assert set(data) == {
        "medplan_version", "table_version", "guideline", "policy", "procedure",
        "needs_review", "review_reasons", "contraindicated", "screening", "medications", "care",
    }
    assert set(data["procedure"]) == {
        "code", "name", "start", "end", "timezone", "bleeding_risk", "fasting", "sedation", "contrast", "notes",
    }
    assert set(data["medications"][0]) == {
        "input", "drug", "drug_class", "action", "last_dose", "omitted_doses", "checks", "resume",
        "instruction", "review_reason", "rule_id", "rule", "source", "notes",
    }
    assert data["medications"][0]["checks"] == [{"test": "INR", "max": 1.5, "date": "2026-12-07", "day": -1}]
    assert data["procedure"]["start"] == "2026-12-08T09:30:00+08:00"


def test_the_same_request_gives_byte_identical_json():
    """Planning is deterministic: same request, same table, same bytes."""
    body = request(med("warfarin", "18:00"), med("Plavix", "08:00"), med("Eliquis", "08:00", "20:00"))

    assert medplan.render_json(medplan.plan(body)) == medplan.render_json(medplan.plan(body))


# --- properties ----------------------------------------------------------------------------

DRUGS = [
    med("warfarin", "18:00"),
    med("acenocoumarol", "18:00"),
    med("apixaban", "08:00", "20:00"),
    med("rivaroxaban", "08:00"),
    med("edoxaban", "08:00"),
    med("dabigatran", "08:00", "20:00"),
    med("enoxaparin", "08:00", "20:00", regimen="therapeutic"),
    med("enoxaparin", "20:00", regimen="prophylactic"),
    med("dalteparin", "08:00", regimen="therapeutic"),
    med("dalteparin", "08:00", regimen="prophylactic"),
    med("heparin", route="iv"),
    med("heparin", "08:00", "20:00", route="sc"),
    med("aspirin", "08:00"),
    med("clopidogrel", "08:00"),
    med("prasugrel", "08:00"),
    med("ticagrelor", "08:00", "20:00"),
]

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
    guideline=st.sampled_from(["asra-pain-2018", "chest-2022"]),
    risk=st.sampled_from(["low", "intermediate", "high"]),
    start=local_starts,
    crcls=st.lists(st.floats(0, 200), min_size=2, max_size=2, unique=True),
)
def test_holds_never_shorten_as_crcl_falls(guideline, risk, start, crcls):
    """Lower renal function never gives dabigatran a later last dose, nor an answer where higher had review."""
    higher, lower = sorted(crcls, reverse=True)
    results = []
    for crcl in (higher, lower):
        body = request(med("dabigatran", "08:00", "20:00"), at={"start": start, "timezone": "UTC"},
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
    assert result.resume.tzinfo is zone
    assert utc(result.last_dose) < utc(procedure) < utc(result.resume)
    assert all(utc(result.last_dose) < utc(d) < utc(result.resume) for d in result.omitted_doses)
    assert plan.needs_review == (any(m.action is Action.REVIEW for m in plan.medications) or bool(plan.review_reasons))
