"""The drug-class table: loaded once, validated on load, all or nothing.

Each row of ``drug_classes.csv`` is the rule one guideline gives for one drug
class (and, where the rule depends on it, one dosing regimen, route or renal
band). A malformed row stops the load with an error naming the file, the row
(numbered as a spreadsheet numbers it, the header being row 1) and the column; a half-loaded table
is never returned.

Columns, in any order (every one must be present, no others):

- ``rule_id``: unique id, cited in plans (``asra-pain-2018:warfarin``).
- ``guideline``: the guideline id requests name (``asra-pain-2018``), or ``*``
  for a rule that holds under every procedure guideline (a drug label, a
  perioperative handbook); a guideline's own rows for a class take precedence.
- ``drug_class``: the class id; rows of one class share their names.
- ``drugs``: the generic names in the class, separated by ``;``.
- ``brands``: brand names, ``;``-separated; ``Brand=generic`` when the class
  has more than one generic.
- ``atc``: the WHO ATC codes of the drugs, written as brands are; a booking
  system may send a code as the medicine's name.
- ``regimen``, ``route``, ``indication``: empty, or the regimen, route or
  indication the row is for. A class gives each in every row or in none.
- ``variant``: empty, or the name of one of several cited alternatives a
  clinic policy chooses between (GLP-1 receptor agonists: ``asa-2023`` or
  ``multisociety-2024``). A class gives a variant in every row or in none;
  the variant on the class's first row is the table's default, and the table
  lists its conservative choice first.
- ``crcl_min``, ``crcl_max``: the renal band in mL/min, ``crcl_min < CrCl <=
  crcl_max`` (the lowest band includes 0); empty for no bound. A value exactly
  at a cut-off belongs to the band below it, whose hold is at least as long:
  guidelines word their cut-offs both ways ("CrCl > 25", "eGFR >= 30"), and
  the table takes the cautious side of each. ``egfr_min``, ``egfr_max``: the same, by
  eGFR in mL/min/1.73 m2, for rules written that way (the ACR's metformin
  rule). A row is banded by one measure at most, and a class by one measure
  throughout. A class's bands must cover 0 to no bound
  without gaps or overlaps.
- ``{low,intermediate,high}_action``: ``continue``, ``hold`` or ``review``.
- ``{tier}_hold``: time off before, ``N days`` or ``N hours`` (see
  :mod:`medplan.planning.schedule`); required for hold, allowed for review (a
  proposal), empty for continue.
- ``{tier}_resume``: time before restarting, ``N days`` (day +N) or
  ``N hours``, a minimum; or a window ``A-B days`` (day +A to day +B) or
  ``A-B hours``, where the source gives a range: the restart is the first
  usual dose inside it, and a medicine with no usual dose inside it goes to
  review rather than past its end (see :mod:`medplan.planning.schedule`). Required
  with a hold.
- ``check_test``, ``check_max``, ``check_day``: a test before the procedure,
  its highest acceptable value and the day it is done (``INR``, ``1.5``, ``-1``).
- ``group``: what a clinic policy acts on: ``oral-anticoagulant``,
  ``parenteral-anticoagulant``, ``antiplatelet`` or ``aspirin``; may be empty.
- ``dosing``: ``scheduled`` (doses at usual times) or ``infusion``.
- ``advice``: words for the patient added to the instruction (``Restart only
  when you are eating and drinking normally.``); may be empty.
- ``condition``: empty, or ``fasting``, ``sedation`` or ``contrast``: the rule
  applies only when the procedure involves it, and the medicine is continued
  otherwise. The same in every row of a class.
- ``evidence``: how firmly the row's numbers were read in the source: ``C``
  (source text), ``C2`` (secondary copy), ``U`` (unconfirmed; the planner
  sends the medicine to review with the row's proposal).
- ``review_reason``: what the pharmacist must find out, for tiers whose action
  is review; required when any tier is review.
- ``note``: the conservative choices and divergences behind the row.
- ``source``: the citation (author, year, table); never empty.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._lazyre import LazyPattern
from medplan.exceptions import TableError
from medplan.model import (
    Action,
    BleedingRisk,
    Condition,
    Indication,
    Interval,
    NameMatch,
    Regimen,
    Route,
    Unit,
)
from medplan.planning.medicine_names import NameIndex
from medplan.tables import prebuilt
from medplan.tables.loader import (
    Records,
    RowError,
    enum_cell,
    integer_cell,
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
    "COLUMNS",
    "Dosing",
    "DrugClassRule",
    "Evidence",
    "Group",
    "RenalMeasure",
    "Resolution",
    "Table",
    "TierRule",
    "default_table",
    "load_table",
    "normalise_name",
    "parse_table",
]

TIER_COLUMNS = tuple(
    f"{tier.value}_{part}" for tier in BleedingRisk for part in ("action", "hold", "resume")
)
COLUMNS = (
    "rule_id",
    "guideline",
    "drug_class",
    "drugs",
    "brands",
    "atc",
    "regimen",
    "route",
    "indication",
    "variant",
    "crcl_min",
    "crcl_max",
    "egfr_min",
    "egfr_max",
    *TIER_COLUMNS,
    "check_test",
    "check_max",
    "check_day",
    "group",
    "dosing",
    "advice",
    "condition",
    "evidence",
    "review_reason",
    "note",
    "source",
)

# Longer than any interval a guideline gives; a larger number is a typo.
_MAX_DAYS = 60
_MAX_HOURS = 24 * _MAX_DAYS
_MAX_CRCL = 1000.0
_INTERVAL = LazyPattern(r"(\d{1,4}) (day|days|hour|hours)")
# A restart the source gives as a range: "48-72 hours", "2-3 days".
_WINDOW = LazyPattern(r"(\d{1,4})-(\d{1,4}) (day|days|hour|hours)")
_ATC = LazyPattern(r"[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}")
# A row with this guideline holds under every procedure guideline.
ANY_GUIDELINE = "*"
# INR is taken before the procedure and has a threshold; eGFR is taken after
# it, before the medicine restarts (metformin after contrast), and decides by
# the patient's baseline, not a number.
_CHECK_TESTS = ("INR", "eGFR")
_CHECK_AFTER = "eGFR"
_MAX_CHECK_DAY = 14


class Group(enum.StrEnum):
    """What a clinic policy acts on."""

    ORAL_ANTICOAGULANT = "oral-anticoagulant"
    PARENTERAL_ANTICOAGULANT = "parenteral-anticoagulant"
    ANTIPLATELET = "antiplatelet"
    ASPIRIN = "aspirin"

    @property
    def is_anticoagulant(self) -> bool:
        """Whether the seed's "anticoagulants restart the day after" applies."""
        return self in _ANTICOAGULANTS


