"""Each divergence the same as planning the medicine under the other guideline."""

from __future__ import annotations

import attrs
import pytest
from plannercases import B, med, request

import medplan
from medplan.model import Divergence
from medplan.planning.planner import _plan_medication

TABLE = medplan.default_table()
GUIDELINES = sorted(TABLE.guidelines)


def divergence_of(plan: medplan.model.MedicationPlan, guideline: str) -> Divergence:
    return Divergence(
        guideline=guideline,
        action=plan.action,
        last_dose=plan.last_dose,
        resume=plan.resume,
        rule_id=plan.rule_id,
        rule=plan.rule,
        review_reason=plan.review_reason,
        source=plan.source,
    )


NAMES = sorted({rule.drugs[0] for rule in TABLE.rules if rule.guideline != "*"})


@attrs.frozen
class Order:
    times: tuple[str, ...]
    extra: dict[str, object]


ORDERS = [
    Order(("08:00",), {}),
    Order(("08:00", "20:00"), {"regimen": "therapeutic"}),
    Order(("18:00",), {"regimen": "prophylactic", "indication": "secondary-prevention"}),
    Order((), {"route": "iv"}),
]


@pytest.mark.parametrize("risk", ["low", "intermediate", "high"])
@pytest.mark.parametrize("guideline", GUIDELINES)
@pytest.mark.parametrize("policy", [None, {"profile": "radiologist-10-day-antiplatelet"}])
def test_each_divergence_is_the_medicine_planned_under_the_other_guideline(risk: str, guideline: str, policy: object):
    """For every drug with rows of a guideline's own, the divergence is its plan under the other guideline, where it differs."""
    (other,) = [g for g in GUIDELINES if g != guideline]
    for order in ORDERS:
        medicines = [med(name, *order.times, **order.extra) for name in NAMES]
        body = request(*medicines, at=B, risk=risk, guideline=guideline, crcl=40, policy=policy)
        mine = medplan.plan(body)
        under = medplan.parse_request(body | {"procedure": body["procedure"] | {"guideline": other}}, GUIDELINES)
        for given, planned in zip(under.medications, mine.medications, strict=True):
            there = _plan_medication(given, under, TABLE)
            ruled = _plan_medication(given, attrs.evolve(under, procedure=attrs.evolve(under.procedure, guideline=guideline)), TABLE)
            differs = (there.action, there.last_dose, there.resume) != (ruled.action, ruled.last_dose, ruled.resume)
            own = any(r.guideline == other for r in TABLE.rules_for(other, there.drug_class or ""))
            expected = (divergence_of(there, other),) if differs and own else ()
            assert planned.divergences == expected, planned.input
