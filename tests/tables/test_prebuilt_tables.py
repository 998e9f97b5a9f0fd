"""The wheel's other prebuilt tables: each the table its CSV parses to, and used only when in step.

The drug-class table's own tests (and the file format's) are in test_prebuilt.py;
these check the catalogue, the care sets, the thrombotic-risk table and the
clinical checks, which the wheel carries prebuilt the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import attrs
import pytest

import medplan
from medplan.tables import care, clinical_checks, loader, prebuilt, procedures, thrombotic_risk


@attrs.frozen(kw_only=True)
class Kind:
    """One prebuilt table: its module, bundled CSV, loader, parser and class."""

    module: ModuleType
    csv: str
    load: Callable[..., object]
    parse: Callable[[str, str], object]
    cls: type


KINDS = [
    pytest.param(
        Kind(module=procedures, csv="procedures.csv", load=procedures.load_catalogue, parse=procedures.parse_catalogue, cls=procedures.Catalogue),
        id="procedures",
    ),
    pytest.param(Kind(module=care, csv="care.csv", load=care.load_care, parse=care.parse_care, cls=care.CareSets), id="care"),
    pytest.param(
        Kind(
            module=thrombotic_risk,
            csv="thrombotic_risk.csv",
            load=thrombotic_risk.load_risk_table,
            parse=thrombotic_risk.parse_risk_table,
            cls=thrombotic_risk.RiskTable,
        ),
        id="thrombotic-risk",
    ),
    pytest.param(
        Kind(
            module=clinical_checks,
            csv="clinical_checks.csv",
            load=clinical_checks.load_clinical_checks,
            parse=clinical_checks.parse_clinical_checks,
            cls=clinical_checks.ClinicalChecks,
        ),
        id="clinical-checks",
    ),
]


def _text(kind):
    return loader.read_data_file(None, kind.csv)[0]


def _parsed(kind):
    return kind.parse(_text(kind), kind.csv)


def _types(value):
    """The value's types, all the way down, so 1 and 1.0 are told apart."""
    if attrs.has(type(value)):
        return (type(value), *(_types(getattr(value, a.name)) for a in attrs.fields(type(value))))
    if isinstance(value, dict):
        return (dict, *((_types(k), _types(v)) for k, v in value.items()))
    if isinstance(value, tuple | list | frozenset):
        return (type(value), *(_types(v) for v in sorted(value, key=repr)))
    return type(value)


def test_every_prebuilt_table_is_checked():
    """The tables the wheel carries prebuilt are the drug-class table and the ones below."""
    assert set(prebuilt.TABLES) == {"drug_classes.csv", *(p.values[0].csv for p in KINDS)}


@pytest.mark.skipif("site-packages" not in medplan.__file__, reason="only an installed wheel carries the prebuilt tables")
@pytest.mark.parametrize("kind", KINDS)
def test_the_wheel_carries_each_table_as_this_checkout_makes_it(kind):
    """The wheel's build wrote each table beside its CSV, as this checkout would write it."""
    assert loader.bundled_bytes(prebuilt.file_for(kind.csv)) == prebuilt.dump(_parsed(kind), _text(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_the_bundled_table_is_the_table_the_csv_parses_to(kind):
    """The table the loader gives equals the parsed CSV, value types included."""
    loaded = kind.load()

    assert isinstance(loaded, kind.cls)
    assert loaded == _parsed(kind)
    assert _types(loaded) == _types(_parsed(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_without_the_file_the_csv_is_parsed(kind, monkeypatch):
    """A package without the prebuilt file (an editable install) parses the CSV."""
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: None)

    assert kind.load() == _parsed(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_holding_no_table_is_not_used(kind, monkeypatch):
    """A file in step with the CSV that holds something other than its table is passed over for the CSV."""
    data = prebuilt.pack([[2]], [], _text(kind))  # an empty tuple
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: data)

    loaded = kind.load()

    assert isinstance(loaded, kind.cls)
    assert loaded == _parsed(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_table_named_by_path_is_parsed(kind, monkeypatch):
    """A table file given by its path is parsed from it, never answered from the wheel's prebuilt form."""
    monkeypatch.setattr(loader, "bundled_bytes", lambda _name: pytest.fail("the prebuilt file was read"))
    path = loader.package_files() / "data" / kind.csv

    assert kind.load(path) == kind.parse(*loader.read_data_file(path, kind.csv))
