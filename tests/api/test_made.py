"""Values made by ``medplan._made`` are the values attrs' own ``__init__`` and ``evolve`` make.

The planner makes the values it makes most often through a mutable twin of
each class, for a quarter of the instructions; what comes back must be an
instance of the class itself, equal, hashed and printed alike, and as frozen.
Each maker is written out, so it must take exactly its class's fields, with
the same defaults.
"""

from __future__ import annotations

import inspect

import attrs
import pytest
from testpaths import core_modules

from medplan import _made
from medplan._attrsrepr import AttrsValue
from medplan._made import evolved
from medplan.model import CareInstruction

MAKERS = sorted(_made.MAKERS.items(), key=lambda item: item[0].__qualname__)

MODULES = core_modules()  # the tests of the optional extras import theirs
CLASSES = sorted(
    {
        value
        for module in MODULES
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, AttrsValue)
        and value is not AttrsValue
        and attrs.has(value)
        and all(f.init and f.alias == f.name and f.converter is None for f in attrs.fields(value))
    },
    key=lambda c: (c.__module__, c.__qualname__),
)


def fields_of(cls: type) -> dict[str, object]:
    """A distinct value for each of the class's fields, by name."""
    return {field.name: (field.name, index) for index, field in enumerate(attrs.fields(cls))}


def plain(cls: type, values: dict[str, object]) -> object:
    """The value as attrs' own __init__ makes it, without validators."""
    with attrs.validators.disabled():
        return cls(**values)


@pytest.mark.parametrize(("cls", "make"), MAKERS, ids=lambda x: getattr(x, "__qualname__", ""))
def test_a_maker_takes_its_class_fields_and_defaults(cls: type, make: object) -> None:
    """A maker's keywords are its class's fields, in order, each with the class's default."""
    parameters = inspect.signature(make).parameters.values()  # type: ignore[arg-type]
    assert [(p.name, p.kind, p.default) for p in parameters] == [
        (
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.empty if f.default is attrs.NOTHING else f.default,
        )
        for f in attrs.fields(cls)
    ]


@pytest.mark.parametrize(("cls", "make"), MAKERS, ids=lambda x: getattr(x, "__qualname__", ""))
def test_a_made_value_is_the_class_own(cls: type, make: object) -> None:
    """A made value is of the class itself, equal, hashed and printed as attrs' own, and frozen."""
    values = fields_of(cls)
    made = make(**values)  # type: ignore[operator]
    own = plain(cls, values)
    assert type(made) is cls
    assert made == own
    assert hash(made) == hash(own)
    assert repr(made) == repr(own)
    name = attrs.fields(cls)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(made, name, "changed")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        delattr(made, name)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_an_evolved_value_is_attrs_evolve(cls: type) -> None:
    """``evolved`` changes the fields named and keeps the rest, as ``attrs.evolve`` does."""
    own = plain(cls, fields_of(cls))
    name = attrs.fields(cls)[-1].name
    made = evolved(own, **{name: "changed"})
    with attrs.validators.disabled():
        expected = attrs.evolve(own, **{name: "changed"})
    assert type(made) is cls
    assert made == expected
    assert getattr(made, name) == "changed"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(made, name, "again")


def test_evolving_refuses_a_field_the_class_lacks() -> None:
    """Evolving a value with a field its class does not have is refused, naming the field."""
    own = plain(CareInstruction, fields_of(CareInstruction))
    with pytest.raises(TypeError, match=r"^CareInstruction has no field 'colour'$"):
        evolved(own, colour="red", item="b")


def test_a_class_whose_init_does_more_is_not_evolved() -> None:
    """A class with a field its __init__ does not set as given is refused, to be evolved by attrs."""

    @attrs.frozen
    class Hidden(AttrsValue):
        shown: int
        hidden: int = attrs.field(init=False, default=0)

    with pytest.raises(TypeError, match=r"Hidden's __init__ does more than set its fields"):
        evolved(Hidden(1), shown=2)


def test_a_maker_needs_every_field_without_a_default() -> None:
    """Leaving out a field without a default is refused, as by the class."""
    with pytest.raises(TypeError, match="missing 14 required keyword-only arguments"):
        _made.medication_plan(input="x")  # type: ignore[call-arg]
