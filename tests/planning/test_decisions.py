"""Decisions: the pharmacist answers a plan's review items, and medplan gives back the final plan.

The seed example's three items (clopidogrel and apixaban on unconfirmed rows,
two oral anticoagulants) answered gives a plan that no longer needs review,
with both medicines held on the proposed dates and the decision cited. Every
refusal names the field in ``decisions``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import datafiles
import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reviewcases import SECONDARY, example, med, request

import medplan
from medplan import Action
from medplan.model import Bridging
from medplan.tables.drug_classes import parse_table

BY = "A. Pharmacist"


def decision(review: str, answer: str, **extra: Any) -> dict[str, Any]:
    return {"review": review, "answer": answer, "by": BY, **extra}


SEED_DECISIONS = [
    decision("Plavix/indication", "hold", reason="no coronary stent or acute coronary syndrome in the record"),
    decision("Plavix/unconfirmed-rule", "hold", reason="as proposed; radiologist agrees"),
    decision("Eliquis/unconfirmed-rule", "hold"),
    decision("plan/two-anticoagulants", "confirmed", reason="both on the list the patient brought"),
    decision("plan/anticoagulant-with-antiplatelet", "confirmed"),
    decision("plan/two-antiplatelets", "confirmed"),
]
SEED_ITEMS = [
    "Plavix/indication", "Plavix/unconfirmed-rule", "Eliquis/unconfirmed-rule", "plan/two-anticoagulants",
    "plan/anticoagulant-with-antiplatelet", "plan/two-antiplatelets",
]


def seed_final(**extra: Any) -> medplan.Plan:
    return medplan.plan({**example(), "decisions": SEED_DECISIONS, **extra})


def by_input(plan: medplan.Plan) -> dict[str, medplan.MedicationPlan]:
    return {m.input: m for m in plan.medications}


# --- the final plan ------------------------------------------------------------------------


def test_the_seed_example_with_its_decisions_is_final():
    """Every item answered: needs_review is false, no reason is left, and every item says who answered it."""
    plan = seed_final()

    assert (plan.needs_review, plan.review_reasons) == (False, ())
    assert [(r.id, r.open, r.decision.by) for r in plan.reviews] == [(i, False, BY) for i in SEED_ITEMS]
    assert [d.review for d in plan.decisions] == [d["review"] for d in SEED_DECISIONS]


def test_held_by_decision_on_the_proposed_dates():
    """Clopidogrel and apixaban are held on exactly the dates the review proposed, with the same omitted doses."""
    proposed = by_input(medplan.plan(example()))
    final = by_input(seed_final())

    for name in ("Plavix", "Eliquis"):
        assert proposed[name].action is Action.REVIEW
        assert final[name].action is Action.HOLD
        assert (final[name].last_dose, final[name].resume, final[name].omitted_doses, final[name].hold) == (
            proposed[name].last_dose, proposed[name].resume, proposed[name].omitted_doses, proposed[name].hold)
    assert final["Plavix"].last_dose.isoformat() == "2026-11-30T08:00:00+08:00"
    assert final["Eliquis"].resume.isoformat() == "2026-12-09T20:00:00+08:00"


def test_a_decided_medicine_cites_the_decision_beside_the_rule_it_replaced():
    """The rule text keeps the table's rule and adds who decided; the note records when and why."""
    plavix = by_input(seed_final(now="2026-11-27T10:00"))["Plavix"]

    assert (plavix.rule_id, plavix.rule) == (
        "asra-pain-2018:clopidogrel",
        (
            "intermediate bleeding risk: hold; last dose 7 days before; resume in the window 12-24 hours after; "
            "decided by A. Pharmacist (pharmacist review): hold"
        ),
    )
    assert plavix.notes[-1] == (
        "Hold, decided by A. Pharmacist (pharmacist review) on Friday 27 November 2026 at 10:00: "
        "no coronary stent or acute coronary syndrome in the record."
    )
    # The first of the decisions about it; the plan's reviews give each.
    assert plavix.decision.to_dict() == {
        "review": "Plavix/indication", "answer": "hold", "by": BY,
        "reason": "no coronary stent or acute coronary syndrome in the record",
        "last_dose": None, "resume": None, "at": "2026-11-27T10:00:00+08:00",
    }
    assert plavix.instruction.startswith("Take your last dose of Plavix (clopidogrel) on Monday 30 November 2026 at 08:00.")


