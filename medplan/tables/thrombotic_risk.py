"""Thrombotic risk while warfarin is interrupted, and whether to bridge: ``data/thrombotic_risk.csv``.

Each row of the table is one published criterion (a mechanical mitral valve;
CHA2DS2-VASc 7 or more; a VTE within 3 months) with the risk tier it gives,
the bridging decision its source makes, and that source. A criterion is a
few tests joined by ``and``::

    valve_position = aortic and valve_type = bileaflet and valve_risk_factors = yes
    cha2ds2_vasc >= 5 and cha2ds2_vasc <= 6
    vte beyond 3 months and vte within 12 months

``within N months`` holds for an event on or after day 0 minus N calendar
months (dateutil's ``relativedelta``, which keeps the day of the month and
clips it to the month's end: 31 May minus 3 months is 28 February), and
``beyond N months`` for an event before that day. An event given as
``"none"`` is never within any window.

Classification is three-valued, because a request rarely says everything:
for each reason the patient is anticoagulated, the tier is the highest of the
rows the patient certainly meets, and the decision is theirs. A row the
request leaves open (its field not given) matters only if meeting it would
raise the tier or change the decision; then the plan asks for exactly those
fields. Across reasons, a decision to bridge wins (one reason suffices), then
any open question, then a review the sources leave to the prescriber.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._lazyre import LazyPattern
from medplan.exceptions import TableError
from medplan.model import AnticoagulationReason, Bridging, RiskCriterion, ThromboticRisk
from medplan.tables import prebuilt
from medplan.tables.drug_classes import Evidence
from medplan.tables.loader import (
    RowError,
    enum_cell,
    parse_rows,
    read_data_file,
    read_records,
    slug_cell,
)

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

__all__ = [
    "REASONS",
    "RiskRow",
    "RiskTable",
    "choices",
    "default_risk_table",
    "features",
    "load_risk_table",
    "months_before",
    "parse_risk_table",
]

COLUMNS = (
    "rule_id",
    "reason",
    "criterion",
    "description",
    "risk",
    "bridging",
    "evidence",
    "note",
    "source",
)

# The fields each reason's criteria may test, and the kind of value each holds.
_EVENT, _NUMBER, _YES_NO = "event", "number", "yes-no"
_FEATURES: dict[str, dict[str, str | tuple[str, ...]]] = {
    "atrial-fibrillation": {
        "cha2ds2_vasc": _NUMBER,
        "stroke_or_tia": _EVENT,
        "rheumatic_valve_disease": _YES_NO,
    },
    "mechanical-heart-valve": {
        "valve_position": ("mitral", "aortic"),
        "valve_type": ("bileaflet", "caged-ball", "tilting-disc"),
        "valve_risk_factors": _YES_NO,
        "stroke_or_tia": _EVENT,
    },
    "venous-thromboembolism": {
        "vte": _EVENT,
        "recurrent_vte": _YES_NO,
        "thrombophilia": ("none", "non-severe", "severe"),
        "active_cancer": _YES_NO,
    },
}
REASONS = tuple(_FEATURES)
# Compiled on first use: a plan reads the table prebuilt.
_TEST = LazyPattern(r"([a-z0-9_]+) (>=|<=|=|within|beyond) ([a-z0-9-]+)(?: (months))?")
_MAX_MONTHS = 120


@functools.lru_cache(maxsize=4096)
def months_before(day0: date, months: int) -> date:
    """``day0`` minus ``months`` calendar months, as dateutil's ``relativedelta`` counts them.

    An event is ``within N months`` when it is on or after this day (here and
    in :mod:`medplan.planning.clinical_checks`).
    """
    # Imported here: only a request that dates an event needs it, and the
    # import is a noticeable part of a one-shot plan's start-up.
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    earlier: date = day0 - relativedelta(months=months)
    return earlier


@attrs.frozen(repr=False, eq=False)
class _Test(AttrsValue):
    feature: str
    op: str
    value: str | int

    def holds(self, patient: AnticoagulationReason, day0: date) -> bool | None:
        """Whether the patient meets the test; None when the request does not say."""
        given: object = getattr(patient, self.feature)
        if given is None:
            return None
        if self.op in {"within", "beyond"}:
            if given == "none":
                return self.op == "beyond"
            assert isinstance(given, date)  # noqa: S101 - an event is a date or "none"
            assert isinstance(self.value, int)  # noqa: S101 - parsed as months
            inside = given >= months_before(day0, self.value)
            return inside if self.op == "within" else not inside
        if isinstance(given, bool):
            given = "yes" if given else "no"
        if self.op == "=":
            return given == self.value
        assert isinstance(given, int)  # noqa: S101 - only numbers are compared
        assert isinstance(self.value, int)  # noqa: S101
        return given >= self.value if self.op == ">=" else given <= self.value


@attrs.frozen(kw_only=True, repr=False, eq=False)
class RiskRow(AttrsValue):
    """One row of the thrombotic-risk table: a criterion and the tests a patient must meet."""

    criterion: RiskCriterion
    tests: tuple[_Test, ...]

    def meets(self, patient: AnticoagulationReason, day0: date) -> bool | None:
        """Whether the patient meets every test on day 0; None when an answer is missing."""
        answers = [t.holds(patient, day0) for t in self.tests]
        if False in answers:
            return False
        return None if None in answers else True

    def unknown(self, patient: AnticoagulationReason) -> list[str]:
        """The request's features this row needs and the patient has not given."""
        return [t.feature for t in self.tests if getattr(patient, t.feature) is None]


