"""Shared test set-up: every test runs isolated from the user's real config, keys and keyring."""

from __future__ import annotations

import os
import re

import pytest

_PROVIDER_ENV = re.compile(
    r".*(_API_KEY|_AUTH_TOKEN|_TOKEN|_BASE_URL|_HOST)$|^PLAYGROUND_.*|^PYTHON_KEYRING_BACKEND$"
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Fresh HOME and config dirs, no provider keys in the environment, no real keyring."""
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if _PROVIDER_ENV.match(name):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home
