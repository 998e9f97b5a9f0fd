"""The patient's calendar (medplan.render_calendar): what to take, skip and do, day by day, in plain words."""

from __future__ import annotations

import json
from importlib import resources

import attrs

import medplan
from medplan.render.calendar import NOT_FINAL, join_names

EXAMPLES = resources.files("medplan") / "examples"


def example(name: str, **fields: object) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")) | fields


def days(text: str) -> dict[str, list[str]]:
    """The calendar's days: each day's heading and the lines under it."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("  - ") and current is not None:
            found[current].append(line[4:])
        elif line and line[0] != " " and line.split(" ")[0] in {
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        }:
            current = line
            found[current] = []
        elif not line.startswith("  - "):
            current = None
    return found


def seed_calendar() -> str:
    return medplan.render_calendar(medplan.plan(example("nerve-root-sleeve-injection")))


def test_seed_calendar_heading_says_not_final_who_will_call_and_what_to_keep_taking():
    """The seed example's calendar opens with the procedure, its time zone, the review header, the pharmacist's call about Plavix and Eliquis, and aspirin kept as usual."""
    lines = seed_calendar().splitlines()

    assert lines[:11] == [
        "Your medicines around your procedure",
        "Procedure: Image-guided lumbar nerve root sleeve injection (left L5, transforaminal)",
        "When: Tuesday 8 December 2026 at 09:30",
        "All times are Australia/Perth time.",
        "",
        "NOT FINAL: this plan is not final until a pharmacist has checked it.",
        "",
        "IMPORTANT: your pharmacist will call you about Plavix and Eliquis. Do not change how you take them until you have spoken to your pharmacist.",
        "",
        "Keep taking as usual: Aspirin.",
        "",
    ]


def test_seed_calendar_runs_every_day_from_the_baseline_inr_to_the_end_of_the_aftercare():
    """The seed calendar lists every day, in order, from the day -7 baseline INR (Tuesday 1 December) to the last day of tapering pain relief (Sunday 13 December)."""
    headings = list(days(seed_calendar()))

    assert headings[0] == "Tuesday 1 December 2026 (7 days before your procedure)"
    assert headings[6] == "Monday 7 December 2026 (1 day before your procedure)"
    assert headings[7] == "Tuesday 8 December 2026 (the day of your procedure)"
    assert headings[8] == "Wednesday 9 December 2026 (1 day after your procedure)"
    assert headings[-1] == "Sunday 13 December 2026 (5 days after your procedure)"
    assert len(headings) == 13


def test_seed_calendar_hand_checked_days():
    """Hand-checked days of the seed plan: warfarin's last dose on day -6 at 18:00, five days without it, the INR test on day -1, the procedure day with its aftercare, and the restart on day +1."""
    # Warfarin held 5 days (ASRA): no dose Thursday 3 to Monday 7 December, nor on the
    # evening of the procedure, since the seed policy restarts anticoagulants the day after.
    found = days(seed_calendar())

    assert found["Tuesday 1 December 2026 (7 days before your procedure)"] == [
        "Baseline INR blood test, to confirm the usual INR before warfarin is stopped.",
    ]
    assert found["Wednesday 2 December 2026 (6 days before your procedure)"] == [
        "18:00 Last dose of Warfarin before the procedure.",
    ]
    assert found["Thursday 3 December 2026 (5 days before your procedure)"] == [
        "Do not take your Warfarin (18:00).",
    ]
    assert found["Monday 7 December 2026 (1 day before your procedure)"] == [
        "INR blood test: the procedure goes ahead only if your INR is 1.5 or less. If it is higher, your team will tell you what happens next (a recheck, vitamin K by mouth or a new date).",
        "Do not take your Warfarin (18:00).",
    ]
    assert found["Tuesday 8 December 2026 (the day of your procedure)"] == [
        "09:30 Your procedure: Image-guided lumbar nerve root sleeve injection (left L5, transforaminal).",
        "Do not take your Warfarin (18:00).",
        "Check your blood glucose more often than usual from the evening of the procedure: the steroid in the injection can raise it for about 2 days, and for up to a week after a higher dose or if your HbA1c is 7% or more. Do not stop your diabetes medicines because of the injection; ask your doctor about extra insulin if your glucose runs high.",
        "Do not drive today: arrange for someone to drive you to and from the practice.",
        "Avoid strenuous activity for a couple of days.",
        "Keep taking your usual pain relief, especially in the first 24 hours: the injection may make the pain worse at first.",
    ]
    assert found["Wednesday 9 December 2026 (1 day after your procedure)"][0] == "18:00 Restart Warfarin at the usual dose."
    assert found["Wednesday 9 December 2026 (1 day after your procedure)"][-1] == (
        "Your blood thinner restarts the day after the procedure (see your medicines): check this with the radiologist before you leave."
    )
    assert found["Sunday 13 December 2026 (5 days after your procedure)"] == [
        "Then reduce your pain relief gradually, to none by day 4 to 5 after the injection, so that its effect can be judged.",
    ]


