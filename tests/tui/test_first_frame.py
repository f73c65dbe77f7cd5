"""The first frame is painted before anything it does not show is loaded.

Start-up is measured against ``import textual.app`` (``benchmarks/startup_bench.py``): the
first screen has no chat pane, and the fallback timeline, blind mode, repeats and the
configuration are not on it, so their modules load after that frame. Each test starts the
app in a fresh process (an isolated HOME) and looks at ``sys.modules`` at the first
compositor refresh.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LOADED_AT_FIRST_FRAME = """
import json, os, sys
from textual.screen import Screen
from playground.tui.app import PlaygroundApp
from playground.tui.startup import AppOptions

original = Screen._compositor_refresh

def first_paint(self):
    original(self)
    app = self.app
    print(json.dumps({
        "modules": sorted(sys.modules),
        "screen_classes": sorted(self.classes),
        "session_open": app.session is not None,
    }), flush=True)
    os._exit(0)

Screen._compositor_refresh = first_paint
PlaygroundApp(AppOptions(models=["sim/echo"], persist=False)).run(headless=True, size=(80, 24))
"""

NOT_ON_THE_FIRST_FRAME = [
    "playground.tui.widgets.chat_pane",  # no pane before the session opens
    "playground.tui.widgets.turn_view",
    "playground.events",
    "playground.tui.blind",
    "playground.tui.repeat",
    "playground.compare.blind",
    "playground.config.loader",  # the config loads after the first frame
    "pydantic",
    "textual.widgets._rich_log",  # the timeline's log (hidden at start)
    "rich.pretty",
    "attr",
]


def first_frame(tmp_path: Path) -> dict:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    env.pop("PLAYGROUND_CONFIG", None)
    out = subprocess.run(
        [sys.executable, "-c", LOADED_AT_FIRST_FRAME],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_first_frame_is_painted_before_panes_config_and_hidden_panels_load(tmp_path):
    frame = first_frame(tmp_path)
    loaded = set(frame["modules"])
    assert not frame["session_open"]
    assert [m for m in NOT_ON_THE_FIRST_FRAME if m in loaded] == []
    # What the first frame does show is there, sized for 80×24 before its first paint.
    assert "playground.tui.widgets.prompt_input" in loaded
    assert {"-short", "-narrow"} <= set(frame["screen_classes"])


async def test_a_bad_config_read_after_the_first_frame_still_closes_the_app_with_one_line(
    tmp_path, monkeypatch
):
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    monkeypatch.setenv("HOME", str(tmp_path))
    bad = tmp_path / "config.toml"
    bad.write_text("[ui]\ntheme = 3\n")
    app = PlaygroundApp(AppOptions(config_path=str(bad), persist=False))
    async with app.run_test() as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert app.session is None
