"""The seed's screening and aftercare, carried by the nerve root sleeve injection's catalogue entry."""

import attrs
import pytest

import medplan
from medplan.tables.care import COLUMNS, parse_care

ANSWERED_NO = {
    "severe_bleeding_disorder": False,
    "cauda_equina_symptoms": False,
    "acute_motor_weakness": False,
    "disc_or_epidural_infection": False,
}


def booking(patient=None, medications=None, code="tfesi-lumbar"):
    return {
        "procedure": {"code": code, "start": "2026-12-08T09:30", "timezone": "Australia/Perth"},
        "patient": {**ANSWERED_NO, **(patient or {})},
        "medications": medications or [],
    }


def care_items(plan):
    return {c.item: (c.first.isoformat(), c.last.isoformat()) for c in plan.care}


def test_the_seed_aftercare_is_dated_from_the_procedure_day():
    """No driving on day 0, no strenuous activity days 0-2, the analgesia plan for a patient on pain relief."""
    plan = medplan.plan(booking({"takes_pain_relief": True}))

    assert care_items(plan) == {
        "no-driving": ("2026-12-08", "2026-12-08"),
        "rest": ("2026-12-08", "2026-12-10"),
        "usual-pain-relief": ("2026-12-08", "2026-12-09"),
        "taper-pain-relief": ("2026-12-09", "2026-12-13"),
    }
    assert not plan.needs_review
    assert not plan.contraindicated


def test_a_patient_on_no_pain_relief_is_told_to_take_paracetamol():
    """Paracetamol 1 g every 6 hours for 24 hours, then as needed (the seed)."""
    plan = medplan.plan(booking({"takes_pain_relief": False}))
    paracetamol = next(c for c in plan.care if c.item == "paracetamol")

    assert "usual-pain-relief" not in care_items(plan)
    assert paracetamol.instruction == "Take paracetamol 1 g every 6 hours for 24 hours, then as needed as the packet directs."


def test_when_pain_relief_is_unknown_both_plans_are_given_with_their_condition():
    """Not knowing whether the patient takes pain relief, each instruction says whom it is for."""
    plan = medplan.plan(booking())
    instructions = {c.item: c.instruction for c in plan.care}

    assert instructions["usual-pain-relief"].startswith("If you take regular pain relief, keep taking your usual")
    assert instructions["paracetamol"].startswith("If you take no regular pain relief, take paracetamol 1 g")


def test_diabetes_is_a_relative_contraindication_with_glucose_monitoring_to_day_2():
    """The steroid raises glucose for about 2 days: a warning, and monitoring from day 0 to day +2."""
    plan = medplan.plan(booking({"diabetes": True}))
    diabetes = next(f for f in plan.screening if f.flag == "diabetes")

    assert (diabetes.kind, diabetes.answer) == ("relative", True)
    assert care_items(plan)["glucose-monitoring"] == ("2026-12-08", "2026-12-10")
    assert not plan.contraindicated


def test_glucose_monitoring_lasts_a_week_when_hba1c_is_7_or_more():
    """With HbA1c 7% or more the rise lasts longer: monitoring runs to day +7."""
    plan = medplan.plan(booking({"diabetes": True, "hba1c_percent": 7.0}))

    assert care_items(plan)["glucose-monitoring"] == ("2026-12-08", "2026-12-15")


def test_no_glucose_monitoring_without_diabetes():
    """A patient without diabetes gets no glucose instruction."""
    plan = medplan.plan(booking({"diabetes": False}))

    assert "glucose-monitoring" not in care_items(plan)


@attrs.frozen(kw_only=True)
class ContraindicationCase:
    """One case of test_an_absolute_contraindication_says_plainly_not_to_book: flag, finding."""

    flag: str
    finding: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            ContraindicationCase(flag="severe_bleeding_disorder", finding="Severe bleeding disorder or excessive anticoagulation"),
            id="severe_bleeding_disorder-Severe bleeding disorder or excessive anticoagulation",
        ),
        pytest.param(
            ContraindicationCase(flag="cauda_equina_symptoms", finding="Symptoms of cord compression or cauda equina syndrome"),
            id="cauda_equina_symptoms-Symptoms of cord compression or cauda equina syndrome",
        ),
        pytest.param(
            ContraindicationCase(
                flag="acute_motor_weakness", finding="Acute motor weakness from a known disc protrusion: surgery, not a root injection, is preferred"
            ),
            id="acute_motor_weakness-Acute motor weakness from a known disc protrusion: surgery, not a root injection, is preferred",
        ),
        pytest.param(
            ContraindicationCase(flag="disc_or_epidural_infection", finding="Known disc or epidural infection"),
            id="disc_or_epidural_infection-Known disc or epidural infection",
        ),
    ],
)
def test_an_absolute_contraindication_says_plainly_not_to_book(case):
    """Each of the seed's absolute contraindications makes the plan say: do not book, and why."""
    plan = medplan.plan(booking({case.flag: True}))

    assert plan.contraindicated
    assert plan.needs_review
    assert plan.review_reasons[0] == f"do not book: {case.finding} is an absolute contraindication"
    assert plan.to_dict()["contraindicated"] is True
    assert "DO NOT BOOK" in medplan.render_text(plan)


def test_unasked_screening_questions_send_the_plan_to_review():
    """An absolute contraindication nobody asked about must be asked before booking."""
    body = booking()
    body["patient"] = {}

    plan = medplan.plan(body)

    assert plan.review_reasons[0] == (
        "screening not answered (severe_bleeding_disorder, cauda_equina_symptoms, acute_motor_weakness, "
        "disc_or_epidural_infection): ask the patient before booking"
    )


