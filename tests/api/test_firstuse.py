"""``medplan._firstuse.on_first_use``: a module's names made on first use, then plain attributes."""

from __future__ import annotations

import types

import pytest

from medplan._firstuse import on_first_use


def a_module() -> tuple[dict[str, object], list[str]]:
    """A module namespace answering for ``Late`` by a loader that records each load."""
    loads: list[str] = []
    source = types.ModuleType("source")
    source.Late = type("Late", (), {})  # type: ignore[attr-defined]

    def load() -> types.ModuleType:
        loads.append("source")
        return source

    namespace: dict[str, object] = {"__name__": "example.module", "Early": 1}
    namespace["__getattr__"], namespace["__dir__"] = on_first_use(namespace, {"Late"}, load)
    return namespace, loads


def test_a_name_is_loaded_once_then_kept_in_the_module() -> None:
    """The first look-up imports the name's module and keeps the name as a plain attribute."""
    namespace, loads = a_module()

    late = namespace["__getattr__"]("Late")  # type: ignore[operator]

    assert late.__name__ == "Late"
    assert namespace["Late"] is late
    assert loads == ["source"]


def test_any_other_name_is_refused_as_a_module_refuses_it() -> None:
    """A name the module does not make on first use is an AttributeError naming module and name."""
    namespace, loads = a_module()

    with pytest.raises(AttributeError, match=r"^module 'example.module' has no attribute 'Lat'$"):
        namespace["__getattr__"]("Lat")  # type: ignore[operator]
    assert loads == []


def test_dir_lists_the_names_made_on_first_use_before_they_are_made() -> None:
    """``dir()`` of the module lists its names and those it makes on first use, sorted."""
    namespace, loads = a_module()

    assert namespace["__dir__"]() == sorted({*namespace, "Late"})  # type: ignore[operator]
    assert loads == []
