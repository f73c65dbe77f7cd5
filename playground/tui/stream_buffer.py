"""Incremental markdown streaming without re-parsing the whole message per chunk.

A streamed answer is split into a *frozen* part (complete markdown blocks, each batch parsed
once and never touched again) and a *tail* (the unfinished last block plus complete blocks
not frozen yet) that is drawn as plain text. Deltas are only appended to a list here; joining
happens once per frame in :meth:`StreamBuffer.take_frame`.

A block is never cut in the middle: a frozen piece is parsed as markdown on its own, so
freezing half a paragraph would show a paragraph break mid-sentence. A very long block stays
in the tail until it ends; the widget keeps that cheap by re-wrapping only the tail's last
lines per frame (see :class:`~playground.tui.widgets.streaming_text.StreamingText`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE_MARKERS = ("```", "~~~")
MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>#|~&!\t\n]|^\s|^[-+=>]|^\d+[.)]|\s$")
"""Anything that could make markdown draw a text differently from plain wrapping (inline
markup, entities, block markers, soft breaks, stripped leading/trailing space)."""


def renders_as_plain(text: str) -> bool:
    """Whether markdown would draw ``text`` exactly as plain wrapped text: one paragraph
    with no markup. Conservative: any character that might be markup says no."""
    return bool(text) and MARKDOWN_SYNTAX.search(text) is None


def last_block_boundary(text: str) -> int:
    """Offset just after the last blank line that ends a markdown block outside a code fence.

    Returns 0 when ``text`` holds no complete block. A closed code fence also ends a block
    (its closing line is a boundary), so long code stays frozen once it is complete.
    """
    boundary = 0
    in_fence = False
    offset = 0
    previous_blank = True
    for line in text.splitlines(keepends=True):
        end = offset + len(line)
        if not line.endswith("\n"):
            break  # the last, unfinished line never ends a block
        stripped = line.strip()
        if stripped.startswith(FENCE_MARKERS):
            in_fence = not in_fence
            if not in_fence:
                boundary = end
            previous_blank = False
        elif not in_fence:
            if not stripped:
                if not previous_blank:
                    boundary = end
                previous_blank = True
            else:
                previous_blank = False
        offset = end
    return boundary


@dataclass(slots=True)
class Frame:
    """What to draw for one frame: newly frozen markdown (may be empty) and the tail text."""

    frozen: str
    tail: str


class StreamBuffer:
    """Accumulates deltas of one message and hands out frames.

    ``freeze_chars`` is how much text the tail may hold before its complete blocks are
    frozen into parsed markdown. The tail is scanned for block ends only when a line ended
    since the last scan (a block ends at a line end), so a long paragraph costs nothing here.
    """

    __slots__ = ("_frozen", "_pending", "_scan", "_tail", "freeze_chars", "received")

    def __init__(self, freeze_chars: int = 600) -> None:
        self._frozen: list[str] = []
        self._tail = ""
        self._pending: list[str] = []
        self._scan = True
        self.freeze_chars = freeze_chars
        self.received = 0

    def append(self, text: str) -> None:
        """Add a delta (the hot path: no joining, no parsing)."""
        self._pending.append(text)
        self.received += len(text)

    @property
    def dirty(self) -> bool:
        """Whether deltas arrived since the last frame."""
        return bool(self._pending)

    @property
    def text(self) -> str:
        """The whole message so far."""
        return "".join(self._frozen) + self._tail + "".join(self._pending)

    def take_frame(self, final: bool = False) -> Frame:
        """Consume pending deltas and decide what to freeze; ``final`` freezes everything."""
        if self._pending:
            added = "".join(self._pending)
            self._pending.clear()
            self._tail += added
            self._scan = self._scan or "\n" in added
        frozen = ""
        if final:
            frozen, self._tail = self._tail, ""
        elif self._scan and len(self._tail) >= self.freeze_chars:
            cut = last_block_boundary(self._tail)
            self._scan = False
            if cut:
                frozen, self._tail = self._tail[:cut], self._tail[cut:]
        if frozen:
            self._frozen.append(frozen)
        return Frame(frozen, self._tail)
