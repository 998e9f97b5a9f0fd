"""Tests of the installed package itself, in the style of stamina's and attrs' packaging tests.

These run against whatever ``import medplan`` finds; CI installs the built
wheel, so there they check what users get: its version, its data files, its
typing marker and its public names.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import medplan
from medplan import exceptions
from medplan.tables.drug_classes import parse_table
from medplan.tables.loader import data_text, package_files

PACKAGE = resources.files("medplan")
EXAMPLES = sorted(
    entry.name for entry in (PACKAGE / "examples").iterdir() if entry.name.endswith(".json")
)


def test_version_is_the_installed_distributions():
    """``medplan.__version__`` (a literal, for start-up time) is the version the installed distribution declares."""
    assert medplan.__version__ == importlib.metadata.version("medplan")


def test_version_is_pyprojects():
    """The literal ``__version__`` is the one pyproject.toml gives, so a release bumps both."""
    with (Path(__file__).parent.parent / "pyproject.toml").open("rb") as stream:
        declared = tomllib.load(stream)["project"]["version"]
    assert medplan.__version__ == declared


def test_table_is_bundled_in_the_package():
    """The drug-class table is inside the installed package and loads."""
    resource = PACKAGE / "data" / "drug_classes.csv"
    assert resource.is_file()
    table = parse_table(resource.read_text(encoding="utf-8"), "drug_classes.csv")
    assert table.rules
    assert table.version == medplan.default_table().version


def test_package_files_are_importlib_resources_files():
    """csvrows.package_files finds the folder importlib.resources finds, without importing it."""
    assert package_files() == PACKAGE


@pytest.mark.parametrize("name", sorted(e.name for e in (PACKAGE / "data").iterdir() if e.is_file()))
def test_bundled_data_is_read_as_importlib_resources_reads_it(name):
    """csvrows reads a bundled file beside the module, and gets what importlib.resources gives."""
    assert data_text(None, name) == (PACKAGE / "data" / name).read_text(encoding="utf-8")


@pytest.mark.skipif(
    os.environ.get("CI") != "true",
    reason="only CI installs the built wheel; a local run may use an editable install",
)
def test_ci_tests_the_installed_wheel_not_the_checkout():
    """Under CI, medplan is imported from site-packages, so the tests check the built wheel."""
    assert "site-packages" in medplan.__file__


def test_package_is_marked_typed():
    """The installed package carries ``py.typed``, so type checkers use its annotations."""
    assert (PACKAGE / "py.typed").is_file()


def test_all_is_sorted():
    """``medplan.__all__`` is sorted as ruff's RUF022 sorts it (constants, classes, then the rest), so additions show up as one-line diffs."""
    def isort_style(name):
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert list(medplan.__all__) == sorted(medplan.__all__, key=isort_style)


@pytest.mark.parametrize("name", medplan.__all__)
def test_every_public_name_exists(name):
    """Every name in ``medplan.__all__`` is an attribute of the package."""
    assert hasattr(medplan, name)


def test_no_public_name_is_listed_twice():
    """``medplan.__all__`` names each object once."""
    assert len(set(medplan.__all__)) == len(medplan.__all__)


@pytest.mark.parametrize("name", exceptions.__all__)
def test_public_exception_is_re_exported_from_medplan(name):
    """Each public exception is re-exported from ``medplan`` and reports that as its module."""
    error = getattr(medplan, name)
    assert name in medplan.__all__
    assert error is getattr(exceptions, name)
    assert issubclass(error, medplan.MedplanError)
    assert error.__module__ == "medplan"


def test_every_exported_exception_is_public():
    """Every exception class ``medplan`` exports reports ``medplan`` as its module."""
    errors = [
        getattr(medplan, name)
        for name in medplan.__all__
        if isinstance(getattr(medplan, name), type)
        and issubclass(getattr(medplan, name), BaseException)
    ]
    assert {e.__name__ for e in errors} == {"InputError", "MedplanError", "MissingExtraError", "PolicyError", "TableError"}
    assert all(e.__module__ == "medplan" for e in errors)


def test_seed_example_is_bundled():
    """The seed procedure's example request ships inside the package."""
    assert "nerve-root-sleeve-injection.json" in EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
