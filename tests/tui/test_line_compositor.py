"""The line compositor: a partial update shows exactly what a full render shows on the dirty
spans, while the containers behind a streaming widget render nothing for them."""

from __future__ import annotations

import asyncio

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from playground.tui.line_compositor import (
    LineCompositor,
    LineUpdateScreen,
    repaint,
    row_runs,
    split_spans,
)

from .terminal_image import Terminal, watch_terminal


def test_row_runs_groups_contiguous_rows():
    assert list(row_runs([])) == []
    assert list(row_runs([4])) == [(4, 5)]
    assert list(row_runs([1, 2, 3, 7, 8, 12])) == [(1, 4), (7, 9), (12, 13)]


class Lines(Widget):
    """A line-API widget whose lines are set from outside."""

    DEFAULT_CSS = "Lines { height: auto; }"

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    def render_line(self, y: int) -> Strip:
        text = self.lines[y] if y < len(self.lines) else ""
        return Strip([Segment(text.ljust(self.size.width), Style(color="red"))])


class Counting(Vertical):
    """A padded container that counts the lines it is asked to render."""

    DEFAULT_CSS = "Counting { padding: 0 2; background: $panel; height: auto; }"
    rendered = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        Counting.rendered += crop.height
        return super().render_lines(crop)


class Nested(App[None]):
    def get_default_screen(self) -> LineUpdateScreen:
        return LineUpdateScreen(id="_default")

    def compose(self) -> ComposeResult:
        with VerticalScroll(), Counting(), Counting():
            yield Lines([f"line {n}" for n in range(30)])
        yield Lines(["a neighbour below"])


def update_text(update, width: int) -> dict[int, str]:
    """The text a partial update writes on each of its spans' rows."""
    terminal = Terminal(width, max(y for y, _, _ in update.spans) + 1)
    terminal.apply(update)
    return {y: terminal.text(y, x1, x2) for y, x1, x2 in update.spans}


def partial_update(app, widget):
    """The partial update for ``widget``'s refresh, counting container lines it renders."""
    compositor = app.screen._compositor
    Counting.rendered = 0
    compositor.update_widgets({widget})
    update = compositor.render_partial_update()
    assert update is not None
    return update


def shown_as_in_a_full_render(app, update) -> dict[int, str]:
    """What ``update`` writes on each row, checked against a full render of the screen."""
    full = app.screen._compositor.render_strips()
    shown = update_text(update, app.size.width)
    for y, x1, x2 in update.spans:
        assert shown[y] == full[y].text[x1:x2]
    return shown


async def test_partial_update_matches_a_full_render_and_skips_covered_containers():
    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen._compositor, LineCompositor)
        lines = app.query(Lines).first()
        lines.lines[3] = "changed line three"
        lines.lines[4] = "and four"
        lines.refresh(Region(0, 3, lines.size.width, 2))
        update = partial_update(app, lines)
        assert Counting.rendered == 0  # the text covers its dirty lines: nothing behind renders
        shown = shown_as_in_a_full_render(app, update)
        assert sorted(shown) == [lines.region.y + 3, lines.region.y + 4]
        assert "changed line three" in shown[lines.region.y + 3]


async def test_a_dirty_region_wider_than_the_text_renders_the_container_edges():
    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        outer = app.query(Counting).first()
        outer.refresh(Region(0, 1, outer.size.width, 1))  # the padding columns too
        update = partial_update(app, outer)
        assert 0 < Counting.rendered <= 2  # the edge rows of one line, not the whole region
        shown_as_in_a_full_render(app, update)


async def test_a_whole_dirty_container_shows_what_a_full_render_shows():
    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        outer = app.query(Counting).first()
        outer.refresh()  # the whole container, as after a layout
        update = partial_update(app, outer)
        region, clip = app.screen._compositor.visible_widgets[outer]
        visible_rows = region.intersection(clip).height
        # the padding beside the text: each of the two containers renders its rows once
        assert Counting.rendered == 2 * visible_rows
        shown = shown_as_in_a_full_render(app, update)
        assert len(shown) == visible_rows


async def test_paint_soon_reaches_the_terminal_in_one_loop_callback():
    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        sent = watch_terminal(app).updates
        lines = app.query(Lines).first()
        lines.lines[5] = "painted without a refresh"
        app.screen.paint_soon(lines, Region(0, 5, lines.size.width, 1))
        assert sent == []  # nothing yet: the paint waits for the next turn of the loop
        await asyncio.sleep(0)
        assert len(sent) == 1  # before any message loop or timer ran
        shown = update_text(sent[0], app.size.width)
        assert list(shown) == [lines.region.y + 5]
        assert "painted without a refresh" in shown[lines.region.y + 5]
        assert not app.screen._dirty_widgets and not lines._repaint_regions


