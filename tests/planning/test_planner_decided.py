"""A medicine decided by the pharmacist: what the plan keeps of the table's plan, and what it drops."""

from __future__ import annotations

import datafiles
from reviewcases import med, request

import medplan
from medplan import Action
from medplan.tables.drug_classes import parse_table

BY = "A. Pharmacist"
ASRA_WARFARIN_NOTE = (
    "ASRA asks for a normal INR; the table uses the seed's INR 1.5 or less (SIR 2019 high risk 1.5-1.8; ASH "
    "protocol below 1.5) and a clinic policy may set a lower threshold. Restart 6 hours is ASRA's; the seed "
    "restarts anticoagulants the day after."
)


def test_own_dates_for_a_row_that_leaves_warfarin_to_review_keep_every_note():
    """Warfarin before a low-risk procedure held on the pharmacist's dates, no ``now``: the row's note, the decision, undated."""
    decision = {"review": "warfarin/table-review", "answer": "hold", "by": BY,
                "last_dose": "2026-12-03T18:00", "resume": "2026-12-09T18:00"}

    (warfarin,) = medplan.plan(request(med("warfarin", "18:00"), risk="low", decisions=[decision])).medications

    assert warfarin.notes == (
        ASRA_WARFARIN_NOTE,
        "Hold, decided by A. Pharmacist (pharmacist review).",
        "The last dose and restart are the decision's, not the table's.",
    )


def test_continued_by_decision_an_unconfirmed_rows_inr_check_goes():
    """CHEST's warfarin row marked unconfirmed proposes a hold with an INR check; continued, no check is left."""
    table = parse_table(datafiles.with_cells("drug_classes.csv", "chest-2022:warfarin", evidence="U"), "drug_classes.csv")
    body = request(med("warfarin", "18:00"))
    body["procedure"]["guideline"] = "chest-2022"
    (proposed,) = medplan.plan(body, table=table).medications
    body["decisions"] = [{"review": "warfarin/unconfirmed-rule", "answer": "continue", "by": BY}]

    (continued,) = medplan.plan(body, table=table).medications

    assert (proposed.action, [c.test for c in proposed.checks]) == (Action.REVIEW, ["INR"])
    assert (continued.action, continued.checks) == (Action.CONTINUE, ())
    assert continued.instruction == "Keep taking your warfarin as usual, including on the day of the procedure."
