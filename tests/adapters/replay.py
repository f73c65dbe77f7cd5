"""A loopback HTTP server that replays recorded responses, for adapter tests and benchmarks.

Queue :class:`Reply` objects; each incoming request (any method, any path) receives the
next one and is recorded in :attr:`ReplayServer.requests`. Bodies can be sent in small
random pieces to exercise the incremental decoders, cut short, or end with an abrupt
connection drop. The server is a real uvicorn + starlette app on 127.0.0.1 in a
background thread.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "conformance"


@dataclass
class Reply:
    """One scripted response."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/event-stream"
    headers: dict[str, str] = field(default_factory=dict)
    pieces: tuple[int, int] | None = None  # send the body in random pieces of this size range
    seed: int = 0
    drop_connection: bool = False  # abort the TCP connection after the body instead of ending


@dataclass
class RecordedRequest:
    """What the adapter sent."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    raw_path: bytes = b""  # the path exactly as sent (percent-encoding intact)

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Interaction:
    """One request/response pair of a go-vcr cassette."""

    request_body: Any
    url: str
    reply: Reply


def load_cassette(relative: str) -> list[Interaction]:
    """The interactions of a recorded cassette under ``tests/fixtures/conformance``."""
    data = yaml.safe_load((FIXTURES / relative).read_text(encoding="utf-8"))
    interactions = []
    for item in data["interactions"]:
        request, response = item["request"], item["response"]
        content_type = (response.get("headers") or {}).get("Content-Type", ["text/event-stream"])
        body = request.get("body") or ""
        recorded = response["body"]  # str, or bytes for a !!binary body (AWS event-stream)
        reply = Reply(
            body=recorded if isinstance(recorded, bytes) else recorded.encode(),
            status=response["code"],
            content_type=content_type[0],
        )
        interactions.append(Interaction(json.loads(body) if body else None, request["url"], reply))
    return interactions


def fixture_bytes(relative: str) -> bytes:
    """A raw recorded body under ``tests/fixtures/conformance``."""
    return (FIXTURES / relative).read_bytes()


class ReplayServer:
    """Serve queued replies on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[RecordedRequest] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST"])])
        config = uvicorn.Config(app, log_level="error", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def queue(self, *replies: Reply) -> None:
        """Append replies for the next requests."""
        self.replies.extend(replies)

    def reset(self) -> None:
        """Forget queued replies and recorded requests."""
        self.replies.clear()
        self.requests.clear()

    def start(self) -> ReplayServer:
        """Start serving and wait until the server accepts connections."""
        self._thread.start()
        for _ in range(500):
            if self._server.started:
                return self
            threading.Event().wait(0.01)
        raise RuntimeError("replay server did not start")

    def stop(self) -> None:
        """Stop the server thread."""
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append(
            RecordedRequest(
                request.method,
                request.url.path,
                request.url.query,
                {k.lower(): v for k, v in request.headers.items()},
                body,
                request.scope.get("raw_path") or b"",
            )
        )
        if not self.replies:
            return Response(b'{"error":"no reply queued"}', 599, media_type="application/json")
        reply = self.replies.popleft()
        if reply.pieces is None and not reply.drop_connection:
            return Response(
                reply.body, reply.status, headers=reply.headers, media_type=reply.content_type
            )
        return StreamingResponse(
            _pieces(reply), reply.status, headers=reply.headers, media_type=reply.content_type
        )


async def _pieces(reply: Reply) -> AsyncIterator[bytes]:
    body = reply.body
    if reply.pieces is None:
        yield body
    else:
        rng = random.Random(reply.seed)
        low, high = reply.pieces
        position = 0
        while position < len(body):
            size = rng.randint(low, high)
            yield body[position : position + size]
            position += size
            await asyncio.sleep(0)
    if reply.drop_connection:
        # An exception inside a streaming body makes uvicorn abort the connection without
        # the final chunk: the client sees an incomplete (cut) response.
        raise ConnectionAbortedError("replay: dropping the connection on purpose")
