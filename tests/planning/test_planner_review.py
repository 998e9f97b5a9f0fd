"""Why a medicine goes to review, bookings made too soon, and the reasons in order."""

from __future__ import annotations

import attrs
import pytest
from plannercases import (
    PAD,
    B,
    iso,
    med,
    only,
    request,
)

import medplan
from medplan import Action

# --- reasons a medicine goes to review ---------------------------------------------------

@attrs.frozen
class ReviewCase:
    """A request whose one medicine cannot be placed, and the exact question the plan asks."""

    id: str
    body: dict
    reason: str


REVIEW_REASONS = [
    ReviewCase(id="unknown", body=request(med("Notarealdrugium", "08:00")), reason="'Notarealdrugium' is not in medplan's table: check the name, or plan this medicine by hand"),
    ReviewCase(id="crcl-needed", body=request(med("dabigatran", "08:00", "20:00")), reason="dabigatran's rule depends on renal function: CrCl needed (patient.crcl_ml_min)"),
    ReviewCase(id="regimen-needed", body=request(med("enoxaparin", "08:00")), reason="enoxaparin's hold depends on the dose regimen: prophylactic or therapeutic needed"),
    ReviewCase(id="route-needed", body=request(med("heparin", "08:00")), reason="unfractionated heparin's hold depends on the route: iv or sc needed"),
    ReviewCase(id="route-without-rule", body=request(med("heparin", "08:00", route="oral")), reason="asra-pain-2018 gives no rule for unfractionated heparin given oral"),
    ReviewCase(id="times-needed", body=request(med("warfarin")), reason="warfarin's usual dose times are needed to date the last dose and the restart"),
    ReviewCase(id="unconfirmed", body=request(med("clopidogrel", "08:00", indication=PAD)), reason="rule asra-pain-2018:clopidogrel is not yet confirmed against its source; the dates shown are its proposal"),
    # At high risk ASRA holds aspirin for primary prevention and asks for review for secondary.
    ReviewCase(id="indication-needed", body=request(med("aspirin", "08:00"), risk="high"), reason="aspirin's hold depends on its indication: primary-prevention or secondary-prevention needed"),
    ReviewCase(id="tinzaparin-regimen-needed", body=request(med("Innohep", "18:00")), reason="tinzaparin's hold depends on the dose regimen: prophylactic or therapeutic needed"),
    ReviewCase(id="factor-xa-crcl-needed", body=request(med("Xarelto", "18:00"), at=B, guideline="chest-2022"), reason="rivaroxaban's rule depends on renal function: CrCl needed (patient.crcl_ml_min)"),
    ReviewCase(id="no-rule-under-the-guideline", body=request(med("ibuprofen", "08:00"), at=B, guideline="chest-2022"), reason="chest-2022 gives no rule for ibuprofen: plan it by hand"),
]


@pytest.mark.parametrize("case", REVIEW_REASONS, ids=[case.id for case in REVIEW_REASONS])
def test_a_medicine_that_cannot_be_placed_is_review_with_the_question_to_answer(case):
    """The reason says what the pharmacist must find out, and the plan as a whole needs review."""
    body, reason = case.body, case.reason
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
    af = [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 2, "stroke_or_tia": "none", "rheumatic_valve_disease": False}]
    # Warfarin with aspirin is a question in itself (tests/planning/test_clinical_checks.py): metformin without contrast is not.
    plan = medplan.plan(request(med("warfarin", "18:00"), med("metformin", "08:00"), at=B, risk="low",
                                guideline="chest-2022", anticoagulation=af, contrast=False))

    assert [m.action for m in plan.medications] == [Action.HOLD, Action.CONTINUE]
    assert not plan.needs_review
    assert plan.review_reasons == ()


