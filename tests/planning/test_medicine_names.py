"""Medicine names as pasted from a medication list (issue 15, item 4).

The lines are written as they appear on hospital and GP medication lists and
product labels (strength, form, salt, a brand in brackets), not from the code:
each must resolve to the medicine it names, or go to review with the table's
close names as suggestions, never applied.
"""

from __future__ import annotations

import csv

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from testpaths import TESTS

import medplan
from medplan.model import MatchedBy
from medplan.planning.medicine_names import read_name
from medplan.render.pharmacist import render_text
from medplan.tables.drug_classes import default_table

A = {"start": "2026-12-08T09:30", "timezone": "Australia/Perth"}


def request(*medications, risk="high", **procedure):
    return {
        "procedure": {"name": "test procedure", "bleeding_risk": risk, "guideline": "asra-pain-2018", **A, **procedure},
        "medications": list(medications),
    }


def med(name, *times, **extra):
    return {"name": name, "times": list(times) or ["08:00"], **extra}


def only(plan):
    (medication,) = plan.medications
    return medication


@attrs.frozen(kw_only=True)
class Resolves:
    """A pasted line that names a medicine the table knows."""

    line: str
    drug: str
    how: MatchedBy
    name: str
    kind: str
    normalised: str | None = None
    removed: tuple[str, ...] = ()
    strength: str | None = None


