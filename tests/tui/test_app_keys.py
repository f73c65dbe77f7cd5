"""App keys while the prompt has focus: editing keys edit text and never close a pane or clear a
conversation; app keys act and never edit; destructive actions ask and say what happened."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from playground.config.schema import Config, UiConfig
from playground.tui.app import PlaygroundApp
from playground.tui.keymap import check_keymap, editing_keys
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import fast_reliability, wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
TWO = [ECHO, ECHO + "&run=2"]
PROMPT_KEYS = editing_keys(TextArea.BINDINGS)  # type: ignore[arg-type]


def app_keys() -> list[tuple[str, str]]:
    """(binding id, key) of every app binding."""
    return [
        (binding.id or binding.action, key.strip())
        for binding in PlaygroundApp.BINDINGS
        for key in binding.key.split(",")
    ]


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


def settled(app) -> bool:
    return all(not v.busy and v.turn_views and v.last_answer for v in app.chat_panes)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_no_app_key_is_a_key_the_prompt_edits_with():
    clashes = [(bid, key, PROMPT_KEYS[key]) for bid, key in app_keys() if key in PROMPT_KEYS]
    assert clashes == []


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["ctrl+w"], "hello "),  # delete word left
        (["ctrl+u"], ""),  # delete to line start
        (["home", "ctrl+k"], ""),  # delete to line end
        (["ctrl+a", "x"], "xhello world"),  # line start
        (["ctrl+a", "ctrl+e", "!"], "hello world!"),  # line end
        (["ctrl+w", "ctrl+z"], "hello world"),  # undo
        (["alt+backspace"], "hello "),
        (["ctrl+a", "ctrl+d"], "ello world"),  # delete right
    ],
)
async def test_editing_keys_in_the_prompt_edit_text_and_leave_panes_alone(make_app, keys, expected):
    app = make_app(TWO)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "first")
        await wait_until(pilot, lambda: settled(app))
        prompt = app.query_one(PromptInput)
        prompt.load_text("hello world")
        prompt.move_cursor(prompt.document.end)
        await pilot.press(*keys)
        await pilot.pause()
        assert prompt.text == expected
        assert len(app.chat_panes) == 2
        assert [len(v.pane.turns) for v in app.chat_panes] == [1, 1]
        assert app.screen is app.screen_stack[0]  # no dialog opened


async def test_every_app_key_acts_without_editing_the_prompt_or_losing_a_conversation(
    make_app,
):
    app = make_app(TWO)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "first")
        await wait_until(pilot, lambda: settled(app))
        prompt = app.query_one(PromptInput)
        for binding_id, key in app_keys():
            if binding_id == "quit":
                continue  # checked below: it would end the test
            prompt.focus()
            prompt.load_text("draft text")
            await pilot.press(key)
            await pilot.pause()
            while len(app.screen_stack) > 1:  # a picker or a question: close it unanswered
                await pilot.press("escape")
                await pilot.pause()
            await wait_until(pilot, lambda: not any(v.busy for v in app.chat_panes))
            assert prompt.text == "draft text", f"{key} ({binding_id}) edited the prompt"
            assert len(app.chat_panes) == 2, f"{key} ({binding_id}) closed a pane"
            assert all(v.pane.turns for v in app.chat_panes), f"{key} ({binding_id}) cleared"


async def test_quit_is_in_the_footer_and_ctrl_q_quits(make_app):
    from textual.widgets._footer import FooterKey

    app = make_app([ECHO])
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        shown = {key.action for key in app.query(FooterKey)}
        assert {"quit", "close_pane", "credentials", "sessions", "export"} <= shown
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, timeout=5)


async def test_closing_a_pane_with_a_conversation_asks_and_then_says_what_was_closed(make_app):
    app = make_app(TWO)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "keep this")
        await wait_until(pilot, lambda: settled(app))
        await pilot.press("f8")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        await pilot.press("n")  # no: nothing happens
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        assert len(app.chat_panes) == 2
        await pilot.press("f8", "y")
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert f"closed pane 1 ({ECHO}, 1 turn)" in messages(app)


async def test_an_empty_pane_closes_at_once_with_a_note(make_app):
    app = make_app(TWO)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f8")
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert f"closed pane 1 ({ECHO}, 0 turns)" in messages(app)


async def test_clear_asks_escape_keeps_everything_yes_clears_and_says_so(make_app):
    app = make_app(TWO)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "one")
        await wait_until(pilot, lambda: settled(app))
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        assert all(v.pane.turns for v in app.chat_panes)
        await pilot.press("ctrl+l", "y")
        await wait_until(pilot, lambda: not any(v.pane.turns for v in app.chat_panes))
        assert "cleared 2 panes, 2 turns" in messages(app)


async def test_escape_stops_every_stream_and_says_how_many(make_app):
    slow = "sim/lorem?tps=0&ttft_ms=0&tokens=50&fail=stall&after=3"
    app = make_app([slow, slow + "&run=2", ECHO])
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)
        await send(pilot, "go")
        streaming = app.chat_panes[:2]
        await wait_until(pilot, lambda: all(v.last_answer for v in streaming))
        await wait_until(pilot, lambda: not app.chat_panes[2].busy)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not any(v.busy for v in app.chat_panes))
        assert any(m.startswith("stopped 2 streams:") for m in messages(app))


async def test_a_remap_with_an_unknown_id_or_a_taken_key_is_reported_and_drops_nothing(make_app):
    remaps = {"no_such_action": "f12", "toggle_tools": "ctrl+n", "toggle_timeline": "ctrl+w"}
    config = Config(reliability=fast_reliability(), ui=UiConfig(bindings=remaps))
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await wait_until(pilot, lambda: len(messages(app)) >= 3)
        text = "\n".join(messages(app))
        assert "unknown binding id 'no_such_action'" in text
        assert "toggle_tools → ctrl+n: ctrl+n is already add_pane's key" in text
        assert "toggle_timeline → ctrl+w: ctrl+w is the prompt's delete" in text
        await pilot.press("ctrl+n")  # add_pane kept its key
        await wait_until(pilot, lambda: len(app.screen_stack) == 2)
        await pilot.press("escape")
        before = app.tools_label
        await pilot.press("ctrl+g")  # toggle_tools kept its own key
        assert app.tools_label != before


def test_check_keymap_applies_the_good_remaps_only():
    checked = check_keymap(
        {"close_pane": "f1", "export": "ctrl+n"}, PlaygroundApp.BINDINGS, PROMPT_KEYS
    )
    assert checked.keymap == {"close_pane": "f1"}
    assert checked.problems == ["export → ctrl+n: ctrl+n is already add_pane's key; not applied"]


async def test_layout_classes_follow_two_consecutive_resizes(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert not app.screen.has_class("-narrow") and not app.screen.has_class("-short")
        await pilot.resize_terminal(90, 24)
        await pilot.resize_terminal(150, 45)
        await pilot.pause()
        assert not app.screen.has_class("-narrow") and not app.screen.has_class("-short")
        await pilot.resize_terminal(100, 40)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.has_class("-narrow") and app.screen.has_class("-short")
