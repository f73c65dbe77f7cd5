# ruff: noqa: E501 - the case tables keep one provider response per line
"""Classification of provider failures into typed errors (the router's input)."""

from __future__ import annotations

import asyncio
import json
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from playground.adapters.errors import (
    error_from_exception,
    error_from_http,
    error_from_payload,
    parse_retry_after,
)
from playground.endpoint import Protocol
from playground.events import ErrorKind

OPENAI, ANTHROPIC, GEMINI, OLLAMA = (
    Protocol.OPENAI,
    Protocol.ANTHROPIC,
    Protocol.GEMINI,
    Protocol.OLLAMA,
)


def openai_body(message: str, type_: str = "invalid_request_error", code: str | None = None):
    return json.dumps({"error": {"message": message, "type": type_, "param": None, "code": code}})


def anthropic_body(type_: str, message: str):
    return json.dumps({"type": "error", "error": {"type": type_, "message": message}})


def gemini_body(code: int, message: str, status: str, details: list | None = None):
    error = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    return json.dumps({"error": error})


CASES = [
    # protocol, status, headers, body, kind, message fragment
    (OPENAI, 401, {}, openai_body("Incorrect API key provided: sk-abc…wxyz.", code="invalid_api_key"), ErrorKind.AUTH, "Incorrect API key"),
    (OPENAI, 403, {}, openai_body("Project does not have access", "invalid_request_error"), ErrorKind.AUTH, "does not have access"),
    (OPENAI, 404, {}, openai_body("The model `gpt-9` does not exist or you do not have access to it.", code="model_not_found"), ErrorKind.NOT_FOUND, "gpt-9"),
    (OPENAI, 429, {"retry-after": "3"}, openai_body("Rate limit reached for gpt-4o-mini", "tokens", "rate_limit_exceeded"), ErrorKind.RATE_LIMITED, "Rate limit reached"),
    (OPENAI, 429, {}, openai_body("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota"), ErrorKind.BILLING, "exceeded your current quota"),
    (OPENAI, 402, {}, json.dumps({"error": {"code": 402, "message": "Insufficient credits"}}), ErrorKind.BILLING, "Insufficient credits"),
    (OPENAI, 402, {}, json.dumps({"error": {"message": "Insufficient Balance", "type": "unknown_error"}}), ErrorKind.BILLING, "Insufficient Balance"),
    (OPENAI, 400, {}, openai_body("This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.", code="context_length_exceeded"), ErrorKind.CONTEXT_LENGTH, "maximum context length"),
    (OPENAI, 400, {}, json.dumps({"error": {"code": 400, "message": "request (17993 tokens) exceeds the available context size (16384 tokens), try increasing it", "type": "exceed_context_size_error"}}), ErrorKind.CONTEXT_LENGTH, "context size"),
    (OPENAI, 400, {}, openai_body("Unrecognized request argument supplied: foo"), ErrorKind.BAD_REQUEST, "Unrecognized"),
    (OPENAI, 422, {}, json.dumps({"detail": "bad"}), ErrorKind.BAD_REQUEST, "bad"),
    (OPENAI, 500, {}, openai_body("The server had an error while processing your request.", "server_error"), ErrorKind.SERVER, "server had an error"),
    (OPENAI, 503, {}, openai_body("The engine is currently overloaded, please try again later.", "server_error"), ErrorKind.OVERLOADED, "overloaded"),
    (ANTHROPIC, 401, {}, anthropic_body("authentication_error", "invalid x-api-key"), ErrorKind.AUTH, "invalid x-api-key"),
    (ANTHROPIC, 403, {}, anthropic_body("permission_error", "Your API key does not have permission"), ErrorKind.AUTH, "permission"),
    (ANTHROPIC, 404, {}, anthropic_body("not_found_error", "model: claude-9"), ErrorKind.NOT_FOUND, "claude-9"),
    (ANTHROPIC, 429, {"retry-after": "12"}, anthropic_body("rate_limit_error", "This request would exceed the rate limit"), ErrorKind.RATE_LIMITED, "rate limit"),
    (ANTHROPIC, 400, {}, anthropic_body("invalid_request_error", "prompt is too long: 205426 tokens > 200000 maximum"), ErrorKind.CONTEXT_LENGTH, "prompt is too long"),
    (ANTHROPIC, 400, {}, anthropic_body("invalid_request_error", "input length and `max_tokens` exceed context limit: 190000 + 32000 > 200000"), ErrorKind.CONTEXT_LENGTH, "exceed context limit"),
    (ANTHROPIC, 402, {}, anthropic_body("billing_error", "Your credit balance is too low"), ErrorKind.BILLING, "credit balance"),
    (ANTHROPIC, 500, {}, anthropic_body("api_error", "Internal server error"), ErrorKind.SERVER, "Internal"),
    (ANTHROPIC, 529, {}, anthropic_body("overloaded_error", "Overloaded"), ErrorKind.OVERLOADED, "Overloaded"),
    (GEMINI, 400, {}, gemini_body(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]), ErrorKind.AUTH, "API key not valid"),
    (GEMINI, 403, {}, gemini_body(403, "Permission denied: Consumer has been suspended.", "PERMISSION_DENIED"), ErrorKind.AUTH, "Permission denied"),
    (GEMINI, 404, {}, gemini_body(404, "models/gemini-0 is not found for API version v1beta", "NOT_FOUND"), ErrorKind.NOT_FOUND, "gemini-0"),
    (GEMINI, 400, {}, gemini_body(400, "The input token count (1196265) exceeds the maximum number of tokens allowed (1048576).", "INVALID_ARGUMENT"), ErrorKind.CONTEXT_LENGTH, "input token count"),
    (GEMINI, 429, {}, gemini_body(429, "You exceeded your current quota, please check your plan and billing details.", "RESOURCE_EXHAUSTED", [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "47s"}]), ErrorKind.RATE_LIMITED, "quota"),
    (GEMINI, 503, {}, gemini_body(503, "The model is overloaded. Please try again later.", "UNAVAILABLE"), ErrorKind.OVERLOADED, "overloaded"),
    (GEMINI, 500, {}, gemini_body(500, "An internal error has occurred.", "INTERNAL"), ErrorKind.SERVER, "internal error"),
    (OLLAMA, 404, {}, json.dumps({"error": "model 'llama3' not found"}), ErrorKind.NOT_FOUND, "llama3"),
    (OLLAMA, 400, {}, json.dumps({"error": '"gemma" does not support thinking'}), ErrorKind.BAD_REQUEST, "does not support thinking"),
    (OLLAMA, 401, {}, json.dumps({"error": "unauthorized"}), ErrorKind.AUTH, "unauthorized"),
    (OLLAMA, 503, {}, json.dumps({"error": "server busy, please try again.  maximum pending requests exceeded"}), ErrorKind.OVERLOADED, "server busy, please try again. maximum"),
]  # fmt: skip


