"""Action Llama: eras A/B/C, credential files, pi auth, docs-vs-code warnings."""

from __future__ import annotations

import json
from pathlib import Path

from playground.endpoint import AuthKind
from playground.frameworks import load_framework
from playground.request import ThinkingLevel
from tests.frameworks import samples as s


def test_era_c_agents_have_their_model_chain_keys_and_fallbacks(tmp_path: Path, home: Path):
    project = s.actionllama_era_c(tmp_path / "proj", home)

    report = load_framework(project)

    assert report.framework == "actionllama"
    assert report.version == "era C"
    assert report.errors == []
    reviewer = report.agent("reviewer")
    assert reviewer.model_chain == [
        "anthropic/claude-sonnet-4-20250514",
        "openai/gpt-4o",
        "anthropic/claude-haiku-4-5-20251001",
    ]
    assert reviewer.fallbacks == ["gpt4o", "haiku"]
    assert reviewer.thinking is ThinkingLevel.MEDIUM
    first = reviewer.keys["anthropic/claude-sonnet-4-20250514"][0]
    assert first.secret.reveal() == s.ANTHROPIC_KEY
    assert first.source_label == "actionllama credentials/anthropic_key/default/token"
    second = reviewer.keys["openai/gpt-4o"][0]
    assert second.source_label == "actionllama credentials/openai_key/default/token"


def test_thinking_level_on_a_non_anthropic_model_is_flagged(tmp_path: Path, home: Path):
    report = load_framework(s.actionllama_era_c(tmp_path / "proj", home))

    triage = report.agent("triage")
    assert triage.thinking is ThinkingLevel.HIGH
    assert any("Anthropic-only" in w and "every provider" in w for w in triage.warnings)


def test_named_instance_for_a_provider_key_is_flagged_as_never_used(tmp_path: Path, home: Path):
    report = load_framework(s.actionllama_era_c(tmp_path / "proj", home))

    assert any("'work' is never used" in w for w in report.agent("triage").warnings)


def test_era_a_agent_model_replaces_the_global_one(tmp_path: Path, home: Path):
    report = load_framework(s.actionllama_era_a(tmp_path / "old"))

    assert report.version == "era A"
    assert report.agent("dev").model_chain == ["anthropic/claude-sonnet-4-20250514"]
    assert report.agent("dev").thinking is ThinkingLevel.MEDIUM
    ops = report.agent("ops")
    assert ops.model_chain == ["groq/llama-3.3-70b-versatile"]
    assert ops.fallbacks == []
    assert ops.thinking is None  # wholesale replacement: the global thinkingLevel is not merged
    assert any("wholesale" in w for w in ops.warnings)


def test_era_b_reads_skill_front_matter(tmp_path: Path, home: Path):
    report = load_framework(s.actionllama_era_b(tmp_path / "mid"))

    assert report.version == "era B"
    solver = report.agent("solver")
    assert solver.model_chain == [
        "anthropic/claude-sonnet-4-20250514",
        "anthropic/claude-haiku-4-5-20251001",
    ]
    assert solver.source == "agents/solver/SKILL.md metadata.models"


def test_oauth_token_in_the_credential_file_is_sent_as_bearer(tmp_path: Path, home: Path):
    project = s.actionllama_era_c(tmp_path / "proj", home)
    s.write(
        home / ".action-llama/credentials/anthropic_key/default/token", s.ANTHROPIC_OAUTH + "\n"
    )

    key = load_framework(project).agent("reviewer").keys["anthropic/claude-sonnet-4-20250514"][0]

    assert key.auth_kind is AuthKind.OAUTH_TOKEN


def test_pi_auth_command_is_reported_and_never_run(tmp_path: Path, home: Path):
    project = s.actionllama_era_a(tmp_path / "old")
    marker = tmp_path / "ran"
    s.write(
        home / ".pi/agent/auth.json",
        json.dumps({"groq": {"type": "api_key", "key": f"!touch {marker}"}}),
    )

    report = load_framework(project)

    key = report.agent("ops").keys["groq/llama-3.3-70b-versatile"][0]
    assert key.secret is None and key.locked
    assert "never runs" in key.unlock_hint
    assert not marker.exists()


def test_pi_auth_env_var_name_is_read_from_the_environment(tmp_path, home, monkeypatch):
    project = s.actionllama_era_a(tmp_path / "old")
    s.write(
        home / ".pi/agent/auth.json", json.dumps({"groq": {"type": "api_key", "key": "MY_GROQ"}})
    )
    monkeypatch.setenv("MY_GROQ", s.GROQ_KEY)

    key = load_framework(project).agent("ops").keys["groq/llama-3.3-70b-versatile"][0]

    assert key.secret.reveal() == s.GROQ_KEY
    assert key.source_label == "env MY_GROQ (via pi auth.json)"


def test_missing_model_name_and_unknown_keys_are_errors_naming_file_and_field(tmp_path, home):
    project = s.actionllama_era_c(tmp_path / "proj", home)
    s.write(
        project / "agents/reviewer/config.toml",
        'models = ["sonnet", "opus"]\nschedule = "* * * * *"\nretries = 3\n',
    )

    report = load_framework(project)

    config = str(project / "agents/reviewer/config.toml")
    assert any(config in e and "retries: unknown key" in e for e in report.errors)
    assert any("'opus' is not defined as [models.opus]" in e for e in report.errors)
    assert report.agent("reviewer").model_chain == ["anthropic/claude-sonnet-4-20250514"]


def test_container_secret_env_var_is_used_when_no_credential_file(tmp_path, home, monkeypatch):
    project = s.actionllama_era_a(tmp_path / "old")
    monkeypatch.setenv("AL_SECRET_groq_key__default__token", s.GROQ_KEY)

    key = load_framework(project).agent("ops").keys["groq/llama-3.3-70b-versatile"][0]

    assert key.secret.reveal() == s.GROQ_KEY
    assert key.source_label == "env AL_SECRET_groq_key__default__token"


def test_env_toml_selects_an_environment_file_merged_over_config(tmp_path, home, monkeypatch):
    project = s.actionllama_era_c(tmp_path / "proj", home)
    s.write(project / ".env.toml", 'environment = "prod"\nprojectName = "demo"\n')
    s.write(
        home / ".action-llama/environments/prod.toml",
        '[models.sonnet]\nmodel = "claude-opus-4-20250514"\n',
    )

    reviewer = load_framework(project).agent("reviewer")

    assert reviewer.model_chain[0] == "anthropic/claude-opus-4-20250514"
    assert reviewer.thinking is ThinkingLevel.MEDIUM  # deep merge keeps the other fields

    monkeypatch.setenv("AL_ENV", "staging")
    report = load_framework(project)
    staging = home / ".action-llama/environments/staging.toml"
    assert f"{staging}: file not found" in report.errors
