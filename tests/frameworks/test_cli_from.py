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
