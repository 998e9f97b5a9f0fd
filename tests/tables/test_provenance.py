"""What a plan was made with: every data file's hash, and the tz database its zone came from."""

from __future__ import annotations

import sys
import zoneinfo

import pytest
import tzdata
from strategies import VALID

import medplan
from medplan.tables import provenance


@pytest.fixture
def fresh_tz_version():
    """tz_version is cached per zone; each test starts and ends with an empty cache and the host's TZPATH."""
    provenance.tz_version.cache_clear()
    yield provenance.tz_version
    provenance.tz_version.cache_clear()
    zoneinfo.reset_tzpath()


def test_a_plan_names_every_data_file_and_the_tz_release():
    """The versions are the seven data files' hashes, then the tz database, in a fixed order."""
    versions = medplan.plan(VALID).data_versions

    assert [v.split(" ")[0] for v in versions] == [
        "drug_classes.csv", "procedures.csv", "care.csv", "thrombotic_risk.csv", "bridging_doses.csv",
        "warfarin_pathway.csv", "clinical_checks.csv", "tz",
    ]
    assert all(" sha256:" in v for v in versions[:-1])
    assert versions[0] == medplan.default_table().version


def test_a_plan_that_uses_the_holiday_calendar_names_its_version():
    """With lab_country the laboratory's days come from the holidays package, and the plan says which release."""
    versions = medplan.plan({**VALID, "policy": {"lab_country": "AU", "lab_subdivision": "WA"}}).data_versions

    assert versions[-1].startswith("holidays ")


def test_the_zone_from_the_host_names_the_host_folder(fresh_tz_version, tmp_path):
    """A zone read from a TZPATH folder names that folder and the release in its tzdata.zi."""
    folder = tmp_path / "zoneinfo"
    (folder / "Australia").mkdir(parents=True)
    (folder / "Australia" / "Perth").write_bytes(b"TZif")
    (folder / "tzdata.zi").write_text("# version 2031z\n", encoding="utf-8")
    zoneinfo.reset_tzpath([str(folder)])

    assert fresh_tz_version("Australia/Perth") == f"tz 2031z ({folder})"


def test_a_host_folder_without_its_release_says_so(fresh_tz_version, tmp_path):
    """No tzdata.zi beside the zones: the release is unknown, the folder still named."""
    (tmp_path / "UTC").write_bytes(b"TZif")
    zoneinfo.reset_tzpath([str(tmp_path)])

    assert fresh_tz_version("UTC") == f"tz unknown release ({tmp_path})"


def test_a_release_file_of_another_shape_is_an_unknown_release(fresh_tz_version, tmp_path):
    """A tzdata.zi whose first line is not ``# version <release>`` gives an unknown release, the folder still named."""
    (tmp_path / "UTC").write_bytes(b"TZif")
    (tmp_path / "tzdata.zi").write_text("R Z 1970 o - Ja 1 0 0 -\n", encoding="utf-8")
    zoneinfo.reset_tzpath([str(tmp_path)])

    assert fresh_tz_version("UTC") == f"tz unknown release ({tmp_path})"


def test_without_host_zones_the_tzdata_package_is_named(fresh_tz_version, tmp_path):
    """Where the host has no zone files, zoneinfo falls back to the tzdata package, and so does the record."""
    zoneinfo.reset_tzpath([str(tmp_path)])

    assert fresh_tz_version("Europe/London") == f"tz {tzdata.IANA_VERSION} (tzdata package)"


def test_without_host_zones_or_tzdata_the_source_is_unknown(fresh_tz_version, tmp_path, monkeypatch):
    """With no zone files on the host and tzdata not importable (installed without its dependencies), the record says neither is known."""
    zoneinfo.reset_tzpath([str(tmp_path)])
    monkeypatch.setitem(sys.modules, "tzdata", None)  # import tzdata now raises ImportError

    assert fresh_tz_version("Europe/London") == "tz unknown release (unknown source)"


def test_a_recheck_reports_a_new_tz_release_as_provenance_only():
    """Another machine's tz database is what the plan was made with, not a change in its answers."""
    stored = medplan.plan(VALID).to_dict()
    stored["data_versions"][-1] = "tz 1999a (/elsewhere)"

    result = medplan.recheck(stored)

    assert not result.changed
    assert [d.path for d in result.provenance] == ["data_versions[7]"]
