"""Panes streaming at a model's pace: reads are coalesced to one per frame, and each frame
reaches the terminal through the main screen's direct paint. What the terminal was sent,
update after update, must be what a full render of the screen shows."""

from __future__ import annotations

from rich.cells import cell_len

from playground.sim.scripts import lorem_pieces
from playground.tui.frame_clock import FRAMES_PER_S

from .conftest import wait_until
from .test_follow import send


class Terminal:
    """The characters a terminal shows after applying every update the app sent it."""

    def __init__(self, width: int, height: int) -> None:
        self.rows = [[" "] * width for _ in range(height)]

    def write(self, x: int, y: int, text: str, left: int, right: int) -> None:
        row = self.rows[y]
        for char in text:
            if left <= x < right and x < len(row):
                row[x] = char
            x += max(1, cell_len(char))

    def apply(self, update) -> None:
        if update is None:  # nothing was dirty
            return
        if hasattr(update, "spans"):  # a partial update: chops on the dirty spans
            for y, x1, x2 in update.spans:
                for x, strip in update.chops[y].items():
                    if strip is not None:
                        self.write(x, y, strip.text, x1, x2)
        else:  # a full update of a region
            region = update.region
            for y, line in enumerate(update.strips, region.y):
                self.write(region.x, y, "".join(s.text for s in line), 0, len(self.rows[y]))

    def text(self, y: int, x1: int, x2: int) -> str:
        return "".join(self.rows[y][x1:x2])


def watch_terminal(app) -> Terminal:
    terminal = Terminal(*app.size)
    display = app._display

    def recording(screen, update) -> None:
        terminal.apply(update)
        display(screen, update)

    app._display = recording
    return terminal


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
    tokens = 500
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
            await pilot.pause(0.03)
            if nothing_pending(app):
                checked += assert_panes_shown_as_rendered(app, terminal)
        await pilot.pause(0.1)
        await wait_until(pilot, lambda: nothing_pending(app))
        assert_panes_shown_as_rendered(app, terminal)
        assert checked, "the panes were compared while they streamed"
        expected = "".join(lorem_pieces(tokens))
        assert [v.last_answer for v in app.chat_panes] == [expected, expected]
    assert paced_reads.sleeps, "the panes' reads were coalesced"
