"""The procedure catalogue: its rows, and a booking that names a procedure by code."""

from dataclasses import dataclass
from importlib import resources

import datafiles
import pytest
from datafiles import BrokenRow

import medplan
from medplan import Action, BleedingRisk, cli
from medplan.tables.procedures import COLUMNS, default_catalogue, parse_catalogue

FILE = "procedures.csv"


def booking(code, **fields):
    procedure = {"code": code, "start": "2026-12-08T09:30", "timezone": "Australia/Perth", **fields}
    # CHEST's apixaban rule has renal bands: CrCl 60 is in the 25-and-above band.
    return {
        "procedure": procedure,
        "patient": {"crcl_ml_min": 60},
        "medications": [{"name": "apixaban", "times": ["08:00", "20:00"]}],
    }


def test_the_bundled_catalogue_loads_and_every_procedure_has_a_known_guideline():
    """Each catalogue row names a guideline the drug-class table has, and cites its source."""
    catalogue = default_catalogue()
    guidelines = medplan.default_table().guidelines

    assert len(catalogue.procedures) >= 30
    assert {p.guideline for p in catalogue.procedures.values()} <= guidelines
    assert all(p.source for p in catalogue.procedures.values())


@dataclass(frozen=True)
class Tier:
    """A catalogue procedure and the guideline and bleeding-risk tier the reference gives it."""

    code: str
    guideline: str
    risk: str


TIERS = [
    # ASRA 2018 (clinical-reference section 1.2)
    Tier("spinal-cord-stimulator", "asra-pain-2018", "high"),
    Tier("drg-stimulator", "asra-pain-2018", "high"),
    Tier("vertebral-augmentation", "asra-pain-2018", "high"),
    Tier("intrathecal-pump-implant", "asra-pain-2018", "high"),
    Tier("percutaneous-decompression-laminectomy", "asra-pain-2018", "high"),
    Tier("tfesi-lumbar", "asra-pain-2018", "intermediate"),
    Tier("interlaminar-epidural", "asra-pain-2018", "intermediate"),
    Tier("sympathetic-block", "asra-pain-2018", "intermediate"),
    Tier("cervical-facet-mbb-rfa", "asra-pain-2018", "intermediate"),
    Tier("lumbar-thoracic-facet-mbb-rfa", "asra-pain-2018", "low"),
    Tier("trigger-point-injection", "asra-pain-2018", "low"),
    Tier("peripheral-nerve-block", "asra-pain-2018", "low"),
    # SIR 2019 (section 3.3), planned under CHEST 2022
    Tier("paracentesis", "chest-2022", "low"),
    Tier("thoracentesis", "chest-2022", "low"),
    Tier("diagnostic-angiography", "chest-2022", "low"),
    Tier("solid-organ-biopsy", "chest-2022", "high"),
    Tier("tips", "chest-2022", "high"),
    Tier("lumbar-puncture", "chest-2022", "high"),
]


@pytest.mark.parametrize("case", TIERS, ids=[case.code for case in TIERS])
def test_catalogue_tiers_follow_the_reference(case: Tier):
    """Each procedure carries the guideline and tier the reference gives it."""
    entry = default_catalogue().get(case.code)

    assert (entry.guideline, entry.bleeding_risk.value) == (case.guideline, case.risk)


def test_a_booking_by_code_takes_name_tier_guideline_and_conditions_from_the_catalogue():
    """The seed procedure by code: ASRA, intermediate, no fasting, sedation or intravascular contrast."""
    plan = medplan.plan(booking("tfesi-lumbar"))
    procedure = plan.to_dict()["procedure"]

    assert procedure["code"] == "tfesi-lumbar"
    assert procedure["name"].startswith("Image-guided lumbar nerve root sleeve injection")
    assert (procedure["bleeding_risk"], plan.guideline) == ("intermediate", "asra-pain-2018")
    assert (procedure["fasting"], procedure["sedation"], procedure["contrast"]) == (False, False, False)
    assert any("SIR 2019 classes epidural injections as high" in note for note in procedure["notes"])


def test_explicit_fields_override_the_catalogue_and_the_plan_says_so():
    """A clinic booking the epidural at SIR's high tier, with sedation, gets what it asked for."""
    plan = medplan.plan(booking("tfesi-lumbar", bleeding_risk="high", sedation=True, name="L5 TFESI"))

    assert plan.procedure.bleeding_risk is BleedingRisk.HIGH
    assert plan.procedure.sedation is True
    assert plan.procedure.name == "L5 TFESI"
    assert "Bleeding risk high as booked (the catalogue gives intermediate)." in plan.procedure.notes


