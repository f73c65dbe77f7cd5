"""ZeroClaw: schema V1/V2/V3, enc2:/enc: decryption with .secret_key, op:// locked, warnings."""

from __future__ import annotations

from pathlib import Path

from playground.frameworks import load_framework
from playground.request import ThinkingLevel
from tests.frameworks import samples as s
from tests.frameworks.sealing import zeroclaw_enc_legacy

OPUS = "anthropic/claude-opus-4-20250514"


def test_v1_default_agent_chain_with_model_and_provider_fallbacks(tmp_path: Path):
    report = load_framework(s.zeroclaw_v1(tmp_path / "zc"))

    assert report.framework == "zeroclaw"
    assert report.version == "V1"
    assert report.errors == []
    agent = report.agent("default")
    assert agent.model_chain == [
        OPUS,
        "anthropic/claude-sonnet-4-20250514",
        "openrouter/claude-opus-4-20250514",
        "openrouter/claude-sonnet-4-20250514",
    ]
    assert agent.retries == 3
    assert agent.thinking is ThinkingLevel.HIGH
    assert any("only env vars" in w for w in agent.warnings)


def test_v1_enc2_key_is_decrypted_with_the_secret_key_and_rotation_keys_follow(tmp_path: Path):
    agent = load_framework(s.zeroclaw_v1(tmp_path / "zc")).agent("default")

    primary, rotation = agent.keys[OPUS]
    assert primary.secret.reveal() == s.ANTHROPIC_KEY
    assert primary.source_label == "zeroclaw config.toml api_key (enc2)"
    assert rotation.source_label == "zeroclaw config.toml reliability.api_keys[0]"
    assert agent.keys["openrouter/claude-opus-4-20250514"] == []


