"""``medplan.render._indented.dumps_indented`` writes what ``json.dumps(indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from medplan.render import _indented
from medplan.render._indented import dumps_indented


def stdlib(value):
    return json.dumps(value, indent=2, ensure_ascii=False)


def outcome(dump, value):
    try:
        return dump(value)
    except (TypeError, ValueError) as error:
        return type(error), str(error)


class Colour(enum.StrEnum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 3


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text()
    | st.sampled_from([Colour.RED, Size.BIG, math.nan, math.inf, -math.inf, -0.0, 1e-300, 1e300])
)
keys = st.text() | st.integers() | st.none() | st.booleans() | st.floats(allow_nan=False)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    | st.dictionaries(keys, inner, max_size=3),
    max_leaves=25,
)


@settings(deadline=None, max_examples=500)
@given(value=values)
@example(value={})
@example(value=[])
@example(value="text alone")
@example(value={"a": [], "b": {}, "c": [{}], "d": [[]]})
@example(value={"x": '\u2028\x00\ud800"\\/é'})
@example(value={1: "key not text"})
@example(value=[{"red": 1}, {Colour.RED: 2}])
@example(value=[object()])
def test_same_text_as_json_dumps(value):
    """Any value, JSON or not, gives json.dumps' text, or json.dumps' error."""
    assert outcome(dumps_indented, value) == outcome(stdlib, value)


def test_a_cycle_gives_json_dumps_error():
    """A list that holds itself is json.dumps' ValueError, not a RecursionError."""
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps_indented(looped)


@pytest.mark.parametrize("c_indents", [False, True], ids=["writer", "c-encoder"])
def test_both_ways_give_json_dumps_text(c_indents, monkeypatch):
    """With or without a C encoder that indents (Python 3.13 on), a plan-shaped value is written as json.dumps writes it."""
    monkeypatch.setattr("medplan.render._indented._C_INDENTS", c_indents)
    value = {"needs_review": True, "medications": [{"input": "Eliquis", "times": ["08:00", "20:00"], "crcl": 62.5}], "notes": []}

    assert dumps_indented(value) == stdlib(value)


def test_keys_without_end_are_written_and_not_all_remembered():
    """A mapping with more distinct keys than the writer remembers is still written as json.dumps writes it."""
    value = {f"key-{number}": number for number in range(_indented._MAX_KEYS + 10)}  # noqa: SLF001

    assert dumps_indented(value) == stdlib(value)
    assert len(_indented._KEYS) <= _indented._MAX_KEYS  # noqa: SLF001