def test_medicines_in_review_get_no_dated_step():
    """Plavix and Eliquis, in review, are neither skipped nor restarted on any day: the patient is told not to change them until the pharmacist calls."""
    text = seed_calendar()

    for name in ("Plavix", "Eliquis"):
        assert f"Do not take your {name}" not in text
        assert f"Restart {name}" not in text
        assert f"Last dose of {name}" not in text


def test_seed_calendar_ends_with_each_held_medicines_instruction():
    """The calendar closes with each held medicine's whole instruction, so advice the days leave out (confirm the restart) is still given."""
    lines = seed_calendar().splitlines()

    assert lines[-2:] == [
        "Each medicine you stop for a while:",
        "  - Warfarin: Take your last dose of Warfarin on Wednesday 2 December 2026 at 18:00. Do not take it again until Wednesday 9 December 2026 at 18:00, then carry on as usual. Have an INR blood test on Monday 7 December 2026: the procedure goes ahead only if it is 1.5 or less. Confirm the restart with the doctor doing the procedure before you leave.",
    ]


def test_bridging_days_list_injections_and_skipped_doses_in_time_order():
    """In the mitral-valve example, a day lists its injections, the doses to skip (every time of the day on one line) and its last doses in time order."""
    found = days(medplan.render_calendar(medplan.plan(example("warfarin-bridging-mitral-valve"))))

    assert found["Sunday 27 December 2026 (2 days before your procedure)"] == [
        "08:00 Inject enoxaparin 80 mg under the skin.",
        "Do not take your Warfarin (18:00).",
        "20:00 Inject enoxaparin 80 mg under the skin.",
        "20:00 Last dose of Ibuprofen before the procedure.",
    ]
    assert found["Monday 28 December 2026 (1 day before your procedure)"] == [
        "08:00 Inject enoxaparin 80 mg under the skin. This is the last injection before the procedure; leave out any later injection that day.",
        "Do not take your Ibuprofen (08:00, 20:00).",
        "Do not take your Warfarin (18:00).",
    ]
    assert found["Tuesday 29 December 2026 (the day of your procedure)"] == [
        "Do not take your Ibuprofen (08:00, 20:00).",
        "09:00 Your procedure: Spinal cord stimulator trial.",
        "Do not take your Warfarin (18:00).",
    ]


def test_a_day_with_nothing_to_do_says_so():
    """A day inside the calendar with no step (31 December, between the restarts and the first once-daily injection at 08:00 on 1 January, 71 hours after) says there is nothing to change."""
    body = example("warfarin-bridging-mitral-valve")
    body["policy"].update(bridging_regimen="once-daily", bridging_times=["08:00"])
    found = days(medplan.render_calendar(medplan.plan(body)))

    assert found["Thursday 31 December 2026 (2 days after your procedure)"] == ["Nothing to change today."]
    assert list(found)[-1] == "Tuesday 5 January 2027 (7 days after your procedure)"


def test_a_procedure_end_is_shown():
    """A booking with an end shows it in the heading and on the procedure's line."""
    text = medplan.render_calendar(medplan.plan(example("liver-biopsy-diabetes")))

    assert "When: Monday 30 March 2026 at 08:00 to 09:00" in text.splitlines()
    assert "  - 08:00 Your procedure: CT-guided liver biopsy (until 09:00)." in text.splitlines()


def test_a_dose_in_the_spring_gap_is_shown_at_the_time_the_clocks_show():
    """A 01:30 dose to skip on 29 March 2026 in London, when the clocks jump from 01:00 to 02:00, is shown at 02:30, as the plan dates it."""
    request = {
        "procedure": {"name": "Knee injection", "start": "2026-03-30T10:00", "timezone": "Europe/London", "bleeding_risk": "high"},
        "medications": [{"name": "Ibuprofen", "times": ["01:30", "13:30"]}],
    }

    found = days(medplan.render_calendar(medplan.plan(request)))

    assert found["Sunday 29 March 2026 (1 day before your procedure)"] == ["Do not take your Ibuprofen (02:30, 13:30)."]


