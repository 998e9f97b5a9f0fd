"""The exact words the planner gives a pharmacist where only their wording could go wrong."""

from __future__ import annotations

from reviewcases import example, example_decisions

import medplan


def test_an_unconfirmed_catalogue_tier_is_asked_as_one_sentence():
    """A catalogue procedure whose tier is unconfirmed asks to confirm it, the reason a capitalised sentence of its own."""
    request = example()
    booked = request["procedure"]
    request["procedure"] = {"code": "intradiscal-procedure", "start": booked["start"], "timezone": booked["timezone"]}

    plan = medplan.plan(request)

    [item] = [item for item in plan.reviews if item.id == "plan/bleeding-risk"]
    assert item.question == (
        "Is intermediate the right bleeding risk for Intradiscal procedure (cervical, thoracic, lumbar)? "
        "The catalogue's tier for intradiscal-procedure is not yet confirmed in its source. "
        "Confirm it, or give procedure.bleeding_risk."
    )


def test_a_decision_without_a_reason_is_noted_without_one():
    """A hold decided with no reason given ends its note at the decision and its time, adding nothing."""
    request = example()
    decisions = example_decisions()
    for decision in decisions:
        if decision["review"] == "Eliquis/unconfirmed-rule":
            del decision["reason"]
    request["decisions"] = decisions

    plan = medplan.plan(request)

    [apixaban] = [medicine for medicine in plan.medications if medicine.drug == "apixaban"]
    assert apixaban.notes[-1] == (
        "Hold, decided by A. Pharmacist (pharmacist review) on Tuesday 24 November 2026 at 10:00."
    )


def test_a_continue_decision_is_the_medicine_continued_citing_who_decided():
    """Continuing a held medicine on review: no open reason, no checks, the decision kept, and the decider's name whole, colon and all."""
    request = example()
    decisions = example_decisions()
    for decision in decisions:
        if decision["review"].startswith("Plavix/"):
            decision["answer"] = "continue"
            decision["by"] = "Dr: Smith"
    request["decisions"] = decisions

    plan = medplan.plan(request)

    [clopidogrel] = [medicine for medicine in plan.medications if medicine.drug == "clopidogrel"]
    assert clopidogrel.action is medplan.Action.CONTINUE
    assert clopidogrel.review_reason is None
    assert clopidogrel.checks == ()
    assert clopidogrel.decision.review == "Plavix/indication"
    assert clopidogrel.decision.answer is medplan.Answer.CONTINUE
    assert clopidogrel.rule.endswith("; decided by Dr: Smith (pharmacist review): continue")
    assert clopidogrel.notes[-1] == (
        "Continue, decided by Dr: Smith (pharmacist review) on Tuesday 24 November 2026 at 10:00: "
        "the record shows no coronary stent or acute coronary syndrome: clopidogrel is for secondary prevention."
    )
    assert clopidogrel.instruction == "Keep taking your Plavix (clopidogrel) as usual, including on the day of the procedure."


def test_a_hold_on_the_pharmacists_dates_omits_only_the_medicines_own_days():
    """A hold on dates the pharmacist gave counts as omitted only the doses on the days the medicine is taken."""
    request = example()
    for medicine in request["medications"]:
        if medicine["name"] == "Eliquis":
            medicine["times"] = ["08:00"]
            medicine["days"] = ["monday", "wednesday", "friday"]
    decisions = example_decisions()
    for decision in decisions:
        if decision["review"] == "Eliquis/unconfirmed-rule":
            decision["last_dose"] = "2026-11-30T08:00"
            decision["resume"] = "2026-12-09T08:00"
    request["decisions"] = decisions

    plan = medplan.plan(request)

    [apixaban] = [medicine for medicine in plan.medications if medicine.drug == "apixaban"]
    assert apixaban.last_dose.isoformat() == "2026-11-30T08:00:00+08:00"
    assert apixaban.resume.isoformat() == "2026-12-09T08:00:00+08:00"
    assert [dose.isoformat() for dose in apixaban.omitted_doses] == [
        "2026-12-02T08:00:00+08:00",  # Wednesday
        "2026-12-04T08:00:00+08:00",  # Friday
        "2026-12-07T08:00:00+08:00",  # Monday
    ]


def test_a_list_booked_too_soon_is_answered_by_a_new_start():
    """A booking too close for the holds asks for a later start, answered by procedure.start alone."""
    request = example()
    request["now"] = "2026-12-06T10:00"

    plan = medplan.plan(request)

    [item] = [item for item in plan.reviews if item.id == "plan/booked-too-soon"]
    assert item.to_dict()["answer_with"] == {"decision": [], "hold_dates": None, "data": ["procedure.start"]}
    assert item.question == (
        "Can the procedure be booked from Monday 14 December 2026 (any time that day) instead of "
        "Tuesday 8 December 2026 at 09:30? As booked, Warfarin, Plavix, Eliquis cannot be stopped in time."
    )


def test_a_name_not_in_the_table_without_suggestions_is_planned_by_hand():
    """A name with nothing like it in the table asks to hold it, with dates, or continue it, naming it as given."""
    request = example()
    request["medications"] = [{"name": "Zzyzx", "times": ["08:00"]}]

    plan = medplan.plan(request)

    [item] = [item for item in plan.reviews if item.id == "Zzyzx/not-in-table"]
    assert item.question == (
        "Hold Zzyzx (giving its last dose and restart), or continue it? medplan cannot plan it: "
        "'Zzyzx' is not in medplan's table: check the name, or plan this medicine by hand."
    )


def test_a_hold_on_the_pharmacists_dates_off_the_usual_times_says_so():
    """The pharmacist's own dates away from the usual times: the instruction gives them, and the notes say whose they are and that they are off the usual times."""
    request = example()
    decisions = example_decisions()
    for decision in decisions:
        if decision["review"] == "Eliquis/unconfirmed-rule":
            decision["last_dose"] = "2026-12-04T09:00"
            decision["resume"] = "2026-12-09T10:00"
    request["decisions"] = decisions

    plan = medplan.plan(request)

    [apixaban] = [medicine for medicine in plan.medications if medicine.drug == "apixaban"]
    assert apixaban.review_reason is None
    assert apixaban.instruction == (
        "Take your last dose of Eliquis (apixaban) on Friday 4 December 2026 at 09:00. Do not take it "
        "again until Wednesday 9 December 2026 at 10:00, then carry on as usual. Confirm the restart "
        "with the doctor doing the procedure before you leave."
    )
    whose = (
        "The last dose and restart are the decision's, not the table's (the table proposed Friday "
        "4 December 2026 at 20:00 and Wednesday 9 December 2026 at 20:00)."
    )
    off_time = (
        "Not at a usual dose time (08:00, 20:00): last dose Friday 4 December 2026 at 09:00; "
        "restart Wednesday 9 December 2026 at 10:00."
    )
    assert apixaban.notes[-2:] == (whose, off_time)
