"""``json.dumps(value, indent=2, ensure_ascii=False)``, about twice as fast, for JSON values.

Before Python 3.13 the standard library encodes indented JSON in pure Python,
one generator step per token (its C encoder does not indent), and rendering a plan spent as long
in it as the planner spends on several medicines. :func:`dumps_indented`
writes the same text from JSON's own types with str.join; anything else
(another type, a key that is not text, a float JSON cannot write, a cycle) is
handed to ``json.dumps`` itself, so the answer, or the error, is always
exactly the standard library's. tests/render/test_indented.py checks the two agree.

The plan itself is written from its own values by :mod:`medplan.render.plan_json`,
which uses :func:`write_nested` for the values a plan carries as JSON (the
request, the policy's mappings) and :func:`dumps_indented` for a plan whose
values are not of the types its writers expect.
"""

from __future__ import annotations

import json
import sys
from json.encoder import encode_basestring

__all__ = ["NotPlainJSONError", "dumps_indented", "write_nested"]

_INFINITY = float("inf")
_int_text = int.__repr__
_float_text = float.__repr__


class NotPlainJSONError(Exception):
    """The value holds something only json.dumps knows how to write."""


def dumps_indented(value: object) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte."""
    if _C_INDENTS:
        return json.dumps(value, indent=2, ensure_ascii=False)
    try:
        return write_nested(value, "\n")
    except (NotPlainJSONError, RecursionError):
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
    raise NotPlainJSONError


# A plan repeats the same few dozen keys in every medicine, check and event:
# each is encoded once, with its separator. Bounded, should a caller's
# mapping bring keys without end.
_KEYS: dict[str, str] = {}
_MAX_KEYS = 4096


def _key(key: object) -> str:
    if type(key) is not str:
        raise NotPlainJSONError
    text = encode_basestring(key) + ": "
    if len(_KEYS) < _MAX_KEYS:
        _KEYS[key] = text
    return text


def write_nested(value: object, indent: str) -> str:
    """``value`` as indented JSON, its nested lines starting with ``indent`` + 2 spaces.

    ``indent`` is the newline and spaces of the line the value is on. Raises
    :class:`NotPlainJSONError` (or RecursionError, nested too deep) for a value
    only ``json.dumps`` knows how to write.
    """
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
            + (encode_basestring(item) if type(item) is str else write_nested(item, inner))
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
                encode_basestring(item) if type(item) is str else write_nested(item, inner)
                for item in value  # type: ignore[attr-defined] # kind is list
            ]
        )
        + indent
        + "]"
    )
