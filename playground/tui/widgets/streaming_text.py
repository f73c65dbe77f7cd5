"""A message view that streams at thousands of tokens per second without re-parsing.

Finished markdown blocks are parsed and rendered once into cached lines; the unfinished
tail is drawn as plain text, and only its last two wrapped lines are re-wrapped per frame
(lines before them can no longer change as text is appended), so even a paragraph of many
thousand characters costs the same per frame as a short one. The widget uses Textual's line
API, so a refresh repaints only visible lines and the layout asks for a height that is a list
length, not a re-render. See :mod:`playground.tui.stream_buffer` for what is frozen when.

Kept lines are compact: a line drawn entirely in the widget's base style (every line of plain
text, most of a markdown paragraph) is stored as its text alone, and its segments are built
only when the line is painted (~100 bytes per wrapped line instead of ~400: a list, two
segments and a padding string each). A line of plain text is not even stored as text: it is
an offset pair into the paragraph it was wrapped from (:class:`SlicedLines`, 16 bytes).
The widget's styles cache is bounded too (see :mod:`playground.tui.line_cache`).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Sequence

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from playground.tui.line_cache import BoundedStylesCache
from playground.tui.line_compositor import repaint
from playground.tui.stream_buffer import StreamBuffer, renders_as_plain

LIVE_LINES = 2
"""Wrapped tail lines re-wrapped every frame: the last may grow, the one before it may take
a word back only while that word is still arriving; all earlier lines are settled."""

HEADROOM_FRAMES = 8
MAX_HEADROOM = 12
"""While streaming, the widget asks for room for about ``HEADROOM_FRAMES`` frames of new lines
beyond its text (1 to ``MAX_HEADROOM`` blank lines, at most an eighth of the screen), so a
new line usually lands in room it already has and costs a repaint of that line, not a layout
of the whole screen (a Textual layout reflows and repaints every widget). The room is given
back when the message ends."""


def wrapped_line_starts(text: str, width: int) -> list[int] | None:
    """Offsets in ``text`` where each line starts when Rich wraps it (fold) at ``width``.

    Mirrors :meth:`rich.text.Text.wrap`: split at newlines, then greedy word wrap. None for
    text with tabs (expanded by Rich, so offsets would not map).
    """
    if "\t" in text:
        return None
    starts: list[int] = []
    offset = 0
    for line in text.split("\n"):
        starts.append(offset)
        starts.extend(offset + cut for cut in divide_line(line, width, fold=True))
        offset += len(line) + 1
    return starts


_REWRITTEN_BY_RICH = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
"""Tabs (expanded) and control codes (stripped or zero-width): text Rich's ``Text`` changes."""


def wrap_plain(text: str, width: int) -> tuple[list[int], list[Line]] | None:
    """``text`` wrapped (fold) at ``width`` exactly as Rich renders ``Text(text)`` there, as
    compact lines (see :func:`compact_line`), with the offset in ``text`` where each starts.

    Builds no Rich objects: the same greedy word wrap (:func:`divide_line`), then what
    ``Text.wrap`` does to each line (trailing whitespace beyond ``width`` dropped) and what
    padding makes of a blank line (``width`` spaces). None where Rich would change the text
    first (tabs, control codes) or a line would still be wider than ``width`` (cell widths
    Rich measures by grapheme, like joined emoji): render those with Rich.
    """
    if _REWRITTEN_BY_RICH.search(text):
        return None
    starts: list[int] = []
    lines: list[Line] = []  # every one a string: the compact form of a base-style line
    offset = 0
    for paragraph in text.split("\n"):
        start = 0
        for end in (*divide_line(paragraph, width, fold=True), len(paragraph)):
            line = paragraph[start:end]
            excess = len(line) - width
            if excess > 0:  # Text.rstrip_end: trailing whitespace beyond the width goes
                trailing = len(line) - len(line.rstrip())
                line = line[: len(line) - min(trailing, excess)]
            if cell_len(line) > width:
                return None
            starts.append(offset + start)
            lines.append(line or " " * width)
            start = end
        offset += len(paragraph) + 1
    return starts, lines


Line = list[Segment] | str
"""A rendered line: its segments, or (compact) the text of a line drawn in the base style."""


def compact_line(line: list[Segment], style: Style, width: int) -> Line:
    """The line as its text when :func:`expand_line` rebuilds exactly these segments, else as is.

    That holds for a line of one base-style segment filling ``width``, or of base-style text
    followed by the padding Rich adds up to ``width``.
    """
    if len(line) == 2:
        text, pad = line
        if (
            text.text
            and text.style == style
            and pad.style == style
            and text.control is None
            and pad.control is None
            and pad.text == " " * (width - cell_len(text.text))
        ):
            return text.text
    elif len(line) == 1:
        (whole,) = line
        if whole.style == style and whole.control is None and cell_len(whole.text) == width:
            return whole.text
    return line


