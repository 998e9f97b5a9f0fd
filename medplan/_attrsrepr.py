"""One ``__repr__`` for medplan's attrs classes, instead of one generated for each.

attrs writes and compiles a ``__repr__`` for every class it makes, and that is
nearly half the cost of making a class: with some forty value classes made at
every start-up, it was about a tenth of a one-shot ``medplan plan``. A class
declared ``@attrs.frozen(repr=False)`` that derives from :class:`AttrsRepr`
prints exactly what attrs' generated method would (tests/test_attrsrepr.py
checks it against attrs' own for every class), from one method shared by all.
"""

from __future__ import annotations

import threading
from typing import Any

import attrs

__all__ = ["AttrsRepr"]

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