def test_the_final_calendar_carries_every_held_medicine_confirmed():
    """The .ics has the last dose and restart of warfarin, clopidogrel and apixaban, every event CONFIRMED."""
    ics = icalendar.Calendar.from_ical(medplan.render_ics(seed_final()))
    events = list(ics.walk("VEVENT"))
    summaries = {str(e["SUMMARY"]) for e in events}

    for name in ("Warfarin", "Plavix", "Eliquis"):
        assert {f"Last dose of {name}", f"Restart {name}"} <= summaries
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}


def test_the_plan_before_the_decisions_is_tentative_and_lacks_the_reviewed_medicines():
    """Before the decisions: TENTATIVE, and clopidogrel and apixaban have no dated events."""
    ics = icalendar.Calendar.from_ical(medplan.render_ics(medplan.plan(example())))
    events = list(ics.walk("VEVENT"))

    assert {str(e["STATUS"]) for e in events} == {"TENTATIVE"}
    assert not any("Plavix" in str(e["SUMMARY"]) or "Eliquis" in str(e["SUMMARY"]) for e in events)


def test_the_final_plan_updates_the_tentative_events():
    """Without a booking id, decisions do not change the events' UIDs: the final plan replaces the tentative one."""
    def uids(plan: medplan.Plan) -> dict[str, str]:
        calendar = icalendar.Calendar.from_ical(medplan.render_ics(plan))
        return {str(e["X-MEDPLAN-ACTION"]): str(e["UID"]) for e in calendar.walk("VEVENT")}

    tentative, final = uids(medplan.plan(example())), uids(seed_final())

    assert tentative.items() <= final.items()


def test_the_patient_calendar_is_final():
    """The patient's day-by-day calendar drops its NOT FINAL line and lists the clopidogrel restart."""
    text = medplan.render_calendar(seed_final())

    assert "NOT FINAL" not in text
    assert "Restart Plavix at the usual dose." in text


def test_the_text_says_final_and_who_decided():
    """The pharmacist's text: final, each item answered, the decision beside the medicine."""
    text = medplan.render_text(seed_final(now="2026-11-27T10:00"))

    assert "Final plan: every review item is answered by a pharmacist's decision." in text
    assert "  [answered] Plavix/unconfirmed-rule" in text
    assert (
        "   Decision: hold, decided by A. Pharmacist (pharmacist review), recorded Friday 27 November 2026 "
        "at 10:00: no coronary stent or acute coronary syndrome in the record"
    ) in text


def test_continue_keeps_the_medicine_going():
    """Clopidogrel continued by decision: no dates, the continue instruction, the decision in the rule."""
    plan = medplan.plan(request(med("Plavix", "08:00", **SECONDARY), decisions=[decision("Plavix/unconfirmed-rule", "continue")]))
    (plavix,) = plan.medications

    assert (plavix.action, plavix.last_dose, plavix.resume, plavix.omitted_doses, plavix.hold) == (
        Action.CONTINUE, None, None, (), None)
    assert plavix.instruction == "Keep taking your Plavix (clopidogrel) as usual, including on the day of the procedure."
    assert plavix.rule.endswith("; decided by A. Pharmacist (pharmacist review): continue")
    assert not plan.needs_review
    assert not [e for e in plan.timeline if e.medicine == "Plavix"]


