"""Helpers for compare tests: a session on the test simulator with instant retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.config.schema import Config


@pytest.fixture
def sim_env(sim_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the built-in ``sim*`` providers at the test session's simulator."""
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    return sim_url


@pytest.fixture
def no_retry_config(tmp_path: Path) -> str:
    """A config file without retries (fault-injected models fail or fall back at once)."""
    path = tmp_path / "config.toml"
    path.write_text("[reliability]\nretries = 0\n", encoding="utf-8")
    return str(path)


def fast_config() -> Config:
    """A config without retries, for in-process runners."""
    return Config.model_validate({"reliability": {"retries": 0}})
