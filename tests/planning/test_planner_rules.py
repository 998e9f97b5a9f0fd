"""Which row a plan cites, what it notes, the anticoagulant aftercare and clinic tables."""

from __future__ import annotations

import datafiles
from plannercases import (
    PAD,
    TABLE_FILE,
    iso,
    med,
    only,
    request,
)

import medplan
from medplan import Action
from medplan.planning.planner import make_plan
from medplan.tables.bridging_doses import load_bridging_tables
from medplan.tables.drug_classes import parse_table
from medplan.tables.thrombotic_risk import load_risk_table


def test_an_infusion_restarted_days_after_restarts_at_the_start_of_that_day():
    """An infusion whose row restarts it 1 day after restarts at midnight starting day +1, its stop still at the start of day -5."""
    table = parse_table(datafiles.with_cells(TABLE_FILE, "asra-pain-2018:abciximab", high_resume="1 day"), TABLE_FILE)

    result = only(medplan.plan(request(med("ReoPro", route="iv"), risk="high"), table=table))

    assert (iso(result.last_dose), iso(result.resume)) == ("2026-12-03T00:00:00+08:00", "2026-12-09T00:00:00+08:00")


def test_a_row_without_a_note_adds_none():
    """The row's note ends the medicine's notes; a row that has none adds nothing."""
    table = parse_table(datafiles.with_cells(TABLE_FILE, "asra-pain-2018:warfarin", note=""), TABLE_FILE)
    bundled = only(medplan.plan(request(med("warfarin", "18:00"))))

    result = only(medplan.plan(request(med("warfarin", "18:00")), table=table))

    assert bundled.notes[-1] == medplan.default_table().rules_for("asra-pain-2018", "warfarin")[0].note
    assert result.notes == bundled.notes[:-1]


def test_a_plan_that_is_the_same_for_every_indication_shows_the_first_indications_rule():
    """Aspirin with no indication, continued for either, shows the primary-prevention row and says so."""
    result = only(medplan.plan(request(med("aspirin", "08:00"))))

    assert result.rule_id == "asra-pain-2018:aspirin:primary-prevention"
    assert (
        "The request does not give the indication; the plan is the same for each indication the table gives, "
        "and shows the primary-prevention rule."
    ) in result.notes


def test_unconfirmed_rows_that_agree_do_not_answer_for_an_unstated_regimen():
    """Tinzaparin's two unconfirmed rows made to agree still leave the regimen to ask, not the proposal of one of them."""
    text = datafiles.with_cells(
        "drug_classes.csv", "asra-pain-2018:tinzaparin:therapeutic",
        low_hold="12 hours", intermediate_hold="12 hours", high_hold="12 hours",
    )
    table = parse_table(text, "drug_classes.csv")

    result = only(medplan.plan(request(med("tinzaparin", "20:00")), table=table))

    assert (result.action, result.rule_id, result.last_dose) == (Action.REVIEW, None, None)
    assert result.review_reason == "tinzaparin's hold depends on the dose regimen: prophylactic or therapeutic needed"


# --- the anticoagulant aftercare: only for an anticoagulant that is held ----------------------


def nerve_root_sleeve(*medications, **procedure):
    """The seed's procedure by its code, with its aftercare, in Perth on Tuesday 8 December 2026."""
    return {
        "procedure": {"code": "tfesi-lumbar", "start": "2026-12-08T09:30", "timezone": "Australia/Perth", **procedure},
        "medications": list(medications),
    }


def anticoagulant_care(body):
    return [c.item for c in medplan.plan(body).care if c.item.startswith("anticoagulant")]


def test_the_anticoagulant_restart_is_in_the_aftercare_when_a_later_medicine_is_held():
    """Aspirin continued first, then warfarin held: the aftercare says when the blood thinner restarts."""
    body = nerve_root_sleeve(med("aspirin", "08:00", indication="secondary-prevention"), med("warfarin", "18:00"))

    assert anticoagulant_care(body) == ["anticoagulant-restart"]


def test_no_anticoagulant_restart_for_an_anticoagulant_that_is_not_held():
    """Warfarin left for review before a low-risk procedure is not stopped, so there is no restart to tell."""
    body = nerve_root_sleeve(med("warfarin", "18:00"), bleeding_risk="low")

    assert anticoagulant_care(body) == []


def test_no_anticoagulant_restart_for_a_held_antiplatelet():
    """Clopidogrel held under CHEST 2022 is an antiplatelet, not an anticoagulant: no restart item."""
    body = nerve_root_sleeve(med("clopidogrel", "08:00", indication=PAD), guideline="chest-2022")

    assert only(medplan.plan(body)).action is Action.HOLD
    assert anticoagulant_care(body) == []


def test_a_regimen_the_table_has_no_row_for_is_named_as_for_it():
    """Enoxaparin ordered weekly: ASRA gives no rule for enoxaparin 'for weekly' (a route would read 'given')."""
    result = only(medplan.plan(request(med("enoxaparin", "08:00", regimen="weekly"))))

    assert result.review_reason == "asra-pain-2018 gives no rule for enoxaparin for weekly"


def test_a_medicine_whose_plan_waits_for_a_procedure_flag_still_names_its_drug():
    """Empagliflozin before a procedure that does not say whether the patient fasts: review, but resolved to its drug and class."""
    result = only(medplan.plan(request(med("empagliflozin", "08:00"))))

    assert (result.action, result.drug, result.drug_class) == (Action.REVIEW, "empagliflozin", "sglt2-inhibitor")
    assert result.review_reason == "empagliflozin's plan depends on whether the procedure has fasting: procedure.fasting needed"


def test_metformin_without_contrast_or_egfr_cites_the_classs_first_row():
    """Without contrast metformin is continued even with no eGFR, and the plan cites the table's first metformin row."""
    result = only(medplan.plan(request(med("metformin", "08:00"), contrast=False)))

    assert (result.action, result.rule_id) == (Action.CONTINUE, "acr-2021:metformin:egfr-30-up")


def test_an_unstated_regimen_that_changes_nothing_is_noted():
    """ASRA's dalteparin rows agree for both regimens: held without asking, with a note that the regimen was not given."""
    result = only(medplan.plan(request(med("dalteparin", "08:00"))))

    assert (result.action, result.rule_id) == (Action.HOLD, "asra-pain-2018:dalteparin:prophylactic")
    assert result.notes[0] == (
        "The request does not give the regimen; the plan is the same for each regimen the table gives, "
        "and shows the prophylactic rule."
    )


def test_the_planner_uses_the_pathway_tables_it_is_given(tmp_path):
    """A clinic's own copies of the thrombotic-risk, bridging-dose and pathway tables are the ones the plan names."""
    for bundled, copy in (("thrombotic_risk.csv", "clinic-risk.csv"), ("bridging_doses.csv", "clinic-doses.csv"),
                          ("warfarin_pathway.csv", "clinic-pathway.csv")):
        (tmp_path / copy).write_text(datafiles.bundled(bundled), encoding="utf-8")
    parsed = medplan.parse_request(request(med("warfarin", "18:00")))

    plan = make_plan(parsed, medplan.default_table(), medplan_version="test",
                     risk_table=load_risk_table(tmp_path / "clinic-risk.csv"),
                     bridging=load_bridging_tables(tmp_path / "clinic-doses.csv", tmp_path / "clinic-pathway.csv"))

    assert [v.partition(" ")[0] for v in plan.anticoagulation.versions] == [
        "clinic-risk.csv", "clinic-doses.csv", "clinic-pathway.csv",
    ]