def test_an_unknown_medicine_held_on_the_pharmacists_dates():
    """A name the table does not know, held from 08:00 on 3 December to 08:00 on 10 December: six doses omitted."""
    body = request(med("Zorblex", "08:00"), decisions=[
        decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00", resume="2026-12-10T08:00",
                 reason="prescriber's advice")])

    plan = medplan.plan(body)
    (zorblex,) = plan.medications

    assert zorblex.action is Action.HOLD
    assert (zorblex.last_dose.isoformat(), zorblex.resume.isoformat()) == (
        "2026-12-03T08:00:00+08:00", "2026-12-10T08:00:00+08:00")
    assert [d.day for d in zorblex.omitted_doses] == [4, 5, 6, 7, 8, 9]
    assert (zorblex.rule, zorblex.hold) == ("decided by A. Pharmacist (pharmacist review): hold", None)
    assert zorblex.instruction == (
        "Take your last dose of Zorblex on Thursday 3 December 2026 at 08:00. Do not take it again until "
        "Thursday 10 December 2026 at 08:00, then carry on as usual."
    )
    assert "The last dose and restart are the decision's, not the table's." in zorblex.notes
    assert [(e.kind, e.medicine) for e in plan.timeline if e.medicine == "Zorblex"] == [
        ("last-dose", "Zorblex"), ("restart", "Zorblex")]
    assert not plan.needs_review


def test_own_dates_replace_the_proposal_and_say_what_was_proposed():
    """Clopidogrel held 10 days by the pharmacist: the plan uses those dates and names the table's."""
    body = request(med("Plavix", "08:00", **SECONDARY), decisions=[
        decision("Plavix/unconfirmed-rule", "hold", last_dose="2026-11-27T08:00", resume="2026-12-09T08:00",
                 reason="the radiologist asks for 10 days")])

    (plavix,) = medplan.plan(body).medications

    assert (plavix.last_dose.isoformat(), plavix.hold) == ("2026-11-27T08:00:00+08:00", None)
    assert len(plavix.omitted_doses) == 11
    assert ("The last dose and restart are the decision's, not the table's (the table proposed Monday 30 November "
            "2026 at 08:00 and Wednesday 9 December 2026 at 08:00).") in plavix.notes


def test_warfarin_held_on_own_dates_keeps_its_inr_check_and_pathway():
    """Warfarin before a low-risk procedure (the table leaves it to review), held by decision: the INR check stands."""
    body = request(med("warfarin", "18:00"), risk="low", decisions=[
        decision("warfarin/table-review", "hold", last_dose="2026-12-03T18:00", resume="2026-12-09T18:00")])

    plan = medplan.plan(body)
    (warfarin,) = plan.medications

    assert [(c.test, c.on.isoformat()) for c in warfarin.checks] == [("INR", "2026-12-07")]
    assert "Have an INR blood test on Monday 7 December 2026" in warfarin.instruction
    assert plan.anticoagulation.medicine == "warfarin"
    assert [r.id for r in plan.reviews] == ["warfarin/table-review", "warfarin/anticoagulation-reason"]