# Made once: reading the members from the class costs about a thousand
# instructions each (EnumType's __getattr__ hook), and every plan asks.
_ANTICOAGULANTS = frozenset({Group.ORAL_ANTICOAGULANT, Group.PARENTERAL_ANTICOAGULANT})


class Dosing(enum.StrEnum):
    """Whether a medicine is taken at usual times or run as an infusion."""

    SCHEDULED = "scheduled"
    INFUSION = "infusion"


class RenalMeasure(enum.StrEnum):
    """The measure of renal function a row's band is written in."""

    CRCL = "crcl"
    EGFR = "egfr"

    @property
    def label(self) -> str:
        """As a pharmacist writes it."""
        return {"crcl": "CrCl", "egfr": "eGFR"}[self.value]


class Evidence(enum.StrEnum):
    """How firmly a row's numbers were read in its source."""

    CONFIRMED = "C"
    SECONDARY = "C2"
    UNCONFIRMED = "U"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class TierRule(AttrsValue):
    """A row's rule for one bleeding-risk tier."""

    action: Action
    hold: Interval | None
    resume: Interval | None
    # The window's end when the source gives the restart as a range (resume
    # is then its start); None when the restart is a minimum.
    resume_until: Interval | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)
class DrugClassRule(AttrsValue):
    """One validated row of the table."""

    rule_id: str
    row: int
    guideline: str
    drug_class: str
    drugs: tuple[str, ...]
    brands: tuple[str, ...]
    atc: tuple[str, ...]
    regimen: Regimen | None
    route: Route | None
    indication: Indication | None
    variant: str | None
    renal_measure: RenalMeasure | None
    renal_min: float | None
    renal_max: float | None
    low: TierRule
    intermediate: TierRule
    high: TierRule
    check_test: str | None
    check_max: float | None
    check_day: int | None
    group: Group | None
    dosing: Dosing
    advice: str | None
    condition: Condition | None
    evidence: Evidence
    review_reason: str | None
    note: str | None
    source: str
    # The rule in words at each tier, made once for each row and tier when
    # first asked for: a plan describes a medicine's row, and another
    # guideline's where it differs; a one-shot plan uses a few of the 240.
    _described: dict[BleedingRisk, str] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )

    def tier(self, risk: BleedingRisk) -> TierRule:
        """The rule for the procedure's bleeding-risk tier."""
        # _value_, not the enum property's value: the same text, without the call.
        rule: TierRule = getattr(self, risk._value_)
        return rule

    def covers(self, renal_function: float) -> bool:
        """Whether ``renal_function`` (in the row's measure) falls in its renal band."""
        low = self.renal_min if self.renal_min is not None else 0.0
        high = self.renal_max if self.renal_max is not None else math.inf
        # Closed above, so a value at a cut-off takes the lower band's longer hold.
        above_low = renal_function > low or (low == 0.0 and renal_function == 0.0)
        return above_low and renal_function <= high

    @property
    def has_renal_band(self) -> bool:
        """Whether the row applies to part of the renal function range only."""
        return self.renal_measure is not None

    def describe(self, risk: BleedingRisk) -> str:
        """The rule in a pharmacist's words, for the plan (``hold 5 days; resume after 1 day``)."""
        words = self._described.get(risk)
        if words is None:
            words = self._described[risk] = self._words(risk)
        return words

    def _words(self, risk: BleedingRisk) -> str:
        tier = self.tier(risk)
        parts = [f"{risk.value} bleeding risk: {tier.action.value}"]
        if tier.hold == _NO_HOLD:
            parts.append("no dose on the day of the procedure before it")
        elif tier.hold is not None:
            parts.append(f"last dose {tier.hold} before")
        if tier.resume is not None:
            parts.append(f"resume {_describe_resume(tier.resume, tier.resume_until)}")
        if self.check_max is not None:
            parts.append(f"{self.check_test} <= {self.check_max:g} on day {self.check_day}")
        elif self.check_test is not None:
            parts.append(f"{self.check_test} on day +{self.check_day}, before the restart")
        return "; ".join(parts)