def expand_line(line: Line, style: Style, width: int) -> list[Segment]:
    """The segments of a (possibly compact) line, padded with spaces to ``width``."""
    if not isinstance(line, str):
        return line
    pad = width - cell_len(line)
    if pad > 0:
        return [Segment(line, style), Segment(" " * pad, style)]
    return [Segment(line, style)]


class SlicedLines:
    """Wrapped lines of one text, kept as offsets into it instead of as strings.

    A line is stored as its ``(start, end)`` in ``text`` when it is exactly that slice (a
    compact line of plain text); anything else (styled segments, text Rich changed) is kept
    as given. A long plain answer then costs 16 bytes per wrapped line instead of a second
    copy of its text cut into strings.
    """

    __slots__ = ("_ends", "_other", "_starts", "text")

    def __init__(self, text: str = "") -> None:
        self.text = text
        self._starts = array("q")
        self._ends = array("q")
        self._other: dict[int, Line] = {}

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, y: int) -> Line:
        start = self._starts[y]
        if start < 0:
            return self._other[y]
        return self.text[start : self._ends[y]]

    def add(self, line: Line, start: int) -> None:
        """Add the next line; it was wrapped from ``text`` at offset ``start``."""
        if isinstance(line, str) and self.text.startswith(line, start):
            self._starts.append(start)
            self._ends.append(start + len(line))
        else:
            self._other[len(self._starts)] = line
            self._starts.append(-1)
            self._ends.append(-1)


