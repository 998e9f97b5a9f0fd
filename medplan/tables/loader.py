"""Reading medplan's CSV data files: all or nothing, every error naming file, row and column.

The drug-class table and the procedure catalogue share this: the header must
have exactly the expected columns, each record becomes a mapping of stripped
cells, and rows are numbered as a spreadsheet numbers them (the header is row
1), whatever newlines a quoted cell holds.
"""

from __future__ import annotations

import enum
import functools
import importlib
import io
import os
from collections.abc import Callable, Mapping, Sequence
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
from typing import TYPE_CHECKING, Any, TypeVar

from medplan._lazyre import LazyPattern
from medplan.exceptions import TableError

if TYPE_CHECKING:
    # Only named in annotations: a one-shot plan of the bundled data should not
    # pay for importing pathlib and importlib.resources (several ms together).
    from importlib.resources.abc import Traversable
    from pathlib import Path

__all__ = [
    "Records",
    "RowError",
    "bundled_bytes",
    "enum_cell",
    "integer_cell",
    "names_cell",
    "number_cell",
    "parse_rows",
    "read_data_file",
    "read_records",
    "slug_cell",
    "text_digest",
]

E = TypeVar("E", bound=enum.Enum)
R = TypeVar("R")
# Compiled on first use: a plan reads its tables prebuilt and checks no cell.
_SLUG = LazyPattern(r"[a-z0-9]+(?:[-.:][a-z0-9]+)*")

Records = list[tuple[int, dict[str, str]]]

# CPython's own SHA-256 (3.12 names its module _sha2, 3.11 _sha256): hashlib
# would load OpenSSL, some 12M instructions of a one-shot plan's start-up, for
# the one digest each data file's version needs. The digest is the same.
_BUILTIN_SHA256 = ("_sha2", "_sha256")


def _find_sha256(modules: Sequence[str] = _BUILTIN_SHA256) -> Callable[[bytes], Any]:
    """The first of ``modules``' sha256 that imports; hashlib's when none does."""
    for name in modules:
        try:
            return importlib.import_module(name).sha256  # type: ignore[no-any-return]
        except ImportError:
            continue
    import hashlib  # noqa: PLC0415 - only where CPython's own is missing

    return hashlib.sha256


@functools.cache
def _sha256() -> Callable[[bytes], Any]:
    # Found on the first digest: a plan reads its tables prebuilt and takes
    # none, and importing CPython's own module (a shared library) is about
    # 1.1M instructions of a one-shot plan.
    return _find_sha256()


