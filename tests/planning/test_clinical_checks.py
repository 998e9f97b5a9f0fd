"""Clinical checks across the list: P2Y12 intervals after a stent or ACS, renal floors, combinations.

Cases are written from the sources' own numbers (data/clinical_checks.csv
cites each): ACC/AHA 2016 (6 months after a drug-eluting stent, 12 months
after an acute coronary syndrome), ESC 2022 as recalled (6 months after any
elective PCI, the conservative reading for a bare-metal stent), AHA/ASA 2021
(dual antiplatelet therapy up to 90 days after a minor stroke or TIA), the
metformin label (contraindicated below eGFR 30) and the DOAC labels' CrCl
floors (dabigatran 30, apixaban, rivaroxaban and edoxaban 15). The
procedure is on Tuesday 8 December 2026, so "6 months before" is 8 June 2026.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import datafiles
import pytest
from datafiles import BrokenRow

import medplan
from medplan.model import Check, Indication, MedicationOrder, Regimen
from medplan.planning.clinical_checks import Listed, combination_questions, p2y12_questions
from medplan.tables.clinical_checks import (
    COLUMNS,
    default_clinical_checks,
    load_clinical_checks,
    parse_clinical_checks,
)
from medplan.tables.drug_classes import Group

DAY0 = date(2026, 12, 8)


def booking(*medications, patient=None, guideline="chest-2022", contrast=None, start="2026-12-08T09:30"):
    procedure = {
        "name": "Procedure",
        "start": start,
        "timezone": "Europe/London",
        "bleeding_risk": "high",
        "guideline": guideline,
    }
    if contrast is not None:
        procedure["contrast"] = contrast
    request = {"procedure": procedure, "medications": list(medications)}
    if patient is not None:
        request["patient"] = patient
    return request


def plavix(**extra):
    return {"name": "Plavix", "times": ["08:00"], **extra}


# --- P2Y12 antiplatelets: the minimum interval after the event -------------------------


@dataclasses.dataclass(frozen=True)
class IntervalCase:
    id: str
    indication: str | None
    indication_date: str | None
    stent_type: str | None
    review_id: str | None  # None: planned as usual, with no question from its indication


INTERVAL_CASES = [
    IntervalCase("des-2-months", "coronary-stent", "2026-10-08", "drug-eluting", "Plavix/recent-stent"),
    # On or after day 0 minus 6 months is within them (the thrombotic table's count).
    IntervalCase("des-exactly-6-months", "coronary-stent", "2026-06-08", "drug-eluting", "Plavix/recent-stent"),
    IntervalCase("des-6-months-and-a-day", "coronary-stent", "2026-06-07", "drug-eluting", None),
    # ACC/AHA's 30 days for a bare-metal stent is shorter than ESC's 6 months for any PCI: 6 is kept.
    IntervalCase("bms-5-weeks", "coronary-stent", "2026-11-01", "bare-metal", "Plavix/recent-stent"),
    IntervalCase("bms-4-months", "coronary-stent", "2026-08-08", "bare-metal", "Plavix/recent-stent"),
    IntervalCase("stent-of-unknown-type-5-months", "coronary-stent", "2026-07-01", None, "Plavix/recent-stent"),
    IntervalCase("stent-2-years", "coronary-stent", "2024-12-08", None, None),
    IntervalCase("acs-11-months", "acute-coronary-syndrome", "2026-01-08", None,
                 "Plavix/recent-acute-coronary-syndrome"),
    IntervalCase("acs-12-months-and-a-day", "acute-coronary-syndrome", "2025-12-07", None, None),
    IntervalCase("stroke-2-months", "stroke-or-tia", "2026-10-01", None, "Plavix/recent-stroke-or-tia"),
    IntervalCase("stroke-4-months", "stroke-or-tia", "2026-08-01", None, None),
    # No minimum interval is tabled for peripheral arterial disease.
    IntervalCase("pad-last-month", "peripheral-arterial-disease", "2026-11-01", None, None),
    IntervalCase("no-indication", None, None, None, "Plavix/indication"),
    IntervalCase("secondary-prevention", "secondary-prevention", None, None, "Plavix/indication"),
    IntervalCase("stent-without-date", "coronary-stent", None, "drug-eluting", "Plavix/indication-date"),
]


def _order(case: IntervalCase) -> dict[str, object]:
    extra = {
        key: value
        for key, value in (
            ("indication", case.indication),
            ("indication_date", case.indication_date),
            ("stent_type", case.stent_type),
        )
        if value is not None
    }
    return plavix(**extra)


@pytest.mark.parametrize("case", INTERVAL_CASES, ids=lambda c: c.id)
def test_a_p2y12_antiplatelet_is_placed_by_its_indication(case):
    """Stopped inside its minimum, or with no event named, clopidogrel is review; otherwise as usual."""
    order = medplan.parse_request(booking(_order(case)), guidelines=("chest-2022",)).medications[0]
    questions = p2y12_questions(order, "medications[0]", "clopidogrel", DAY0, default_clinical_checks(), stopped=True)

    assert [q.id for q in questions] == ([case.review_id] if case.review_id else [])


def test_clopidogrel_two_months_after_a_stent_needs_the_cardiologist():
    """The issue's case: a drug-eluting stent 2 months before is review, naming the question and its source."""
    plan = medplan.plan(booking(plavix(indication="coronary-stent", indication_date="2026-10-08",
                                       stent_type="drug-eluting")))
    (clopidogrel,) = plan.medications

    assert plan.needs_review
    assert clopidogrel.action is medplan.Action.REVIEW
    assert plan.review_reasons[0] == (
        "Plavix: coronary-stent on 2026-10-08, 61 days before the procedure, inside the 6-month minimum "
        "(acc-aha-2016:p2y12:drug-eluting-stent): stopping a P2Y12 antiplatelet within 6 months of a "
        "drug-eluting coronary stent risks stent thrombosis: do not stop it without the cardiologist "
        "(ask whether the procedure can wait, or go ahead without stopping it)"
    )
    assert any(n.startswith("acc-aha-2016:p2y12:drug-eluting-stent: ACC/AHA 2016") and n.endswith("[C2]")
               for n in clopidogrel.notes)
    # The proposal stays for the pharmacist to see: the review changes who decides, not the dates.
    assert clopidogrel.last_dose.isoformat() == "2026-12-02T08:00:00+00:00"


