"""Drive the real app headless and write the README screenshots to ``screenshots/*.svg``.

Runs against the embedded simulated provider in an isolated home directory (no real keys,
no real config), exactly what a new user sees on first run::

    python scripts/screenshots.py            # writes screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "screenshots"


def isolate() -> None:
    """A throwaway home and no provider keys, so nothing personal ends up in a picture."""
    home = Path(tempfile.mkdtemp(prefix="playground-shots-"))
    for name in list(os.environ):
        if re.match(r".*(_API_KEY|_AUTH_TOKEN|_TOKEN)$|^PLAYGROUND_", name):
            del os.environ[name]
    os.environ.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )


async def until(pilot, predicate, timeout: float = 20.0) -> None:
    """Let the app run until ``predicate()`` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("screenshot scenario timed out")
        await pilot.pause(0.05)
    await pilot.pause(0.2)


def no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


async def send(pilot, text: str) -> None:
    from playground.tui.widgets.prompt_input import PromptInput

    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


def done(app) -> bool:
    return all(not v.busy and v.turn_views for v in app.chat_panes)


async def main_screens() -> None:
    """First run: the demo panes, mid-stream, finished, timeline, picker, credentials."""
    from playground.tui.app import PlaygroundApp
    from playground.tui.screens.credentials import CredentialPanel
    from playground.tui.screens.model_picker import ModelPicker
    from playground.tui.startup import AppOptions

    app = PlaygroundApp(AppOptions(persist=False))
    app.animation_level = "none"
    async with app.run_test(size=(150, 40)) as pilot:
        await until(pilot, lambda: len(app.chat_panes) == 3)
        no_blink(app)
        app.save_screenshot(str(OUT / "first-run.svg"))
        await send(pilot, "Explain in two sentences why the sky is blue.")
        await until(pilot, lambda: any(v.pane.metrics.status.value == "retrying"
                                       for v in app.chat_panes))  # fmt: skip
        app.save_screenshot(str(OUT / "main-mid-stream.svg"))
        await until(pilot, lambda: done(app))
        app.save_screenshot(str(OUT / "main-finished.svg"))
        await pilot.press("ctrl+t")
        await pilot.pause(0.3)
        app.save_screenshot(str(OUT / "fallback-timeline.svg"))
        await pilot.press("ctrl+t")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ModelPicker))
        no_blink(app)
        await pilot.press(*"claude")
        await pilot.pause(0.3)
        app.save_screenshot(str(OUT / "model-picker.svg"))
        await pilot.press("escape")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await pilot.press("a")  # live-checks the providers in use (the simulated ones)
        panel = app.screen
        await until(pilot, lambda: not panel.checking)
        await pilot.press("f")  # every provider, missing ones with their next step
        await pilot.press("down", "down", "down")  # a missing one: its next step in full
        await pilot.pause(0.3)
        app.save_screenshot(str(OUT / "credentials.svg"))


async def thinking_screen() -> None:
    """Thinking slider at high: the thinker streams its reasoning into a collapsible."""
    from playground.request import ThinkingLevel
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions
    from playground.tui.widgets.thinking_slider import ThinkingSlider
    from playground.tui.widgets.turn_view import ThinkingSection

    options = AppOptions(models=["sim-anthropic/thinker?tps=400", "sim/thinker?tps=400"],
                         persist=False)  # fmt: skip
    app = PlaygroundApp(options)
    app.animation_level = "none"
    async with app.run_test(size=(150, 40)) as pilot:
        await until(pilot, lambda: len(app.chat_panes) == 2)
        no_blink(app)
        app.query_one(ThinkingSlider).level = ThinkingLevel.HIGH
        await send(pilot, "Plan a three-day trip to Lisbon.")
        await until(pilot, lambda: done(app), timeout=60)
        app.query(ThinkingSection).first().collapsed = False
        await pilot.pause(0.3)
        for view in app.chat_panes:
            view.follow()
        await pilot.pause(0.3)
        app.save_screenshot(str(OUT / "thinking.svg"))


async def narrow_screen() -> None:
    """80×24: panes wrap and borders give way to rows."""
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    app = PlaygroundApp(AppOptions(models=["sim/echo", "sim/lorem?tokens=80"], persist=False))
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.chat_panes) == 2)
        no_blink(app)
        await send(pilot, "hello from 80 columns")
        await until(pilot, lambda: done(app))
        app.save_screenshot(str(OUT / "narrow-80x24.svg"))


def main() -> int:
    """Write every screenshot; returns the exit code."""
    isolate()
    from playground.sim.embedded import SIM_URL_ENV, start_sim_thread

    OUT.mkdir(exist_ok=True)
    with start_sim_thread() as sim:
        os.environ[SIM_URL_ENV] = sim.url
        for scenario in (main_screens, thinking_screen, narrow_screen):
            asyncio.run(scenario())
    for path in sorted(OUT.glob("*.svg")):
        print(path.relative_to(OUT.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
