"""Drive the real app headless and write the README screenshots to ``screenshots/*.svg``.

Runs against the embedded simulated provider in an isolated home directory (no real keys,
no real config), exactly what a new user sees on first run::

    python scripts/screenshots.py              # writes screenshots/*.svg
    python scripts/screenshots.py comparison   # only the named scenarios

``report`` runs ``playground compare`` on the simulator (3 models × 20 prompts × 3 runs, one
of them a fault-injected route) and photographs its ``report.html`` with headless Chromium
into ``screenshots/compare-report.png``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "screenshots"
REPORT_MODELS = (
    "sim/lorem?tps=600&ttft_ms=60&tokens=60",
    "sim-anthropic/lorem?tps=900&ttft_ms=240&tokens=90",
    "flaky",
)
FLAKY_ROUTE = (
    # The first 24 requests fail with a 503 and fall back; the backup's first 9 fail too:
    # the report must show both the fallbacks and the cells that failed after them.
    "sim/lorem?tps=700&ttft_ms=90&tokens=50&fail=503&fail_times=24",
    "sim-gemini/lorem?tps=500&ttft_ms=150&tokens=50&fail=500&fail_times=9",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


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


async def comparison_screen() -> None:
    """The demo panes (a fallback route among them) answer twice; f10 shows the table."""
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    app = PlaygroundApp(AppOptions(persist=False))
    app.animation_level = "none"
    async with app.run_test(size=(150, 40)) as pilot:
        await until(pilot, lambda: len(app.chat_panes) == 3)
        no_blink(app)
        app.query_one("#hint").display = False
        questions = ("Explain in two sentences why the sky is blue.", "And why are sunsets red?")
        for number, text in enumerate(questions, start=1):
            await send(pilot, text)
            await until(
                pilot, lambda n=number: done(app) and all(len(v.turn_views) == n
                                                          for v in app.chat_panes)
            )  # fmt: skip
        await pilot.press("f10")
        app.clear_notifications()
        await pilot.pause(0.6)
        app.save_screenshot(str(OUT / "comparison-table.svg"))


def report_prompts(folder: Path) -> Path:
    """Twenty prompts with tags and a few checks, as a JSONL prompt set."""
    topics = ("sky", "tides", "bread", "rust", "jazz", "glaciers", "bees", "chess", "tea", "maps")
    lines = []
    for number in range(1, 21):
        topic = topics[(number - 1) % len(topics)]
        case: dict[str, object] = {
            "id": f"q{number:02d}",
            "prompt": f"In two sentences, what should a newcomer know about {topic}?",
            "tags": ["short" if number % 2 else "explain", topic],
        }
        if number % 4 == 0:
            case["expect"] = {"max_output_tokens": 80}
        elif number % 5 == 0:
            case["expect"] = {"regex": r"[.!?]$"}
        lines.append(json.dumps(case))
    path = folder / "prompts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def report_screen() -> None:
    """``playground compare`` on the simulator, then its report.html through Chromium."""
    from playground.cli import main as cli_main

    folder = Path(tempfile.mkdtemp(prefix="playground-report-"))
    config = folder / "config.toml"
    chain = ", ".join(f'"{model}"' for model in FLAKY_ROUTE)
    config.write_text(
        f"[routes.flaky]\nmodels = [{chain}]\n"
        # No retries and no breaker: every injected fault shows as a fallback or an error.
        "[reliability]\nretries = 0\ncooldown_s = 0\nbreaker_failures = 1000\n",
        encoding="utf-8",
    )
    out = folder / "out"
    args = ["compare", "--config", str(config), "--prompts", str(report_prompts(folder))]
    for model in REPORT_MODELS:
        args += ["-m", model]
    args += ["--repeat", "3", "--concurrency", "4", "--out", str(out)]
    code = await asyncio.to_thread(cli_main, args)
    if code not in (0, 1):  # 1: some cells failed, as the fault injection intends
        raise SystemExit(f"playground compare exited with {code}")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed: cannot photograph report.html")
    process = await asyncio.create_subprocess_exec(
        browser,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={folder / 'chromium'}",
        f"--screenshot={OUT / 'compare-report.png'}",
        "--window-size=1200,1600",
        (out / "report.html").as_uri(),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    if await process.wait() != 0:
        raise SystemExit("chromium could not take the screenshot")


SCENARIOS = {
    "main": main_screens,
    "thinking": thinking_screen,
    "narrow": narrow_screen,
    "comparison": comparison_screen,
    "report": report_screen,
}


def main(argv: list[str]) -> int:
    """Write the screenshots of the scenarios named in ``argv`` (all without a name);
    returns the exit code."""
    unknown = [name for name in argv if name not in SCENARIOS]
    if unknown:
        print(f"unknown scenario {unknown[0]!r}; known: {', '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    isolate()
    from playground.sim.embedded import SIM_URL_ENV, start_sim_thread

    OUT.mkdir(exist_ok=True)
    with start_sim_thread() as sim:
        os.environ[SIM_URL_ENV] = sim.url
        for name in argv or SCENARIOS:
            asyncio.run(SCENARIOS[name]())
    for path in sorted([*OUT.glob("*.svg"), *OUT.glob("*.png")]):
        print(path.relative_to(OUT.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
