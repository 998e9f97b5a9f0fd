"""``medplan.render_json`` writes ``json.dumps(plan.to_dict(), indent=2, ensure_ascii=False)`` and a newline, for any plan."""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import requests

import medplan
from medplan.model import Action, BleedingRisk, Interval, Plan, Unit
from medplan.render import plan_json
from medplan.tables.policies import Approval, ClinicRule

EXAMPLES = resources.files("medplan") / "examples"


def stdlib(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n"


def outcome(write: Callable[[Plan], str], plan: Plan) -> object:
    try:
        return write(plan)
    except (TypeError, ValueError) as error:
        return type(error), str(error)


@contextmanager
def writer_only() -> Iterator[None]:
    """render_json must write the plan itself: falling back to the general writer fails the test."""

    def refuse(_value):
        msg = "render_json fell back to the general writer"
        raise AssertionError(msg)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan_json, "dumps_indented", refuse)
        yield


def _example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _bundled() -> dict[str, Plan]:
    plans = {
        name: medplan.plan(_example(name))
        for name in ("nerve-root-sleeve-injection.json", "liver-biopsy-diabetes.json", "warfarin-bridging-mitral-valve.json")
    }
    decided = {
        **_example("nerve-root-sleeve-injection.json"),
        **json.loads((EXAMPLES / "decisions" / "nerve-root-sleeve-injection.json").read_text(encoding="utf-8")),
    }
    plans["seed example with its decisions"] = medplan.plan(decided)
    seed = plans["nerve-root-sleeve-injection.json"]
    plans["clinic protocol with an approval"] = attrs.evolve(
        seed,
        policy=attrs.evolve(
            seed.policy,
            variants=(("glp1-ra", "asa-2023"),),
            bleeding_risk=(("tfesi-lumbar", BleedingRisk.HIGH),),
            approval=Approval(approved_by="Dr Ünal", approved_on=date(2026, 11, 2), reference='"Protocol" \\ 7'),
            rules=(
                ClinicRule(drug_class="p2y12", bleeding_risk=BleedingRisk.HIGH, action=Action.CONTINUE),
                ClinicRule(
                    drug_class="p2y12",
                    bleeding_risk=BleedingRisk.LOW,
                    action=Action.HOLD,
                    hold=Interval(7, Unit.DAYS),
                    resume=Interval(24, Unit.HOURS),
                ),
            ),
        ),
    )
    return plans


BUNDLED = _bundled()


def test_every_bundled_plan_is_written_by_the_one_pass_writer_as_json_dumps_writes_it():
    """Each bundled example (with and without decisions, with a clinic protocol) gives json.dumps' text without the fallback."""
    assert BUNDLED["seed example with its decisions"].decisions
    assert BUNDLED["warfarin-bridging-mitral-valve.json"].anticoagulation.dose is not None
    for name, plan in BUNDLED.items():
        with writer_only():
            assert medplan.render_json(plan) == stdlib(plan), name


# Planning and drawing whole plans are slow on a busy machine: no deadline, no too_slow check.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=requests())
def test_plans_of_random_requests_are_written_as_json_dumps_writes_them(body):
    """A plan of any request the parser takes is json.dumps' text, written without the fallback."""
    try:
        plan = medplan.plan(body)
    except medplan.MedplanError:
        return
    with writer_only():
        assert medplan.render_json(plan) == stdlib(plan)


# --- plans carrying odd values -------------------------------------------------------------------
# Text with every character JSON escapes (quotes, backslashes, control
# characters) or writes as it is (non-ASCII, line and paragraph separators),
# floats JSON writes as NaN or Infinity, empty lists, flags that are unknown.

TEXT = st.text(max_size=12) | st.sampled_from(['"', "\\", "\x00\x1f\x7f\n\t", "Ünal 中文 😀", "\u2028\u2029", "</script>", ""])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)


