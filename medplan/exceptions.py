"""The errors medplan raises for its callers: one small hierarchy to catch.

Every message names where the problem is and what it is, so that a booking
system can show it to the person who typed the request without rewording it.
"""

from __future__ import annotations

__all__ = ["InputError", "MedplanError", "MissingExtraError", "PolicyError", "TableError"]


class MedplanError(Exception):
    """Base of every error medplan raises on purpose; catch this one."""

    __module__ = "medplan"

    def __reduce__(self) -> tuple[type[MedplanError], tuple[object, ...]]:
        """Rebuild from the parts, not the message, so the error crosses to another process.

        ``medplan batch --jobs`` plans in worker processes, and a caller may too.
        """
        return type(self), tuple(self._parts())

    def _parts(self) -> tuple[object, ...]:
        return tuple(self.args)


class InputError(MedplanError):
    """The request is not one medplan can plan from.

    Attributes:
        field: Where the problem is, as a path into the request
            (``procedure.start``, ``medications[2].times[0]``).
        problem: What is wrong, in words a pharmacist can act on.
    """

    __module__ = "medplan"

    def __init__(self, field: str, problem: str) -> None:
        """Name the field and the problem; the message is ``field: problem``."""
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)

    def _parts(self) -> tuple[object, ...]:
        return self.field, self.problem


class TableError(MedplanError):
    """A data table is malformed; nothing from it is used.

    Attributes:
        file: The table's file name.
        row: The row as a spreadsheet numbers it (the header is row 1),
            or ``None`` for a problem with the file as a whole.
        column: The column at fault, or ``None``.
        problem: What is wrong.
    """

    __module__ = "medplan"

    def __init__(self, file: str, row: int | None, column: str | None, problem: str) -> None:
        """Name the place and the problem: ``file, row N: column 'c': problem``."""
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f": column {column!r}"
        super().__init__(f"{where}: {problem}")

    def _parts(self) -> tuple[object, ...]:
        return self.file, self.row, self.column, self.problem


class PolicyError(MedplanError):
    """A clinic policy file is malformed; none of its profiles is used.

    Attributes:
        file: The policy file, as it was named (``policies.toml`` for the
            bundled one).
        key: Where the problem is, as a dotted path of TOML keys
            (``profiles.dr-jones.inr_max``), or ``None`` for a problem with
            the file as a whole (it cannot be read, or is not TOML).
        problem: What is wrong, in words a pharmacist can act on.
    """

    __module__ = "medplan"

    def __init__(self, file: str, key: str | None, problem: str) -> None:
        """Name the place and the problem: ``file: key: problem``."""
        self.file = file
        self.key = key
        self.problem = problem
        where = file if key is None else f"{file}: {key}"
        super().__init__(f"{where}: {problem}")

    def _parts(self) -> tuple[object, ...]:
        return self.file, self.key, self.problem


class MissingExtraError(MedplanError):
    """An optional part of medplan was asked for, but its extra is not installed.

    Neither the request nor the clinic's data is at fault: the installation
    lacks a package that only that part needs (the iCalendar export needs
    ``icalendar``). The message says what to install.

    Attributes:
        extra: The extra to install (``calendar``).
        package: The missing package, with the version the part needs
            (``icalendar>=6.1``).
        feature: What needs it, in words (``the iCalendar export``).
    """

    __module__ = "medplan"

    def __init__(self, extra: str, package: str, feature: str) -> None:
        """Name what needs the package; the message ends with the command that installs it."""
        self.extra = extra
        self.package = package
        self.feature = feature
        super().__init__(
            f"{feature} needs {package}, which is not installed: pip install 'medplan[{extra}]'"
        )

    def _parts(self) -> tuple[object, ...]:
        return self.extra, self.package, self.feature
