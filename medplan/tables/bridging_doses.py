"""Heparin bridging for warfarin: the dose, the injections and the INR tests, as dated events.

Two data files feed it, each row citing its source:

- ``data/bridging_doses.csv``: the therapeutic dose of each heparin by
  regimen and CrCl band (``min < CrCl <= max``, as the drug table's bands: a
  value at a cut-off takes the lower band, here the reduced dose), and the
  doses that can be given from the available syringes.
- ``data/warfarin_pathway.csv``: the protocol's numbers, one per row: the days
  of the INR tests, the day the injections start, the hours between the last
  injection and the procedure and between the procedure and the first one
  after, the INR at which they stop, and the vitamin K band.

The dose by weight is rounded to the nearest dose that can be given; halfway
between two goes to the lower (the smaller bleeding risk), and a dose above
the largest that can be given by more than half a step is not rounded down:
it is a question for the pharmacist. Every injection is a scheduled dose at
the policy's injection times, dated with :mod:`medplan.planning.schedule`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.exceptions import TableError
from medplan.tables import prebuilt
from medplan.tables.drug_classes import Evidence
from medplan.tables.loader import (
    RowError,
    enum_cell,
    names_cell,
    number_cell,
    parse_rows,
    read_data_file,
    read_records,
    slug_cell,
)

if TYPE_CHECKING:
    from pathlib import Path  # only named in annotations (see tables.loader)

__all__ = [
    "AGENTS",
    "REGIMENS",
    "BridgingTables",
    "DoseRow",
    "PathwayStep",
    "default_bridging_tables",
    "load_bridging_tables",
    "parse_bridging_tables",
    "parse_dose_table",
    "parse_pathway",
]

AGENTS = ("enoxaparin", "dalteparin")
REGIMENS = ("twice-daily", "once-daily")
DOSE_COLUMNS = (
    "rule_id",
    "agent",
    "regimen",
    "crcl_min",
    "crcl_max",
    "given",
    "dose_per_kg",
    "unit",
    "doses",
    "action",
    "evidence",
    "review_reason",
    "note",
    "source",
)
PATHWAY_COLUMNS = ("step", "value", "unit", "evidence", "note", "source")
# Each step of the protocol, its unit, and the range a value may take.
STEPS: dict[str, tuple[str, float, float]] = {
    "baseline_inr_day": ("day", -14, -2),
    "lmwh_start_day": ("day", -7, -2),
    "lmwh_last_dose_hours": ("hours", 12, 48),
    "lmwh_restart_low_hours": ("hours", 4, 96),
    "lmwh_restart_high_hours": ("hours", 24, 120),
    "lmwh_restart_high_until_hours": ("hours", 24, 120),
    "postop_inr_day": ("day", 1, 14),
    "lmwh_stop_inr_above": ("INR", 1.5, 3.0),
    "second_postop_inr_day": ("day", 2, 21),
    "vitamin_k_inr_below": ("INR", 1.5, 3.0),
    "vitamin_k_mg_min": ("mg", 0.5, 5),
    "vitamin_k_mg_max": ("mg", 0.5, 5),
}
_UNITS = ("mg", "IU")
_MAX_CRCL = 500


@attrs.frozen(kw_only=True, repr=False, eq=False)
class DoseRow(AttrsValue):
    """One row of the dose table: a heparin's therapeutic dose in one CrCl band."""

    rule_id: str
    agent: str
    regimen: str
    crcl_min: float | None
    crcl_max: float | None
    given: str
    per_kg: float
    unit: str
    doses: tuple[float, ...]
    review_reason: str | None
    evidence: Evidence
    note: str | None
    source: str

    def covers(self, crcl: float) -> bool:
        """Whether ``crcl`` is in the row's band (``min < crcl <= max``; the lowest band holds 0)."""
        above = self.crcl_min is None or crcl > self.crcl_min
        return above and (self.crcl_max is None or crcl <= self.crcl_max)


@attrs.frozen(kw_only=True, repr=False, eq=False)
class PathwayStep(AttrsValue):
    """One number of the warfarin pathway, with its source."""

    step: str
    value: float
    unit: str
    evidence: Evidence
    note: str | None
    source: str


