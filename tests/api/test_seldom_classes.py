"""The classes a plain plan never makes are made on first use, and are their modules' as before.

``medplan.model`` names ``Decision`` and ``BridgingDose``, and
``medplan.planning.medicine_names`` ``ReadName``, but each imports
``medplan._seldom``, which makes them, only when one is first asked for (a
one-shot plan that needs none saves making the attrs classes). Each test
runs a fresh interpreter, where nothing has been imported yet.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import medplan.model
from medplan.planning import medicine_names

# In a fresh interpreter: the model imported, then each class asked for by its public names.
_FIRST_USE = """
import sys
import medplan.model as model
before = "medplan._seldom" in sys.modules, "Decision" in vars(model)
import medplan
from medplan.model import BridgingDose
seldom = sys.modules["medplan._seldom"]
print(
    before,
    medplan.Decision is model.Decision is seldom.Decision,
    BridgingDose is seldom.BridgingDose,
    "Decision" in vars(model),
    model.Decision.__module__,
    model.BridgingDose.__qualname__,
)
"""


def test_the_classes_are_made_on_first_use_and_are_the_models():
    """Importing the model makes neither class; asked for, each is the one _seldom made, named as the model's."""
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _FIRST_USE], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "(False, False) True True True medplan.model BridgingDose"


# In a fresh interpreter: the name reader imported, then a name read that does not resolve as written.
_READ_NAME = """
import sys
from medplan.planning import medicine_names
before = "medplan._seldom" in sys.modules
read = medicine_names.read_name("Eliquis 5mg tablets")
print(before, type(read) is medicine_names.ReadName, medicine_names.ReadName.__module__, read.strength)
"""


def test_a_pasted_name_is_read_into_the_name_readers_class():
    """Importing medicine_names makes no ReadName; reading a pasted name makes it, and it is medicine_names'."""
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _READ_NAME], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False True medplan.planning.medicine_names 5 mg"


def test_a_name_the_model_does_not_have_is_refused_as_python_refuses_it():
    """Any other missing name of the model raises AttributeError with the interpreter's own words."""
    with pytest.raises(AttributeError, match=r"^module 'medplan.model' has no attribute 'Decison'$"):
        medplan.model.Decison  # noqa: B018 - the look-up is the test


def test_a_name_the_name_reader_does_not_have_is_refused_as_python_refuses_it():
    """Any other missing name of medicine_names raises AttributeError with the interpreter's own words."""
    with pytest.raises(
        AttributeError, match=r"^module 'medplan.planning.medicine_names' has no attribute 'ReadNames'$"
    ):
        medicine_names.ReadNames  # noqa: B018 - the look-up is the test


def test_the_name_readers_class_is_the_one_read_name_makes():
    """medicine_names.ReadName, asked for by name, is the class of what read_name gives."""
    read = medicine_names.read_name("Eliquis 5mg tablets")

    assert type(read) is medicine_names.ReadName


def test_the_classes_made_on_first_use_are_listed_before_they_are_made():
    """dir() of the model and of medicine_names lists the classes they make on first use, as any other name."""
    assert {"Decision", "BridgingDose", "Plan"} <= set(dir(medplan.model))
    assert {"ReadName", "NameIndex"} <= set(dir(medicine_names))