def test_own_dates_off_the_usual_dose_time_are_noted():
    """A last dose at 10:00 for a medicine taken at 08:00 is kept, and the plan says it is not a usual time."""
    body = request(med("Zorblex", "08:00"), decisions=[
        decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T10:00", resume="2026-12-10T08:00")])

    (zorblex,) = medplan.plan(body).medications

    assert "Not at a usual dose time (08:00): last dose Thursday 3 December 2026 at 10:00." in zorblex.notes


def test_own_dates_without_usual_times_omit_no_dose():
    """A name the table does not know and no dose times: held on the pharmacist's dates, no doses counted."""
    body = request(med("Zorblex"), decisions=[
        decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00", resume="2026-12-10T08:00")])

    (zorblex,) = medplan.plan(body).medications

    assert (zorblex.action, zorblex.omitted_doses) == (Action.HOLD, ())
    assert not any(n.startswith("Not at a usual dose time") for n in zorblex.notes)


@attrs.frozen(kw_only=True)
class DecidedAdviceCase:
    """One case of test_a_decided_medicine_keeps_its_rows_advice: answer, starts."""

    answer: str
    starts: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            DecidedAdviceCase(answer="hold", starts="Take your last dose of empagliflozin on Friday 4 December 2026 at 08:00."),
            id="hold-Take your last dose of empagliflozin on Friday 4 December 2026 at 08:00.",
        ),
        pytest.param(
            DecidedAdviceCase(answer="continue", starts="Keep taking your empagliflozin as usual, including on the day of the procedure."),
            id="continue-Keep taking your empagliflozin as usual, including on the day of the procedure.",
        ),
    ],
)
def test_a_decided_medicine_keeps_its_rows_advice(case):
    """An SGLT2 inhibitor on a clinic table that marks its row unconfirmed: decided either way, the row's advice stays."""
    table = parse_table(datafiles.with_cells("drug_classes.csv", "fda-2020:sglt2-inhibitor", evidence="U"), "drug_classes.csv")
    body = request(med("empagliflozin", "08:00"), risk="low", decisions=[decision("empagliflozin/unconfirmed-rule", case.answer)])
    body["procedure"]["fasting"] = True

    (sglt2,) = medplan.plan(body, table=table).medications

    assert sglt2.instruction.startswith(case.starts)
    assert sglt2.instruction.endswith("Restart only when you are eating and drinking normally again.")


def test_the_text_shows_a_decisions_own_dates():
    """A hold on the pharmacist's own dates: the text's Decision line gives them."""
    body = request(
        med("Zorblex", "08:00"), decisions=[decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00", resume="2026-12-10T08:00")]
    )

    text = medplan.render_text(medplan.plan(body))

    assert (
        "   Decision: hold, decided by A. Pharmacist (pharmacist review), last dose Thursday 3 December 2026 "
        "at 08:00, resume Thursday 10 December 2026 at 08:00\n"
    ) in text


def test_an_unknown_id_lists_the_first_twelve_items():
    """Thirteen unknown names: the refusal lists twelve ids and says how many more."""
    body = request(*(med(f"Zorblex{n}", "08:00") for n in range(13)), decisions=[decision("nope", "hold")])

    with pytest.raises(medplan.InputError) as refused:
        medplan.plan(body)

    assert str(refused.value).endswith("Zorblex10/not-in-table, Zorblex11/not-in-table and 1 more)")


def test_a_medicine_partly_answered_stays_in_review_for_the_rest():
    """Clopidogrel without dose times: its unconfirmed row decided, its times still needed, so it stays review."""
    body = request(med("clopidogrel", **SECONDARY), decisions=[decision("clopidogrel/unconfirmed-rule", "continue")])

    plan = medplan.plan(body)
    (clopidogrel,) = plan.medications

    assert clopidogrel.action is Action.REVIEW
    assert clopidogrel.review_reason == "clopidogrel's usual dose times are needed to date the last dose and the restart"
    assert plan.review_reasons == (f"clopidogrel: {clopidogrel.review_reason}",)
    assert [r.open for r in plan.reviews] == [False, True]
    assert clopidogrel.decision.answer is medplan.Answer.CONTINUE


def test_two_items_about_one_medicine_answered_alike():
    """Apixaban at low risk (a table review on an unconfirmed row): both items continued, one continued medicine."""
    body = request(
        med("apixaban", "08:00", "20:00"),
        risk="low",
        decisions=[decision("apixaban/table-review", "continue"), decision("apixaban/unconfirmed-rule", "continue")],
    )

    plan = medplan.plan(body)

    assert (plan.medications[0].action, plan.needs_review) == (Action.CONTINUE, False)


def test_a_decision_confirming_a_plan_question_changes_no_medicine():
    """Warfarin and apixaban both listed, confirmed: each keeps the plan it had."""
    body = request(med("warfarin", "18:00"), med("apixaban", "08:00", "20:00"))
    before = medplan.plan(body)
    after = medplan.plan({**body, "decisions": [decision("plan/two-anticoagulants", "confirmed")]})

    assert [m.action for m in after.medications] == [m.action for m in before.medications]
    assert [(r.id, r.open) for r in after.reviews] == [
        ("apixaban/unconfirmed-rule", True),
        ("plan/two-anticoagulants", False),
        ("warfarin/anticoagulation-reason", True),
    ]


def test_a_booking_too_soon_reopens_a_decided_hold():
    """Clopidogrel held by decision, but booked so late its hold cannot be met: review again, for the booking."""
    body = request(med("Plavix", "08:00", **SECONDARY), now="2026-12-05T10:00", decisions=[decision("Plavix/unconfirmed-rule", "hold")])

    plan = medplan.plan(body)

    assert plan.medications[0].action is Action.REVIEW
    assert [(r.id, r.open) for r in plan.reviews] == [
        ("plan/booked-too-soon", True),
        ("Plavix/booked-too-soon", True),
        ("Plavix/unconfirmed-rule", False),
    ]


# --- bridging ------------------------------------------------------------------------------

HIGH = {"code": "spinal-cord-stimulator", "name": "Spinal cord stimulator implant", "start": "2027-01-12T09:00", "timezone": "Europe/London"}


def warfarin_af(cha2ds2_vasc: int, **patient: Any) -> dict[str, Any]:
    reason = {"reason": "atrial-fibrillation", "cha2ds2_vasc": cha2ds2_vasc, "stroke_or_tia": "none", "rheumatic_valve_disease": False}
    return {
        "procedure": HIGH,
        "patient": {"weight_kg": 82, "crcl_ml_min": 65, "anticoagulation": [reason], **patient},
        "medications": [med("warfarin", "18:00")],
        "policy": {"lab_country": "GB", "lab_subdivision": "ENG"},
    }


@attrs.frozen(kw_only=True)
class BridgingDecisionCase:
    """One case of test_bridging_left_to_the_prescriber_is_decided: answer, bridging, injections."""

    answer: str
    bridging: object
    injections: bool


@pytest.mark.parametrize(
    "case",
    [
        BridgingDecisionCase(answer="bridge", bridging=Bridging.BRIDGE, injections=True),
        BridgingDecisionCase(answer="no-bridge", bridging=Bridging.NO_BRIDGE, injections=False),
    ],
    ids=["bridge", "no-bridge"],
)
def test_bridging_left_to_the_prescriber_is_decided(case):
    """CHA2DS2-VASc 7: the sources leave bridging open; the decision sets it, and a bridge is dosed and dated."""
    open_plan = medplan.plan(warfarin_af(7))
    assert [r.id for r in open_plan.reviews] == ["warfarin/bridging"]

    plan = medplan.plan({**warfarin_af(7), "decisions": [decision("warfarin/bridging", case.answer)]})

    assert plan.anticoagulation.bridging is case.bridging
    assert plan.anticoagulation.review_reason is None
    assert plan.anticoagulation.decision.endswith(": decided by A. Pharmacist (pharmacist review).")
    assert any(e.kind == "injection" for e in plan.timeline) is case.injections
    assert not plan.needs_review


def test_a_bridging_dose_arranged_by_hand_is_confirmed():
    """Enoxaparin for 200 kg is beyond the largest dose: confirmed as arranged with the prescriber."""
    body = warfarin_af(7, weight_kg=200)
    body["decisions"] = [decision("warfarin/bridging", "bridge"), decision("warfarin/bridging-dose", "confirmed")]

    plan = medplan.plan(body)

    assert (plan.anticoagulation.bridging, plan.anticoagulation.dose, plan.needs_review) == (Bridging.BRIDGE, None, False)


# --- refusals ------------------------------------------------------------------------------


@attrs.frozen
class Refusal:
    """A request whose decisions medplan must refuse, and the exact error."""

    name: str
    body: dict[str, Any]
    error: str


PLAVIX = request(med("Plavix", "08:00", **SECONDARY))
ZORBLEX = request(med("Zorblex", "08:00"))

REFUSALS = [
    Refusal(
        "unknown review id",
        {**PLAVIX, "decisions": [decision("Plavix/unconfirmed", "hold")]},
        "decisions[0].review: must be the id of one of the plan's review items (got 'Plavix/unconfirmed'; its items: Plavix/unconfirmed-rule)",
    ),
    Refusal(
        "a plan with no items",
        {**request(), "decisions": [decision("plan/x", "confirmed")]},
        "decisions[0].review: must be the id of one of the plan's review items (got 'plan/x'; its items: none: the plan needs no review)",
    ),
    Refusal(
        "an answer the item does not accept",
        {**PLAVIX, "decisions": [decision("Plavix/unconfirmed-rule", "confirmed")]},
        "decisions[0].answer: must be one of hold, continue for 'Plavix/unconfirmed-rule' (got 'confirmed')",
    ),
    Refusal(
        "an answer medplan does not know",
        {**PLAVIX, "decisions": [decision("Plavix/unconfirmed-rule", "stop")]},
        "decisions[0].answer: must be one of hold, continue, confirmed, bridge, no-bridge (got 'stop')",
    ),
    Refusal(
        "an item answered by data",
        {**request(med("warfarin")), "decisions": [decision("warfarin/times-needed", "confirmed")]},
        "decisions[0].review: must name an item a decision answers ('warfarin/times-needed' is answered by giving medications[0].times)",
    ),
    Refusal(
        "a hold with no dates where none is proposed",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold")]},
        "decisions[0].last_dose: is required for 'Zorblex/not-in-table': the plan proposes no dates, so a hold gives last_dose and resume",
    ),
    Refusal(
        "last dose not before the procedure",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2026-12-08T09:30", resume="2026-12-10T08:00")]},
        "decisions[0].last_dose: must be before the procedure's start 2026-12-08T09:30 (got '2026-12-08T09:30')",
    ),
    Refusal(
        "resume not after the procedure",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00", resume="2026-12-08T09:30")]},
        "decisions[0].resume: must be after the procedure, which ends 2026-12-08T09:30 (got '2026-12-08T09:30')",
    ),
    Refusal(
        "resume before the procedure's end",
        {
            **ZORBLEX,
            "procedure": {**ZORBLEX["procedure"], "end": "2026-12-08T11:00"},
            "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00", resume="2026-12-08T10:00")],
        },
        "decisions[0].resume: must be after the procedure, which ends 2026-12-08T11:00 (got '2026-12-08T10:00')",
    ),
    Refusal(
        "last dose months before",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2025-12-03T08:00", resume="2026-12-10T08:00")]},
        "decisions[0].last_dose: must be within 60 days before the procedure's start 2026-12-08T09:30 (got '2025-12-03T08:00')",
    ),
    Refusal(
        "resume months after",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00", resume="2027-12-10T08:00")]},
        "decisions[0].resume: must be within 60 days after the procedure 2026-12-08T09:30 (got '2027-12-10T08:00')",
    ),
    Refusal(
        "a last dose without a resume",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00")]},
        "decisions[0].resume: is required",
    ),
    Refusal(
        "dates with continue",
        {**PLAVIX, "decisions": [decision("Plavix/unconfirmed-rule", "continue", resume="2026-12-10T08:00")]},
        "decisions[0].resume: is given only with answer hold (got answer 'continue')",
    ),
    Refusal(
        "a last dose with an offset",
        {**ZORBLEX, "decisions": [decision("Zorblex/not-in-table", "hold", last_dose="2026-12-03T08:00+08:00", resume="2026-12-10T08:00")]},
        "decisions[0].last_dose: must be local time YYYY-MM-DDTHH:MM without a UTC offset (got '2026-12-03T08:00+08:00')",
    ),
    Refusal("missing by", {**PLAVIX, "decisions": [{"review": "Plavix/unconfirmed-rule", "answer": "hold"}]}, "decisions[0].by: is required"),
    Refusal("empty by", {**PLAVIX, "decisions": [{**decision("Plavix/unconfirmed-rule", "hold"), "by": "  "}]}, "decisions[0].by: must not be empty"),
    Refusal("missing review", {**PLAVIX, "decisions": [{"answer": "hold", "by": BY}]}, "decisions[0].review: is required"),
    Refusal(
        "an unknown field",
        {**PLAVIX, "decisions": [{**decision("Plavix/unconfirmed-rule", "hold"), "when": "now"}]},
        "decisions[0].when: is not a field medplan knows (expected one of review, answer, by, reason, last_dose, resume)",
    ),
    Refusal("not a list", {**PLAVIX, "decisions": {"Plavix/unconfirmed-rule": "hold"}}, "decisions: must be a list of decisions (got an object)"),
    Refusal("not an object", {**PLAVIX, "decisions": ["hold"]}, "decisions[0]: must be an object (got text)"),
    Refusal(
        "too many", {**PLAVIX, "decisions": [decision(f"x/{i}", "hold") for i in range(201)]}, "decisions: must list at most 200 decisions (got 201)"
    ),
    Refusal(
        "the same item twice",
        {**PLAVIX, "decisions": [decision("Plavix/unconfirmed-rule", "hold"), decision("Plavix/unconfirmed-rule", "continue")]},
        "decisions[1].review: must not answer 'Plavix/unconfirmed-rule' again (decisions[0] answers it)",
    ),
    Refusal(
        "two items of one medicine answered differently",
        {
            **request(med("apixaban", "08:00", "20:00"), risk="low"),
            "decisions": [
                decision("apixaban/table-review", "continue"),
                decision("apixaban/unconfirmed-rule", "hold", last_dose="2026-12-05T20:00", resume="2026-12-09T08:00"),
            ],
        },
        "decisions[1].answer: must agree with decisions[0], which also decides 'apixaban' (got 'hold')",
    ),
    Refusal(
        "two holds of one medicine on other dates",
        {
            **request(med("apixaban", "08:00", "20:00"), risk="low"),
            "decisions": [
                decision("apixaban/table-review", "hold", last_dose="2026-12-05T20:00", resume="2026-12-09T08:00"),
                decision("apixaban/unconfirmed-rule", "hold", last_dose="2026-12-04T20:00", resume="2026-12-09T08:00"),
            ],
        },
        "decisions[1].answer: must agree with decisions[0], which also decides 'apixaban' (got 'hold' with other dates)",
    ),
    Refusal(
        "a bridging decision for a data item",
        {**warfarin_af(3), "patient": {"weight_kg": 82, "crcl_ml_min": 65}, "decisions": [decision("warfarin/anticoagulation-reason", "no-bridge")]},
        "decisions[0].review: must name an item a decision answers ('warfarin/anticoagulation-reason' is answered by giving patient.anticoagulation)",
    ),
]


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c.name)
def test_a_decision_the_plan_cannot_take_is_refused_naming_the_field(case: Refusal):
    """Refused with an InputError naming the decision's field, never ignored."""
    with pytest.raises(medplan.InputError) as refused:
        medplan.plan(case.body)

    assert str(refused.value) == case.error


