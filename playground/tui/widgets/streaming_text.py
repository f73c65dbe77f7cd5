"""A message view that streams at thousands of tokens per second without re-parsing.

Finished markdown blocks are parsed once and frozen into static widgets; only the short
unfinished tail is redrawn (as plain text) per frame. See :mod:`playground.tui.stream_buffer`.
"""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from playground.tui.stream_buffer import StreamBuffer


class FrozenBlock(Static):
    """A finished stretch of the message, rendered once."""


class StreamTail(Static):
    """The unfinished end of the message, redrawn cheaply each frame."""


class StreamingText(Vertical):
    """Streams one message: ``append`` per delta, ``flush`` per frame, ``finish`` at the end.

    With ``markdown=False`` frozen blocks stay plain text (used for thinking).
    """

    DEFAULT_CSS = """
    StreamingText { height: auto; }
    StreamingText > Vertical { height: auto; }
    StreamingText FrozenBlock, StreamingText StreamTail { height: auto; }
    """

    def __init__(self, *, markdown: bool = True, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.markdown = markdown
        self.buffer = StreamBuffer()
        self._frozen = Vertical(classes="frozen")
        self._tail = StreamTail("", markup=False)
        self.finished = False

    def compose(self) -> ComposeResult:
        yield self._frozen
        yield self._tail

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

    def _draw(self, *, final: bool) -> None:
        frame = self.buffer.take_frame(final=final)
        if frame.frozen.strip():
            self._frozen.mount(FrozenBlock(self._render_block(frame.frozen)))
        self._tail.update(Text(frame.tail))
        self._tail.display = bool(frame.tail)

    def _render_block(self, block: str) -> RichMarkdown | Text:
        if not self.markdown:
            return Text(block.rstrip("\n"))
        dark = getattr(self.app, "current_theme", None)
        code_theme = "monokai" if dark is None or dark.dark else "friendly"
        return RichMarkdown(block, code_theme=code_theme)
