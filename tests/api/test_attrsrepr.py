"""medplan's classes print what attrs' generated ``__repr__`` would print.

They are declared ``repr=False`` and share ``medplan._attrsrepr.AttrsRepr``'s
method, to make start-up cheaper. For every such class, a twin made by attrs
with its own generated ``__repr__`` must print the same, field for field.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from importlib import resources

import attrs
import pytest

import medplan
from medplan._attrsrepr import AttrsRepr

MODULES = [
    importlib.import_module(f"medplan.{info.name}")
    for info in pkgutil.iter_modules(medplan.__path__)
    if info.name != "__main__"
]
CLASSES = sorted(
    {
        value
        for module in MODULES
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, AttrsRepr) and attrs.has(value)
    },
    key=lambda c: (c.__module__, c.__qualname__),
)


def twin_of(cls):
    """The class as attrs makes it with its own generated __repr__."""
    fields = attrs.fields(cls)
    made = attrs.make_class(
        cls.__name__,
        {a.name: attrs.field(repr=a.repr, init=a.init) for a in fields},
        frozen=True,
        slots=True,
    )
    made.__qualname__ = cls.__qualname__
    return made


def filled(cls, values):
    """An instance of ``cls`` holding ``values``, made without its validators."""
    instance = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(instance, name, value)
    return instance


def test_the_classes_use_the_shared_repr():
    """The value classes derive from AttrsRepr, and attrs did not give them a __repr__ of their own."""
    assert {medplan.Plan, medplan.MedicationPlan, medplan.Table, medplan.Policy} <= set(CLASSES)
    assert all(attrs.has(c) and c.__repr__ is AttrsRepr.__repr__ for c in CLASSES)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_repr_is_attrs_repr(cls):
    """Field values of several kinds print as attrs prints them."""
    twin = twin_of(cls)
    for kind in (lambda name: f"<{name}>", lambda _: None, lambda name: (len(name), 1.5, "x")):
        values = {a.name: kind(a.name) for a in attrs.fields(cls)}
        assert repr(filled(cls, values)) == repr(filled(twin, values))


def test_repr_of_a_value_met_again_while_printing_is_an_ellipsis():
    """A value reached again through a mutable field prints as '...', as attrs prints it."""
    cls = medplan.Table
    values = {a.name: None for a in attrs.fields(cls)}
    ours, theirs = filled(cls, dict(values)), filled(twin_of(cls), dict(values))
    object.__setattr__(ours, "names", {"self": ours})
    object.__setattr__(theirs, "names", {"self": theirs})
    assert repr(ours) == repr(theirs)
    assert "names={'self': ...}" in repr(ours)


def test_unset_field_fails_or_prints_as_attrs_does():
    """An unset field fails to print if __init__ sets it, and prints as NOTHING if not, as with attrs."""
    with pytest.raises(AttributeError, match="test"):
        repr(filled(twin_of(medplan.Check), {}))
    with pytest.raises(AttributeError, match="test"):
        repr(filled(medplan.Check, {}))

    @attrs.frozen(repr=False)
    class Later(AttrsRepr):
        shown: int = attrs.field(init=False)

    assert repr(filled(Later, {})) == repr(filled(twin_of(Later), {})) == "Later(shown=NOTHING)"


@pytest.mark.parametrize(
    "name",
    sorted(
        e.name
        for e in (resources.files("medplan") / "examples").iterdir()
        if e.name.endswith(".json")
    ),
)
def test_a_real_plan_prints_as_attrs_would_print_it(name):
    """A whole plan, every nested value made by medplan, prints as attrs' twins print it."""
    request = json.loads((resources.files("medplan") / "examples" / name).read_text("utf-8"))
    plan = medplan.plan(request, now="2026-11-01T09:00")

    def as_twins(value):
        if isinstance(value, AttrsRepr):
            twin = twin_of(type(value))
            return filled(
                twin, {a.name: as_twins(getattr(value, a.name)) for a in attrs.fields(type(value))}
            )
        if isinstance(value, tuple):
            return tuple(as_twins(v) for v in value)
        return value

    assert repr(plan) == repr(as_twins(plan))
    assert repr(medplan.default_table().rules[0]) == repr(as_twins(medplan.default_table().rules[0]))