# --- dates through the same arithmetic --------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


@given(before=st.integers(min_value=1, max_value=24 * 20), after=st.integers(min_value=1, max_value=24 * 20))
def test_own_dates_over_a_clock_change_are_kept_and_count_the_doses_between(before, after):
    """Around the March clock change in London: the decided dates stand, and each omitted dose lies strictly between."""
    start = datetime(2026, 3, 30, 9, 0, tzinfo=LONDON)
    # Whole hours counted as instants, shown on London's wall clock: none falls in the skipped hour.
    last = (start.astimezone(UTC) - timedelta(hours=before)).astimezone(LONDON)
    resume = (start.astimezone(UTC) + timedelta(hours=after)).astimezone(LONDON)
    body = {
        "procedure": {"name": "p", "bleeding_risk": "low", "start": "2026-03-30T09:00", "timezone": "Europe/London"},
        "medications": [med("Zorblex", "08:00", "20:00")],
        "decisions": [decision("Zorblex/not-in-table", "hold", last_dose=f"{last:%Y-%m-%dT%H:%M}", resume=f"{resume:%Y-%m-%dT%H:%M}")],
    }

    (zorblex,) = medplan.plan(body).medications

    assert (zorblex.last_dose.timestamp(), zorblex.resume.timestamp()) == (last.timestamp(), resume.timestamp())
    assert all(last.timestamp() < d.timestamp() < resume.timestamp() for d in zorblex.omitted_doses)
    assert all(d.utcoffset() == d.astimezone(LONDON).utcoffset() for d in zorblex.omitted_doses)
