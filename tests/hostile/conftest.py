"""Fixtures for the hostile-server tests: two loopback servers (two origins) and configs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile.server import HostileServer

# Keys with characters that URL-encoding changes, so an encoded echo differs from the raw one.
KEYS = {
    "openai": "sk-proj-Hq7/Zx+Lm3=Vb9Nc2Xd5Kf8Tg1Wr4Yp6",
    "anthropic": "sk-ant-api03-Ab/Cd+Ef=Gh7Jk2Lm9Np4Qr6St8Uv",
    "gemini": "AIzaSyHq7/Zx+Lm3=Vb9Nc2Xd5Kf8Tg1Wr4",
    "ollama": "olk-Hq7/Zx+Lm3=Vb9Nc2Xd5Kf8Tg1Wr4Yp6Qa",
    "openai-responses": "sk-resp-Hq7/Zx+Lm3=Vb9Nc2Xd5Kf8Tg1Wr4Yp6",
}
ROTATION_KEY = "sk-second-Mn5/Bv+Cx8=Za1Sd4Fg7Hj0Kl3Qw6Er"
BASIC_PASSWORD = "hunter2-Basic-Pw7x9q"
FAMILY_PATH = {
    "openai": "openai/v1",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "ollama": "ollama",
    "openai-responses": "openai/v1",
}
FAMILIES = tuple(KEYS)


def env_name(family: str) -> str:
    """The environment variable the config's ``${VAR}`` key reads for ``family``."""
    return "HOSTILE_" + family.upper().replace("-", "_") + "_KEY"


def provider_toml(family: str, base_url: str, *, rotate: bool = False) -> str:
    """``[providers.h-FAMILY]`` pointing at ``base_url`` with a ``${VAR}`` key (and a second key
    to rotate to)."""
    keys = (
        f'api_keys = ["${{{env_name(family)}}}", "{ROTATION_KEY}"]'
        if rotate
        else (f'api_key = "${{{env_name(family)}}}"')
    )
    return (
        f'[providers.h-{family}]\nprotocol = "{family}"\nbase_url = "{base_url}"\n{keys}\n'
        f'[providers.h-{family}.models.m]\nname = "m"\n\n'
    )


RELIABILITY = """[reliability]
retries = 0
backoff_base_s = 0.01
backoff_max_s = 0.05
cooldown_s = 0
first_token_timeout_s = 20
first_byte_timeout_s = 20
idle_timeout_s = 20
"""


@pytest.fixture(scope="session")
def other_host() -> Iterator[HostileServer]:
    """A second loopback server (another port, so another origin) that accepts anything."""
    with HostileServer() as server:
        yield server


@pytest.fixture(scope="session")
def hostile(other_host: HostileServer) -> Iterator[HostileServer]:
    """The hostile server; its ``redirect`` mode sends clients to :func:`other_host`."""
    with HostileServer(redirect_to=other_host.url + "/accept") as server:
        yield server


@pytest.fixture
def hostile_keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Put every family's key in the environment (the config reads them as ``${VAR}``)."""
    for family, key in KEYS.items():
        monkeypatch.setenv(env_name(family), key)
    return KEYS


@pytest.fixture
def hostile_config(hostile: HostileServer, tmp_path: Path) -> Callable[..., str]:
    """Write a config whose ``h-FAMILY`` providers all point at one hostile mode."""

    def write(mode: str, *, rotate: bool = False, basic_auth: bool = False) -> str:
        host = hostile.url
        if basic_auth:
            host = host.replace("http://", f"http://user:{BASIC_PASSWORD}@")
        text = "".join(
            provider_toml(f, f"{host}/{mode}/{FAMILY_PATH[f]}", rotate=rotate) for f in FAMILIES
        )
        path = tmp_path / f"{mode}.toml"
        path.write_text(text + RELIABILITY, encoding="utf-8")
        return str(path)

    return write


def secrets_in(text: str) -> list[str]:
    """Every secret of the test set (raw, URL-encoded, or a 16-character slice) in ``text``."""
    from urllib.parse import quote

    found = []
    for secret in [*KEYS.values(), ROTATION_KEY, BASIC_PASSWORD]:
        forms = [secret, quote(secret, safe=""), quote(secret, safe="/")]
        forms += [secret[i : i + 16] for i in range(0, len(secret) - 16, 3)]  # partial echoes
        found += [form for form in forms if form in text]
    return found
