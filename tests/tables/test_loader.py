"""Tests of ``medplan.tables.loader.read_records`` against csv.DictReader, which it used to be built on.

read_records splits a file with the plain csv reader, for speed; these tests
check it gives the records, row numbers and errors the DictReader version gave,
for every bundled file and for copies broken or padded in the ways a
spreadsheet export can be.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from importlib import resources

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medplan
from medplan.tables import loader
from medplan.tables.loader import RowError, integer_cell, number_cell, read_records

DATA = resources.files("medplan") / "data"
BUNDLED = sorted(e.name for e in DATA.iterdir() if e.name.endswith(".csv"))


def dictreader_records(text, file, columns):
    """read_records as it was, on csv.DictReader: the reference."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise medplan.TableError(file, None, None, "is empty")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise medplan.TableError(file, 1, None, f"not valid CSV: {error}") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise medplan.TableError(file, 1, None, f"missing columns: {', '.join(missing)}")
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise medplan.TableError(file, 1, None, f"unknown columns: {', '.join(unknown)}")
    if len(set(header)) != len(header):
        raise medplan.TableError(file, 1, None, "a column is named twice")
    records = []
    row = 1
    try:
        for row, raw in enumerate(reader, start=2):
            if None in raw or any(v is None for v in raw.values()):
                more = None in raw
                raise medplan.TableError(
                    file, row, None, f"has {'more' if more else 'fewer'} cells than the header"
                )
            records.append((row, {k: v.strip() for k, v in raw.items()}))
    except csv.Error as error:
        raise medplan.TableError(file, row + 1, None, f"not valid CSV: {error}") from None
    if not records:
        raise medplan.TableError(file, None, None, "has no rows")
    return records, f"{file} sha256:{digest}"


def outcome(reader, text, columns):
    try:
        return reader(text, "f.csv", columns)
    except medplan.TableError as error:
        return str(error)


def columns_of(text):
    return next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def variants(text):
    """The file, and copies of it as exports and hand edits leave them."""
    lines = text.splitlines(keepends=True)
    yield text
    yield "\ufeff" + text
    yield text.replace("\n", "\r\n")
    yield lines[0] + "\n" + "".join(lines[1:]) + "\n\n"  # blank lines
    yield "".join(lines[:2]) + "\n\n" + "".join(lines[2:])
    yield lines[0] + lines[1].rstrip("\r\n") + ",extra\n" + "".join(lines[2:])  # a cell too many
    yield lines[0] + lines[1].rsplit(",", 1)[0] + "\n" + "".join(lines[2:])  # a cell short
    yield "".join(lines[:2]) + 'x,"unterminated\n'
    yield lines[0]  # header only
    yield "\n" + text  # a blank first line: the header is missing
    yield "   \n"


@pytest.mark.parametrize("name", BUNDLED)
def test_records_are_what_dictreader_gave(name):
    """For each bundled file and each broken copy, read_records gives DictReader's records or error."""
    text = (DATA / name).read_text(encoding="utf-8")
    columns = columns_of(text)
    for variant in variants(text):
        assert outcome(read_records, variant, columns) == outcome(
            dictreader_records, variant, columns
        )


cells = st.text(alphabet=st.sampled_from('ab ,"\n\r'), max_size=12)


@settings(deadline=None)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=4), max_size=5), raw=st.booleans())
def test_any_small_file_reads_as_with_dictreader(rows, raw):
    """Any small file, well-formed or not, gives what DictReader gave: the same records or error."""
    if raw:  # arbitrary text, quotes and all
        text = "a,b,c\n" + "\n".join(",".join(row) for row in rows)
    else:
        out = io.StringIO()
        csv.writer(out).writerows([["a", "b", "c"], *rows])
        text = out.getvalue()
    columns = ("a", "b", "c")
    assert outcome(read_records, text, columns) == outcome(dictreader_records, text, columns)


@attrs.frozen(kw_only=True)
class BrokenHeaderCase:
    """One case of test_a_broken_header_is_refused_as_row_1: text, message."""

    text: str
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(BrokenHeaderCase(text='a,"b"c\n1,2\n', message="f.csv, row 1: not valid CSV: ',' expected after '\"'"), id="header-not-csv"),
        pytest.param(BrokenHeaderCase(text="a,b,a\n1,2,3\n", message="f.csv, row 1: a column is named twice"), id="column-twice"),
    ],
)
def test_a_broken_header_is_refused_as_row_1(case):
    """A header that is not CSV, or names a column twice, is refused as row 1."""
    with pytest.raises(medplan.TableError) as info:
        read_records(case.text, "f.csv", ("a", "b"))

    assert str(info.value) == case.message


@attrs.frozen(kw_only=True)
class NumberCellCase:
    """One case of test_a_number_cell_names_what_is_wrong: cell, raw, problem."""

    cell: object
    raw: str
    problem: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(NumberCellCase(cell=number_cell, raw="ten", problem="must be a number (got 'ten')"), id="number-not-a-number"),
        pytest.param(NumberCellCase(cell=integer_cell, raw="1.5", problem="must be a whole number (got '1.5')"), id="integer-not-whole"),
        pytest.param(NumberCellCase(cell=integer_cell, raw="31", problem="must be between -30 and 30 (got '31')"), id="integer-out-of-range"),
    ],
)
def test_a_number_cell_names_what_is_wrong(case):
    """A number cell that is not one, or is outside its bounds, is refused with the cell as written."""
    with pytest.raises(RowError) as info:
        case.cell("first_day", case.raw, low=-30, high=30)

    assert (info.value.column, info.value.problem) == ("first_day", case.problem)


def test_a_package_not_installed_as_files_is_read_through_importlib_resources(monkeypatch):
    """Imported some other way than from files (from a zip, say), the package's folder and data come from importlib.resources."""
    monkeypatch.setattr(loader, "_AS_FILES", False)

    assert loader.package_files() == resources.files("medplan")
    assert loader.data_text(None, "care.csv") == (DATA / "care.csv").read_text(encoding="utf-8")


@given(st.text(alphabet="+-0123456789 _.a\u0663\u00b2\uff11", min_size=1, max_size=6))
def test_a_whole_number_cell_is_read_as_the_pattern_reads_it(raw):
    """integer_cell takes a cell exactly when re.fullmatch(r"[+-]?[0-9]+") does: ASCII digits after a sign, nothing else."""
    if re.fullmatch(r"[+-]?[0-9]+", raw) is None:
        with pytest.raises(RowError) as info:
            integer_cell("first_day", raw, low=-(10**6), high=10**6)
        assert info.value.problem == f"must be a whole number (got {raw!r})"
    else:
        assert integer_cell("first_day", raw, low=-(10**6), high=10**6) == int(raw)