# A hold of 0 days: no dose on the day, before the procedure. Made once, not
# for each medicine's description.
_NO_HOLD = Interval(0, Unit.DAYS)


def _describe_resume(resume: Interval, until: Interval | None) -> str:
    if until is not None:
        if resume.unit is Unit.DAYS:
            return f"in the window day +{resume.amount} to day +{until.amount}"
        return f"in the window {resume.amount}-{until.amount} hours after"
    if resume.unit is Unit.DAYS:
        return f"day +{resume.amount}"
    return f"{resume} after"


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Resolution(AttrsValue):
    """A medicine's name resolved against the table."""

    drug: str
    drug_class: str
    regimen: Regimen | None = None


def normalise_name(name: str) -> str:
    """The form names are compared in: case-folded, with no whitespace.

    >>> normalise_name("  Eli quis ")
    'eliquis'
    """
    return "".join(name.split()).casefold()


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Table(AttrsValue):
    """The loaded, validated table."""

    file: str
    version: str
    rules: tuple[DrugClassRule, ...]
    names: Mapping[str, Resolution]
    guidelines: frozenset[str]
    variants: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    # A plan asks rules_for for each medicine several times (its row, each
    # other guideline, the pathway, the booking): the rows by guideline and
    # class, in table order, answer without a scan of the table.
    _by_class: Mapping[tuple[str, str], tuple[DrugClassRule, ...]] = attrs.field(
        init=False, repr=False, eq=False
    )

    @_by_class.default
    def _index_rules(self) -> Mapping[tuple[str, str], tuple[DrugClassRule, ...]]:
        index: dict[tuple[str, str], list[DrugClassRule]] = {}
        for rule in self.rules:
            index.setdefault((rule.guideline, rule.drug_class), []).append(rule)
        return {key: tuple(rules) for key, rules in index.items()}

    # Names as pasted from a medication list (medplan.planning.medicine_names): spellings and
    # suggestions are indexed on the first name that needs them, once per table.
    _name_index: NameIndex = attrs.field(init=False, repr=False, eq=False)

    @_name_index.default
    def _index_names(self) -> NameIndex:
        return NameIndex(self.names, self.rules)

    def resolve(self, name: str) -> Resolution | None:
        """The drug and class a generic or brand name stands for, if known.

        >>> default_table().resolve("ELIQUIS")
        Resolution(drug='apixaban', drug_class='apixaban', regimen=None)
        """
        return self.names.get(normalise_name(name))

    def match(self, name: str) -> tuple[Resolution | None, NameMatch]:
        """Resolve a name as pasted from a medication list, and say how it was matched.

        The name as written first; then without its strength, form words, a
        salt or a bracketed brand (:mod:`medplan.planning.medicine_names`). A name that still
        does not resolve comes back with up to three suggestions, never applied.

        >>> resolution, how = default_table().match("Eliquis 5mg tablets")
        >>> resolution.drug, how.how.value, how.name, how.strength
        ('apixaban', 'normalised', 'Eliquis', '5 mg')
        >>> default_table().match("warfrin")[1].suggestions
        ('warfarin',)
        """
        return self._name_index.match(name)

    @property
    def drug_classes(self) -> frozenset[str]:
        """Every drug class the table has a row for, under any guideline."""
        return frozenset(rule.drug_class for rule in self.rules)

    def default_variant(self, drug_class: str) -> str | None:
        """The variant the table follows for a class when the clinic policy does not choose."""
        return self.variants.get(drug_class, (None,))[0]

    def rules_for(self, guideline: str, drug_class: str) -> tuple[DrugClassRule, ...]:
        """Every row for one class under one guideline, else its rows for every guideline."""
        own = self._by_class.get((guideline, drug_class))
        if own:
            return own
        return self._by_class.get((ANY_GUIDELINE, drug_class), ())


