"""Stored plans stay honest: a stored plan's request planned again, and every difference named."""

from __future__ import annotations

import json

import attrs
import pytest
from plannercases import med, request

import medplan


def stored(*medications, **extra):
    """A plan as a booking system stores it: its JSON, decoded."""
    return json.loads(medplan.render_json(medplan.plan(request(*medications, **extra))))


def test_an_unchanged_plan_has_no_differences():
    """The same request with the same table gives the same plan: nothing is stale."""
    result = medplan.recheck(stored(med("warfarin", "18:00"), med("Plavix", "08:00")))

    assert not result.changed
    assert result.differences == ()
    assert result.provenance == ()


def test_a_changed_date_is_named_by_its_path():
    """A stored last dose that today's table would not give is reported with both values."""
    plan = stored(med("warfarin", "18:00"))
    plan["medications"][0]["last_dose"] = "2026-12-03T18:00:00+08:00"
    plan["medications"][0]["action"] = "continue"

    result = medplan.recheck(plan)

    assert result.changed
    assert [str(d) for d in result.differences] == [
        "medications[0].action: continue -> hold",
        "medications[0].last_dose: 2026-12-03T18:00:00+08:00 -> 2026-12-02T18:00:00+08:00",
    ]


def test_a_new_table_version_alone_is_provenance_not_a_change():
    """A table whose answers are the same is reported as what the plan was made with, and the plan is not stale."""
    plan = stored(med("warfarin", "18:00"))
    plan["table_version"] = "drug_classes.csv sha256:0000000000000000"

    result = medplan.recheck(plan)

    assert not result.changed
    assert [d.path for d in result.provenance] == ["table_version"]


def test_steps_added_or_removed_are_reported_with_the_missing_side():
    """A timeline that grew or shrank names the steps that are new or gone."""
    plan = stored(med("warfarin", "18:00"))
    removed = plan["timeline"].pop()
    plan["unknown_field"] = 1

    result = medplan.recheck(plan)

    paths = {(d.path, d.missing) for d in result.differences}
    assert (f"timeline[{len(plan['timeline'])}]", "stored") in paths
    assert ("unknown_field", "current") in paths
    assert any(d.current == removed for d in result.differences)


def test_a_type_change_is_a_difference():
    """1.5 stored as the text '1.5' is not the same answer."""
    plan = stored(med("warfarin", "18:00"))
    plan["medications"][0]["checks"][0]["max"] = "1.5"

    assert [d.path for d in medplan.recheck(plan).differences] == ["medications[0].checks[0].max"]


def test_a_plan_without_its_request_cannot_be_rechecked():
    """Nothing to plan again: an InputError naming the field."""
    plan = stored(med("warfarin", "18:00"))
    del plan["request"]

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.recheck(plan)

    assert str(excinfo.value) == "request: the stored plan carries no request to plan again (it must be a JSON object)"


def test_a_stored_request_no_longer_valid_names_the_field_inside_it():
    """The error's field is a path into the stored plan's request."""
    plan = stored(med("warfarin", "18:00"))
    plan["request"]["procedure"]["timezone"] = "Mars/Olympus"

    with pytest.raises(medplan.InputError) as excinfo:
        medplan.recheck(plan)

    assert excinfo.value.field == "request.procedure.timezone"


def test_the_recheck_json_carries_the_new_plan():
    """A booking system stores the new plan in place of the stale one."""
    plan = stored(med("aspirin", "08:00"))
    plan["needs_review"] = True

    data = medplan.recheck(plan).to_dict()

    assert data["changed"] is True
    assert data["differences"] == [{"path": "needs_review", "stored": True, "current": False, "missing": None}]
    assert data["plan"]["needs_review"] is False


def _drop_needs_review(plan):
    del plan["needs_review"]


def _add_reason(plan):
    plan["review_reasons"].append("ask the GP")


def _add_step(plan):
    plan["timeline"].append({"day": 9})
    return len(plan["timeline"]) - 1


def _clear_last_dose(plan):
    plan["medications"][0]["last_dose"] = None


def _whole_inr(plan):
    plan["medications"][0]["checks"][0]["max"] = 2


def _doses_as_text(plan):
    plan["medications"][0]["omitted_doses"] = "none"


# (a change to the stored plan, the difference as the text report shows it)
@attrs.frozen(kw_only=True)
class DifferenceCase:
    """One case of test_each_difference_reads_stored_then_current: change, shown."""

    change: object
    shown: str


SHOWN = [
    pytest.param(DifferenceCase(change=_drop_needs_review, shown="needs_review: (none) -> true"), id="field-missing-from-stored"),
    pytest.param(DifferenceCase(change=_add_reason, shown="review_reasons[1]: ask the GP -> (none)"), id="list-entry-gone-today"),
    pytest.param(DifferenceCase(change=_add_step, shown="timeline[{}]: dict of 1 -> (none)"), id="object-shown-by-size"),
    pytest.param(DifferenceCase(change=_clear_last_dose, shown="medications[0].last_dose: null -> 2026-12-02T18:00:00+08:00"), id="null"),
    pytest.param(DifferenceCase(change=_whole_inr, shown="medications[0].checks[0].max: 2 -> 1.5"), id="number"),
    pytest.param(DifferenceCase(change=_doses_as_text, shown="medications[0].omitted_doses: none -> list of 6"), id="list-shown-by-size"),
]


@pytest.mark.parametrize("case", SHOWN)
def test_each_difference_reads_stored_then_current(case):
    """A difference reads ``path: stored -> current``: (none) for a missing side, null, true and numbers as JSON writes them, an object or list by its size."""
    plan = stored(med("warfarin", "18:00"))
    added = case.change(plan)

    assert [str(d) for d in medplan.recheck(plan).differences] == [case.shown.format(added)]
