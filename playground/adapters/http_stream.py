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

from playground.adapters.body_stream import bounded_body
from playground.adapters.errors import (
    SHAPE_ERRORS,
    error_from_exception,
    error_from_http,
    error_from_payload,
    protocol_error,
    redirect_error,
    shape_error,
)
from playground.adapters.rate_limits import RateLimits, parse_rate_limits
from playground.adapters.read_pacing import READ_PACE
from playground.endpoint import AuthKind, Endpoint, Protocol, scrubber_for
from playground.events import Done, Error, Start, StreamEvent

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


def encode_json_body(body: dict[str, Any]) -> bytes:
    """The exact bytes :func:`run_stream` sends for ``body`` (what a SigV4 signature covers)."""
    return json.dumps(body, ensure_ascii=False).encode()


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
    adapter's own ``stream`` flattens the batches). A terminal ``Error`` has every credential
    of the endpoint masked in its message (providers echo keys back); a redirect is never
    followed (it could carry the credentials to another host).
    """
    import httpx

    protocol = endpoint.protocol
    response: httpx.Response | None = None
    pace = READ_PACE.get()  # a UI's coalesced reads: see playground.adapters.read_pacing
    if pace is not None:
        pace.output_started = False  # until this request's first output, read at once
    try:
        content = encode_json_body(body)
        request = client.build_request(
            "POST",
            url,
            headers=headers,
            content=content,
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
        response = await client.send(request, stream=True, follow_redirects=False)
    except Exception as exc:
        yield [_scrubbed(error_from_exception(exc, after_output=False), endpoint)]
        return
    try:
        status = response.status_code
        if 300 <= status < 400 and status != 304:
            yield [redirect_error(status, response.headers.get("location", ""))]
            return
        if not 200 <= status < 300:
            body_bytes = await _read_body(response)
            error = error_from_http(status, response.headers, body_bytes, protocol)
            if status == 429:
                error.rate_limits = parse_rate_limits(response.headers)
            yield [_scrubbed(error, endpoint)]
            return
        limits = parse_rate_limits(response.headers)
        content_type = response.headers.get("content-type", "").lower()
        chunks = bounded_body(response)
        if _is_plain_json(content_type, protocol):
            body_bytes = await _read_body(response, endpoint.limits.max_event_bytes, chunks)
            if not body_bytes.lstrip().startswith((b"data:", b"event:", b":")):
                yield [_scrubbed(_non_stream_body(body_bytes, protocol), endpoint)]
                return
            # A stream mislabelled as JSON (some proxies do this): parse it anyway.
            events = [Start(model=endpoint.model, rate_limits=limits), *parser.feed(body_bytes)]
            if not parser.finished:
                events += parser.finish()
            yield _scrub_last(events, endpoint, limits)
            return
        if "text/html" in content_type:
            yield [error_from_http(status, response.headers, b"<html>", protocol)]
            return
        head = b""
        if not _is_stream_type(content_type, protocol):
            # Not the stream type: look at the start of the body before trusting it.
            head, chunks = await _peek(chunks)
            problem = _not_a_stream(head, content_type, protocol)
            if problem is not None:
                if head.lstrip()[:1] in (b"{", b"["):  # a JSON document, likely an error
                    rest = await _read_body(response, 256 * 1024, chunks)
                    problem = _non_stream_body(head + rest, protocol)
                yield [_scrubbed(problem, endpoint)]
                return
        yield [Start(model=endpoint.model, rate_limits=limits)]
        feed = parser.feed
        if head:
            events = feed(head)
            if events:
                yield _scrub_last(events, endpoint, limits)
                if parser.finished:
                    return
        async for chunk in chunks:
            events = feed(chunk)
            if events:
                if parser.finished:
                    yield _scrub_last(events, endpoint, limits)
                    return
                if pace is not None and parser.after_output:
                    pace.output_started = True  # from now on reads may be coalesced
                yield events
        yield _scrub_last(parser.finish(), endpoint, limits)
    except SHAPE_ERRORS as exc:  # e.g. an odd final event flushed at end of body
        yield [_scrubbed(shape_error(exc, parser.after_output), endpoint)]
    except Exception as exc:
        yield [_scrubbed(error_from_exception(exc, after_output=parser.after_output), endpoint)]
    finally:
        await response.aclose()


def _scrubbed(error: Error, endpoint: Endpoint) -> Error:
    """``error`` with every credential of ``endpoint`` masked in its provider-supplied text."""
    scrubber = scrubber_for([endpoint])
    error.message = scrubber.scrub(error.message)
    if error.provider_code:
        error.provider_code = scrubber.scrub(error.provider_code)
    return error


def _scrub_last(
    events: list[StreamEvent], endpoint: Endpoint, limits: RateLimits | None = None
) -> list[StreamEvent]:
    """Scrub the batch's terminal event when it is an ``Error`` (it ends every batch); a
    terminal ``Done`` gets the response's rate-limit headroom ``limits``."""
    if events:
        last = events[-1]
        if type(last) is Error:
            _scrubbed(last, endpoint)  # type: ignore[arg-type]
        elif type(last) is Done:
            last.rate_limits = limits  # type: ignore[union-attr]
    return events