def test_v1_provider_env_var_beats_the_config_key_for_anthropic(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-FROMENV-" + "z" * 40)

    agent = load_framework(s.zeroclaw_v1(tmp_path / "zc")).agent("default")

    assert agent.keys[OPUS][0].source_label == "env ANTHROPIC_API_KEY (beats the config key)"
    assert any("config api_key is not used" in w for w in agent.warnings)


def test_v1_routes_and_delegate_agents(tmp_path: Path):
    report = load_framework(s.zeroclaw_v1(tmp_path / "zc"))

    route = report.agent("hint:fast")
    assert route.model_chain == ["groq/llama-3.3-70b-versatile"]
    assert route.keys["groq/llama-3.3-70b-versatile"][0].secret.reveal() == s.GROQ_KEY
    researcher = report.agent("researcher")
    assert researcher.model_chain == ["openrouter/anthropic/claude-sonnet-4-6"]
    key = researcher.keys["openrouter/anthropic/claude-sonnet-4-6"][0]
    assert key.secret.reveal() == s.OPENROUTER_KEY
    assert key.source_label == "zeroclaw config.toml [agents.researcher].api_key (enc2)"


def test_legacy_xor_enc_value_is_decrypted(tmp_path: Path):
    folder = tmp_path / "zc"
    key = s.zeroclaw_secret_key(folder)
    s.write(
        folder / "config.toml",
        f'default_provider = "groq"\ndefault_model = "llama-3.3-70b-versatile"\n'
        f'api_key = "{zeroclaw_enc_legacy(s.GROQ_KEY, key)}"\n',
    )

    agent = load_framework(folder).agent("default")

    assert agent.keys["groq/llama-3.3-70b-versatile"][0].secret.reveal() == s.GROQ_KEY


def test_missing_secret_key_reports_the_value_locked(tmp_path: Path):
    path = s.zeroclaw_v1(tmp_path / "zc")
    (path.parent / ".secret_key").unlink()

    report = load_framework(path)

    key = report.agent("default").keys[OPUS][0]
    assert key.locked and key.secret is None
    assert ".secret_key" in key.unlock_hint
    assert any(".secret_key is missing" in e for e in report.errors)


def test_secret_key_from_another_machine_does_not_decrypt(tmp_path: Path):
    path = s.zeroclaw_v1(tmp_path / "zc")
    (path.parent / ".secret_key").write_text("00" * 32)

    report = load_framework(path)

    assert report.agent("default").keys[OPUS][0].locked
    assert any("does not decrypt with this .secret_key" in e for e in report.errors)


def test_v1_docs_example_retries_inside_model_fallbacks_is_explained(tmp_path: Path):
    path = s.write(
        tmp_path / "zc" / "config.toml",
        'default_provider = "openai"\ndefault_model = "gpt-4o"\n\n[reliability]\n'
        'fallback_providers = ["anthropic"]\n\n[reliability.model_fallbacks]\n'
        '"gpt-4o" = ["gpt-4-turbo"]\n\nprovider_retries = 3\n',
    )

    report = load_framework(path)

    assert any(
        "reliability.model_fallbacks.provider_retries" in e and "belongs in [reliability]" in e
        for e in report.errors
    )
    assert report.agent("default").model_chain[:2] == ["openai/gpt-4o", "openai/gpt-4-turbo"]


def test_v2_fallback_names_the_default_provider(tmp_path: Path):
    report = load_framework(s.zeroclaw_v2(tmp_path / "zc"))

    assert report.version == "V2"
    agent = report.agent("default")
    assert agent.model_chain == ["custom:https://api.example.com/v1#gpt-4o-mini"]
    assert agent.keys[agent.primary][0].secret.reveal() == s.OPENAI_KEY
    assert any("names the DEFAULT provider" in w.message for w in report.warnings)


def test_v3_alias_chain_thinking_and_locked_1password_key(tmp_path: Path):
    report = load_framework(s.zeroclaw_v3(tmp_path / "zc"))

    assert report.version == "V3"
    agent = report.agent("default")
    assert agent.model_chain == [
        "anthropic/claude-sonnet-4-5",
        "anthropic/claude-haiku-4-5",
        "openai/gpt-4o-mini",
    ]
    assert agent.fallbacks == ["anthropic/claude-haiku-4-5", "openai/gpt-4o-mini"]
    assert agent.thinking is ThinkingLevel.XHIGH
    assert agent.keys["anthropic/claude-sonnet-4-5"][0].secret.reveal() == s.ANTHROPIC_KEY
    op = agent.keys["openai/gpt-4o-mini"][0]
    assert op.locked and op.secret is None and "op read" in op.unlock_hint
    local = report.agent("local")
    assert local.model_chain == ["custom:http://host.docker.internal:11434/v1#llama3.2"]
    assert local.thinking is ThinkingLevel.MEDIUM


def test_v3_model_route_uses_its_alias_key(tmp_path: Path):
    route = load_framework(s.zeroclaw_v3(tmp_path / "zc")).agent("hint:cheap")

    assert route.model_chain == ["anthropic/claude-haiku-4-5"]
    key = route.keys["anthropic/claude-haiku-4-5"][0]
    assert key.source_label == "zeroclaw config.toml providers.models.anthropic.home.api_key (enc2)"


def test_v3_env_override_wins_over_the_inline_key(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ZEROCLAW_providers__models__openai__work__api_key", s.OPENAI_KEY)

    agent = load_framework(s.zeroclaw_v3(tmp_path / "zc")).agent("default")

    key = agent.keys["openai/gpt-4o-mini"][0]
    assert key.secret.reveal() == s.OPENAI_KEY
    assert key.source_label == "env ZEROCLAW_providers__models__openai__work__api_key"


def test_v3_dropped_reliability_settings_are_warned(tmp_path: Path):
    path = s.zeroclaw_v3(tmp_path / "zc")
    path.write_text(path.read_text() + '\n[reliability]\nfallback_providers = ["groq"]\n')

    report = load_framework(path)

    assert any("dropped in schema V3" in w.message for w in report.warnings)


def test_v3_unknown_alias_and_missing_risk_profile_are_errors(tmp_path: Path):
    path = s.write(
        tmp_path / "zc" / "config.toml",
        'schema_version = 3\n[agents.default]\nmodel_provider = "anthropic.nope"\n',
    )

    report = load_framework(path)

    assert any("agents.default.risk_profile: required" in e for e in report.errors)
    assert any("'anthropic.nope' is not a" in e for e in report.errors)


def test_env_interpolation_syntax_is_not_supported_and_warned(tmp_path: Path):
    path = s.write(
        tmp_path / "zc" / "config.toml",
        'default_provider = "groq"\ndefault_model = "m"\napi_key = "${GROQ_API_KEY}"\n',
    )

    report = load_framework(path)

    assert any("does not interpolate ${VAR}" in w.message for w in report.warnings)
