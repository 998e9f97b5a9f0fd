"""The bundled drug-class table, validated when the wheel is built, read back at start-up.

Parsing and validating ``drug_classes.csv`` is some 44M instructions, a tenth
of a one-shot ``medplan plan``. ``hatch_build.py`` parses it while it builds
the wheel and writes the validated table as ``medplan/data/drug_classes.prebuilt.json``
(plain JSON data: nothing in it is run); the first plan of a process reads
that back with less than half the work.

It is used only when it is in step, else the CSV is parsed as before:

- it holds the text of the CSV it was made from (after the JSON, as bytes),
  which must equal the CSV the package holds now (a CSV edited after the
  build is parsed, not read from a stale table); equal texts are a cheaper
  proof than equal digests: taking the CSV's SHA-256 at every start-up was
  some 5M instructions;
- it records the fields of every class it holds, compared with the classes
  as they are now (a field added, removed or renamed since means it is not
  read);
- anything it cannot rebuild exactly (a class or value that no longer
  exists) falls back to the CSV.

tests/tables/test_prebuilt.py checks that what it reads back equals the
parsed table, and each of the fallbacks.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import attrs

from medplan.tables import loader

__all__ = ["BRIDGING", "FILE", "TABLES", "bundled", "dump", "file_for", "load", "pack"]

# The bundled tables the wheel carries prebuilt, each made from one CSV.
TABLES = (
    "drug_classes.csv",
    "procedures.csv",
    "care.csv",
    "thrombotic_risk.csv",
    "clinical_checks.csv",
)


# And the one table made of two CSVs, carried as the first one's prebuilt file.
BRIDGING = ("bridging_doses.csv", "warfarin_pathway.csv")


def file_for(csv: str) -> str:
    """The name of the prebuilt file the wheel carries for the bundled table ``csv``."""
    return csv.removesuffix(".csv") + ".prebuilt.json"


FILE = file_for("drug_classes.csv")

# Bumped when the encoding below changes; a file of another format is not read.
# (Format 1 held the table's version, naming the CSV's digest; 2 held its text
# in the JSON, where 3 holds its length there and the text after the JSON's
# line: decoding it as a JSON string, escapes and all, was about 1.5M
# instructions of a one-shot plan across the six files, and comparing bytes
# costs next to nothing.)
_FORMAT = 3

# The file holds a pool of nodes, each one value: an attrs object, an enum
# member or a container, as a list of its tag and its parts. A part is plain
# data (str, int, float, bool, None) or a 1-list naming an earlier node, so
# a value met many times (an interval, a drug's resolution) is one node, made
# once when read back; the last node is the table.
_OBJECT, _ENUM, _TUPLE, _LIST, _DICT, _FROZENSET = range(6)
_CONTAINERS = ((tuple, _TUPLE), (list, _LIST), (frozenset, _FROZENSET))


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


class _Encoder:
    """Writes values into the pool, each distinct node once."""

    def __init__(self) -> None:
        self.pool: list[tuple[Any, ...]] = []
        self.classes: dict[str, tuple[str, ...]] = {}
        self._index: dict[str, int] = {}

    def _node(self, node: tuple[Any, ...]) -> list[int]:
        # Keyed by the node's JSON text, not the node: 1, 1.0 and True are
        # equal keys of a dict, and must stay three values (JSON keeps them apart).
        key = json.dumps(node)
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.pool)
            self.pool.append(node)
        return [index]

    def part(self, value: object) -> Any:  # noqa: ANN401 - JSON data
        """``value`` as a part: itself when plain, else a reference to its node."""
        cls = type(value)
        if isinstance(value, enum.Enum):
            return self._node((_ENUM, _name(cls), value.value))
        if attrs.has(cls):
            fields = [a for a in attrs.fields(cls) if a.init]
            self.classes[_name(cls)] = tuple(a.alias for a in fields)
            parts = (self.part(getattr(value, a.name)) for a in fields)
            return self._node((_OBJECT, _name(cls), *parts))
        if isinstance(value, Mapping):
            pairs = ((self.part(k), self.part(v)) for k, v in value.items())
            return self._node((_DICT, *pairs))
        for kind, tag in _CONTAINERS:
            if isinstance(value, kind):
                # A set's order is its hash's; sorted, the file is the same from build to build.
                items = sorted(value) if kind is frozenset else value
                return self._node((tag, *(self.part(v) for v in items)))
        if value is None or isinstance(value, str | int | float):
            return value
        problem = f"cannot prebuild a {cls.__name__}"
        raise TypeError(problem)


def dump(table: object, text: str | list[str]) -> bytes:
    """The table as the wheel carries it: the classes' fields and its nodes, then the text it was parsed from.

    ``text`` is its CSV's, or for a table of several CSVs their texts in order.
    """
    encoder = _Encoder()
    encoder.part(table)
    classes = tuple(sorted(encoder.classes.items()))
    return pack(encoder.pool, classes, text)


def _sizes(text: str | list[str]) -> int | list[int]:
    # Each text's length, so that two texts joined are told from the same
    # characters cut elsewhere.
    return len(text) if isinstance(text, str) else [len(t) for t in text]


def _joined(text: str | list[str]) -> bytes:
    return (text if isinstance(text, str) else "".join(text)).encode("utf-8")


def pack(pool: Sequence[object], classes: Sequence[object], text: str | list[str]) -> bytes:
    """A prebuilt file: a line of JSON (format, texts' lengths, classes' fields, nodes), then the texts.

    JSON escapes every newline inside a string, so the first newline ends the line.
    """
    head = json.dumps([_FORMAT, _sizes(text), classes, pool], ensure_ascii=False, allow_nan=False)
    return head.encode("utf-8") + b"\n" + _joined(text)


def _class(name: str) -> Any:  # noqa: ANN401 - a medplan class named in the file
    module, _, qualname = name.partition(":")
    if not module.startswith("medplan."):
        raise LookupError(name)
    found: Any = sys.modules[module]
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


_MAKERS = {_TUPLE: tuple, _LIST: list, _FROZENSET: frozenset}


def _decode(pool: list[list[Any]], classes: Mapping[str, list[str]]) -> object:
    """The last node of the pool, every node made once, in order (a node's parts come before it)."""
    made: list[object] = []
    found: dict[str, Any] = {}
    # Each class with its init fields' names, interned: a keyword is then
    # matched to its parameter by identity; the names as JSON decodes them
    # would each be compared, as text, with every parameter before it (a row has 28).
    fields: dict[str, tuple[Any, tuple[str, ...]]] = {}
    for node in pool:
        tag = node[0]
        if tag == _OBJECT:
            name = node[1]
            known = fields.get(name)
            if known is None:
                known = fields[name] = (_class(name), tuple(map(sys.intern, classes[name])))
            cls, names = known
            # One dict, made as the parts are read (no list of them, then a dict of the list).
            made.append(
                cls(
                    **{
                        field: made[p[0]] if type(p) is list else p
                        for field, p in zip(names, node[2:], strict=True)
                    }
                )
            )
        elif tag == _ENUM:
            name = node[1]
            cls = found.get(name)
            if cls is None:
                cls = found[name] = _class(name)
            made.append(cls(node[2]))
        elif tag == _DICT:
            made.append(
                {
                    made[k[0]] if type(k) is list else k: made[v[0]] if type(v) is list else v
                    for k, v in node[1:]
                }
            )
        else:
            parts = [made[p[0]] if type(p) is list else p for p in node[1:]]
            made.append(_MAKERS[tag](parts))
    return made[-1]


def _in_step(classes: list[list[Any]]) -> bool:
    """Whether every class the file holds has the init fields it had when the file was made."""
    try:
        return all(
            [a.alias for a in attrs.fields(_class(name)) if a.init] == fields
            for name, fields in classes
        )
    except (LookupError, AttributeError, TypeError):
        return False


def load(data: bytes, text: str | list[str], file: str) -> Any:  # noqa: ANN401, ARG001 - the table, or None; the file's name is in its table's version
    """The prebuilt table, if it was made from ``text`` (the CSV ``file``'s) by classes as they are now; else None."""
    head, _, texts = data.partition(b"\n")
    try:
        form, sizes, classes, encoded = json.loads(head)
    except (ValueError, TypeError):
        return None
    if form != _FORMAT or sizes != _sizes(text) or texts != _joined(text):
        return None
    if not _in_step(classes):
        return None
    try:
        return _decode(encoded, dict(classes))
    except (LookupError, AttributeError, TypeError, ValueError):
        return None


_T = TypeVar("_T")


def bundled(file: str, text: str | list[str], cls: type[_T]) -> _T | None:
    """The wheel's prebuilt ``cls`` for the bundled CSV ``file``, if made from ``text``; else None.

    The wheel's build validated it; read it only when it is in step with the
    CSV the package carries, so an edited CSV is parsed as it stands.
    """
    data = loader.bundled_bytes(file_for(file))
    table = None if data is None else load(data, text, file)
    return table if isinstance(table, cls) else None
