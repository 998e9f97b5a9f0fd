"""The wheel's prebuilt drug-class table: the same table the CSV parses to, and used only when in step."""

from __future__ import annotations

import enum
import json

import attrs
import pytest

import medplan
from medplan.tables import drug_classes, loader, prebuilt
from medplan.tables.drug_classes import Table, parse_table

CSV, NAME = loader.read_data_file(None, "drug_classes.csv")
PARSED = parse_table(CSV, NAME)
# What the wheel carries (None in a checkout's copy, as mutmut runs it), and the same made here.
INSTALLED = loader.bundled_bytes(prebuilt.FILE)
DATA = prebuilt.dump(PARSED, CSV)


class Colour(enum.StrEnum):
    """An enumeration for the round trip."""

    RED = "red"


@attrs.frozen(kw_only=True)
class Holder:
    """Every kind of value a table holds, and the ones a file must keep apart (1, 1.0, True)."""

    number: object
    real: object
    flag: object
    nothing: object
    words: object
    pairs: object
    names: object
    colour: object
    inner: object = None


def _kept(attribute, _value=None):
    """Whether a field holds the table's data: a row's words are made when first asked for (a memo), so which are made differs."""
    return attribute.name != "_described"


def _types(value):
    """The value's types, all the way down, so 1 and 1.0 are told apart."""
    if attrs.has(type(value)):
        return (type(value), *(_types(getattr(value, a.name)) for a in attrs.fields(type(value)) if _kept(a)))
    if isinstance(value, dict):
        return (dict, *((_types(k), _types(v)) for k, v in value.items()))
    if isinstance(value, tuple | list | frozenset):
        return (type(value), *(_types(v) for v in sorted(value, key=repr)))
    return type(value)


HOLDER = Holder(
    number=1,
    real=1.0,
    flag=True,
    nothing=None,
    words=["a", "b", 1],
    pairs={"x": (1, 1.0, True), 2: "y"},
    names=frozenset({"b", "a"}),
    colour=Colour.RED,
    inner=Holder(number=1, real=1.0, flag=True, nothing=None, words=[], pairs={}, names=frozenset(), colour=Colour.RED),
)


def _file(value, classes=None, form=3):
    """The bytes of a prebuilt file holding ``value``, made from the CSV, with its format or classes replaced where given."""
    head, newline, text = prebuilt.dump(value, CSV).partition(b"\n")
    _, sizes, own_classes, pool = json.loads(head)
    header = [form, sizes, own_classes if classes is None else classes]
    return json.dumps([*header, pool]).encode("utf-8") + newline + text


@pytest.mark.skipif("site-packages" not in medplan.__file__, reason="only an installed wheel carries the prebuilt table")
def test_the_installed_wheel_carries_the_prebuilt_table():
    """The wheel's build wrote the table beside the CSV, as this checkout would write it, and it is read."""
    assert INSTALLED == DATA
    assert prebuilt.load(INSTALLED, CSV, NAME) == PARSED


def test_the_table_made_here_reads_back_as_parsed():
    """The prebuilt form of the parsed table reads back equal to it."""
    assert prebuilt.load(DATA, CSV, NAME) == PARSED


def test_the_bundled_table_is_the_table_the_csv_parses_to():
    """The table read at start-up equals the parsed CSV in every compared field, and resolves names alike."""
    table = medplan.default_table()

    assert table == PARSED
    assert [attrs.asdict(r, filter=_kept) for r in table.rules] == [attrs.asdict(r, filter=_kept) for r in PARSED.rules]
    assert _types(table) == _types(PARSED)
    for name in ("ELIQUIS", "warfarin", "B01AF02", "Ozempic", "Clexane 40 mg"):
        assert table.resolve(name) == PARSED.resolve(name)
        assert table.match(name) == PARSED.match(name)


def test_every_kind_of_value_reads_back_as_it_was_written(monkeypatch):
    """Objects, enums, lists, tuples, dicts, sets, None, and 1, 1.0 and True kept apart, read back equal and of the same types."""
    # The file names only medplan's classes; this test's are let in by name.
    own = {f"{__name__}:{cls.__qualname__}": cls for cls in (Holder, Colour)}
    monkeypatch.setattr(prebuilt, "_class", own.__getitem__)
    read = prebuilt.load(_file(HOLDER), CSV, NAME)

    assert read == HOLDER
    assert _types(read) == _types(HOLDER)
    assert read.inner.colour is Colour.RED


def test_a_value_it_cannot_write_is_refused():
    """A value that is no plain data, container, enum or attrs object is refused when the file is made."""
    with pytest.raises(TypeError, match=r"^cannot prebuild a complex$"):
        prebuilt.dump((1, 2j), CSV)


def test_a_csv_changed_since_the_build_is_parsed():
    """A CSV whose text differs from the one the table was built from, by one letter, is not answered from the file."""
    edited = CSV.replace("Eliquis", "Eliqvis", 1)

    assert prebuilt.load(DATA, edited, NAME) is None


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("not JSON", b"\x00not JSON"),
        ("not UTF-8", b"\xff\xfe"),
        ("another shape", b"[1, 2]"),
        ("another format", _file(PARSED, form=2)),
        ("a class with other fields", _file(PARSED, classes=[["medplan.tables.drug_classes:Resolution", ["drug"]]])),
        ("a class no longer there", _file(PARSED, classes=[["medplan.tables.drug_classes:Gone", []]])),
        ("a class outside medplan", _file(PARSED, classes=[["collections:OrderedDict", []]])),
        ("a value no longer there", prebuilt.pack([[1, "medplan.model:Action", "pause"]], [], CSV)),
        ("a node of no kind", prebuilt.pack([[9]], [], CSV)),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_file_out_of_step_with_the_classes_is_not_read(case, data):
    """A file that is not JSON data, of another format, or made for other classes or values gives None, not a table."""
    assert case
    assert prebuilt.load(data, CSV, NAME) is None


def test_without_the_file_the_csv_is_parsed(monkeypatch):
    """A package without the prebuilt file (an editable install) parses the CSV."""
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: None)

    assert drug_classes.load_table() == PARSED


def test_a_file_holding_no_table_is_not_used(monkeypatch):
    """A file in step with the CSV that holds something other than a table is passed over for the CSV."""
    data = prebuilt.pack([[2]], [], CSV)  # an empty tuple
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: data)

    assert isinstance(drug_classes.load_table(), Table)
    assert drug_classes.load_table() == PARSED


def test_a_missing_bundled_file_is_none_and_a_present_one_is_read_either_way(monkeypatch):
    """bundled_bytes gives None for a file the package lacks, and the same bytes beside the module or through importlib.resources."""
    assert loader.bundled_bytes("no-such-file.prebuilt") is None
    monkeypatch.setattr(loader, "_AS_FILES", False)

    assert loader.bundled_bytes(prebuilt.FILE) == INSTALLED
    assert loader.bundled_bytes("no-such-file.prebuilt") is None
