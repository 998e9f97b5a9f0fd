"""The patient's thrombotic risk while warfarin is held, and whether to bridge, from the risk table."""

from __future__ import annotations

from datetime import date

import attrs

from medplan._attrsrepr import AttrsValue
from medplan.model import AnticoagulationReason, Bridging, RiskCriterion, ThromboticRisk
from medplan.tables.thrombotic_risk import RiskRow, RiskTable

__all__ = [
    "Classification",
    "classify",
]


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Classification(AttrsValue):
    """The thrombotic risk and bridging decision for all the patient's reasons.

    ``missing`` lists the request fields (``patient.anticoagulation[0].vte``)
    whose answer could change the decision; when it is not empty the decision
    is ``review``.
    """

    risk: ThromboticRisk | None
    bridging: Bridging
    criteria: tuple[RiskCriterion, ...]
    missing: tuple[str, ...]


_PRIORITY: dict[Bridging, int] = {Bridging.NO_BRIDGE: 0, Bridging.REVIEW: 1, Bridging.BRIDGE: 2}


def _strongest(decisions: list[Bridging]) -> Bridging:
    return max(decisions, key=_PRIORITY.__getitem__)


def _classify_one(
    reason: AnticoagulationReason, rows: tuple[RiskRow, ...], day0: date, path: str
) -> tuple[ThromboticRisk | None, Bridging | None, list[RiskCriterion], list[str]]:
    # Each row's tests are run once: met (True), not met (False) or open (None).
    verdicts = [(r, r.meets(reason, day0)) for r in rows]
    met = [r.criterion for r, verdict in verdicts if verdict is True]
    open_rows = [r for r, verdict in verdicts if verdict is None]
    risk = max((c.risk for c in met), key=lambda t: t.rank, default=None)
    decision = None if risk is None else _strongest([c.bridging for c in met if c.risk is risk])
    missing: list[str] = []
    for row in open_rows:
        could = row.criterion
        if (
            risk is None
            or could.risk.rank > risk.rank
            # At the same tier an open row matters only if its decision would win.
            or (
                decision is not None
                and could.risk is risk
                and _strongest([decision, could.bridging]) is not decision
            )
        ):
            missing += [f"{path}.{f}" for f in row.unknown(reason) if f"{path}.{f}" not in missing]
    return risk, decision, met, missing


def classify(
    reasons: tuple[AnticoagulationReason, ...], table: RiskTable, day0: date
) -> Classification:
    """Classify the patient's thrombotic risk and decide on bridging.

    Args:
        reasons: Why the patient is anticoagulated (``patient.anticoagulation``).
        table: The thrombotic-risk table.
        day0: The procedure's date, from which "within N months" counts back.

    Returns:
        The highest tier across the reasons, the decision, the criteria met
        and the fields still needed.
    """
    tiers: list[ThromboticRisk] = []
    decided: list[Bridging] = []
    criteria: list[RiskCriterion] = []
    missing: list[str] = []
    for index, reason in enumerate(reasons):
        path = f"patient.anticoagulation[{index}]"
        risk, decision, met, needed = _classify_one(
            reason, table.rows_for(reason.reason), day0, path
        )
        criteria += met
        missing += needed
        if risk is not None:
            tiers.append(risk)
        if decision is not None and not needed:
            decided.append(decision)
    risk = max(tiers, key=lambda t: t.rank, default=None)
    if Bridging.BRIDGE in decided:
        return Classification(
            risk=risk, bridging=Bridging.BRIDGE, criteria=tuple(criteria), missing=()
        )
    if missing or not decided:
        return Classification(
            risk=risk, bridging=Bridging.REVIEW, criteria=tuple(criteria), missing=tuple(missing)
        )
    return Classification(
        risk=risk, bridging=_strongest(decided), criteria=tuple(criteria), missing=()
    )
