"""Wheel build step: the drug-class table, parsed and validated now, carried as JSON data.

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
import sys
sys.path.insert(0, sys.argv[1])
from medplan.tables import drug_classes, prebuilt
with open(sys.argv[2], encoding="utf-8") as source:
    table = drug_classes.parse_table(source.read(), "drug_classes.csv")
with open(sys.argv[3], "wb") as target:
    target.write(prebuilt.dump(table))
"""


class PrebuiltTable(BuildHookInterface):  # type: ignore[type-arg]
    """Adds medplan/data/drug_classes.prebuilt.json to a (non-editable) wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Build the table into a temporary folder and include it in the wheel."""
        if self.target_name != "wheel" or version != "standard":
            return
        self._folder = Path(tempfile.mkdtemp(prefix="medplan-prebuilt-"))
        target = self._folder / "drug_classes.prebuilt.json"
        source = Path(self.root) / "data" / "drug_classes.csv"
        # Not isolated (-I): the build's requirements (attrs) reach this interpreter
        # through the environment the build frontend sets, and a fresh target
        # environment has none of them yet.
        subprocess.run(  # noqa: S603 - this interpreter, and the script above
            [sys.executable, "-c", _BUILD, self.root, str(source), str(target)],
            check=True,
        )
        build_data["force_include"][str(target)] = "medplan/data/drug_classes.prebuilt.json"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:  # noqa: ARG002 - hatch's signature
        """Remove the temporary folder."""
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