RESOLVES = [
    Resolves(line="Eliquis", drug="apixaban", how=MatchedBy.EXACT, name="Eliquis", kind="brand"),
    Resolves(line="ELI quis", drug="apixaban", how=MatchedBy.EXACT, name="Eliquis", kind="brand"),
    Resolves(line="B01AA03", drug="warfarin", how=MatchedBy.EXACT, name="B01AA03", kind="atc"),
    Resolves(line="Eliquis 5mg", drug="apixaban", how=MatchedBy.NORMALISED, name="Eliquis", kind="brand",
             normalised="eliquis", removed=("5mg",), strength="5 mg"),
    Resolves(line="Eliquis 5 mg film-coated tablets", drug="apixaban", how=MatchedBy.NORMALISED, name="Eliquis",
             kind="brand", normalised="eliquis", removed=("5 mg", "film-coated", "tablets"), strength="5 mg"),
    Resolves(line="Eliquis® 2.5 mg tab", drug="apixaban", how=MatchedBy.NORMALISED, name="Eliquis", kind="brand",
             normalised="eliquis", removed=("2.5 mg", "tab"), strength="2.5 mg"),
    Resolves(line="Warfarin 5 mg tablets", drug="warfarin", how=MatchedBy.NORMALISED, name="warfarin",
             kind="generic", normalised="warfarin", removed=("5 mg", "tablets"), strength="5 mg"),
    Resolves(line="warfarin sodium 1mg", drug="warfarin", how=MatchedBy.NORMALISED, name="warfarin", kind="generic",
             normalised="warfarin", removed=("1mg", "sodium"), strength="1 mg"),
    Resolves(line="clopidogrel bisulfate", drug="clopidogrel", how=MatchedBy.NORMALISED, name="clopidogrel",
             kind="generic", normalised="clopidogrel", removed=("bisulfate",)),
    Resolves(line="Clopidogrel hydrogen sulphate 75mg film-coated tablets", drug="clopidogrel",
             how=MatchedBy.NORMALISED, name="clopidogrel", kind="generic", normalised="clopidogrel",
             removed=("75mg", "film-coated", "tablets", "hydrogen", "sulphate"), strength="75 mg"),
    Resolves(line="prasugrel hydrochloride 10 mg", drug="prasugrel", how=MatchedBy.NORMALISED, name="prasugrel",
             kind="generic", normalised="prasugrel", removed=("10 mg", "hydrochloride"), strength="10 mg"),
    Resolves(line="enoxaparin sodium 40mg/0.4mL injection", drug="enoxaparin", how=MatchedBy.NORMALISED,
             name="enoxaparin", kind="generic", normalised="enoxaparin",
             removed=("40mg/0.4mL", "injection", "sodium"), strength="40 mg/0.4 mL"),
    Resolves(line="Clexane 40 mg/0.4 mL solution for injection in pre-filled syringe", drug="enoxaparin",
             how=MatchedBy.NORMALISED, name="Clexane", kind="brand", normalised="clexane",
             removed=("40 mg/0.4 mL", "solution", "for", "injection", "in", "pre-filled", "syringe"),
             strength="40 mg/0.4 mL"),
    Resolves(line="Enoxaparin 2.5mg/1mL", drug="enoxaparin", how=MatchedBy.NORMALISED, name="enoxaparin",
             kind="generic", normalised="enoxaparin", removed=("2.5mg/1mL",), strength="2.5 mg/1 mL"),
    Resolves(line="dabigatran etexilate 150mg capsules", drug="dabigatran", how=MatchedBy.NORMALISED,
             name="dabigatran", kind="generic", normalised="dabigatran",
             removed=("150mg", "capsules", "etexilate"), strength="150 mg"),
    # The table lists "heparin sodium" itself: it resolves as written, its salt kept.
    Resolves(line="heparin sodium", drug="unfractionated heparin", how=MatchedBy.EXACT, name="heparin sodium",
             kind="brand"),
    Resolves(line="Heparin Sodium 5,000 units/mL injection", drug="unfractionated heparin",
             how=MatchedBy.NORMALISED, name="heparin sodium", kind="brand", normalised="heparin sodium",
             removed=("5,000 units/mL", "injection"), strength="5,000 units/mL"),
    Resolves(line="insulin glargine 100 units/mL solution for injection in pre-filled pen",
             drug="insulin glargine", how=MatchedBy.NORMALISED, name="insulin glargine", kind="generic",
             normalised="insulin glargine",
             removed=("100 units/mL", "solution", "for", "injection", "in", "pre-filled", "pen"),
             strength="100 units/mL"),
    Resolves(line="aspirin + dipyridamole", drug="aspirin and dipyridamole", how=MatchedBy.NORMALISED,
             name="aspirin and dipyridamole", kind="generic", normalised="aspirin and dipyridamole"),
    Resolves(line="Aspirin/Dipyridamole 25mg/200mg capsules", drug="aspirin and dipyridamole",
             how=MatchedBy.NORMALISED, name="aspirin and dipyridamole", kind="generic",
             normalised="aspirin and dipyridamole", removed=("25mg/200mg", "capsules"), strength="25 mg/200 mg"),
    Resolves(line="apixaban (Eliquis)", drug="apixaban", how=MatchedBy.NORMALISED, name="apixaban",
             kind="generic", normalised="apixaban", removed=("(eliquis)",)),
    Resolves(line="Eliquis (apixaban) 2.5mg", drug="apixaban", how=MatchedBy.NORMALISED, name="Eliquis",
             kind="brand", normalised="eliquis", removed=("2.5mg", "(apixaban)"), strength="2.5 mg"),
    # A bracket of form words only says nothing about which medicine.
    Resolves(line="Eliquis (tablets) 5mg", drug="apixaban", how=MatchedBy.NORMALISED, name="Eliquis", kind="brand",
             normalised="eliquis", removed=("tablets", "5mg"), strength="5 mg"),
    Resolves(line="(Plavix)", drug="clopidogrel", how=MatchedBy.NORMALISED, name="Plavix", kind="brand",
             normalised="plavix"),
    # A brand's release mark is part of its name; a generic's comes off.
    Resolves(line="Glucophage XR 500mg", drug="metformin", how=MatchedBy.NORMALISED, name="Glucophage XR",
             kind="brand", normalised="glucophage xr", removed=("500mg",), strength="500 mg"),
    Resolves(line="metformin hydrochloride XR 500 mg", drug="metformin", how=MatchedBy.NORMALISED,
             name="metformin", kind="generic", normalised="metformin",
             removed=("500 mg", "hydrochloride", "xr"), strength="500 mg"),
    Resolves(line="Aspirin 100 mg EC, dispersible", drug="aspirin", how=MatchedBy.NORMALISED, name="aspirin",
             kind="generic", normalised="aspirin", removed=("100 mg", "dispersible", "ec"), strength="100 mg"),
    Resolves(line="Rivaroxaban - 20 mg - oral", drug="rivaroxaban", how=MatchedBy.NORMALISED,
             name="rivaroxaban", kind="generic", normalised="rivaroxaban", removed=("20 mg", "oral"),
             strength="20 mg"),
    Resolves(line="vitamin E 400 IU capsules", drug="vitamin e", how=MatchedBy.NORMALISED, name="vitamin e",
             kind="generic", normalised="vitamin e", removed=("400 IU", "capsules"), strength="400 IU"),
    Resolves(line="ticagrelor 90 micrograms", drug="ticagrelor", how=MatchedBy.NORMALISED, name="ticagrelor",
             kind="generic", normalised="ticagrelor", removed=("90 micrograms",), strength="90 mcg"),
]