class StreamingText(Widget):
    """Streams one message: ``append`` per delta, ``flush`` per frame, ``finish`` at the end.

    With ``markdown=False`` frozen blocks stay plain text (used for thinking).
    """

    DEFAULT_CSS = """
    StreamingText { height: auto; }
    """

    def __init__(self, *, markdown: bool = True, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.markdown = markdown
        self.buffer = StreamBuffer()
        self._styles_cache = BoundedStylesCache()  # as tall as the answer: bound its caches
        self.finished = False
        self._blocks: list[str] = []
        # Frozen lines are kept compact (see ``compact_line``), plain text as offsets (see
        # ``SlicedLines``), in chunks (one per block) found by their first line; segments and
        # a Strip (with its caches) are built only for the lines being painted.
        self._frozen_chunks: list[Sequence[Line]] = []
        self._frozen_tops: list[int] = []
        self._frozen_count = 0
        self._rendered_blocks = 0
        self._tail = ""
        # The tail's wrapped lines: ``_settled_lines`` cover ``_tail[:_settled_chars]`` and do
        # not change while the tail only grows; ``_tail_lines`` are the live rest.
        self._settled_chars = 0
        self._settled_lines = SlicedLines()
        self._tail_lines: list[Line] = []
        self._width = 0
        self._style: Style | None = None
        self._laid_out_height = 0  # what the last layout was given (text and headroom)
        self.frames_drawn = 0

    @property
    def text(self) -> str:
        """The whole message received so far."""
        return self.buffer.text

    def append(self, text: str) -> None:
        """Record a delta; nothing is drawn until the next :meth:`flush`."""
        self.buffer.append(text)

    def flush(self) -> None:
        """Draw what arrived since the last frame."""
        if self.buffer.dirty:
            self._draw(final=False)

    def finish(self) -> None:
        """The message is complete: freeze the rest as parsed markdown."""
        self.finished = True
        self._draw(final=True)

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, *, final: bool) -> None:
        frame = self.buffer.take_frame(final=final)
        self.frames_drawn += 1
        # A final tail that is one plain paragraph already has its lines: markdown would
        # draw the same, so keep them instead of parsing and wrapping it all again.
        keep_tail = (
            final
            and self._width > 0
            and self._rendered_blocks == len(self._blocks)
            and renders_as_plain(frame.frozen)
        )
        if frame.frozen and not keep_tail:
            self._settle_reset()  # the tail now starts elsewhere
            if frame.frozen.strip():
                self._blocks.append(frame.frozen)
        self._tail = frame.frozen if keep_tail else frame.tail
        if not self._width:
            return  # not laid out yet (or hidden, like collapsed thinking): drawn on first layout
        old_height = self._height()
        first_changed = self._frozen_count + len(self._settled_lines)
        self._render_pending_blocks()
        self._render_tail()
        if keep_tail:
            self._blocks.append(self._tail)
            self._rendered_blocks += 1
            self._add_frozen(self._settled_lines)
            self._add_frozen(self._tail_lines)
            self._settle_reset()
            self._tail, self._tail_lines = "", []
        height = self._height()
        laid_out = self._laid_out_height
        if final or height > laid_out or height < laid_out - MAX_HEADROOM:
            grown = max(0, height - old_height)
            headroom = 0 if final else min(self._max_headroom(), max(1, grown * HEADROOM_FRAMES))
            if height + headroom != laid_out:
                self._laid_out_height = height + headroom
                self.refresh(layout=True)
                return
        end = max(height, old_height)
        # One loop callback on the main screen, not Textual's refresh round trip.
        repaint(self, Region(0, first_changed, self._width, end - first_changed))

    def _max_headroom(self) -> int:
        """At most ``MAX_HEADROOM`` blank lines, and an eighth of the screen, so in a small pane
        the view that follows the stream still shows the text above the room."""
        return max(1, min(MAX_HEADROOM, self.screen.size.height // 8))

    @property
    def line_count(self) -> int:
        """Wrapped lines of text drawn (without the blank headroom kept while streaming)."""
        return self._height()

    def _height(self) -> int:
        return self._frozen_count + len(self._settled_lines) + len(self._tail_lines)

    def _add_frozen(self, lines: Sequence[Line]) -> None:
        if lines:
            self._frozen_chunks.append(lines)
            self._frozen_tops.append(self._frozen_count)
            self._frozen_count += len(lines)

    def _settle_reset(self) -> None:
        self._settled_chars = 0
        self._settled_lines = SlicedLines()

    def _render_tail(self) -> None:
        """Wrap the tail after its settled lines; settle all but the last ``LIVE_LINES``."""
        rest = self._tail[self._settled_chars :]
        if not rest:
            self._tail_lines = []
            return
        starts, lines = self._wrapped(rest)  # a frame's hot path: no Rich objects
        settle = len(lines) - LIVE_LINES
        if settle > 0 and starts is not None and len(starts) == len(lines):
            settled, offset = self._settled_lines, self._settled_chars
            settled.text = self._tail
            for line, start in zip(lines[:settle], starts, strict=False):
                settled.add(line, offset + start)
            self._settled_chars += starts[settle]
            lines = lines[settle:]
        self._tail_lines = lines

    def _render_pending_blocks(self) -> None:
        while self._rendered_blocks < len(self._blocks):
            block = self._blocks[self._rendered_blocks]
            self._add_frozen(self._block_lines(block))
            self._rendered_blocks += 1

    def _block_lines(self, block: str) -> Sequence[Line]:
        """A frozen block's lines; a plain paragraph's as offsets into its text."""
        if self.markdown and not renders_as_plain(block):
            return self._compacted(self._render(self._block_renderable(block), self._width))
        text = block if self.markdown else block.rstrip("\n")
        starts, lines = self._wrapped(text)
        if starts is None or len(starts) != len(lines):
            return lines
        sliced = SlicedLines(text)
        for line, start in zip(lines, starts, strict=True):
            sliced.add(line, start)
        return sliced

    def _wrapped(self, text: str) -> tuple[list[int] | None, list[Line]]:
        """Plain ``text``'s compact lines at the widget's width and where each starts
        (None when the offsets cannot be known): :func:`wrap_plain`, else Rich."""
        wrapped = wrap_plain(text, self._width)
        if wrapped is not None:
            return wrapped
        lines = self._compacted(self._render(Text(text), self._width))
        return wrapped_line_starts(text, self._width), lines

    def _block_renderable(self, block: str) -> RenderableType:
        if not self.markdown:
            return Text(block.rstrip("\n"))
        from rich.markdown import Markdown as RichMarkdown  # first use, not at start-up

        theme = getattr(self.app, "current_theme", None)
        code_theme = "monokai" if theme is None or theme.dark else "friendly"
        return RichMarkdown(block, code_theme=code_theme)

    def _render(self, renderable: RenderableType, width: int) -> list[list[Segment]]:
        """Render to lines with the widget's base style applied once (not per paint)."""
        console = self.app.console
        options = console.options.update_width(width)
        style = self._base_style()
        return console.render_lines(renderable, options, style=style, pad=True)

    def _compacted(self, lines: list[list[Segment]]) -> list[Line]:
        style, width = self._base_style(), self._width
        return [compact_line(line, style, width) for line in lines]

    def _base_style(self) -> Style:
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._width and self._style is not None and self.rich_style != self._style:
            self._style = None
            width, self._width = self._width, 0
            self._set_width(width)

    def _set_width(self, width: int) -> None:
        """Re-render everything for a new width (only on resize)."""
        if width == self._width or width <= 0:
            return
        self._width = width
        self._laid_out_height = 0  # the next layout asks for exactly the new text height
        self._frozen_chunks, self._frozen_tops, self._frozen_count = [], [], 0
        self._rendered_blocks = 0
        self._render_pending_blocks()
        self._settle_reset()
        self._render_tail()

    # --- Textual line API ------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._set_width(width)
        height = self._height()
        if self.finished or self._laid_out_height < height:
            self._laid_out_height = height
        return self._laid_out_height

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._set_width(self.size.width)
            self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        width = self._width
        if y < self._frozen_count:
            chunk = bisect_right(self._frozen_tops, y) - 1
            line = self._frozen_chunks[chunk][y - self._frozen_tops[chunk]]
            return Strip(expand_line(line, self._base_style(), width), width)
        y -= self._frozen_count
        for lines in (self._settled_lines, self._tail_lines):
            if y < len(lines):
                return Strip(expand_line(lines[y], self._base_style(), width), width)
            y -= len(lines)
        return Strip.blank(self.size.width, self._base_style())
