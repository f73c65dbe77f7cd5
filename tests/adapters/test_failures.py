# ruff: noqa: E501 - recorded-style stream bodies are kept one event per line
"""Failures through the real adapters: each ends the stream with one typed Error, no raise."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest

from playground.adapters import get_stream
from playground.endpoint import Protocol
from playground.events import Error, ErrorKind, Start, TextDelta
from playground.request import ChatRequest, Message
from tests.adapters.replay import ReplayServer, Reply
from tests.adapters.streams import collect, endpoint, had_output, summarize

FAMILIES = [Protocol.OPENAI, Protocol.ANTHROPIC, Protocol.GEMINI, Protocol.OLLAMA]
ALL_PROTOCOLS = [*FAMILIES, Protocol.OPENAI_RESPONSES, Protocol.AZURE_OPENAI]
REQUEST = ChatRequest("m", [Message.user("hi")])


def ep_for(protocol: Protocol, server: ReplayServer):
    suffix = "/v1" if protocol in (Protocol.OPENAI, Protocol.OPENAI_RESPONSES) else ""
    return endpoint(protocol, server.base_url + suffix)


def error_body(protocol: Protocol, message: str, type_: str, status: int) -> bytes:
    if protocol is Protocol.ANTHROPIC:
        return json.dumps({"type": "error", "error": {"type": type_, "message": message}}).encode()
    if protocol is Protocol.GEMINI:
        error = {"code": status, "message": message, "status": type_.upper()}
        return json.dumps({"error": error}).encode()
    if protocol is Protocol.OLLAMA:
        return json.dumps({"error": message}).encode()
    return json.dumps({"error": {"message": message, "type": type_, "code": None}}).encode()


HTTP_CASES = [
    (401, {}, "invalid key", "authentication_error", ErrorKind.AUTH, None),
    (403, {}, "forbidden here", "permission_error", ErrorKind.AUTH, None),
    (404, {}, "model not found", "not_found_error", ErrorKind.NOT_FOUND, None),
    (429, {"Retry-After": "4"}, "slow down", "rate_limit_error", ErrorKind.RATE_LIMITED, 4.0),
    (429, {"retry-after-ms": "1250"}, "slow down", "rate_limit_error", ErrorKind.RATE_LIMITED, 1.25),
    (400, {}, "prompt is too long: 205426 tokens > 200000 maximum", "invalid_request_error", ErrorKind.CONTEXT_LENGTH, None),
    (500, {}, "internal trouble", "api_error", ErrorKind.SERVER, None),
    (503, {}, "busy busy", "unavailable", ErrorKind.OVERLOADED, None),
    (529, {}, "Overloaded", "overloaded_error", ErrorKind.OVERLOADED, None),
]  # fmt: skip


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
@pytest.mark.parametrize(
    ("status", "headers", "message", "type_", "kind", "retry_after"), HTTP_CASES
)
async def test_http_errors_become_typed_errors(
    protocol, status, headers, message, type_, kind, retry_after, replay, client
):
    body = error_body(protocol, message, type_, status)
    replay.queue(Reply(body, status, "application/json", headers))
    events = await collect(REQUEST, ep_for(protocol, replay), client)
    assert len(events) == 1, "no Start before a failed status"
    (error,) = events
    assert isinstance(error, Error)
    assert (error.kind, error.status, error.retry_after) == (kind, status, retry_after)
    assert message.split(":")[0] in error.message
    assert error.after_output is False


async def test_gemini_invalid_key_400_is_auth(replay, client):
    body = {
        "error": {
            "code": 400,
            "message": "API key not valid. Please pass a valid API key.",
            "status": "INVALID_ARGUMENT",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
            ],
        }
    }
    replay.queue(Reply(json.dumps(body).encode(), 400, "application/json"))
    (error,) = await collect(REQUEST, ep_for(Protocol.GEMINI, replay), client)
    assert error.kind is ErrorKind.AUTH and "API key not valid" in error.message


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
async def test_html_error_page(protocol, replay, client):
    page = b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
    replay.queue(Reply(page, 502, "text/html"))
    (error,) = await collect(REQUEST, ep_for(protocol, replay), client)
    assert error.kind is ErrorKind.PROTOCOL
    assert error.message == "HTTP 502 with an HTML page instead of JSON (proxy or gateway error?)"


MID_STREAM = {
    Protocol.OPENAI: (
        b'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'
        b'data: {"error": {"message": "The server had an error", "type": "server_error"}}\n\n',
        ErrorKind.SERVER,
    ),
    Protocol.ANTHROPIC: (
        b'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\n'
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n'
        b'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n',
        ErrorKind.OVERLOADED,
    ),
    Protocol.GEMINI: (
        b'data: {"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"},"index": 0}]}\r\n\r\n'
        b'data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}\r\n\r\n',
        ErrorKind.OVERLOADED,
    ),
    Protocol.OLLAMA: (
        b'{"model":"m","message":{"role":"assistant","content":"Hel"},"done":false}\n'
        b'{"error":"an error was encountered while running the model"}\n',
        ErrorKind.SERVER,
    ),
}  # fmt: skip


@pytest.mark.parametrize("protocol", FAMILIES)
async def test_error_inside_a_200_stream_after_output(protocol, replay, client):
    body, kind = MID_STREAM[protocol]
    replay.queue(Reply(body, pieces=(1, 9)))
    events = await collect(REQUEST, ep_for(protocol, replay), client)
    summary = summarize(events)
    assert isinstance(events[0], Start)
    assert summary.text == "Hel"
    error = summary.terminal
    assert isinstance(error, Error)
    assert (error.kind, error.after_output, error.retryable) == (kind, True, True)


COMPLETE = {
    Protocol.OPENAI: b'data: {"choices":[{"index":0,"delta":{"content":"Hello"}}]}\n\n'
    b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
    Protocol.ANTHROPIC: b'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n'
    b'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    Protocol.GEMINI: b'data: {"candidates": [{"content": {"parts": [{"text": "Hello"}]}, "finishReason": "STOP"}]}\r\n\r\n',
    Protocol.OLLAMA: b'{"message":{"role":"assistant","content":"Hello"},"done":false}\n'
    b'{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n',
}  # fmt: skip


def _cut_before_terminator(protocol: Protocol) -> bytes:
    body = COMPLETE[protocol]
    marker = {
        Protocol.OPENAI: b"data: [DONE]",
        Protocol.ANTHROPIC: b"event: message_stop",
        Protocol.GEMINI: b', "finishReason"',
        Protocol.OLLAMA: b'{"message":{"role":"assistant","content":""},"done":true',
    }[protocol]
    cut = body[: body.index(marker)]
    if protocol is Protocol.GEMINI:  # keep the text chunk, drop only the finishReason
        cut += b"}]}\r\n\r\n"
    if protocol is Protocol.OPENAI:  # also drop the finish chunk
        cut = cut[: cut.index(b'data: {"choices":[{"index":0,"delta":{},')]
    return cut


@pytest.mark.parametrize("protocol", FAMILIES)
async def test_complete_stream_finishes_with_done(protocol, replay, client):
    replay.queue(Reply(COMPLETE[protocol], pieces=(1, 5)))
    summary = summarize(await collect(REQUEST, ep_for(protocol, replay), client))
    assert summary.text == "Hello" and summary.terminal.type == "done"


@pytest.mark.parametrize("protocol", FAMILIES)
@pytest.mark.parametrize("drop_connection", [False, True])
async def test_stream_cut_without_terminator(protocol, drop_connection, replay, client):
    replay.queue(Reply(_cut_before_terminator(protocol), drop_connection=drop_connection))
    events = await collect(REQUEST, ep_for(protocol, replay), client)
    summary = summarize(events)
    assert summary.text == "Hello"
    error = summary.terminal
    assert isinstance(error, Error)
    assert error.kind is ErrorKind.NETWORK and error.after_output is True
    assert "cut" in error.message


@pytest.mark.parametrize("protocol", FAMILIES)
async def test_cut_before_any_output_is_not_after_output(protocol, replay, client):
    replay.queue(Reply(b"", drop_connection=True))
    events = await collect(REQUEST, ep_for(protocol, replay), client)
    error = summarize(events).terminal
    assert error.kind is ErrorKind.NETWORK and error.after_output is False


INVALID = {
    Protocol.OPENAI: b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {"choices": [\n\n',
    Protocol.ANTHROPIC: b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\nevent: ping\ndata: {oops}\n\n',
    Protocol.GEMINI: b'data: {"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}\r\n\r\ndata: not json\r\n\r\n',
    Protocol.OLLAMA: b'{"message":{"content":"Hi"},"done":false}\n{"message":\n',
}  # fmt: skip


@pytest.mark.parametrize("protocol", FAMILIES)
async def test_invalid_json_in_a_chunk_is_a_protocol_error(protocol, replay, client):
    replay.queue(Reply(INVALID[protocol]))
    summary = summarize(await collect(REQUEST, ep_for(protocol, replay), client))
    assert summary.text == "Hi"
    error = summary.terminal
    assert error.kind is ErrorKind.PROTOCOL and error.after_output is True
    assert "invalid JSON" in error.message


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
async def test_unreachable_url_is_a_network_error(protocol, client):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ep = endpoint(protocol, f"http://127.0.0.1:{port}")
    (error,) = await collect(REQUEST, ep, client)
    assert (error.kind, error.retryable, error.after_output) == (ErrorKind.NETWORK, True, False)
    assert error.message.startswith(f"could not connect to 127.0.0.1:{port}")


async def test_json_error_body_with_status_200_is_reported(replay, client):
    body = json.dumps({"error": {"message": "Invalid model", "type": "invalid_request_error"}})
    replay.queue(Reply(body.encode(), 200, "application/json"))
    (error,) = await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client)
    assert error.kind is ErrorKind.BAD_REQUEST and error.message == "Invalid model"


async def test_read_timeout_is_a_timeout_error():
    async def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        (error,) = await collect(REQUEST, endpoint(Protocol.OPENAI, "http://test/v1"), client)
    assert error.kind is ErrorKind.TIMEOUT and error.retryable


class _Endless(httpx.AsyncByteStream):
    """One chunk, then waits forever; records whether the client closed it."""

    def __init__(self, first: bytes) -> None:
        self.first = first
        self.closed = False

    async def __aiter__(self):
        yield self.first
        await asyncio.Event().wait()

    async def aclose(self) -> None:
        self.closed = True


def _endless_client(stream: _Endless) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


FIRST = b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'


async def test_consumer_stopping_early_closes_the_response():
    body = _Endless(FIRST)
    async with _endless_client(body) as client:
        stream = get_stream(Protocol.OPENAI)(REQUEST, endpoint("openai", "http://t/v1"), client)
        async for event in stream:
            if isinstance(event, TextDelta):
                break
        await stream.aclose()
    assert body.closed


async def test_cancellation_propagates_and_closes_the_response():
    body = _Endless(FIRST)
    seen: list[object] = []
    async with _endless_client(body) as client:

        async def consume() -> None:
            ep = endpoint("openai", "http://t/v1")
            async for event in get_stream(Protocol.OPENAI)(REQUEST, ep, client):
                seen.append(event)

        task = asyncio.create_task(consume())
        while not any(isinstance(e, TextDelta) for e in seen):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert body.closed
    assert not any(isinstance(e, Error) for e in seen)


def test_had_output_helper_sees_output_events():
    assert had_output([TextDelta("x")]) and not had_output([Start()])


async def test_stream_mislabelled_as_json_is_still_parsed(replay, client):
    replay.queue(Reply(COMPLETE[Protocol.OPENAI], 200, "application/json"))
    summary = summarize(await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client))
    assert summary.text == "Hello" and summary.terminal.type == "done"


async def test_single_json_document_instead_of_a_stream_is_a_protocol_error(replay, client):
    replay.queue(Reply(b'{"id": "x", "choices": []}', 200, "application/json"))
    (error,) = await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client)
    assert error.kind is ErrorKind.PROTOCOL and "single JSON document" in error.message


async def test_html_page_with_status_200_is_a_protocol_error(replay, client):
    replay.queue(Reply(b"<html><body>Sign in to the hotel Wi-Fi</body></html>", 200, "text/html"))
    (error,) = await collect(REQUEST, ep_for(Protocol.ANTHROPIC, replay), client)
    assert error.kind is ErrorKind.PROTOCOL and "HTML page instead of JSON" in error.message
    assert error.retryable is False


async def test_timeout_argument_reaches_the_request():
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=FIRST)

    timeout = httpx.Timeout(3.0, connect=1.5)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        stream = get_stream(Protocol.OPENAI)
        events = [
            e
            async for e in stream(
                REQUEST, endpoint("openai", "http://t/v1"), client, timeout=timeout
            )
        ]
    assert seen == [{"connect": 1.5, "read": 3.0, "write": 3.0, "pool": 3.0}]
    assert events[-1].kind is ErrorKind.NETWORK  # the body ended without [DONE]


WRONG_SHAPE = {
    Protocol.OPENAI: b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {"choices": "nope"}\n\n',
    Protocol.ANTHROPIC: b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":"nope"}\n\n',
    Protocol.GEMINI: b'data: {"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}\r\n\r\ndata: {"candidates": [null]}\r\n\r\n',
    Protocol.OLLAMA: b'{"message":{"content":"Hi"},"done":false}\n{"message":"nope"}\n',
}  # fmt: skip


@pytest.mark.parametrize("protocol", FAMILIES)
async def test_valid_json_of_the_wrong_shape_is_a_protocol_error(protocol, replay, client):
    replay.queue(Reply(WRONG_SHAPE[protocol]))
    summary = summarize(await collect(REQUEST, ep_for(protocol, replay), client))
    assert summary.text == "Hi"
    error = summary.terminal
    assert error.kind is ErrorKind.PROTOCOL and error.after_output
    assert error.message.startswith("unexpected content in the stream")


async def test_a_200_plain_text_body_that_is_not_a_stream_is_a_protocol_error(replay, client):
    replay.queue(Reply(b"Service temporarily moved, see the status page.", 200, "text/plain"))
    (error,) = await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client)
    assert error.kind is ErrorKind.PROTOCOL
    assert "expected an event stream, got text/plain" in error.message


async def test_a_stream_sent_as_text_plain_is_still_parsed(replay, client):
    body = b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n' + (
        b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )
    replay.queue(Reply(body, 200, "text/plain; charset=utf-8"))
    summary = summarize(await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client))
    assert summary.text == "Hi" and summary.terminal.type == "done"


async def test_a_gzipped_stream_is_decoded(replay, client):
    import gzip

    body = b'data: {"choices":[{"index":0,"delta":{"content":"zipped"}}]}\n\ndata: [DONE]\n\n'
    replay.queue(Reply(gzip.compress(body), 200, headers={"content-encoding": "gzip"}))
    summary = summarize(await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client))
    assert summary.text == "zipped" and summary.terminal.type == "done"


def _sse_lines(*events: tuple[str, dict]) -> bytes:
    return b"".join(
        (f"event: {name}\n" if name else "").encode()
        + b"data: "
        + json.dumps(data).encode()
        + b"\n\n"
        for name, data in events
    )


_BIG = "y" * 800  # two of these break a 1 KiB cap
_TOOL_STREAMS = {
    "openai_chat": _sse_lines(
        ("", {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "c", "function": {"name": "f", "arguments": _BIG}}]}}]}),
        ("", {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": _BIG}}]}}]}),
    ),
    "anthropic_messages": _sse_lines(
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "c", "name": "f", "input": {}}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": _BIG}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": _BIG}}),
    ),
    "openai_responses": _sse_lines(
        ("response.output_item.added", {"type": "response.output_item.added", "item": {"type": "function_call", "id": "i", "call_id": "c", "name": "f"}}),
        ("response.function_call_arguments.delta", {"type": "response.function_call_arguments.delta", "item_id": "i", "delta": _BIG}),
        ("response.function_call_arguments.delta", {"type": "response.function_call_arguments.delta", "item_id": "i", "delta": _BIG}),
    ),
    "gemini": _sse_lines(
        ("", {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": {"q": _BIG * 2}}}]}}]}),
    ),
    "ollama": json.dumps({"message": {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": {"q": _BIG * 2}}}]}, "done": False}).encode() + b"\n",
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(_TOOL_STREAMS))
def test_tool_call_arguments_over_the_cap_end_in_a_protocol_error(module: str) -> None:
    from importlib import import_module

    from playground.adapters.frame_parser import FrameParser
    from playground.endpoint import StreamLimits

    adapter = import_module(f"playground.adapters.{module}")
    [parser_type] = [
        v for v in vars(adapter).values()
        if isinstance(v, type) and issubclass(v, FrameParser) and v is not FrameParser
    ]  # fmt: skip
    parser = parser_type(StreamLimits(max_tool_arguments_bytes=1024))
    events = parser.feed(_TOOL_STREAMS[module])
    error = events[-1]
    assert isinstance(error, Error) and parser.finished
    assert error.kind is ErrorKind.PROTOCOL and error.after_output is True
    assert "grew past 1,024 bytes" in error.message
    assert parser_type().feed(_TOOL_STREAMS[module])[-1].type != "error"  # default: 1 MiB


async def test_a_200_error_object_sent_as_text_plain_is_classified(replay, client):
    body = json.dumps({"error": {"message": "Rate limit exceeded", "type": "rate_limit_error"}})
    replay.queue(Reply(body.encode(), 200, "text/plain"))
    (error,) = await collect(REQUEST, ep_for(Protocol.OPENAI, replay), client)
    assert error.kind is ErrorKind.RATE_LIMITED and error.message == "Rate limit exceeded"
