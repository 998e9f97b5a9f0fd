"""Helpers shared by the review-item and decision tests: requests at Perth and the seed example."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from plannercases import med

__all__ = ["PERTH", "SECONDARY", "example", "example_decisions", "med", "request"]

PERTH = {"start": "2026-12-08T09:30", "timezone": "Australia/Perth"}
# Clopidogrel for a stroke years ago: no indication question, so each test sees only its own.
SECONDARY = {"indication": "stroke-or-tia", "indication_date": "2019-05-01"}


def example() -> dict[str, Any]:
    """The bundled nerve root sleeve injection request, a fresh copy for each test to change."""
    text = (resources.files("medplan") / "examples" / "nerve-root-sleeve-injection.json").read_text("utf-8")
    return json.loads(text)


def example_decisions() -> list[dict[str, Any]]:
    """The bundled decisions that make the example final, a fresh copy for each test to change."""
    text = (resources.files("medplan") / "examples" / "decisions" / "nerve-root-sleeve-injection.json").read_text("utf-8")
    return json.loads(text)["decisions"]


def request(*medications: dict[str, Any], risk: str = "intermediate", **extra: Any) -> dict[str, Any]:
    """A request for a procedure at Perth with these medicines and any other top-level fields."""
    procedure = {"name": "test procedure", "bleeding_risk": risk, **PERTH}
    return {"procedure": procedure, "medications": list(medications), **extra}
