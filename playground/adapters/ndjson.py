"""Incremental NDJSON decoder (one JSON value per ``\\n``-terminated line; Ollama native).

Like the SSE decoder it only appends to a pending buffer and slices each complete line out
once, so cost stays linear however the bytes are split. Lines are returned as raw bytes;
the caller parses them (so it can turn a bad line into a typed error instead of raising).
A line longer than ``max_line_bytes`` raises :class:`~playground.adapters.errors.LimitExceeded`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

from playground.adapters.errors import LimitExceeded
from playground.endpoint import DEFAULT_LIMITS


class NDJSONDecoder:
    """Split arbitrary byte chunks into complete, non-blank lines (CRLF tolerated)."""

    __slots__ = ("_max", "_pending")

    def __init__(self, max_line_bytes: int = DEFAULT_LIMITS.max_event_bytes) -> None:
        self._max = max_line_bytes
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        """Return the complete lines ``chunk`` finished (without line terminators)."""
        if b"\n" not in chunk:
            self._pending += chunk
            if len(self._pending) > self._max:
                self._too_large()
            return []
        parts = chunk.split(b"\n")
        if self._pending:
            self._pending += parts[0]
            parts[0] = bytes(self._pending)
            self._pending.clear()
        self._pending += parts.pop()
        if len(chunk) > self._max and any(len(p) > self._max for p in parts):
            self._too_large()
        if len(self._pending) > self._max:
            self._too_large()
        return [line for line in (p.rstrip(b"\r") for p in parts) if line.strip()]

    def _too_large(self) -> None:
        self._pending = bytearray()
        raise LimitExceeded(
            f"the server sent an NDJSON line larger than {self._max:,} bytes without ending "
            "it; stopped reading (raise [reliability] max_event_bytes if this is expected)"
        )

    def flush(self) -> list[bytes]:
        """End of stream: return a last line that had no trailing newline."""
        line = bytes(self._pending).strip()
        self._pending.clear()
        return [line] if line else []


async def aiter_ndjson(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Decode an async byte stream into NDJSON lines (raw bytes, one JSON value each)."""
    decoder = NDJSONDecoder()
    async for chunk in chunks:
        for line in decoder.feed(chunk):
            yield line
    for line in decoder.flush():
        yield line