def test_bundled_example_plans(name):
    """Each bundled example request plans, one entry per medicine, with the bundled table."""
    request = json.loads((PACKAGE / "examples" / name).read_text(encoding="utf-8"))
    result = medplan.plan(request)
    assert isinstance(result, medplan.Plan)
    assert [m.input for m in result.medications] == [m["name"] for m in request["medications"]]
    assert result.table_version == medplan.default_table().version
    assert result.medplan_version == medplan.__version__


def test_the_installed_distribution_names_its_licence():
    """The metadata `pip show` reads names Apache-2.0, as pyproject.toml declares it."""
    metadata = importlib.metadata.metadata("medplan")

    assert metadata["License"] == "Apache-2.0"


def test_the_installed_distribution_carries_the_licence_text():
    """The wheel carries LICENSE, the Apache License 2.0 text the checkout holds, in its .dist-info."""
    [licence] = [f for f in importlib.metadata.files("medplan") if f.name == "LICENSE"]
    checkout = (Path(__file__).parent.parent / "LICENSE").read_text(encoding="utf-8")

    assert licence.read_text(encoding="utf-8") == checkout
    assert "Apache License\n                           Version 2.0, January 2004" in checkout


def test_the_all_extra_brings_every_optional_feature():
    """`pip install 'medplan[all]'` installs exactly what the calendar, fhir and server extras install."""
    metadata = importlib.metadata.metadata("medplan")
    by_extra: dict[str, set[str]] = {}
    for requirement in metadata.get_all("Requires-Dist"):
        wanted, _, marker = requirement.partition(";")
        if "extra ==" in marker:
            by_extra.setdefault(marker.split("==")[1].strip(" '\""), set()).add(wanted.strip())

    assert "all" in metadata.get_all("Provides-Extra")
    assert by_extra["all"] == by_extra["calendar"] | by_extra["fhir"] | by_extra["server"]
    assert {"icalendar>=6.1", "fhir-resources>=8.0", "starlette>=1.7", "uvicorn>=0.50"} <= by_extra["all"]


_EAGER = {"__version__", "Difference", "Recheck", "recheck"}


@pytest.mark.parametrize("name", sorted(set(medplan.__all__) - _EAGER))
def test_every_public_name_is_imported_on_demand(name):
    """Each public name has a module to import it from on first use (the package imports lazily)."""
    assert name in medplan._WHERE  # noqa: SLF001 - the table the package's __getattr__ reads


def test_an_unknown_name_is_an_attribute_error():
    """A name the package does not have raises AttributeError, as a module without __getattr__ would."""
    with pytest.raises(AttributeError, match=r"^module 'medplan' has no attribute 'plna'$"):
        medplan.plna  # noqa: B018 - the look-up is the test


def test_dir_lists_the_public_names_before_their_first_use():
    """``dir(medplan)`` lists every public name, imported yet or not, as editors complete them."""
    assert set(medplan.__all__) <= set(dir(medplan))


# Run in a fresh interpreter: this test session has imported everything already.
_IMPORTED_BY_PLAN = """
import contextlib, io, sys
import medplan.cli
example = sys.argv[1]
with contextlib.redirect_stdout(io.StringIO()):
    status = medplan.cli.main(["plan", example, "--format", "json"])
print(status, " ".join(sorted(m for m in sys.modules if m.startswith("medplan"))))
"""


def test_plan_command_imports_only_what_it_needs(tmp_path):
    """``medplan plan`` imports neither the calendar, iCalendar, schema nor service code: start-up is mostly imports."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    example = str(PACKAGE / "examples" / "nerve-root-sleeve-injection.json")
    # From elsewhere than the checkout, so the interpreter imports the installed package.
    result = subprocess.run(  # noqa: S603 - this interpreter, and a script of this file's
        [sys.executable, "-c", _IMPORTED_BY_PLAN, example],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    status, *modules = result.stdout.split()
    assert status == "0", result.stderr
    unneeded = {"medplan.render.ics", "medplan.render.calendar", "medplan.schemas"}
    assert {"medplan.web.app", "medplan.fhir.bundle", *unneeded}.isdisjoint(modules)
    assert "medplan.render.plan_json" in modules
