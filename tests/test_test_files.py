"""The tests' own layout (tests/README.md): each folder mirrors medplan/, no file is too long to read, none imports another test module."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

from testpaths import TESTS

# What tests/README.md allows besides the package's subpackages.
OTHER_FOLDERS = {"api", "cli", "golden", "web/browser"}
MAX_LINES = 650  # "no test file over ~600 lines", with room for a test or two
TEST_FILES = sorted(TESTS.rglob("test_*.py"))


def _folders() -> set[str]:
    return {
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("*")
        # caches (__pycache__, .hypothesis, ...) and golden/'s own folders are not test folders
        if path.is_dir()
        and not any(part == "__pycache__" or part.startswith(".") for part in path.relative_to(TESTS).parts)
        and not path.relative_to(TESTS).as_posix().startswith("golden/")
    }


def test_every_folder_is_a_subpackage_of_medplan_or_named_in_the_readme():
    """A test folder is named after a subpackage of medplan (tables, planning, ...) or is one tests/README.md names."""
    package = Path(str(resources.files("medplan")))
    subpackages = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}

    assert _folders() - subpackages - OTHER_FOLDERS == set()
    assert {"tables", "planning", "render", "fhir", "web"} <= _folders()


def test_no_test_file_is_over_the_limit():
    """Every test file is at most MAX_LINES lines: a longer one is split by topic."""
    lengths = {path.relative_to(TESTS).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in TEST_FILES}

    assert len(lengths) > 50
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_no_test_module_imports_another():
    """Test modules import helpers, never another test module: its name is not unique once the tests are in folders."""
    offending = {
        path.relative_to(TESTS).as_posix(): sorted(n for n in _imported(path) if n.startswith("test_"))
        for path in TEST_FILES
    }

    assert {name: found for name, found in offending.items() if found} == {}
    assert "cdscases" in _imported(TESTS / "fhir" / "test_cds.py")