# The table writes a few intervals ("5 days", "24 hours") hundreds of times:
# each is checked and made once (a refused one is not remembered).
@functools.cache
def _interval(column: str, raw: str) -> Interval | None:
    if not raw:
        return None
    match = _INTERVAL.fullmatch(raw)
    if match is None:
        problem = f"must be 'N days' or 'N hours' (got {raw!r})"
        raise RowError(column, problem)
    amount = int(match.group(1))
    unit = Unit.DAYS if match.group(2).startswith("day") else Unit.HOURS
    limit = _MAX_DAYS if unit is Unit.DAYS else _MAX_HOURS
    if amount > limit:
        problem = f"must be at most {limit} {unit.value} (got {raw!r})"
        raise RowError(column, problem)
    return Interval(amount, unit)


def _resume_cell(column: str, raw: str) -> tuple[Interval | None, Interval | None]:
    """A restart: a minimum (``24 hours``), or a window (``48-72 hours``) as its start and end."""
    match = _WINDOW.fullmatch(raw)
    if match is None:
        if raw and _INTERVAL.fullmatch(raw) is None:
            problem = (
                f"must be 'N days', 'N hours' or a window 'A-B days' or 'A-B hours' (got {raw!r})"
            )
            raise RowError(column, problem)
        return _interval(column, raw), None
    low, high = (_interval(column, f"{n} {match.group(3)}") for n in match.group(1, 2))
    assert low is not None  # noqa: S101 - both ends matched the pattern
    assert high is not None  # noqa: S101
    if low.amount >= high.amount:
        problem = f"a window must end after it starts (got {raw!r})"
        raise RowError(column, problem)
    return low, high


