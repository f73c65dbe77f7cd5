"""Incremental markdown streaming without re-parsing the whole message per chunk.

A streamed answer is split into a *frozen* part (complete markdown blocks, each batch parsed
once and never touched again) and a short *tail* (the unfinished last block plus complete
blocks not frozen yet) that is redrawn cheaply as plain text every frame. Deltas are only
appended to a list here; joining happens once per frame in :meth:`StreamBuffer.take_frame`.
"""

from __future__ import annotations

from dataclasses import dataclass

FENCE_MARKERS = ("```", "~~~")


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


def forced_cut(text: str) -> int:
    """Where to split a very long unfinished block: a line end, else a sentence end, else a
    space (so the frozen part never ends mid-word). 0 when there is no such place."""
    for separator in ("\n", ". ", " "):
        found = text.rfind(separator, 0, len(text) - 1)
        if found > 0:
            return found + len(separator)
    return 0


@dataclass(slots=True)
class Frame:
    """What to draw for one frame: newly frozen markdown (may be empty) and the tail text."""

    frozen: str
    tail: str


class StreamBuffer:
    """Accumulates deltas of one message and hands out frames.

    ``freeze_chars`` is how much complete-block text the tail may hold before it is frozen
    into a parsed markdown block; ``max_tail_chars`` forces a freeze at a line end when a
    single block grows very long, so the per-frame cost of the tail stays bounded.
    """

    __slots__ = ("_frozen", "_pending", "_tail", "freeze_chars", "max_tail_chars", "received")

    def __init__(self, freeze_chars: int = 600, max_tail_chars: int = 1200) -> None:
        self._frozen: list[str] = []
        self._tail = ""
        self._pending: list[str] = []
        self.freeze_chars = freeze_chars
        self.max_tail_chars = max_tail_chars
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
            self._tail += "".join(self._pending)
            self._pending.clear()
        frozen = ""
        if final:
            frozen, self._tail = self._tail, ""
        elif len(self._tail) >= self.freeze_chars:
            cut = last_block_boundary(self._tail)
            if cut == 0 and len(self._tail) >= self.max_tail_chars:
                cut = forced_cut(self._tail)
            if cut:
                frozen, self._tail = self._tail[:cut], self._tail[cut:]
        if frozen:
            self._frozen.append(frozen)
        return Frame(frozen, self._tail)
