"""The single place that turns provider and network failures into typed ``Error`` events.

The reliability router decides retry / key rotation / fallback from ``Error.kind``,
``retryable`` and ``retry_after``, so every adapter reports failures through these
functions: HTTP error responses (:func:`error_from_http`), errors sent inside an HTTP 200
stream (:func:`error_from_payload`), exceptions from the transport
(:func:`error_from_exception`) and streams that end without their terminator
(:func:`stream_cut`). Messages carry the provider's own words, never request headers or keys.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import zlib
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from playground.endpoint import Protocol
from playground.events import Error, ErrorKind
from playground.reliability.waits import cap_wait

MAX_MESSAGE_CHARS = 400

RETRYABLE_KINDS = frozenset(
    {
        ErrorKind.RATE_LIMITED,
        ErrorKind.OVERLOADED,
        ErrorKind.SERVER,
        ErrorKind.TIMEOUT,
        ErrorKind.NETWORK,
    }
)

_CONTEXT_WORDING = (
    "context_length_exceeded",
    "context length",
    "context window",
    "context size",
    "context limit",
    "maximum context",
    "prompt is too long",
    "input is too long",  # Bedrock ValidationException
    "too many tokens",
    "exceed_context_size",
    "exceeds the maximum number of tokens",
    "input token count",
    "reduce the length",
    "model_context_window_exceeded",
)
_BILLING_CODES = frozenset(
    {"insufficient_quota", "billing_error", "billing_not_active", "insufficient_balance"}
)
_BILLING_WORDING = (
    "insufficient_quota",
    "insufficient balance",
    "insufficient credits",
    "credit balance is too low",
    "billing_not_active",
    "out of credits",
    "payment required",
)
_AUTH_WORDING = ("api_key_invalid", "api key not valid", "invalid api key", "invalid x-api-key")
_FILTER_WORDING = ("content_filter", "content management policy", "flagged", "moderation")
_NOT_FOUND_WORDING = ("model_not_found", "does not exist", "not found")
_OVERLOAD_TYPES = frozenset({"overloaded_error", "unavailable", "server_is_overloaded"})
_HTML_HINTS = {
    401: "wrong key or base URL?",
    403: "access denied by a proxy or firewall?",
    404: "wrong base URL?",
    429: "rate limited by a proxy",
}
_TRY_AGAIN = re.compile(r"(?:try again|retry) in (\d+(?:\.\d+)?)\s*(ms|s)\b", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def error_from_http(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    protocol: Protocol,
    after_output: bool = False,
) -> Error:
    """Classify a non-2xx HTTP response into a typed :class:`Error`.

    ``body`` is the (possibly empty) response body; the provider's own message is extracted
    from its error JSON (OpenAI / Anthropic / Gemini / Ollama shapes) when present.
    """
    lower_headers = {k.lower(): v for k, v in headers.items()}
    content_type = lower_headers.get("content-type", "").lower()
    text = body.decode("utf-8", "replace").strip()
    payload = _parse_json(text)
    retry_after = parse_retry_after(lower_headers, payload)
    if payload is None and _looks_like_html(text, content_type):
        return _html_error(status, retry_after, after_output)
    message, code, err_type = _extract(payload, protocol) if payload is not None else ("", "", "")
    if not message:
        message = _one_line(text) if text else f"HTTP {status} {_reason(status)}".rstrip()
    kind = _classify(status, message, code, err_type, payload)
    return _build(kind, message, status, retry_after, after_output, code or err_type or None)


def error_from_payload(
    payload: Any,
    protocol: Protocol,
    after_output: bool,
    status: int | None = None,
) -> Error:
    """Classify an error object sent inside a 200 stream (``data: {"error": …}`` etc.).

    The status is taken from the payload's ``code`` when it is an HTTP-like number (Gemini,
    OpenRouter and llama.cpp put one there); otherwise the error type decides.
    """
    message, code, err_type = _extract(payload, protocol)
    if status is None:
        status = _status_from_payload(payload)
    kind = _classify(status or 0, message, code, err_type, payload)
    if kind is ErrorKind.UNKNOWN:
        kind = ErrorKind.SERVER  # an unexplained mid-stream failure is the server's
    retry_after = parse_retry_after({}, payload)
    return _build(
        kind,
        message or "the provider reported an error mid-stream",
        status,
        retry_after,
        after_output,
        code or err_type or None,
    )


def error_from_exception(exc: BaseException, after_output: bool) -> Error:
    """Classify a transport exception (httpx, ssl, OS errors) into a typed :class:`Error`."""
    import ssl

    import httpx

    detail = _one_line(str(exc)) or type(exc).__name__
    where = _host(exc)
    if isinstance(exc, httpx.TimeoutException):
        what = {
            httpx.ConnectTimeout: f"connecting to {where} timed out",
            httpx.ReadTimeout: f"{where} stopped sending data (read timeout)",
            httpx.WriteTimeout: f"sending the request to {where} timed out",
            httpx.PoolTimeout: "no free connection in the pool (pool timeout)",
        }.get(type(exc), f"the request to {where} timed out")
        return _build(ErrorKind.TIMEOUT, what, None, None, after_output, None)
    if _is_tls(exc, ssl):
        message = f"TLS handshake or certificate check with {where} failed: {detail}"
        return _build(ErrorKind.NETWORK, message, None, None, after_output, None)
    if isinstance(exc, httpx.RemoteProtocolError):
        message = f"the stream was cut: {where} closed the connection ({detail})"
        return _build(ErrorKind.NETWORK, message, None, None, after_output, None)
    if isinstance(exc, httpx.ConnectError):
        message = f"could not connect to {where} ({detail}); is it running, and is the URL right?"
        return _build(ErrorKind.NETWORK, message, None, None, after_output, None)
    if isinstance(exc, httpx.TransportError | OSError):
        message = f"network error: {detail}"
        return _build(ErrorKind.NETWORK, message, None, None, after_output, None)
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return _build(ErrorKind.BAD_REQUEST, f"invalid URL: {detail}", None, None, False, None)
    if isinstance(exc, httpx.DecodingError | zlib.error):
        message = f"could not decode the response body: {detail}"
        return _build(ErrorKind.PROTOCOL, message, None, None, after_output, None)
    if isinstance(exc, ValueError):  # json.JSONDecodeError, UnicodeDecodeError
        message = f"could not parse the provider's response: {detail}"
        return _build(ErrorKind.PROTOCOL, message, None, None, after_output, None)
    if isinstance(exc, RecursionError):  # JSON nested deeper than Python can parse
        message = "could not parse the provider's response: JSON nested too deeply"
        return _build(ErrorKind.PROTOCOL, message, None, None, after_output, None)
    if isinstance(exc, asyncio.CancelledError):
        return _build(ErrorKind.CANCELLED, "cancelled", None, None, after_output, None)
    message = f"unexpected {type(exc).__name__}: {detail}"
    return _build(ErrorKind.UNKNOWN, message, None, None, after_output, None)


def stream_cut(after_output: bool, detail: str = "") -> Error:
    """The connection ended before the protocol's terminator (``[DONE]``, ``message_stop``…)."""
    message = "the stream was cut before it finished"
    if detail:
        message = f"{message} ({detail})"
    return _build(ErrorKind.NETWORK, message, None, None, after_output, None)