@pytest.mark.parametrize("case", RESOLVES, ids=lambda c: c.line)
def test_a_pasted_line_resolves_to_the_medicine_it_names(case, table):
    """Each line resolves to its drug, saying which table name matched and what was taken off."""
    resolution, match = table.match(case.line)

    assert resolution is not None
    assert resolution.drug == case.drug
    assert (match.how, match.name, match.kind) == (case.how, case.name, case.kind)
    assert (match.normalised, match.removed, match.strength) == (case.normalised, case.removed, case.strength)
    assert match.suggestions == ()


@attrs.frozen(kw_only=True)
class Unresolved:
    """A line that must not resolve: the pharmacist is asked, with these suggestions."""

    line: str
    suggestions: tuple[str, ...]
    normalised: str


UNRESOLVED = [
    Unresolved(line="warfrin", suggestions=("warfarin",), normalised="warfrin"),
    Unresolved(line="Warfrin 5mg tablets", suggestions=("warfarin",), normalised="warfrin"),
    Unresolved(line="Xeralto 20mg", suggestions=("Xarelto",), normalised="xeralto"),
    Unresolved(line="asprin", suggestions=("aspirin", "Disprin", "Sprix"), normalised="asprin"),
    Unresolved(line="clopidogral bisulfate", suggestions=("clopidogrel",), normalised="clopidogral bisulfate"),
    # Two medicines in one line are never read as one of them.
    Unresolved(line="aspirin + clopidogrel", suggestions=(), normalised="aspirin and clopidogrel"),
    # A bracket naming another drug, or something else, is a question.
    Unresolved(line="warfarin (Eliquis)", suggestions=("warfarin", "Eliquis"), normalised="warfarin"),
    Unresolved(line="apixaban (for AF)", suggestions=("apixaban",), normalised="apixaban"),
    # A word that is not a form, salt or strength is never dropped.
    Unresolved(line="heparin flush", suggestions=("heparin",), normalised="heparin flush"),
    # A percentage strength is a gel or eye drop, not the table's tablet.
    Unresolved(line="diclofenac 1% gel", suggestions=("diclofenac",), normalised="diclofenac gel"),
    Unresolved(line="diclofenac 0.5 %", suggestions=("diclofenac",), normalised="diclofenac"),
    Unresolved(line="paracetamol 500mg", suggestions=(), normalised="paracetamol"),
]


@pytest.mark.parametrize("case", UNRESOLVED, ids=lambda c: c.line)
def test_a_line_that_does_not_resolve_comes_back_with_suggestions_only(case, table):
    """It resolves to nothing, and its suggestions are the table's close names."""
    resolution, match = table.match(case.line)

    assert resolution is None
    assert match.how is MatchedBy.UNRESOLVED
    assert (match.name, match.kind) == (None, None)
    assert match.suggestions == case.suggestions
    assert match.normalised == case.normalised


def misspellings():
    with (TESTS / "misspellings.csv").open(encoding="utf-8") as file:
        return [(row["typed"], row["expected"]) for row in csv.DictReader(file)]


@pytest.mark.parametrize(("typed", "expected"), misspellings())
def test_each_recorded_misspelling_suggests_the_name_meant(typed, expected, table):
    """The misspellings measured in docs/medicine-names.md each suggest the intended name first."""
    resolution, match = table.match(typed)

    assert resolution is None
    assert match.suggestions[0] == expected


def test_eliquis_5mg_plans_as_apixaban_with_dose_5_mg():
    """The issue's case: the strength in the name becomes the dose, and the plan shows the reading."""
    plan = medplan.plan(request(med("Eliquis 5mg", "08:00", "20:00")))
    medication = only(plan)

    assert (medication.drug, medication.dose, medication.rule_id) == ("apixaban", "5 mg", "asra-pain-2018:apixaban")
    assert medication.last_dose is not None
    assert medication.match.how is MatchedBy.NORMALISED
    assert "your Eliquis 5mg (apixaban)" in medication.instruction
    assert medication.to_dict()["match"] == {
        "how": "normalised", "name": "Eliquis", "kind": "brand", "normalised": "eliquis",
        "removed": ["5mg"], "strength": "5 mg", "suggestions": [],
    }


def test_a_given_dose_is_kept_and_a_different_strength_is_noted():
    """The dose the booking sends wins; a name that says another strength is a note to confirm."""
    medication = only(medplan.plan(request(med("Eliquis 5mg", dose="2.5 mg"))))

    assert medication.dose == "2.5 mg"
    assert medication.notes[0] == "The name says 5 mg and the dose given is 2.5 mg: confirm the current dose."


def test_a_given_dose_that_matches_the_name_adds_no_note():
    """'5mg' in the name and '5 mg' as the dose are the same dose."""
    medication = only(medplan.plan(request(med("Eliquis 5mg", dose="5 MG"))))

    assert medication.dose == "5 MG"
    assert not any(note.startswith("The name says") for note in medication.notes)