def test_clopidogrel_two_years_after_a_stent_plans_as_usual():
    """The issue's case: a stent 2 years before asks nothing; CHEST's 5-day hold is planned."""
    usual = medplan.plan(booking(plavix(indication="peripheral-arterial-disease")))
    plan = medplan.plan(booking(plavix(indication="coronary-stent", indication_date="2024-12-08")))

    assert not plan.needs_review
    assert plan.medications[0].action is medplan.Action.HOLD
    assert (plan.medications[0].last_dose, plan.medications[0].resume) == (
        usual.medications[0].last_dose, usual.medications[0].resume)


def test_a_stent_of_unknown_type_takes_the_longer_minimum_and_says_so():
    """Not told the stent's type, the plan takes the longest of the types' minimums, with a note."""
    plan = medplan.plan(booking(plavix(indication="coronary-stent", indication_date="2026-07-01")))

    assert "The stent type is not given: the longest minimum of the stent types is used." in plan.medications[0].notes


def test_a_p2y12_antiplatelet_continued_is_not_held_to_its_interval():
    """Only a stop risks stent thrombosis: a P2Y12 the plan continues asks nothing of its date."""
    order = MedicationOrder(name="Plavix", indication=Indication.CORONARY_STENT, indication_date=date(2026, 11, 1))

    assert p2y12_questions(order, "medications[0]", "clopidogrel", DAY0, default_clinical_checks(),
                           stopped=False) == []


def test_the_indication_question_names_the_fields_to_give():
    """A P2Y12 without an event indication is asked for it by field, with why it matters."""
    plan = medplan.plan(booking(plavix(indication="secondary-prevention")))

    assert plan.medications[0].review_reason == (
        "why clopidogrel is taken is needed (secondary-prevention does not say which): medications[0].indication "
        "(coronary-stent, acute-coronary-syndrome, stroke-or-tia or peripheral-arterial-disease) with "
        "medications[0].indication_date; stopping it within months of a coronary stent or an acute coronary "
        "syndrome risks stent thrombosis"
    )


