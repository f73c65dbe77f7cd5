"""Shared test set-up: every test runs isolated from the user's real config, keys and keyring."""

from __future__ import annotations

import os
import re

import pytest

_PROVIDER_ENV = re.compile(
    r".*(_API_KEY|_AUTH_TOKEN|_TOKEN|_BASE_URL|_HOST)$|^PLAYGROUND_.*|^PYTHON_KEYRING_BACKEND$|^AWS_.*"
    r"|^GOOGLE_.*|^GCLOUD_PROJECT$|^CLOUDSDK_.*|^CLOUD_ML_REGION$"
)
# No Google credential chain may reach a real metadata server from a test. google-auth reads
# these once, when it is first imported, so they are set before any test runs.
os.environ["GCE_METADATA_HOST"] = "127.0.0.1:9"
os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"


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
    # No AWS credential chain may reach an instance metadata endpoint from a test.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("GCE_METADATA_HOST", "GCE_METADATA_IP"):  # nothing listens on port 9
        monkeypatch.setenv(name, "127.0.0.1:9")
    return home


@pytest.fixture(scope="session")
def sim_url():
    """Root URL of a simulated provider served from a thread for the whole test session.

    Family base URLs: ``{sim_url}/openai/v1``, ``/anthropic``, ``/gemini``, ``/ollama``
    (``playground.sim.embedded.SIM_FAMILY_PATHS``). Use ``tps=0&ttft_ms=0`` in model ids
    to keep tests fast, and a unique ``&run=…`` parameter for a fresh ``fail_times`` counter.
    """
    from playground.sim.embedded import start_sim_thread

    with start_sim_thread() as sim:
        yield sim.url


@pytest.fixture
def paced_reads(monkeypatch: pytest.MonkeyPatch):
    """Every read of the paced network backend and every pacing wait of this test."""
    from tests.adapters.pacing import install_recorder

    return install_recorder(monkeypatch)
