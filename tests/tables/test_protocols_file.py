"""Tests of a clinic protocol in the policy file: ``medplan.tables.policies`` reading approval and ``rules``.

A malformed approval or rule is refused naming its key; ``medplan policies``
shows each profile's approval and rules; docs/protocols.md's example loads.
How the planner applies a protocol is in tests/planning/test_protocols.py.
"""

from __future__ import annotations

import attrs
import pytest
from protocolcases import (
    APPROVAL,
    CITED,
    CLINIC,
    SEED_CITED,
    one,
    seed_request,
    single,
)
from testpaths import DOCS

import medplan
from medplan import cli
from medplan.tables.policies import parse_profiles

# --- the file format: approval and rules, refused -------------------------------


@attrs.frozen
class FileCase:
    """A profile body (after its description) that is refused, and the whole message."""

    id: str
    body: str
    message: str


def dr_jones(body: str) -> str:
    """A file with one profile, dr-jones, with a description and ``body``."""
    return f'[profiles.dr-jones]\ndescription = "Dr Jones"\n{body}\n'


RULE = 'rules = { clopidogrel = { intermediate = { hold = "10 days", resume = "24 hours" } } }'
WHERE = "clinic.toml: profiles.dr-jones"
FILE_CASES = [
    FileCase(
        id="rules-without-approval",
        body=RULE,
        message=f"{WHERE}.approved_by: is required: a profile with rules records who approved them (approved_by), "
        "when (approved_on) and what the numbers were read from (reference)",
    ),
    FileCase(
        id="rules-without-reference",
        body=APPROVAL.replace('reference = "Example clinic anticoagulation protocol v3, table 2"\n', "") + RULE,
        message=f"{WHERE}.reference: is required: a profile with rules records who approved them (approved_by), "
        "when (approved_on) and what the numbers were read from (reference)",
    ),
    FileCase(
        id="approval-in-part",
        body='approved_by = "Dr Jones"\nantiplatelet_hold_days = 10',
        message=f"{WHERE}.approved_on: is required with approved_by: an approval gives approved_by, approved_on and reference",
    ),
    FileCase(
        id="approved-by-empty",
        body=APPROVAL.replace("Dr A Example, head of interventional radiology", " "),
        message=f"{WHERE}.approved_by: must not be empty",
    ),
    FileCase(
        id="reference-not-text",
        body=APPROVAL.replace('"Example clinic anticoagulation protocol v3, table 2"', "3"),
        message=f"{WHERE}.reference: must be text (got a number)",
    ),
    FileCase(
        id="approved-on-not-a-date",
        body=APPROVAL.replace("2026-11-02", '"last week"'),
        message=f"{WHERE}.approved_on: must be a date, YYYY-MM-DD (got 'last week')",
    ),
    FileCase(
        id="approved-on-a-number",
        body=APPROVAL.replace("2026-11-02", "20261102"),
        message=f"{WHERE}.approved_on: must be a date, YYYY-MM-DD (got a number)",
    ),
    FileCase(
        id="approved-on-a-moment",
        body=APPROVAL.replace("2026-11-02", "2026-11-02T10:00:00"),
        message=f"{WHERE}.approved_on: must be a date, YYYY-MM-DD (got a date or time)",
    ),
    FileCase(
        id="rules-not-a-table",
        body=APPROVAL + "rules = 3",
        message=f"{WHERE}.rules: must map each drug class to its tiers (got a number)",
    ),
    FileCase(
        id="rules-empty",
        body=APPROVAL + "rules = {}",
        message=f"{WHERE}.rules: must give at least one drug class, as [profiles.NAME.rules.CLASS]",
    ),
    FileCase(
        id="class-not-in-the-table",
        body=APPROVAL + 'rules = { plavix = { low = "continue" } }',
        message=f"{WHERE}.rules.plavix: is not a drug class of the table (its drug_class column)",
    ),
    FileCase(
        id="class-not-a-table",
        body=APPROVAL + "rules = { clopidogrel = 3 }",
        message=f"{WHERE}.rules.clopidogrel: must map each bleeding-risk tier (low, intermediate, high) to a rule (got a number)",
    ),
    FileCase(
        id="class-without-tiers",
        body=APPROVAL + "rules = { clopidogrel = {} }",
        message=f"{WHERE}.rules.clopidogrel: must give a rule for at least one tier (low, intermediate, high)",
    ),
    FileCase(
        id="unknown-tier",
        body=APPROVAL + 'rules = { clopidogrel = { medium = "continue" } }',
        message=f"{WHERE}.rules.clopidogrel.medium: is not a bleeding-risk tier (expected low, intermediate, high)",
    ),
    FileCase(
        id="tier-neither-continue-nor-a-hold",
        body=APPROVAL + 'rules = { clopidogrel = { low = "stop" } }',
        message=f"{WHERE}.rules.clopidogrel.low: must be \"continue\" or {{ hold = \"N days\", resume = \"N hours\" }} (got 'stop')",
    ),
    FileCase(
        id="tier-a-number",
        body=APPROVAL + "rules = { clopidogrel = { low = 7 } }",
        message=f'{WHERE}.rules.clopidogrel.low: must be "continue" or {{ hold = "N days", resume = "N hours" }} (got a number)',
    ),
    FileCase(
        id="hold-without-resume",
        body=APPROVAL + 'rules = { clopidogrel = { low = { hold = "7 days" } } }',
        message=f"{WHERE}.rules.clopidogrel.low.resume: is required",
    ),
    FileCase(
        id="unknown-rule-key",
        body=APPROVAL + 'rules = { clopidogrel = { low = { hold = "7 days", resume = "1 day", check = "INR" } } }',
        message=f"{WHERE}.rules.clopidogrel.low.check: is not a key medplan knows (expected hold, resume)",
    ),
    FileCase(
        id="hold-without-unit",
        body=APPROVAL + 'rules = { clopidogrel = { low = { hold = "7", resume = "1 day" } } }',
        message=f"{WHERE}.rules.clopidogrel.low.hold: must be 'N days' or 'N hours' (got '7')",
    ),
    FileCase(
        id="resume-a-number",
        body=APPROVAL + 'rules = { clopidogrel = { low = { hold = "7 days", resume = 24 } } }',
        message=f"{WHERE}.rules.clopidogrel.low.resume: must be 'N days' or 'N hours' (got a number)",
    ),
    FileCase(
        id="hold-too-long",
        body=APPROVAL + 'rules = { clopidogrel = { low = { hold = "61 days", resume = "1 day" } } }',
        message=f"{WHERE}.rules.clopidogrel.low.hold: must be at most 60 days (got '61 days')",
    ),
    FileCase(
        id="resume-too-long",
        body=APPROVAL + 'rules = { clopidogrel = { low = { hold = "1 day", resume = "1441 hours" } } }',
        message=f"{WHERE}.rules.clopidogrel.low.resume: must be at most 1440 hours (got '1441 hours')",
    ),
]


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda case: case.id)
def test_a_malformed_approval_or_rule_is_refused_naming_the_key(case):
    """A profile's bad approval or rule stops the load with PolicyError naming the file and the key."""
    table = medplan.default_table()

    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(dr_jones(case.body), "clinic.toml", drug_classes=table.drug_classes)

    assert str(excinfo.value) == case.message


