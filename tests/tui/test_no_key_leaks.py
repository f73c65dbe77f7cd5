"""Secrets never leak from the app: screens, timeline, exports, autosave and logs show only
masked keys, even when a provider rejects a key and the credential panel checks it live."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from textual.widgets import Input

from playground.config.schema import Config, ProviderConfig
from playground.session import PaneStatus
from playground.tui.screens.credentials import CredentialPanel
from playground.tui.screens.export import ExportDialog
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import fast_reliability, wait_until

GOOD_KEY = "sk-proj-" + "Q7" * 30 + "T3BlbkFJ" + "w" * 12
BAD_KEY = "gsk_invalid" + "Z9" * 20 + "rest"  # the simulator rejects keys containing "invalid"


def _fragments(key: str) -> list[str]:
    """The key and every 16-character slice of it: none may appear anywhere."""
    return [key] + [key[i : i + 16] for i in range(0, len(key) - 16, 4)]


@pytest.mark.usefixtures("sim_env")
async def test_app_screens_exports_autosave_and_logs_never_show_a_full_key(
    make_app, sim_env: str, tmp_path: Path, monkeypatch, caplog, capsys
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OPENAI_API_KEY", GOOD_KEY)
    monkeypatch.setenv("GROQ_API_KEY", BAD_KEY)
    config = Config(
        reliability=fast_reliability(),
        providers={
            "openai": ProviderConfig(base_url=f"{sim_env}/openai/v1"),
            "groq": ProviderConfig(base_url=f"{sim_env}/openai/v1"),
        },
    )
    app = make_app(
        ["openai/echo?tps=0&ttft_ms=0", "groq/echo?tps=0&ttft_ms=0"], config=config, persist=True
    )
    screens: list[str] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        prompt = app.query_one(PromptInput)
        prompt.focus()
        prompt.load_text("say something")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: all(
                v.pane.metrics.status in (PaneStatus.DONE, PaneStatus.FAILED)
                for v in app.chat_panes
            ),
        )
        assert app.chat_panes[1].pane.metrics.status is PaneStatus.FAILED  # the rejected key
        await pilot.press("ctrl+t")  # the fallback timeline shows attempts with masked keys
        await pilot.pause()
        screens.append(app.export_screenshot())
        await pilot.press("ctrl+t")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await pilot.press("a")  # live-check everything
        await pilot.pause(1.0)
        screens.append(app.export_screenshot())
        await pilot.press("escape")
        for fmt, name in (("md", "out.md"), ("json", "out.json")):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
            if fmt == "json":
                await pilot.click("#fmt-json")
            app.screen.query_one("#export-path", Input).value = str(tmp_path / name)
            await pilot.click("#export")
            await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))
    exports = [(tmp_path / "out.md").read_text(), (tmp_path / "out.json").read_text()]
    json.loads(exports[1])
    autosaved = [p.read_text() for p in (tmp_path / "sessions").rglob("*") if p.is_file()]
    assert autosaved, "the session was autosaved"
    captured = capsys.readouterr()
    everything = [*screens, *exports, *autosaved, caplog.text, captured.out, captured.err]
    assert "…" in screens[1]  # the credential panel shows masked keys
    for text in everything:
        for fragment in [*_fragments(GOOD_KEY), *_fragments(BAD_KEY)]:
            assert fragment not in text
