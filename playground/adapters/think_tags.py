"""Splitting inline ``<think>…</think>`` reasoning out of streamed content.

Reasoning models served without a reasoning parser emit their thoughts as ordinary content
wrapped in ``<think>`` tags at the very start of the answer. Only a leading tag is
recognised (a ``<think>`` later in an answer is text the model wrote), and tags split
across chunks are handled by holding back a possible tag prefix until it is decided.
"""

from __future__ import annotations

_OPEN = "<think>"
_CLOSE = "</think>"

_UNDECIDED, _THINKING, _PASSTHROUGH = 0, 1, 2


class ThinkTagSplitter:
    """Feed content pieces; get ``(is_thinking, text)`` pieces back."""

    __slots__ = ("_held", "_state", "passthrough")

    def __init__(self) -> None:
        self._state = _UNDECIDED
        self._held = ""
        self.passthrough = False  # True once no tag can follow: callers may skip feed()

    def feed(self, text: str) -> list[tuple[bool, str]]:
        """Split ``text``; pieces that might start or end a tag are held back."""
        if self._state == _PASSTHROUGH:
            return [(False, text)]
        held = self._held + text
        self._held = ""
        if self._state == _UNDECIDED:
            stripped = held.lstrip()
            if stripped.startswith(_OPEN):
                self._state = _THINKING
                held = stripped[len(_OPEN) :]
            elif _OPEN.startswith(stripped):
                self._held = held  # "", "<", "<th"…: cannot decide yet
                return []
            else:
                self._pass()
                return [(False, held)]
        end = held.find(_CLOSE)
        if end >= 0:
            self._pass()
            out = [(True, held[:end])] if end else []
            rest = held[end + len(_CLOSE) :].lstrip("\n")
            if rest:
                out.append((False, rest))
            return out
        keep = _partial_suffix(held, _CLOSE)
        if keep:
            self._held = held[-keep:]
            held = held[:-keep]
        return [(True, held)] if held else []

    def flush(self) -> list[tuple[bool, str]]:
        """End of content: release anything held back."""
        held, self._held = self._held, ""
        if not held:
            return []
        return [(self._state == _THINKING, held)]

    def _pass(self) -> None:
        self._state = _PASSTHROUGH
        self.passthrough = True


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0
