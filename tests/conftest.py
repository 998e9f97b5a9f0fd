"""Shared test set-up: Hypothesis profiles and the bundled table.

Hypothesis loads its built-in ``ci`` profile (derandomised, no deadline)
by itself when ``CI=true``; only ``MEDPLAN_HYPOTHESIS_PROFILE`` chooses
another, so that profile is never overridden by accident. Elsewhere the
``local`` profile is Hypothesis's default without the deadline.
"""

import os

import pytest
from hypothesis import settings
from testclock import TEST_NOW

import medplan
import medplan.clock

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
# Hypothesis's own default, less its 200 ms deadline: a busy or slow machine running
# the README's test command (without CI=true) must not fail a property by time alone.
settings.register_profile("local", deadline=None)
if "MEDPLAN_HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["MEDPLAN_HYPOTHESIS_PROFILE"])
elif settings().deadline is not None:  # Hypothesis's default, not its CI profile
    settings.load_profile("local")


@pytest.fixture(scope="session")
def table() -> medplan.Table:
    return medplan.default_table()


@pytest.fixture(autouse=True)
def _set_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's and the service's clock reads TEST_NOW, so plans do not change by the day."""
    monkeypatch.setattr(medplan.clock, "now", lambda: TEST_NOW)
