"""``json.dumps(value, indent=2, ensure_ascii=False)``, about twice as fast, for the plan JSON.

Before Python 3.13 the standard library encodes indented JSON in pure Python,
one generator step per token (its C encoder does not indent), and rendering a plan spent as long
in it as the planner spends on several medicines. :func:`dumps_indented`
writes the same text from JSON's own types with str.join; anything else
(another type, a key that is not text, a float JSON cannot write, a cycle) is
handed to ``json.dumps`` itself, so the answer, or the error, is always
exactly the standard library's. tests/test_indented.py checks the two agree.
"""

from __future__ import annotations

import json
import sys
from json.encoder import encode_basestring

__all__ = ["dumps_indented"]

_INFINITY = float("inf")
_int_text = int.__repr__
_float_text = float.__repr__


class _NotPlainJSONError(Exception):
    """The value holds something only json.dumps knows how to write."""


def dumps_indented(value: object) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte."""
    if _C_INDENTS:
        return json.dumps(value, indent=2, ensure_ascii=False)
    try:
        return _value(value, "\n")
    except (_NotPlainJSONError, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)


# From Python 3.13 the C encoder indents too (CPython gh-95382), faster than
# the writer here, which is then left unused.
_C_INDENTS = sys.version_info >= (3, 13)


def _scalar(value: object) -> str:
    """A value that is not a list or dict as JSON text."""
    if type(value) is str:
        text: str = encode_basestring(value)
        return text
    if type(value) is int:
        return _int_text(value)
    if type(value) is float and value == value and value not in (_INFINITY, -_INFINITY):  # noqa: PLR0124 - not NaN
        return _float_text(value)
    if value is None or type(value) is bool:
        return "null" if value is None else ("true" if value else "false")
    raise _NotPlainJSONError


# A plan repeats the same few dozen keys in every medicine, check and event:
# each is encoded once, with its separator. Bounded, should a caller's
# mapping bring keys without end.
_KEYS: dict[str, str] = {}
_MAX_KEYS = 4096


def _key(key: object) -> str:
    if type(key) is not str:
        raise _NotPlainJSONError
    text = encode_basestring(key) + ": "
    if len(_KEYS) < _MAX_KEYS:
        _KEYS[key] = text
    return text


def _value(value: object, indent: str) -> str:
    """``value`` as indented JSON, its nested lines starting with ``indent`` + 2 spaces."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return _scalar(value)
    inner = indent + "  "
    # Strings, most of a plan, are encoded in place: one call fewer for each.
    if kind is dict:
        if not value:
            return "{}"
        keys = _KEYS
        items = [
            (keys.get(key) or _key(key))
            + (encode_basestring(item) if type(item) is str else _value(item, inner))
            for key, item in value.items()  # type: ignore[attr-defined] # kind is dict
        ]
        return "{" + inner + ("," + inner).join(items) + indent + "}"
    if not value:
        return "[]"
    return (
        "["
        + inner
        + ("," + inner).join(
            [
                encode_basestring(item) if type(item) is str else _value(item, inner)
                for item in value  # type: ignore[attr-defined] # kind is list
            ]
        )
        + indent
        + "]"
    )
