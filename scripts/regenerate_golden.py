"""Rewrite tests/golden/ from the installed medplan: one plan JSON per bundled example.

Run it after a deliberate change to the table or the planner, then review the
diff of tests/golden/ as you would any clinical change:

    .venv/bin/pip install . && .venv/bin/python scripts/regenerate_golden.py && git diff tests/golden
"""

import json
from importlib import resources
from pathlib import Path

import medplan

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


def main() -> None:
    """Plan every bundled example and write its JSON next to the tests."""
    GOLDEN.mkdir(exist_ok=True)
    for entry in sorted((resources.files("medplan") / "examples").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        plan = medplan.plan(json.loads(entry.read_text(encoding="utf-8")))
        (GOLDEN / entry.name).write_text(medplan.render_json(plan), encoding="utf-8")
        print(f"wrote tests/golden/{entry.name}")


if __name__ == "__main__":
    main()
