"""A long answer keeps little besides its text: wrapped plain lines are offsets into it, the
styles caches of tall widgets hold only lines near the painted ones, and what is drawn is
exactly Rich's wrapping of the text (while streaming, after the end, after a resize)."""

from __future__ import annotations

import platform

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from playground.sim.scripts import lorem_pieces
from playground.tui.heap import release_free_heap
from playground.tui.line_cache import KEEP_LINES, BoundedStylesCache
from playground.tui.widgets.streaming_text import SlicedLines, StreamingText


def test_sliced_lines_keep_offsets_for_exact_slices_and_anything_else_as_given():
    lines = SlicedLines("alpha beta gamma")
    lines.add("alpha ", 0)
    lines.add("beta", 6)
    styled = [Segment("gamma", Style(bold=True))]
    lines.add(styled, 11)  # segments: kept as they are
    lines.add("GAMMA", 11)  # not the text at that offset: kept as a string
    assert len(lines) == 4
    assert [lines[i] for i in range(4)] == ["alpha ", "beta", styled, "GAMMA"]
    assert len(lines._other) == 2


def rich_lines(text: str, width: int) -> list[str]:
    """How Rich wraps ``text`` at ``width`` (the reference the widget must match)."""
    console = Console(width=width)
    return [
        "".join(segment.text for segment in line).rstrip()
        for line in console.render_lines(Text(text), console.options.update_width(width))
    ]


class Answer(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield StreamingText(classes="answer")


def drawn(view: StreamingText) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.line_count)]


async def test_a_long_paragraph_is_drawn_as_rich_wraps_it_and_kept_as_offsets():
    text = "".join(lorem_pieces(3000))
    app = Answer()
    async with app.run_test(size=(50, 12)) as pilot:
        view = app.query_one(StreamingText)
        await pilot.pause()
        for start in range(0, len(text), 700):
            view.append(text[start : start + 700])
            view.flush()
            await pilot.pause()
        width = view.size.width
        assert drawn(view) == rich_lines(text, width)  # while streaming
        view.finish()
        await pilot.pause()
        assert drawn(view) == rich_lines(text, width)
        assert view.text == text
        chunks = view._frozen_chunks
        assert sum(len(c) for c in chunks if isinstance(c, SlicedLines)) >= view.line_count - 2
        await pilot.resize_terminal(37, 12)
        await pilot.pause()
        assert view.size.width != width
        assert drawn(view) == rich_lines(text, view.size.width)  # re-wrapped on resize
        assert all(isinstance(c, SlicedLines) for c in view._frozen_chunks)


async def test_scrolling_through_a_tall_answer_keeps_its_styles_cache_bounded():
    text = "".join(lorem_pieces(6000))
    app = Answer()
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(StreamingText)
        assert isinstance(view._styles_cache, BoundedStylesCache)
        await pilot.pause()
        view.append(text)
        view.finish()
        await pilot.pause()
        assert view.line_count > 3 * KEEP_LINES
        scroll = app.query_one(VerticalScroll)
        for y in range(0, view.line_count, 8):  # page through everything, painting it all
            scroll.scroll_to(y=y, animate=False, immediate=True)
            app.screen._compositor.render_update(full=True)
        cache = view._styles_cache
        assert len(cache._cache) <= KEEP_LINES + app.size.height
        assert len(cache._dirty_lines) <= len(cache._cache)
        view.refresh(layout=True)  # a layout marks lines dirty: only cached ones
        assert len(cache._dirty_lines) <= len(cache._cache)
        scroll.scroll_to(y=0, animate=False, immediate=True)  # dropped lines draw again
        strips = app.screen._compositor.render_update(full=True)
        assert strips is not None
        assert view.render_line(0).text.rstrip() == rich_lines(text, view.size.width)[0]


def test_freed_heap_goes_back_to_the_os_with_glibc():
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's")
    assert release_free_heap() is True
