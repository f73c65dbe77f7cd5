"""Sending while other panes stream, retrying in place, and marking a model change."""

from __future__ import annotations

import time

from playground.config.schema import Config, ReliabilityConfig
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.turn_view import ModelChange, UserPrompt

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
SLOW = "sim/lorem?tps=20&ttft_ms=0&tokens=2000"


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


async def test_a_prompt_goes_to_the_idle_panes_while_another_still_streams(make_app):
    app = make_app([SLOW, ECHO])
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        slow, echo = app.chat_panes
        await send(pilot, "first")
        await wait_until(pilot, lambda: echo.last_answer == "first" and not echo.busy)
        assert slow.busy
        await send(pilot, "second")
        await wait_until(pilot, lambda: echo.last_answer == "second" and not echo.busy)
        assert [t.prompt for t in echo.pane.turns] == ["first", "second"]
        assert [t.prompt for t in slow.pane.turns] == ["first"]  # untouched, still going
        assert slow.busy
        assert app.query_one(PromptInput).text == ""
        assert any("still streaming" in str(n.message) for n in app._notifications)
        slow.stop()
        await wait_until(pilot, lambda: not slow.busy)


async def test_a_prompt_is_kept_when_every_pane_is_still_streaming(make_app):
    app = make_app([SLOW])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await send(pilot, "first")
        await wait_until(pilot, lambda: view.busy)
        await send(pilot, "second")
        assert app.query_one(PromptInput).text == "second"  # nothing lost
        assert len(view.pane.turns) == 1
        view.stop()
        await wait_until(pilot, lambda: not view.busy)


async def test_retry_replaces_the_last_answer_instead_of_adding_a_turn(make_app):
    app = make_app(["sim/lorem?tps=0&ttft_ms=0&tokens=5"])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await send(pilot, "tell me")
        await wait_until(pilot, lambda: view.turn_views and not view.busy)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not view.busy and len(view.pane.turns) == 1)
        await pilot.pause(0.1)
        assert len(view.turn_views) == 1
        assert len(view.query(UserPrompt)) == 1
        assert [m.role for m in view.pane.history] == ["user", "assistant"]


async def test_changing_a_panes_model_is_marked_in_its_conversation(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await send(pilot, "one")
        await wait_until(pilot, lambda: view.turn_views and not view.busy)
        await app._change_picked("sim/lorem?tps=0&ttft_ms=0&tokens=3")
        await pilot.pause()
        markers = view.query(ModelChange)
        assert len(markers) == 1
        shown = str(markers.first().render())
        assert f"model changed: {ECHO} → sim/lorem?tps=0&ttft_ms=0&tokens=3" in shown
        await send(pilot, "two")
        await wait_until(pilot, lambda: len(view.pane.turns) == 2 and not view.busy)
        children = list(view.transcript.children)
        assert children.index(markers.first()) == 1  # between the two turns


async def test_a_model_change_is_still_marked_after_resume(make_app):
    lorem = "sim/lorem?tps=0&ttft_ms=0&tokens=3"
    app = make_app([ECHO], persist=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await send(pilot, "one")
        await wait_until(pilot, lambda: view.turn_views and not view.busy)
        await app._change_picked(lorem)
        await send(pilot, "two")
        await wait_until(pilot, lambda: len(view.pane.turns) == 2 and not view.busy)
    resumed = make_app(persist=True, resume=True)
    async with resumed.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(resumed.chat_panes) == 1)
        view = resumed.chat_panes[0]
        await wait_until(pilot, lambda: len(view.turn_views) == 2)
        markers = view.query(ModelChange)
        assert len(markers) == 1
        assert f"{ECHO} → {lorem}" in str(markers.first().render())
        assert list(view.transcript.children).index(markers.first()) == 1


async def test_the_footer_counts_down_a_retry_wait_and_ticks_only_then(make_app, monkeypatch):
    from playground.tui.widgets.chat_pane import ChatPane

    ticks: list[float] = []
    tick = ChatPane._tick_countdown
    monkeypatch.setattr(ChatPane, "_tick_countdown", lambda self: (ticks.append(1), tick(self)))
    app = make_app(
        ["sim/echo?tps=0&ttft_ms=0&fail=429&retry_after=3&fail_times=1&run=countdown"],
        config=Config(reliability=ReliabilityConfig(retries=1)),
        clock=time.monotonic,  # the countdown reads the real time left
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        footer = view.query_one("PaneFooter")

        def shown() -> str:
            return str(footer.render())

        await pilot.pause(1.2)
        assert not ticks  # an idle pane has nothing to count down
        await send(pilot, "count down")
        await wait_until(pilot, lambda: "retrying in" in shown())
        first = int(shown().split("retrying in ")[1].split()[0])
        await wait_until(pilot, lambda: f"retrying in {first - 1} s" in shown(), timeout=3)
        await wait_until(pilot, lambda: view.pane.metrics.status == "done", timeout=10)
        await pilot.pause(0.7)  # the next tick finds no retry and pauses the countdown
        settled = len(ticks)
        await pilot.pause(1.2)
        assert len(ticks) == settled
