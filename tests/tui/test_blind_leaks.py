"""Blind mode names nothing: the whole screen — every pane, the comparison table, toasts and
the dialogs opened from the main screen — is read while blind, with panes whose providers,
models and fallback chains have names found nowhere else; none of them, and no hint of a
fallback or a price, may appear until the vote reveals them."""

from __future__ import annotations

import io
import random

from rich.console import Console

from playground.config.schema import Config, ModelConfig, ProviderConfig, RouteConfig
from playground.request import ThinkingLevel
from playground.tui.screens.vote import VoteDialog

from .conftest import fast_reliability, wait_until
from .test_blind_mode import send

FAST = "tps=0&ttft_ms=0"
SECRET_NAMES = ("zanzibar", "quokka", "marmalade", "Kumquat")
"""Provider, route and display names that occur only in the config (answers never say them)."""
HINTS = ("hop", "fallback", "fell back", "budget ", "effort", "$0.", "  by ")
"""Words that give away a route, a thinking model's setting or a price."""


def blind_config(sim_url: str) -> Config:
    """Two made-up providers on the simulator and a route that falls back between them."""
    return Config(
        reliability=fast_reliability(),
        providers={
            "zanzibar": ProviderConfig(
                protocol="openai",
                base_url=f"{sim_url}/openai/v1",
                auth="none",
                models={
                    f"echo?{FAST}": ModelConfig(name="Kumquat Echo", price_input=3.0),
                    f"echo?fail=503&retry_after=0&{FAST}": ModelConfig(price_input=1.0),
                    f"lorem?{FAST}&tokens=30": ModelConfig(price_input=2.0, price_output=4.0),
                },
            ),
            "quokka": ProviderConfig(
                protocol="anthropic",
                base_url=f"{sim_url}/anthropic",
                auth="none",
                models={
                    f"thinker?{FAST}": ModelConfig(
                        thinking=True,
                        thinking_budget_min=1024,
                        thinking_budget_max=32000,
                        price_input=15.0,
                        price_output=75.0,
                    )
                },
            ),
        },
        routes={
            "marmalade": RouteConfig(
                models=[f"zanzibar/echo?fail=503&retry_after=0&{FAST}", f"quokka/thinker?{FAST}"]
            )
        },
    )


def screen_text(app) -> str:
    """Every cell of the current screen (toasts and dialogs included), as plain text."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def leaks(app) -> list[str]:
    text = screen_text(app)
    lowered = text.lower()
    found = [name for name in SECRET_NAMES if name.lower() in lowered]
    found += [hint for hint in HINTS if hint in text]
    return found


async def test_nothing_on_screen_names_a_model_until_the_vote(make_app, sim_url):
    specs = ["marmalade", f"zanzibar/lorem?{FAST}&tokens=30", f"quokka/thinker?{FAST}"]
    app = make_app(specs, config=blind_config(sim_url))
    app.compare.blind.rng = random.Random(2)
    async with app.run_test(size=(180, 44), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)
        app.session.thinking = ThinkingLevel.HIGH
        for view in app.chat_panes:
            view.refresh_header()
        await pilot.pause()
        assert "marmalade" in screen_text(app) and "budget" in screen_text(app)
        await pilot.press("f11")
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        assert leaks(app) == []  # before the first prompt: the empty panes
        await send(pilot, "say something")
        route = next(v for v in app.chat_panes if v.pane.spec == "marmalade")
        assert route.pane.metrics.hop == 2  # it did fall back
        await pilot.press("f10")  # the comparison table
        await pilot.pause()
        assert leaks(app) == []
        app.active_index = app.chat_panes.index(route)
        await pilot.press("f5")  # copy: the toast names the pane
        await pilot.pause()
        assert leaks(app) == []
        # the timeline, sessions, credentials and an export's file name the models
        for key in ("ctrl+t", "f3", "f2", "ctrl+s"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1 and not app.query_one("#timeline").display
            assert "vote first (f12)" in list(app._notifications)[-1].message
        for key in ("f4", "ctrl+p"):  # pane thinking, the palette
            await pilot.press(key)
            await wait_until(pilot, lambda: len(app.screen_stack) > 1)
            if key == "ctrl+p":
                await pilot.press(*"pane")
                await pilot.pause(0.3)
            assert leaks(app) == [], key
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteDialog))
        assert leaks(app) == []
        await pilot.press("a")
        await wait_until(pilot, lambda: app.compare.blind.revealed)
        assert "marmalade" in list(app._notifications)[-1].message  # the reveal
        app.clear_notifications()
        await pilot.pause()
        shown = screen_text(app)
        assert "marmalade" in shown and "via hop 2" in shown and "$0." in shown
