"""Tests of the bundled clinic policy profiles: ``medplan.tables.policies`` loading ``policies.toml``.

Each bundled profile gives exactly its documented policy and cites its source.
"""

from __future__ import annotations

from importlib import resources

import attrs
import pytest
from policycases import (
    BUNDLED_NAMES,
    BUNDLED_VERSION,
    SEED_APPROVAL,
    SIR_HIGH,
    bundled,
)

import medplan
from medplan import Policy

# --- the bundled file -------------------------------------------------------


def test_bundled_file_ships_in_the_package():
    """policies.toml is inside the installed package and is what default_profiles() loads."""
    assert (resources.files("medplan") / "data" / "policies.toml").is_file()
    profiles = medplan.default_profiles()
    assert profiles.file == "policies.toml"
    assert profiles.version.startswith("policies.toml sha256:")


def test_bundled_profiles_in_file_order():
    """The bundled file has the documented profiles, in the order it lists them."""
    assert list(medplan.default_profiles().names) == BUNDLED_NAMES


@attrs.frozen(kw_only=True)
class BundledCase:
    """A bundled profile's name and the policy it gives."""

    name: str
    expected: Policy


@pytest.mark.parametrize(
    "case",
    [
        # The seed's profile is the built-in default, written out.
        pytest.param(
            BundledCase(name="seed-khangure-2017", expected=bundled("seed-khangure-2017")),
            id="seed",
        ),
        pytest.param(
            BundledCase(
                name="radiologist-10-day-antiplatelet",
                expected=bundled(
                    "radiologist-10-day-antiplatelet",
                    antiplatelet_hold_days=10,
                    approval=SEED_APPROVAL,
                ),
            ),
            id="radiologist-10",
        ),
        pytest.param(
            BundledCase(
                name="radiologist-7-day-antiplatelet",
                expected=bundled("radiologist-7-day-antiplatelet", antiplatelet_hold_days=7),
            ),
            id="radiologist-7",
        ),
        pytest.param(
            BundledCase(
                name="sir-2019-spine-high",
                expected=bundled("sir-2019-spine-high", bleeding_risk=SIR_HIGH),
            ),
            id="sir-2019",
        ),
        pytest.param(
            BundledCase(
                name="glp1-multisociety-2024",
                expected=bundled(
                    "glp1-multisociety-2024", variants=(("glp1-ra", "multisociety-2024"),)
                ),
            ),
            id="glp1-multisociety",
        ),
        pytest.param(
            BundledCase(
                name="glp1-asa-2023",
                expected=bundled("glp1-asa-2023", variants=(("glp1-ra", "asa-2023"),)),
            ),
            id="glp1-asa",
        ),
        pytest.param(
            BundledCase(
                name="aspirin-reviewed-before-intermediate",
                expected=bundled(
                    "aspirin-reviewed-before-intermediate", aspirin_before_intermediate=None
                ),
            ),
            id="aspirin-review",
        ),
    ],
)
def test_bundled_profile_gives_its_policy(case):
    """Each bundled profile gives exactly its documented policy, named after it and its file."""
    profile = medplan.default_profiles().get(case.name)

    assert profile is not None
    assert profile.policy == case.expected


def test_seed_profile_is_the_built_in_default():
    """The seed's profile sets every setting as the built-in default does: the file documents the default."""
    seed = medplan.default_profiles().get("seed-khangure-2017")

    assert seed is not None
    assert seed.policy == Policy(source=BUNDLED_VERSION)


@pytest.mark.parametrize("name", BUNDLED_NAMES)
def test_bundled_profile_cites_its_source(name):
    """Each bundled profile's description names the publication or article it follows, with its year."""
    profile = medplan.default_profiles().get(name)

    assert profile is not None
    assert any(year in profile.description for year in ("2017", "2018", "2019", "2023", "2024"))


def test_bundled_profiles_choose_what_the_bundled_table_gives():
    """The bundled profiles' variants are ones the bundled table gives, checked against it on load."""
    profiles = medplan.load_profiles(variants=medplan.default_table().variants)

    chosen = {pair for p in profiles.profiles.values() for pair in p.policy.variants}
    assert chosen == {("glp1-ra", "multisociety-2024"), ("glp1-ra", "asa-2023")}
