"""The warfarin pathway: bridging decision, injections and INR tests, checked by hand (the properties are in test_pathway_properties.py).

Six hand-checked plans (issue 4): a mechanical mitral valve, atrial fibrillation with CHA2DS2-VASc 3,
and a VTE two months ago, each before a high-risk procedure (spinal cord stimulator, Tuesday
29 December 2026 09:00) and an intermediate-risk one (lumbar transforaminal injection, Wednesday
31 March 2027 10:00), in Europe/London with England's bank holidays. Every date below was worked out
from the definitions in medplan.planning.schedule, medplan.planning.lab_days and data/warfarin_pathway.csv:

- warfarin 18:00, ASRA 5 days: no dose on days -5 .. 0, last dose day -6; restart the day after
  (seed policy), 18:00 day +1.
- INR before: due day -1, or the working day before it. Baseline INR: day -7, or the working day before.
- heparin: first injection day -3 at the first injection time; last injection the latest scheduled at
  least 24 hours before the start; first after the procedure the first scheduled at least 24 hours (low,
  intermediate) or 72 hours (high) after it, and not before day +1 (seed policy); then every injection
  through the day +4 INR, which moves to the working day after when the laboratory is closed; INR day +7.

England 2026-27: Christmas Fri 25 Dec; Boxing Day (Sat 26 Dec) substitute Mon 28 Dec; New Year Fri 1 Jan;
Good Friday 26 Mar 2027; Easter Monday 29 Mar 2027. Clocks go forward Sun 28 Mar 2027 (BST, +01:00).
"""

from __future__ import annotations

import attrs
import datafiles
import pytest
from pathwaycases import AF, HIGH, INTERMEDIATE, MITRAL, booking, vte

import medplan
from medplan.model import Bridging, ThromboticRisk
from medplan.tables.bridging_doses import default_bridging_tables, load_bridging_tables
from medplan.tables.drug_classes import parse_table


def steps(plan):
    """The timeline as (when, kind, dose): a test has a date, a timed event its ISO instant."""
    return [
        (e.on.isoformat() if e.at is None else e.at.isoformat(), e.kind, e.dose)
        for e in plan.timeline
    ]


def enox(dose, *moments):
    return [(m, "injection", f"{dose} mg") for m in moments]


@attrs.frozen(kw_only=True)
class WarfarinPlanCase:
    """One case of test_the_hand_checked_warfarin_plans: procedure, patient, risk, bridging, expected."""

    procedure: object
    patient: object
    risk: object
    bridging: object
    expected: object