@pytest.mark.parametrize(("protocol", "status", "headers", "body", "kind", "fragment"), CASES)
def test_http_errors_are_classified_with_the_providers_message(
    protocol, status, headers, body, kind, fragment
):
    error = error_from_http(status, headers, body.encode(), protocol)
    assert error.kind is kind
    assert error.status == status
    assert fragment in error.message
    assert error.retryable is (
        kind in {ErrorKind.RATE_LIMITED, ErrorKind.OVERLOADED, ErrorKind.SERVER}
    )
    assert error.after_output is False


def test_gemini_invalid_key_is_auth_and_not_retryable_even_though_http_400():
    body = gemini_body(
        400,
        "API key not valid. Please pass a valid API key.",
        "INVALID_ARGUMENT",
        [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}],
    )
    error = error_from_http(400, {}, body.encode(), GEMINI)
    assert (error.kind, error.retryable, error.provider_code) == (
        ErrorKind.AUTH,
        False,
        "API_KEY_INVALID",
    )


@pytest.mark.parametrize("status", [502, 503, 504, 520])
def test_html_error_page_is_named_as_such(status: int):
    page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body>"
    error = error_from_http(status, {"Content-Type": "text/html"}, page, OPENAI)
    assert error.kind is ErrorKind.PROTOCOL
    assert error.message == (
        f"HTTP {status} with an HTML page instead of JSON (proxy or gateway error?)"
    )
    assert error.retryable  # a gateway hiccup is worth another attempt
    assert "nginx" not in error.message


def test_html_404_page_points_at_the_base_url():
    error = error_from_http(404, {"content-type": "text/html"}, b"<html>Not Found</html>", OPENAI)
    assert error.kind is ErrorKind.NOT_FOUND
    assert "wrong base URL?" in error.message


def test_plain_text_body_is_used_as_message_and_empty_body_gets_the_reason_phrase():
    assert error_from_http(500, {}, b"upstream exploded", OPENAI).message == "upstream exploded"
    error = error_from_http(502, {}, b"", ANTHROPIC)
    assert (error.kind, error.message) == (ErrorKind.SERVER, "HTTP 502 Bad Gateway")