@st.composite
def varied(draw: st.DrawFn, value: object, kind: str = "") -> object:
    """``value`` with some of its text, numbers, flags and lists redrawn, all the way down.

    ``kind`` is the annotation of the field that holds it: an unknown flag
    (None) may become true or false.
    """
    if attrs.has(type(value)):
        changes = {
            field.name: draw(varied(getattr(value, field.name), str(field.type)))
            for field in attrs.fields(type(value))
            # A validated field keeps its value: the class refuses others.
            if field.validator is None and field.name != "request" and draw(st.booleans())
        }
        return attrs.evolve(value, **changes)
    if type(value) is str:
        return draw(TEXT)
    if type(value) is float:
        return draw(st.floats())
    if type(value) is bool or (value is None and kind == "bool | None"):
        return draw(st.sampled_from([None, True, False]))
    if type(value) is tuple:
        kept = draw(st.integers(0, len(value)))
        return tuple(draw(varied(item)) for item in value[:kept])
    return value


@st.composite
def odd_plans(draw: st.DrawFn) -> Plan:
    plan = draw(st.sampled_from(list(BUNDLED.values())).flatmap(varied))
    request = draw(st.none() | JSON.map(lambda value: json.dumps(value, ensure_ascii=False)))
    return attrs.evolve(plan, request=request)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=odd_plans())
def test_plans_with_odd_values_are_written_as_json_dumps_writes_them(plan):
    """Escaped and non-ASCII text, NaN, empty lists and unknown flags anywhere in a plan give json.dumps' text or error."""
    assert outcome(medplan.render_json, plan) == outcome(stdlib, plan)


class Size(enum.IntEnum):
    """An int that is not an int, as a caller's own plan might carry."""

    BIG = 3


@attrs.frozen
class Odd:
    """A plan changed in one place, and what json.dumps writes there."""

    name: str
    change: Callable[[Plan], Plan]
    written: str


def _medicine(plan: Plan, **changes: object) -> Plan:
    return attrs.evolve(plan, medications=(attrs.evolve(plan.medications[0], **changes), *plan.medications[1:]))


def _check(plan: Plan, **changes: object) -> Plan:
    first = plan.medications[0]
    return _medicine(plan, checks=(attrs.evolve(first.checks[0], **changes),))


def _finding(plan: Plan, **changes: object) -> Plan:
    return attrs.evolve(plan, screening=(attrs.evolve(plan.screening[0], **changes), *plan.screening[1:]))


ODD = [
    Odd("text that is a number", lambda p: attrs.evolve(p, booking_id=5), '"booking_id": 5,'),
    Odd("NaN for a number", lambda p: _check(p, max_value=math.nan), '"max": NaN,'),
    Odd("infinity for a number", lambda p: _check(p, max_value=-math.inf), '"max": -Infinity,'),
    Odd("a flag for a number", lambda p: _check(p, day=True), '"day": true,'),
    Odd("an int enum for a number", lambda p: _check(p, day=Size.BIG), '"day": 3,'),
    Odd("an int for a float", lambda p: _check(p, max_value=2), '"max": 2,'),
    Odd("no number", lambda p: _check(p, max_value=None), '"max": null,'),
    Odd("a number for a flag", lambda p: _finding(p, answer=1), '"answer": 1,'),
    Odd("a list for a flag", lambda p: _finding(p, answer=["yes"]), '"answer": [\n        "yes"\n      ],'),
    Odd("a list for a number", lambda p: _check(p, day=[1]), '"day": [\n            1\n          ],'),
    Odd("a request that is not JSON's own", lambda p: attrs.evolve(p, request='{"a": NaN}'), '"a": NaN'),
]


@pytest.mark.parametrize("odd", ODD, ids=lambda odd: odd.name)
def test_a_value_of_another_type_is_written_as_json_dumps_writes_it(odd):
    """A hand-made plan with a value the writers do not expect still gives json.dumps' text."""
    plan = odd.change(BUNDLED["nerve-root-sleeve-injection.json"])

    written = medplan.render_json(plan)

    assert written == stdlib(plan)
    assert odd.written in written


def test_a_value_json_cannot_write_gives_json_dumps_error():
    """An object JSON has no form for is json.dumps' TypeError, not another error or a guess."""
    plan = attrs.evolve(BUNDLED["nerve-root-sleeve-injection.json"], review_reasons=(object(),))

    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        medplan.render_json(plan)
