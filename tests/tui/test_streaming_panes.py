"""The main screen: panes open, one prompt streams into every pane, per-pane and global actions."""

from __future__ import annotations

import pytest

from playground.session import PaneStatus
from playground.tui.startup import FIRST_RUN_PANES
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.turn_view import ErrorNotice, Notice, ToolCard

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"


def idle(app) -> bool:
    return all(not view.busy for view in app.chat_panes) and all(
        view.turn_views and view.turn_views[-1].answer is None for view in app.chat_panes
    )


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


async def test_first_run_without_keys_opens_the_simulated_demo_with_a_hint(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == len(FIRST_RUN_PANES))
        assert [v.pane.spec for v in app.chat_panes] == list(FIRST_RUN_PANES)
        hint = app.query_one("#hint")
        assert hint.display and "keys set" in str(hint.render())


async def test_enter_sends_the_prompt_to_every_pane_and_each_streams_its_answer(make_app):
    app = make_app([ECHO, "sim/lorem?tps=0&ttft_ms=0&tokens=40"])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "hello there")
        await wait_until(pilot, lambda: all(v.turn_views for v in app.chat_panes))
        await wait_until(pilot, lambda: idle(app))
        echo, lorem = app.chat_panes
        assert echo.last_answer == "hello there"
        assert len(lorem.last_answer.split()) == 40
        assert echo.pane.metrics.status is PaneStatus.DONE
        assert app.query_one(PromptInput).text == ""


async def test_ctrl_j_inserts_a_newline_instead_of_sending(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("a", "ctrl+j", "b")
        assert prompt.text == "a\nb"
        assert not app.chat_panes[0].turn_views
        await pilot.press("enter")
        await wait_until(pilot, lambda: idle(app))
        assert app.chat_panes[0].last_answer == "a\nb"


async def test_each_pane_keeps_its_own_conversation_over_several_turns(make_app):
    app = make_app([ECHO, ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "first")
        await wait_until(pilot, lambda: idle(app))
        await send(pilot, "second")
        await wait_until(pilot, lambda: all(len(v.turn_views) == 2 for v in app.chat_panes))
        await wait_until(pilot, lambda: idle(app))
        for view in app.chat_panes:
            assert [m.role for m in view.pane.history] == ["user", "assistant"] * 2
            assert view.last_answer == "second"


async def test_a_stalled_pane_never_blocks_the_others_and_escape_stops_it(make_app):
    stalled = "sim/lorem?tps=0&ttft_ms=0&tokens=50&fail=stall&after=10"
    app = make_app([stalled, ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "go")
        slow, fast = app.chat_panes
        await wait_until(pilot, lambda: fast.pane.metrics.status is PaneStatus.DONE)
        await wait_until(pilot, lambda: len(slow.last_answer.split()) == 10)
        assert slow.busy
        await pilot.press("escape")
        await wait_until(pilot, lambda: not slow.busy)
        assert slow.pane.metrics.status is PaneStatus.CANCELLED
        assert "stopped" in str(slow.query_one(ErrorNotice).render())


@pytest.mark.parametrize(
    ("fault", "lead", "not_lead"),
    [
        ("cutoff", "stream cut — kept", "failed mid-answer"),  # the connection broke
        ("midstream_error", "failed mid-answer — kept", "stream cut"),  # the provider said so
    ],
)
async def test_an_error_mid_answer_shows_a_typed_error_and_keeps_the_text(
    make_app, fault: str, lead: str, not_lead: str
):
    app = make_app([f"sim/lorem?tps=0&ttft_ms=0&tokens=60&fail={fault}&after=12"])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "go")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.FAILED)
        await wait_until(pilot, lambda: bool(view.query(ErrorNotice)))
        error = str(view.query_one(ErrorNotice).render())
        assert lead in error
        assert not_lead not in error
        if fault == "midstream_error":
            assert "server" in error
        assert len(view.last_answer.split()) == 12


async def test_retry_resends_the_last_prompt_and_copy_takes_the_answer(make_app):
    app = make_app([ECHO])
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "again please")
        await wait_until(pilot, lambda: idle(app))
        await pilot.press("ctrl+r")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.turns and view.pane.turns[-1].retry)
        await wait_until(pilot, lambda: idle(app))
        assert len(view.turn_views) == 1  # the retry replaced the answer
        assert view.last_answer == "again please"
        await pilot.press("f5")
        assert copied == ["again please"]


async def test_panes_can_be_closed_and_reordered_and_the_grid_wraps_when_narrow(make_app):
    specs = [f"{ECHO}&run={i}" for i in range(4)]
    app = make_app(specs)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 4)
        assert app.grid.styles.grid_size_columns == 2  # 4 panes at 80 columns: 2 × 2
        await pilot.press("alt+right")  # second pane active
        await pilot.press("alt+shift+left")  # move it first
        assert [v.pane.spec for v in app.chat_panes][:2] == [specs[1], specs[0]]
        assert [p.spec for p in app.session.panes][:2] == [specs[1], specs[0]]
        await pilot.press("f8")  # no turns yet: closes without asking
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)
        assert specs[1] not in [v.pane.spec for v in app.chat_panes]
        assert app.grid.styles.grid_size_columns == 3


