"""A hostile HTTP server on loopback: it echoes keys, redirects, never ends lines, bombs.

A raw asyncio HTTP/1.1 server in a background thread (every byte is under the test's
control, which a framework would not allow for a gzip bomb or an endless line). The first
path segment picks the behaviour, so one server serves every mode and a config points a
provider at a mode with its ``base_url``: ``{url}/echo-401/openai/v1`` answers every request
with a 401 that repeats the key it received. The protocol family is read from the rest of the
path (``/chat/completions``, ``/v1/messages``, ``:streamGenerateContent``, ``/api/chat``,
``/responses``). Every request is recorded with its headers in :attr:`HostileServer.requests`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, quote, urlsplit

CHUNK = 64 * 1024
BOMB_BYTES = 512 * 1024 * 1024  # decoded size of the gzip bomb (about 0.5 MB on the wire)
TOOL_ARGUMENT_BYTES = 8 * 1024 * 1024
FAR_FUTURE = "Fri, 31 Dec 2099 23:59:59 GMT"


@dataclass
class SeenRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]


Writer = Callable[[asyncio.StreamWriter, SeenRequest], Awaitable[None]]


def family_of(path: str) -> str:
    """The protocol family a request path belongs to."""
    if path.endswith("/chat/completions"):
        return "openai"
    if path.endswith("/v1/messages"):
        return "anthropic"
    if ":streamGenerateContent" in path:
        return "gemini"
    if path.endswith("/api/chat"):
        return "ollama"
    if path.endswith("/responses"):
        return "openai-responses"
    return "models"


def sent_key(request: SeenRequest) -> str:
    """The credential the client sent, whichever header (or query parameter) carried it."""
    headers = request.headers
    for name in ("x-api-key", "x-goog-api-key", "api-key"):
        if headers.get(name):
            return headers[name]
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:]
    query = parse_qs(urlsplit(request.path).query)
    return query.get("key", [""])[0]


def echo_message(key: str) -> str:
    """A rejection that repeats the key whole, URL-encoded and JSON-escaped."""
    return (
        f"Incorrect API key provided: {key}. "
        f"You passed key={quote(key, safe='')} (raw {json.dumps(key)[1:-1]})"
    )


class HostileServer:
    """The server; use as a context manager. ``url`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, redirect_to: str = "") -> None:
        self.redirect_to = redirect_to
        self.requests: list[SeenRequest] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    def __enter__(self) -> HostileServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        port = future.result(10)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            mode = request.path.split("/")[1]
            await _MODES.get(mode, _not_found)(writer, request, self)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up on an endless answer: that is the point
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> SeenRequest | None:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length:
        await reader.readexactly(length)
    return SeenRequest(method, path, headers)


def _head(status: str, content_type: str, extra: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"content-type: {content_type}", "connection: close"]
    lines += [f"{name}: {value}" for name, value in (extra or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _whole(status: str, content_type: str, body: bytes, extra: dict[str, str] | None = None):
    return _head(status, content_type, {"content-length": str(len(body)), **(extra or {})}) + body


def _error_body(family: str, message: str, status: int, code: str | None = None) -> bytes:
    if family == "anthropic":
        payload = {"type": "error", "error": {"type": "authentication_error", "message": message}}
    elif family == "gemini":
        payload = {"error": {"code": status, "message": message, "status": "UNAUTHENTICATED"}}
    elif family == "ollama":
        payload = {"error": message}
    else:
        payload = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    return json.dumps(payload).encode()


async def _echo_401(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer) -> None:
    key = sent_key(request)  # the OpenAI shape also gets it as its error "code"
    body = _error_body(family_of(request.path), echo_message(key), 401, code=key)
    writer.write(_whole("401 Unauthorized", "application/json", body))


def _sse(event: str, data: object) -> bytes:
    prefix = f"event: {event}\n" if event else ""
    return f"{prefix}data: {json.dumps(data)}\n\n".encode()


def in_stream_error_body(family: str, message: str) -> tuple[str, bytes]:
    """(content type, body): one piece of text, then an error event carrying ``message``."""
    if family == "anthropic":
        start = {"type": "message_start", "message": {"id": "m", "model": "x", "usage": {}}}
        block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text"}}
        delta = {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": "partial "},
        }
        error = {"type": "error", "error": {"type": "api_error", "message": message}}
        body = (
            _sse("message_start", start)
            + _sse("content_block_start", block)
            + _sse("content_block_delta", delta)
            + _sse("error", error)
        )
        return "text/event-stream", body
    if family == "gemini":
        text = {"candidates": [{"content": {"role": "model", "parts": [{"text": "partial "}]}}]}
        error = {"error": {"code": 500, "message": message, "status": "INTERNAL"}}
        return "text/event-stream", _sse("", text) + _sse("", error)
    if family == "ollama":
        message_part = {"role": "assistant", "content": "partial "}
        text = {"model": "x", "message": message_part, "done": False}
        lines = json.dumps(text) + "\n" + json.dumps({"error": message}) + "\n"
        return "application/x-ndjson", lines.encode()
    if family == "openai-responses":
        delta = {"type": "response.output_text.delta", "delta": "partial ", "output_index": 0}
        error = {"type": "error", "code": "server_error", "message": message}
        return "text/event-stream", _sse("response.output_text.delta", delta) + _sse("error", error)
    text = {"choices": [{"index": 0, "delta": {"content": "partial "}}]}
    error = {"error": {"message": message, "type": "server_error"}}
    return "text/event-stream", _sse("", text) + _sse("", error)


async def _in_stream(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer) -> None:
    content_type, body = in_stream_error_body(
        family_of(request.path), echo_message(sent_key(request))
    )
    writer.write(_whole("200 OK", content_type, body))


async def _redirect(writer: asyncio.StreamWriter, request: SeenRequest, server: HostileServer):
    target = server.redirect_to + request.path
    writer.write(_whole("307 Temporary Redirect", "text/plain", b"", {"location": target}))


async def _same_origin_hop(
    writer: asyncio.StreamWriter, request: SeenRequest, server: HostileServer
):
    """A redirect that stays on this server (same origin): following it is harmless."""
    location = "/accept" + request.path
    writer.write(_whole("308 Permanent Redirect", "text/plain", b"", {"location": location}))


async def _accept(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer) -> None:
    """The other host: it accepts anything (a check that reaches it would look 'ok')."""
    family = family_of(request.path)
    if family == "models":
        body = json.dumps({"data": [{"id": "m"}], "models": [{"name": "m"}]}).encode()
        writer.write(_whole("200 OK", "application/json", body))
        return
    content_type, body = in_stream_error_body(family, "stolen")
    writer.write(_whole("200 OK", content_type, body))


async def _endless(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer) -> None:
    """Some text, then one line that never ends, sent as fast as the client reads."""
    family = family_of(request.path)
    content_type, body = in_stream_error_body(family, "")
    if family == "ollama":
        first = body.split(b"\n")[0] + b"\n{"
    else:
        first = body[: body.rindex(b"data: ")] + b"data: {"  # everything before the error
    writer.write(_head("200 OK", content_type) + first)
    block = b"x" * CHUNK
    while True:
        writer.write(block)
        await writer.drain()


@cache
def gzip_bomb() -> bytes:
    """``data: aaaa…`` with no newline: :data:`BOMB_BYTES` decoded, about 0.5 MB gzipped."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"a" * (4 * 1024 * 1024)
    parts = [compressor.compress(b"data: ")]
    parts += [compressor.compress(block) for _ in range(BOMB_BYTES // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


async def _bomb(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer) -> None:
    body = gzip_bomb()
    extra = {"content-encoding": "gzip", "content-length": str(len(body))}
    writer.write(_head("200 OK", "text/event-stream", extra) + body)


async def _huge_tool(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer):
    """An OpenAI tool call whose arguments never stop growing (64 KiB per chunk)."""
    start = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "lookup", "arguments": '{"q": "'},
    }
    writer.write(
        _head("200 OK", "text/event-stream")
        + _sse("", {"choices": [{"index": 0, "delta": {"tool_calls": [start]}}]})
    )
    piece = {"index": 0, "function": {"arguments": "y" * CHUNK}}
    chunk = _sse("", {"choices": [{"index": 0, "delta": {"tool_calls": [piece]}}]})
    for _ in range(TOOL_ARGUMENT_BYTES // CHUNK):
        writer.write(chunk)
        await writer.drain()


def _retry_after(value: str) -> Writer:
    async def write(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer):
        body = _error_body(family_of(request.path), "slow down", 429)
        writer.write(
            _whole("429 Too Many Requests", "application/json", body, {"retry-after": value})
        )

    return write


def _html(content_type: str) -> Writer:
    async def write(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer):
        body = b"<!DOCTYPE html><html><body><h1>Welcome to our portal</h1></body></html>"
        writer.write(_whole("200 OK", content_type, body))

    return write


async def _deep_json(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer):
    depth = 100_000
    line = b"[" * depth + b"]" * depth
    ollama = family_of(request.path) == "ollama"
    body = line + b"\n" if ollama else b"data: " + line + b"\n\n"
    writer.write(_whole("200 OK", "text/event-stream", body))


async def _not_found(writer: asyncio.StreamWriter, request: SeenRequest, _: HostileServer):
    writer.write(_whole("404 Not Found", "text/plain", b"no such mode"))


_MODES: dict[str, Callable[..., Awaitable[None]]] = {
    "echo-401": _echo_401,
    "in-stream": _in_stream,
    "redirect": _redirect,
    "accept": _accept,
    "hop": _same_origin_hop,
    "endless": _endless,
    "gzip-bomb": _bomb,
    "huge-tool": _huge_tool,
    "retry-inf": _retry_after("inf"),
    "retry-1e308": _retry_after("1e308"),
    "retry-2099": _retry_after(FAR_FUTURE),
    "html": _html("text/html; charset=utf-8"),
    "html-as-text": _html("text/plain"),
    "deep-json": _deep_json,
}

__all__ = ["HostileServer", "echo_message", "gzip_bomb", "sent_key"]