def test_long_messages_are_truncated_to_one_line():
    error = error_from_http(400, {}, openai_body("bad\n" + "x" * 5000).encode(), OPENAI)
    assert len(error.message) <= 400 and "\n" not in error.message
    assert error.message.endswith("…")


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "7"}, None, 7.0),
        ({"retry-after": "1.5"}, None, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, None, 0.25),
        ({"RETRY-AFTER-MS": "1500"}, None, 1.5),
        ({}, {"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}]}}, 1.5),
        ({}, {"error": {"message": "Rate limit reached. Please try again in 84ms. Visit"}}, 0.084),
        ({}, {"error": {"message": "Please try again in 9.88s."}}, 9.88),
        ({"retry-after": "soon"}, None, None),
        ({"retry-after": "inf"}, None, 600.0),  # capped: a hostile server cannot stall us
        ({"retry-after": "1e308"}, None, 600.0),
        ({"retry-after": "nan"}, None, None),
        ({"retry-after-ms": "Infinity"}, None, 600.0),
        ({"retry-after": "Fri, 31 Dec 2099 23:59:59 GMT"}, None, 600.0),
        ({}, {"error": {"details": [{"@type": "RetryInfo", "retryDelay": "1e308s"}]}}, 600.0),
        ({}, {"error": {"message": "Please try again in 99999999999s."}}, 600.0),
        ({}, {"error": {"message": "nope"}}, None),
        ({}, None, None),
    ],
)  # fmt: skip
def test_parse_retry_after(headers, body, expected):
    result = parse_retry_after(headers, body)
    assert result == pytest.approx(expected) if expected is not None else result is None


def test_retry_after_as_http_date():
    when = datetime.now(UTC) + timedelta(seconds=30)
    seconds = parse_retry_after({"Retry-After": format_datetime(when, usegmt=True)}, None)
    assert seconds is not None and 25 <= seconds <= 31


def test_http_error_carries_retry_after_from_headers_and_gemini_body():
    error = error_from_http(429, {"retry-after-ms": "2500"}, b"{}", OPENAI)
    assert error.retry_after == 2.5
    body = gemini_body(
        429,
        "Resource exhausted",
        "RESOURCE_EXHAUSTED",
        [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "47.88s"}],
    )
    assert error_from_http(429, {}, body.encode(), GEMINI).retry_after == pytest.approx(47.88)


@pytest.mark.parametrize(
    ("protocol", "payload", "kind"),
    [
        (ANTHROPIC, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, ErrorKind.OVERLOADED),
        (ANTHROPIC, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, ErrorKind.RATE_LIMITED),
        (ANTHROPIC, {"type": "error", "error": {"type": "api_error", "message": "Internal"}}, ErrorKind.SERVER),
        (OPENAI, {"error": {"message": "The server had an error", "type": "server_error"}}, ErrorKind.SERVER),
        (OPENAI, {"error": {"code": 429, "message": "Rate limited upstream"}}, ErrorKind.RATE_LIMITED),
        (OPENAI, {"error": {"code": 400, "message": "the request exceeds the available context size"}}, ErrorKind.CONTEXT_LENGTH),
        (GEMINI, {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}, ErrorKind.OVERLOADED),
        (OLLAMA, {"error": "an error was encountered while running the model"}, ErrorKind.SERVER),
    ],
)  # fmt: skip
def test_mid_stream_error_payloads(protocol, payload, kind):
    error = error_from_payload(payload, protocol, after_output=True)
    assert error.kind is kind
    assert error.after_output is True
    assert error.message


def test_exceptions_are_classified():
    request = httpx.Request("POST", "https://example.invalid/v1/chat/completions")
    cases = [
        (httpx.ConnectError("Connection refused", request=request), ErrorKind.NETWORK, "could not connect to example.invalid (Connection refused)"),
        (httpx.ConnectTimeout("timed out", request=request), ErrorKind.TIMEOUT, "connecting to example.invalid timed out"),
        (httpx.ReadTimeout("timed out", request=request), ErrorKind.TIMEOUT, "read timeout"),
        (httpx.RemoteProtocolError("peer closed connection without sending complete message body", request=request), ErrorKind.NETWORK, "stream was cut"),
        (httpx.ReadError("Connection reset by peer", request=request), ErrorKind.NETWORK, "reset"),
        (ssl.SSLCertVerificationError("certificate verify failed"), ErrorKind.NETWORK, "TLS"),
        (json.JSONDecodeError("Expecting value", "x", 0), ErrorKind.PROTOCOL, "could not parse"),
        (RuntimeError("boom"), ErrorKind.UNKNOWN, "boom"),
        (asyncio.CancelledError(), ErrorKind.CANCELLED, "cancelled"),
    ]  # fmt: skip
    for exc, kind, fragment in cases:
        error = error_from_exception(exc, after_output=False)
        assert error.kind is kind, exc
        assert fragment in error.message, error.message
        assert error.retryable is (kind in {ErrorKind.NETWORK, ErrorKind.TIMEOUT})


def test_tls_failure_wrapped_in_connect_error_mentions_tls():
    request = httpx.Request("POST", "https://example.invalid/")
    try:
        try:
            raise ssl.SSLCertVerificationError("CERTIFICATE_VERIFY_FAILED")
        except ssl.SSLError as inner:
            raise httpx.ConnectError("handshake failed", request=request) from inner
    except httpx.ConnectError as exc:
        error = error_from_exception(exc, after_output=True)
    assert error.kind is ErrorKind.NETWORK and "TLS" in error.message and error.after_output