CASES = [
    # Mitral valve, high risk: bridge, enoxaparin 1 mg/kg x 82 kg = 82 -> 80 mg twice daily.
    # Day -1 (Mon 28 Dec) is a bank holiday and 25-27 are closed: the INR goes to Thu 24 Dec.
    # High risk: the restart window is 48-72 h after 09:00 Tue 29 Dec (BRIDGE; ASH day +2 or +3), 09:00
    # Thu 31 Dec to 09:00 Fri 1 Jan: the first injection is 20:00 Thu 31 Dec (59 h), then every 12 h.
    # Day +4 is Sat 2 Jan -> Mon 4 Jan.
    pytest.param(
        WarfarinPlanCase(
            procedure=HIGH,
            patient=MITRAL,
            risk=ThromboticRisk.HIGH,
            bridging=Bridging.BRIDGE,
            expected=[
                ("2026-12-22", "test", None),
                ("2026-12-23T18:00:00+00:00", "last-dose", None),
                ("2026-12-24", "test", None),
                *enox(
                    80,
                    "2026-12-26T08:00:00+00:00",
                    "2026-12-26T20:00:00+00:00",
                    "2026-12-27T08:00:00+00:00",
                    "2026-12-27T20:00:00+00:00",
                    "2026-12-28T08:00:00+00:00",
                ),
                ("2026-12-29T09:00:00+00:00", "procedure", None),
                ("2026-12-30T18:00:00+00:00", "restart", None),
                *enox(
                    80,
                    "2026-12-31T20:00:00+00:00",
                    "2027-01-01T08:00:00+00:00",
                    "2027-01-01T20:00:00+00:00",
                    "2027-01-02T08:00:00+00:00",
                    "2027-01-02T20:00:00+00:00",
                    "2027-01-03T08:00:00+00:00",
                    "2027-01-03T20:00:00+00:00",
                ),
                ("2027-01-04", "test", None),
                *enox(80, "2027-01-04T08:00:00+00:00", "2027-01-04T20:00:00+00:00"),
                ("2027-01-05", "test", None),
            ],
        ),
        id="mitral-high",
    ),
    # Mitral valve, intermediate risk. Injections from Sun 28 Mar (BST from 01:00 that day); the last
    # at least 24 h before 10:00 Wed 31 Mar is 08:00 Tue 30 Mar. INR day -1 Tue 30 Mar is open.
    # 24 h after is 10:00 Thu 1 Apr -> 20:00. Day +4 is Sun 4 Apr -> Mon 5 Apr; day +7 Wed 7 Apr.
    pytest.param(
        WarfarinPlanCase(
            procedure=INTERMEDIATE,
            patient=MITRAL,
            risk=ThromboticRisk.HIGH,
            bridging=Bridging.BRIDGE,
            expected=[
                ("2027-03-24", "test", None),
                ("2027-03-25T18:00:00+00:00", "last-dose", None),
                *enox(80, "2027-03-28T08:00:00+01:00", "2027-03-28T20:00:00+01:00", "2027-03-29T08:00:00+01:00", "2027-03-29T20:00:00+01:00"),
                ("2027-03-30", "test", None),
                *enox(80, "2027-03-30T08:00:00+01:00"),
                ("2027-03-31T10:00:00+01:00", "procedure", None),
                ("2027-04-01T18:00:00+01:00", "restart", None),
                *enox(
                    80,
                    "2027-04-01T20:00:00+01:00",
                    "2027-04-02T08:00:00+01:00",
                    "2027-04-02T20:00:00+01:00",
                    "2027-04-03T08:00:00+01:00",
                    "2027-04-03T20:00:00+01:00",
                    "2027-04-04T08:00:00+01:00",
                    "2027-04-04T20:00:00+01:00",
                ),
                ("2027-04-05", "test", None),
                *enox(80, "2027-04-05T08:00:00+01:00", "2027-04-05T20:00:00+01:00"),
                ("2027-04-07", "test", None),
            ],
        ),
        id="mitral-intermediate",
    ),
    # AF, CHA2DS2-VASc 3, no stroke: low risk, no bridging (CHEST 2022, strong). No injections and no
    # post-procedure INR.
    pytest.param(
        WarfarinPlanCase(
            procedure=HIGH,
            patient=AF,
            risk=ThromboticRisk.LOW,
            bridging=Bridging.NO_BRIDGE,
            expected=[
                ("2026-12-22", "test", None),
                ("2026-12-23T18:00:00+00:00", "last-dose", None),
                ("2026-12-24", "test", None),
                ("2026-12-29T09:00:00+00:00", "procedure", None),
                ("2026-12-30T18:00:00+00:00", "restart", None),
            ],
        ),
        id="af-high",
    ),
    pytest.param(
        WarfarinPlanCase(
            procedure=INTERMEDIATE,
            patient=AF,
            risk=ThromboticRisk.LOW,
            bridging=Bridging.NO_BRIDGE,
            expected=[
                ("2027-03-24", "test", None),
                ("2027-03-25T18:00:00+00:00", "last-dose", None),
                ("2027-03-30", "test", None),
                ("2027-03-31T10:00:00+01:00", "procedure", None),
                ("2027-04-01T18:00:00+01:00", "restart", None),
            ],
        ),
        id="af-intermediate",
    ),
    # VTE two months ago: high risk, bridge. CrCl 25 (at or below 30): enoxaparin 1 mg/kg once daily,
    # 95 mg halfway between 90 and 100 -> 90 mg; the last injection before is half the daily dose,
    # 47.5 -> 50 mg. Once daily at 08:00. High: the 48-72 h window runs from 09:00 Thu 31 Dec to 09:00
    # Fri 1 Jan, and holds the 08:00 injection on Fri 1 Jan (71 h).
    pytest.param(
        WarfarinPlanCase(
            procedure=HIGH,
            patient=vte("2026-10-29"),
            risk=ThromboticRisk.HIGH,
            bridging=Bridging.BRIDGE,
            expected=[
                ("2026-12-22", "test", None),
                ("2026-12-23T18:00:00+00:00", "last-dose", None),
                ("2026-12-24", "test", None),
                *enox(90, "2026-12-26T08:00:00+00:00", "2026-12-27T08:00:00+00:00"),
                *enox(50, "2026-12-28T08:00:00+00:00"),
                ("2026-12-29T09:00:00+00:00", "procedure", None),
                ("2026-12-30T18:00:00+00:00", "restart", None),
                *enox(90, "2027-01-01T08:00:00+00:00", "2027-01-02T08:00:00+00:00", "2027-01-03T08:00:00+00:00"),
                ("2027-01-04", "test", None),
                *enox(90, "2027-01-04T08:00:00+00:00"),
                ("2027-01-05", "test", None),
            ],
        ),
        id="vte-high",
    ),
    # Intermediate: 24 h after 10:00 Wed 31 Mar is 10:00 Thu 1 Apr -> 08:00 Fri 2 Apr.
    pytest.param(
        WarfarinPlanCase(
            procedure=INTERMEDIATE,
            patient=vte("2027-01-31"),
            risk=ThromboticRisk.HIGH,
            bridging=Bridging.BRIDGE,
            expected=[
                ("2027-03-24", "test", None),
                ("2027-03-25T18:00:00+00:00", "last-dose", None),
                *enox(90, "2027-03-28T08:00:00+01:00", "2027-03-29T08:00:00+01:00"),
                ("2027-03-30", "test", None),
                *enox(50, "2027-03-30T08:00:00+01:00"),
                ("2027-03-31T10:00:00+01:00", "procedure", None),
                ("2027-04-01T18:00:00+01:00", "restart", None),
                *enox(90, "2027-04-02T08:00:00+01:00", "2027-04-03T08:00:00+01:00", "2027-04-04T08:00:00+01:00"),
                ("2027-04-05", "test", None),
                *enox(90, "2027-04-05T08:00:00+01:00"),
                ("2027-04-07", "test", None),
            ],
        ),
        id="vte-intermediate",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_the_hand_checked_warfarin_plans(case):
    """Each plan gives the bridging decision and every dose and INR test on its hand-checked date."""
    plan = medplan.plan(booking(case.procedure, case.patient))

    assert plan.anticoagulation.thrombotic_risk is case.risk
    assert plan.anticoagulation.bridging is case.bridging
    assert steps(plan) == case.expected
    assert all(e.source for e in plan.timeline if e.kind != "procedure")


def test_the_bridging_dose_says_how_it_was_reached():
    """82 kg at 1 mg/kg is 82 mg, given as 80 mg from the graduated syringe."""
    dose = medplan.plan(booking(HIGH, MITRAL)).anticoagulation.dose

    assert (dose.drug, dose.regimen, dose.dose, dose.exact, dose.unit, dose.rule_id) == (
        "enoxaparin",
        "twice-daily",
        80,
        82,
        "mg",
        "enoxaparin:twice-daily",
    )


def test_a_moved_inr_test_is_noted():
    """The INR due on the Boxing Day substitute holiday moves to Christmas Eve, and the warfarin plan says so."""
    warfarin = medplan.plan(booking(HIGH, AF)).medications[0]

    assert [c.on.isoformat() for c in warfarin.checks] == ["2026-12-24"]
    assert any(n.startswith("The INR test due on Monday 28 December 2026 (a public holiday in GB-ENG") for n in warfarin.notes)


def test_an_inr_moved_back_over_the_holidays_is_a_question():
    """Due Mon 28 Dec, taken Thu 24 Dec (day -5), the day after the last warfarin: the pharmacist arranges the test."""
    plan = medplan.plan(booking(HIGH, AF))

    assert plan.needs_review
    assert plan.review_reasons == (
        "warfarin: the laboratory is closed before the INR test due on day -1, so it falls on 2026-12-24 (day -5), too early to show the INR on the day: arrange a point-of-care INR on the morning, or move the booking",
    )
    assert plan.medications[0].action is medplan.Action.HOLD


@attrs.frozen(kw_only=True)
class InrWeekendCase:
    """One case of test_an_inr_moved_back_over_a_weekend_is_not_a_question: start, check_day, taken."""

    start: str
    check_day: int
    taken: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            InrWeekendCase(start="2027-01-11T09:00", check_day=-1, taken="2027-01-08"), id="2027-01-11T09:00--1-2027-01-08"
        ),  # Monday: Sunday's test on Friday, day -3, a weekend early
        pytest.param(
            InrWeekendCase(start="2026-12-29T09:00", check_day=0, taken="2026-12-29"), id="2026-12-29T09:00-0-2026-12-29"
        ),  # the morning of the procedure, a working day
        pytest.param(
            InrWeekendCase(start="2027-03-31T10:00", check_day=-1, taken="2027-03-30"), id="2027-03-31T10:00--1-2027-03-30"
        ),  # due on a working day
    ],
)
def test_an_inr_moved_back_over_a_weekend_is_not_a_question(case):
    """A weekend's move is routine: the plan notes it without asking for review."""
    plan = medplan.plan(booking({**HIGH, "start": case.start}, AF, policy={"inr_check_day": case.check_day}))

    assert [c.on.isoformat() for c in plan.medications[0].checks] == [case.taken]
    assert not plan.needs_review, plan.review_reasons


