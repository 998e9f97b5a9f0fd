"""Fixtures for the service tests in tests/web/."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from medplan.web import app


@pytest.fixture(scope="module")
def client():
    return TestClient(app.create_app())


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Every test runs with an empty temporary directory as its working directory."""
    monkeypatch.chdir(tmp_path)