def test_a_stent_without_its_date_asks_for_the_date():
    """The minimum depends on when the stent went in: the date is asked for by field."""
    plan = medplan.plan(booking(plavix(indication="coronary-stent")))

    assert plan.medications[0].review_reason == (
        "clopidogrel for coronary-stent: its date is needed (medications[0].indication_date), since stopping it "
        "within 6 months of it is a question for the specialist"
    )


@pytest.mark.parametrize("indication", ["coronary-stent", "acute-coronary-syndrome", "stroke-or-tia",
                                        "peripheral-arterial-disease", "secondary-prevention"])
def test_aspirin_for_an_event_is_planned_as_secondary_prevention(indication):
    """Aspirin given for a stent or a stroke takes ASRA's secondary-prevention row, as aspirin's questions do."""
    plan = medplan.plan(booking({"name": "aspirin", "times": ["08:00"], "indication": indication},
                                guideline="asra-pain-2018"))

    assert plan.medications[0].rule_id == "asra-pain-2018:aspirin:secondary-prevention"


# --- renal floors --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FloorCase:
    drug: str
    measure: str
    value: float
    flagged: bool


FLOOR_CASES = [
    FloorCase("metformin", "egfr", 25, flagged=True),
    # At the floor is flagged: the cautious side, as the drug table's cut-offs are.
    FloorCase("metformin", "egfr", 30, flagged=True),
    FloorCase("metformin", "egfr", 31, flagged=False),
    FloorCase("dabigatran", "crcl_ml_min", 29, flagged=True),
    FloorCase("dabigatran", "crcl_ml_min", 31, flagged=False),
    FloorCase("apixaban", "crcl_ml_min", 14, flagged=True),
    FloorCase("apixaban", "crcl_ml_min", 26, flagged=False),
    FloorCase("rivaroxaban", "crcl_ml_min", 15, flagged=True),
    FloorCase("rivaroxaban", "crcl_ml_min", 16, flagged=False),
    FloorCase("edoxaban", "crcl_ml_min", 10, flagged=True),
    FloorCase("edoxaban", "crcl_ml_min", 16, flagged=False),
]


@pytest.mark.parametrize("case", FLOOR_CASES, ids=lambda c: f"{c.drug}-{c.measure}-{c.value:g}")
def test_a_drug_below_its_labels_renal_floor_is_review(case):
    """At or below its label's floor a drug is review whatever its hold; above it, the floor asks nothing."""
    patient = {case.measure: case.value, "crcl_ml_min": 60} if case.measure == "egfr" else {case.measure: case.value}
    plan = medplan.plan(booking({"name": case.drug, "times": ["08:00"]}, patient=patient, contrast=False))
    reason = plan.medications[0].review_reason or ""

    assert ("floor of" in reason) is case.flagged


def test_metformin_at_egfr_25_is_flagged_contraindicated_with_its_date():
    """The issue's case: metformin at eGFR 25 is review as contraindicated, citing when the eGFR was measured."""
    plan = medplan.plan(booking({"name": "metformin", "times": ["08:00"]},
                                patient={"egfr": 25, "egfr_date": "2026-12-01"}, contrast=False))

    assert plan.review_reasons == (
        ("metformin: eGFR 25 (measured 2026-12-01) is at or below metformin's floor of 30: metformin is "
        "contraindicated below eGFR 30 (FDA label): ask the prescriber whether it should be taken at all"),
    )


def test_metformin_with_contrast_has_a_dated_renal_check_before_its_restart():
    """ACR category II: withheld 48 hours after contrast, restarted after an eGFR on day +2 (Thursday)."""
    plan = medplan.plan(booking({"name": "metformin", "times": ["08:00", "18:00"]},
                                patient={"egfr": 25}, contrast=True))
    (metformin,) = plan.medications

    assert [c.to_dict() for c in metformin.checks] == [
        {"test": "eGFR", "max": None, "date": "2026-12-10", "day": 2, "before": "restart"}
    ]
    assert metformin.resume.isoformat() == "2026-12-10T18:00:00+00:00"


