"""Every value a plan holds passes its class's validators, though ``medplan._made`` skips them.

The planner makes its most-made values without running their validators, on
the ground that it makes them from values already checked. These tests hold
it to that: every attrs value reachable from a plan, and from the request as
parsed (the plan carries only its text), is run through ``attrs.validate``,
which raises on the first field its class would have refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import requests

import medplan
from medplan import _made
from medplan.request import parse_request
from medplan.tables.procedures import default_catalogue

EXAMPLES = resources.files("medplan") / "examples"


def values_in(value: object) -> Iterator[object]:
    """Every attrs value in ``value``, through its fields, tuples, lists and mappings."""
    if attrs.has(type(value)):
        yield value
        for field in attrs.fields(type(value)):
            yield from values_in(getattr(value, field.name))
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from values_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from values_in(item)


def assert_validated(request: dict[str, object]) -> set[type]:
    """Plan ``request`` and validate every value of the plan and of the parsed request; the classes met."""
    plan = medplan.plan(request)
    table = medplan.load_table()
    parsed = parse_request(request, table.guidelines, default_catalogue(), variants=table.variants)
    met = set()
    for value in (*values_in(plan), *values_in(parsed)):
        attrs.validate(value)  # type: ignore[arg-type] # an attrs instance, as values_in found
        met.add(type(value))
    return met


def example(name: str) -> dict[str, object]:
    """A bundled example request, decoded."""
    decoded: dict[str, object] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return decoded


@pytest.mark.parametrize(
    "name",
    [
        "nerve-root-sleeve-injection.json",
        "liver-biopsy-diabetes.json",
        "warfarin-bridging-mitral-valve.json",
    ],
)
def test_the_bundled_examples_plans_pass_their_validators(name: str) -> None:
    """Each bundled example's plan holds only values its classes' validators accept."""
    met = assert_validated(example(name))

    assert medplan.MedicationPlan in met


def test_a_plan_with_decisions_passes_its_validators() -> None:
    """The bundled example answered with the pharmacist's decisions holds only valid values."""
    request = {
        **example("nerve-root-sleeve-injection.json"),
        **example("decisions/nerve-root-sleeve-injection.json"),
    }

    met = assert_validated(request)

    assert medplan.Decision in met


def test_the_values_checked_include_every_made_class() -> None:
    """Across the bundled examples, every class ``_made`` makes is met and validated."""
    met: set[type] = set()
    for name in ("nerve-root-sleeve-injection.json", "warfarin-bridging-mitral-valve.json"):
        met |= assert_validated(example(name))

    assert set(_made.MAKERS) <= met


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=150)
@given(request=requests())
def test_generated_plans_pass_their_validators(request: dict[str, object]) -> None:
    """Any request the parser accepts gives a plan whose every value passes its validators."""
    try:
        assert_validated(request)
    except medplan.InputError:
        return
