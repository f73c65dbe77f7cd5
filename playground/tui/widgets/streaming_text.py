"""A message view that streams at thousands of tokens per second without re-parsing.

Finished markdown blocks are parsed and rendered once into cached lines (``Strip``s); only
the short unfinished tail is re-wrapped (as plain text) per frame. The widget uses Textual's
line API, so a refresh repaints only visible lines and the layout asks for a height that is
a list length, not a re-render. See :mod:`playground.tui.stream_buffer` for what is frozen when.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from playground.tui.stream_buffer import StreamBuffer


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
        self.finished = False
        self._blocks: list[str] = []
        # Frozen lines are kept as plain segment lists; a Strip (with its caches) is built
        # only for the lines being painted, which keeps long messages cheap for the GC.
        self._frozen_lines: list[list[Segment]] = []
        self._rendered_blocks = 0
        self._tail = ""
        self._tail_lines: list[list[Segment]] = []
        self._width = 0
        self._style: Style | None = None
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
        if frame.frozen.strip():
            self._blocks.append(frame.frozen)
        self._tail = frame.tail
        self.frames_drawn += 1
        if not self._width:
            return  # not laid out yet (or hidden, like collapsed thinking): drawn on first layout
        old_height = len(self._frozen_lines) + len(self._tail_lines)
        first_changed = len(self._frozen_lines)
        self._render_pending_blocks()
        self._tail_lines = self._render(Text(self._tail), self._width) if self._tail else []
        height = len(self._frozen_lines) + len(self._tail_lines)
        if height != old_height:
            self.refresh(layout=True)
        else:
            changed = Region(0, first_changed, self._width, height - first_changed)
            self.refresh(changed)

    def _render_pending_blocks(self) -> None:
        while self._rendered_blocks < len(self._blocks):
            block = self._blocks[self._rendered_blocks]
            self._frozen_lines.extend(self._render(self._block_renderable(block), self._width))
            self._rendered_blocks += 1

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
        self._frozen_lines = []
        self._rendered_blocks = 0
        self._render_pending_blocks()
        self._tail_lines = self._render(Text(self._tail), width) if self._tail else []

    # --- Textual line API ------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._set_width(width)
        return len(self._frozen_lines) + len(self._tail_lines)

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._set_width(self.size.width)
            self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        frozen = self._frozen_lines
        width = self._width
        if y < len(frozen):
            return Strip(frozen[y], width)
        if y - len(frozen) < len(self._tail_lines):
            return Strip(self._tail_lines[y - len(frozen)], width)
        return Strip.blank(self.size.width, self._base_style())
