"""Helpers for ``playground ask`` tests: run the command in-process and parse its output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from playground.cli import main
from tests.adapters.replay import ReplayServer


@dataclass
class AskResult:
    """Exit code, stdout, stderr and (for ``--json``) the parsed event lines."""

    code: int
    out: str
    err: str

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def of_type(self, kind: str, pane: int | None = None) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind and (pane is None or e["pane"] == pane)]

    def text(self, pane: int = 0) -> str:
        return "".join(e["text"] for e in self.of_type("text", pane))


@pytest.fixture
def ask(capsys: pytest.CaptureFixture[str]):
    """Run ``playground ask ARGS`` in-process."""

    def run(*args: str) -> AskResult:
        code = main(["ask", *args])
        captured = capsys.readouterr()
        return AskResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def capture_server() -> Iterator[ReplayServer]:
    """A loopback server that records each request and answers with a queued reply."""
    with ReplayServer() as server:
        yield server


@pytest.fixture
def capture(capture_server: ReplayServer) -> Iterator[ReplayServer]:
    capture_server.reset()
    yield capture_server
    capture_server.reset()


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a config file and return its path."""

    def write(text: str) -> str:
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def sim_env(sim_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the built-in ``sim*`` providers at the test session's simulator."""
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    return sim_url


_runs = iter(range(1, 1_000_000))


def sim_model(provider: str, name: str, **params: object) -> str:
    """A fast simulated model id (``tps=0``) with a fresh ``fail_times`` counter."""
    query = {"tps": 0, "ttft_ms": 0, **params}
    if "fail" in params:
        query["run"] = f"t{next(_runs)}-{id(query)}"
    return f"{provider}/{name}?" + "&".join(f"{k}={v}" for k, v in query.items())
