"""Fixtures for the framework reader tests: a fake HOME (from the root conftest) and tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(isolated_environment: Path) -> Path:
    """The isolated HOME every test runs with (credential stores live under it)."""
    return isolated_environment
