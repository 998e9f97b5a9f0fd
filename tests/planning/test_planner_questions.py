"""The exact questions review items ask, and how each is answered, where only the wording or a field could go wrong."""

from __future__ import annotations

from typing import Any

import datafiles
import plannercases
import pytest
from reviewcases import PERTH, SECONDARY, med, request

import medplan

RECENT_STENT = {"indication": "coronary-stent", "indication_date": "2026-10-01"}
STENT_REASON = (
    "oronary-stent on 2026-10-01, 68 days before the procedure, inside the 6-month minimum "
    "(acc-aha-2016:p2y12:drug-eluting-stent): stopping a P2Y12 antiplatelet within 6 months of a "
    "drug-eluting coronary stent risks stent thrombosis: do not stop it without the cardiologist "
    "(ask whether the procedure can wait, or go ahead without stopping it)"
)


def _item(body: dict[str, Any], item_id: str) -> medplan.ReviewItem:
    [item] = [item for item in medplan.plan(body).reviews if item.id == item_id]
    return item


def test_a_clinical_check_without_data_to_give_asks_hold_or_continue():
    """A recent stent asks only to hold or continue, the check's reason as a capitalised sentence."""
    item = _item(request(med("clopidogrel", "08:00", **RECENT_STENT)), "clopidogrel/recent-stent")

    assert item.reason == f"c{STENT_REASON}"
    assert item.question == f"C{STENT_REASON}. Hold or continue clopidogrel?"
    assert item.to_dict()["answer_with"] == {"decision": ["hold", "continue"], "hold_dates": "proposed", "data": []}


def test_a_clinical_check_on_an_undated_medicine_requires_the_hold_dates():
    """Without dose times there are no proposed dates, so a hold decided on the check must give them."""
    item = _item(request(med("clopidogrel", **RECENT_STENT)), "clopidogrel/recent-stent")

    assert item.to_dict()["answer_with"] == {"decision": ["hold", "continue"], "hold_dates": "required", "data": []}


def test_a_clinical_check_with_data_to_give_asks_for_it_first():
    """A missing indication asks to give it, or to hold or continue, naming the fields that answer it."""
    item = _item(request(med("clopidogrel", "08:00")), "clopidogrel/indication")

    assert item.question == (
        "Why clopidogrel is taken is needed: medications[0].indication (coronary-stent, "
        "acute-coronary-syndrome, stroke-or-tia or peripheral-arterial-disease) with "
        "medications[0].indication_date; stopping it within months of a coronary stent or an acute "
        "coronary syndrome risks stent thrombosis. Give it, or hold or continue clopidogrel?"
    )
    assert item.to_dict()["answer_with"] == {
        "decision": ["hold", "continue"],
        "hold_dates": "proposed",
        "data": ["medications[0].indication", "medications[0].indication_date"],
    }


def test_an_unconfirmed_rule_on_an_undated_medicine_proposes_no_dates():
    """An unconfirmed row with no dose times says no dates are proposed, and a hold must give them."""
    item = _item(request(med("clopidogrel", **RECENT_STENT)), "clopidogrel/unconfirmed-rule")

    assert item.question == (
        "Hold clopidogrel as proposed (no dates are proposed: a hold gives its last dose and restart), "
        "or continue it? Rule asra-pain-2018:clopidogrel is not yet confirmed against its source."
    )
    assert item.to_dict()["answer_with"]["hold_dates"] == "required"


def test_a_route_the_hold_depends_on_is_asked_with_its_choices():
    """A medicine whose hold depends on its route asks for it, naming the routes joined by 'or'."""
    item = _item(request(med("heparin", "08:00")), "heparin/route-needed")

    assert item.question == "What is unfractionated heparin's route (iv or sc)? Its hold depends on it."
    assert item.reason == "unfractionated heparin's hold depends on the route: iv or sc needed"
    assert item.to_dict()["answer_with"] == {"decision": [], "hold_dates": None, "data": ["medications[0].route"]}


def test_a_route_the_table_has_no_row_for_is_planned_by_hand_by_name():
    """A route no row covers asks to hold or continue the medicine, naming it and the route given."""
    body = request(med("heparin", "08:00", route="oral", regimen="therapeutic"))

    item = _item(body, "heparin/no-rule")

    assert item.question == (
        "Hold unfractionated heparin (giving its last dose and restart), or continue it? medplan cannot "
        "plan it: asra-pain-2018 gives no rule for unfractionated heparin given oral."
    )


def test_a_class_the_guideline_has_no_row_for_is_planned_by_hand_by_name():
    """A guideline without the medicine's class asks to hold or continue it, naming the medicine."""
    body = request(med("ibuprofen", "08:00"), procedure=None) | {
        "procedure": {"name": "p", "bleeding_risk": "low", "guideline": "chest-2022", **PERTH}
    }

    item = _item(body, "ibuprofen/no-rule")

    assert item.question == (
        "Hold ibuprofen (giving its last dose and restart), or continue it? medplan cannot plan it: "
        "chest-2022 gives no rule for ibuprofen: plan it by hand."
    )


