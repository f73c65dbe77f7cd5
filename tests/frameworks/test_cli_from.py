"""End to end: ``playground ask --from PATH -m AGENT`` streams through the agent's chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.cli import main
from tests.frameworks.test_doctor_rows import _sim_project


def _events(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_ask_from_streams_from_the_agents_model(tmp_path: Path, sim_url: str, capsys):
    project = _sim_project(tmp_path / "pc", sim_url, model="echo?tps=0&ttft_ms=0")

    code = main(["ask", "--from", str(project), "-m", "main", "--json", "hello agents"])

    events = _events(capsys.readouterr().out)
    assert code == 0
    assert "".join(e["text"] for e in events if e["type"] == "text") == "hello agents"


def test_ask_from_falls_back_when_the_agents_primary_key_is_rejected(
    tmp_path: Path, sim_url: str, capsys: pytest.CaptureFixture[str]
):
    project = _sim_project(tmp_path / "pc", sim_url, model="echo?tps=0&ttft_ms=0")

    code = main(["ask", "--from", str(project), "-m", "broken", "--json", "hi"])

    events = _events(capsys.readouterr().out)
    assert code == 0
    assert any(e["type"] == "fallback" for e in events)
    done = next(e for e in events if e["type"] == "done")
    assert "sk-invalid" not in json.dumps(events)
    assert done["answered_by"]


def test_ask_from_an_agent_whose_model_lives_in_a_dashboard_says_why(tmp_path: Path, capsys):
    root = tmp_path / "d"
    (root / "agents" / "yuki").mkdir(parents=True)
    (root / "agents" / "yuki" / "config.yml").write_text("model: custom-ollama/llama3.3\n")
    (root / ".env").write_text("OPENROUTER_API_KEY=x\n")

    code = main(["ask", "--from", str(root), "-m", "yuki", "hi"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "agent yuki has no model Playground can reach" in err
    assert "CUSTOM_OLLAMA_BASE_URL" in err