def test_a_procedure_that_can_escalate_is_planned_at_the_higher_tier():
    """A diagnostic colonoscopy that may become a polypectomy is planned at high risk, with the reason."""
    plan = medplan.plan(booking("colonoscopy-diagnostic"))

    assert plan.procedure.bleeding_risk is BleedingRisk.HIGH
    assert plan.procedure.notes[0] == "Planned at high bleeding risk, not low: the procedure may escalate on the day."
    # CHEST high risk: apixaban 2 days off.
    assert plan.medications[0].last_dose.isoformat() == "2026-12-05T20:00:00+08:00"
    # Its tiers are recalled, not read: the plan needs review until someone confirms them.
    assert plan.review_reasons[0] == (
        "Diagnostic colonoscopy (may proceed to polypectomy): "
        "the catalogue's tier for colonoscopy-diagnostic is not yet confirmed in its source"
    )


def test_an_unknown_code_is_an_input_error():
    """A code the catalogue lacks is refused, naming the field."""
    with pytest.raises(medplan.InputError) as info:
        medplan.plan(booking("brain-transplant"))

    assert str(info.value) == (
        "procedure.code: is not in the procedure catalogue (got 'brain-transplant'; "
        "'medplan procedures' lists the codes)"
    )


def test_without_a_code_the_tier_is_required():
    """A booking with neither a code nor a bleeding-risk tier cannot be planned."""
    body = booking("tfesi-lumbar")
    del body["procedure"]["code"]
    body["procedure"]["name"] = "something"

    with pytest.raises(medplan.InputError) as info:
        medplan.plan(body)

    assert str(info.value) == "procedure.bleeding_risk: is required"


def bundled_text():
    return (resources.files("medplan") / "data" / FILE).read_text(encoding="utf-8")


def with_row(**cells):
    return datafiles.one_row(COLUMNS, {
        "code": "x", "name": "X", "guideline": "chest-2022", "bleeding_risk": "low", "fasting": "no",
        "sedation": "no", "contrast": "no", "evidence": "C", "source": "S",
    } | cells)


BROKEN = [
    BrokenRow(with_row(escalates_to="low"), "escalates_to", "must be a higher tier than bleeding_risk low (got 'low')"),
    BrokenRow(with_row(fasting="maybe"), "fasting", "must be yes or no (got 'maybe')"),
    BrokenRow(with_row(bleeding_risk="medium"), "bleeding_risk", "must be one of low, intermediate, high (got 'medium')"),
    BrokenRow(with_row(source=""), "source", "must not be empty"),
    BrokenRow(with_row(code="Bad Code"), "code", "must be lower-case letters, digits and - . : (got 'Bad Code')"),
]


@pytest.mark.parametrize("case", BROKEN, ids=[case.column for case in BROKEN])
def test_a_broken_catalogue_is_refused_naming_row_and_column(case: BrokenRow):
    """Catalogue rows are validated like the drug table's."""
    with pytest.raises(medplan.TableError) as info:
        parse_catalogue(case.text, FILE)

    assert str(info.value) == f"{FILE}, row 2: column {case.column!r}: {case.problem}"


def test_a_repeated_code_is_refused():
    """Two rows with one code would make a booking ambiguous."""
    text = with_row() + with_row().split("\n", 1)[1]

    with pytest.raises(medplan.TableError) as info:
        parse_catalogue(text, FILE)

    assert str(info.value) == f"{FILE}, row 3: column 'code': 'x' is already used at row 2"


def test_review_follows_an_unconfirmed_tier_only_when_the_catalogue_supplies_it():
    """A booking that states the tier itself takes responsibility for it."""
    plan = medplan.plan(booking("colonoscopy-diagnostic", bleeding_risk="high"))

    assert not any("not yet confirmed in its source" in r for r in plan.review_reasons)
    assert plan.medications[0].action is Action.HOLD


def test_the_cli_lists_the_catalogue(capsys):
    """'medplan procedures' shows each code with its guideline and planned tier."""
    assert cli.main(["procedures"]) == 0
    lines = capsys.readouterr().out.splitlines()

    assert len(lines) == len(default_catalogue().procedures)
    seed = next(line for line in lines if line.startswith("tfesi-lumbar "))
    assert seed.split()[1:3] == ["asra-pain-2018", "intermediate"]
    colonoscopy = next(line for line in lines if line.startswith("colonoscopy-diagnostic "))
    assert "high (from low)" in colonoscopy
