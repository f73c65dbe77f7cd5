"""The incremental SSE and NDJSON decoders: framing rules, chunk boundaries, linear cost."""

from __future__ import annotations

import time

import pytest

from playground.adapters.errors import LimitExceeded
from playground.adapters.ndjson import NDJSONDecoder, aiter_ndjson
from playground.adapters.sse import SSEDecoder, SSEEvent, aiter_sse


def decode(chunks: list[bytes]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events = [e for chunk in chunks for e in decoder.feed(chunk)]
    return events + decoder.flush()


def byte_by_byte(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


@pytest.mark.parametrize("newline", [b"\n", b"\r", b"\r\n"])
def test_every_line_ending_frames_events(newline: bytes):
    data = newline.join([b"event: a", b"data: one", b"", b"data: two", b"", b""])
    for chunks in ([data], byte_by_byte(data)):
        events = decode(chunks)
        assert [(e.event, e.data) for e in events] == [("a", "one"), ("", "two")]


def test_cr_at_end_of_one_chunk_and_lf_at_start_of_next_is_one_line_break():
    events = decode([b"data: x\r", b"\ndata: y\r", b"\n\r", b"\n"])
    assert [e.data for e in events] == ["x\ny"]


def test_multi_line_data_is_joined_with_newlines():
    assert [e.data for e in decode([b"data: a\ndata: b\ndata:\ndata:  c\n\n"])] == ["a\nb\n\n c"]


def test_comments_are_skipped_and_id_retry_recorded():
    events = decode([b": OPENROUTER PROCESSING\n\n:keep-alive\nid: 7\nretry: 1500\ndata: x\n\n"])
    assert len(events) == 1
    assert (events[0].data, events[0].id, events[0].retry) == ("x", "7", 1500)


def test_final_event_without_trailing_blank_line_is_delivered_at_eof():
    assert [e.data for e in decode([b"data: a\n\ndata: last"])] == ["a", "last"]
    assert [e.data for e in decode([b"data: a\n\ndata: last\n"])] == ["a", "last"]


def test_gemini_crlf_framing_in_random_pieces():
    data = b"".join(b'data: {"n": %d}\r\n\r\n' % i for i in range(50))
    pieces = [data[i : i + 7] for i in range(0, len(data), 7)]
    assert [e.data for e in decode(pieces)] == [f'{{"n": {i}}}' for i in range(50)]


def test_field_without_colon_and_without_space():
    events = decode([b"data\ndata:x\n\n"])
    assert [e.data for e in events] == ["\nx"]


def test_legacy_llama_cpp_error_field_becomes_an_error_event():
    (event,) = decode([b'error: {"code":400,"message":"too long"}\n\n'])
    assert event.event == "error" and '"too long"' in event.data


def test_utf8_split_across_chunks_survives():
    data = "data: Grüße 40°C\n\n".encode()
    assert [e.data for e in decode(byte_by_byte(data))] == ["Grüße 40°C"]


def _feed_time(decoder_type: type, data: bytes) -> tuple[float, list]:
    """Seconds to feed ``data`` one byte at a time, and what the decoder produced."""
    decoder = decoder_type()
    feed = decoder.feed
    produced = []
    start = time.perf_counter()
    for i in range(len(data)):
        produced += feed(data[i : i + 1])
    return time.perf_counter() - start, produced


def test_sse_one_mib_event_in_one_byte_reads_stays_linear():
    small = b"data: " + b"x" * (64 * 1024) + b"\n\n"
    big = b"data: " + b"x" * (1024 * 1024) + b"\n\n"
    per_byte_small = min(_feed_time(SSEDecoder, small)[0] for _ in range(2)) / len(small)
    seconds, events = _feed_time(SSEDecoder, big)
    assert len(events) == 1 and len(events[0].data) == 1024 * 1024
    # Quadratic rescanning would make the 16× larger event ~16× costlier per byte.
    assert seconds / len(big) < 4 * per_byte_small


def test_ndjson_large_line_in_one_byte_reads_stays_linear():
    small = b'{"a":"' + b"x" * (16 * 1024) + b'"}\n'
    big = b'{"a":"' + b"x" * (256 * 1024) + b'"}\n'
    per_byte_small = min(_feed_time(NDJSONDecoder, small)[0] for _ in range(2)) / len(small)
    per_byte_big = _feed_time(NDJSONDecoder, big)[0] / len(big)
    assert per_byte_big < 4 * per_byte_small


def test_ndjson_lines_split_anywhere_crlf_and_blank_lines_and_no_final_newline():
    data = b'{"a":1}\r\n\n{"b":2}\n  \n{"c":3}'
    for chunks in ([data], byte_by_byte(data)):
        decoder = NDJSONDecoder()
        lines = [line for chunk in chunks for line in decoder.feed(chunk)] + decoder.flush()
        assert lines == [b'{"a":1}', b'{"b":2}', b'{"c":3}']


async def test_async_wrappers_decode_an_async_byte_stream():
    async def chunks(parts: list[bytes]):
        for part in parts:
            yield part

    sse = [e.data async for e in aiter_sse(chunks([b"data: a\n", b"\ndata: b"]))]
    assert sse == ["a", "b"]
    lines = [line async for line in aiter_ndjson(chunks([b'{"x"', b":1}\n{}"]))]
    assert lines == [b'{"x":1}', b"{}"]


def test_id_and_retry_belong_to_the_event_they_were_sent_with():
    events = decode([b"data: a\n\nid: 1\ndata: b\n\nid: 2\nretry: 10\ndata: c\n\ndata: d"])
    assert [(e.data, e.id, e.retry) for e in events] == [
        ("a", None, None),
        ("b", "1", None),
        ("c", "2", 10),
        ("d", "2", 10),  # the last event id persists, as the spec says
    ]


def test_chunk_json_parser_accepts_padding_and_raises_value_error_on_garbage():
    from playground.adapters.json_scan import loads

    assert loads('{"type":"message_stop"      }') == {"type": "message_stop"}
    assert loads('{"a": [1, 2]}   ') == {"a": [1, 2]}
    assert loads('  {"a": 1}') == {"a": 1}
    assert loads("null") is None
    for bad in ('{"choices": [', "{oops}", "not json", ""):
        with pytest.raises(ValueError):
            loads(bad)


def test_id_bookkeeping_does_not_grow_when_only_pairs_are_used():
    decoder = SSEDecoder()
    for i in range(1000):
        assert decoder.feed_pairs(f"id: {i}\ndata: x\n\n".encode()) == [("", "x")]
    assert len(decoder._meta or []) <= 1


# --- size caps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: " + b"x" * 600],  # one read, no newline
        [b"data: " + b"x" * 100] * 7,  # many reads, no newline
        [b"data: " + b"x" * 600 + b"\n\n"],  # a complete line over the cap in one read
        [b"data: " + b"x" * 300 + b"\n", b"data: " + b"x" * 300 + b"\n"],  # event over the cap
        [b": comment " + b"x" * 600],  # even a comment cannot grow without limit
    ],
)
def test_sse_line_or_event_over_the_cap_raises_limit_exceeded(chunks: list[bytes]) -> None:
    decoder = SSEDecoder(max_event_bytes=512)
    with pytest.raises(LimitExceeded, match="larger than 512 bytes"):
        for chunk in chunks:
            decoder.feed_pairs(chunk)


def test_sse_events_up_to_the_cap_pass_and_the_count_restarts_per_event() -> None:
    decoder = SSEDecoder(max_event_bytes=512)
    event = b"data: " + b"x" * 400 + b"\n\n"
    assert len(decoder.feed_pairs(event * 3)) == 3
    assert len(decoder.feed(b"data: a\n" + b"data: b\n\n")) == 1


@pytest.mark.parametrize(
    "chunks",
    [[b"{" + b"x" * 600], [b"{" + b"x" * 100] * 7, [b"{" + b"x" * 600 + b"}\n"]],
)
def test_ndjson_line_over_the_cap_raises_limit_exceeded(chunks: list[bytes]) -> None:
    decoder = NDJSONDecoder(max_line_bytes=512)
    with pytest.raises(LimitExceeded, match="larger than 512 bytes"):
        for chunk in chunks:
            decoder.feed(chunk)
    assert NDJSONDecoder(max_line_bytes=512).feed(b"{" + b"x" * 500 + b"}\n") != []