async def test_demo_tools_show_calls_as_cards_with_local_results(make_app):
    app = make_app(["sim/tools?tps=0&ttft_ms=0"])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("ctrl+g")
        assert app.tools is not None
        assert "≤5 steps" in str(app.query_one("#tools-state").render())
        await send(pilot, "what is 6*7")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: not view.busy and bool(view.query(ToolCard)), 15)
        card = view.query(ToolCard).first()
        assert card.result is not None
        assert view.pane.metrics.status is PaneStatus.DONE


async def test_the_fallback_route_shows_retries_and_the_hop_that_answered(make_app):
    from playground.config.schema import Config, RouteConfig

    from .conftest import fast_reliability

    config = Config(
        reliability=fast_reliability(),
        routes={"flaky": RouteConfig(models=["sim/echo?fail=429&retry_after=0&tps=0", ECHO])},
    )
    app = make_app(["flaky"], config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("ctrl+t")
        await send(pilot, "hi")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        notices = " ".join(str(n.render()) for n in view.query(Notice))
        assert "retry now (Retry-After)" in notices and "fallback →" in notices
        assert view.pane.metrics.answered_by == ECHO
        timeline = app.query_one("#timeline-log")
        rows = " ".join(line.text.strip() for line in timeline.lines)
        assert "attempt 1" in rows and "fallback sim/echo" in rows


async def test_bindings_are_remappable_from_the_ui_config(make_app):
    from playground.config.schema import Config, UiConfig

    from .conftest import fast_reliability

    config = Config(reliability=fast_reliability(), ui=UiConfig(bindings={"toggle_timeline": "f1"}))
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        timeline = app.query_one("#timeline")
        assert not timeline.display
        await pilot.press("f1")
        assert timeline.display
        await pilot.press("ctrl+t")  # the default key no longer toggles it
        assert timeline.display


async def test_clear_and_new_session_keep_the_panes_but_drop_the_conversation(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "one")
        await wait_until(pilot, lambda: idle(app))
        await pilot.press("ctrl+l", "y")  # y confirms
        await wait_until(pilot, lambda: not app.chat_panes[0].turn_views)
        assert app.chat_panes[0].pane.history == []
        old_id = app.session.id
        await send(pilot, "two")
        await wait_until(pilot, lambda: idle(app))
        await app.action_new_session()
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert app.session.id != old_id
        assert app.chat_panes[0].pane.spec == ECHO
        assert not app.chat_panes[0].turn_views


async def test_the_command_palette_lists_every_main_screen_action(make_app):
    from playground.tui.app import MAIN_SCREEN_ACTIONS
    from playground.tui.palette import palette_commands

    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        titles = {title for title, _, _ in palette_commands(app)}
        assert len(titles) >= len(MAIN_SCREEN_ACTIONS)
        await pilot.press("ctrl+p")
        await pilot.press(*"timeline", "enter")
        await wait_until(pilot, lambda: app.query_one("#timeline").display)


async def test_the_view_follows_new_text_at_the_bottom_and_stays_put_when_scrolled_up(make_app):
    app = make_app(["sim/lorem?tps=1000&ttft_ms=0&tokens=20000"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "go")
        view = app.chat_panes[0]
        transcript = view.transcript
        await wait_until(pilot, lambda: transcript.max_scroll_y > 20)
        assert transcript.follow
        transcript.scroll_to(y=5, animate=False)
        await pilot.pause(0.3)
        assert not transcript.follow
        assert transcript.scroll_y == 5  # new text does not pull the view down
        transcript.scroll_end(animate=False)
        await pilot.pause(0.3)
        assert transcript.follow
        await pilot.press("escape")
        await wait_until(pilot, lambda: not view.busy)
        await pilot.pause(0.2)
        assert transcript.scroll_y == transcript.max_scroll_y  # the end is in view


async def test_timeline_rows_written_while_hidden_wrap_when_it_opens(make_app):
    from playground.config.schema import Config, RouteConfig

    from .conftest import fast_reliability

    config = Config(
        reliability=fast_reliability(),
        routes={"flaky": RouteConfig(models=["sim/echo?fail=503&tps=0&ttft_ms=0", ECHO])},
    )
    app = make_app(["flaky"], config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "hi")
        await wait_until(pilot, lambda: not app.chat_panes[0].busy)
        await pilot.press("ctrl+t")
        log = app.query_one("#timeline-log")
        await wait_until(pilot, lambda: len(log.lines) > 3)
        width = log.scrollable_content_region.width
        assert all(line.cell_length <= width for line in log.lines)
        assert "answered by" in " ".join(line.text for line in log.lines)


async def test_closing_a_streaming_pane_stops_it_cleanly(make_app):
    stalled = "sim/lorem?tps=0&ttft_ms=0&tokens=50&fail=stall&after=5"
    app = make_app([stalled, ECHO])
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "go")
        slow = app.chat_panes[0]
        await wait_until(pilot, lambda: len(slow.last_answer.split()) == 5)
        session_pane = slow.pane
        await pilot.press("f8", "y")  # the first pane is the active one; y confirms
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await wait_until(pilot, lambda: not session_pane.busy)
        assert [p.spec for p in app.session.panes] == [ECHO]
        await send(pilot, "still fine")
        await wait_until(pilot, lambda: app.chat_panes[0].last_answer == "still fine")
