"""Every public name of ``medplan`` resolves on first use to the object its module defines.

``import medplan`` imports no other module of the package: each public name is
imported when first used. These tests run a fresh interpreter, where nothing
has been imported yet (this session has imported everything already).
"""

from __future__ import annotations

import subprocess
import sys

# In a fresh interpreter: each public name, used first, is its module's object.
_EACH_NAME = """
import importlib, medplan
where = medplan._WHERE
wrong = [
    name for name in medplan.__all__
    if name != "__version__"
    and getattr(medplan, name) is not getattr(importlib.import_module("medplan." + where[name]), name)
]
print(sorted(set(medplan.__all__) - set(where) - {"__version__"}), wrong)
"""

# In a fresh interpreter: the rechecking module imported first, as the command line and the service import it.
_RECHECKING_MODULE_FIRST = """
import medplan.rechecking
import medplan
print(medplan.recheck is medplan.rechecking.recheck, medplan.Recheck is medplan.rechecking.Recheck)
"""


def _fresh(script: str) -> str:
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_each_public_name_resolves_to_its_modules_object():
    """Every name in ``medplan.__all__`` has a module to import it from, and is that module's object."""
    assert _fresh(_EACH_NAME) == "[] []"


def test_medplan_recheck_is_the_function_after_its_module_is_imported():
    """The function lives in ``medplan.rechecking``, so importing that module first changes nothing."""
    assert _fresh(_RECHECKING_MODULE_FIRST) == "True True"
