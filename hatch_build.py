"""Wheel build step: the bundled tables, parsed and validated now, carried as JSON data.

medplan/tables/prebuilt.py reads it back at start-up when it is in step with
the CSV the wheel carries (and parses the CSV when it is not). The table is
built in a child interpreter from this checkout's medplan, so the build's own
process imports nothing of it; the build needs medplan's attrs for that
(pyproject.toml's [build-system] requires it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_BUILD = """
import os, sys
sys.path.insert(0, sys.argv[1])
from medplan.tables import bridging_doses, care, clinical_checks, drug_classes, prebuilt, procedures, thrombotic_risk
parsers = {
    "drug_classes.csv": drug_classes.parse_table,
    "procedures.csv": procedures.parse_catalogue,
    "care.csv": care.parse_care,
    "thrombotic_risk.csv": thrombotic_risk.parse_risk_table,
    "clinical_checks.csv": clinical_checks.parse_clinical_checks,
}
for csv in prebuilt.TABLES:
    with open(os.path.join(sys.argv[2], csv), encoding="utf-8") as source:
        text = source.read()
    with open(os.path.join(sys.argv[3], prebuilt.file_for(csv)), "wb") as target:
        target.write(prebuilt.dump(parsers[csv](text, csv), text))
texts = []
for csv in prebuilt.BRIDGING:
    with open(os.path.join(sys.argv[2], csv), encoding="utf-8") as source:
        texts.append(source.read())
with open(os.path.join(sys.argv[3], prebuilt.file_for(prebuilt.BRIDGING[0])), "wb") as target:
    table = bridging_doses.parse_bridging_tables(texts[0], prebuilt.BRIDGING[0], texts[1], prebuilt.BRIDGING[1])
    target.write(prebuilt.dump(table, texts))
"""


class PrebuiltTable(BuildHookInterface):  # type: ignore[type-arg]
    """Adds medplan/data/*.prebuilt.json (prebuilt.TABLES, and prebuilt.BRIDGING) to a (non-editable) wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Build the tables into a temporary folder and include them in the wheel."""
        if self.target_name != "wheel" or version != "standard":
            return
        self._folder = Path(tempfile.mkdtemp(prefix="medplan-prebuilt-"))
        source = Path(self.root) / "data"
        # Not isolated (-I): the build's requirements (attrs) reach this interpreter
        # through the environment the build frontend sets, and a fresh target
        # environment has none of them yet.
        subprocess.run(  # noqa: S603 - this interpreter, and the script above
            [sys.executable, "-c", _BUILD, self.root, str(source), str(self._folder)],
            check=True,
        )
        for built in sorted(self._folder.iterdir()):
            build_data["force_include"][str(built)] = f"medplan/data/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:  # noqa: ARG002 - hatch's signature
        """Remove the temporary folder."""
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
