"""A row's rule in words, made once for each bleeding-risk tier when first asked for."""

from __future__ import annotations

import attrs

import medplan
from medplan.model import BleedingRisk, Interval, Unit
from medplan.tables.drug_classes import TierRule

WARFARIN = medplan.default_table().rules_for("asra-pain-2018", "warfarin")[0]


def test_each_tier_is_described_in_its_own_words():
    """Warfarin's row: review at low risk, a 5-day hold above it, each with its INR check."""
    assert [WARFARIN.describe(risk) for risk in BleedingRisk] == [
        "low bleeding risk: review; INR <= 1.5 on day -1",
        "intermediate bleeding risk: hold; last dose 5 days before; resume 6 hours after; INR <= 1.5 on day -1",
        "high bleeding risk: hold; last dose 5 days before; resume 6 hours after; INR <= 1.5 on day -1",
    ]


def test_a_changed_row_is_described_as_changed():
    """A row made from another with a new tier and no check says the new tier, not the old row's words."""
    changed = attrs.evolve(
        WARFARIN,
        high=TierRule(action=medplan.Action.HOLD, hold=Interval(3, Unit.DAYS), resume=Interval(1, Unit.DAYS)),
        check_test=None,
        check_max=None,
        check_day=None,
    )

    assert changed.describe(BleedingRisk.HIGH) == "high bleeding risk: hold; last dose 3 days before; resume day +1"
    assert changed.describe(BleedingRisk.LOW) == "low bleeding risk: review"
    assert changed == attrs.evolve(changed)


def test_a_description_is_made_once_and_kept():
    """A tier is described when first asked for, and the same words are given after, without making them again."""
    row = attrs.evolve(WARFARIN)

    first = row.describe(BleedingRisk.HIGH)

    assert row.describe(BleedingRisk.HIGH) is first
    assert first == WARFARIN.describe(BleedingRisk.HIGH)
