"""Arawn classic (layered config, profile resolution, key chain) and the rewrite format."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from playground.frameworks import load_framework
from tests.frameworks import samples as s


def test_classic_profiles_resolve_per_agent_with_layering(tmp_path: Path, home: Path):
    project = s.arawn_classic(tmp_path / "proj", home)

    report = load_framework(project)

    assert report.framework == "arawn"
    assert report.version == "classic"
    assert report.errors == []
    assert report.agent("default").model_chain == ["anthropic/claude-sonnet-4-20250514"]
    assert report.agent("default").retries == 3
    summarizer = report.agent("summarizer")
    assert summarizer.model_chain == ["groq/llama-3.3-70b-versatile"]
    assert summarizer.retries == 5
    assert summarizer.fallbacks == []
    key = summarizer.keys["groq/llama-3.3-70b-versatile"][0]
    assert key.source_label == "arawn config.toml llm.fast.api_key"
    assert any("plain text" in w for w in summarizer.warnings)
    assert report.agent("coder").model_chain == ["custom:http://127.0.0.1:8080/v1#qwen3"]


def test_age_store_is_reported_locked_and_env_key_follows(tmp_path, home, monkeypatch):
    project = s.arawn_classic(tmp_path / "proj", home)
    s.write(home / ".config/arawn/secrets.age", "age-encryption.org/v1\n-> X25519 FAKE\n")
    s.write(home / ".config/arawn/identity.age", "AGE-SECRET-KEY-1FAKE\n")
    monkeypatch.setenv("ANTHROPIC_API_KEY", s.ANTHROPIC_KEY)

    keys = load_framework(project).agent("default").keys["anthropic/claude-sonnet-4-20250514"]

    assert [k.source_label for k in keys] == [
        "arawn secrets.age (anthropic_api_key)",
        "env ANTHROPIC_API_KEY",
    ]
    assert keys[0].locked and keys[0].secret is None
    assert "age -d -i" in keys[0].unlock_hint
    assert keys[1].secret.reveal() == s.ANTHROPIC_KEY


def test_ignored_docs_sections_are_warned(tmp_path: Path, home: Path):
    report = load_framework(s.arawn_classic(tmp_path / "proj", home))

    assert any("[backends.*]" in w.message for w in report.warnings)


def test_missing_profile_is_an_error_like_llm_not_found(tmp_path: Path, home: Path):
    project = tmp_path / "p"
    s.write(project / "arawn.toml", '[agent.default]\nllm = "claude"\n')

    report = load_framework(project)

    assert any(
        "agent.default.llm" in e and "'claude'" in e and "LlmNotFound" in e for e in report.errors
    )


def test_unknown_backend_names_file_and_field(tmp_path: Path):
    path = s.write(tmp_path / "arawn.toml", '[llm]\nbackend = "gemini"\nmodel = "x"\n')

    report = load_framework(path)

    assert any(
        str(path) in e and "llm.backend: unknown backend 'gemini'" in e for e in report.errors
    )


@pytest.mark.parametrize("forced", [None, "arawn"])
def test_rewrite_format_reads_engine_and_profiles(tmp_path: Path, monkeypatch, forced):
    path = s.arawn_rewrite(tmp_path / "data")
    monkeypatch.setenv("GROQ_API_KEY", s.GROQ_KEY)

    report = load_framework(path, framework=forced)

    assert report.version == "rewrite (colliery-io)"
    engine = report.agent("engine")
    assert engine.model_chain == ["groq/openai/gpt-oss-20b"]
    assert engine.keys["groq/openai/gpt-oss-20b"][0].source_label == "env GROQ_API_KEY"
    compactor = report.agent("compactor")
    assert compactor.model_chain == ["openai/gpt-4o-mini"]
    assert (
        compactor.keys["openai/gpt-4o-mini"][0].source_label == "arawn arawn.toml llm.small.api_key"
    )


class _MemoryKeyring(KeyringBackend):
    """An in-memory keyring holding Arawn's legacy entries."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, entries: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.entries = entries

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("readers must never write to a keyring")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError("readers must never write to a keyring")


