"""Which table row applies to a medicine, for this patient, procedure and clinic policy."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from medplan._attrsrepr import AttrsValue
from medplan._firstuse import on_first_use
from medplan.model import (
    Action,
    BleedingRisk,
    HoldDates,
    Indication,
    Interval,
    MedicationOrder,
    Policy,
    Question,
    Regimen,
    Request,
    Route,
    Unit,
)
from medplan.planning.reviews import HOLD_OR_CONTINUE, MEDICINE_FIELD, decide, supply
from medplan.tables.drug_classes import (
    DrugClassRule,
    Evidence,
    Group,
    RenalMeasure,
    Resolution,
    Table,
    TierRule,
)

if TYPE_CHECKING:
    from types import ModuleType

    from medplan.planning._unplaced import Missing, NotInvolved, Unplaced

__all__ = [
    "NotInvolved",
    "Policed",
    "Unplaced",
    "by_hand",
    "checks_inr",
    "cite_policy",
    "class_group",
    "class_groups",
    "describe_rule",
    "has_own_rows",
    "hold_with_policy",
    "rule_answer",
    "rule_cited",
    "rule_for",
    "tier_with_policy",
    "unstated_notes",
    "with_policy",
]


# The answers other than a row are made on first use (medplan.planning._unplaced):
# a plan whose every medicine has its row makes none. The functions below test
# for a row first and import them only when the answer is not one; this hook
# (PEP 562) gives them to everyone else, hidden from the type checker, which
# takes them from the import above.
_UNPLACED = frozenset({"NotInvolved", "Unplaced"})


def _load_unplaced() -> ModuleType:
    from medplan.planning import _unplaced  # noqa: PLC0415 - see above

    return _unplaced


if not TYPE_CHECKING:  # pragma: no branch - false for the type checker only
    __getattr__, __dir__ = on_first_use(globals(), _UNPLACED, _load_unplaced)


def by_hand(slug: str, reason: str, name: str) -> Question:
    """A medicine the table cannot place: the pharmacist holds it (with dates) or continues it."""
    return decide(
        slug,
        reason,
        f"Hold {name} (giving its last dose and restart), or continue it? medplan cannot plan "
        f"it: {reason}.",
        HOLD_OR_CONTINUE,
        hold_dates=HoldDates.REQUIRED,
    )


_DIMENSIONS: dict[str, type[enum.StrEnum]] = {
    "regimen": Regimen,
    "route": Route,
    "indication": Indication,
}


def _narrow(
    candidates: list[DrugClassRule],
    attribute: str,
    given: enum.StrEnum | None,
    drug: str,
    guideline: str,
) -> list[DrugClassRule] | Unplaced | Missing:
    """Keep the rows for the order's regimen, route or indication, where the rule depends on it."""
    # Most classes' rows give none of the three; the members, then their values.
    present = {value for r in candidates if (value := getattr(r, attribute)) is not None}
    if not present:
        return candidates
    values = sorted(member.value for member in present)
    what = {"regimen": "the dose regimen", "route": "the route", "indication": "its indication"}[
        attribute
    ]
    if given is None:
        reason = f"{drug}'s hold depends on {what}: {' or '.join(values)} needed"
        question = supply(
            f"{attribute}-needed",
            reason,
            f"What is {drug}'s {attribute} ({' or '.join(values)})? Its hold depends on it.",
            [f"{MEDICINE_FIELD}.{attribute}"],
        )
        from medplan.planning._unplaced import Missing  # noqa: PLC0415 - made on first use

        return Missing(attribute, tuple(values), question)
    kept = [r for r in candidates if getattr(r, attribute) == given]
    if not kept:
        from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made on first use

        given_as = f"given {given.value}" if attribute == "route" else f"for {given.value}"
        return Unplaced(
            by_hand("no-rule", f"{guideline} gives no rule for {drug} {given_as}", drug)
        )
    return kept


