"""Tests of medplan.render_text: what the pharmacist reads for each kind of plan.

The bundled examples' text is held by the golden files; these cases are the
parts a plan may lack (a drug, a rule, a source, dates under another
guideline, a dated step) and the parts only some plans have (a heparin dose,
several steps on one day, nothing to review).
"""

from __future__ import annotations

import attrs
from pathwaycases import HIGH, MITRAL, booking
from plannercases import B, med, request

import medplan


def detail(text: str, number: int) -> list[str]:
    """The lines of medicine ``number``'s detail in the text plan."""
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"{number}. ")))
    end = lines.index("", start)
    return lines[start:end]


def test_an_unknown_medicine_shows_no_drug_rule_or_source():
    """A name medplan does not know has only its question and the patient's instruction: no drug, rule or source lines."""
    text = medplan.render_text(medplan.plan(request(med("Notarealdrugium", "08:00"))))

    assert detail(text, 1) == [
        "1. Notarealdrugium: review",
        "   Review: 'Notarealdrugium' is not in medplan's table: check the name, or plan this medicine by hand",
        "   Patient: Do not change how you take your Notarealdrugium until your pharmacist or doctor tells you what to do before the procedure.",
    ]


def test_another_guidelines_answer_without_dates_is_its_rule_alone():
    """Where the other guideline asks for review and dates nothing (ASRA's warfarin before a low-risk procedure), the line gives its rule without dates."""
    text = medplan.render_text(medplan.plan(request(med("warfarin", "18:00"), at=B, risk="low", guideline="chest-2022")))

    assert (
        "   Differs under asra-pain-2018: review (asra-pain-2018:warfarin: low bleeding risk: review; INR <= 1.5 on day -1)"
    ) in text.splitlines()


def test_a_plan_without_review_says_so():
    """Aspirin continued before a low-risk procedure: the text says no medicine needs review, and lists no reasons."""
    plan = medplan.plan(request(med("aspirin", "08:00"), risk="low"))

    text = medplan.render_text(plan)

    assert not plan.needs_review
    assert "No medicine needs review." in text.splitlines()
    assert "NEEDS PHARMACIST REVIEW" not in text


def test_a_bridged_plan_shows_the_heparin_dose_and_each_day_once():
    """The mitral-valve plan gives the heparin dose and how it was reached, and a day with several steps is headed once."""
    text = medplan.render_text(medplan.plan(booking(HIGH, MITRAL)))

    lines = text.splitlines()
    assert (
        "  Heparin: enoxaparin 80 mg twice-daily (1 mg/kg x 82 kg = 82 mg; CrCl 65; last before the procedure 80 mg;"
        " enoxaparin:twice-daily)"
    ) in lines
    boxing_day = lines.index("  Saturday 26 December 2026 (day -3)")
    assert lines[boxing_day + 1 : boxing_day + 3] == [
        "    08:00  injection  Inject enoxaparin 80 mg under the skin.",
        "    20:00  injection  Inject enoxaparin 80 mg under the skin.",
    ]
    assert lines.count("  Saturday 26 December 2026 (day -3)") == 1


def test_a_plan_without_dated_steps_has_no_timeline():
    """A plan built without a timeline (Plan's default) has no timeline section."""
    plan = attrs.evolve(medplan.plan(request(med("aspirin", "08:00"), risk="low")), timeline=())

    assert "Timeline" not in medplan.render_text(plan)
