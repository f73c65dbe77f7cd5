"""doctor --from rows: one per agent, masked keys, warnings, and live checks on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from playground.frameworks import load_framework
from playground.frameworks.doctor_rows import framework_rows, render_rows
from tests.frameworks import samples as s

GOOD_KEY = "sk-good-FAKE-" + "1" * 32
BAD_KEY = "sk-invalid-FAKE-" + "2" * 32


def _sim_project(folder: Path, sim_url: str, model: str = "echo") -> Path:
    """A PicoClaw setup on the simulator: agent ``main`` (good key), ``broken`` (rejected key,
    falling back to the good one). The bad entry names the server ``localhost`` so the two
    entries are two providers, each with its own key."""
    base = f"{sim_url}/openai/v1"
    other = base.replace("127.0.0.1", "localhost")
    config = {
        "version": 3,
        "agents": {
            "defaults": {"model_name": "good"},
            "list": [
                {"id": "main", "default": True},
                {"id": "broken", "model": {"primary": "bad", "fallbacks": ["good"]}},
            ],
        },
        "model_list": [
            {
                "model_name": "good",
                "model": f"openai/{model}",
                "api_base": base,
                "api_keys": [GOOD_KEY],
            },
            {
                "model_name": "bad",
                "model": f"openai/{model}",
                "api_base": other,
                "api_keys": [BAD_KEY],
            },
        ],
    }
    return s.write(folder / "config.json", json.dumps(config))


async def test_rows_without_live_show_chain_key_source_and_warnings(tmp_path: Path, home: Path):
    report = load_framework(s.actionllama_era_c(tmp_path / "al", home))

    rows = await framework_rows(report, live=False, client=None, timeout=1.0)

    reviewer = next(r for r in rows if r["agent"] == "reviewer")
    assert reviewer["framework"] == "actionllama"
    assert reviewer["model"] == "anthropic/claude-sonnet-4-20250514"
    assert reviewer["model_chain"][1:] == ["openai/gpt-4o", "anthropic/claude-haiku-4-5-20251001"]
    assert reviewer["provider"] == "anthropic"
    assert reviewer["key_source"] == "actionllama credentials/anthropic_key/default/token"
    assert reviewer["key"] == "sk-ant-…aaAA"
    assert reviewer["live"] is None
    assert any("Anthropic-only" in w for w in reviewer["warnings"])
    assert s.ANTHROPIC_KEY not in json.dumps(rows)


async def test_locked_key_row_shows_the_unlock_hint_and_skips_the_live_check(tmp_path, home):
    report = load_framework(s.picoclaw_v3(tmp_path / "pc", home))

    async with httpx.AsyncClient() as client:
        rows = await framework_rows(report, live=True, client=client, timeout=1.0)

    sales = next(r for r in rows if r["agent"] == "sales")
    assert sales["locked"] is True
    assert sales["key"] is None
    assert "PICOCLAW_KEY_PASSPHRASE" in sales["unlock_hint"]
    assert sales["live"]["status"] == "skipped"


async def test_live_check_reports_ok_and_unauthorized_per_agent(tmp_path: Path, sim_url: str):
    report = load_framework(_sim_project(tmp_path / "pc", sim_url))

    async with httpx.AsyncClient() as client:
        rows = await framework_rows(report, live=True, client=client, timeout=5.0)

    by_agent = {r["agent"]: r for r in rows}
    assert by_agent["main"]["live"]["status"] == "ok"
    assert by_agent["main"]["latency_ms"] is not None
    assert by_agent["broken"]["live"]["status"] == "unauthorized"
    assert by_agent["broken"]["live"]["http_status"] == 401
    assert by_agent["broken"]["model_chain"] == [
        f"custom:{sim_url.replace('127.0.0.1', 'localhost')}/openai/v1#echo",
        f"custom:{sim_url}/openai/v1#echo",
    ]
    text = json.dumps(rows) + render_rows(rows)
    assert GOOD_KEY not in text and BAD_KEY not in text


async def test_live_check_with_its_own_client(tmp_path: Path, sim_url: str):
    report = load_framework(_sim_project(tmp_path / "pc", sim_url))

    rows = await framework_rows(report, live=True, timeout=5.0)

    assert [r["live"]["status"] for r in rows] == ["ok", "unauthorized"]


async def test_render_rows_lists_agents_with_hints_and_warnings(tmp_path: Path, home: Path):
    report = load_framework(s.picoclaw_v3(tmp_path / "pc", home))

    text = render_rows(await framework_rows(report, live=False))

    assert "picoclaw:main  openai/gpt-5.4 → anthropic/claude-sonnet-4.6  key sk-proj…cccc" in text
    assert "unlock: encrypted (enc://)" in text
    assert "! 2 keys on 'gpt-5.4'" in text