def _tier(cells: Mapping[str, str], risk: BleedingRisk) -> TierRule:
    prefix = risk.value
    action = enum_cell(Action, f"{prefix}_action", cells[f"{prefix}_action"])
    assert action is not None  # noqa: S101 - _enum without optional never returns None
    hold = _interval(f"{prefix}_hold", cells[f"{prefix}_hold"])
    resume, resume_until = _resume_cell(f"{prefix}_resume", cells[f"{prefix}_resume"])
    if action is Action.HOLD and hold is None:
        raise RowError(f"{prefix}_hold", "must give the hold when the action is hold")
    if action is Action.HOLD and resume is None:
        raise RowError(f"{prefix}_resume", "must give the restart when the action is hold")
    if action is Action.CONTINUE and hold is not None:
        raise RowError(f"{prefix}_hold", "must be empty when the action is continue")
    if action is Action.CONTINUE and resume is not None:
        raise RowError(f"{prefix}_resume", "must be empty when the action is continue")
    if hold is not None and resume is None:
        raise RowError(f"{prefix}_resume", "must give the restart when a hold is given")
    if resume is not None and hold is None:
        raise RowError(f"{prefix}_hold", "must give the hold when a restart is given")
    return TierRule(action=action, hold=hold, resume=resume, resume_until=resume_until)


def _renal_band(
    cells: Mapping[str, str],
) -> tuple[RenalMeasure | None, float | None, float | None]:
    """The row's renal band: its measure and bounds, from the CrCl or the eGFR columns."""
    bands = []
    for measure in RenalMeasure:
        low_column, high_column = f"{measure.value}_min", f"{measure.value}_max"
        low = number_cell(low_column, cells[low_column], low=0, high=_MAX_CRCL)
        high = number_cell(high_column, cells[high_column], low=0, high=_MAX_CRCL)
        if low is not None and high is not None and low >= high:
            raise RowError(high_column, f"must be above {low_column} (got {low:g} to {high:g})")
        if low is not None or high is not None:
            bands.append((measure, low, high))
    if len(bands) > 1:
        raise RowError("egfr_min", "a row is banded by CrCl or by eGFR, not both")
    return bands[0] if bands else (None, None, None)


def _guideline(raw: str) -> str:
    return raw if raw == ANY_GUIDELINE else slug_cell("guideline", raw)


def _check(cells: Mapping[str, str]) -> tuple[str | None, float | None, int | None]:
    """The row's test: INR before the procedure with its threshold, or eGFR after it, before the restart."""
    check_test = cells["check_test"] or None
    if check_test is not None and check_test not in _CHECK_TESTS:
        raise RowError(
            "check_test", f"must be one of {', '.join(_CHECK_TESTS)} (got {check_test!r})"
        )
    after = check_test == _CHECK_AFTER
    check_max = number_cell("check_max", cells["check_max"], low=0.5, high=5.0)
    low, high = (1, _MAX_CHECK_DAY) if after else (-_MAX_CHECK_DAY, 0)
    check_day = integer_cell("check_day", cells["check_day"], low=low, high=high)
    if after and check_max is not None:
        raise RowError(
            "check_max", "must be empty for an eGFR check (its result is read against the baseline)"
        )
    if not after and (check_test is None) != (check_max is None):
        raise RowError("check_max", "must be given exactly when check_test is")
    if (check_test is None) != (check_day is None):
        raise RowError("check_day", "must be given exactly when check_test is")
    return check_test, check_max, check_day