def protocol_error(what: str, raw: bytes | str, after_output: bool) -> Error:
    """A chunk or body could not be understood; ``raw`` is quoted (shortened) for debugging."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    snippet = _one_line(raw)[:120]
    message = f"{what}: {snippet!r}" if snippet else what
    return _build(ErrorKind.PROTOCOL, message, None, None, after_output, None)


def typed_error(
    kind: ErrorKind,
    message: str,
    *,
    status: int | None = None,
    after_output: bool = False,
    provider_code: str | None = None,
) -> Error:
    """An :class:`Error` of ``kind`` whose ``retryable`` flag follows the kind."""
    return _build(kind, message, status, None, after_output, provider_code)


class LimitExceeded(Exception):
    """A size cap (:class:`~playground.endpoint.StreamLimits`) was hit; ``str()`` says which."""


def limit_error(exc: LimitExceeded, after_output: bool) -> Error:
    """The terminal error for a stream that broke a size cap (the partial answer stays)."""
    return _build(ErrorKind.PROTOCOL, str(exc), None, None, after_output, None)


def redirect_error(status: int, location: str) -> Error:
    """A redirect is never followed: it could carry the credentials to another host."""
    from playground.secret import redact_url

    target = redact_url(location) if location else "(no Location header)"
    message = (
        f"{status} → {target}: not followed, credentials are not sent to another host; "
        "set base_url to the final address"
    )
    return _build(ErrorKind.BAD_REQUEST, message, status, None, False, None)


SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError)
"""What a parser raises on valid JSON of an unexpected shape (``"choices": "x"``)."""


def shape_error(exc: BaseException, after_output: bool) -> Error:
    """The provider sent well-formed JSON that does not follow its protocol."""
    message = f"unexpected content in the stream ({type(exc).__name__}: {exc})"
    return _build(ErrorKind.PROTOCOL, message, None, None, after_output, None)


def parse_retry_after(headers: Mapping[str, str], body_json: Any) -> float | None:
    """The server's requested wait in seconds, or None.

    Order: ``retry-after-ms`` (milliseconds), ``Retry-After`` (seconds or an HTTP date),
    Gemini's ``error.details[].retryDelay`` (``"1.5s"``, type ``RetryInfo``), then a
    "try again in 9.88s" hint inside the provider's message (OpenAI / Groq wording).
    The result is finite and at most ``playground.reliability.waits.MAX_RETRY_AFTER_S``
    (ten minutes); NaN counts as absent.
    """
    seconds = _requested_wait(headers, body_json)
    return None if seconds is None else cap_wait(seconds)


def _requested_wait(headers: Mapping[str, str], body_json: Any) -> float | None:
    lower = {k.lower(): v for k, v in headers.items()}
    ms = lower.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = lower.get("retry-after")
    if value:
        seconds = _retry_after_value(value.strip())
        if seconds is not None:
            return seconds
    error = _error_object(body_json)
    if isinstance(error, dict):
        for detail in error.get("details") or ():
            if isinstance(detail, dict) and "RetryInfo" in str(detail.get("@type", "")):
                delay = _duration_seconds(detail.get("retryDelay"))
                if delay is not None:
                    return delay
        message = error.get("message")
        if isinstance(message, str):
            match = _TRY_AGAIN.search(message)
            if match:
                number = float(match.group(1))
                return number / 1000.0 if match.group(2).lower() == "ms" else number
    return None


# --- helpers -----------------------------------------------------------------------------


def _build(
    kind: ErrorKind,
    message: str,
    status: int | None,
    retry_after: float | None,
    after_output: bool,
    provider_code: str | None,
) -> Error:
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1].rstrip() + "…"
    return Error(
        kind=kind,
        message=message,
        status=status,
        retryable=kind in RETRYABLE_KINDS,
        retry_after=retry_after,
        after_output=after_output,
        provider_code=provider_code,
    )


def _classify(status: int, message: str, code: str, err_type: str, payload: Any) -> ErrorKind:
    words = f"{message} {code} {err_type}".lower()
    codes = {code.lower(), err_type.lower()}
    if codes & _BILLING_CODES or any(w in words for w in _BILLING_WORDING) or status == 402:
        return ErrorKind.BILLING
    if codes & _OVERLOAD_TYPES and status != 429:
        return ErrorKind.OVERLOADED
    if status == 429 or "rate_limit" in words or codes & {"resource_exhausted"}:
        return ErrorKind.RATE_LIMITED
    if status in (529, 503):
        return ErrorKind.OVERLOADED
    if status in (401, 403) or any(w in words for w in _AUTH_WORDING):
        if status == 403 and any(w in words for w in _FILTER_WORDING):
            return ErrorKind.CONTENT_FILTER
        return ErrorKind.AUTH
    if codes & {"authentication_error", "permission_error", "unauthenticated"}:
        return ErrorKind.AUTH
    if status == 404 or codes & {"not_found_error", "not_found", "model_not_found"}:
        return ErrorKind.NOT_FOUND
    if status in (408, 504) or codes & {"timeout_error", "deadline_exceeded"}:
        return ErrorKind.TIMEOUT
    if status >= 500 or codes & {"api_error", "server_error", "internal", "internal_error"}:
        return ErrorKind.SERVER
    if any(w in words for w in _CONTEXT_WORDING):
        return ErrorKind.CONTEXT_LENGTH
    if any(w in words for w in _FILTER_WORDING):
        return ErrorKind.CONTENT_FILTER
    if 400 <= status < 500:
        if any(w in words for w in _NOT_FOUND_WORDING) and "model" in words:
            return ErrorKind.NOT_FOUND
        return ErrorKind.BAD_REQUEST
    if codes & {"invalid_request_error", "invalid_argument"}:
        return ErrorKind.BAD_REQUEST
    return ErrorKind.UNKNOWN


def _extract(payload: Any, protocol: Protocol) -> tuple[str, str, str]:
    """(message, code, type) from any of the providers' error shapes."""
    error = _error_object(payload)
    if isinstance(error, str):  # Ollama: {"error": "model 'x' not found"}
        return _one_line(error), "", ""
    if not isinstance(error, dict):
        return "", "", ""
    message = error.get("message") or error.get("msg") or error.get("detail") or ""
    if not isinstance(message, str):
        message = json.dumps(message)
    code = error.get("code")
    err_type = error.get("type") or error.get("status") or ""
    for detail in error.get("details") or ():
        # Gemini names an invalid key in details[].reason, not in the message.
        if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
            code = code if isinstance(code, str) and code else detail["reason"]
            if detail["reason"] == "API_KEY_INVALID":
                code = "API_KEY_INVALID"
    code_text = code if isinstance(code, str) else ""
    return _one_line(message), code_text, err_type if isinstance(err_type, str) else ""