def test_warfrin_is_review_asking_did_you_mean_warfarin():
    """The issue's case: review, drug unknown, the suggestion in the question and never applied."""
    plan = medplan.plan(request(med("warfrin")))
    medication = only(plan)

    assert plan.needs_review
    assert (medication.action, medication.drug, medication.rule_id) == (medplan.Action.REVIEW, None, None)
    assert medication.match.suggestions == ("warfarin",)
    assert medication.review_reason == (
        "'warfrin' is not in medplan's table: did you mean warfarin? "
        "Check the name (a suggestion is never applied on its own), or plan this medicine by hand"
    )


def test_warfrin_review_item_asks_did_you_mean_and_takes_a_corrected_name():
    """The review item puts the suggestion in its question, answered by a corrected name or a decision."""
    plan = medplan.plan(request(med("warfrin")))
    (item,) = [i for i in plan.to_dict()["reviews"] if i["id"] == "warfrin/not-in-table"]

    assert item["question"] == (
        "Did you mean warfarin? 'warfrin' is not in medplan's table, and a suggestion is never applied on its own: "
        "correct the name, or hold warfrin (giving its last dose and restart), or continue it?"
    )
    assert item["answer_with"] == {"decision": ["hold", "continue"], "hold_dates": "required", "data": ["medications[0].name"]}


def test_a_percentage_strength_review_item_asks_which_product():
    """The question asks whether the gel or drop is the tablet, and takes the product's name."""
    plan = medplan.plan(request(med("diclofenac 1% gel")))
    (item,) = [i for i in plan.to_dict()["reviews"] if i["id"] == "diclofenac 1% gel/not-in-table"]

    assert item["question"] == (
        "Is 'diclofenac 1% gel' diclofenac, taken by mouth or injected? Its percentage strength (1%) is a gel's, "
        "cream's or eye drop's, which medplan's table does not cover: give the product's name, or hold "
        "diclofenac 1% gel (giving its last dose and restart), or continue it?"
    )


def test_suggested_brands_name_their_drug_and_three_are_listed_with_or():
    """A brand suggestion says its drug, so 'Sprix (ketorolac)' is not mistaken for aspirin."""
    medication = only(medplan.plan(request(med("asprin"))))

    assert medication.review_reason == (
        "'asprin' is not in medplan's table: did you mean aspirin, Disprin (aspirin) or Sprix (ketorolac)? "
        "Check the name (a suggestion is never applied on its own), or plan this medicine by hand"
    )


def test_a_name_with_nothing_close_keeps_the_plain_question():
    """With no suggestion the reason asks to check the name, as before."""
    medication = only(medplan.plan(request(med("paracetamol 500mg"))))

    assert medication.review_reason == (
        "'paracetamol 500mg' is not in medplan's table: check the name, or plan this medicine by hand"
    )
    assert medication.dose == "500 mg"


def test_a_percentage_strength_asks_whether_it_is_the_tablet():
    """'diclofenac 1% gel' is not planned as oral diclofenac: the pharmacist is asked which product."""
    medication = only(medplan.plan(request(med("diclofenac 1% gel"))))

    assert medication.review_reason == (
        "'diclofenac 1% gel' gives a percentage strength (1%), as a gel, cream or eye drop does, and "
        "medplan's table covers tablets and injections: is it diclofenac, taken by mouth or injected? "
        "Check the product, or plan this medicine by hand"
    )


def test_a_normalised_medicine_not_involved_keeps_its_reading_and_dose_note():
    """Metformin for a procedure without contrast continues, still saying how its name was read."""
    plan = medplan.plan(request(med("metformin hydrochloride 500 mg tablets", dose="1 g"), contrast=False))
    medication = only(plan)

    assert (medication.drug, medication.action, medication.dose) == ("metformin", medplan.Action.CONTINUE, "1 g")
    assert medication.match.removed == ("500 mg", "tablets", "hydrochloride")
    assert medication.notes[0] == "The name says 500 mg and the dose given is 1 g: confirm the current dose."


def test_the_text_plan_shows_how_a_name_was_read_and_the_dose():
    """The pharmacist's text shows the reading of a changed name, and the dose."""
    text = render_text(medplan.plan(request(med("Warfarin 5 mg tablets", "18:00"), med("Eliquis", "08:00"))))

    assert "   Name read as: warfarin (generic), from 'Warfarin 5 mg tablets'; taken off: 5 mg, tablets\n" in text
    assert "   Dose: 5 mg\n" in text
    # An exact name needs no reading line.
    assert "from 'Eliquis'" not in text