def test_without_a_reason_bridging_is_a_question():
    """Warfarin held without saying why the patient takes it: review, naming the field."""
    request = booking(HIGH, MITRAL)
    del request["patient"]["anticoagulation"]

    plan = medplan.plan(request)

    assert plan.anticoagulation.bridging is Bridging.REVIEW
    assert "warfarin: bridging: why the patient is anticoagulated is needed to decide on bridging: patient.anticoagulation" in plan.review_reasons
    assert not [e for e in plan.timeline if e.kind == "injection"]


def test_without_weight_the_dose_is_a_question():
    """Bridging is decided, but the dose needs the weight."""
    request = booking(HIGH, MITRAL)
    del request["patient"]["weight_kg"]

    plan = medplan.plan(request)

    assert plan.anticoagulation.bridging is Bridging.BRIDGE
    assert plan.anticoagulation.dose is None
    assert "warfarin: bridging: the bridging dose needs patient.weight_kg" in plan.review_reasons


def test_dalteparin_with_low_crcl_is_a_question():
    """Dalteparin has no reduced dose at CrCl 30 or less: the pharmacist chooses."""
    plan = medplan.plan(booking(HIGH, vte("2026-10-29"), policy={"bridging_agent": "dalteparin"}))

    assert plan.anticoagulation.dose is None
    assert any("dalteparin has no reduced dose" in r for r in plan.review_reasons)