def test_a_renal_check_due_on_a_closed_day_stays_on_its_day_with_a_note():
    """A Thursday procedure's day +2 is a Saturday: the check stays before the restart, and the plan says so."""
    plan = medplan.plan(booking({"name": "metformin", "times": ["08:00"]}, patient={"egfr": 25}, contrast=True,
                                start="2026-12-10T09:30"))
    (metformin,) = plan.medications

    assert [(c.on.isoformat(), c.day) for c in metformin.checks] == [("2026-12-12", 2)]
    assert (
        "The eGFR test before the restart is due on Saturday 12 December 2026 (Saturday), when the laboratory "
        "is closed: arrange it elsewhere, or restart only after the next working day's result."
    ) in metformin.notes


def test_a_renal_check_is_described_without_a_threshold():
    """An INR check reads by its threshold; an eGFR check before a restart by the patient's baseline."""
    inr = Check(test="INR", max_value=1.5, on=DAY0, day=-1)
    egfr = Check(test="eGFR", max_value=None, on=DAY0, day=2, before="restart")

    assert (inr.describe(), inr.decides()) == ("INR <= 1.5", "the procedure goes ahead only if it is 1.5 or less")
    assert (egfr.describe(), egfr.decides()) == (
        "eGFR before restarting", "restart only once it shows kidney function is stable")


def test_the_pharmacist_text_shows_a_renal_check():
    """The text plan lists the eGFR check by its day, with no threshold."""
    plan = medplan.plan(booking({"name": "metformin", "times": ["08:00"]}, patient={"egfr": 25}, contrast=True))

    assert "   Check: eGFR before restarting on Thursday 10 December 2026 (day 2)" in medplan.render_text(plan)


# --- combinations --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CombinationCase:
    id: str
    listed: tuple[Listed, ...]
    questions: tuple[str, ...]


WARFARIN = Listed("warfarin", Group.ORAL_ANTICOAGULANT, None)
APIXABAN = Listed("apixaban", Group.ORAL_ANTICOAGULANT, None)
CLOPIDOGREL = Listed("clopidogrel", Group.ANTIPLATELET, None)
ASPIRIN = Listed("aspirin", Group.ASPIRIN, None)

COMBINATION_CASES = [
    CombinationCase("warfarin-clopidogrel", (WARFARIN, CLOPIDOGREL), ("plan/anticoagulant-with-antiplatelet",)),
    CombinationCase("apixaban-aspirin-clopidogrel", (APIXABAN, ASPIRIN, CLOPIDOGREL),
                    ("plan/anticoagulant-with-antiplatelet", "plan/two-antiplatelets")),
    CombinationCase("dual-antiplatelet", (ASPIRIN, CLOPIDOGREL), ("plan/two-antiplatelets",)),
    CombinationCase("therapeutic-enoxaparin-aspirin",
                    (Listed("enoxaparin", Group.PARENTERAL_ANTICOAGULANT, Regimen.THERAPEUTIC), ASPIRIN),
                    ("plan/anticoagulant-with-antiplatelet",)),
    # Thromboprophylaxis with aspirin is routine.
    CombinationCase("prophylactic-enoxaparin-aspirin",
                    (Listed("enoxaparin", Group.PARENTERAL_ANTICOAGULANT, Regimen.PROPHYLACTIC), ASPIRIN), ()),
    CombinationCase("one-anticoagulant", (APIXABAN, Listed("metformin", None, None)), ()),
    CombinationCase("one-antiplatelet-twice", (CLOPIDOGREL, CLOPIDOGREL), ()),
]


@pytest.mark.parametrize("case", COMBINATION_CASES, ids=lambda c: c.id)
def test_combinations_are_plan_level_questions(case):
    """An anticoagulant with an antiplatelet, and two antiplatelets, each raise their own question."""
    assert tuple(q.id for q in combination_questions(case.listed)) == case.questions


def test_warfarin_with_clopidogrel_names_the_medicines_and_the_question():
    """The issue's case: warfarin + clopidogrel needs review, the question naming both."""
    plan = medplan.plan(booking({"name": "warfarin", "times": ["18:00"]},
                                plavix(indication="peripheral-arterial-disease")))

    assert plan.needs_review
    assert (
        "warfarin with clopidogrel: an anticoagulant with an antiplatelet adds to the bleeding risk; ask why each "
        "is taken and whether both are still meant (after a coronary stent or an acute coronary syndrome the "
        "cardiologist decides), and plan their stops and restarts together"
    ) in plan.review_reasons


