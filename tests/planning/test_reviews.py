"""Review items: every reason a plan needs review, with a stable id and how it is answered.

Each case is a request that raises one kind of question; the test checks the
item's id, how it is answered (the decisions it accepts, or the request
fields that answer it) and that ``review_reasons`` still words it.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from reviewcases import PERTH, SECONDARY, example, med, request

import medplan
from medplan.model import MedicationOrder
from medplan.planning import reviews
from medplan.tables.bridging_doses import default_bridging_tables

# A high-risk procedure in England over Christmas (tests/planning/test_pathway.py's): the INR test moves.
HIGH = {
    "code": "spinal-cord-stimulator",
    "name": "Spinal cord stimulator implant",
    "start": "2026-12-29T09:00",
    "timezone": "Europe/London",
}
GB = {"lab_country": "GB", "lab_subdivision": "ENG"}
MITRAL = [{"reason": "mechanical-heart-valve", "valve_position": "mitral", "valve_type": "bileaflet"}]
AF = [{"reason": "atrial-fibrillation", "cha2ds2_vasc": 3, "stroke_or_tia": "none", "rheumatic_valve_disease": False}]


def warfarin_booking(patient: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "procedure": HIGH,
        "patient": patient,
        "medications": [med("warfarin", "18:00")],
        "policy": GB,
        **extra,
    }


@attrs.frozen
class Case:
    """A request that raises a question, and the item it must give."""

    name: str
    body: dict[str, Any]
    id: str
    decision: tuple[str, ...] = ()
    hold_dates: str | None = None
    data: tuple[str, ...] = ()
    medication: str | None = None


CASES = [
    Case("unknown name", request(med("Paracetamol", "08:00")), "Paracetamol/not-in-table",
         ("hold", "continue"), "required", medication="Paracetamol"),
    # A name close to a table name: the corrected name answers it too (a suggestion is never applied).
    Case("unknown name with suggestions", request(med("Zorblex", "08:00")), "Zorblex/not-in-table",
         ("hold", "continue"), "required", ("medications[0].name",), medication="Zorblex"),
    Case("no rule under the guideline", request(med("ibuprofen", "08:00"), procedure=None) | {
        "procedure": {"name": "p", "bleeding_risk": "low", "guideline": "chest-2022", **PERTH}},
         "ibuprofen/no-rule", ("hold", "continue"), "required", medication="ibuprofen"),
    Case("no rule for the route given", request(med("heparin", "08:00", route="oral", regimen="therapeutic")),
         "heparin/no-rule", ("hold", "continue"), "required", medication="heparin"),
    Case("procedure condition unknown", request(med("metformin", "08:00")), "metformin/procedure-contrast",
         data=("procedure.contrast",), medication="metformin"),
    Case("regimen contradicts the brand", request(med("Ozempic", "08:00", regimen="daily", days=["monday"]),
                                                  procedure=None) | {"procedure": {"name": "p", "bleeding_risk": "high",
                                                                                   "sedation": True, **PERTH}},
         "Ozempic/regimen-conflict", data=("medications[0].regimen",), medication="Ozempic"),
    Case("regimen not given", request(med("aspirin", "08:00"), med("enoxaparin", "08:00")),
         "enoxaparin/regimen-needed", data=("medications[1].regimen",), medication="enoxaparin"),
    Case("renal function not given", request(med("dabigatran", "08:00", "20:00")),
         "dabigatran/renal-function-needed", data=("patient.crcl_ml_min",), medication="dabigatran"),
    Case("the table leaves it to review", request(med("warfarin", "18:00"), risk="low"), "warfarin/table-review",
         ("hold", "continue"), "required", medication="warfarin"),
    Case("unconfirmed rule", request(med("Plavix", "08:00", **SECONDARY)), "Plavix/unconfirmed-rule",
         ("hold", "continue"), "proposed", medication="Plavix"),
    Case("weekly without its day", request(med("Ozempic", "08:00"), risk="high",
                                           procedure=None) | {"procedure": {"name": "p", "bleeding_risk": "high",
                                                                            "sedation": True, **PERTH}},
         "Ozempic/days-needed", data=("medications[0].days",), medication="Ozempic"),
    Case("dose times not given", request(med("warfarin")), "warfarin/times-needed",
         data=("medications[0].times",), medication="warfarin"),
    Case("booked too soon", request(med("warfarin", "18:00"), now="2026-12-07T10:00"), "warfarin/booked-too-soon",
         data=("procedure.start",), medication="warfarin"),
    Case("P2Y12 indication not given", request(med("clopidogrel", "08:00")), "clopidogrel/indication",
         ("hold", "continue"), "proposed", data=("medications[0].indication", "medications[0].indication_date"),
         medication="clopidogrel"),
    Case("P2Y12 indication date not given", request(med("clopidogrel", "08:00", indication="coronary-stent")),
         "clopidogrel/indication-date", ("hold", "continue"), "proposed", data=("medications[0].indication_date",),
         medication="clopidogrel"),
    Case("P2Y12 soon after a stent", request(med("clopidogrel", "08:00", indication="coronary-stent",
                                                 indication_date="2026-10-01")),
         "clopidogrel/recent-stent", ("hold", "continue"), "proposed", medication="clopidogrel"),
    Case("renal floor", request(med("apixaban", "08:00", "20:00"), risk="high", patient={"crcl_ml_min": 12}),
         "apixaban/renal-floor", ("hold", "continue"), "proposed", medication="apixaban"),
    Case("anticoagulant with antiplatelet", request(med("warfarin", "18:00"), med("aspirin", "08:00")),
         "plan/anticoagulant-with-antiplatelet", ("confirmed",)),
    Case("two antiplatelets", request(med("aspirin", "08:00"), med("clopidogrel", "08:00", **SECONDARY)),
         "plan/two-antiplatelets", ("confirmed",)),
    Case("listed twice", request(med("warfarin", "18:00"), med("Coumadin", "18:00")), "plan/listed-twice-warfarin",
         ("confirmed",)),
    Case("two oral anticoagulants", request(med("warfarin", "18:00"), med("apixaban", "08:00", "20:00")),
         "plan/two-anticoagulants", ("confirmed",)),
    Case("the caller's own question", request(review_reasons=["MedicationStatement/3: no dose"]), "plan/request-1",
         ("confirmed",)),
    Case("catalogue tier unconfirmed", {"procedure": {"code": "lumbar-puncture", **PERTH}, "medications": []},
         "plan/bleeding-risk", ("confirmed",), data=("procedure.bleeding_risk",)),
    Case("screening not answered", {"procedure": {"code": "tfesi-lumbar", **PERTH}, "medications": []},
         "plan/screening-not-answered",
         data=("patient.severe_bleeding_disorder", "patient.cauda_equina_symptoms", "patient.acute_motor_weakness",
               "patient.disc_or_epidural_infection")),
    Case("absolute contraindication", {"procedure": {"code": "tfesi-lumbar", **PERTH}, "medications": [],
                                       "patient": {"cauda_equina_symptoms": True}},
         "plan/contraindicated-cauda_equina_symptoms", data=("patient.cauda_equina_symptoms",)),
    Case("a relative contraindication answered yes", {"procedure": {"code": "tfesi-lumbar", **PERTH},
                                                      "medications": [],
                                                      "patient": {"may_not_follow_instructions": True}},
         "plan/caution-may_not_follow_instructions", ("confirmed",)),
    Case("why anticoagulated not given", warfarin_booking({"weight_kg": 82, "crcl_ml_min": 65}),
         "warfarin/anticoagulation-reason", data=("patient.anticoagulation",), medication="warfarin"),
    Case("a bridging criterion not given", warfarin_booking(
        {"weight_kg": 82, "crcl_ml_min": 65, "anticoagulation": [{"reason": "atrial-fibrillation"}]}),
         "warfarin/bridging-data", data=("patient.anticoagulation[0].cha2ds2_vasc",
                                         "patient.anticoagulation[0].stroke_or_tia",
                                         "patient.anticoagulation[0].rheumatic_valve_disease"),
         medication="warfarin"),
    Case("bridging left to the prescriber", warfarin_booking(
        {"weight_kg": 82, "crcl_ml_min": 65, "anticoagulation": [{**AF[0], "cha2ds2_vasc": 7}]}),
         "warfarin/bridging", ("bridge", "no-bridge"), medication="warfarin"),
    Case("bridging dose without the weight", warfarin_booking({"crcl_ml_min": 65, "anticoagulation": MITRAL}),
         "warfarin/bridging-dose-data", data=("patient.weight_kg",), medication="warfarin"),
    Case("bridging dose beyond the largest", warfarin_booking(
        {"weight_kg": 200, "crcl_ml_min": 65, "anticoagulation": MITRAL}),
         "warfarin/bridging-dose", ("confirmed",), medication="warfarin"),
]


def item(plan: medplan.Plan, wanted: str) -> medplan.ReviewItem:
    found = {r.id: r for r in plan.reviews}
    assert wanted in found, list(found)
    return found[wanted]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_reason_is_an_item_with_its_id_and_answer(case: Case) -> None:
    """Each kind of reason gives an open item: its id, its medicine, and the decisions or fields that answer it."""
    plan = medplan.plan(case.body)
    found = item(plan, case.id)

    assert found.open
    assert plan.needs_review
    assert found.medication == case.medication
    assert found.to_dict()["answer_with"] == {
        "decision": list(case.decision), "hold_dates": case.hold_dates, "data": list(case.data)}
    assert any(found.reason in reason for reason in plan.review_reasons)
    assert found.question


def test_the_early_inr_test_is_an_item_confirmed_by_the_pharmacist() -> None:
    """An INR moved back over Christmas to day -5: confirmed once a point-of-care INR is arranged."""
    plan = medplan.plan(warfarin_booking({"weight_kg": 70, "crcl_ml_min": 55, "anticoagulation": AF}))

    assert [(r.id, r.answer_with.to_dict()["decision"]) for r in plan.reviews] == [
        ("warfarin/inr-test-early", ["confirmed"])]


def test_tables_without_a_dose_row_ask_to_confirm_the_dose_by_hand() -> None:
    """Bridging tables with no row for the heparin: the dose is arranged with the prescriber and confirmed."""
    table = medplan.default_table()
    parsed = medplan.parse_request(
        warfarin_booking({"weight_kg": 82, "crcl_ml_min": 65, "anticoagulation": MITRAL}),
        table.guidelines, variants=table.variants)
    plan = medplan.make_plan(parsed, table, medplan_version="test",
                             bridging=attrs.evolve(default_bridging_tables(), doses=()))

    assert item(plan, "warfarin/bridging-dose").answer_with.to_dict()["decision"] == ["confirmed"]


def test_a_plan_without_questions_has_no_items() -> None:
    """Metformin before a procedure without contrast, placed by a confirmed row: nothing to review."""
    body = request(med("metformin", "08:00"))
    body["procedure"]["contrast"] = False
    plan = medplan.plan(body)

    assert (plan.reviews, plan.review_reasons, plan.needs_review) == ((), (), False)


def test_a_medicine_with_two_questions_has_two_items_in_order() -> None:
    """Clopidogrel without dose times: its unconfirmed row and its missing times are two items, both about it."""
    plan = medplan.plan(request(med("clopidogrel", **SECONDARY)))

    assert [(r.id, r.medication) for r in plan.reviews] == [
        ("clopidogrel/unconfirmed-rule", "clopidogrel"), ("clopidogrel/times-needed", "clopidogrel")]
    assert plan.reviews[0].answer_with.hold_dates.value == "required"  # no dates to propose without times
    assert plan.review_reasons == (f"clopidogrel: {plan.reviews[0].reason}; {plan.reviews[1].reason}",)


def test_ids_stay_unique_when_medicines_share_a_name() -> None:
    """Two 'Zorblex' and one 'Zorblex#2' and one 'plan': each medicine's key is its name or the next free #n."""
    body = request(med("Zorblex#2", "08:00"), med("Zorblex", "08:00"), med("Zorblex", "20:00"), med("plan", "08:00"))

    ids = [r.id for r in medplan.plan(body).reviews]

    assert ids == ["Zorblex#2/not-in-table", "Zorblex/not-in-table", "Zorblex#3/not-in-table", "plan#2/not-in-table"]


def test_ids_are_stable_for_the_same_request() -> None:
    """The same request gives the same ids, in the same order."""
    body = request(med("Plavix", "08:00", **SECONDARY), med("warfarin", "18:00"), med("apixaban", "08:00", "20:00"))

    assert [r.id for r in medplan.plan(body).reviews] == [r.id for r in medplan.plan(body).reviews]


def test_the_medicine_keys_rule() -> None:
    """medicine_keys: the name, then name#2, name#3; never 'plan', never a key given already."""
    orders = [MedicationOrder(name=n) for n in ("a", "a", "a#2", "plan", "a")]

    assert reviews.medicine_keys(orders) == ["a", "a#2", "a#2#2", "plan#2", "a#3"]


def test_the_bundled_example_lists_its_six_items() -> None:
    """The seed example asks why clopidogrel is taken, about its and apixaban's rows, and about the list."""
    plan = medplan.plan(example())

    assert [r.id for r in plan.reviews] == [
        "Plavix/indication", "Plavix/unconfirmed-rule", "Eliquis/unconfirmed-rule", "plan/two-anticoagulants",
        "plan/anticoagulant-with-antiplatelet", "plan/two-antiplatelets"]