def planned_with(request, bridging):
    """The plan of ``request`` with a clinic's own bridging tables (make_plan's ``bridging``)."""
    table = medplan.default_table()
    parsed = medplan.parse_request(request, table.guidelines, variants=table.variants)
    return medplan.make_plan(parsed, table, medplan_version=medplan.__version__, bridging=bridging)


def pathway_with(tmp_path, **values):
    """The bundled tables with the pathway's steps given new values, read from a clinic's file."""
    records = datafiles.records("warfarin_pathway.csv")
    column = records[0].index("value")
    for record in records[1:]:
        record[column] = values.get(record[0], record[column])
    path = tmp_path / "warfarin_pathway.csv"
    path.write_text(datafiles.write(records), encoding="utf-8")
    return load_bridging_tables(pathway=path)


def test_tables_without_a_row_for_the_heparin_make_the_dose_a_question():
    """Bridging tables built by hand with no dose row for the policy's heparin: bridging stands, and the dose is a question naming the missing row."""
    plan = planned_with(booking(HIGH, MITRAL), attrs.evolve(default_bridging_tables(), doses=()))

    assert (plan.anticoagulation.bridging, plan.anticoagulation.dose) == (Bridging.BRIDGE, None)
    assert "warfarin: bridging: the bridging dose table has no row for enoxaparin twice-daily" in plan.review_reasons
    assert not [e for e in plan.timeline if e.kind == "injection"]


