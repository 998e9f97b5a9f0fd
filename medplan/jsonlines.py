"""Reading a request's JSON text: strict JSON, and each key of an object given once.

Python's decoder keeps the last of two equal keys, so a request giving
``"medications"`` twice would be planned from the second list alone, and
nobody would know the first was sent. Every reader of a request (the command
line, ``medplan batch``, the service's bodies, FHIR bundles and CDS Hooks
calls) decodes with :func:`decode`, which refuses such a text and names the
key's path (``medications[0].name``).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from typing import IO, Any, NoReturn, Self

from medplan.exceptions import InputError

__all__ = [
    "MAX_PLAN_BYTES",
    "MAX_REQUEST_BYTES",
    "DuplicateKeyError",
    "NumberBeyondRange",
    "decode",
    "error_record",
    "line_request",
    "number_as_sent",
    "read_lines",
    "request_object",
]

# A number shown in a message is cut to its first and last digits beyond this.
_SHOWN_CHARACTERS = 24


class DuplicateKeyError(InputError):
    """A JSON object gives the same key twice; ``field`` is the key's path."""


class NumberBeyondRange(float):
    """A number the JSON text gives that Python cannot hold as it was sent.

    An integer longer than Python converts from text (4,300 digits), or a
    number beyond any float (``1e400``). It is infinite, so that every range
    check refuses it, and keeps ``text``, so that the refusal shows what was
    sent (:func:`number_as_sent`) and names the field, rather than the whole
    text being refused as unreadable.
    """

    text: str

    def __new__(cls, text: str) -> Self:
        """The number as sent, valued at the infinity of its sign."""
        number = super().__new__(cls, -math.inf if text.startswith("-") else math.inf)
        number.text = text
        return number


def number_as_sent(value: float) -> str:
    """A number as the caller sent it, cut short with an ellipsis when long; never rounded.

    >>> number_as_sent(500.00001), number_as_sent(NumberBeyondRange("9" * 5000))
    ('500.00001', '999999999999…999999 (5000 characters)')
    """
    if isinstance(value, NumberBeyondRange):
        text = value.text
    elif isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as the same float
    else:
        try:
            text = str(value)
        except ValueError:  # an integer a Python caller made, beyond the text limit
            return f"an integer of {value.bit_length():,} bits"
    if len(text) <= _SHOWN_CHARACTERS:
        return text
    return f"{text[:12]}…{text[-6:]} ({len(text)} characters)"


def _integer(text: str) -> int | float:
    limit = sys.get_int_max_str_digits()
    if limit and len(text) > limit:
        return NumberBeyondRange(text)
    return int(text)


def _float(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else NumberBeyondRange(text)


class _NotJSONNumberError(ValueError):
    pass


class _DuplicateSeenError(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    # Python's decoder accepts NaN and Infinity; JSON does not.
    raise _NotJSONNumberError(name)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _DuplicateSeenError
    return data


class _Pairs(list[tuple[str, Any]]):
    """An object's members in the order given, duplicates and all (only to find a duplicate's path)."""


def _shown(key: str) -> str:
    return key if key.isprintable() and key.strip() == key and key else repr(key)


def _first_duplicate(value: object, path: str) -> str | None:
    """The path of the first key given twice, in the order of the text; None when there is none."""
    if isinstance(value, _Pairs):
        seen: set[str] = set()
        for key, item in value:
            where = f"{path}.{_shown(key)}" if path else _shown(key)
            if key in seen:
                return where
            seen.add(key)
            if (found := _first_duplicate(item, where)) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _first_duplicate(item, f"{path}[{index}]")) is not None:
                return found
    return None


def decode(text: str, label: str) -> object:
    """``text`` as JSON data: strict JSON (no NaN), no key twice in an object, a leading BOM ignored.

    Args:
        text: The JSON text.
        label: What the text is (a file name, ``stdin``, ``body``), for the error.

    Raises:
        DuplicateKeyError: An object gives a key twice; its field is the key's path.
        InputError: The text is not JSON; its field is ``label``.

    >>> decode('{"medications": [{"name": "warfarin", "name": "aspirin"}]}', "stdin")
    Traceback (most recent call last):
    medplan.jsonlines.DuplicateKeyError: medications[0].name: is given twice; a JSON object must give each key once
    """
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_int=_integer,
            parse_float=_float,
            object_pairs_hook=_unique,
        )
    except json.JSONDecodeError as error:
        problem = f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        raise InputError(label, problem) from None
    except _NotJSONNumberError as error:
        raise InputError(label, f"not valid JSON ({error} is not a number JSON allows)") from None
    except RecursionError:
        raise InputError(label, "not valid JSON (nested too deeply)") from None
    except _DuplicateSeenError:
        pass
    # Only a text with a duplicate gets here: it is read again, keeping every member, to name it.
    pairs = json.loads(text, parse_int=_integer, parse_float=_float, object_pairs_hook=_Pairs)
    where = _first_duplicate(pairs, "")
    assert where is not None  # noqa: S101 - the first reading found a duplicate
    raise DuplicateKeyError(where, "is given twice; a JSON object must give each key once")


def request_object(data: object) -> dict[str, Any]:
    """``data`` if it is a JSON object, as every request must be; the one error otherwise."""
    if not isinstance(data, dict):
        raise InputError("request", "must be a JSON object")
    return data


# A request lists a handful of medicines; anything this large is not one.
# A stored plan carries its request and every dated step, so it may be larger.
MAX_REQUEST_BYTES = 1_000_000

MAX_PLAN_BYTES = 5_000_000


def read_lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """The input's lines as bytes, one at a time; None for a line over the size limit (skipped whole)."""
    while line := stream.readline(MAX_REQUEST_BYTES + 1):
        if len(line) > MAX_REQUEST_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(65536)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def error_record(number: int, error: Exception) -> dict[str, Any]:
    """The JSON Lines record for a line that was not planned: its number and what was wrong."""
    detail: dict[str, str | None]
    if isinstance(error, InputError):
        detail = {"type": "InputError", "field": error.field, "problem": error.problem}
    else:
        problem = f"{type(error).__name__}: {error}"
        detail = {"type": "InternalError", "field": None, "problem": problem}
    return {"line": number, "error": {**detail, "message": f"line {number}: {error}"}}


def line_request(raw: bytes | None) -> object:
    """A JSON Lines line as JSON data; None stands for a line over the size limit."""
    if raw is None:
        problem = f"is larger than {MAX_REQUEST_BYTES:,} bytes; a request is far smaller"
        raise InputError("request", problem)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 ({error.reason} at byte {error.start})"
        raise InputError("request", problem) from None
    return decode(text, "request")
