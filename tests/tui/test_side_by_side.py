"""Reading answers side by side: panes scrolling together turn by turn (alt+s), one pane
maximised (alt+m), and a word diff of two panes' last answers (alt+d)."""

from __future__ import annotations

from playground.compare.word_diff import marked, word_diff
from playground.tui.screens.answer_diff import AnswerDiff
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.turn_view import ThinkingSection

from .conftest import wait_until
from .test_blind_mode import send

FAST = "tps=0&ttft_ms=0"
SHORT = f"sim/lorem?{FAST}&tokens=50"
TALL = f"sim/lorem?{FAST}&tokens=150"
ECHO = f"sim/echo?{FAST}"
THINKER = f"sim-anthropic/thinker?{FAST}"


def top(view, turn: int) -> int:
    return view.turn_views[turn].virtual_region.y


async def scroll(pilot, view, y: int) -> None:
    view.transcript.scroll_to(y=y, animate=False, immediate=True)
    await pilot.pause()


async def test_scrolling_together_keeps_the_same_turn_in_view(make_app):
    app = make_app([SHORT, TALL])
    async with app.run_test(size=(120, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        for number in range(1, 9):
            await send(pilot, f"question {number}")
        short, tall = app.chat_panes
        await pilot.pause()
        assert top(tall, 3) > top(short, 3)  # the tall answers push turn 4 further down
        before = short.transcript.scroll_y
        await scroll(pilot, tall, top(tall, 1))
        assert short.transcript.scroll_y == before  # not synchronised yet

        await pilot.press("alt+s")
        assert app.compare.synced
        await scroll(pilot, tall, top(tall, 3))
        assert short.transcript.scroll_y == top(short, 3)  # turn 4's top in both
        await scroll(pilot, short, top(short, 2))
        assert tall.transcript.scroll_y == top(tall, 2)
        turn = tall.turn_views[1].virtual_region
        await scroll(pilot, tall, turn.y + turn.height // 2)  # halfway into turn 2
        other = short.turn_views[1].virtual_region
        assert other.y < short.transcript.scroll_y < other.y + other.height
        tall.transcript.focus()
        await pilot.press("home")
        await pilot.pause()
        assert short.transcript.scroll_y == 0

        await pilot.press("alt+s")  # off: each pane on its own again
        assert not app.compare.synced
        await scroll(pilot, tall, top(tall, 4))
        assert short.transcript.scroll_y == 0


async def test_maximise_shows_one_pane_whole_then_restores_layout_and_focus(make_app):
    app = make_app([ECHO, THINKER, SHORT])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)
        await pilot.press("alt+up", "alt+up")  # thinking on: the thinker shows its reasoning
        await send(pilot, "think about it")
        thinker = app.chat_panes[1]
        widths = [view.region.width for view in app.chat_panes]
        app.active_index = 1
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("alt+m")
        await pilot.pause()
        assert [view.display for view in app.chat_panes] == [False, True, False]
        assert thinker.region.width == app.grid.region.width
        assert thinker.region.height == app.grid.region.height
        section = thinker.query_one(ThinkingSection)
        assert not section.collapsed  # its thinking is open to read
        assert "budget" in str(thinker.query_one("PaneHeader").render())

        await pilot.press("alt+right")  # the next pane, still alone
        await pilot.pause()
        assert [view.display for view in app.chat_panes] == [False, False, True]
        assert section.collapsed

        await pilot.press("alt+m")
        await pilot.pause()
        assert all(view.display for view in app.chat_panes)
        assert [view.region.width for view in app.chat_panes] == widths
        assert app.focused is prompt


async def test_a_pane_added_while_one_is_maximised_waits_behind_it(make_app):
    app = make_app([ECHO, SHORT])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("alt+m")
        await app._add_picked(THINKER)
        await pilot.pause()
        assert [view.display for view in app.chat_panes] == [True, False, False]
        await pilot.press("alt+m")
        await pilot.pause()
        assert all(view.display for view in app.chat_panes)


async def test_the_diff_shows_two_last_answers_word_by_word(make_app):
    app = make_app([ECHO, THINKER, SHORT])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)
        await pilot.press("alt+d")  # nothing to compare yet
        await pilot.pause()
        assert not isinstance(app.screen, AnswerDiff)
        await send(pilot, "compare these words")
        answers = [view.last_answer for view in app.chat_panes]
        await pilot.press("alt+d")
        await wait_until(pilot, lambda: isinstance(app.screen, AnswerDiff))

        def shown(widget_id: str) -> str:
            return str(app.screen.query_one(widget_id).render())

        assert shown("#diff-body") == marked(word_diff(answers[0], answers[1]))
        assert "[-" in shown("#diff-body") and "{+" in shown("#diff-body")
        legend = shown("#diff-legend").splitlines()
        assert legend[0].startswith("[-…-]") and legend[0].endswith(f"only in {ECHO}")
        assert legend[1].startswith("{+…+}") and legend[1].endswith(f"only in {THINKER}")
        await pilot.press("right")  # the first pane against the third
        assert shown("#diff-body") == marked(word_diff(answers[0], answers[2]))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AnswerDiff)
        await pilot.press("f11")  # blind: the diff names panes by letter only
        await send(pilot, "again")
        await pilot.press("alt+d")
        await wait_until(pilot, lambda: isinstance(app.screen, AnswerDiff))
        legend = shown("#diff-legend").splitlines()
        assert legend[0].endswith("only in Model A") and legend[1].endswith("only in Model B")
