"""Incremental Server-Sent Events decoder.

Follows the WHATWG event-stream rules the official SDKs implement: lines end in CR, LF or
CRLF (a CR at the end of one read may be followed by the LF at the start of the next),
``data:`` lines of one event are joined with ``\\n``, lines starting with ``:`` are comments,
``event:`` / ``id:`` / ``retry:`` are recorded, and a final event without the trailing
blank line is still delivered at end of stream.

Cost is linear in the input: bytes are only appended to a pending buffer and each complete
line is sliced out once, so a 1 MiB event arriving one byte at a time stays cheap.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass


@dataclass(slots=True)
class SSEEvent:
    """One dispatched server-sent event (``data`` is the joined ``data:`` lines)."""

    data: str
    event: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Turn arbitrary byte chunks into :class:`SSEEvent` objects.

    Call :meth:`feed` with each chunk as it arrives and :meth:`flush` once at end of stream.
    """

    __slots__ = ("_data", "_event", "_id", "_pending", "_retry", "_skip_lf")

    def __init__(self) -> None:
        self._pending = bytearray()  # bytes of the current, incomplete line
        self._skip_lf = False  # the previous chunk ended in CR: drop a leading LF
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Decode ``chunk`` and return the events it completed (possibly none)."""
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
                if not chunk:
                    return []
        events: list[SSEEvent] = []
        if self._pending:
            # Complete the partial line with the head of this chunk (only its own bytes are
            # scanned, so byte-by-byte feeding stays linear).
            cut = _first_break(chunk)
            if cut < 0:
                self._pending += chunk
                return events
            self._pending += chunk[:cut]
            line = bytes(self._pending)
            self._pending.clear()
            chunk, ended_in_cr = _after_break(chunk, cut)
            self._line(line, events)
            if ended_in_cr:
                self._skip_lf = True
                return events
        self._lines(chunk, events)
        return events

    def _lines(self, chunk: bytes, events: list[SSEEvent]) -> None:
        if b"\r" not in chunk:
            # Fast path: LF-only framing (OpenAI, Anthropic, most servers).
            parts = chunk.split(b"\n")
            self._pending += parts.pop()
            for line in parts:
                self._line(line, events)
            return
        start = 0
        n = len(chunk)
        while start < n:
            cut = _first_break(chunk, start)
            if cut < 0:
                self._pending += chunk[start:]
                return
            self._line(chunk[start:cut], events)
            if chunk[cut] == 13:  # CR
                if cut + 1 == n:
                    self._skip_lf = True
                    return
                start = cut + 2 if chunk[cut + 1] == 10 else cut + 1
            else:
                start = cut + 1

    def _line(self, line: bytes, events: list[SSEEvent]) -> None:
        if not line:
            if self._data or self._event:
                events.append(self._dispatch())
            return
        if line[0] == 58:  # ':' comment
            return
        colon = line.find(b":")
        if colon < 0:
            name, value = line, b""
        else:
            name = line[:colon]
            value = line[colon + 1 :]
            if value[:1] == b" ":
                value = value[1:]
        if name == b"data":
            self._data.append(value.decode("utf-8", "replace"))
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id":
            if b"\0" not in value:
                self._id = value.decode("utf-8", "replace")
        elif name == b"retry":
            if value.isdigit():
                self._retry = int(value)
        # Unknown fields are ignored, as the spec requires; llama.cpp's legacy ``error:``
        # field is surfaced as an event named "error" so adapters can report it.
        elif name == b"error":
            self._event = "error"
            self._data.append(value.decode("utf-8", "replace"))

    def _dispatch(self) -> SSEEvent:
        data = self._data[0] if len(self._data) == 1 else "\n".join(self._data)
        event = SSEEvent(data, self._event, self._id, self._retry)
        self._data = []
        self._event = ""
        return event

    def flush(self) -> list[SSEEvent]:
        """End of stream: deliver a final event that lacked its trailing blank line."""
        events: list[SSEEvent] = []
        if self._pending:
            line = bytes(self._pending)
            self._pending.clear()
            self._line(line, events)
        if self._data or self._event:
            events.append(self._dispatch())
        return events


def _first_break(chunk: bytes, start: int = 0) -> int:
    """Index of the first CR or LF at or after ``start``, or -1."""
    lf = chunk.find(b"\n", start)
    cr = chunk.find(b"\r", start, lf if lf >= 0 else len(chunk))
    return cr if cr >= 0 else lf


def _after_break(chunk: bytes, cut: int) -> tuple[bytes, bool]:
    """The rest of ``chunk`` after the line break at ``cut``; True if it ended on a bare CR."""
    if chunk[cut] == 13:
        if cut + 1 == len(chunk):
            return b"", True
        if chunk[cut + 1] == 10:
            return chunk[cut + 2 :], False
    return chunk[cut + 1 :], False


async def aiter_sse(chunks: AsyncIterable[bytes]) -> AsyncIterator[SSEEvent]:
    """Decode an async byte stream (``httpx.Response.aiter_raw()``) into SSE events."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event