def _regimen(
    order: MedicationOrder, resolution: Resolution, drug: str
) -> Regimen | Unplaced | None:
    """The order's regimen: as given, else as its brand implies; a contradiction is a question."""
    implied = resolution.regimen
    if order.regimen is not None and implied is not None and order.regimen is not implied:
        reason = (
            f"{order.name} is {drug} taken {implied.value}, but the request says {order.regimen.value}: "
            "confirm which the patient takes"
        )
        question = (
            f"Does the patient take {drug} {implied.value}, as {order.name} implies, "
            f"or {order.regimen.value}, as the request says?"
        )
        from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made on first use

        return Unplaced(supply("regimen-conflict", reason, question, [f"{MEDICINE_FIELD}.regimen"]))
    return order.regimen or implied


def _variant(
    rules: Sequence[DrugClassRule], resolution: Resolution, request: Request, table: Table
) -> list[DrugClassRule] | Unplaced:
    """The rows of the variant the clinic policy chose, else of the table's default."""
    if not any(r.variant is not None for r in rules):
        return list(rules)
    drug_class = resolution.drug_class
    chosen = request.policy.variant_for(drug_class) or table.default_variant(drug_class)
    kept = [r for r in rules if r.variant == chosen]
    if not kept:
        known = " or ".join(table.variants.get(drug_class, ()))
        reason = (
            f"clinic policy {request.policy.name!r} chooses {chosen!r} for {drug_class}, "
            f"which the table does not give (it gives {known})"
        )
        from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made on first use

        # The policy chooses per class, but the pharmacist holds a medicine.
        return Unplaced(by_hand("variant-not-in-table", reason, resolution.drug))
    return kept


def rule_for(
    order: MedicationOrder,
    resolution: Resolution,
    request: Request,
    table: Table,
    *,
    guideline: str | None = None,
) -> DrugClassRule | NotInvolved | Unplaced:
    """The row that applies to this medicine, for this patient, procedure and clinic policy.

    A class whose rows apply only with fasting, sedation or contrast comes
    back ``NotInvolved`` for a procedure without it; a medicine no row can be
    chosen for comes back ``Unplaced``, with the pharmacist's question.
    ``guideline`` asks another guideline than the procedure's (the plan's
    divergences), with the request otherwise as it is.
    """
    procedure, drug = request.procedure, resolution.drug
    guideline = procedure.guideline if guideline is None else guideline
    rules = table.rules_for(guideline, resolution.drug_class)
    if not rules:
        from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made on first use

        reason = f"{guideline} gives no rule for {drug}: plan it by hand"
        return Unplaced(by_hand("no-rule", reason, drug))
    # Every row of a class shares its condition (the table checks it), so a
    # procedure without it settles the medicine before any question the rule
    # itself would raise (metformin's eGFR matters only with contrast).
    condition = rules[0].condition
    if condition is None:
        return _select_rule(rules, order, resolution, request, table, guideline=guideline)
    involved = procedure.involves(condition)
    if involved is None:
        has = condition.value
        reason = f"{drug}'s plan depends on whether the procedure has {has}: procedure.{has} needed"
        question = f"Does the procedure involve {has}? {drug}'s plan depends on it."
        from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made on first use

        return Unplaced(supply(f"procedure-{has}", reason, question, [f"procedure.{has}"]))
    rule = _select_rule(rules, order, resolution, request, table, guideline=guideline)
    if not involved:
        from medplan.planning._unplaced import NotInvolved  # noqa: PLC0415 - made on first use

        return NotInvolved(rule if isinstance(rule, DrugClassRule) else rules[0])
    return rule


def rule_cited(
    table: Table, guideline: str, drug_class: str | None, rule_id: str | None
) -> DrugClassRule | None:
    """The row a plan cites by its id, among the class's rows under the guideline."""
    rules = table.rules_for(guideline, drug_class or "")
    return next((r for r in rules if r.rule_id == rule_id), None)


def class_group(table: Table, guideline: str, drug_class: str | None) -> Group | None:
    """The group (what a clinic policy and the checks act on) the class's rows give."""
    rules = table.rules_for(guideline, drug_class or "")
    return next((r.group for r in rules if r.group is not None), None)


