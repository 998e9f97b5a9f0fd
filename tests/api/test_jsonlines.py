"""medplan.jsonlines: strict JSON, each key once (named by its path), numbers kept as sent."""

from __future__ import annotations

import json
import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medplan import jsonlines
from medplan.exceptions import InputError
from medplan.jsonlines import (
    DuplicateKeyError,
    NumberBeyondRange,
    decode,
    number_as_sent,
    request_object,
)


@attrs.frozen
class Duplicate:
    text: str
    path: str


@pytest.mark.parametrize("case", [
    Duplicate('{"medications": [], "medications": [1]}', "medications"),
    Duplicate('{"medications": [{"name": "a", "times": [], "name": "b"}]}', "medications[0].name"),
    Duplicate('{"patient": {"weight_kg": 70, "weight_kg": 80}}', "patient.weight_kg"),
    Duplicate('{"procedure": {"start": "x", "start": "y"}}', "procedure.start"),
    Duplicate('{"a": [[{"b": {"c": 1, "c": 2}}]]}', "a[0][0].b.c"),
    Duplicate('{"x": {"": 1, "": 2}}', "x.''"),
    Duplicate('{"x": {"a\\nb": 1, "a\\nb": 2}}', "x.'a\\nb'"),
    Duplicate('[{"a": 1}, {"b": 1, "b": 2}]', "[1].b"),
    Duplicate('{"a": {"b": 1, "b": 1}, "a": 2}', "a.b"),
])
def test_a_key_given_twice_is_refused_naming_its_path(case):
    """A duplicate anywhere is a DuplicateKeyError (an InputError) whose field is the key's path, the first in the text."""
    with pytest.raises(DuplicateKeyError) as excinfo:
        decode(case.text, "stdin")

    assert excinfo.value.field == case.path
    assert excinfo.value.problem == "is given twice; a JSON object must give each key once"
    assert isinstance(excinfo.value, InputError)


def test_equal_keys_in_different_objects_are_fine():
    """The same key in two objects (two medicines' names) is no duplicate."""
    assert decode('{"m": [{"name": "a"}, {"name": "b"}]}', "stdin") == {"m": [{"name": "a"}, {"name": "b"}]}


@attrs.frozen
class NotJSON:
    text: str
    problem: str


@pytest.mark.parametrize("case", [
    NotJSON("{", "not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
    NotJSON('{"a": NaN}', "not valid JSON (NaN is not a number JSON allows)"),
    NotJSON("[" * 100_000 + "]" * 100_000, "not valid JSON (nested too deeply)"),
])
def test_text_that_is_not_json_is_refused_under_its_label(case):
    """Not JSON: an InputError naming the text's label, not a DuplicateKeyError."""
    with pytest.raises(InputError) as excinfo:
        decode(case.text, "request.json")

    assert (excinfo.value.field, excinfo.value.problem) == ("request.json", case.problem)
    assert not isinstance(excinfo.value, DuplicateKeyError)


def test_a_leading_byte_order_mark_is_ignored():
    """A BOM some editors write is not part of the JSON."""
    assert decode('\ufeff{"a": 1}', "stdin") == {"a": 1}


@pytest.mark.parametrize("text", ["9" * 4301, "-" + "9" * 4301, "1e400", "-1e400", "1" * 400 + ".5"])
def test_a_number_python_cannot_hold_is_kept_as_sent(text):
    """A number beyond the integer-text limit or beyond any float is read as NumberBeyondRange, infinite, with its text."""
    number = decode(f'{{"n": {text}}}', "stdin")["n"]

    assert isinstance(number, NumberBeyondRange)
    assert number.text == text
    assert number == (-math.inf if text.startswith("-") else math.inf)


def test_numbers_within_reach_are_plain_numbers():
    """Ordinary integers and floats come back as int and float, to the last digit the limit allows."""
    data = decode(f'{{"i": {"9" * 4300}, "f": 1.5, "e": 1e300}}', "stdin")

    assert (type(data["i"]), type(data["f"]), type(data["e"])) == (int, float, float)


@attrs.frozen
class Shown:
    value: float
    text: str


@pytest.mark.parametrize("case", [
    Shown(500.00001, "500.00001"),
    Shown(1234567.5, "1234567.5"),
    Shown(12, "12"),
    Shown(10**30, "100000000000\u2026000000 (31 characters)"),
    Shown(NumberBeyondRange("1e400"), "1e400"),
    Shown(10**5000, "an integer of 16,610 bits"),
])
def test_a_number_is_shown_as_sent_never_rounded(case):
    """Messages show a number unrounded, cut with an ellipsis past 24 characters."""
    assert number_as_sent(case.value) == case.text


def test_a_request_must_be_an_object():
    """A JSON array or text is not a request."""
    with pytest.raises(InputError, match=r"^request: must be a JSON object$"):
        request_object([])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, min_size=1, max_size=3),
    max_leaves=10,
)


def objects_in(value: object, path: str = "") -> list[tuple[str, dict]]:
    """Every object inside ``value`` with its path, in the order of the text."""
    if isinstance(value, dict):
        found = [(path, value)]
        for key, item in value.items():
            shown = jsonlines._shown(key)  # noqa: SLF001 - how a path shows a key
            found += objects_in(item, f"{path}.{shown}" if path else shown)
        return found
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in objects_in(item, f"{path}[{index}]")]
    return []


def dumped(value: object, target: dict) -> str:
    """``value`` as JSON text, with ``target``'s first key given again at its end."""
    if isinstance(value, dict):
        members = [f"{json.dumps(k)}: {dumped(v, target)}" for k, v in value.items()]
        if value is target:
            members.append(f"{json.dumps(next(iter(value)))}: null")
        return "{" + ", ".join(members) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumped(item, target) for item in value) + "]"
    return json.dumps(value)


@given(value=json_values.filter(lambda v: bool(objects_in(v))), data=st.data())
def test_a_key_given_twice_anywhere_is_named_by_its_path(value, data):
    """Whatever the nesting, the one key given twice is refused with its path; the same text without it decodes."""
    path, target = data.draw(st.sampled_from(objects_in(value)))
    key = jsonlines._shown(next(iter(target)))  # noqa: SLF001

    with pytest.raises(DuplicateKeyError) as excinfo:
        decode(dumped(value, target), "stdin")

    assert excinfo.value.field == (f"{path}.{key}" if path else key)
    assert decode(json.dumps(value), "stdin") == value