async def test_paints_of_one_frame_share_one_pass_with_pending_textual_refreshes():
    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        sent = watch_terminal(app).updates
        top, bottom = app.query(Lines)
        top.lines[2] = "first widget"
        bottom.lines[0] = "second widget"
        app.screen._dirty_widgets.add(bottom)  # a refresh Textual's timer has not painted yet
        bottom._set_dirty(Region(0, 0, bottom.size.width, 1))
        app.screen.paint_soon(top, Region(0, 2, top.size.width, 1))
        await asyncio.sleep(0)
        assert len(sent) == 1
        shown = update_text(sent[0], app.size.width)
        assert "first widget" in shown[top.region.y + 2]
        assert "second widget" in shown[bottom.region.y]  # not dropped by the direct paint


async def test_paint_soon_under_a_modal_waits_for_textuals_own_update():
    from textual.screen import ModalScreen

    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        main = app.screen
        lines = app.query(Lines).first()
        await app.push_screen(ModalScreen())
        await pilot.pause()
        sent = watch_terminal(app).updates
        lines.lines[1] = "behind the dialog"
        main.paint_soon(lines, Region(0, 1, lines.size.width, 1))
        await asyncio.sleep(0)
        assert sent == []  # not painted over the dialog
        assert lines in main._dirty_widgets  # but kept for Textual's update
        app.pop_screen()
        await pilot.pause()
        await pilot.pause()
        assert "behind the dialog" in main._compositor.render_strips()[lines.region.y + 1].text


def test_split_spans_cuts_after_whole_rows_once_the_budget_is_reached():
    spans = [(0, 0, 10), (1, 0, 4), (1, 6, 10), (2, 0, 10), (3, 0, 10)]
    assert split_spans(spans, 100) == (spans, [])
    assert split_spans(spans, 12) == (spans[:3], spans[3:])  # row 1 is never split
    assert split_spans(spans, 10) == (spans[:1], spans[1:])
    assert split_spans([], 10) == ([], [])


async def test_a_whole_screen_repaint_goes_out_in_passes_that_end_as_a_full_render():
    app = Nested()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        terminal = watch_terminal(app)
        sent = terminal.updates
        lines = app.query(Lines).first()
        for n in range(len(lines.lines)):
            lines.lines[n] = f"repainted line {n} " * 3
        app.screen.paint_soon(lines, lines.size.region)
        await asyncio.sleep(0)
        assert len(sent) == 1
        first = update_text(sent[0], app.size.width)
        assert sum(len(row) for row in first.values()) < 120 * 40  # only a band, top first
        assert min(first) == 0
        await pilot.pause()
        await pilot.pause()
        assert len(sent) > 1
        full = app.screen._compositor.render_strips()
        region, clip = app.screen._compositor.visible_widgets[lines]
        shown = region.intersection(clip)
        assert shown.height > 20
        for y in range(shown.y, shown.bottom):  # what the repaint covered
            assert terminal.text(y, shown.x, shown.right) == full[y].text[shown.x : shown.right]
        assert not app.screen._compositor._dirty_regions


async def test_a_band_left_outside_a_shrunk_screen_is_dropped():
    app = Nested()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        compositor._dirty_regions.add(Region(0, 30, 60, 2))  # rows a larger screen had
        compositor._dirty_regions.add(Region(0, 19, 60, 3))  # and one partly inside
        update = compositor.render_partial_update()
        assert update is not None and [y for y, _, _ in update.spans] == [19]
        assert not compositor._dirty_regions


class Label(Widget):
    """A widget drawn by ``render()`` (Textual caches its visual until a refresh)."""

    DEFAULT_CSS = "Label { height: 1; }"
    text = "before"

    def render(self) -> str:
        return self.text


class Labelled(App[None]):
    def get_default_screen(self) -> LineUpdateScreen:
        return LineUpdateScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield Label()


async def test_repaint_of_a_render_widget_shows_its_new_content():
    app = Labelled()
    async with app.run_test(size=(30, 5)) as pilot:
        label = app.query_one(Label)
        label.text = "middle"
        label.refresh()  # drawn the usual way: its visual is cached now
        await pilot.pause()
        await pilot.pause()
        assert label._layout_cache
        terminal = watch_terminal(app)
        label.text = "after"
        repaint(label)
        await asyncio.sleep(0)
        assert terminal.text(label.region.y, 0, 5) == "after"
