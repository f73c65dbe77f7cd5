"""The AWS event-stream decoder: checksums, byte-by-byte feeding, the size cap."""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from pathlib import Path

import pytest
import yaml

from playground.adapters.errors import LimitExceeded
from playground.adapters.eventstream import (
    EventStreamDecoder,
    EventStreamError,
    decode_headers,
    encode_message,
)

RECORDED = (
    Path(__file__).resolve().parent.parent
    / "fixtures/conformance/recorded/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5"
    / "tool_streaming.yaml"
)


def recorded_body() -> bytes:
    """The first response body of a real Bedrock recording (bytes from the cassette)."""
    data = yaml.safe_load(RECORDED.read_text(encoding="utf-8"))
    body = data["interactions"][0]["response"]["body"]
    assert isinstance(body, bytes)
    return body


def test_recorded_stream_decodes_to_checked_messages() -> None:
    messages = EventStreamDecoder().feed(recorded_body())
    assert len(messages) == 10
    first = messages[0]
    assert first.headers == {
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    inner = json.loads(base64.b64decode(json.loads(first.payload)["bytes"]))
    assert inner["type"] == "message_start"
    last = json.loads(base64.b64decode(json.loads(messages[-1].payload)["bytes"]))
    assert last["type"] == "message_stop"
    assert last["amazon-bedrock-invocationMetrics"]["outputTokenCount"] == 54


def test_split_at_every_byte_boundary_gives_the_same_messages() -> None:
    body = recorded_body()[:2000]
    whole = EventStreamDecoder().feed(body)
    assert len(whole) >= 3
    for cut in range(1, len(body)):
        decoder = EventStreamDecoder()
        assert decoder.feed(body[:cut]) + decoder.feed(body[cut:]) == whole


def test_one_byte_feeds_are_linear() -> None:
    payload = b"x" * 200_000
    body = encode_message({":event-type": "big"}, payload) * 4
    decoder = EventStreamDecoder()
    start = time.perf_counter()
    out = [m for i in range(len(body)) for m in decoder.feed(body[i : i + 1])]
    elapsed = time.perf_counter() - start
    assert [m.payload for m in out] == [payload] * 4
    assert decoder.pending_bytes == 0
    # 800 kB one byte at a time: quadratic buffering would take minutes.
    assert elapsed < 10


def test_message_crc_mismatch_is_refused() -> None:
    frame = bytearray(encode_message({":event-type": "messageStop"}, b'{"stopReason":"end_turn"}'))
    frame[-6] ^= 0x01  # one payload bit
    with pytest.raises(EventStreamError, match="message checksum"):
        EventStreamDecoder().feed(bytes(frame))


def test_prelude_crc_mismatch_is_refused_before_buffering() -> None:
    frame = bytearray(encode_message({":event-type": "x"}, b"{}"))
    frame[3] ^= 0x01  # the total length
    with pytest.raises(EventStreamError, match="prelude checksum"):
        EventStreamDecoder().feed(bytes(frame[:12]))


def test_frame_larger_than_the_cap_is_refused_from_its_prelude() -> None:
    prelude = struct.pack(">II", 64 * 1024 * 1024, 0)
    prelude += struct.pack(">I", zlib.crc32(prelude))
    decoder = EventStreamDecoder(max_event_bytes=1024 * 1024)
    with pytest.raises(LimitExceeded, match="67,108,864 bytes"):
        decoder.feed(prelude)
    assert decoder.pending_bytes == 0


def test_frame_at_the_cap_is_accepted() -> None:
    frame = encode_message({}, b"y" * 100)
    assert EventStreamDecoder(max_event_bytes=len(frame)).feed(frame)[0].payload == b"y" * 100
    with pytest.raises(LimitExceeded):
        EventStreamDecoder(max_event_bytes=len(frame) - 1).feed(frame)


def test_impossible_header_length_is_refused() -> None:
    prelude = struct.pack(">II", 20, 50)
    prelude += struct.pack(">I", zlib.crc32(prelude))
    with pytest.raises(EventStreamError, match="impossible length"):
        EventStreamDecoder().feed(prelude)


def test_every_header_type_decodes() -> None:
    block = b"".join(
        [
            b"\x01t\x00",
            b"\x01f\x01",
            b"\x01b\x02\xff",
            b"\x01s\x03" + struct.pack(">h", -2),
            b"\x01i\x04" + struct.pack(">i", 70000),
            b"\x01l\x05" + struct.pack(">q", 2**40),
            b"\x01y\x06\x00\x02ab",
            b"\x01g\x07\x00\x03abc",
            b"\x01d\x08" + struct.pack(">q", 1_700_000_000_000),
            b"\x01u\x09" + bytes(range(16)),
        ]
    )
    assert decode_headers(block) == {
        "t": True,
        "f": False,
        "b": -1,
        "s": -2,
        "i": 70000,
        "l": 2**40,
        "y": b"ab",
        "g": "abc",
        "d": 1_700_000_000_000,
        "u": "00010203-0405-0607-0809-0a0b0c0d0e0f",
    }


@pytest.mark.parametrize(
    "block",
    [b"\x01a\x07\x00\x09ab", b"\x01a\x0f", b"\x05ab", b"\x01a\x04\x00"],
    ids=["string-past-end", "unknown-type", "name-past-end", "int-past-end"],
)
def test_malformed_headers_are_refused(block: bytes) -> None:
    with pytest.raises(EventStreamError):
        decode_headers(block)


def test_same_messages_as_botocores_parser() -> None:
    eventstream = pytest.importorskip("botocore.eventstream")
    body = recorded_body()
    theirs = eventstream.EventStreamBuffer()
    theirs.add_data(body)
    expected = [(m.headers, m.payload) for m in theirs]
    assert [(m.headers, m.payload) for m in EventStreamDecoder().feed(body)] == expected