def test_a_patient_who_may_not_follow_the_instructions_is_a_reason_for_review():
    """The seed's 'uncompliant patient': a yes is review, and the patient gets help with a simpler written plan."""
    plan = medplan.plan(booking({"may_not_follow_instructions": True}))
    finding = next(f for f in plan.screening if f.flag == "may_not_follow_instructions")

    assert (finding.kind, finding.answer) == ("relative", True)
    assert plan.needs_review
    assert not plan.contraindicated
    assert plan.review_reasons == (
        (
            "the patient may not follow the instructions to stop and restart medicines: decide with the proceduralist "
            "whether to go ahead; give a simpler written plan (one dated step a day, only the medicines that change) "
            "and go through it with the patient and a carer, or ask the community pharmacy for a dose administration aid"
        ),
    )
    assert care_items(plan)["written-plan-help"] == ("2026-11-28", "2026-12-08")


@pytest.mark.parametrize("answer", [False, None])
def test_a_patient_who_will_follow_the_instructions_asks_nothing_more(answer):
    """No, or not asked (a relative question), adds no review and no written-plan instruction."""
    plan = medplan.plan(booking({} if answer is None else {"may_not_follow_instructions": answer}))

    assert not plan.needs_review
    assert "written-plan-help" not in care_items(plan)


def test_the_anticoagulant_restart_reminder_comes_only_with_a_held_anticoagulant():
    """The seed's 'restart the day after, check with the radiologist' appears when one is held."""
    with_warfarin = medplan.plan(booking(medications=[{"name": "warfarin", "times": ["18:00"]}]))
    with_aspirin = medplan.plan(booking(medications=[{"name": "aspirin", "times": ["08:00"]}]))

    assert care_items(with_warfarin)["anticoagulant-restart"] == ("2026-12-09", "2026-12-09")
    assert "anticoagulant-restart" not in care_items(with_aspirin)


def test_a_procedure_without_a_care_set_has_no_screening_or_care():
    """Only procedures whose catalogue entry names a care set carry one."""
    plan = medplan.plan(booking(code="paracentesis"))

    assert plan.screening == ()
    assert plan.care == ()


def test_a_screening_answer_must_be_true_or_false():
    """'yes' is not an answer the booking system may send."""
    with pytest.raises(medplan.InputError) as info:
        medplan.plan(booking({"diabetes": "yes"}))

    assert str(info.value) == "patient.diabetes: must be true or false (got text)"


def row(**cells):
    values = (
        dict.fromkeys(COLUMNS, "")
        | {"care_set": "s", "item": "i", "kind": "after", "first_day": "0", "last_day": "1", "instruction": "Do this.", "source": "S"}
        | cells
    )
    return ",".join(COLUMNS) + "\n" + ",".join(values[c] for c in COLUMNS) + "\n"


@attrs.frozen(kw_only=True)
class BrokenCareRowCase:
    """One case of test_a_broken_care_table_is_refused: text, column, problem."""

    text: object
    column: str
    problem: str


@pytest.mark.parametrize(
    "case",
    [
        BrokenCareRowCase(
            text=row(kind="absolute", first_day="", last_day="", flag="gout"),
            column="flag",
            problem="must be one of severe_bleeding_disorder, cauda_equina_symptoms, acute_motor_weakness, "
            "disc_or_epidural_infection, diabetes, local_skin_infection, unwell, may_not_follow_instructions "
            "for a contraindication (got 'gout')",
        ),
        BrokenCareRowCase(text=row(kind="absolute", flag="diabetes"), column="first_day", problem="must be empty for a contraindication"),
        BrokenCareRowCase(text=row(first_day=""), column="first_day", problem="must be given for an instruction"),
        BrokenCareRowCase(text=row(first_day="3", last_day="1"), column="last_day", problem="must not be before first_day (got 3 to 1)"),
        BrokenCareRowCase(
            text=row(applies_if="tuesday"),
            column="applies_if",
            problem="must be one of diabetes, takes_pain_relief, no_pain_relief, anticoagulant, may_not_follow_instructions (got 'tuesday')",
        ),
        BrokenCareRowCase(text=row(source=""), column="source", problem="must not be empty"),
        BrokenCareRowCase(text=row(flag="diabetes"), column="flag", problem="must be empty for an instruction"),
        BrokenCareRowCase(text=row(review_question="Ask."), column="review_question", problem="must be empty unless kind is relative"),
    ],
    ids=[
        "contraindication-flag-unknown",
        "contraindication-with-days",
        "instruction-without-first-day",
        "last-day-before-first",
        "applies-if-unknown",
        "source-empty",
        "instruction-with-flag",
        "review-question-not-relative",
    ],
)
def test_a_broken_care_table_is_refused(case):
    """Care rows are validated like the other tables, naming row and column."""
    with pytest.raises(medplan.TableError) as info:
        parse_care(case.text, "care.csv")

    assert str(info.value) == f"care.csv, row 2: column {case.column!r}: {case.problem}"


def test_an_item_given_twice_in_a_care_set_is_refused():
    """Each item appears once in its care set: the second row naming it is refused with the row of the first."""
    text = row() + row().split("\n")[1] + "\n"

    with pytest.raises(medplan.TableError) as info:
        parse_care(text, "care.csv")

    assert str(info.value) == "care.csv, row 3: column 'item': 'i' is already used in s at row 2"
