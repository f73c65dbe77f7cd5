"""Sending a scripted answer over ASGI: token pacing, time to first token and stream faults.

Family encoders produce *frames*: ``(bytes, tokens)`` pairs where ``tokens`` is how many output
tokens the frame carries (0 for structural frames such as ``message_start`` or ``[DONE]``).
:class:`PacedStream` writes them at the requested tokens per second. Pacing is by deadline
(token *i* is due at ``start + i / tps``), so sleep jitter never accumulates, and every frame
that is due is written in one batch; with ``tps=0`` there is no sleeping at all and frames are
batched into writes of about 16 KiB. Each token is still its own event on the wire.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Frame = tuple[bytes, int]
Scope = dict[str, Any]

_BATCH_BYTES = 16 * 1024
_CUTOFF_LOG = "ASGI callable returned without completing response."


class _HideIntendedCutoffs(logging.Filter):
    """uvicorn logs an error when a response ends early; for the ``cutoff`` fault that is the
    point, so the message is dropped (the simulator never ends a response early otherwise)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _CUTOFF_LOG


logging.getLogger("uvicorn.error").addFilter(_HideIntendedCutoffs())


@dataclass(frozen=True, slots=True)
class StreamFault:
    """A fault inside a 200 stream, striking once ``after`` tokens were sent.

    ``after = -1`` means before any body byte (``stall`` alone: headers, then nothing).
    ``payload`` is the in-stream error event (``midstream_error``) or the broken chunk
    (``malformed``).
    """

    kind: str
    after: int
    payload: bytes = b""


def _headers(media_type: str, extra: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    pairs = [(b"content-type", media_type.encode("latin-1"))]
    pairs += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
    return pairs


async def _until_disconnect(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class _Connection:
    """Watches for the client going away while the answer is being written."""

    def __init__(self, receive: Any) -> None:
        self._watcher = asyncio.ensure_future(_until_disconnect(receive))

    @property
    def gone(self) -> bool:
        return self._watcher.done()

    async def pause(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return True if the client disconnected meanwhile."""
        if seconds > 0 and not self._watcher.done():
            await asyncio.wait({self._watcher}, timeout=seconds)
        return self._watcher.done()

    async def wait_gone(self) -> None:
        """Wait until the client disconnects (the simulated stall)."""
        await asyncio.wait({self._watcher})

    def close(self) -> None:
        self._watcher.cancel()


class PacedStream:
    """An ASGI response that streams frames at ``tps`` tokens per second after ``ttft_s``."""

    def __init__(
        self,
        frames: Iterable[Frame],
        *,
        media_type: str,
        headers: Mapping[str, str],
        tps: float,
        ttft_s: float,
        total_tokens: int,
        fault: StreamFault | None = None,
    ) -> None:
        self._frames = frames
        self._media_type = media_type
        self._headers = headers
        self._tps = tps
        self._ttft_s = ttft_s
        self._total = total_tokens
        self._fault = fault

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        connection = _Connection(receive)
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": _headers(self._media_type, self._headers),
                }
            )
            fault = self._fault
            if fault is not None and fault.kind == "stall" and fault.after < 0:
                await connection.wait_gone()
                return
            if await connection.pause(self._ttft_s):
                return
            completed = await self._write(self._frames, send, connection)
            if completed:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            connection.close()

    async def _write(self, frames: Iterable[Frame], send: Any, connection: _Connection) -> bool:
        """Write all frames; False when the response must end without completing (cutoff)."""
        loop = asyncio.get_running_loop()
        fault = self._fault
        trigger_at = fault.after if fault is not None else -1
        tps = self._tps
        batch: list[bytes] = []
        size = 0
        sent = 0
        start = loop.time()

        async def flush() -> None:
            nonlocal size
            if batch:
                await send(
                    {"type": "http.response.body", "body": b"".join(batch), "more_body": True}
                )
                batch.clear()
                size = 0

        for data, tokens in _with_end(frames):
            if fault is not None and sent >= trigger_at and (tokens > 0 or sent >= self._total):
                kind, payload = fault.kind, fault.payload
                fault = None
                if kind == "malformed":
                    batch.append(payload)
                    size += len(payload)
                elif kind == "midstream_error":
                    batch.append(payload)
                    await flush()
                    return True
                else:  # cutoff or stall
                    await flush()
                    if kind == "stall":
                        await connection.wait_gone()
                    return False
            if data is None:
                break
            if tokens and tps > 0:
                due = start + (sent + tokens - 1) / tps
                delay = due - loop.time()
                if delay > 0:
                    await flush()
                    if await connection.pause(delay):
                        return False
            elif connection.gone:
                return False
            sent += tokens
            batch.append(data)
            size += len(data)
            if size >= _BATCH_BYTES:
                await flush()
        await flush()
        return True


def _with_end(frames: Iterable[Frame]) -> Iterator[tuple[bytes | None, int]]:
    """The frames followed by an end marker, so a fault due after the last frame still fires."""
    yield from frames
    yield None, 0


class DelayedReply:
    """A complete (non-streaming) reply sent after a delay; abandons it if the client leaves.

    ``cut`` sends only the first half of the body and then closes the connection.
    """

    def __init__(
        self,
        body: bytes,
        *,
        status: int = 200,
        media_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        delay_s: float = 0.0,
        stall: bool = False,
        cut: bool = False,
    ) -> None:
        self._body = body
        self._status = status
        self._media_type = media_type
        self._headers = dict(headers or {})
        self._delay_s = delay_s
        self._stall = stall
        self._cut = cut

    @property
    def status(self) -> int:
        """The HTTP status this reply will be sent with."""
        return self._status

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        connection = _Connection(receive)
        try:
            if self._stall:
                await connection.wait_gone()
                return
            if await connection.pause(self._delay_s):
                return
            headers = {**self._headers, "content-length": str(len(self._body))}
            await send(
                {
                    "type": "http.response.start",
                    "status": self._status,
                    "headers": _headers(self._media_type, headers),
                }
            )
            if self._cut:
                half = self._body[: len(self._body) // 2]
                await send({"type": "http.response.body", "body": half, "more_body": True})
                return
            await send({"type": "http.response.body", "body": self._body, "more_body": False})
        finally:
            connection.close()