def class_groups(table: Table, guideline: str, drug_class: str | None) -> set[Group]:
    """Every group any of the class's rows gives under the guideline."""
    rules = table.rules_for(guideline, drug_class or "")
    return {r.group for r in rules if r.group is not None}


def checks_inr(table: Table, guideline: str, drug_class: str | None) -> bool:
    """Whether any of the class's rows under the guideline checks the INR."""
    return any(r.check_test == "INR" for r in table.rules_for(guideline, drug_class or ""))


def has_own_rows(table: Table, guideline: str, drug_class: str) -> bool:
    """Whether the guideline has rows of its own for the class, not only rows for every guideline."""
    return any(r.guideline == guideline for r in table.rules_for(guideline, drug_class))


# Whether a class's rows are chosen by anything (a variant, the three
# dimensions, a renal band), per rows of a loaded table: table.rules_for
# hands out the same tuple each time. Each entry keeps its rows, so no id is
# reused while it is here; bounded for tables loaded anew.
_CHOOSES: dict[int, tuple[Sequence[DrugClassRule], bool]] = {}
_CHOOSES_KEPT = 1024
_CHOSEN_BY = ("variant", *_DIMENSIONS, "renal_measure")


def _chosen(rules: Sequence[DrugClassRule]) -> bool:
    """Whether some row of ``rules`` gives a field of :data:`_CHOSEN_BY` (one that is not None)."""
    kept = _CHOOSES.get(id(rules))  # pragma: no mutate - a miss only works the answer out again
    if kept is not None and kept[0] is rules:
        return kept[1]
    chosen = any(getattr(r, name) is not None for r in rules for name in _CHOSEN_BY)
    if len(_CHOOSES) >= _CHOOSES_KEPT:
        _CHOOSES.clear()
    _CHOOSES[id(rules)] = (rules, chosen)
    return chosen


def _select_rule(  # noqa: PLR0911 - one return for each way no row is chosen, one for a plain class
    rules: Sequence[DrugClassRule],
    order: MedicationOrder,
    resolution: Resolution,
    request: Request,
    table: Table,
    *,
    guideline: str,
) -> DrugClassRule | Unplaced:
    """The one row of ``rules`` (``guideline``'s) for this order and patient, or why none can be chosen."""
    drug = resolution.drug
    # Rows chosen by nothing are one row (45 of the table's 60 classes): none of it is asked.
    chosen = _chosen(rules)
    candidates = _variant(rules, resolution, request, table) if chosen else list(rules)
    if not isinstance(candidates, list):  # an Unplaced: no row of the chosen variant
        return candidates
    regimen = _regimen(order, resolution, drug)
    if regimen is not None and not isinstance(regimen, Regimen):  # an Unplaced: a conflict
        return regimen
    if not chosen:
        (rule,) = candidates
        return rule
    # An event (a stent, a stroke) is secondary prevention to aspirin's rows.
    indication = None if order.indication is None else order.indication.prevention
    given = {"regimen": regimen, "route": order.route, "indication": indication}
    for attribute, value in given.items():
        narrowed = _narrow(candidates, attribute, value, drug, guideline)
        if not isinstance(narrowed, list):  # an Unplaced, or a Missing for _whichever
            from medplan.planning._unplaced import Missing  # noqa: PLC0415 - made by now (_narrow)

            if isinstance(narrowed, Missing):
                return _whichever(
                    rules,
                    order,
                    narrowed,
                    resolution=resolution,
                    request=request,
                    table=table,
                    guideline=guideline,
                )
            return narrowed
        candidates = narrowed
    banded = next((r.renal_measure for r in candidates if r.renal_measure is not None), None)
    if banded is not None:
        patient = request.patient
        measured = patient.egfr if banded is RenalMeasure.EGFR else patient.crcl_ml_min
        if measured is None:
            field = "patient.egfr" if banded is RenalMeasure.EGFR else "patient.crcl_ml_min"
            reason = f"{drug}'s rule depends on renal function: {banded.label} needed ({field})"
            question = f"What is the patient's {banded.label}? {drug}'s rule depends on it."
            from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made on first use

            return Unplaced(supply("renal-function-needed", reason, question, [field]))
        candidates = [r for r in candidates if r.covers(measured)]
    # The table's validation makes variant, regimen, route, indication and band pick one row.
    (rule,) = candidates
    return rule