def _parse_row(cells: Mapping[str, str], row: int) -> DrugClassRule:
    source = cells["source"]
    if not source:
        raise RowError("source", "must cite the guideline (author, year, table)")
    drugs = names_cell("drugs", cells["drugs"])
    if not drugs:
        raise RowError("drugs", "must name at least one drug")
    brands = names_cell("brands", cells["brands"])
    atc = names_cell("atc", cells["atc"])
    for column, entries in (("brands", brands), ("atc", atc)):
        for entry in entries:
            name, _, generic = entry.partition("=")
            if len(drugs) > 1 and not generic:
                problem = f"must name each entry's drug when the class has several: 'Name=generic' (got {entry!r})"
                raise RowError(column, problem)
            if column == "atc" and _ATC.fullmatch(name.strip()) is None:
                raise RowError(
                    column,
                    f"must be 7-character WHO ATC codes such as B01AF02 (got {name.strip()!r})",
                )
    measure, renal_min, renal_max = _renal_band(cells)
    tiers = {risk: _tier(cells, risk) for risk in BleedingRisk}
    _check_monotone_in_risk(tiers)
    check_test, check_max, check_day = _check(cells)
    review_reason = cells["review_reason"] or None
    if review_reason is None and any(t.action is Action.REVIEW for t in tiers.values()):
        raise RowError("review_reason", "must say what to find out when a tier's action is review")
    dosing = enum_cell(Dosing, "dosing", cells["dosing"])
    evidence = enum_cell(Evidence, "evidence", cells["evidence"])
    assert dosing is not None  # noqa: S101 - not optional
    assert evidence is not None  # noqa: S101 - not optional
    return DrugClassRule(
        rule_id=slug_cell("rule_id", cells["rule_id"]),
        row=row,
        guideline=_guideline(cells["guideline"]),
        drug_class=slug_cell("drug_class", cells["drug_class"]),
        drugs=drugs,
        brands=brands,
        atc=atc,
        regimen=enum_cell(Regimen, "regimen", cells["regimen"], optional=True),
        route=enum_cell(Route, "route", cells["route"], optional=True),
        indication=enum_cell(Indication, "indication", cells["indication"], optional=True),
        variant=slug_cell("variant", cells["variant"]) if cells["variant"] else None,
        renal_measure=measure,
        renal_min=renal_min,
        renal_max=renal_max,
        low=tiers[BleedingRisk.LOW],
        intermediate=tiers[BleedingRisk.INTERMEDIATE],
        high=tiers[BleedingRisk.HIGH],
        check_test=check_test,
        check_max=check_max,
        check_day=check_day,
        group=enum_cell(Group, "group", cells["group"], optional=True),
        dosing=dosing,
        advice=cells["advice"] or None,
        condition=enum_cell(Condition, "condition", cells["condition"], optional=True),
        evidence=evidence,
        review_reason=review_reason,
        note=cells["note"] or None,
        source=source,
    )


def _hold_hours(tier: TierRule) -> float | None:
    """A tier's hold on one scale, to compare tiers; None when it has none to compare.

    A day hold is at least N x 24 hours (see :mod:`medplan.planning.schedule`), so it
    is compared as that. A review without a proposed hold is a question, not a
    length, and is not compared.
    """
    if tier.hold is None:
        return None if tier.action is Action.REVIEW else 0.0
    return float(tier.hold.amount * (24 if tier.hold.unit is Unit.DAYS else 1))


def _shorter(longer_expected: TierRule, other: TierRule) -> bool:
    """Whether ``longer_expected`` holds for less time than ``other``."""
    a, b = _hold_hours(longer_expected), _hold_hours(other)
    return a is not None and b is not None and a < b


def _check_monotone_in_risk(tiers: Mapping[BleedingRisk, TierRule]) -> None:
    ordered = list(BleedingRisk)
    for i, lower in enumerate(ordered):
        for higher in ordered[i + 1 :]:
            if _shorter(tiers[higher], tiers[lower]):
                problem = (
                    f"the {higher.value}-risk hold is shorter than the {lower.value}-risk hold"
                )
                raise RowError(f"{higher.value}_hold", problem)


