"""Incremental Server-Sent Events decoder.

Follows the WHATWG event-stream rules the official SDKs implement: lines end in CR, LF or
CRLF (a CR at the end of one read may be followed by the LF at the start of the next),
``data:`` lines of one event are joined with ``\\n``, lines starting with ``:`` are comments,
``event:`` / ``id:`` / ``retry:`` are recorded, and a final event without the trailing
blank line is still delivered at end of stream.

Cost is linear in the input: bytes are only appended to a pending buffer and each complete
line is sliced out once, so a 1 MiB event arriving one byte at a time stays cheap.

Memory is bounded: a line or an event larger than ``max_event_bytes`` raises
:class:`~playground.adapters.errors.LimitExceeded` (a server that never ends a line cannot
make the client buffer without limit).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

from playground.adapters.errors import LimitExceeded
from playground.endpoint import DEFAULT_LIMITS


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
    :meth:`feed_pairs` is the allocation-light variant the adapters use on their hot path.
    """

    __slots__ = (
        "_counted",
        "_data",
        "_data_size",
        "_event",
        "_id",
        "_max",
        "_meta",
        "_pending",
        "_retry",
        "_skip_lf",
    )

    def __init__(self, max_event_bytes: int = DEFAULT_LIMITS.max_event_bytes) -> None:
        self._max = max_event_bytes
        self._counted = 0  # lines of the pending event's data already added to _data_size
        self._data_size = 0
        self._pending = bytearray()  # bytes of the current, incomplete line
        self._skip_lf = False  # the previous chunk ended in CR: drop a leading LF
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None
        # (id, retry) current at each dispatch, kept only once a stream uses id/retry.
        self._meta: list[tuple[str | None, int | None]] | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Decode ``chunk`` and return the events it completed (possibly none)."""
        return self._full(self.feed_pairs(chunk))

    def flush(self) -> list[SSEEvent]:
        """End of stream: deliver a final event that lacked its trailing blank line."""
        return self._full(self.flush_pairs())

    def feed_pairs(self, chunk: bytes) -> list[tuple[str, str]]:
        """Like :meth:`feed`, but each event is an ``(event name, data)`` tuple."""
        if self._meta:
            self._meta.clear()  # id/retry bookkeeping lives only for one feed() call
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if not chunk:
            return []
        if b"\r" in chunk:
            # CR and CRLF become LF. A CR ending this chunk is a line break whose LF may
            # start the next chunk, so remember to drop that LF.
            self._skip_lf = chunk[-1] == 13
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = chunk.split(b"\n")
        pending = self._pending
        if len(lines) == 1:
            pending += chunk  # no line break yet: only this chunk's bytes are touched
            if len(pending) > self._max:
                self._too_large("line")
            return []
        if pending:
            pending += lines[0]
            lines[0] = bytes(pending)
            pending.clear()
        pending += lines.pop()
        if len(pending) > self._max or len(chunk) > self._max:
            self._check_lines(lines)
        events: list[tuple[str, str]] = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    events.append((self._event, data[0] if len(data) == 1 else "\n".join(data)))
                    data = self._data = []
                    self._event = ""
                    self._counted = self._data_size = 0
                elif self._event:
                    events.append((self._event, ""))
                    self._event = ""
                else:
                    continue
                if self._meta is not None:
                    self._meta.append((self._id, self._retry))
            elif line[:6] == b"data: ":
                data.append(line[6:].decode("utf-8", "replace"))
            elif line[:7] == b"event: ":
                self._event = line[7:].decode("utf-8", "replace")
            else:
                self._field(line)
        if data:
            self._count_data()
        return events

    def _check_lines(self, lines: list[bytes]) -> None:
        """A big chunk: make sure no single line in it (or left pending) is over the cap."""
        if len(self._pending) > self._max or any(len(line) > self._max for line in lines):
            self._too_large("line")

    def _count_data(self) -> None:
        """Add the pending event's new ``data`` lines to its size; raise when over the cap."""
        data = self._data
        if len(data) > self._counted:
            self._data_size += sum(map(len, data[self._counted :]))
            self._counted = len(data)
            if self._data_size > self._max:
                self._too_large("event")

    def _too_large(self, what: str) -> None:
        self._pending = bytearray()
        self._data = []
        raise LimitExceeded(
            f"the server sent an SSE {what} larger than {self._max:,} bytes without ending it; "
            "stopped reading (raise [reliability] max_event_bytes if this is expected)"
        )

    def flush_pairs(self) -> list[tuple[str, str]]:
        """Like :meth:`flush`, with ``(event name, data)`` tuples."""
        if self._meta:
            self._meta.clear()
        if self._pending:
            line = bytes(self._pending)
            self._pending.clear()
            if line:
                self._field(line)
        if self._data or self._event:
            pair = (self._event, "\n".join(self._data))
            self._data = []
            self._counted = self._data_size = 0
            self._event = ""
            if self._meta is not None:
                self._meta.append((self._id, self._retry))
            return [pair]
        return []

    def _field(self, line: bytes) -> None:
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
                self._meta = self._meta if self._meta is not None else []
        elif name == b"retry":
            if value.isdigit():
                self._retry = int(value)
                self._meta = self._meta if self._meta is not None else []
        # Unknown fields are ignored, as the spec requires; llama.cpp's legacy ``error:``
        # field is surfaced as an event named "error" so adapters can report it.
        elif name == b"error":
            self._event = "error"
            self._data.append(value.decode("utf-8", "replace"))

    def _full(self, pairs: list[tuple[str, str]]) -> list[SSEEvent]:
        meta = self._meta
        if meta is None:
            return [SSEEvent(data, name) for name, data in pairs]
        # Events before the first id/retry line carry none.
        meta[:0] = [(None, None)] * (len(pairs) - len(meta))
        return [
            SSEEvent(data, name, id_, retry)
            for (name, data), (id_, retry) in zip(pairs, meta, strict=True)
        ]


async def aiter_sse(chunks: AsyncIterable[bytes]) -> AsyncIterator[SSEEvent]:
    """Decode an async byte stream (``httpx.Response.aiter_bytes()``) into SSE events."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event