def test_two_oral_anticoagulants_are_a_question_for_the_pharmacist():
    """Warfarin and apixaban together are flagged, each still planned."""
    plan = medplan.plan(request(med("warfarin", "18:00"), med("apixaban", "08:00"), at=B, guideline="chest-2022", crcl=80))

    assert plan.needs_review
    assert plan.review_reasons == (
        "apixaban and warfarin are both oral anticoagulants: confirm which one the patient takes",
        "warfarin: bridging: why the patient is anticoagulated is needed to decide on bridging: patient.anticoagulation",
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


# --- what the order does not say, where the answer is the same either way ------------------


@pytest.mark.parametrize("risk", ["low", "intermediate"])
def test_aspirin_without_an_indication_is_continued_where_every_indication_continues_it(risk):
    """ASRA continues aspirin at low risk, and the seed policy at intermediate, for either indication."""
    result = only(medplan.plan(request(med("aspirin", "08:00"), risk=risk)))

    assert result.action is Action.CONTINUE
    assert result.review_reason is None
    assert "The request does not give the indication; the plan is the same for each indication" in " ".join(
        result.notes
    )


def test_aspirin_without_an_indication_is_review_where_the_policy_follows_the_table():
    """With the table's answer at intermediate risk (review for either indication), the question stands."""
    result = only(medplan.plan(request(med("aspirin", "08:00"), policy={"aspirin_before_intermediate": "table"})))

    assert result.action is Action.REVIEW
    assert result.review_reason == (
        "aspirin's hold depends on its indication: primary-prevention or secondary-prevention needed"
    )


def test_a_regimen_that_changes_the_answer_is_still_asked_for():
    """Prophylactic and therapeutic enoxaparin hold for 12 and 24 hours: the regimen is needed."""
    result = only(medplan.plan(request(med("Clexane", "20:00"))))

    assert result.action is Action.REVIEW
    assert "prophylactic or therapeutic needed" in result.review_reason


# --- booked too soon: who is named, and with what ---------------------------------------------


def test_a_proposal_booked_too_soon_keeps_its_own_question_after_the_booking():
    """Apixaban (an unconfirmed row) booked on Monday 7 December gives the booking's reason, then its own."""
    result = only(medplan.plan(request(med("Eliquis", "08:00", "20:00")), now="2026-12-07T10:00"))

    assert result.review_reason == (
        "booked too soon: its hold (3 days) needs the last dose on Friday 4 December 2026 at 20:00, and a dose after it "
        "is due before now; stopped at its next dose, it allows a start from Friday 11 December 2026 (any time that day); "
        "rule asra-pain-2018:apixaban is not yet confirmed against its source; the dates shown are its proposal"
    )


def test_every_medicine_that_cannot_be_stopped_in_time_is_named():
    """Warfarin and Plavix both booked too late are named together, in input order."""
    plan = medplan.plan(request(med("warfarin", "18:00"), med("Plavix", "08:00")), now="2026-12-03T19:00")

    assert plan.review_reasons[0] == (
        "Booked too soon: told now (Thursday 3 December 2026 at 19:00), warfarin, Plavix cannot be stopped in time; "
        "the earliest start at which every hold can be met is Friday 11 December 2026 (any time that day): "
        "book from then, not Tuesday 8 December 2026 at 09:30"
    )


def test_a_medicine_stopped_just_in_time_is_not_named_as_late():
    """Enoxaparin last taken at 09:30, exactly 24 hours before the 09:30 start, is in time; only warfarin is late."""
    body = request(med("Clexane", "09:30", regimen="therapeutic"), med("warfarin", "18:00"))

    plan = medplan.plan(body, now="2026-12-07T10:00")

    assert [m.action for m in plan.medications] == [Action.HOLD, Action.REVIEW]
    assert iso(plan.booking.medicines[0].earliest_start) == "2026-12-08T09:30:00+08:00"
    assert plan.review_reasons[0].startswith(
        "Booked too soon: told now (Monday 7 December 2026 at 10:00), warfarin cannot be stopped in time;"
    )

# --- booking answers, and a plan's reasons in order -------------------------------------------


def test_notify_by_is_the_earliest_instant_in_the_hour_the_clocks_repeat():
    """London falls back on 25 October: the 01:45 BST injection left out comes before the infusion's 01:30 GMT stop, so it is the notice."""
    body = request(med("heparin", route="iv"), med("Clexane", "01:45", regimen="therapeutic"),
                   at={"start": "2026-10-25T07:30", "timezone": "Europe/London"})

    plan = medplan.plan(body, now="2026-10-20T10:00")

    assert [iso(m.notify_by) for m in plan.booking.medicines] == ["2026-10-25T01:30:00+00:00", "2026-10-25T01:45:00+01:00"]
    assert iso(plan.booking.notify_by) == "2026-10-25T01:45:00+01:00"


def test_the_earliest_start_counts_from_the_last_dose_on_a_usual_weekday():
    """Heparin on Tuesdays and Thursdays, told on Saturday: last taken Thursday 20:00, so 24 hours are already past and nothing limits the start."""
    body = request(med("UFH", "20:00", route="sc", days=["tuesday", "thursday"]), risk="high")

    booking = medplan.plan(body, now="2026-12-05T10:00").booking

    assert [iso(m.earliest_start) for m in booking.medicines] == ["2026-12-05T10:00:00+08:00"]
    assert (iso(booking.earliest_start), booking.limited_by) == ("2026-12-05T10:00:00+08:00", ())


def test_a_brand_booked_too_soon_is_named_with_its_drug_in_the_instruction():
    """Coumadin booked too soon: the patient is told not to change their Coumadin (warfarin) yet."""
    result = only(medplan.plan(request(med("Coumadin", "18:00")), now="2026-12-03T19:00"))

    assert result.instruction == (
        "Do not change how you take your Coumadin (warfarin) until your pharmacist or doctor "
        "tells you what to do before the procedure."
    )


def test_every_reason_a_medicine_needs_review_is_given_in_order():
    """Eliquis with no dose times: its unconfirmed row, then the missing times, in one reason."""
    result = only(medplan.plan(request(med("Eliquis"))))

    assert result.review_reason == (
        "rule asra-pain-2018:apixaban is not yet confirmed against its source; the dates shown are its proposal; "
        "apixaban's usual dose times are needed to date the last dose and the restart"
    )


def test_a_hold_that_cannot_be_dated_shows_no_hold():
    """Warfarin with no dose times is review with no hold shown, since no dose is dated."""
    result = only(medplan.plan(request(med("warfarin"))))

    assert (result.action, result.hold, result.last_dose) == (Action.REVIEW, None, None)


def test_the_procedures_own_question_comes_before_the_medicines():
    """A lumbar puncture (its catalogue tier unconfirmed) with an unknown medicine: the procedure's question is first."""
    body = {"procedure": {"code": "lumbar-puncture", "start": "2026-12-08T09:30", "timezone": "Australia/Perth"},
            "medications": [med("Notarealdrugium", "08:00")]}

    assert medplan.plan(body).review_reasons == (
        "Lumbar puncture: the catalogue's tier for lumbar-puncture is not yet confirmed in its source",
        "Notarealdrugium: 'Notarealdrugium' is not in medplan's table: check the name, or plan this medicine by hand",
    )