@attrs.frozen(kw_only=True)
class UndatedHeparinCase:
    """One case of test_a_heparin_the_table_does_not_hold_cannot_be_dated: tiers, why."""

    tiers: object
    why: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            UndatedHeparinCase(tiers={"high_action": "review", "review_reason": "ask the haematologist"}, why="ask the haematologist"), id="review"
        ),
        pytest.param(
            UndatedHeparinCase(
                tiers={f"{tier}_{part}": "" for tier in ("low", "intermediate", "high") for part in ("hold", "resume")}
                | {f"{tier}_action": "continue" for tier in ("low", "intermediate", "high")},
                why="asra-pain-2018 gives no hold for it",
            ),
            id="continue",
        ),
    ],
)
def test_a_heparin_the_table_does_not_hold_cannot_be_dated(case):
    """A clinic table that does not hold therapeutic enoxaparin before the procedure leaves the injections undated, and says why."""
    table = parse_table(datafiles.with_cells("drug_classes.csv", "asra-pain-2018:enoxaparin:therapeutic", **case.tiers), "drug_classes.csv")

    plan = medplan.plan(booking(HIGH, MITRAL), table=table)

    assert f"warfarin: bridging: therapeutic enoxaparin cannot be dated: {case.why}" in plan.review_reasons
    assert not [e for e in plan.timeline if e.kind == "injection"]


def test_a_pathway_starting_late_with_no_injection_before_says_so(tmp_path):
    """Injections from day -2 and none within 48 hours of the start: with one at 20:00, none falls before the procedure, and the note names day -2."""
    bridging = pathway_with(tmp_path, lmwh_start_day="-2", lmwh_last_dose_hours="48")
    request = booking(HIGH, MITRAL, policy={"bridging_regimen": "once-daily", "bridging_times": ["20:00"]})

    plan = planned_with(request, bridging)

    injections = [e.at.isoformat() for e in plan.timeline if e.kind == "injection"]
    assert "No injection falls between day -2 and the last one allowed before the procedure." in plan.anticoagulation.notes
    # The 48-72 h window after 09:00 Tue 29 Dec holds 20:00 Thu 31 Dec (59 h).
    assert injections[0] == "2026-12-31T20:00:00+00:00"


def test_an_inr_test_before_the_restart_leaves_no_injection_after(tmp_path):
    """A pathway whose first INR after the procedure is on day +1, before the restart 48 to 72 hours after: no injection is dated after the procedure."""
    plan = planned_with(booking(HIGH, MITRAL), pathway_with(tmp_path, postop_inr_day="1"))

    after = [e for e in plan.timeline if e.kind == "injection" and e.day >= 0]
    tests = [(e.on.isoformat(), e.what) for e in plan.timeline if e.kind == "test" and e.day > 0]
    assert after == []
    assert tests[0] == ("2026-12-30", "INR blood test: stop the enoxaparin injections once the INR is above 1.9.")


