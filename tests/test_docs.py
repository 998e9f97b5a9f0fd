"""The docstring examples in the installed modules run and hold."""

import doctest
import importlib

import pytest

MODULES = [
    "medplan.schedule", "medplan.table", "medplan.request", "medplan.planner", "medplan.api", "medplan.profiles",
    "medplan.labdays", "medplan.bridging", "medplan.schemas",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    """Every example in the module's docstrings gives the output shown."""
    module = importlib.import_module(name)

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0
