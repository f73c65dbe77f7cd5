"""Resolving ``vertex/…`` and ``vertex-anthropic/…``: project, location, address, token or ADC."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.config.loader import parse_config
from playground.endpoint import AuthKind, Protocol
from playground.resolve import ResolveError, default_resolver

TOKEN = "ya29.a0AfB_resolve-test-token-0123456789"


def resolve(spec: str, text: str, env: dict[str, str], cwd: Path):
    config = parse_config(text, Path("config.toml"))
    (endpoint,) = default_resolver(config, env=env, cwd=cwd).resolve(spec).chain[0].endpoints
    return endpoint


def test_env_project_default_location_and_adc(tmp_path: Path) -> None:
    env = {"GOOGLE_CLOUD_PROJECT": "proj-1", "HOME": str(tmp_path)}
    endpoint = resolve("vertex/gemini-2.5-flash", "", env, tmp_path)
    assert endpoint.protocol is Protocol.VERTEX
    assert endpoint.base_url == "https://us-central1-aiplatform.googleapis.com"
    assert endpoint.api_key is None  # no token configured: ADC at request time
    assert dict(endpoint.options) == {"project": "proj-1", "location": "us-central1", "adc": "yes"}


def test_config_project_global_location_and_token(tmp_path: Path) -> None:
    text = f"""
[providers.vertex-anthropic]
project = "cfg-proj"
location = "global"
api_key = "{TOKEN}"
"""
    endpoint = resolve("vertex-anthropic/claude-sonnet-4-5@20250929", text, {}, tmp_path)
    assert endpoint.protocol is Protocol.VERTEX_ANTHROPIC
    assert endpoint.base_url == "https://aiplatform.googleapis.com"
    assert endpoint.model == "claude-sonnet-4-5@20250929"
    assert endpoint.api_key is not None and endpoint.api_key.reveal() == TOKEN
    assert endpoint.auth_kind is AuthKind.OAUTH_TOKEN  # a ya29. token is a bearer
    assert endpoint.options["location"] == "global"


def test_loopback_stand_in_without_credentials(tmp_path: Path) -> None:
    text = """
[providers.vertex]
project = "p"
location = "europe-west4"
base_url = "http://127.0.0.1:9/vertex"
auth = "none"
"""
    endpoint = resolve("vertex/gemini-2.5-pro", text, {}, tmp_path)
    assert endpoint.base_url == "http://127.0.0.1:9/vertex"
    assert "adc" not in endpoint.options and endpoint.api_key is None


def test_no_project_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ResolveError, match="no Google Cloud project for vertex: set project"):
        resolve("vertex/gemini-2.5-flash", "", {"HOME": str(tmp_path)}, tmp_path)
