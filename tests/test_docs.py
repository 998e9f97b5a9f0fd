"""The docstring examples in the installed modules run and hold."""

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = [
    "medplan.schedule", "medplan.table", "medplan.request", "medplan.planner", "medplan.api", "medplan.profiles",
    "medplan.labdays", "medplan.bridging", "medplan.booking", "medplan.recheck", "medplan.patient", "medplan.ics",
    "medplan.schemas", "medplan.codes", "medplan.cds", "medplan.service", "medplan.page",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    """Every example in the module's docstrings gives the output shown."""
    module = importlib.import_module(name)

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0


README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_example_holds():
    """The README's 'From Python' example runs against the installed package and gives the output shown."""
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0


CLINICAL_CHECKS = Path(__file__).resolve().parent.parent / "docs" / "clinical-checks.md"


def test_clinical_checks_example_holds():
    """The metformin example in docs/clinical-checks.md runs against the installed package as shown."""
    result = doctest.testfile(str(CLINICAL_CHECKS), module_relative=False, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0