@pytest.fixture
def legacy_keyring():
    """Install an in-memory keyring; restore the previous backend afterwards."""
    previous = keyring.get_keyring()
    backend = _MemoryKeyring({})
    keyring.set_keyring(backend)
    yield backend.entries
    keyring.set_keyring(previous)


def test_keyring_entry_with_the_old_doubled_name_is_found_and_flagged(tmp_path, legacy_keyring):
    legacy_keyring[("arawn", "anthropic_api_key_api_key")] = s.ANTHROPIC_KEY
    path = s.write(tmp_path / "arawn.toml", '[llm]\nbackend = "anthropic"\nmodel = "claude"\n')

    agent = load_framework(path).agent("default")

    (key,) = agent.keys["anthropic/claude"]
    assert key.secret.reveal() == s.ANTHROPIC_KEY
    assert key.source_label == "arawn keyring arawn/anthropic_api_key_api_key"
    assert any("keyring" in w and "off since 2026-03-02" in w for w in agent.warnings)


def test_user_config_folder_is_recognised(home: Path, tmp_path: Path):
    s.arawn_classic(tmp_path / "proj", home)
    folder = home / ".config" / "arawn"

    report = load_framework(folder)

    assert report.framework == "arawn"
    assert [a.name for a in report.agents] == ["default"]  # agents live in the project file
    assert report.agent("default").model_chain == ["anthropic/claude-sonnet-4-20250514"]


def test_documented_but_unread_env_var_is_warned(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ARAWN_CONFIG", str(tmp_path / "elsewhere.toml"))
    path = s.write(tmp_path / "arawn.toml", '[llm]\nbackend = "groq"\nmodel = "m"\n')

    report = load_framework(path)

    assert any(
        "ARAWN_CONFIG" in w.message and "never reads it" in w.message for w in report.warnings
    )


# verbatim, docs/src/configuration/backends.md@a37e7eca (excerpt); the snippet's `llm = "claude"`
# names a profile it does not define, which Arawn refuses (LlmNotFound)
_BACKENDS_DOC = """
[llm.fast]
backend = "groq"
model = "llama-3.3-70b-versatile"
max_context_tokens = 32768

[agent.default]
llm = "claude"

[memory.indexing]
backend = "openai"
model = "gpt-4o-mini"
"""


def test_memory_indexing_backend_is_the_indexers_backend(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OPENAI_API_KEY", s.OPENAI_KEY)
    project = tmp_path / "proj"
    s.write(project / "arawn.toml", _BACKENDS_DOC)

    report = load_framework(project)

    default = report.agent("default")
    assert any("'claude' is not defined" in e for e in default.errors)
    (side,) = default.side_models
    assert (side.purpose, side.spec) == ("memory indexing", "openai/gpt-4o-mini")
    assert [k.source_label for k in side.keys] == ["env OPENAI_API_KEY"]
    assert not any("read as a profile name" in w for w in default.warnings)
    assert any("the docs call it the indexer's backend" in w for w in default.warnings)


def test_memory_indexing_backend_naming_a_profile_uses_that_profile(tmp_path: Path, home: Path):
    project = tmp_path / "proj"
    s.write(
        project / "arawn.toml",
        '[llm]\nbackend = "anthropic"\nmodel = "claude-sonnet-4-20250514"\n\n'
        '[llm.fast]\nbackend = "groq"\nmodel = "llama-3.3-70b-versatile"\n'
        f'api_key = "{s.GROQ_KEY}"\n\n'
        '[memory.indexing]\nbackend = "fast"\n',
    )

    default = load_framework(project).agent("default")

    (side,) = default.side_models
    assert side.spec == "groq/llama-3.3-70b-versatile"
    assert side.keys[0].secret.reveal() == s.GROQ_KEY
    assert not any("indexer's backend" in w for w in default.warnings)
