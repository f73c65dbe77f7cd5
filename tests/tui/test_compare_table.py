"""The comparison table (f10 / palette): one row per pane for the last turn and the session."""

from __future__ import annotations

from playground.tui.widgets.compare_table import ComparisonTable
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
LOREM = "sim/lorem?tps=0&ttft_ms=0&tokens=40"


def idle(app) -> bool:
    return all(view.pane.turns and not view.busy for view in app.chat_panes) and all(
        view.pane.turns[-1].status != "running" for view in app.chat_panes
    )


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: idle(pilot.app))


def table_text(app) -> str:
    table = app.query_one(ComparisonTable)
    return "\n".join(line.text for line in table.render_lines(table.region.reset_offset))


async def test_f10_shows_every_pane_with_its_last_turn_and_session_then_hides(make_app):
    app = make_app([ECHO, LOREM])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        table = app.query_one(ComparisonTable)
        assert not table.display
        await pilot.press("f10")
        assert table.display
        await send(pilot, "one two three")
        await pilot.pause()
        text = table_text(app)
        assert "last turn" in text and "session" in text
        lines = [line for line in text.splitlines() if line.strip().startswith("sim/")]
        assert len(lines) == 4  # two panes × (last turn, session)
        lorem_out = app.chat_panes[1].pane.turns[-1].metrics["output_tokens"]
        assert lorem_out == 40
        assert " 40 " in lines[1]
        await pilot.press("f10")
        assert not table.display


async def test_the_session_rows_count_every_turn(make_app):
    app = make_app([LOREM])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("f10")
        await send(pilot, "first")
        await send(pilot, "second")
        await pilot.pause()
        rows = [line for line in table_text(app).splitlines() if "sim/lorem" in line]
        assert " 40 " in rows[0]  # last turn
        assert " 80 " in rows[1]  # both turns together


async def test_the_palette_lists_the_comparison_table(make_app):
    from playground.tui.palette import palette_commands

    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        commands = {title: callback for title, _, callback in palette_commands(app)}
        commands["Comparison table"]()
        await pilot.pause()
        assert app.query_one(ComparisonTable).display


async def test_the_last_turn_row_follows_a_stream_while_it_runs(make_app):
    app = make_app(["sim/lorem?tps=40&ttft_ms=0&tokens=400"])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("f10")
        prompt = app.query_one(PromptInput)
        prompt.focus()
        prompt.load_text("go on")
        await pilot.press("enter")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.metrics.output_tokens >= 10)
        before = view.pane.metrics.output_tokens
        await pilot.pause(1.2)  # at 40 tok/s, ~48 more tokens and two live refreshes
        assert view.busy
        row = next(line for line in table_text(app).splitlines() if "sim/lorem" in line)
        cells = row.split()
        shown_out = int(cells[cells.index("ms") + 3].replace(",", ""))
        assert shown_out > before + 10
        # the tokens/s sparkline of this stream: one rate per live refresh so far
        assert len(app.compare.traces[view.pane.id].rates()) >= 2
        from playground.compare.pane_figures import SPARK_BARS

        assert any(bar in row for bar in SPARK_BARS)
        view.stop()


async def test_the_live_refresh_timer_runs_only_while_a_pane_streams(make_app):
    app = make_app(["sim/lorem?tps=40&ttft_ms=0&tokens=400"])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert not app.compare.ticking  # idle from the start: no wake-ups
        prompt = app.query_one(PromptInput)
        prompt.focus()
        prompt.load_text("go on")
        await pilot.press("enter")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: app.compare.ticking)  # resumed by the stream start
        assert view.busy
        view.stop()
        await wait_until(pilot, lambda: not view.busy)
        await wait_until(pilot, lambda: not app.compare.ticking)  # the next tick pauses it
