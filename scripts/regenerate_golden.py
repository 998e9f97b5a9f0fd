"""Rewrite tests/golden/ from the installed medplan: one plan JSON per bundled example, and iCalendar files.

Run it after a deliberate change to the table, the planner or the iCalendar
export, then review the diff of tests/golden/ as you would any clinical change:

    .venv/bin/pip install '.[calendar]' && .venv/bin/python scripts/regenerate_golden.py && git diff tests/golden
"""

import json
import re
from importlib import resources
from pathlib import Path

import medplan

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
# The tz database release and its place depend on the machine, not on medplan: the
# golden plans say "this machine", and tests/test_examples.py reads them the same way.
TZ_ENTRY = re.compile(r'"tz [^"]*"')
THIS_MACHINE = '"tz (this machine)"'
# The bundled examples whose iCalendar file is kept as a golden too.
ICS_EXAMPLES = ("warfarin-bridging-mitral-valve",)


def main() -> None:
    """Plan every bundled example and write its JSON (and, for some, its .ics) next to the tests."""
    GOLDEN.mkdir(exist_ok=True)
    for entry in sorted((resources.files("medplan") / "examples").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        plan = medplan.plan(json.loads(entry.read_text(encoding="utf-8")))
        text = TZ_ENTRY.sub(THIS_MACHINE, medplan.render_json(plan))
        (GOLDEN / entry.name).write_text(text, encoding="utf-8")
        print(f"wrote tests/golden/{entry.name}")
        stem = entry.name.removesuffix(".json")
        if stem in ICS_EXAMPLES:
            # Bytes, so that the CRLF line ends RFC 5545 requires are kept on every platform.
            (GOLDEN / f"{stem}.ics").write_bytes(medplan.render_ics(plan).encode("utf-8"))
            print(f"wrote tests/golden/{stem}.ics")


if __name__ == "__main__":
    main()
