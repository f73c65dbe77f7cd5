"""Incremental decoder for AWS ``application/vnd.amazon.eventstream`` framing (Bedrock).

Each message is: a 12-byte prelude (total length, headers length, both big-endian uint32,
then the CRC32 of those 8 bytes), the headers, the payload, and the CRC32 of everything
before it. A header is a 1-byte name length, the name, a 1-byte value type and the value
(bool true/false, byte, short, int, long, bytes, string, timestamp, uuid).

Cost is linear in the input: bytes are appended to one buffer, a message is sliced out once
when all of it has arrived, and consumed bytes are dropped from the front (O(1) amortised
for ``bytearray``), so a stream arriving one byte at a time stays cheap.

Memory is bounded: a prelude announcing a message larger than ``max_event_bytes`` raises
:class:`~playground.adapters.errors.LimitExceeded` before any of it is buffered, like the
SSE line cap. A checksum mismatch or a malformed prelude or header raises
:class:`EventStreamError` (the adapter turns it into a ``protocol`` error).
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator
from typing import Any, NamedTuple

from playground.adapters.errors import LimitExceeded
from playground.endpoint import DEFAULT_LIMITS

PRELUDE_BYTES = 12
CRC_BYTES = 4
MIN_MESSAGE_BYTES = PRELUDE_BYTES + CRC_BYTES
MAX_HEADERS_BYTES = 128 * 1024  # the limit AWS documents (and botocore enforces)
_HEADER_CACHE_SIZE = 64

_PRELUDE = struct.Struct(">III")
_UINT32 = struct.Struct(">I")
_FIXED = {
    2: struct.Struct(">b"),
    3: struct.Struct(">h"),
    4: struct.Struct(">i"),
    5: struct.Struct(">q"),
    8: struct.Struct(">q"),
}


class EventStreamError(ValueError):
    """The bytes are not valid event-stream framing (bad checksum, length or header)."""


class EventMessage(NamedTuple):
    """One decoded message: its headers (``:event-type``, ``:message-type`` …) and payload.

    Messages with identical header blocks share one ``headers`` dict: treat it as read-only.
    """

    headers: dict[str, Any]
    payload: bytes


class EventStreamDecoder:
    """Turn arbitrary byte chunks into :class:`EventMessage` objects.

    Call :meth:`feed` with each chunk as it arrives and :meth:`flush` at end of stream.
    """

    __slots__ = ("_buffer", "_headers", "_max", "_need")

    def __init__(self, max_event_bytes: int = DEFAULT_LIMITS.max_event_bytes) -> None:
        self._max = max_event_bytes
        self._buffer = bytearray()
        self._need = PRELUDE_BYTES  # bytes the next step waits for (prelude, then message)
        # Decoded header blocks by their bytes: a stream repeats a handful of them.
        self._headers: dict[bytes, dict[str, Any]] = {}

    @property
    def pending_bytes(self) -> int:
        """Bytes of an incomplete message held back (non-zero at end of body means a cut)."""
        return len(self._buffer)

    def feed(self, chunk: bytes) -> list[EventMessage]:
        """Decode ``chunk`` and return the messages it completed (possibly none)."""
        return list(self.messages(chunk))

    def messages(self, chunk: bytes) -> Iterator[EventMessage]:
        """Like :meth:`feed`, one message at a time: an error comes after the good messages
        before it."""
        buffer = self._buffer
        buffer += chunk
        while len(buffer) >= self._need:
            if self._need == PRELUDE_BYTES:
                self._need = self._check_prelude(buffer)
                continue
            total = self._need
            message = bytes(buffer[:total])
            del buffer[:total]
            self._need = PRELUDE_BYTES
            yield self._decode_message(message)

    def flush(self) -> list[EventMessage]:
        """End of stream: nothing is decoded from an incomplete message (see ``pending_bytes``)."""
        return []

    def _check_prelude(self, buffer: bytearray) -> int:
        total, headers_length, crc = _PRELUDE.unpack_from(buffer)
        if zlib.crc32(buffer[:8]) != crc:
            self._buffer = bytearray()
            raise EventStreamError("event-stream prelude checksum mismatch")
        if total < MIN_MESSAGE_BYTES or headers_length > total - MIN_MESSAGE_BYTES:
            self._buffer = bytearray()
            raise EventStreamError(
                f"event-stream prelude announces an impossible length ({total} bytes, "
                f"{headers_length} of headers)"
            )
        if headers_length > MAX_HEADERS_BYTES:
            self._buffer = bytearray()
            raise EventStreamError(
                f"event-stream headers of {headers_length:,} bytes (limit 128 KiB)"
            )
        if total > self._max:
            self._buffer = bytearray()
            raise LimitExceeded(
                f"the server announced an event-stream message of {total:,} bytes, larger than "
                f"{self._max:,}; stopped reading (raise [reliability] max_event_bytes if this "
                "is expected)"
            )
        return total

    def _decode_message(self, message: bytes) -> EventMessage:
        """Check the message CRC and split a complete message into headers and payload."""
        end = len(message) - CRC_BYTES
        if zlib.crc32(memoryview(message)[:end]) != _UINT32.unpack_from(message, end)[0]:
            raise EventStreamError("event-stream message checksum mismatch")
        headers_end = PRELUDE_BYTES + _UINT32.unpack_from(message, 4)[0]
        block = message[PRELUDE_BYTES:headers_end]
        headers = self._headers.get(block)
        if headers is None:
            headers = decode_headers(block)
            if len(self._headers) < _HEADER_CACHE_SIZE:
                self._headers[block] = headers
        return EventMessage(headers, message[headers_end:end])


def decode_headers(data: bytes) -> dict[str, Any]:
    """The headers block of a message as a dict (strings decoded, timestamps in ms)."""
    headers: dict[str, Any] = {}
    pos = 0
    end = len(data)
    try:
        while pos < end:
            name_length = data[pos]
            name = data[pos + 1 : pos + 1 + name_length].decode("utf-8")
            pos += 1 + name_length
            kind = data[pos]
            pos += 1
            value: Any
            if kind in (0, 1):
                value = kind == 0
            elif kind in _FIXED:
                fixed = _FIXED[kind]
                (value,) = fixed.unpack_from(data, pos)
                pos += fixed.size
            elif kind in (6, 7):
                length = int.from_bytes(data[pos : pos + 2], "big")
                raw = data[pos + 2 : pos + 2 + length]
                if len(raw) != length:
                    raise EventStreamError("event-stream header value runs past its block")
                value = raw.decode("utf-8") if kind == 7 else raw
                pos += 2 + length
            elif kind == 9:
                if pos + 16 > end:
                    raise EventStreamError("event-stream header value runs past its block")
                value = str(uuid.UUID(bytes=data[pos : pos + 16]))
                pos += 16
            else:
                raise EventStreamError(f"event-stream header of unknown type {kind}")
            if pos > end:
                raise EventStreamError("event-stream header value runs past its block")
            headers[name] = value
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise EventStreamError(f"malformed event-stream header ({exc})") from None
    return headers


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One message with string-valued ``headers`` (what servers and the simulator send)."""
    block = bytearray()
    for name, value in headers.items():
        name_bytes = name.encode()
        value_bytes = value.encode()
        block += bytes([len(name_bytes)]) + name_bytes + b"\x07"
        block += len(value_bytes).to_bytes(2, "big") + value_bytes
    total = PRELUDE_BYTES + len(block) + len(payload) + CRC_BYTES
    prelude = struct.pack(">II", total, len(block))
    prelude += _UINT32.pack(zlib.crc32(prelude))
    body = prelude + bytes(block) + payload
    return body + _UINT32.pack(zlib.crc32(body))
