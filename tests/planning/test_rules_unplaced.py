"""The rules' answers other than a row are made on first use, and are the rules' as before.

``medplan.planning.rules`` names ``Unplaced`` and ``NotInvolved`` (and makes a
``Missing`` for its own use) but imports ``medplan.planning._unplaced``, which makes them, only when an
answer is not a row (a one-shot plan whose every medicine has its row saves
making three attrs classes). The first test runs a fresh interpreter, where
nothing has been imported yet, outside the checkout.
"""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from medplan.planning import rules

# In a fresh interpreter: the bundled example's warfarin given its row, then a class with no rows.
_FIRST_USE = """
import sys
import json
from importlib import resources
import medplan
from medplan.planning import rules
from medplan.tables.drug_classes import Resolution

example = resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json"
request = medplan.parse_request(json.loads(example.read_text(encoding="utf-8")))
table = medplan.default_table()
order = request.medications[0]
row = rules.rule_for(order, table.resolve(order.name), request, table)
before = "medplan.planning._unplaced" in sys.modules, "Unplaced" in vars(rules)
nowhere = Resolution(drug="nodrug", drug_class="no-such-class")
unplaced = rules.rule_for(order, nowhere, request, table)
print(
    before,
    row.rule_id,
    type(unplaced) is rules.Unplaced is sys.modules["medplan.planning._unplaced"].Unplaced,
    rules.Unplaced.__module__,
    rules.NotInvolved.__module__,
)
"""


def test_the_answers_are_made_on_first_use_and_are_the_rules(tmp_path):
    """Planning a medicine with its row makes none of them; one without gives the rules' Unplaced, made then."""
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _FIRST_USE], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == (
        "(False, False) asra-pain-2018:warfarin True medplan.planning.rules medplan.planning.rules"
    )


def test_an_answer_pickles_by_the_rules_name():
    """An Unplaced pickles as medplan.planning.rules.Unplaced and reads back equal."""
    unplaced = rules.Unplaced(rules.by_hand("no-rule", "no rule", "x"))

    assert pickle.loads(pickle.dumps(unplaced)) == unplaced  # noqa: S301 - its own pickle
    assert b"medplan.planning.rules" in pickle.dumps(unplaced)


def test_a_name_the_rules_do_not_have_is_refused_as_python_refuses_it():
    """Any other missing name of the rules raises AttributeError with the interpreter's own words."""
    with pytest.raises(
        AttributeError, match=r"^module 'medplan.planning.rules' has no attribute 'Unplace'$"
    ):
        rules.Unplace  # noqa: B018 - the look-up is the test


def test_the_answers_are_listed_before_they_are_made():
    """dir() of the rules lists the answers made on first use, as any other name."""
    assert {"Unplaced", "NotInvolved", "rule_for"} <= set(dir(rules))