def test_apixaban_aspirin_and_clopidogrel_ask_both_questions():
    """The issue's case: triple therapy asks about the anticoagulant with antiplatelets and about DAPT."""
    plan = medplan.plan(booking({"name": "apixaban", "times": ["08:00", "20:00"]},
                                {"name": "aspirin", "times": ["08:00"]},
                                plavix(indication="peripheral-arterial-disease"), patient={"crcl_ml_min": 60}))

    plan_level = [r.split(":")[0] for r in plan.review_reasons if not r.startswith(("aspirin:", "Plavix:"))]

    assert plan_level == [
        "apixaban with aspirin and clopidogrel",
        "aspirin and clopidogrel are two antiplatelets (dual antiplatelet therapy)",
    ]


# --- the table -----------------------------------------------------------------------


def test_the_bundled_rows_carry_the_sources_numbers():
    """Each row's number is the one its source gives (the conservative one where sources disagree)."""
    table = default_clinical_checks()

    assert {r.check_id: (r.months, r.at_or_below, r.evidence.value) for r in table.rows} == {
        "acc-aha-2016:p2y12:drug-eluting-stent": (6, None, "C2"),
        "acc-aha-2016:p2y12:bare-metal-stent": (6, None, "U"),
        "acc-aha-2016:p2y12:acute-coronary-syndrome": (12, None, "C2"),
        "aha-asa-2021:p2y12:stroke-or-tia": (3, None, "U"),
        "fda-2016:metformin:egfr-floor": (None, 30.0, "C"),
        "label:dabigatran:crcl-floor": (None, 30.0, "C2"),
        "label:apixaban:crcl-floor": (None, 15.0, "C2"),
        "label:rivaroxaban:crcl-floor": (None, 15.0, "C2"),
        "label:edoxaban:crcl-floor": (None, 15.0, "C2"),
    }


def test_a_table_file_is_loaded_from_its_path(tmp_path):
    """A clinic's own copy of the table is read and named by its file."""
    path = tmp_path / "mine.csv"
    path.write_text(interval_row(), encoding="utf-8")

    assert load_clinical_checks(path).version.startswith("mine.csv sha256:")


def interval_row(**cells):
    return datafiles.one_row(COLUMNS, {
        "check_id": "x", "kind": "p2y12-interval", "drugs": "clopidogrel", "indication": "coronary-stent",
        "months": "6", "evidence": "C", "question": "Ask.", "source": "S",
    } | cells)


def floor_row(**cells):
    floor = {"kind": "renal-floor", "indication": "", "months": "", "measure": "crcl", "at_or_below": "15"}
    return interval_row(**(floor | cells))


BROKEN_ROWS = [
    BrokenRow(interval_row(kind="hunch"), "kind", "must be one of p2y12-interval, renal-floor (got 'hunch')"),
    BrokenRow(interval_row(drugs=""), "drugs", "must not be empty"),
    BrokenRow(interval_row(evidence="maybe"), "evidence", "must be one of C, C2, U (got 'maybe')"),
    BrokenRow(interval_row(measure="crcl"), "measure", "must be empty for a p2y12-interval row (got 'crcl')"),
    BrokenRow(interval_row(indication="primary-prevention"), "indication",
              "must name an event, not primary-prevention, for a minimum interval"),
    BrokenRow(interval_row(indication="acute-coronary-syndrome", stent_type="drug-eluting"), "stent_type",
              "must be empty unless the indication is coronary-stent"),
    BrokenRow(interval_row(months=""), "months", "must be given for a p2y12-interval row"),
    BrokenRow(interval_row(months="0"), "months", "must be between 1 and 60 (got '0')"),
    BrokenRow(interval_row(check_id="X"), "check_id", "must be lower-case letters, digits and - . : (got 'X')"),
    BrokenRow(floor_row(months="6"), "months", "must be empty for a renal-floor row (got '6')"),
    BrokenRow(floor_row(at_or_below=""), "at_or_below", "must be given for a renal-floor row"),
    BrokenRow(floor_row(measure="gfr"), "measure", "must be one of crcl, egfr (got 'gfr')"),
]


