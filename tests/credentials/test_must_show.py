"""The issue's must-show scenario, run as a user would: ``python -m playground doctor``.

Temp HOME; an env key for openai, a ``${VAR}`` config key for anthropic, a keyring key for
groq (file-backed keyring), a ``.env`` key for mistral, each also shadowing or shadowed by
another source; base URLs pointed at a loopback server that accepts one key and rejects
another. No output may contain a full key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from playground.config.loader import config_dir

OPENAI_KEY = "sk-proj-mustshowAAAAT3BlbkFJmustshowBBBB0001"
OPENAI_DOTENV_KEY = "sk-proj-shadowedAAAT3BlbkFJshadowedBBB0002"
ANTHROPIC_KEY = "sk-ant-api03-invalid" + "x" * 80 + "AA"
GROQ_KEY = "gsk_" + "Keyring0" * 6 + "abcd"
GROQ_ENV_KEY = "gsk_" + "EnvShadw" * 6 + "wxyz"
MISTRAL_KEY = "MistralDotenvKey0123456789abcdef"
ALL_KEYS = (OPENAI_KEY, OPENAI_DOTENV_KEY, ANTHROPIC_KEY, GROQ_KEY, GROQ_ENV_KEY, MISTRAL_KEY)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file_keyring, key_server) -> Path:
    """Write the config, .env, keyring and environment; return the project folder."""
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").write_text(
        f'# project keys\nexport MISTRAL_API_KEY="{MISTRAL_KEY}"\n'
        f"OPENAI_API_KEY={OPENAI_DOTENV_KEY}\n"
    )
    config = config_dir() / "config.toml"
    config.parent.mkdir(parents=True)
    url = key_server.url
    config.write_text(
        "\n".join(
            [
                "[providers.openai]",
                f'base_url = "{url}/v1"',
                "[providers.anthropic]",
                'api_key = "${ANTHROPIC_KEY}"',
                f'base_url = "{url}"',
                "[providers.groq]",
                f'base_url = "{url}/openai/v1"',
                "[providers.mistral]",
                f'base_url = "{url}/v1"',
                "",
            ]
        )
    )
    keyring.set_password("playground", "groq", GROQ_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("GROQ_API_KEY", GROQ_ENV_KEY)
    return project


def playground(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "playground", *args],
        cwd=project,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    for secret in ALL_KEYS:
        assert secret not in result.stdout
        assert secret not in result.stderr
    return result


def rows(output: str) -> dict[str, dict]:
    return {row["provider"]: row for row in json.loads(output)}


def test_doctor_json_reports_each_source_and_shadowing(setup: Path) -> None:
    result = playground(setup, "doctor", "--json")
    assert result.returncode == 0, result.stderr
    report = rows(result.stdout)

    assert report["openai"]["source"] == "env OPENAI_API_KEY"
    assert report["openai"]["shadowed"] == [".env OPENAI_API_KEY"]
    assert report["openai"]["key"] == "sk-proj…0001"
    assert report["openai"]["format"]["ok"] is True

    assert report["anthropic"]["source"] == "config api_key (${ANTHROPIC_KEY})"
    assert report["anthropic"]["auth_kind"] == "api_key"

    assert report["groq"]["source"] == "keyring"
    assert report["groq"]["shadowed"] == ["env GROQ_API_KEY"]
    assert report["groq"]["key"] == "gsk_Key…abcd"

    assert report["mistral"]["source"] == ".env MISTRAL_API_KEY"
    assert report["mistral"]["shadowed"] == []

    assert report["gemini"]["status"] == "missing"
    assert report["gemini"]["next_step"] == (
        "set GOOGLE_API_KEY or run `playground keys set gemini`"
    )
    assert report["sim"]["status"] == "simulated"
    for row in report.values():
        assert row["live"] is None


def test_doctor_live_reports_ok_and_unauthorized_with_latencies(setup: Path) -> None:
    result = playground(setup, "doctor", "--json", "--live", "--timeout", "5")
    report = rows(result.stdout)

    for slug in ("openai", "groq", "mistral"):
        assert report[slug]["live"]["status"] == "ok", slug
        assert report[slug]["latency_ms"] > 0
    anthropic = report["anthropic"]["live"]
    assert anthropic["status"] == "unauthorized"
    assert anthropic["http_status"] == 401
    assert anthropic["message"] == "invalid x-api-key"
    assert anthropic["latency_ms"] > 0
    assert report["anthropic"]["next_step"] == (
        "the key was rejected (401): create a new key at "
        "https://docs.anthropic.com/en/docs/about-claude/models and update ANTHROPIC_KEY "
        "(the config's api_key refers to it)"
    )
    assert result.returncode == 1  # a configured key failed its live check


def test_doctor_table_with_live_results(setup: Path) -> None:
    result = playground(
        setup,
        "doctor",
        "--live",
        "--provider",
        "openai",
        "--provider",
        "anthropic",
        "--provider",
        "groq",
        "--provider",
        "mistral",
    )
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PROVIDER", "STATUS", "KEY", "SOURCE", "AUTH", "FMT", "LIVE"]
    by_provider = {line.split()[0]: line for line in lines if line and not line.startswith(" ")}
    assert "$OPENAI_API_KEY" in by_provider["openai"] and " ok " in by_provider["openai"]
    assert "rejected" in by_provider["anthropic"]
    assert "keyring" in by_provider["groq"]
    # The SOURCE column gives way to a slow live check's latency to stay within 80 columns.
    assert ".env MISTRAL_API" in by_provider["mistral"]
    assert "    shadowed: env GROQ_API_KEY" in lines
    assert "    ! invalid x-api-key" in lines
    assert all(len(line) <= 80 for line in lines)
    assert result.returncode == 1