def test_without_the_table_a_rules_class_is_checked_for_shape_only():
    """Without the table's classes, a rule's class must still be written as an id."""
    with pytest.raises(medplan.PolicyError) as excinfo:
        parse_profiles(dr_jones(APPROVAL + 'rules = { "Plavix 75" = { low = "continue" } }'), "clinic.toml")

    assert str(excinfo.value) == (
        f'{WHERE}.rules."Plavix 75": is not a drug class: use the table\'s id, lower-case letters, digits and - . :'
    )


def test_a_profile_may_record_an_approval_without_rules():
    """An approval without rules is read and cited; it is not required there."""
    policy = parse_profiles(dr_jones(APPROVAL + "antiplatelet_hold_days = 10"), "clinic.toml").profiles[
        "dr-jones"
    ].policy

    assert policy.approval is not None
    assert policy.rules == ()


def test_the_cli_clinic_files_are_checked_against_the_tables_classes(tmp_path, capsys):
    """`medplan policies --policies FILE` refuses a rule for a class the table does not have, as a configuration error."""
    path = tmp_path / "clinic.toml"
    path.write_text(dr_jones(APPROVAL + 'rules = { plavix = { low = "continue" } }'), encoding="utf-8")

    status = cli.main(["policies", "--policies", str(path)])

    assert status == 3
    assert capsys.readouterr().err == (
        f"PolicyError: {path}: profiles.dr-jones.rules.plavix: is not a drug class of the table (its drug_class column)\n"
    )


def test_policies_shows_each_profiles_approval_and_rules(tmp_path, capsys):
    """`medplan policies` gives under each profile who approved it, when and from what, and each rule."""
    path = tmp_path / "clinic.toml"
    path.write_text(CLINIC + dr_jones("inr_max = 1.3"), encoding="utf-8")

    status = cli.main(["policies", "--policies", str(path)])

    assert status == 0
    assert capsys.readouterr().out == (
        "protocol-v3  Example clinic protocol v3\n"
        f"             {CITED}\n"
        "             rule: apixaban at intermediate risk: hold 3 days, resume on day +1\n"
        "             rule: apixaban at high risk: hold 4 days, resume 48 hours after\n"
        "             rule: clopidogrel at low risk: continue\n"
        "             rule: warfarin at intermediate risk: hold 6 days, resume on day +1\n"
        "             rule: aspirin at high risk: continue\n"
        "dr-jones     Dr Jones\n"
        "             approval: none recorded\n"
    )


def test_policies_shows_the_bundled_ten_day_approval(capsys):
    """The bundled 10-day profile shows the seed article's authors as its approval, and says no clinic signed it."""
    assert cli.main(["policies"]) == 0

    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("radiologist-10-day-antiplatelet "))
    assert lines[at + 1].strip() == SEED_CITED


def test_rules_are_not_an_inline_setting():
    """A request cannot give rules inline: a protocol carries an approval, so it lives in a profile file."""
    with pytest.raises(medplan.InputError) as excinfo:
        medplan.plan(seed_request({"rules": {"clopidogrel": {"low": "continue"}}}))

    assert excinfo.value.field == "policy.rules"


def test_the_docs_example_protocol_loads_and_plans_as_the_docs_say():
    """docs/protocols.md's example profile loads against the bundled table, and its apixaban note is the one the page shows."""
    text = (DOCS / "protocols.md").read_text(encoding="utf-8")
    example = text.split("```toml\n")[1].split("```")[0]
    profiles = parse_profiles(example, "clinic.toml", drug_classes=medplan.default_table().drug_classes)
    request = single("apixaban", ["08:00", "20:00"], risk="intermediate", policy={"profile": "protocol-v3"})

    result = one(medplan.plan(request, profiles=profiles), "apixaban")

    assert f"    {result.notes[0]}\n" in text
