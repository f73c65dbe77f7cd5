"""Fixtures for the app tests: the simulated provider, an isolated app, a polling helper."""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from playground.config.schema import Config, ReliabilityConfig
from playground.tui.app import PlaygroundApp
from playground.tui.startup import AppOptions


class SteppingClock:
    """A deterministic clock: every reading is ``step`` seconds after the previous one."""

    def __init__(self, start: float = 1000.0, step: float = 0.05) -> None:
        self._counter = itertools.count()
        self.start = start
        self.step = step

    def __call__(self) -> float:
        return self.start + next(self._counter) * self.step


async def wait_until(pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``predicate()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await pilot.pause(0.02)
    await pilot.pause()


def fast_reliability() -> ReliabilityConfig:
    """Retries and backoff short enough for tests."""
    return ReliabilityConfig(retries=1, backoff_base_s=0.01, backoff_max_s=0.02, cooldown_s=0.0)


@pytest.fixture(autouse=True)
def unfrozen_gc() -> Iterator[None]:
    """The app freezes long-lived objects for the garbage collector while streaming; give
    every other test in the process a normal collector back."""
    yield
    gc.unfreeze()


@pytest.fixture
def sim_env(sim_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at the test session's simulator thread (no subprocess)."""
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    return sim_url


@pytest.fixture
def make_app(sim_env: str, tmp_path: Path) -> Iterator[Callable[..., PlaygroundApp]]:
    """Build an isolated app: no autosave unless asked, a deterministic clock, fast retries."""

    def build(
        models: list[str] | None = None,
        *,
        config: Config | None = None,
        persist: bool = False,
        resume: bool = False,
        clock: Callable[[], float] | None = None,
    ) -> PlaygroundApp:
        config = config or Config(reliability=fast_reliability())
        options = AppOptions(
            models=list(models or []),
            persist=persist,
            resume=resume,
            sessions_dir=tmp_path / "sessions",
        )
        app = PlaygroundApp(options, config=config, clock=clock or SteppingClock())
        app.animation_level = "none"
        return app

    yield build
