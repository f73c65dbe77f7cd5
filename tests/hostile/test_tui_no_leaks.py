"""The app pointed at hostile servers through a config file: no full secret on any screen
(panes, fallback timeline, credential panel), in the autosaved session or in its export."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from playground.config.loader import load_config
from playground.session import PaneStatus
from playground.session.export import session_markdown
from playground.tui.app import PlaygroundApp
from playground.tui.screens.credentials import CredentialPanel
from playground.tui.startup import AppOptions
from playground.tui.widgets.prompt_input import PromptInput
from tests.hostile.conftest import RELIABILITY, provider_toml, secrets_in
from tests.hostile.server import HostileServer


@pytest.fixture(autouse=True)
def unfrozen_gc() -> Iterator[None]:
    """The app freezes objects for the collector while streaming; undo it for other tests."""
    yield
    gc.unfreeze()


async def _wait_until(pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"condition not reached within {timeout} s"
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.usefixtures("hostile_keys")
async def test_the_app_never_shows_or_stores_an_echoed_key(
    hostile: HostileServer, tmp_path: Path
) -> None:
    basic = hostile.url.replace("http://", "http://user:hunter2-Basic-Pw7x9q@")
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        provider_toml("openai", f"{hostile.url}/echo-401/openai/v1", rotate=True)
        + provider_toml("anthropic", f"{basic}/in-stream/anthropic")
        + provider_toml("gemini", f"{hostile.url}/redirect/gemini")
        + provider_toml("ollama", f"{hostile.url}/in-stream/ollama")
        + RELIABILITY,
        encoding="utf-8",
    )
    config, _ = load_config(config_file)
    models = ["h-openai/m", "h-anthropic/m", "h-gemini/m", "h-ollama/m"]
    options = AppOptions(models=models, persist=True, sessions_dir=tmp_path / "sessions")
    app = PlaygroundApp(options, config=config)
    app.animation_level = "none"
    screens: list[str] = []
    async with app.run_test(size=(200, 50)) as pilot:
        await _wait_until(pilot, lambda: len(app.chat_panes) == len(models))
        prompt = app.query_one(PromptInput)
        prompt.focus()
        prompt.load_text("hello")
        await pilot.press("enter")
        await _wait_until(
            pilot,
            lambda: all(v.pane.metrics.status is PaneStatus.FAILED for v in app.chat_panes),
        )
        screens.append(app.export_screenshot())
        await pilot.press("ctrl+t")  # the fallback timeline: attempts, key rotation, reasons
        await pilot.pause()
        screens.append(app.export_screenshot())
        await pilot.press("ctrl+t")
        await pilot.press("f2")
        await _wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await pilot.press("a")  # live-check every provider against the hostile server
        await pilot.pause(1.0)
        screens.append(app.export_screenshot())
        await pilot.press("escape")
        exported = session_markdown(app.session.to_dict())
    autosaved = [p.read_text() for p in (tmp_path / "sessions").rglob("*") if p.is_file()]
    assert autosaved, "the session was autosaved"
    assert "Incorrect API key provided" in exported  # the provider's words are kept…
    assert "not followed" in exported
    for text in [*screens, *autosaved, exported]:
        assert secrets_in(text) == []  # …with every key, rotated key and password masked
