"""The wheel's prebuilt bridging tables: one table of two CSVs, used only when in step with both."""

from __future__ import annotations

import attrs
import pytest

import medplan
from medplan.tables import loader, prebuilt
from medplan.tables.bridging_doses import (
    BridgingTables,
    load_bridging_tables,
    parse_bridging_tables,
)

DOSES, PATHWAY = prebuilt.BRIDGING
TEXTS = [loader.read_data_file(None, DOSES)[0], loader.read_data_file(None, PATHWAY)[0]]
PARSED = parse_bridging_tables(TEXTS[0], DOSES, TEXTS[1], PATHWAY)
FILE = prebuilt.file_for(DOSES)


def _types(value):
    """The value's types, all the way down, so 1 and 1.0 are told apart."""
    if attrs.has(type(value)):
        return (type(value), *(_types(getattr(value, a.name)) for a in attrs.fields(type(value))))
    if isinstance(value, dict):
        return (dict, *((_types(k), _types(v)) for k, v in value.items()))
    if isinstance(value, tuple | list):
        return (type(value), *(_types(v) for v in value))
    return type(value)


@pytest.mark.skipif("site-packages" not in medplan.__file__, reason="only an installed wheel carries the prebuilt tables")
def test_the_wheel_carries_the_bridging_tables_as_this_checkout_makes_them():
    """The wheel's build wrote the two CSVs' table beside the first, as this checkout would write it."""
    assert loader.bundled_bytes(FILE) == prebuilt.dump(PARSED, TEXTS)


def test_the_bundled_tables_are_the_tables_the_csvs_parse_to():
    """The tables the loader gives equal the parsed CSVs, value types included."""
    loaded = load_bridging_tables()

    assert isinstance(loaded, BridgingTables)
    assert loaded == PARSED
    assert _types(loaded) == _types(PARSED)


def test_tables_made_here_read_back_as_parsed():
    """The prebuilt form of the parsed tables reads back equal to them, given both texts in order."""
    data = prebuilt.dump(PARSED, TEXTS)

    assert prebuilt.load(data, TEXTS, DOSES) == PARSED
    assert prebuilt.load(data, TEXTS[::-1], DOSES) is None


def test_the_same_characters_cut_elsewhere_are_other_texts():
    """Two CSVs whose joined text is the file's, but cut at another place, are not the texts it was made from."""
    data = prebuilt.dump(PARSED, TEXTS)
    moved = [TEXTS[0] + TEXTS[1][:1], TEXTS[1][1:]]

    assert "".join(moved) == "".join(TEXTS)
    assert prebuilt.load(data, moved, DOSES) is None


def test_either_csv_changed_since_the_build_means_both_are_parsed(monkeypatch):
    """A file made from other text of either CSV is passed over, and the bundled CSVs are parsed."""
    for edited in ([TEXTS[0] + "\n", TEXTS[1]], [TEXTS[0], TEXTS[1].replace("0", "1", 1)]):
        data = prebuilt.dump(PARSED, edited)
        assert prebuilt.load(data, TEXTS, DOSES) is None
        monkeypatch.setattr(loader, "bundled_bytes", lambda _name, data=data: data)
        assert load_bridging_tables() == PARSED


def test_without_the_file_the_csvs_are_parsed(monkeypatch):
    """A package without the prebuilt file (an editable install) parses both CSVs."""
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: None)

    assert load_bridging_tables() == PARSED


def test_a_file_holding_no_tables_is_not_used(monkeypatch):
    """A file in step with both CSVs that holds something other than the tables is passed over for the CSVs."""
    data = prebuilt.pack([[2]], [], TEXTS)  # an empty tuple
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: data)

    loaded = load_bridging_tables()

    assert isinstance(loaded, BridgingTables)
    assert loaded == PARSED


@pytest.mark.parametrize("given", ["doses", "pathway"])
def test_a_csv_named_by_path_is_parsed(given, monkeypatch):
    """Either CSV given by its path means both are parsed, never answered from the wheel's prebuilt form."""
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: pytest.fail("the prebuilt file was read"))
    path = loader.package_files() / "data" / (DOSES if given == "doses" else PATHWAY)

    assert load_bridging_tables(**{given: path}) == PARSED