def test_a_plan_that_needs_no_review_has_no_not_final_header():
    """A plan no pharmacist needs to check carries no NOT FINAL line and no pharmacist's call."""
    request = {
        "procedure": {"name": "Knee injection", "start": "2026-03-30T10:00", "timezone": "Europe/London", "bleeding_risk": "high"},
        "medications": [{"name": "Ibuprofen", "times": ["08:00"]}],
    }
    result = medplan.plan(request)

    text = medplan.render_calendar(result)

    assert not result.needs_review
    assert NOT_FINAL not in text
    assert "IMPORTANT" not in text
    assert "Keep taking as usual" not in text


def test_a_plan_booked_too_soon_says_only_that_the_date_must_change():
    """Told on 6 December, too late to stop Plavix for 8 December, the calendar says the date must change and gives no other instruction and no day."""
    result = medplan.plan(example("nerve-root-sleeve-injection"), now="2026-12-06T10:00")

    text = medplan.render_calendar(result)

    assert result.booking.too_soon
    assert text.splitlines() == [
        "Your medicines around your procedure",
        "Procedure: Image-guided lumbar nerve root sleeve injection (left L5, transforaminal)",
        "",
        "NOT FINAL: this plan is not final until a pharmacist has checked it.",
        "",
        "Your procedure cannot go ahead on Tuesday 8 December 2026 at 09:30: the date must change. The team doing your procedure will contact you with a new date and a new plan for your medicines.",
    ]


def test_a_plan_booked_in_time_is_the_usual_calendar():
    """Told on 20 November, in time for every hold, the calendar is the same as for the plan without a booking time."""
    booked = medplan.plan(example("nerve-root-sleeve-injection"), now="2026-11-20T10:00")

    assert not booked.booking.too_soon
    assert medplan.render_calendar(booked) == seed_calendar()


def test_an_absolute_contraindication_gives_no_dated_step():
    """A patient who answers yes to cauda equina symptoms is told the procedure cannot be booked yet, and nothing else."""
    request = example("nerve-root-sleeve-injection")
    request["patient"] = request["patient"] | {"cauda_equina_symptoms": True}
    result = medplan.plan(request)

    lines = medplan.render_calendar(result).splitlines()

    assert result.contraindicated
    assert lines[-1] == "Your procedure cannot be booked yet: the team doing your procedure needs to speak to you first, and will contact you."
    assert not any(line.startswith("  - ") for line in lines)
    assert "Warfarin" not in "\n".join(lines)


def test_the_calendar_is_deterministic_and_does_not_change_the_plan():
    """The same plan gives the same text every time, and rendering leaves the frozen plan as it was."""
    result = medplan.plan(example("warfarin-bridging-mitral-valve"))
    before = attrs.asdict(result)

    first, second = medplan.render_calendar(result), medplan.render_calendar(result)

    assert first == second
    assert first.endswith(".\n")
    assert attrs.asdict(result) == before


def test_join_names_lists_names_as_a_sentence():
    """Names are joined with commas and a final 'and'; one name stands alone and none gives nothing."""
    assert join_names([]) == ""
    assert join_names(["Plavix"]) == "Plavix"
    assert join_names(["Plavix", "Eliquis"]) == "Plavix and Eliquis"
    assert join_names(["Ozempic", "sertraline", "Nurofen"]) == "Ozempic, sertraline and Nurofen"


def aspirin_only():
    """Aspirin continued before a low-risk procedure: nothing to stop, nothing to review."""
    return medplan.plan({
        "procedure": {"name": "Trigger point injection", "start": "2026-12-08T09:30", "timezone": "Australia/Perth",
                      "bleeding_risk": "low"},
        "medications": [{"name": "aspirin", "times": ["08:00"]}],
    })


def test_a_calendar_with_nothing_to_stop_lists_no_medicine_to_stop():
    """With every medicine continued, the calendar says to keep taking them and has no list of medicines to stop."""
    text = medplan.render_calendar(aspirin_only())

    assert text.endswith(
        "Keep taking as usual: aspirin.\n\nTuesday 8 December 2026 (the day of your procedure)\n"
        "  - 09:30 Your procedure: Trigger point injection.\n"
    )
    assert "Each medicine you stop for a while:" not in text


def test_a_plan_without_dated_steps_has_no_days():
    """A plan built without a timeline (Plan's default), with nothing held and no care, has no day-by-day lines."""
    text = medplan.render_calendar(attrs.evolve(aspirin_only(), timeline=()))

    assert text.endswith("Keep taking as usual: aspirin.\n")
    assert days(text) == {}
