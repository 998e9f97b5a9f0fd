"""Where the tests find the checkout's files, from any folder under tests/."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
DOCS = ROOT / "docs"


def core_modules() -> list[ModuleType]:
    """Every module of the installed package but ``__main__`` and the optional extras' (the service, FHIR)."""
    import medplan  # noqa: PLC0415 - only the tests that walk the package import it here

    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(medplan.__path__, prefix="medplan.")
        if info.name != "medplan.__main__" and not info.name.startswith(("medplan.web", "medplan.fhir"))
    ]
