"""Coalesced network reads for a reader that shows a stream in frames.

A model streaming at 1,000 tokens/s sends each token as its own small write, so a client
that reads whenever bytes arrive does one network read per token: an event-loop wake-up
and a pass through anyio, httpcore, httpx and the parser for every token (~140 µs; 0.14
of a core at 1,000 tok/s before anything is drawn). A UI that draws 20 frames a second
cannot show more than one batch per frame anyway.

Inside :func:`coalesced_reads`, once an answer's output has started, a network read of the
session's client (:class:`PacedBackend`) waits until ``interval_s`` has passed since the
previous read returned. The bytes that arrive meanwhile wait in the kernel's socket buffer
and the next read takes them all at once, so the cost follows the reader's frames, not the
sender's writes. What does not change:

* everything up to the first output is read the moment it arrives (status, headers, a slow
  first event, the first token), so time to first token stays exact; each request of a
  turn (a tool step, a retry, a fallback) starts unpaced again;
* a stream slower than one write per interval is read as each write arrives (a read waits
  only when the previous one returned less than an interval ago), and a flood at full speed
  (a read that filled its buffer is followed at once);
* bytes, events and their order are the same; only when a batch is picked up moves, by at
  most one interval (so a rate computed from the last event's arrival may read that much
  low);
* headless commands (``ask``, ``compare``) never set it and read as bytes arrive.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class ReadPace:
    """One task's pacing state: the interval, whether output started, the last read's end."""

    __slots__ = ("interval_s", "output_started", "read_at")

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self.output_started = False
        self.read_at = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before the next read (0 until output started)."""
        if not self.output_started:
            return 0.0
        return self.read_at + self.interval_s - now


READ_PACE: ContextVar[ReadPace | None] = ContextVar("playground_read_pace", default=None)
"""The current task's pacing (None: read as bytes arrive)."""


@contextmanager
def coalesced_reads(interval_s: float) -> Iterator[None]:
    """Pace this task's reads of streamed output to one per ``interval_s`` (0: not at all)."""
    token = READ_PACE.set(ReadPace(interval_s) if interval_s > 0 else None)
    try:
        yield
    finally:
        READ_PACE.reset(token)