@attrs.frozen(kw_only=True, repr=False, eq=False)
class BridgingTables(AttrsValue):
    """The dose table and the pathway's numbers, loaded and validated together."""

    doses: tuple[DoseRow, ...]
    pathway: Mapping[str, PathwayStep]
    versions: tuple[str, ...]

    def step(self, name: str) -> PathwayStep:
        """One of the pathway's numbers (every name of :data:`STEPS` is there)."""
        return self.pathway[name]

    def days(self, name: str) -> int:
        """A pathway step in days, as a whole number."""
        return int(self.pathway[name].value)

    def dose_row(self, agent: str, regimen: str, crcl: float) -> DoseRow | None:
        """The row for a heparin, regimen and CrCl; None when the table has none."""
        return next(
            (r for r in self.doses if r.agent == agent and r.regimen == regimen and r.covers(crcl)),
            None,
        )


def _doses(raw_cell: str) -> tuple[float, ...]:
    doses: list[float] = []
    for raw in names_cell("doses", raw_cell):
        dose = number_cell("doses", raw, low=1, high=100_000)
        assert dose is not None  # noqa: S101 - names are never empty
        if doses and dose <= doses[-1]:
            raise RowError("doses", f"must be in increasing order (got {raw} after {doses[-1]:g})")
        doses.append(dose)
    if not doses:
        raise RowError("doses", "must list the doses that can be given")
    return tuple(doses)


def _dose_row(cells: Mapping[str, str]) -> DoseRow:
    agent = cells["agent"]
    if agent not in AGENTS:
        raise RowError("agent", f"must be one of {', '.join(AGENTS)} (got {agent!r})")
    for column in ("regimen", "given"):
        if cells[column] not in REGIMENS:
            raise RowError(column, f"must be one of {', '.join(REGIMENS)} (got {cells[column]!r})")
    if cells["unit"] not in _UNITS:
        raise RowError("unit", f"must be one of {', '.join(_UNITS)} (got {cells['unit']!r})")
    per_kg = number_cell("dose_per_kg", cells["dose_per_kg"], low=0.1, high=500)
    if per_kg is None:
        raise RowError("dose_per_kg", "must not be empty")
    doses = _doses(cells["doses"])
    action = cells["action"]
    if action not in {"dose", "review"}:
        raise RowError("action", f"must be dose or review (got {action!r})")
    if (action == "review") != bool(cells["review_reason"]):
        raise RowError("review_reason", "must be given exactly when action is review")
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert evidence is not None  # noqa: S101 - not optional
    if not cells["source"]:
        raise RowError("source", "must not be empty")
    low = number_cell("crcl_min", cells["crcl_min"], low=0, high=_MAX_CRCL)
    high = number_cell("crcl_max", cells["crcl_max"], low=0, high=_MAX_CRCL)
    if low is not None and high is not None and low >= high:
        raise RowError("crcl_max", f"must be above crcl_min (got {low:g} to {high:g})")
    return DoseRow(
        rule_id=slug_cell("rule_id", cells["rule_id"]),
        agent=agent,
        regimen=cells["regimen"],
        crcl_min=low,
        crcl_max=high,
        given=cells["given"],
        per_kg=per_kg,
        unit=cells["unit"],
        doses=doses,
        review_reason=cells["review_reason"] or None,
        evidence=evidence,
        note=cells["note"] or None,
        source=cells["source"],
    )


def _check_bands(rows: list[tuple[int, DoseRow]], file: str) -> None:
    """Each heparin and regimen's bands must cover every CrCl once: no gap, no overlap."""
    for agent in AGENTS:
        for regimen in REGIMENS:
            band = sorted(
                ((n, r) for n, r in rows if r.agent == agent and r.regimen == regimen),
                key=lambda nr: -1 if nr[1].crcl_min is None else nr[1].crcl_min,
            )
            if not band:
                raise TableError(file, None, "regimen", f"has no row for {agent} {regimen}")
            edge: float | None = None
            for index, (number, row) in enumerate(band):
                if row.crcl_min != edge:
                    wanted = "empty" if edge is None else f"{edge:g}"
                    problem = f"{agent} {regimen}: bands must meet, no gap or overlap (crcl_min should be {wanted})"
                    raise TableError(file, number, "crcl_min", problem)
                last = index == len(band) - 1
                if (row.crcl_max is None) != last:
                    problem = (
                        f"{agent} {regimen}: only the highest CrCl band may leave crcl_max empty"
                    )
                    raise TableError(file, number, "crcl_max", problem)
                edge = row.crcl_max


