"""Panes streaming at a model's pace: reads are coalesced to one per frame, and each frame
reaches the terminal through the main screen's direct paint. What the terminal was sent,
update after update, must be what a full render of the screen shows."""

from __future__ import annotations

from playground.sim.scripts import lorem_pieces
from playground.tui.frame_clock import FRAMES_PER_S

from .conftest import wait_until
from .terminal_image import Terminal, watch_terminal
from .test_follow import send


def nothing_pending(app) -> bool:
    """No paint, refresh, layout or message is waiting anywhere on the screen (a widget that
    asked for a layout may not have told the screen yet: Textual repaints it after it)."""
    screen = app.screen
    return not (
        screen._paint_scheduled
        or screen._dirty_widgets
        or screen._compositor._dirty_regions
        or screen._layout_required
        or screen._repaint_required
        or not screen._message_queue.empty()
        or any(
            w._layout_required or w._repaint_required or not w._message_queue.empty()
            for w in screen.walk_children()
        )
    )


def assert_panes_shown_as_rendered(app, terminal: Terminal) -> int:
    """Every pane's transcript rows on the terminal equal a fresh full render (no widget's
    cached lines reused, so a line that changed but was never marked dirty shows up);
    returns the number of rows compared."""
    for widget in app.screen.walk_children():
        widget._styles_cache.clear()
    full = app.screen._compositor.render_strips()
    compared = 0
    for view in app.chat_panes:
        region = view.transcript.region
        for y in range(region.y, region.bottom):
            expected = full[y].crop(region.x, region.right).text
            assert terminal.text(y, region.x, region.right) == expected, f"row {y}"
            compared += 1
    return compared


async def test_paced_panes_show_on_the_terminal_what_a_full_render_shows(make_app, paced_reads):
    tokens = 1000  # 2.5 s: time to find quiet moments even on a loaded machine
    app = make_app([f"sim/lorem?tps=400&ttft_ms=0&tokens={tokens}"] * 2)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert app.session.read_interval_s == 1.0 / FRAMES_PER_S
        await pilot.pause()
        terminal = watch_terminal(app)
        app.screen.refresh()  # start from a full picture of the screen
        await pilot.pause()
        await send(pilot, "go")
        checked = 0
        while any(v.busy for v in app.chat_panes) or not app.chat_panes[0].turn_views:
            await pilot.pause(0.02)
            if nothing_pending(app):
                checked += assert_panes_shown_as_rendered(app, terminal)
        await pilot.pause(0.1)
        await wait_until(pilot, lambda: nothing_pending(app))
        assert_panes_shown_as_rendered(app, terminal)
        assert checked, "the panes were compared while they streamed"
        expected = "".join(lorem_pieces(tokens))
        assert [v.last_answer for v in app.chat_panes] == [expected, expected]
    assert paced_reads.sleeps, "the panes' reads were coalesced"