def test_a_name_without_suggestions_is_planned_by_hand_by_the_name_given():
    """An unknown name with nothing close asks to hold or continue it under the name the request gave."""
    item = _item(request(med("Paracetamol", "08:00")), "Paracetamol/not-in-table")

    assert item.question == (
        "Hold Paracetamol (giving its last dose and restart), or continue it? medplan cannot plan it: "
        "'Paracetamol' is not in medplan's table: check the name, or plan this medicine by hand."
    )


def test_a_booking_too_soon_is_answered_by_the_procedure_start():
    """The plan's booked-too-soon item asks for a later start and is answered by procedure.start alone."""
    item = _item(request(med("warfarin", "18:00"), now="2026-12-07T10:00"), "plan/booked-too-soon")

    assert item.question == (
        "Can the procedure be booked from Saturday 12 December 2026 (any time that day) instead of "
        "Tuesday 8 December 2026 at 09:30? As booked, warfarin cannot be stopped in time."
    )
    assert item.to_dict()["answer_with"] == {"decision": [], "hold_dates": None, "data": ["procedure.start"]}


@pytest.mark.parametrize("name", ["semaglutide", "Ozempic"])
def test_a_policy_variant_the_table_lacks_is_planned_by_hand_naming_the_medicine(name):
    """A clinic table without the profile's GLP-1 variant asks to hold or continue the medicine (not its class), under its own id."""
    records = datafiles.records(plannercases.TABLE_FILE)
    table = plannercases.table_of([r for r in records if not r[0].startswith("asa-2023:")])
    semaglutide = plannercases.med(name, "08:00", days=["sunday"])
    body = plannercases.request(semaglutide, sedation=True, policy={"profile": "glp1-asa-2023"})

    [item] = medplan.plan(body, table=table).reviews

    assert item.id == f"{name}/variant-not-in-table"
    assert item.question == (
        "Hold semaglutide (giving its last dose and restart), or continue it? medplan cannot plan it: "
        "clinic policy 'glp1-asa-2023' chooses 'asa-2023' for glp1-ra, which the table does not give "
        "(it gives multisociety-2024)."
    )
    assert item.to_dict()["answer_with"] == {"decision": ["hold", "continue"], "hold_dates": "required", "data": []}


def test_a_renal_check_on_an_open_day_has_no_closed_laboratory_note():
    """Metformin's eGFR check on an open Thursday stays on its day with no note of a closed laboratory."""
    body = {
        "procedure": {
            "name": "Procedure",
            "start": "2026-12-08T09:30",
            "timezone": "Europe/London",
            "bleeding_risk": "high",
            "guideline": "chest-2022",
            "contrast": True,
        },
        "patient": {"egfr": 25},
        "medications": [{"name": "metformin", "times": ["08:00"]}],
    }

    (metformin,) = medplan.plan(body).medications

    assert [(c.on.isoformat(), c.day) for c in metformin.checks] == [("2026-12-10", 2)]
    assert not [note for note in metformin.notes if "test before the restart is due" in note]


def test_an_unconfirmed_rule_whose_restart_is_past_its_window_proposes_no_dates():
    """With a last dose but no restart inside the window, the unconfirmed-rule question offers no dates to take."""
    body = request(med("clopidogrel", "10:00", **SECONDARY), risk="high")

    item = _item(body, "clopidogrel/unconfirmed-rule")

    assert item.question == (
        "Hold clopidogrel as proposed (no dates are proposed: a hold gives its last dose and restart), "
        "or continue it? Rule asra-pain-2018:clopidogrel is not yet confirmed against its source."
    )
    assert item.to_dict()["answer_with"]["hold_dates"] == "required"


def test_a_clinical_check_with_a_last_dose_but_no_restart_requires_the_hold_dates():
    """A recent stent whose restart is past its window has a last dose but no restart, so a hold must give both."""
    body = request(med("clopidogrel", "10:00", **RECENT_STENT), risk="high")
    (clopidogrel,) = medplan.plan(body).medications

    item = _item(body, "clopidogrel/recent-stent")

    assert (clopidogrel.last_dose is not None, clopidogrel.resume) == (True, None)
    assert item.to_dict()["answer_with"]["hold_dates"] == "required"


def test_a_days_window_past_its_end_is_asked_from_the_start_of_its_first_day():
    """A days restart window opens at midnight of its first day, which the past-window question names."""
    body = {
        "procedure": {
            "name": "test procedure",
            "start": "2026-12-03T09:30",
            "timezone": "Australia/Perth",
            "bleeding_risk": "high",
            "guideline": "chest-2022",
        },
        "patient": {"crcl_ml_min": 20},
        "medications": [{"name": "apixaban", "times": ["08:00"], "days": ["monday"]}],
    }

    item = _item(body, "apixaban/restart-past-window")

    assert item.question == (
        "When does apixaban restart? No usual dose falls in its restart window (from Saturday 5 December "
        "2026 at 00:00 until the end of Sunday 6 December 2026); the first is Monday 7 December 2026 at "
        "08:00. Hold it with the last dose and a restart chosen with the prescriber (that dose, to confirm it)."
    )