def _whichever(
    rules: Sequence[DrugClassRule],
    order: MedicationOrder,
    missing: Missing,
    *,
    resolution: Resolution,
    request: Request,
    table: Table,
    guideline: str,
) -> DrugClassRule | Unplaced:
    """The row for an order that does not say what the rule depends on, if every answer is the same.

    Aspirin continued by the clinic policy before an intermediate-risk
    procedure is continued for either indication, so the booking need not say
    which; where the answers differ, or any is a review, the question stands.
    """
    from medplan.planning._unplaced import Unplaced  # noqa: PLC0415 - made by now (a Missing is)

    kind = _DIMENSIONS[missing.attribute]
    chosen = []
    for value in missing.values:
        option: MedicationOrder = attrs.evolve(order, **{missing.attribute: kind(value)})  # type: ignore[arg-type] # one of the three dimensions, by name
        rule = _select_rule(rules, option, resolution, request, table, guideline=guideline)
        if isinstance(rule, Unplaced):
            return Unplaced(missing.question)
        chosen.append(rule)
    risk, policy = request.procedure.bleeding_risk, request.policy
    answers = {rule_answer(rule, risk, policy) for rule in chosen}
    (action, *_), *others = answers
    if others or action is Action.REVIEW:
        return Unplaced(missing.question)
    return chosen[0]


def rule_answer(rule: DrugClassRule, risk: BleedingRisk, policy: Policy) -> tuple[object, ...]:
    """What a row makes of a medicine at this tier and policy, for comparing rows."""
    policed = with_policy(rule, risk, policy)
    tier = policed.tier
    unconfirmed = rule.evidence is Evidence.UNCONFIRMED and not policed.clinic
    action = Action.REVIEW if unconfirmed else tier.action
    return (
        action,
        policed.hold,
        tier.resume,
        tier.resume_until,
        rule.check_test,
        rule.check_max,
        rule.check_day,
        rule.dosing,
    )


def unstated_notes(
    order: MedicationOrder, rule: DrugClassRule, resolution: Resolution
) -> list[str]:
    """Notes for what the rule depends on but the order did not say (the answer is the same either way)."""
    notes = []
    for attribute in _DIMENSIONS:
        value = getattr(rule, attribute)
        implied = attribute == "regimen" and resolution.regimen is not None
        if value is not None and getattr(order, attribute) is None and not implied:
            notes.append(
                f"The request does not give the {attribute}; the plan is the same for each "
                f"{attribute} the table gives, and shows the {value.value} rule."
            )
    return notes


def cite_policy(policy: Policy, setting: str) -> str:
    """The clinic policy a number came from, with its approval, for a note."""
    where = f"clinic policy {policy.name!r}"
    if setting in policy.inline:
        return f"{where} (set in the request; no approval recorded)"
    if policy.approval is not None:
        return f"{where} ({policy.approval})"
    return f"{where} (no approval recorded)"


def hold_with_policy(
    rule: DrugClassRule, tier: TierRule, policy: Policy
) -> tuple[Interval | None, list[str], bool]:
    """The hold with the clinic's P2Y12 days; and whether the hold used is the clinic's number."""
    hold = tier.hold
    wanted = policy.antiplatelet_hold_days
    if (
        hold is None
        or wanted is None
        or rule.group is not Group.ANTIPLATELET
        or hold.unit is not Unit.DAYS
    ):
        return hold, [], False
    if wanted < hold.amount:
        return (
            hold,
            [
                f"Clinic policy {policy.name!r} asks for {wanted} days; the table's longer {hold} is kept."
            ],
            False,
        )
    # The number used is the clinic's, not the table's: an unconfirmed row's
    # hold is no longer what the patient is told, so it is cited, not reviewed.
    cited = cite_policy(policy, "antiplatelet_hold_days")
    if wanted > hold.amount:
        note = f"Held {wanted} days, not the table's {hold}, by {cited}."
        return Interval(wanted, Unit.DAYS), [note], True
    if rule.evidence is Evidence.UNCONFIRMED:
        note = f"Held {wanted} days by {cited}, the same as the table's unconfirmed rule."
        return hold, [note], True
    return hold, [], True  # pragma: no mutate - clinic is read only for an unconfirmed row


