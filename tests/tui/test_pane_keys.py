"""Keys on a focused pane: typing goes to the prompt, actions need keys that are not text."""

from __future__ import annotations

import string

from playground.tui.widgets.chat_pane import ChatPane
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"


def idle(app) -> bool:
    return all(v.turn_views and not v.busy for v in app.chat_panes)


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


async def test_typing_on_a_focused_pane_goes_to_the_prompt_and_closes_or_clears_nothing(make_app):
    app = make_app([ECHO, f"{ECHO}&n=2"])
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "keep me")
        await wait_until(pilot, lambda: idle(app))
        second = app.chat_panes[1]
        second.transcript.focus()
        await pilot.pause()
        # every letter, digit and the old single-key actions, typed as a sentence
        typed = "x s r m c t " + string.ascii_letters + string.digits
        await pilot.press(*typed)
        await pilot.pause()
        prompt = app.query_one(PromptInput)
        assert prompt.text == typed
        assert app.focused is prompt
        assert len(app.chat_panes) == 2
        assert all(v.last_answer == "keep me" for v in app.chat_panes)
        assert all(len(v.pane.turns) == 1 and not v.busy for v in app.chat_panes)
        assert not app.screen_stack[1:]  # no picker or dialog opened


async def test_pane_actions_still_work_from_a_focused_pane_on_non_text_keys(make_app):
    app = make_app([ECHO, "sim/lorem?tps=0&ttft_ms=0&tokens=3"])
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "pick me")
        await wait_until(pilot, lambda: idle(app))
        second = app.chat_panes[1]
        await pilot.click(second.transcript)
        assert app.active_pane is second
        await pilot.press("f5")
        assert copied == [second.last_answer]
        await pilot.press("ctrl+o")  # the model picker, for this pane
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ModelPicker")
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        second.transcript.focus()
        await pilot.press("f4")  # this pane's own thinking level
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PaneThinking")
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        second.transcript.focus()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: idle(app) and second.pane.turns[-1].retry)
        await pilot.press("f8", "y")  # y confirms: the pane has a turn
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert app.chat_panes[0].pane.spec == ECHO


async def test_escape_on_a_streaming_pane_stops_only_that_pane_and_says_so(make_app):
    slow = "sim/lorem?tps=20&ttft_ms=0&tokens=400"
    app = make_app([slow, f"{slow}&n=2"])
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "go")
        first, second = app.chat_panes
        await wait_until(pilot, lambda: first.busy and second.busy)
        first.transcript.focus()
        await pilot.press("escape")
        await wait_until(pilot, lambda: not first.busy)
        assert second.busy
        assert any("stopped" in str(n.message) for n in app._notifications)
        await pilot.press("escape")  # an idle pane: back to the prompt
        assert app.focused is app.query_one(PromptInput)
        second.stop()
        await wait_until(pilot, lambda: not second.busy)


async def test_each_pane_is_one_focus_stop_and_scroll_keys_work_on_it(make_app):
    app = make_app([ECHO, f"{ECHO}&n=2", f"{ECHO}&n=3"])
    async with app.run_test(size=(150, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)
        await send(pilot, " ".join(f"word{n}" for n in range(600)))
        await wait_until(pilot, lambda: idle(app))
        app.chat_panes[0].transcript.focus()
        await pilot.pause()
        in_panes = [
            w
            for w in app.screen.focus_chain
            if any(isinstance(a, ChatPane) for a in w.ancestors_with_self)
        ]
        assert in_panes == [v.transcript for v in app.chat_panes]
        # Tab from the prompt lands on the selected pane, not on the first one
        await pilot.press("alt+right")
        assert app.active_pane is app.chat_panes[1]
        app.query_one(PromptInput).focus()
        await pilot.press("tab")
        transcript = app.chat_panes[1].transcript
        assert app.focused is transcript
        # then Tab walks on through the panes, one stop each
        await pilot.press("tab")
        assert app.focused is app.chat_panes[2].transcript
        await pilot.press("shift+tab")
        assert app.focused is transcript
        assert transcript.max_scroll_y > 0 and transcript.scroll_y == transcript.max_scroll_y
        await pilot.press("home")
        await wait_until(pilot, lambda: transcript.scroll_y == 0)
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: transcript.scroll_y > 0)
        await pilot.press("end")
        await wait_until(pilot, lambda: transcript.scroll_y == transcript.max_scroll_y)
