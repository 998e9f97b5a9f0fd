"""A divergence decided from the two rows, and each one the same as planning under the other guideline."""

from __future__ import annotations

import attrs
import pytest
from plannercases import B, med, request

import medplan
from medplan import Action
from medplan.model import Divergence, Request
from medplan.planning.planner import _dated_alike, _plan_medication
from medplan.tables.drug_classes import Dosing, Evidence, Group, TierRule
from medplan.tables.policies import parse_profiles

TABLE = medplan.default_table()
GUIDELINES = sorted(TABLE.guidelines)
WARFARIN = TABLE.rules_for("asra-pain-2018", "warfarin")[0]
PROTOCOL = parse_profiles(
    '[profiles.protocol]\ndescription = "A clinic protocol"\n'
    'approved_by = "Dr A Example"\napproved_on = 2026-11-02\nreference = "Protocol v1"\n'
    "[profiles.protocol.rules.warfarin]\n"
    'intermediate = { hold = "6 days", resume = "1 day" }\n',
    "clinic.toml",
)


def parsed(**extra: object) -> Request:
    return medplan.parse_request(request(med("warfarin", "18:00"), **extra), guidelines=GUIDELINES)


SEED = parsed()


@attrs.frozen
class RowCase:
    name: str
    changes: dict[str, object]
    alike: bool


@pytest.mark.parametrize(
    "case",
    [
        RowCase("the same row", {}, alike=True),
        RowCase("another id, source, note and check", {
            "rule_id": "x:warfarin", "source": "elsewhere", "note": None, "check_max": 2.0,
        }, alike=True),
        RowCase("another hold", {
            "intermediate": attrs.evolve(WARFARIN.intermediate, hold=medplan.model.Interval(6, medplan.model.Unit.DAYS)),
        }, alike=False),
        RowCase("another action", {
            "intermediate": TierRule(action=Action.CONTINUE, hold=None, resume=None),
        }, alike=False),
        RowCase("another tier only", {
            "high": TierRule(action=Action.CONTINUE, hold=None, resume=None),
        }, alike=True),
        RowCase("unconfirmed", {"evidence": Evidence.UNCONFIRMED}, alike=False),
        RowCase("secondary source", {"evidence": Evidence.SECONDARY}, alike=True),
        RowCase("an infusion", {"dosing": Dosing.INFUSION}, alike=False),
        RowCase("a regimen", {"regimen": medplan.model.Regimen.WEEKLY}, alike=False),
        RowCase("another group", {"group": Group.ANTIPLATELET}, alike=False),
    ],
    ids=lambda case: case.name,
)
def test_rows_date_alike_only_when_what_the_dating_reads_is_the_same(case: RowCase):
    """Two rows date a medicine alike when the tier's rule, evidence, dosing, regimen and group agree."""
    theirs = attrs.evolve(WARFARIN, **case.changes)

    assert _dated_alike(WARFARIN, theirs, SEED) is case.alike
    assert _dated_alike(theirs, WARFARIN, SEED) is case.alike


def test_a_clinic_protocol_makes_an_unconfirmed_row_date_like_a_confirmed_one():
    """Under a protocol for the class and tier the rule is the clinic's, so the row's evidence no longer matters."""
    under_protocol = attrs.evolve(SEED, policy=PROTOCOL.profiles["protocol"].policy)
    unconfirmed = attrs.evolve(WARFARIN, evidence=Evidence.UNCONFIRMED)

    assert _dated_alike(WARFARIN, unconfirmed, under_protocol) is True
    assert _dated_alike(WARFARIN, unconfirmed, SEED) is False


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