def test_a_reading_that_only_joins_words_shows_no_taken_off_list():
    """'aspirin + dipyridamole' takes nothing off: the line names the match only."""
    text = render_text(medplan.plan(request(med("aspirin + dipyridamole"))))

    assert "   Name read as: aspirin and dipyridamole (generic), from 'aspirin + dipyridamole'\n" in text


def test_the_suggestion_index_is_built_only_when_a_name_needs_it():
    """A plan whose names all resolve never builds the suggestion list of a freshly loaded table."""
    table = medplan.load_table()
    index = table._name_index  # noqa: SLF001 - the laziness is what is tested

    table.match("Eliquis 5mg")
    assert "_suggestable" not in vars(index)
    table.match("warfrin")
    assert "_suggestable" in vars(index)


def test_a_remembered_match_is_the_same_answer_and_the_memory_is_bounded(monkeypatch):
    """Matching a name twice gives the same answer; past the memo's size it starts again."""
    monkeypatch.setattr("medplan.planning.medicine_names._MEMO", 2)
    table = medplan.load_table()
    first = table.match("Eliquis 5mg")

    assert table.match("Eliquis 5mg") is first
    table.match("warfrin")
    table.match("asprin")
    assert table.match("Eliquis 5mg") == first


def test_read_name_says_the_strengths_as_one_dose():
    """Two strengths in one line are one dose of the combination."""
    read = read_name("aspirin 25 mg + dipyridamole 200 mg")

    assert (read.words, read.strength) == ("aspirin and dipyridamole", "25 mg + 200 mg")
    assert read_name("nothing to take off").strength is None


# --- Hypothesis: any text, and decorated table names -----------------------------------

TABLE_NAMES = sorted(
    {
        entry.partition("=")[0].strip()
        for rule in default_table().rules
        for entry in (*rule.drugs, *rule.brands, *rule.atc)
    }
)
STRENGTHS = ["5mg", "5 mg", "2.5mg/1mL", "40 mg/0.4 mL", "100 units/mL", "75 MG", "1,000 units", "500 mcg"]
FORMS = ["tablets", "tablet", "capsules", "injection", "prefilled syringe", "film-coated tablets", "oral",
         "solution for injection", "pre-filled pen", "s/c"]


@given(text=st.text(max_size=300))
def test_reading_any_text_never_raises_and_is_idempotent(text):
    """Read twice, a name's words read the same: normalisation reaches a fixed point."""
    read = read_name(text)

    assert read_name(read.words).words == read.words
    assert all(read_name(words).words == words for words in read.bracketed)


@given(text=st.text(max_size=300))
def test_matching_any_text_answers_with_a_table_name_or_suggestions(text):
    """Any text resolves with the name it matched, or is unresolved with at most three table names."""
    table = default_table()
    resolution, match = table.match(text)

    if resolution is None:
        assert match.how is MatchedBy.UNRESOLVED
        assert len(match.suggestions) <= 3
        assert all(table.resolve(s) is not None for s in match.suggestions)
    else:
        assert table.resolve(match.name) == resolution


@given(
    name=st.sampled_from(TABLE_NAMES),
    strength=st.sampled_from(STRENGTHS),
    form=st.sampled_from(FORMS),
    upper=st.booleans(),
)
def test_a_table_name_with_a_strength_and_form_resolves_to_its_drug(name, strength, form, upper):
    """Every name of the table, pasted with a strength and a form, resolves to the same drug."""
    table = default_table()
    line = f"{name} {strength} {form}"
    resolution, match = table.match(line.upper() if upper else line)

    assert resolution is not None
    assert resolution.drug == table.resolve(name).drug
    assert match.strength is not None


def plan_or_error(name):
    """The plan for one medicine of this name, or the InputError refusing it."""
    try:
        return medplan.plan(request(med(name)))
    except medplan.InputError as error:
        return error


@given(name=st.text(max_size=260))
def test_any_pasted_name_plans_or_is_a_clean_input_error(name):
    """A plan keeps the medicine whatever its name; only empty, too long or control text is refused."""
    answer = plan_or_error(name)

    if isinstance(answer, medplan.InputError):
        assert str(answer) in {
            "medications[0].name: must not be empty",
            f"medications[0].name: must be at most 200 characters (got {len(name.strip())})",
            "medications[0].name: must not contain control characters",
        }
    else:
        medication = only(answer)
        assert medication.input == name.strip()
        assert (medication.drug is None) == (medication.match.how is MatchedBy.UNRESOLVED)
