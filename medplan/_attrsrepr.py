"""One ``__repr__`` (and ``__eq__``, ``__hash__``) for medplan's attrs classes, instead of one generated for each.

attrs writes and compiles a ``__repr__`` for every class it makes, and that is
nearly half the cost of making a class: with some forty value classes made at
every start-up, it was about a tenth of a one-shot ``medplan plan``. A class
declared ``@attrs.frozen(repr=False)`` that derives from :class:`AttrsRepr`
prints exactly what attrs' generated method would (tests/api/test_attrsrepr.py
checks it against attrs' own for every class), from one method shared by all.

Compiling the ``__eq__`` and ``__hash__`` was most of what was left besides
``__init__`` (a sixth of ``import medplan.cli``'s instructions): a class
declared ``@attrs.frozen(repr=False, eq=False)`` that derives from
:class:`AttrsValue` compares and hashes as attrs' would (tests/api/test_attrsvalue.py).
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["AttrsRepr", "AttrsValue"]

# As attrs guards its reprs: an object met again while it is being printed
# (through a mutable field) prints as "...".
_PRINTING = threading.local()


class AttrsRepr:
    """Base of an attrs class with ``repr=False``: attrs' ``__repr__``, written once."""

    __slots__ = ()

    def __repr__(self) -> str:
        """``Name(field=value, ...)``, as attrs writes it."""
        printing: set[int] = _PRINTING.__dict__.setdefault("ids", set())
        if id(self) in printing:
            return "..."
        printing.add(id(self))
        try:
            cls: Any = type(self)
            shown = ", ".join(
                f"{a.name}={(repr if a.repr is True else a.repr)(_value(self, a))}"
                for a in attrs.fields(cls)
                if a.repr is not False
            )
            return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({shown})"
        finally:
            printing.remove(id(self))


def _value(instance: object, attribute: attrs.Attribute[Any]) -> object:
    # attrs reads a field set by __init__ plainly, and one that is not with a
    # default of NOTHING (it may not be set yet).
    if attribute.init:
        return getattr(instance, attribute.name)
    return getattr(instance, attribute.name, attrs.NOTHING)


# Per class: what __eq__ compares and what __hash__ hashes, read once.
_Values = Callable[[object], tuple[Any, ...]]
_FIELDS: dict[type, tuple[_Values, _Values]] = {}


def _getter(names: list[str]) -> _Values:
    if len(names) > 1:
        return operator.attrgetter(*names)  # their tuple, at C speed
    # attrgetter of one name gives the bare value, of none it refuses.
    return lambda instance: tuple(getattr(instance, name) for name in names)


def _fields(cls: type) -> tuple[_Values, _Values]:
    found = _FIELDS.get(cls)
    if found is None:
        fields = attrs.fields(cls)
        # As attrs' generated methods choose them: a field's hash follows its eq unless set.
        compared = [a.name for a in fields if a.eq]
        hashed = [a.name for a in fields if a.hash is True or (a.hash is None and a.eq)]
        found = _FIELDS[cls] = (_getter(compared), _getter(hashed))
    return found


class AttrsValue(AttrsRepr):
    """Base of an attrs class with ``repr=False, eq=False``: attrs' eq, ne and hash, written once.

    Equal when the other is of the very same class and every compared field
    is ``==`` in turn (no identity short cut, as attrs); the hash is of the
    class and the hashed fields, as attrs hashes a frozen class. Fields with
    an ``eq_key`` are not supported (tests/api/test_attrsvalue.py checks none has one).
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        """Whether ``other`` is of this class with equal fields."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = _fields(self.__class__)[0]
        return all(map(operator.eq, values(self), values(other)))

    def __ne__(self, other: object) -> bool:
        """The opposite of ``==``."""
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        """Of the class and the hashed fields' values."""
        return hash((self.__class__, *_fields(self.__class__)[1](self)))