@attrs.frozen(kw_only=True, repr=False, eq=False)
class RiskTable(AttrsValue):
    """The loaded, validated thrombotic-risk table."""

    file: str
    version: str
    rows: tuple[RiskRow, ...]

    def rows_for(self, reason: str) -> tuple[RiskRow, ...]:
        """The criteria of one reason, in table order."""
        return tuple(r for r in self.rows if r.criterion.reason == reason)


def _parse_test(text: str, reason: str) -> _Test:
    match = _TEST.fullmatch(text)
    if match is None:
        problem = f"must be tests like 'cha2ds2_vasc >= 7' or 'vte within 3 months' joined by ' and ' (got {text!r})"
        raise RowError("criterion", problem)
    feature, op, value, months = match.groups()
    kind = _FEATURES[reason].get(feature)
    if kind is None:
        known = ", ".join(_FEATURES[reason])
        raise RowError("criterion", f"{feature!r} is not a field of {reason} (it has: {known})")
    if kind == _EVENT:
        if op not in {"within", "beyond"} or months is None or not value.isdigit():
            raise RowError(
                "criterion",
                f"{feature} is a date: test it as 'within N months' or 'beyond N months'",
            )
        if not 1 <= int(value) <= _MAX_MONTHS:
            raise RowError("criterion", f"months must be between 1 and {_MAX_MONTHS} (got {value})")
        return _Test(feature, op, int(value))
    if months is not None or op in {"within", "beyond"}:
        raise RowError("criterion", f"{feature} is not a date: 'within' and 'beyond' do not apply")
    if kind == _NUMBER:
        if op == "=" or not value.isdigit():
            raise RowError(
                "criterion", f"{feature} is a number: test it with >= or <= a whole number"
            )
        return _Test(feature, op, int(value))
    allowed = ("yes", "no") if kind == _YES_NO else kind
    if op != "=" or value not in allowed:
        raise RowError("criterion", f"{feature} must be tested as '= {' | '.join(allowed)}'")
    return _Test(feature, op, value)


def _parse_row(cells: Mapping[str, str]) -> RiskRow:
    for column in ("description", "source"):
        if not cells[column]:
            raise RowError(column, "must not be empty")
    reason = cells["reason"]
    if reason not in _FEATURES:
        raise RowError("reason", f"must be one of {', '.join(REASONS)} (got {reason!r})")
    tests = tuple(_parse_test(t.strip(), reason) for t in cells["criterion"].split(" and "))
    risk = enum_cell(ThromboticRisk, "risk", cells["risk"])
    bridging = enum_cell(Bridging, "bridging", cells["bridging"])
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert risk is not None  # noqa: S101 - not optional
    assert bridging is not None  # noqa: S101
    assert evidence is not None  # noqa: S101
    if evidence is Evidence.UNCONFIRMED and bridging is not Bridging.REVIEW:
        raise RowError("bridging", "must be review for an unconfirmed (U) row")
    criterion = RiskCriterion(
        rule_id=slug_cell("rule_id", cells["rule_id"]),
        reason=reason,
        description=cells["description"],
        risk=risk,
        bridging=bridging,
        evidence=evidence.value,
        note=cells["note"] or None,
        source=cells["source"],
    )
    return RiskRow(criterion=criterion, tests=tests)


def parse_risk_table(text: str, file: str = "thrombotic_risk.csv") -> RiskTable:
    """Validate the thrombotic-risk table's text.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, COLUMNS)
    rows = parse_rows(
        records,
        file,
        lambda cells, _: _parse_row(cells),
        key_column="rule_id",
        key=lambda row: row.criterion.rule_id,
    )
    missing = [r for r in REASONS if not any(row.criterion.reason == r for row in rows)]
    if missing:
        raise TableError(file, None, "reason", f"has no criteria for {', '.join(missing)}")
    return RiskTable(file=file, version=version, rows=tuple(rows))


def load_risk_table(path: str | Path | None = None) -> RiskTable:
    """Read and validate a thrombotic-risk table; the bundled one when ``path`` is None."""
    text, name = read_data_file(path, "thrombotic_risk.csv")
    if path is None:
        table = prebuilt.bundled(name, text, RiskTable)
        if table is not None:
            return table
    return parse_risk_table(text, name)


@functools.cache
def default_risk_table() -> RiskTable:
    """The bundled thrombotic-risk table, loaded and validated once per process."""
    return load_risk_table()


def features(reason: str) -> tuple[str, ...]:
    """The fields a reason's criteria may test."""
    return tuple(_FEATURES[reason])


def choices(reason: str, feature: str) -> tuple[str, ...] | None:
    """The allowed text values of a field, or None for a date, number or yes/no."""
    kind = _FEATURES[reason][feature]
    return kind if isinstance(kind, tuple) else None