def test_no_country_means_holidays_are_not_checked():
    """Without lab_country the INR may land on a bank holiday, and the plan says holidays were not checked."""
    request = booking(HIGH, AF)
    del request["policy"]

    plan = medplan.plan(request)

    assert plan.medications[0].checks[0].on.isoformat() == "2026-12-28"
    assert "Public holidays were not checked: clinic policy 'seed-khangure-2017' names no lab_country." in plan.anticoagulation.notes


def test_a_doac_is_never_bridged():
    """Apixaban held (CHEST 2022: 2 days before a high-risk procedure): no bridging, whatever the thrombotic risk."""
    request = booking({**HIGH, "guideline": "chest-2022"}, MITRAL)
    request["medications"] = [{"name": "apixaban", "times": ["08:00", "20:00"]}]

    plan = medplan.plan(request)

    assert plan.anticoagulation.bridging is Bridging.NO_BRIDGE
    assert plan.anticoagulation.decision.startswith("No heparin bridging while a direct oral anticoagulant is stopped")
    assert not [e for e in plan.timeline if e.kind == "injection"]


def test_the_plan_json_carries_the_pathway_and_the_timeline():
    """A booking system reads the decision, the dose and each dated step from the JSON."""
    data = medplan.plan(booking(HIGH, MITRAL)).to_dict()

    assert data["anticoagulation"]["bridging"] == "bridge"
    assert data["anticoagulation"]["dose"]["dose"] == 80
    assert data["timeline"][0] == {
        "date": "2026-12-22",
        "day": -7,
        "at": None,
        "kind": "test",
        "medicine": "warfarin",
        "what": "Baseline INR blood test, to confirm the usual INR before warfarin is stopped.",
        "for_patient": "Baseline INR blood test, to confirm the usual INR before warfarin is stopped.",
        "dose": None,
        "rule_id": "warfarin-pathway:baseline_inr_day",
        "source": data["timeline"][0]["source"],
    }
    assert "ACC expert consensus" in data["timeline"][0]["source"]


def test_the_inr_tests_tell_the_patient_what_the_result_decides_not_the_vitamin_k_doses():
    """The pharmacist reads the vitamin K band and CHEST's advice; the patient reads what the test decides and who acts on it."""
    plan = medplan.plan(booking(HIGH, MITRAL))
    tests = {e.rule_id: e for e in plan.timeline if e.kind == "test"}
    day_before = tests[plan.medications[0].rule_id]
    after = tests["warfarin-pathway:postop_inr_day"]

    assert "vitamin K 1 to 2.5 mg" in day_before.what
    assert day_before.patient_words == (
        "INR blood test: the procedure goes ahead only if your INR is 1.5 or less. "
        "If it is higher, your team will tell you what happens next (a recheck, vitamin K by mouth or a new date)."
    )
    assert after.what == "INR blood test: stop the enoxaparin injections once the INR is above 1.9."
    assert after.patient_words == (
        "INR blood test: keep up your enoxaparin injections until your team tells you the INR is above 1.9 and you can stop them."
    )
    assert [e.to_dict()["for_patient"] for e in (day_before, after)] == [day_before.patient_words, after.patient_words]
    assert tests["warfarin-pathway:baseline_inr_day"].for_patient is None


