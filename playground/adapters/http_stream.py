"""The HTTP half shared by every adapter: send, check the status, feed bytes to a parser.

Each protocol module supplies the URL, headers, JSON body and a :class:`StreamParser` that
turns raw response bytes into events; :func:`run_stream` does the rest and guarantees the
adapter contract: ``Start`` once after a 2xx status, exactly one terminal ``Done`` or
``Error``, no exception for provider or network failure, and the response is closed on
every exit path (including cancellation, which propagates).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any
from typing import Protocol as TypingProtocol

from playground.adapters.errors import (
    SHAPE_ERRORS,
    error_from_exception,
    error_from_http,
    error_from_payload,
    protocol_error,
    shape_error,
)
from playground.endpoint import AuthKind, Endpoint, Protocol
from playground.events import Error, Start, StreamEvent

if TYPE_CHECKING:
    import httpx


class StreamParser(TypingProtocol):
    """Incremental protocol parser: bytes in, unified events out.

    ``finished`` turns True once the parser produced its terminal event; ``after_output`` is
    True once it produced text, thinking or tool-call events.
    """

    finished: bool
    after_output: bool

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        """Events completed by ``chunk`` (the last may be terminal)."""
        ...

    def finish(self) -> list[StreamEvent]:
        """End of body: remaining events plus the terminal ``Done`` or a "cut" ``Error``."""
        ...


def base_url(endpoint: Endpoint) -> str:
    """The endpoint's base URL without a trailing slash."""
    return endpoint.base_url.rstrip("/")


def request_headers(
    endpoint: Endpoint, auth: dict[str, str], drop: tuple[str, ...] = ()
) -> dict[str, str]:
    """JSON + SSE headers, the endpoint's extra headers, then the auth headers (which win).

    Names in ``drop`` are removed even if the endpoint's headers set them (an OAuth request
    must never carry ``x-api-key``).
    """
    headers = {"content-type": "application/json", "accept": "text/event-stream"}
    headers.update({k.lower(): v for k, v in endpoint.headers.items()})
    headers.update(auth)
    for name in drop:
        headers.pop(name, None)
    return headers


def bearer(endpoint: Endpoint) -> dict[str, str]:
    """``Authorization: Bearer`` for the endpoint's key, or nothing when it has none."""
    if endpoint.auth_kind is AuthKind.NONE or not endpoint.api_key:
        return {}
    return {"authorization": f"Bearer {endpoint.api_key.reveal()}"}


async def run_stream(
    *,
    client: httpx.AsyncClient,
    url: str,
    headers: Mapping[str, str],
    body: dict[str, Any],
    parser: StreamParser,
    endpoint: Endpoint,
    timeout: httpx.Timeout | None,
) -> AsyncIterator[list[StreamEvent]]:
    """POST ``body`` to ``url`` and yield the unified events of the response, in batches.

    One batch per network read keeps the per-event cost to a single generator hop (the
    adapter's own ``stream`` flattens the batches).
    """
    import httpx

    protocol = endpoint.protocol
    response: httpx.Response | None = None
    try:
        content = json.dumps(body, ensure_ascii=False).encode()
        request = client.build_request(
            "POST",
            url,
            headers=headers,
            content=content,
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
        response = await client.send(request, stream=True)
    except Exception as exc:
        yield [error_from_exception(exc, after_output=False)]
        return
    try:
        if not 200 <= response.status_code < 300:
            body_bytes = await _read_body(response)
            yield [error_from_http(response.status_code, response.headers, body_bytes, protocol)]
            return
        content_type = response.headers.get("content-type", "").lower()
        if _is_plain_json(content_type, protocol):
            body_bytes = await _read_body(response, limit=16 * 1024 * 1024)
            if not body_bytes.lstrip().startswith((b"data:", b"event:", b":")):
                yield [_non_stream_body(body_bytes, protocol)]
                return
            # A stream mislabelled as JSON (some proxies do this): parse it anyway.
            yield [Start(model=endpoint.model), *parser.feed(body_bytes)]
            if not parser.finished:
                yield parser.finish()
            return
        if "text/html" in content_type:
            yield [error_from_http(response.status_code, response.headers, b"<html>", protocol)]
            return
        yield [Start(model=endpoint.model)]
        feed = parser.feed
        async for chunk in response.aiter_bytes():
            events = feed(chunk)
            if events:
                yield events
                if parser.finished:
                    return
        yield parser.finish()
    except SHAPE_ERRORS as exc:  # e.g. an odd final event flushed at end of body
        yield [shape_error(exc, parser.after_output)]
    except Exception as exc:
        yield [error_from_exception(exc, after_output=parser.after_output)]
    finally:
        await response.aclose()


def _is_plain_json(content_type: str, protocol: Protocol) -> bool:
    """A single JSON document where a stream was expected (error bodies sent with 200)."""
    if "json" not in content_type or "ndjson" in content_type:
        return False
    return protocol is not Protocol.OLLAMA  # Ollama streams NDJSON with a json-ish type


async def _read_body(response: httpx.Response, limit: int = 256 * 1024) -> bytes:
    """Up to ``limit`` bytes of an error body; a body cut short still yields what arrived."""
    data = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) >= limit:
                break
    except Exception:
        pass
    return bytes(data)


def _non_stream_body(body: bytes, protocol: Protocol) -> Error:
    """Report a JSON body received instead of a stream (usually an error object)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return protocol_error("expected an event stream, got an unparseable body", body, False)
    if isinstance(payload, dict | list) and "error" in json.dumps(payload)[:200]:
        return error_from_payload(payload, protocol, after_output=False)
    return protocol_error("expected an event stream, got a single JSON document", body, False)
