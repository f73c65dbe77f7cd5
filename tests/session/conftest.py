"""Fixtures for session tests: a capture server and configs pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.replay import ReplayServer


@pytest.fixture(scope="session")
def capture_server() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def capture(capture_server: ReplayServer) -> Iterator[ReplayServer]:
    capture_server.reset()
    yield capture_server
    capture_server.reset()


@pytest.fixture
def sim_env(sim_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    return sim_url
