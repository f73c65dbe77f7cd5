"""Repeat (palette): every pane's last prompt N times, progress and p50/p95 in the table."""

from __future__ import annotations

from textual.widgets import Input

from playground.tui.screens.path_prompt import PathPrompt
from playground.tui.widgets.compare_table import ComparisonTable
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
LOREM = "sim/lorem?tps=0&ttft_ms=0&tokens=30"


def idle(app) -> bool:
    return all(
        v.pane.turns and v.pane.turns[-1].status != "running" and not v.busy for v in app.chat_panes
    )


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: idle(pilot.app))


async def answer_runs(pilot, value: str) -> None:
    app = pilot.app
    app.action_repeat()
    await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt))
    field = app.screen.query_one(Input)
    field.value = value
    await pilot.press("enter")
    await pilot.pause()


def table_lines(app) -> list[str]:
    table = app.query_one(ComparisonTable)
    return [s.text for s in table.render_lines(table.region.reset_offset)]


async def test_repeat_runs_each_pane_n_times_in_place_and_shows_percentiles(make_app):
    app = make_app([ECHO, LOREM])
    async with app.run_test(size=(160, 44)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "again and again")
        await answer_runs(pilot, "3")
        repeat = app.compare.repeat
        await wait_until(pilot, lambda: repeat.run is not None and repeat.run.complete)
        await wait_until(pilot, lambda: idle(app))
        run = app.compare.repeat.run
        assert (run.finished, run.total) == (6, 6)
        for view in app.chat_panes:
            assert len(view.pane.turns) == 1  # each run replaced the previous one
            assert len(view.turn_views) == 1
            assert len(run.panes[view.pane.id].ttft_ms) == 3
        assert app.query_one(ComparisonTable).display
        lines = table_lines(app)
        assert any("repeat ×3: 6/6 runs" in line for line in lines)
        runs = [line for line in lines if "3/3" in line]
        assert len(runs) == 2 and all("ms" in line for line in runs)


async def test_a_bad_run_count_is_one_line_and_runs_nothing(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "hi")
        await answer_runs(pilot, "lots")
        assert app.compare.repeat.run is None
        assert any("not a number of runs" in n.message for n in app._notifications)


async def test_repeat_needs_a_prompt_first(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        app.action_repeat()
        await pilot.pause()
        assert not isinstance(app.screen, PathPrompt)


async def test_escape_stops_the_repeat(make_app):
    slow = "sim/lorem?tps=200&ttft_ms=0&tokens=400"
    app = make_app([slow])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "go")
        await answer_runs(pilot, "10")
        await wait_until(pilot, lambda: app.chat_panes[0].busy)
        await pilot.press("escape")
        await wait_until(pilot, lambda: idle(app))
        await pilot.pause(0.2)
        run = app.compare.repeat.run
        assert run.stopped and run.finished <= 1
        assert not app.chat_panes[0].busy
