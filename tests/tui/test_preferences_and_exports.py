"""What the app remembers between runs (the theme) and where and how it writes exports."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.widgets import Input

from playground.tui.preferences import Preferences, preferences_path
from playground.tui.screens.export import ExportDialog, default_exports_dir
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"


async def test_the_chosen_theme_is_used_at_the_next_start(make_app):
    first = make_app([ECHO])
    async with first.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(first.chat_panes) == 1)
        assert first.theme == "textual-dark"
        await pilot.press("f9")
        await wait_until(pilot, lambda: Preferences.load().theme == "textual-light")
    assert oct(preferences_path().stat().st_mode & 0o777) == "0o600"
    second = make_app([ECHO])
    async with second.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(second.chat_panes) == 1)
        await wait_until(pilot, lambda: second.theme == "textual-light")


def test_preferences_keep_recent_models_when_the_theme_is_saved(tmp_path):
    path = tmp_path / "preferences.json"
    prefs = Preferences.load(path)
    prefs.add_recent("sim/echo")
    Preferences.load(path).set_theme("nord")
    again = Preferences.load(path)
    assert again.recent == ["sim/echo"] and again.theme == "nord"
    assert json.loads(path.read_text())["theme"] == "nord"


async def test_an_export_defaults_to_the_data_dirs_exports_folder_and_is_private(
    make_app, tmp_path, monkeypatch
):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        prompt = app.query_one(PromptInput)
        prompt.load_text("export me")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.chat_panes[0].last_answer == "export me")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        proposed = Path(app.screen.query_one("#export-path", Input).value)
        assert proposed.parent == default_exports_dir()
        assert str(default_exports_dir()).startswith(os.environ["XDG_DATA_HOME"])
        await pilot.click("#export")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))
    assert "export me" in proposed.read_text()
    assert oct(proposed.stat().st_mode & 0o777) == "0o600"
    assert list(checkout.iterdir()) == []  # nothing dropped into the working directory
    assert [p.name for p in proposed.parent.iterdir()] == [proposed.name]  # no temp file left