@pytest.mark.parametrize("case", BROKEN_ROWS, ids=lambda c: f"{c.column}-{c.problem[:30]}")
def test_a_broken_row_is_refused_naming_row_and_column(case):
    """Rows are validated as the other tables are: file, row, column and the problem."""
    with pytest.raises(medplan.TableError) as info:
        parse_clinical_checks(case.text)

    assert str(info.value) == f"clinical_checks.csv, row 2: column {case.column!r}: {case.problem}"


def test_a_check_id_used_twice_is_refused():
    """Each row's id is the stable part of its review item: it must be unique."""
    text = interval_row() + interval_row().split("\n", 1)[1]

    with pytest.raises(medplan.TableError) as info:
        parse_clinical_checks(text)

    assert str(info.value) == "clinical_checks.csv, row 3: column 'check_id': 'x' is already used at row 2"


def test_a_floor_row_is_read():
    """A renal floor names its measure and number."""
    (row,) = parse_clinical_checks(floor_row()).rows

    assert (row.measure.value, row.at_or_below, row.months) == ("crcl", 15.0, None)


# --- as review items ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ItemCase:
    id: str
    medications: tuple[dict[str, object], ...]
    patient: dict[str, object] | None
    contrast: bool | None
    items: dict[str, dict[str, object]]  # review id -> how it is answered (the plan's answer_with)


CONFIRM = {"decision": ["confirmed"], "hold_dates": None, "data": []}
HOLD_OR_CONTINUE = {"decision": ["hold", "continue"], "hold_dates": "proposed", "data": []}
ITEM_CASES = [
    ItemCase("warfarin-clopidogrel",
             ({"name": "warfarin", "times": ["18:00"]}, plavix(indication="peripheral-arterial-disease")),
             {"anticoagulation": [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 2, "stroke_or_tia": "none",
                                   "rheumatic_valve_disease": False}]}, None,
             {"plan/anticoagulant-with-antiplatelet": CONFIRM}),
    ItemCase("apixaban-aspirin-clopidogrel",
             ({"name": "apixaban", "times": ["08:00", "20:00"]}, {"name": "aspirin", "times": ["08:00"]},
              plavix()), {"crcl_ml_min": 60}, None,
             {"aspirin/table-review": HOLD_OR_CONTINUE,
              "Plavix/indication": {**HOLD_OR_CONTINUE,
                                    "data": ["medications[2].indication", "medications[2].indication_date"]},
              "plan/anticoagulant-with-antiplatelet": CONFIRM, "plan/two-antiplatelets": CONFIRM}),
    ItemCase("stent-2-months", (plavix(indication="coronary-stent", indication_date="2026-10-08"),), None, None,
             {"Plavix/recent-stent": HOLD_OR_CONTINUE}),
    ItemCase("stent-2-years", (plavix(indication="coronary-stent", indication_date="2024-12-08"),), None, None, {}),
    ItemCase("metformin-egfr-25-contrast", ({"name": "metformin", "times": ["08:00"]},), {"egfr": 25}, True,
             {"metformin/renal-floor": HOLD_OR_CONTINUE}),
]


@pytest.mark.parametrize("case", ITEM_CASES, ids=lambda c: c.id)
def test_each_check_is_a_review_item_with_a_stable_id(case):
    """The issue's cases give review items named by medicine or plan, each saying how it is answered."""
    plan = medplan.plan(booking(*case.medications, patient=case.patient, contrast=case.contrast)).to_dict()

    assert {item["id"]: item["answer_with"] for item in plan["reviews"]} == case.items
    assert plan["needs_review"] is bool(case.items)


def test_the_indication_given_clears_its_item():
    """The indication question is answered by data: the same request with the indication has no such item."""
    asked = medplan.plan(booking(plavix())).to_dict()
    answered = medplan.plan(booking(plavix(indication="acute-coronary-syndrome", indication_date="2024-01-01")))

    assert [item["id"] for item in asked["reviews"]] == ["Plavix/indication"]
    assert not answered.needs_review