def text_digest(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of ``text`` (UTF-8): a data file's version."""
    return str(_sha256()(text.encode("utf-8")).hexdigest()[:16])


class RowError(Exception):
    """A problem with one cell (or, with no column, one row), before the row number is known."""

    def __init__(self, column: str | None, problem: str) -> None:
        """Name the column and the problem."""
        super().__init__(problem)
        self.column = column
        self.problem = problem


def enum_cell(kind: type[E], column: str, raw: str, *, optional: bool = False) -> E | None:
    """A cell that must be one of an enumeration's values; empty means None when optional."""
    if not raw:
        if optional:
            return None
        raise RowError(column, "must not be empty")
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise RowError(column, f"must be one of {allowed} (got {raw!r})") from None


def number_cell(column: str, raw: str, *, low: float, high: float) -> float | None:
    """A number within bounds; None when empty."""
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise RowError(column, f"must be a number (got {raw!r})") from None
    if not low <= value <= high:
        raise RowError(column, f"must be between {low:g} and {high:g} (got {raw!r})")
    return value


def integer_cell(column: str, raw: str, *, low: int, high: int) -> int | None:
    """A whole number within bounds; None when empty."""
    if not raw:
        return None
    digits = raw[1:] if raw[0] in "+-" else raw
    # As re.fullmatch(r"[+-]?[0-9]+", raw) reads it (ASCII digits after a sign), with no
    # pattern to compile at start-up.
    if not (digits.isascii() and digits.isdigit()):
        raise RowError(column, f"must be a whole number (got {raw!r})")
    value = int(raw)
    if not low <= value <= high:
        raise RowError(column, f"must be between {low} and {high} (got {raw!r})")
    return value


def names_cell(column: str, raw: str) -> tuple[str, ...]:
    """A ``;``-separated list of names; empty means none."""
    names = tuple(n.strip() for n in raw.split(";")) if raw.strip() else ()
    if any(not n for n in names):
        raise RowError(column, f"has an empty name between ';' separators (got {raw!r})")
    return names


def slug_cell(column: str, raw: str) -> str:
    """An identifier: lower-case letters and digits, joined by ``-``, ``.`` or ``:``."""
    if _SLUG.fullmatch(raw) is None:
        problem = f"must be lower-case letters, digits and - . : (got {raw!r})"
        raise RowError(column, problem)
    return raw


def parse_rows(
    records: Records,
    file: str,
    parse_row: Callable[[Mapping[str, str], int], R],
    *,
    key_column: str,
    key: Callable[[R], str],
) -> list[R]:
    """Parse every record into a row, all or nothing, each row's key used once.

    Raises:
        TableError: For a cell's problem (:class:`RowError`), or a key already
            used by an earlier row, naming the file, row and column.
    """
    rows: list[R] = []
    seen: dict[str, int] = {}
    for number, cells in records:
        try:
            row = parse_row(cells, number)
        except RowError as error:
            raise TableError(file, number, error.column, error.problem) from None
        if key(row) in seen:
            problem = f"{key(row)!r} is already used at row {seen[key(row)]}"
            raise TableError(file, number, key_column, problem)
        seen[key(row)] = number
        rows.append(row)
    return rows


def read_records(text: str, file: str, columns: Sequence[str]) -> tuple[Records, str]:
    """Check the header and split the file into numbered records of stripped cells.

    Returns:
        The records, each with its row number, and the file's version: its
        name and a hash of its text.

    Raises:
        TableError: For a problem with the file, its header or a record's shape.
    """
    # Imported here: a plan reads every bundled table prebuilt, and parses no CSV.
    import csv  # noqa: PLC0415

    digest = text_digest(text)
    # A spreadsheet's "CSV UTF-8" export starts with a byte-order mark.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise TableError(file, None, None, "is empty")
    # The plain reader, with the records made into mappings here: it is C, where
    # csv.DictReader walks each row in Python. Blank lines are skipped, as
    # DictReader skips them.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise TableError(file, 1, None, f"not valid CSV: {error}") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise TableError(file, 1, None, f"missing columns: {', '.join(missing)}")
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise TableError(file, 1, None, f"unknown columns: {', '.join(unknown)}")
    if len(set(header)) != len(header):
        raise TableError(file, 1, None, "a column is named twice")
    records: Records = []
    row = 1
    try:
        for row, cells in enumerate(filter(None, reader), start=2):  # row is read after a csv.Error
            if len(cells) != len(header):
                more = len(cells) > len(header)
                raise TableError(
                    file, row, None, f"has {'more' if more else 'fewer'} cells than the header"
                )
            records.append((row, dict(zip(header, map(str.strip, cells), strict=True))))
    except csv.Error as error:
        # The reader fails inside the record after the last one it returned.
        raise TableError(file, row + 1, None, f"not valid CSV: {error}") from None
    if not records:
        raise TableError(file, None, None, "has no rows")
    return records, f"{file} sha256:{digest}"


# Installed as files, as pip installs the wheel, the package's folder is the
# one this module is in: what importlib.resources would find, without its
# reader machinery. A package imported some other way (from a zip, say) is
# read through importlib.resources.
_AS_FILES = isinstance(__spec__.loader, SourceFileLoader | SourcelessFileLoader)


def package_files() -> Traversable:
    """The installed package's files, as ``importlib.resources.files("medplan")`` gives them."""
    if _AS_FILES:
        from pathlib import Path  # noqa: PLC0415 - see the TYPE_CHECKING imports

        return Path(__file__).parent.parent
    from importlib import resources  # noqa: PLC0415

    return resources.files("medplan")


def data_text(path: str | Path | None, bundled: str) -> str:
    """The text of ``path``, or of the bundled ``medplan/data/<bundled>`` when it is None.

    Raises:
        OSError, UnicodeDecodeError: For the caller to report in its own error.
    """
    if path is None and _AS_FILES:
        # open() is what Path.read_text does, without importing pathlib.
        bundled_path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", bundled)  # noqa: PTH118, PTH120
        with open(bundled_path, encoding="utf-8") as stream:  # noqa: PTH123
            return stream.read()
    if path is None:
        return (package_files() / "data" / bundled).read_text(encoding="utf-8")
    from pathlib import Path  # noqa: PLC0415 - see the TYPE_CHECKING imports

    return Path(path).read_text(encoding="utf-8")


def bundled_bytes(name: str) -> bytes | None:
    """The bytes of the bundled ``medplan/data/<name>``, or None when the package has no such file."""
    try:
        if _AS_FILES:
            bundled_path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", name)  # noqa: PTH118, PTH120 - as data_text
            with open(bundled_path, "rb") as stream:  # noqa: PTH123
                return stream.read()
        return (package_files() / "data" / name).read_bytes()
    except OSError:
        return None


def read_data_file(path: str | Path | None, bundled: str) -> tuple[str, str]:
    """The text of a data file and its name: ``path``, or the bundled ``medplan/data/<bundled>``.

    Raises:
        TableError: When the file cannot be read.
    """
    if path is None:
        name = bundled
    else:
        from pathlib import Path  # noqa: PLC0415 - see the TYPE_CHECKING imports

        name = Path(path).name
    try:
        return data_text(path, bundled), name
    except (OSError, UnicodeDecodeError) as error:
        raise TableError(name, None, None, f"cannot be read: {error}") from None
