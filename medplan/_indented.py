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


def _scalar(value: object) -> str | None:
    """A value that is not a container as JSON text; None for a list or dict."""
    if type(value) is str:
        text: str = encode_basestring(value)
        return text
    if type(value) is int:
        return _int_text(value)
    if type(value) is float and value == value and value not in (_INFINITY, -_INFINITY):  # noqa: PLR0124 - not NaN
        return _float_text(value)
    if type(value) is list or type(value) is dict:
        return None
    if value is None or type(value) is bool:
        return "null" if value is None else ("true" if value else "false")
    raise _NotPlainJSONError


def _value(value: object, indent: str) -> str:
    """``value`` as indented JSON, its nested lines starting with ``indent`` + 2 spaces."""
    text = _scalar(value)
    if text is not None:
        return text
    inner = indent + "  "
    if type(value) is dict:
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlainJSONError
            shown = _scalar(item)
            items.append(
                f"{encode_basestring(key)}: {_value(item, inner) if shown is None else shown}"
            )
        return "{" + inner + ("," + inner).join(items) + indent + "}"
    assert type(value) is list  # noqa: S101 - _scalar returns None only for a list or dict
    if not value:
        return "[]"
    return "[" + inner + ("," + inner).join([_value(item, inner) for item in value]) + indent + "]"
