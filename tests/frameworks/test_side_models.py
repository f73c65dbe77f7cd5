"""Models an agent depends on besides chat — voice, embeddings, memory — as their own rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.frameworks import load_framework
from playground.frameworks.doctor_rows import framework_rows, render_rows
from tests.frameworks import samples as s

GOOD_KEY = "sk-good-SIDE-" + "1" * 32
BAD_KEY = "sk-invalid-SIDE-" + "2" * 32


def _rows_by_purpose(rows: list[dict], agent: str = "main") -> dict[str, dict]:
    return {row["purpose"]: row for row in rows if row["agent"] == agent}


# ------------------------------------------------------------------ PicoClaw voice


async def test_picoclaw_voice_model_name_is_a_voice_row_with_its_key(tmp_path: Path, home: Path):
    # verbatim, docs/guides/providers.md "Voice Transcription"
    config = {
        "model_list": [
            {
                "model_name": "voice-gemini",
                "provider": "gemini",
                "model": "gemini-2.5-flash",
                "api_keys": ["your-gemini-key"],
            }
        ],
        "voice": {"model_name": "voice-gemini", "echo_transcription": False},
        "providers": {"groq": {"api_key": "gsk_xxx"}},
        "agents": {"defaults": {"model_name": "voice-gemini"}},
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    rows = await framework_rows(load_framework(path), live=False)

    voice = _rows_by_purpose(rows)["voice"]
    assert voice["model"] == "gemini/gemini-2.5-flash"
    assert voice["key_source"] == "picoclaw config.json model_list[voice-gemini].api_keys[0]"
    assert voice["key"] != "your-gemini-key" and "your-gemini-key" not in json.dumps(rows)
    assert "picoclaw:main [voice]  gemini/gemini-2.5-flash" in render_rows(rows)


async def test_picoclaw_without_voice_model_falls_back_to_groq_whisper(tmp_path: Path, home: Path):
    config = {
        "model_list": [{"model_name": "gpt", "model": "openai/gpt-5.4", "api_keys": ["sk-x"]}],
        "providers": {"groq": {"api_key": s.GROQ_KEY}},
        "agents": {"defaults": {"model_name": "gpt"}},
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    voice = _rows_by_purpose(await framework_rows(load_framework(path), live=False))["voice"]

    assert voice["model"] == "groq/whisper-large-v3"
    assert voice["key_source"] == "picoclaw config.json providers.groq.api_key"


async def test_picoclaw_tts_model_is_a_speech_row(tmp_path: Path, home: Path):
    # verbatim, docs/guides/providers.md "Voice Synthesis"
    config = {
        "model_list": [
            {
                "model_name": "mai-voice-2",
                "provider": "openrouter",
                "model": "microsoft/mai-voice-2",
                "api_base": "https://openrouter.ai/api/v1",
                "extra_body": {"voice": "en-US-Harper:MAI-Voice-2", "response_format": "mp3"},
                "api_keys": ["sk-or-your-openrouter-key"],
            }
        ],
        "voice": {"tts_model_name": "mai-voice-2"},
        "agents": {"defaults": {"model_name": "mai-voice-2"}},
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    rows = _rows_by_purpose(await framework_rows(load_framework(path), live=False))

    assert rows["speech"]["model"] == "openrouter/microsoft/mai-voice-2"
    assert "voice" not in rows  # no transcription model and no Groq key


async def test_voice_row_gets_its_own_live_check(tmp_path: Path, sim_url: str):
    base = f"{sim_url}/openai/v1"
    config = {
        "version": 3,
        "model_list": [
            {
                "model_name": "chat",
                "model": "openai/echo",
                "api_base": base,
                "api_keys": [GOOD_KEY],
            },
            {
                "model_name": "ears",
                "model": "openai/echo",
                "api_base": base.replace("127.0.0.1", "localhost"),
                "api_keys": [BAD_KEY],
            },
        ],
        "voice": {"model_name": "ears"},
        "agents": {"defaults": {"model_name": "chat"}},
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    rows = _rows_by_purpose(await framework_rows(load_framework(path), live=True, timeout=5.0))

    assert rows["chat"]["live"]["status"] == "ok"
    assert rows["voice"]["live"]["status"] == "unauthorized"


def test_unknown_voice_model_is_an_error(tmp_path: Path, home: Path):
    config = {
        "version": 3,
        "model_list": [{"model_name": "gpt", "model": "openai/gpt-5.4"}],
        "voice": {"model_name": "whisper"},
        "agents": {"defaults": {"model_name": "gpt"}},
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    report = load_framework(path)

    assert report.errors == [
        f"{path}: voice.model_name: 'whisper' is not a model_name in model_list"
    ]


# ------------------------------------------------------------------ Arawn [embedding]


def test_arawn_openai_embedding_row_key_order(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
):
    # the reference's [embedding] shape (§3.A), config api_key first, then OPENAI_API_KEY
    monkeypatch.setenv("OPENAI_API_KEY", s.OPENAI_KEY)
    project = tmp_path / "proj"
    s.write(
        project / "arawn.toml",
        '[llm]\nbackend = "groq"\nmodel = "openai/gpt-oss-20b"\n\n'
        '[embedding]\nprovider = "openai"\n[embedding.openai]\n'
        f'model = "text-embedding-3-small"\napi_key = "{s.OPENAI_KEY_2}"\n',
    )

    (side,) = load_framework(project).agent("default").side_models

    assert (side.purpose, side.spec) == ("embeddings", "openai/text-embedding-3-small")
    assert [k.source_label for k in side.keys] == [
        "arawn arawn.toml embedding.openai.api_key",
        "env OPENAI_API_KEY",
    ]
    assert side.keys[0].secret.reveal() == s.OPENAI_KEY_2


async def test_arawn_local_embedding_row_says_there_is_nothing_to_check(tmp_path: Path, home: Path):
    project = tmp_path / "proj"
    s.write(
        project / "arawn.toml",
        '[llm]\nbackend = "groq"\nmodel = "openai/gpt-oss-20b"\n\n'
        '[embedding]\nprovider = "local"\n',
    )

    rows = await framework_rows(load_framework(project), live=True, timeout=1.0)

    emb = _rows_by_purpose(rows, "default")["embeddings"]
    assert emb["model"] == "local" and emb["live"]["status"] == "skipped"
    assert "no provider, no key" in emb["live"]["message"]


async def test_arawn_embedding_on_a_server_is_checked_live(tmp_path: Path, sim_url: str):
    project = tmp_path / "proj"
    s.write(
        project / "arawn.toml",
        f'[llm]\nbackend = "custom"\nmodel = "echo"\nbase_url = "{sim_url}/openai/v1"\n'
        f'api_key = "{GOOD_KEY}"\n\n'
        '[embedding]\nprovider = "openai"\n[embedding.openai]\nmodel = "echo"\n'
        f'base_url = "{sim_url}/openai/v1"\napi_key = "{GOOD_KEY}"\n',
    )

    rows = await framework_rows(load_framework(project), live=True, timeout=5.0)

    assert _rows_by_purpose(rows, "default")["embeddings"]["live"]["status"] == "ok"


# ------------------------------------------------------------------ DjinnBot memory search


def test_djinnbot_memory_search_rows_from_qmd_settings(tmp_path: Path):
    root = s.djinnbot_install(tmp_path / "d")
    s.write(
        root / ".env",
        f"OPENROUTER_API_KEY={s.OPENROUTER_KEY}\n"
        "QMD_OPENAI_EMBED_MODEL=openai/text-embedding-3-small\n"
        "QMD_OPENAI_MODEL=openai/gpt-4o-mini\n",
    )
    # the stock compose: OPENROUTER_API_KEY, and QMD_OPENAI_API_KEY bridged from it
    s.write(
        root / "docker-compose.yml",
        "services:\n  engine:\n    environment:\n"
        "      - OPENROUTER_API_KEY=${OPENROUTER_API_KEY}\n"
        "      - QMD_OPENAI_API_KEY=${OPENROUTER_API_KEY}\n",
    )

    report = load_framework(root)

    sides = {m.purpose: m for m in report.agent("finn").side_models}
    assert sides["embeddings"].spec == "openrouter/openai/text-embedding-3-small"
    assert sides["memory rerank"].spec == "openrouter/openai/gpt-4o-mini"
    (key,) = sides["embeddings"].keys
    assert key.secret.reveal() == s.OPENROUTER_KEY
    assert "passes it as QMD_OPENAI_API_KEY" in key.source_label
    assert any(
        "QMD_OPENAI_EMBED_MODEL is in .env but docker-compose.yml does not pass it" in w.message
        for w in report.warnings
    )


def test_djinnbot_memory_search_on_its_own_endpoint(tmp_path: Path):
    root = s.djinnbot_install(tmp_path / "d")
    s.write(
        root / ".env",
        f"OPENROUTER_API_KEY={s.OPENROUTER_KEY}\nQMD_OPENAI_API_KEY={s.OPENAI_KEY}\n"
        "QMD_OPENAI_BASE_URL=http://127.0.0.1:11434/v1\nQMD_OPENAI_EMBED_MODEL=nomic-embed-text\n",
    )

    sides = load_framework(root).agent("eric").side_models
    (emb,) = [m for m in sides if m.purpose == "embeddings"]

    assert emb.spec == "custom:http://127.0.0.1:11434/v1#nomic-embed-text"
    assert emb.keys[0].source_label == "djinnbot .env QMD_OPENAI_API_KEY"


def test_djinnbot_without_memory_search_settings_has_no_memory_rows(tmp_path: Path):
    report = load_framework(s.djinnbot_install(tmp_path / "d"))

    purposes = {m.purpose for agent in report.agents for m in agent.side_models}
    assert not purposes & {"embeddings", "memory rerank"}