@attrs.frozen(repr=False, eq=False)
class Policed(AttrsValue):
    """A row's rule for the tier after the clinic policy: its tier, hold, notes.

    ``clinic`` says the hold (or the whole tier) is the clinic's number, so
    the row's being unconfirmed does not make the medicine a review.
    """

    tier: TierRule
    hold: Interval | None
    notes: list[str]
    clinic: bool


def with_policy(rule: DrugClassRule, risk: BleedingRisk, policy: Policy) -> Policed:
    """The clinic protocol's rule for the class and tier if it has one, else the row's with the policy's choices."""
    fixed = policy.rule_for(rule.drug_class, risk)
    if fixed is not None:
        # A protocol's rule needs an approval (profiles._approval).
        assert policy.approval is not None  # noqa: S101
        tier = TierRule(action=fixed.action, hold=fixed.hold, resume=fixed.resume)
        note = (
            f"The clinic's protocol at {risk.value} bleeding risk: {fixed}, by clinic policy "
            f"{policy.name!r} ({policy.approval}); the table's rule ({rule.describe(risk)}) is not used."
        )
        return Policed(tier, tier.hold, [note], clinic=True)
    tier, notes = tier_with_policy(rule, risk, policy)
    hold, hold_notes, clinic = hold_with_policy(rule, tier, policy)
    return Policed(tier, hold, notes + hold_notes, clinic)


# Read once: an enum class's member costs about a thousand instructions to
# read (EnumType's __getattr__ hook), and every medicine's tier is asked.
_ASPIRIN, _INTERMEDIATE, _REVIEW = Group.ASPIRIN, BleedingRisk.INTERMEDIATE, Action.REVIEW


def tier_with_policy(
    rule: DrugClassRule, risk: BleedingRisk, policy: Policy
) -> tuple[TierRule, list[str]]:
    """The row's rule for the tier, with the clinic's choice for aspirin before intermediate risk."""
    tier = rule.tier(risk)
    choice = policy.aspirin_before_intermediate
    if (
        choice is None
        or rule.group is not _ASPIRIN
        or risk is not _INTERMEDIATE
        or tier.action is not _REVIEW
    ):
        return tier, []
    table_says = f"the table: review, {rule.review_reason}"
    if choice is Action.CONTINUE:
        note = f"Continued before an intermediate-risk procedure by clinic policy {policy.name!r} ({table_says})."
        return TierRule(action=Action.CONTINUE, hold=None, resume=None), [note]
    if rule.high.action is Action.HOLD:
        note = (
            f"Held as before a high-risk procedure by clinic policy {policy.name!r} ({table_says})."
        )
        return rule.high, [note]
    note = (
        f"Clinic policy {policy.name!r} holds aspirin before intermediate-risk procedures, "
        "but the table gives no hold for this indication even at high risk: left for review."
    )
    return tier, [note]


def describe_rule(rule: DrugClassRule, tier: TierRule, risk: BleedingRisk, policy: Policy) -> str:
    """The row's rule in words, and what the clinic policy made of it where that differs."""
    text = rule.describe(risk)
    fixed = policy.rule_for(rule.drug_class, risk)
    if fixed is not None:
        return f"{text}; clinic protocol {policy.name!r}: {fixed}"
    row = rule.tier(risk)
    # Most tiers are the row's own object: no field-by-field comparison then.
    if tier is not row and tier != row:
        text += f"; clinic policy {policy.name!r}: {tier.action.value}"
        if tier.hold is not None:
            text += f", last dose {tier.hold} before"
    return text