def parse_dose_table(
    text: str, file: str = "bridging_doses.csv"
) -> tuple[tuple[DoseRow, ...], str]:
    """Validate the dose table's text; the rows and the file's version.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, DOSE_COLUMNS)
    parsed = parse_rows(
        records,
        file,
        lambda cells, _: _dose_row(cells),
        key_column="rule_id",
        key=lambda row: row.rule_id,
    )
    rows = list(zip((number for number, _ in records), parsed, strict=True))
    _check_bands(rows, file)
    return tuple(r for _, r in rows), version


def _pathway_step(cells: Mapping[str, str], steps: Mapping[str, PathwayStep]) -> PathwayStep:
    name = cells["step"]
    if name not in STEPS:
        raise RowError("step", f"must be one of {', '.join(STEPS)} (got {name!r})")
    if name in steps:
        raise RowError("step", f"{name!r} is given twice")
    unit, low, high = STEPS[name]
    if cells["unit"] != unit:
        raise RowError("unit", f"must be {unit} for {name} (got {cells['unit']!r})")
    value = number_cell("value", cells["value"], low=low, high=high)
    if value is None:
        raise RowError("value", "must not be empty")
    if unit in {"day", "hours"} and value != int(value):
        word = "days" if unit == "day" else unit
        raise RowError("value", f"must be a whole number of {word} (got {cells['value']!r})")
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert evidence is not None  # noqa: S101 - not optional
    if not cells["source"]:
        raise RowError("source", "must not be empty")
    return PathwayStep(
        step=name,
        value=value,
        unit=unit,
        evidence=evidence,
        note=cells["note"] or None,
        source=cells["source"],
    )


def parse_pathway(
    text: str, file: str = "warfarin_pathway.csv"
) -> tuple[dict[str, PathwayStep], str]:
    """Validate the pathway's text: every step once, in its unit and range.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, PATHWAY_COLUMNS)
    steps: dict[str, PathwayStep] = {}
    for number, cells in records:
        try:
            step = _pathway_step(cells, steps)
        except RowError as error:
            raise TableError(file, number, error.column, error.problem) from None
        steps[step.step] = step
    missing = [s for s in STEPS if s not in steps]
    if missing:
        raise TableError(file, None, "step", f"missing steps: {', '.join(missing)}")
    if steps["vitamin_k_mg_min"].value > steps["vitamin_k_mg_max"].value:
        raise TableError(file, None, "value", "vitamin_k_mg_min must not be above vitamin_k_mg_max")
    if steps["lmwh_restart_high_hours"].value >= steps["lmwh_restart_high_until_hours"].value:
        problem = "lmwh_restart_high_hours must be below lmwh_restart_high_until_hours (a window)"
        raise TableError(file, None, "value", problem)
    return steps, version


def load_bridging_tables(
    doses: str | Path | None = None, pathway: str | Path | None = None
) -> BridgingTables:
    """Read and validate the dose table and the pathway; the bundled ones where None."""
    dose_text, dose_name = read_data_file(doses, prebuilt.BRIDGING[0])
    path_text, path_name = read_data_file(pathway, prebuilt.BRIDGING[1])
    if doses is None and pathway is None:
        # The wheel's tables, if in step with both CSVs.
        tables = prebuilt.bundled(dose_name, [dose_text, path_text], BridgingTables)
        if tables is not None:
            return tables
    return parse_bridging_tables(dose_text, dose_name, path_text, path_name)


def parse_bridging_tables(
    dose_text: str, dose_name: str, path_text: str, path_name: str
) -> BridgingTables:
    """Validate the dose table's and the pathway's text, named as their files are."""
    rows, dose_version = parse_dose_table(dose_text, dose_name)
    steps, path_version = parse_pathway(path_text, path_name)
    return BridgingTables(doses=rows, pathway=steps, versions=(dose_version, path_version))


@functools.cache
def default_bridging_tables() -> BridgingTables:
    """The bundled dose table and pathway, loaded and validated once per process."""
    return load_bridging_tables()