def _check_dimensions(rules: Iterable[DrugClassRule], file: str) -> None:
    """A class names a variant, regimen, route or indication in every row or in none.

    So narrowing by each picks exactly one row for an order.
    """
    classes: dict[tuple[str, str], DrugClassRule] = {}
    for rule in rules:
        first = classes.setdefault((rule.guideline, rule.drug_class), rule)
        if first.condition != rule.condition:
            problem = f"must be the same in every row of {rule.guideline} {rule.drug_class} (row {first.row} differs)"
            raise TableError(file, rule.row, "condition", problem)
        for column in ("variant", "regimen", "route", "indication"):
            if (getattr(first, column) is None) != (getattr(rule, column) is None):
                problem = (
                    f"must be given in every row of {rule.guideline} {rule.drug_class} or in none "
                    f"(row {first.row} differs)"
                )
                raise TableError(file, rule.row, column, problem)


def _check_bands(rules: Iterable[DrugClassRule], file: str) -> None:
    """Each class's renal bands cover CrCl 0 to no bound, without gaps or overlaps."""
    groups: dict[tuple[object, ...], list[DrugClassRule]] = {}
    for rule in rules:
        key = (
            rule.guideline,
            rule.drug_class,
            rule.variant,
            rule.regimen,
            rule.route,
            rule.indication,
        )
        groups.setdefault(key, []).append(rule)
    for group in groups.values():
        group.sort(key=lambda r: r.renal_min if r.renal_min is not None else 0.0)
        banded = (r.renal_measure for r in group if r.renal_measure)
        # A group with no banded row never names the measure in a message.
        measure = next(banded, RenalMeasure.CRCL)  # pragma: no mutate
        expected, previous = 0.0, None
        for rule in group:
            if rule.renal_measure not in {None, measure}:
                problem = (
                    f"must band every row of {rule.guideline} {rule.drug_class} by {measure.label}"
                )
                raise TableError(file, rule.row, f"{measure.value}_min", problem)
            low = rule.renal_min if rule.renal_min is not None else 0.0
            if previous is not None and not previous.has_renal_band and not rule.has_renal_band:
                problem = (
                    f"repeats row {previous.row}'s rule for {rule.guideline} {rule.drug_class}: "
                    "one row per variant, regimen, route, indication and renal band"
                )
                raise TableError(file, rule.row, "rule_id", problem)
            if low != expected:
                where = (
                    f"the renal band of row {previous.row}"
                    if previous is not None
                    else f"{measure.label} 0"
                )
                # low != expected here, so "<=" would give the same.
                what = "overlaps" if low < expected else "leaves a gap after"  # pragma: no mutate
                bands = f"bands of {rule.guideline} {rule.drug_class}"
                problem = f"{what} {where}: {bands} must meet at {measure.label} {expected:g}"
                raise TableError(file, rule.row, f"{measure.value}_min", problem)
            high = rule.renal_max if rule.renal_max is not None else math.inf
            expected, previous = high, rule
        if expected != math.inf:
            last = group[-1]
            problem = (
                f"the highest band of {last.guideline} {last.drug_class} must have no upper bound"
            )
            raise TableError(file, last.row, f"{measure.value}_max", problem)
        _check_monotone_in_renal_function(group, measure, file)


def _check_monotone_in_renal_function(
    bands: Sequence[DrugClassRule], measure: RenalMeasure, file: str
) -> None:
    """``bands`` sorted by rising renal function: a lower band must hold at least as long."""
    for i, lower in enumerate(bands):
        for higher in bands[i + 1 :]:
            for risk in BleedingRisk:
                if _shorter(lower.tier(risk), higher.tier(risk)):
                    problem = (
                        f"the {risk.value}-risk hold is shorter than in the band above it "
                        f"(row {higher.row}): holds must not shorten as {measure.label} falls"
                    )
                    raise TableError(file, lower.row, f"{risk.value}_hold", problem)


# One Resolution for each drug of a class, shared by all its names (it is
# frozen), not one made for each name on each row.
@functools.cache
def _resolution(drug: str, drug_class: str) -> Resolution:
    return Resolution(drug=drug, drug_class=drug_class)