def test_criteria_the_sources_disagree_on_leave_bridging_to_review_with_their_note():
    """AF with CHA2DS2-VASc 7 is high thrombotic risk, yet CHEST 2022 is against bridging in AF: bridging is a question, and the row's note says why."""
    af_7 = (
        {"weight_kg": 70, "crcl_ml_min": 55},
        [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 7, "stroke_or_tia": "none", "rheumatic_valve_disease": False}],
    )
    records = datafiles.records("thrombotic_risk.csv")
    note = next(r for r in records if r[0] == "chest-2022:af:cha2ds2-vasc-7-up")[records[0].index("note")]

    plan = medplan.plan(booking(HIGH, af_7))

    assert (plan.anticoagulation.thrombotic_risk, plan.anticoagulation.bridging) == (ThromboticRisk.HIGH, Bridging.REVIEW)
    assert plan.anticoagulation.review_reason == note
    assert f"warfarin: bridging: {note}" in plan.review_reasons
    assert not [e for e in plan.timeline if e.kind == "injection"]


def test_with_two_vitamin_k_antagonists_held_the_pathway_follows_the_first_listed():
    """Warfarin and acenocoumarol both held (a question in itself): the warfarin pathway is planned for the first in the list."""
    for first, second in (("warfarin", "acenocoumarol"), ("acenocoumarol", "warfarin")):
        request = booking(HIGH, AF)
        request["medications"] = [{"name": first, "times": ["18:00"]}, {"name": second, "times": ["18:00"]}]

        plan = medplan.plan(request)

        assert [m.action for m in plan.medications] == [medplan.Action.HOLD, medplan.Action.HOLD]
        assert plan.anticoagulation.medicine == first


def test_an_inr_threshold_at_the_vitamin_k_limit_offers_no_vitamin_k():
    """With the clinic's INR threshold at 1.8, where the pathway's vitamin K band ends, the INR test says only the threshold."""
    plan = medplan.plan(booking(HIGH, AF, policy={"inr_max": 1.8}))

    tests = [e.what for e in plan.timeline if e.kind == "test" and e.rule_id == plan.medications[0].rule_id]
    assert tests == ["INR blood test: the procedure goes ahead only if it is 1.8 or less."]


@attrs.frozen(kw_only=True)
class InrCitationCase:
    """One case of test_the_inr_test_cites_the_warfarin_row_the_clinic_threshold_and_vitamin_k_only_when_offered: inr_max, cites_vitamin_k."""

    inr_max: float
    cites_vitamin_k: bool


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(InrCitationCase(inr_max=1.5, cites_vitamin_k=True), id="1.5-True"),
        pytest.param(InrCitationCase(inr_max=1.8, cites_vitamin_k=False), id="1.8-False"),
    ],
)
def test_the_inr_test_cites_the_warfarin_row_the_clinic_threshold_and_vitamin_k_only_when_offered(case):
    """The day -1 INR test's source is the warfarin row's, then the clinic policy giving the threshold, then vitamin K's only if the test offers it."""
    plan = medplan.plan(booking(HIGH, AF, policy={"inr_max": case.inr_max}))
    warfarin = plan.medications[0]
    vitamin_k = default_bridging_tables().step("vitamin_k_inr_below").source

    (test,) = [e for e in plan.timeline if e.kind == "test" and e.rule_id == warfarin.rule_id]

    expected = f"{warfarin.source}; INR threshold {case.inr_max:g}: clinic policy {plan.policy.name!r}"
    assert test.source == expected + (f"; vitamin K: {vitamin_k}" if case.cites_vitamin_k else "")


def test_a_dose_beyond_the_largest_syringe_is_a_question():
    """At 200 kg, enoxaparin 1 mg/kg is 200 mg, more than half a step past the 150 mg syringe: the prescriber chooses the dose."""
    extra, reasons = MITRAL
    plan = medplan.plan(booking(HIGH, ({**extra, "weight_kg": 200}, reasons)))

    assert (plan.anticoagulation.bridging, plan.anticoagulation.dose) == (Bridging.BRIDGE, None)
    assert plan.anticoagulation.review_reason == (
        "enoxaparin 1 mg/kg for 200 kg is 200 mg, beyond the largest dose (150 mg): choose the dose with the prescriber"
    )
    assert not [e for e in plan.timeline if e.kind == "injection"]
