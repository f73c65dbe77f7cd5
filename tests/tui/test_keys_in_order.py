"""Editing keys apply in the order typed, also when they arrive in one burst.

Textual runs an Input's / TextArea's own bindings only after the key bubbled to the App,
while printable keys are inserted at once (Textual issue #6605): a burst such as "ctrl+u, a,
b, c" — what a fast typist over SSH, a key macro or ``tmux send-keys`` delivers — used to
insert "abc" and then delete it. Each test posts the whole burst before the app runs once,
the way keys read in one chunk from the terminal arrive.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from playground.tui.screens.model_picker import ModelPicker
from playground.tui.widgets.ordered_keys import TextField
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import wait_until


def burst(app: App, *keys: str) -> None:
    """Queue ``keys`` as one read from the terminal would: all before any is handled."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


class Fields(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        yield TextField(id="field")
        yield PromptInput(id="prompt")

    def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        self.sent.append(message.text)


async def test_a_line_field_applies_ctrl_u_and_home_before_the_keys_after_them() -> None:
    app = Fields()
    async with app.run_test() as pilot:
        field = app.query_one(TextField)
        field.focus()
        await pilot.pause()
        burst(app, *"hello", "ctrl+u", *"abc")
        await pilot.pause()
        assert field.value == "abc"
        burst(app, "ctrl+a", "X", "ctrl+e", "Z", "left", "backspace", "Y")
        await pilot.pause()
        assert field.value == "XabYZ"


async def test_the_prompt_applies_its_editing_keys_in_order_and_still_sends_on_enter() -> None:
    app = Fields()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.pause()
        burst(app, *"draft", "ctrl+a", ">", "end", "backspace", "!")
        await pilot.pause()
        assert prompt.text == ">draf!"
        burst(app, "enter")
        await pilot.pause()
        assert app.sent == [">draf!"]


async def test_the_model_picker_search_keeps_what_is_typed_after_ctrl_u(make_app) -> None:
    app = make_app(["sim/echo?tps=0&ttft_ms=0"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        search = app.screen.query_one("#picker-search", Input)
        burst(app, *"gpt", "ctrl+u", *"claude")
        await wait_until(pilot, lambda: search.value == "claude")
        await pilot.pause(0.2)
        assert search.value == "claude"
