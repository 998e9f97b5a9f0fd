"""The bundled examples: the seed's plan, checked against the reference, and golden JSON for every example."""

import json
import re
from importlib import resources
from pathlib import Path

import pytest

import medplan
from medplan import Action

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = {
    entry.name: entry
    for entry in (resources.files("medplan") / "examples").iterdir()
    if entry.name.endswith(".json")
}


def example(name):
    return json.loads(EXAMPLES[name].read_text(encoding="utf-8"))


def test_the_seed_example_gives_the_plan_the_reference_and_the_seed_imply():
    """Nerve root sleeve injection, Tuesday 8 December 2026 09:30 in Perth, ASRA intermediate risk."""
    plan = medplan.plan(example("nerve-root-sleeve-injection.json"))
    warfarin, plavix, aspirin, eliquis = plan.medications

    # Warfarin: ASRA 5 days to INR 1.5 or less (seed); restart the day after (seed policy).
    assert warfarin.action is Action.HOLD
    assert warfarin.last_dose.isoformat() == "2026-12-02T18:00:00+08:00"
    assert [(c.test, c.max_value, c.on.isoformat()) for c in warfarin.checks] == [("INR", 1.5, "2026-12-07")]
    assert warfarin.resume.isoformat() == "2026-12-09T18:00:00+08:00"
    # Clopidogrel: ASRA's 7 days is not yet confirmed in the source, so it is a proposal for review.
    assert plavix.action is Action.REVIEW
    assert plavix.drug == "clopidogrel"
    assert plavix.last_dose.isoformat() == "2026-11-30T08:00:00+08:00"
    # Aspirin: continued (seed: "generally not discontinued"), and the plan says so.
    assert aspirin.action is Action.CONTINUE
    assert aspirin.instruction == "Keep taking your Aspirin as usual, including on the day of the procedure."
    # Apixaban: 3 days proposed (unconfirmed row), restart the day after.
    assert eliquis.action is Action.REVIEW
    assert eliquis.last_dose.isoformat() == "2026-12-04T20:00:00+08:00"
    assert eliquis.resume.isoformat() == "2026-12-09T20:00:00+08:00"
    # Warfarin with apixaban is itself a question for the pharmacist.
    assert plan.needs_review
    assert "apixaban and warfarin are both oral anticoagulants: confirm which one the patient takes" in plan.review_reasons
    # Anticoagulants with antiplatelets, and aspirin with clopidogrel, are questions too (tests/planning/test_clinical_checks.py).
    assert plan.review_reasons[-2].startswith("apixaban and warfarin with aspirin and clopidogrel: ")
    assert plan.review_reasons[-1].startswith("aspirin and clopidogrel are two antiplatelets ")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_plans_match_their_golden_json(name):
    """Any change in a bundled example's plan shows up as a reviewed diff of tests/golden/."""
    golden = GOLDEN / name
    # The tz database release and where it was read are the machine's, not medplan's.
    produced = re.sub(r'"tz [^"]*"', '"tz (this machine)"', medplan.render_json(medplan.plan(example(name))))

    assert golden.exists(), f"no golden plan for {name}: run scripts/regenerate_golden.py"
    assert produced == golden.read_text(encoding="utf-8"), (
        "the plan changed: if deliberately, run scripts/regenerate_golden.py and review the diff"
    )
