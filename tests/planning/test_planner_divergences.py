"""Where another guideline answers differently, the plan shows it with its dates."""

from __future__ import annotations

import datafiles
from plannercases import (
    B,
    iso,
    med,
    only,
    request,
)

import medplan
from medplan import Action
from medplan.tables.drug_classes import parse_table

# --- divergence between guidelines -----------------------------------------------------------


def test_another_guideline_that_answers_differently_is_shown_with_its_dates():
    """Under ASRA, clopidogrel's 7 days (unconfirmed) sit beside CHEST's 5 days, dated the same way.

    CHEST, intermediate = high: 5 days, last dose on day -6 (Wed 2 Dec 08:00), restart day +1 (Wed 9 Dec 08:00).
    """
    result = only(medplan.plan(request(med("Plavix", "08:00"))))

    (other,) = result.divergences
    assert other.guideline == "chest-2022"
    assert (other.action, iso(other.last_dose), iso(other.resume)) == (
        Action.HOLD, "2026-12-02T08:00:00+08:00", "2026-12-09T08:00:00+08:00",
    )
    assert other.rule_id == "chest-2022:clopidogrel"
    assert other.source.startswith("Douketis JD et al. Chest 2022")
    assert result.to_dict()["divergences"][0]["last_dose"] == "2026-12-02T08:00:00+08:00"


def test_guidelines_that_agree_show_no_divergence():
    """Warfarin: ASRA and CHEST both stop 5 days and the seed restarts on day +1: nothing to show."""
    result = only(medplan.plan(request(med("warfarin", "18:00"))))

    assert result.divergences == ()


def test_a_rule_for_every_guideline_is_not_a_divergence():
    """A row for every guideline ('*') answers the same under each, so it is never listed."""
    result = only(medplan.plan(request(med("Jardiance", "08:00"), fasting=True)))

    assert result.rule_id == "fda-2020:sglt2-inhibitor"
    assert result.divergences == ()


def test_a_guideline_without_a_rule_is_shown_as_its_question():
    """CHEST has no NSAID rule: an ibuprofen plan under CHEST shows ASRA's dated hold beside its review."""
    result = only(medplan.plan(request(med("ibuprofen", "08:00", "20:00"), at=B, risk="high", guideline="chest-2022")))

    assert result.action is Action.REVIEW
    (other,) = result.divergences
    # ASRA high: 1 day off, last dose on day -2 (Sat 28 Mar 20:00 GMT); 24 h after 08:00 BST Mon 30 is
    # 08:00 BST Tue 31, exactly a dose.
    assert (other.guideline, other.action, iso(other.last_dose), iso(other.resume)) == (
        "asra-pain-2018", Action.HOLD, "2026-03-28T20:00:00+00:00", "2026-03-31T08:00:00+01:00",
    )


def test_the_text_plan_shows_the_other_guidelines_answer():
    """The pharmacist's detail has one line per divergence, with the other rule in words."""
    text = medplan.render_text(medplan.plan(request(med("Plavix", "08:00"))))

    assert (
        "   Differs under chest-2022: hold, last dose Wednesday 2 December 2026 at 08:00, resume Wednesday "
        "9 December 2026 at 08:00 (chest-2022:clopidogrel: intermediate bleeding risk: hold; last dose 5 days "
        "before; resume day +1)"
    ) in text.splitlines()


def test_every_other_guideline_is_asked_past_one_without_rows_or_alike():
    """Four guidelines: past one dating cilostazol alike (aa) and one without its rows (CHEST), zz's 5 days are shown."""
    rows = datafiles.records("drug_classes.csv")
    header = rows[0]
    (cilostazol,) = [r for r in rows if r[0] == "asra-pain-2018:cilostazol"]

    def under(guideline: str, **cells: str) -> list[str]:
        row = dict(zip(header, cilostazol, strict=True)) | {"rule_id": f"{guideline}:cilostazol", "guideline": guideline}
        return [(row | cells)[column] for column in header]

    table = parse_table(datafiles.write([*rows, under("aa-2030"), under("zz-2030", high_hold="5 days")]), "drug_classes.csv")

    result = only(medplan.plan(request(med("cilostazol", "08:00"), risk="high"), table=table))

    assert (result.action, iso(result.last_dose)) == (Action.HOLD, "2026-12-05T08:00:00+08:00")
    assert [(d.guideline, d.action, iso(d.last_dose), d.rule_id) for d in result.divergences] == [
        ("zz-2030", Action.HOLD, "2026-12-02T08:00:00+08:00", "zz-2030:cilostazol"),
    ]


def test_a_guideline_whose_row_needs_sedation_shows_its_continue_citing_the_row():
    """CHEST's clopidogrel row made sedation-only: without sedation CHEST continues it, and the divergence cites that row."""
    table = parse_table(datafiles.with_cells("drug_classes.csv", "chest-2022:clopidogrel", condition="sedation"), "drug_classes.csv")
    body = request(med("clopidogrel", "08:00", indication="stroke-or-tia", indication_date="2019-05-01"), sedation=False)

    (other,) = only(medplan.plan(body, table=table)).divergences

    assert (other.guideline, other.action, other.last_dose, other.resume) == ("chest-2022", Action.CONTINUE, None, None)
    assert (other.rule_id, other.rule) == (
        "chest-2022:clopidogrel", "applies only with sedation; this procedure involves none: continue",
    )
    assert other.source.startswith("Douketis JD et al. Chest 2022")
