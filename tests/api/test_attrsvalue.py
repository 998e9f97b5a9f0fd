"""medplan's value classes compare and hash as attrs' generated methods would.

They are declared ``eq=False`` and share ``medplan._attrsrepr.AttrsValue``'s
``__eq__``, ``__ne__`` and ``__hash__``, to make start-up cheaper. For every
such class, a twin made by attrs with its own generated methods must agree on
every comparison, field for field.
"""

from __future__ import annotations

import functools

import attrs
import pytest
from testpaths import core_modules

import medplan
from medplan._attrsrepr import AttrsValue
from medplan.model import Interval

MODULES = core_modules()  # the tests of the optional extras import theirs
CLASSES = sorted(
    {
        value
        for module in MODULES
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, AttrsValue) and value is not AttrsValue
    },
    key=lambda c: (c.__module__, c.__qualname__),
)


@functools.cache
def twin_of(cls):
    """The class as attrs makes it with its own generated __eq__ and __hash__ (one twin a class)."""
    made = attrs.make_class(
        cls.__name__,
        {a.name: attrs.field(eq=a.eq, hash=a.hash) for a in attrs.fields(cls)},
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


def both(cls, values):
    """The same values in an instance of ``cls`` and one of its attrs twin."""
    return filled(cls, values), filled(twin_of(cls), values)


def test_the_model_and_tables_use_the_shared_methods():
    """The value classes derive from AttrsValue, and attrs gave them no __eq__ or __hash__ of their own."""
    assert {medplan.Plan, medplan.MedicationPlan, medplan.Table, medplan.Policy, medplan.Profile} <= set(CLASSES)
    assert all(attrs.has(c) and c.__eq__ is AttrsValue.__eq__ and c.__hash__ is AttrsValue.__hash__ for c in CLASSES)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_no_field_has_an_eq_key(cls):
    """No field compares through an eq_key, which the shared __eq__ does not apply."""
    assert [a.name for a in attrs.fields(cls) if a.eq_key is not None] == []


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_equality_and_hash_are_attrs_own(cls):
    """Equal values are equal with equal hashes, and a change in any one field is seen exactly where attrs sees it."""
    names = [a.name for a in attrs.fields(cls)]
    same = {name: (name, 1) for name in names}
    ours, theirs = both(cls, same)
    ours_again, theirs_again = both(cls, dict(same))

    assert (ours == ours_again, ours != ours_again) == (theirs == theirs_again, theirs != theirs_again) == (True, False)
    assert hash(ours) == hash(ours_again)
    for name in names:
        changed = {**same, name: (name, 2)}
        ours_changed, theirs_changed = both(cls, changed)
        assert (ours == ours_changed, ours != ours_changed) == (theirs == theirs_changed, theirs != theirs_changed)
        if theirs == theirs_changed:
            assert hash(ours) == hash(ours_changed)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_another_class_is_never_equal(cls):
    """An instance of another class with the same fields is not equal, as attrs compares only its own class."""
    values = {a.name: None for a in attrs.fields(cls)}
    ours, theirs = both(cls, values)

    assert ours.__eq__(theirs) is NotImplemented
    assert ours.__ne__(theirs) is NotImplemented
    assert (ours == theirs, ours != theirs, ours == object()) == (False, True, False)


def test_a_field_is_compared_with_eq_not_identity():
    """A NaN held in a field makes the value unequal to itself, as attrs' ``==`` of each field does."""
    cls = Interval
    nan = float("nan")
    ours, theirs = both(cls, {"amount": nan, "unit": "days"})
    same_ours, same_theirs = ours, theirs

    assert (ours == same_ours, theirs == same_theirs) == (False, False)


def test_a_field_left_out_of_eq_is_left_out_of_hash():
    """The table's name index (eq=False) changes neither its equality nor its hash."""
    cls = medplan.Table
    values = {a.name: (a.name,) for a in attrs.fields(cls)}
    left_out = [a.name for a in attrs.fields(cls) if not a.eq]
    other = {**values, **dict.fromkeys(left_out, ("another",))}
    ours, ours_other = filled(cls, values), filled(cls, other)

    assert left_out
    assert ours == ours_other
    assert hash(ours) == hash(ours_other)


@attrs.frozen(repr=False, eq=False)
class _One(AttrsValue):
    """A value with one compared field and one left out."""

    only: object
    note: object = attrs.field(eq=False)


@pytest.mark.parametrize("values", [{"only": 1, "note": 1}, {"only": 2, "note": 1}, {"only": 1, "note": 2}])
def test_a_class_with_one_compared_field_or_none_compares_as_attrs(values):
    """A value with a single compared field, or none once it is left out, compares and hashes as its attrs twin."""
    first = {"only": 1, "note": 1}
    for cls in (_One, attrs.make_class("_None", {"only": attrs.field(eq=False)}, frozen=True, repr=False, eq=False, bases=(AttrsValue,))):
        kept = {k: v for k, v in values.items() if k in attrs.fields_dict(cls)}
        base = {k: v for k, v in first.items() if k in attrs.fields_dict(cls)}
        ours, theirs = both(cls, kept)
        ours_first, theirs_first = both(cls, base)
        assert (ours == ours_first) == (theirs == theirs_first)
        if ours == ours_first:
            assert hash(ours) == hash(ours_first)
