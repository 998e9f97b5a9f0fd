"""The patient's instructions and the plan's JSON."""

from __future__ import annotations

from plannercases import (
    med,
    only,
    request,
)

import medplan

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
    """Aspirin continued: the patient is told to keep taking it on the day too, and the plan says why.

    The rule in words is the table's (a shared assessment: review), then what the clinic policy made of it.
    """
    result = only(medplan.plan(request(med("aspirin", "08:00", indication="secondary-prevention"))))

    assert result.instruction == "Keep taking your aspirin as usual, including on the day of the procedure."
    assert result.rule == "intermediate bleeding risk: review; clinic policy 'seed-khangure-2017': continue"
    assert any(note.startswith("Continued before an intermediate-risk procedure by clinic policy 'seed-khangure-2017'")
               for note in result.notes)
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
        "needs_review", "review_reasons", "reviews", "decisions", "contraindicated", "screening", "medications",
        "care", "anticoagulation", "timeline", "schema_version", "booking_id", "booking", "request", "data_versions",
    }
    assert set(data["procedure"]) == {
        "code", "name", "start", "end", "timezone", "bleeding_risk", "fasting", "sedation", "contrast", "notes",
    }
    assert set(data["medications"][0]) == {
        "input", "match", "drug", "drug_class", "dose", "action", "hold", "last_dose", "omitted_doses", "checks",
        "resume", "instruction", "review_reason", "rule_id", "rule", "source", "notes", "divergences", "decision",
    }
    assert set(data["medications"][0]["match"]) == {
        "how", "name", "kind", "normalised", "removed", "strength", "suggestions",
    }
    assert data["medications"][0]["checks"] == [
        {"test": "INR", "max": 1.5, "date": "2026-12-07", "day": -1, "before": "procedure"}
    ]
    assert data["procedure"]["start"] == "2026-12-08T09:30:00+08:00"


def test_the_same_request_gives_byte_identical_json():
    """Planning is deterministic: same request, same table, same bytes."""
    body = request(med("warfarin", "18:00"), med("Plavix", "08:00"), med("Eliquis", "08:00", "20:00"))

    assert medplan.render_json(medplan.plan(body)) == medplan.render_json(medplan.plan(body))
