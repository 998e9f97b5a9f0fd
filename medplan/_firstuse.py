"""A module's names made on first use (PEP 562), for classes a plan seldom needs.

Making a small attrs class is about a million instructions at import, and a
one-shot plan that never meets a pharmacist's decision or an unplaced medicine
need not pay for theirs. A module that names such classes keeps them in a
module of their own and answers for them with :func:`on_first_use`: the first
look-up imports that module, and the name is then a plain attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from types import ModuleType
from typing import Any

__all__ = ["on_first_use"]


def on_first_use(
    namespace: dict[str, Any], names: Collection[str], load: Callable[[], ModuleType]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of the module whose ``globals()`` is ``namespace``.

    ``names`` are taken from the module ``load`` imports, the first time each
    is asked for; any other name is refused as a module refuses it.
    """
    module = namespace["__name__"]

    def module_getattr(name: str) -> Any:  # noqa: ANN401 - whichever class is named
        if name not in names:
            msg = f"module {module!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(load(), name)
        namespace[name] = value  # the next look-up is a plain module attribute
        return value

    def module_dir() -> list[str]:
        return sorted({*namespace, *names})

    return module_getattr, module_dir