def _error_object(payload: Any) -> Any:
    if isinstance(payload, list) and payload:  # Gemini sometimes wraps errors in a list
        payload = payload[0]
    if not isinstance(payload, dict):
        return None
    error = payload.get("error", payload if "message" in payload else None)
    return error


def _status_from_payload(payload: Any) -> int | None:
    error = _error_object(payload)
    if isinstance(error, dict):
        code = error.get("code")
        if isinstance(code, int) and 100 <= code <= 599:
            return code
        if isinstance(code, str) and code.isdigit() and 100 <= int(code) <= 599:
            return int(code)
    return None


def _parse_json(text: str) -> Any:
    if not text or text[0] not in "{[":
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _looks_like_html(text: str, content_type: str) -> bool:
    if "text/html" in content_type:
        return True
    head = text[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head


def _html_error(status: int, retry_after: float | None, after_output: bool) -> Error:
    hint = _HTML_HINTS.get(status)
    if hint and status == 429:
        message = f"HTTP 429 with an HTML page instead of JSON ({hint})"
        return _build(ErrorKind.RATE_LIMITED, message, status, retry_after, after_output, None)
    if hint:
        message = f"HTTP {status} with an HTML page instead of JSON ({hint})"
        kind = ErrorKind.NOT_FOUND if status == 404 else ErrorKind.AUTH
        return _build(kind, message, status, retry_after, after_output, None)
    message = f"HTTP {status} with an HTML page instead of JSON (proxy or gateway error?)"
    error = _build(ErrorKind.PROTOCOL, message, status, retry_after, after_output, None)
    # A gateway's HTML 502/503/504 page is transient: let the router retry it.
    error.retryable = status >= 500
    return error


def _retry_after_value(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when.timestamp() - time.time()


def _duration_seconds(value: Any) -> float | None:
    if isinstance(value, str) and value.endswith("s"):
        try:
            return max(0.0, float(value[:-1]))
        except ValueError:
            return None
    return None


def _is_tls(exc: BaseException, ssl: Any) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        text = str(current)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text or "TLS" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def _host(exc: BaseException) -> str:
    """``host:port`` of the failed request (never its path or query, which may hold keys)."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        return "the server"
    return f"{url.host}:{url.port}" if url.port else str(url.host)


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