def _is_stream_type(content_type: str, protocol: Protocol) -> bool:
    """Whether ``content_type`` is what the protocol streams (SSE, or NDJSON for Ollama)."""
    if "text/event-stream" in content_type:
        return True
    if protocol is Protocol.BEDROCK:
        return "vnd.amazon.eventstream" in content_type
    return protocol is Protocol.OLLAMA and ("ndjson" in content_type or "json" in content_type)


async def _peek(chunks: AsyncIterator[bytes]) -> tuple[bytes, AsyncIterator[bytes]]:
    """The first non-empty chunk of ``chunks`` and the iterator for the rest."""
    async for chunk in chunks:
        if chunk:
            return chunk, chunks
    return b"", chunks


_SSE_STARTS = (b"data:", b"event:", b":", b"id:", b"retry:", b"error:")


def _not_a_stream(head: bytes, content_type: str, protocol: Protocol) -> Error | None:
    """An error when a body of an unexpected content type does not start like a stream."""
    text = head.lstrip()
    if not text:
        return None  # empty so far: the parser reports an empty or cut stream
    label = content_type.split(";")[0].strip() or "no content type"
    if text[:1] == b"<":
        message = f"HTTP 200 with an HTML page ({label}) instead of a stream (proxy or portal?)"
        return protocol_error(message, b"", False)
    if protocol is Protocol.OLLAMA:
        looks_like_stream = text[:1] == b"{"
    else:
        looks_like_stream = text.startswith(_SSE_STARTS)
    if looks_like_stream:
        return None
    return protocol_error(f"expected an event stream, got {label}", head[:120], False)


def _is_plain_json(content_type: str, protocol: Protocol) -> bool:
    """A single JSON document where a stream was expected (error bodies sent with 200)."""
    if "json" not in content_type or "ndjson" in content_type:
        return False
    return protocol is not Protocol.OLLAMA  # Ollama streams NDJSON with a json-ish type


async def _read_body(
    response: httpx.Response,
    limit: int = 256 * 1024,
    chunks: AsyncIterator[bytes] | None = None,
) -> bytes:
    """Up to ``limit`` decoded bytes of a body; a body cut short still yields what arrived."""
    data = bytearray()
    try:
        async for chunk in chunks or bounded_body(response):
            data += chunk
            if len(data) >= limit:
                break
    except Exception:
        pass
    return bytes(data[:limit])


def _non_stream_body(body: bytes, protocol: Protocol) -> Error:
    """Report a JSON body received instead of a stream (usually an error object)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return protocol_error("expected an event stream, got an unparseable body", body, False)
    if isinstance(payload, dict | list) and "error" in json.dumps(payload)[:200]:
        return error_from_payload(payload, protocol, after_output=False)
    return protocol_error("expected an event stream, got a single JSON document", body, False)