def _indexnames_cell(rules: Iterable[DrugClassRule], file: str) -> dict[str, Resolution]:
    """Every name, brand and ATC code, resolved to its drug.

    A name also gets the regimen of its rows when every row that lists it has
    the same one: a brand made for one regimen says it (Ozempic is weekly
    semaglutide, Rybelsus daily), so the booking need not; a generic name
    listed under several regimens (semaglutide, enoxaparin) does not.
    """
    names: dict[str, Resolution] = {}
    first_row: dict[str, int] = {}
    regimens: dict[str, set[Regimen | None]] = {}

    def add(name: str, resolution: Resolution, rule: DrugClassRule, column: str) -> None:
        key = normalise_name(name)
        known = names.get(key)
        if known is not None and known != resolution:
            problem = (
                f"{name!r} already names {known.drug} (class {known.drug_class}) at row {first_row[key]}, "
                f"here {resolution.drug} (class {resolution.drug_class}); a name must resolve to one drug"
            )
            raise TableError(file, rule.row, column, problem)
        names[key] = resolution
        first_row.setdefault(key, rule.row)
        regimens.setdefault(key, set()).add(rule.regimen)

    for rule in rules:
        for drug in rule.drugs:
            add(drug, _resolution(drug, rule.drug_class), rule, "drugs")
        for column, entries in (("brands", rule.brands), ("atc", rule.atc)):
            for entry in entries:
                name, _, generic = entry.partition("=")
                generic = generic.strip() or rule.drugs[0]
                if generic not in rule.drugs:
                    problem = f"{entry!r} names {generic!r}, which is not in the row's drugs"
                    raise TableError(file, rule.row, column, problem)
                add(name.strip(), _resolution(generic, rule.drug_class), rule, column)
    for key, listed_under in regimens.items():
        (only, *others) = listed_under
        if not others and only is not None:
            names[key] = attrs.evolve(names[key], regimen=only)
    return names


def _parse_rules(records: Records, file: str) -> list[DrugClassRule]:
    return parse_rows(
        records, file, _parse_row, key_column="rule_id", key=lambda rule: rule.rule_id
    )


def parse_table(text: str, file: str = "drug_classes.csv") -> Table:
    """Validate the table's text and build the :class:`Table`.

    Rows are numbered as a spreadsheet numbers them: the header is row 1 and
    each record after it one more, whatever newlines its quoted cells hold.

    Args:
        text: The CSV file's content.
        file: The file's name, for error messages and the table version.

    Returns:
        The table; its ``version`` is the file name and a hash of its bytes.

    Raises:
        TableError: Naming the file, row and column of the first problem.
    """
    records, version = read_records(text, file, COLUMNS)
    rules = _parse_rules(records, file)
    _check_dimensions(rules, file)
    _check_bands(rules, file)
    names = _indexnames_cell(rules, file)
    variants: dict[str, list[str]] = {}
    for rule in rules:
        listed = variants.setdefault(rule.drug_class, [])
        if rule.variant is not None and rule.variant not in listed:
            listed.append(rule.variant)
    return Table(
        file=file,
        version=version,
        rules=tuple(rules),
        names=names,
        guidelines=frozenset(r.guideline for r in rules if r.guideline != ANY_GUIDELINE),
        variants={c: tuple(v) for c, v in variants.items() if v},
    )


def load_table(path: str | Path | None = None) -> Table:
    """Read and validate a table file; the bundled one when ``path`` is None.

    Raises:
        TableError: When the file cannot be read or is malformed.
    """
    text, name = read_data_file(path, "drug_classes.csv")
    if path is None:  # pragma: no mutate - the prebuilt is used only when in step with the CSV
        table = prebuilt.bundled(name, text, Table)
        if table is not None:
            return table
    return parse_table(text, name)


@functools.cache
def default_table() -> Table:
    """The bundled table, loaded and validated once per process."""
    return load_table()
