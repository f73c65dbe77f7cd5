"""What every simulated protocol family provides, and the pieces they share."""

from __future__ import annotations

import base64
import binascii
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from playground.sim.conversation import Conversation
from playground.sim.scripts import Script
from playground.sim.streaming import Frame

JsonObject = dict[str, Any]


class BadRequest(ValueError):
    """The request body is not acceptable; the message is the provider-style explanation."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass(slots=True)
class Exchange:
    """One request being answered: what the client asked for and the ids of the answer."""

    model_id: str
    request_id: str
    created: int
    body: JsonObject
    credential: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """An HTTP error answer: status, JSON body and extra headers."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


def dumps(value: Any) -> str:
    """Compact JSON as the real APIs send it (no spaces, UTF-8 left unescaped)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=8192)
def json_string(text: str) -> bytes:
    """A JSON string literal as bytes; cached because streamed words repeat a lot."""
    return json.dumps(text, ensure_ascii=False).encode()


def retry_after_text(seconds: float) -> str:
    """Seconds as a header value: ``1`` for whole numbers, ``0.25`` otherwise."""
    return str(int(seconds)) if seconds == int(seconds) else f"{seconds:g}"


def retry_headers(
    status: int, retry_after: float | None, *, millis: bool = False
) -> dict[str, str]:
    """``retry-after`` (and ``retry-after-ms`` with ``millis``) for a retryable status."""
    if retry_after is None or status not in (429, 500, 503, 529):
        return {}
    headers = {"retry-after": retry_after_text(retry_after)}
    if millis:
        headers["retry-after-ms"] = str(int(retry_after * 1000))
    return headers


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer`` header (maybe empty), or None without one."""
    auth = headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def is_rejected_key(key: str) -> bool:
    """Keys containing ``invalid`` or ``revoked`` are refused by every family."""
    return "invalid" in key or "revoked" in key


def overflow_tokens(limit: int, detail: str) -> int:
    """The token count a context-overflow error reports: ``detail`` tokens over ``limit``."""
    return limit + max(1, int(detail or 0))


def decoded_size(data_b64: str) -> int | None:
    """Decoded byte size of base64 data, or None when it is not valid base64."""
    try:
        return len(base64.b64decode(data_b64, validate=False))
    except (binascii.Error, ValueError):
        return None


def sniff_image_type(data_b64: str) -> str:
    """The media type of base64 image data, from its magic bytes (Ollama sends no type)."""
    try:
        head = base64.b64decode(data_b64[:24] + "=" * (-len(data_b64[:24]) % 4))
    except (binascii.Error, ValueError):
        return "application/octet-stream"
    for magic, media_type in (
        (b"\x89PNG", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"BM", "image/bmp"),
    ):
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def data_url_parts(url: str) -> tuple[str, int | None] | None:
    """``(media_type, byte_size)`` of a ``data:`` URL, or None for other URLs."""
    if not url.startswith("data:"):
        return None
    header, _, data = url[5:].partition(",")
    media_type = header.split(";")[0] or "application/octet-stream"
    return media_type, decoded_size(data) if ";base64" in header else len(data)


class Family(ABC):
    """A protocol family as the simulator serves it."""

    name: str
    stream_media_type: str

    @abstractmethod
    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        """The credential the request carries, if any."""

    def auth_error(self, exchange: Exchange) -> ErrorReply | None:
        """The family's auth failure for this request, or None when it may pass."""
        key = exchange.credential
        if key and is_rejected_key(key):
            return self.error("401", exchange)
        return None

    @abstractmethod
    def parse(self, body: JsonObject) -> Conversation:
        """Read the neutral conversation from a request body (raises :class:`BadRequest`)."""

    def wants_stream(self, body: JsonObject) -> bool:
        """Whether the body asks for a streamed answer (``"stream": true`` by default)."""
        return body.get("stream") is True

    @abstractmethod
    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        """The streamed answer, frame by frame."""

    @abstractmethod
    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        """The non-streamed answer body."""

    @abstractmethod
    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        """An HTTP error of ``kind``: ``429 500 503 529 401 403 400ctx 404 400 midstream``.

        ``detail`` is the message for a plain ``400`` and the input token count for ``400ctx``.
        """

    @abstractmethod
    def stream_error_event(self, exchange: Exchange) -> bytes:
        """The family's in-stream error event (sent after HTTP 200)."""

    @abstractmethod
    def malformed_chunk(self, exchange: Exchange) -> bytes:
        """A chunk that is not valid JSON, framed like the family's real chunks."""

    @abstractmethod
    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        """The body of the family's model-list (key check) endpoint."""

    def stream_content_type(self, exchange: Exchange) -> str:
        """The content type of a streamed answer."""
        return self.stream_media_type

    def response_headers(self, exchange: Exchange) -> dict[str, str]:
        """Headers the real API sends on every response."""
        return {}
