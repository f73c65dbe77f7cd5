"""The Bedrock Converse adapter against a loopback server speaking AWS event-stream."""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

import httpx
import pytest

from playground.adapters.bedrock import build_body
from playground.adapters.bedrock_auth import MISSING_EXTRA
from playground.adapters.eventstream import encode_message
from playground.adapters.http_stream import encode_json_body
from playground.catalog.thinking import apply_thinking
from playground.catalog.types import ModelInfo, ThinkingOptions
from playground.endpoint import Protocol
from playground.events import Error, ErrorKind, StopReason, ThinkingDelta, ToolCallStart
from playground.request import ChatRequest, ImagePart, Message, TextPart, ThinkingLevel
from tests.adapters.replay import ReplayServer, Reply
from tests.adapters.streams import TEST_KEY, WEATHER_TOOL, collect, endpoint, summarize

MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
EVENTSTREAM = "application/vnd.amazon.eventstream"


def event(kind: str, payload: dict[str, Any]) -> bytes:
    """One Converse event as AWS sends it."""
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, json.dumps(payload).encode())


def exception(kind: str, message: str) -> bytes:
    headers = {":exception-type": kind, ":content-type": "application/json"}
    headers[":message-type"] = "exception"
    return encode_message(headers, json.dumps({"message": message}).encode())


TOOL_STREAM = b"".join(
    [
        event("messageStart", {"role": "assistant"}),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "User wants "}}},
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "weather."}}},
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "c2ln"}}},
        ),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": "Let me check"}}),
        event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": " the weather."}}),
        event("contentBlockStop", {"contentBlockIndex": 1}),
        event(
            "contentBlockStart",
            {
                "contentBlockIndex": 2,
                "start": {"toolUse": {"toolUseId": "tooluse_1", "name": "weather"}},
            },
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 2, "delta": {"toolUse": {"input": '{"locat'}}},
        ),
        event(
            "contentBlockDelta",
            {"contentBlockIndex": 2, "delta": {"toolUse": {"input": 'ion": "Florence"}'}}},
        ),
        event("contentBlockStop", {"contentBlockIndex": 2}),
        event("messageStop", {"stopReason": "tool_use"}),
        event(
            "metadata",
            {
                "usage": {
                    "inputTokens": 577,
                    "outputTokens": 54,
                    "totalTokens": 631,
                    "cacheReadInputTokens": 3,
                },
                "metrics": {"latencyMs": 1298},
            },
        ),
    ]
)


def weather_request() -> ChatRequest:
    return ChatRequest(
        model=MODEL,
        system="You are a helpful assistant",
        messages=[Message("user", [TextPart("What's the weather in Florence?")])],
        tools=[WEATHER_TOOL],
        max_tokens=4000,
        temperature=0.5,
    )


@pytest.mark.parametrize("pieces", [None, (1, 1), (1, 9)], ids=["whole", "bytewise", "random"])
async def test_converse_stream_text_thinking_tool_and_usage(
    pieces: tuple[int, int] | None, replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    replay.queue(Reply(TOOL_STREAM, content_type=EVENTSTREAM, pieces=pieces, seed=3))
    events = await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    summary = summarize(events)
    assert summary.thinking == "User wants weather."
    assert summary.signatures == ["c2ln"]
    assert summary.text == "Let me check the weather."
    [call] = summary.tool_calls
    assert (call.id, call.name, call.arguments) == (
        "tooluse_1",
        "weather",
        {"location": "Florence"},
    )
    assert [e.name for e in events if isinstance(e, ToolCallStart)] == ["weather"]
    assert summary.usage is not None
    assert (summary.usage.input_tokens, summary.usage.output_tokens) == (577, 54)
    assert summary.usage.cache_read_tokens == 3
    assert summary.terminal.stop_reason is StopReason.TOOL_USE


async def test_request_path_auth_and_body(replay: ReplayServer, client: httpx.AsyncClient) -> None:
    replay.queue(Reply(TOOL_STREAM, content_type=EVENTSTREAM))
    request = weather_request()
    request.messages[0].parts.append(ImagePart.from_bytes(b"\x89PNG\r\n\x1a\n", "image/png"))
    await collect(request, endpoint("bedrock", replay.base_url, MODEL), client)
    [sent] = replay.requests
    assert sent.raw_path == b"/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream"
    assert sent.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert sent.headers["accept"] == EVENTSTREAM
    body = sent.json()
    assert body["system"] == [{"text": "You are a helpful assistant"}]
    assert body["inferenceConfig"] == {"maxTokens": 4000, "temperature": 0.5}
    assert body["toolConfig"]["tools"][0]["toolSpec"] == {
        "name": "weather",
        "description": "Get weather information for a location",
        "inputSchema": {"json": WEATHER_TOOL.parameters},
    }
    [user] = body["messages"]
    assert user["role"] == "user"
    assert user["content"][0] == {"text": "What's the weather in Florence?"}
    image = user["content"][1]["image"]
    assert image["format"] == "png"
    assert base64.b64decode(image["source"]["bytes"]) == b"\x89PNG\r\n\x1a\n"
    assert "model" not in body and "stream" not in body


def test_thinking_budget_goes_into_additional_model_request_fields() -> None:
    model = ModelInfo(
        provider="bedrock",
        id=MODEL,
        name=MODEL,
        max_output=64000,
        thinking=True,
        thinking_options=ThinkingOptions(style="budget", budget_min=1024, budget_max=32000),
    )
    request = weather_request()
    request.thinking = ThinkingLevel.MEDIUM
    plan = apply_thinking(request, model, Protocol.BEDROCK)
    body = build_body(request, endpoint("bedrock", "http://x", MODEL))
    budget = body["additionalModelRequestFields"]["thinking"]["budget_tokens"]
    assert body["additionalModelRequestFields"]["thinking"]["type"] == "enabled"
    assert budget >= 1024 and body["inferenceConfig"]["maxTokens"] > budget
    assert "temperature" not in body["inferenceConfig"]  # thinking forbids it
    assert "thinking" not in body
    assert plan.label.startswith("budget ")


@pytest.mark.parametrize(
    ("name", "message", "kind", "retryable"),
    [
        ("throttlingException", "Too many requests, please wait", ErrorKind.RATE_LIMITED, True),
        ("serviceUnavailableException", "Service unavailable", ErrorKind.OVERLOADED, True),
        ("internalServerException", "boom", ErrorKind.SERVER, True),
        ("modelStreamErrorException", "model failed", ErrorKind.SERVER, True),
        ("modelTimeoutException", "slow", ErrorKind.TIMEOUT, True),
        (
            "validationException",
            "Input is too long for requested model.",
            ErrorKind.CONTEXT_LENGTH,
            False,
        ),
        ("validationException", "bad field", ErrorKind.BAD_REQUEST, False),
    ],
)
async def test_in_stream_exceptions_are_classified(
    name: str,
    message: str,
    kind: ErrorKind,
    retryable: bool,
    replay: ReplayServer,
    client: httpx.AsyncClient,
) -> None:
    body = event(
        "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}
    ) + exception(name, message)
    replay.queue(Reply(body, content_type=EVENTSTREAM))
    summary = summarize(
        await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    )
    error = summary.terminal
    assert isinstance(error, Error)
    assert (error.kind, error.retryable, error.after_output) == (kind, retryable, True)
    assert name in error.message and message in error.message
    assert summary.text == "Hi"


@pytest.mark.parametrize(
    ("status", "error_type", "message", "kind"),
    [
        (
            429,
            "ThrottlingException",
            "Too many tokens, please wait before trying again.",
            ErrorKind.RATE_LIMITED,
        ),
        (403, "AccessDeniedException", "You don't have access to the model", ErrorKind.AUTH),
        (
            404,
            "ResourceNotFoundException",
            "Could not resolve the foundation model",
            ErrorKind.NOT_FOUND,
        ),
        (
            503,
            "ServiceUnavailableException",
            "Bedrock is unable to process your request.",
            ErrorKind.OVERLOADED,
        ),
        (
            400,
            "ValidationException",
            "Input is too long for requested model.",
            ErrorKind.CONTEXT_LENGTH,
        ),
    ],
)
async def test_http_errors_are_classified(
    status: int,
    error_type: str,
    message: str,
    kind: ErrorKind,
    replay: ReplayServer,
    client: httpx.AsyncClient,
) -> None:
    replay.queue(
        Reply(
            json.dumps({"message": message}).encode(),
            status=status,
            content_type="application/json",
            headers={
                "x-amzn-ErrorType": f"{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/"
            },
        )
    )
    [error] = await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    assert isinstance(error, Error)
    assert (error.kind, error.status) == (kind, status)
    assert message in error.message


async def test_corrupted_frame_is_a_protocol_error_after_the_good_ones(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    good = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "kept"}})
    bad = bytearray(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "lost"}}))
    bad[-8] ^= 0xFF
    replay.queue(Reply(good + bytes(bad), content_type=EVENTSTREAM))
    summary = summarize(
        await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    )
    assert summary.text == "kept"
    assert isinstance(summary.terminal, Error)
    assert summary.terminal.kind is ErrorKind.PROTOCOL
    assert "checksum" in summary.terminal.message and summary.terminal.after_output


async def test_stream_cut_before_message_stop_is_a_network_error(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    body = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "par"}})
    half = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "tial"}})[:20]
    replay.queue(Reply(body + half, content_type=EVENTSTREAM))
    summary = summarize(
        await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    )
    assert isinstance(summary.terminal, Error) and summary.terminal.kind is ErrorKind.NETWORK


async def test_message_stop_without_metadata_still_finishes(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    body = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "ok"}})
    replay.queue(
        Reply(body + event("messageStop", {"stopReason": "max_tokens"}), content_type=EVENTSTREAM)
    )
    summary = summarize(
        await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    )
    assert summary.terminal.stop_reason is StopReason.LENGTH


async def test_oversized_frame_is_refused(replay: ReplayServer, client: httpx.AsyncClient) -> None:
    from dataclasses import replace

    from playground.endpoint import StreamLimits

    big = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "x" * 5000}})
    replay.queue(Reply(big, content_type=EVENTSTREAM))
    ep = replace(
        endpoint("bedrock", replay.base_url, MODEL), limits=StreamLimits(max_event_bytes=4096)
    )
    summary = summarize(await collect(weather_request(), ep, client))
    assert isinstance(summary.terminal, Error) and summary.terminal.kind is ErrorKind.PROTOCOL
    assert "larger than 4,096" in summary.terminal.message


async def test_redacted_reasoning_is_kept_for_replay(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    body = event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"redactedContent": "b3BhcXVl"}}},
    )
    body += event("messageStop", {"stopReason": "end_turn"}) + event("metadata", {"usage": {}})
    replay.queue(Reply(body, content_type=EVENTSTREAM))
    events = await collect(weather_request(), endpoint("bedrock", replay.base_url, MODEL), client)
    [redacted] = [e for e in events if isinstance(e, ThinkingDelta)]
    assert redacted.redacted and redacted.signature == "b3BhcXVl"


async def test_sigv4_signs_the_exact_bytes_sent(
    replay: ReplayServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("botocore")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token-example")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    replay.queue(Reply(TOOL_STREAM, content_type=EVENTSTREAM))
    ep = endpoint(
        "bedrock", replay.base_url, MODEL, key=None, options={"sigv4": "yes", "region": "eu-west-3"}
    )
    summary = summarize(await collect(weather_request(), ep, client))
    assert summary.text == "Let me check the weather."
    [sent] = replay.requests
    auth = sent.headers["authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-3/bedrock/aws4_request" in auth and "SignedHeaders=" in auth
    assert sent.headers["x-amz-security-token"] == "session-token-example"
    assert sent.headers["x-amz-date"]
    # What was signed is what was sent: verify the signature over the received request.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    signed_names = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    check = AWSRequest(
        method="POST",
        url=f"{replay.base_url}/model/{MODEL.replace(':', '%3A')}/converse-stream",
        data=sent.body,
        headers={name: sent.headers[name] for name in signed_names if name != "x-amz-date"},
    )
    check.context["timestamp"] = sent.headers["x-amz-date"]
    signer = SigV4Auth(
        Credentials(
            "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-example"
        ),
        "bedrock",
        "eu-west-3",
    )
    check.headers["X-Amz-Date"] = sent.headers["x-amz-date"]
    expected = signer.signature(
        signer.string_to_sign(check, signer.canonical_request(check)), check
    )
    assert auth.endswith(f"Signature={expected}")
    assert sent.body == encode_json_body(json.loads(sent.body))


async def test_no_key_and_no_botocore_is_one_clear_line(
    replay: ReplayServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "botocore.session", None)  # import fails
    ep = endpoint(
        "bedrock", replay.base_url, MODEL, key=None, options={"sigv4": "yes", "region": "us-east-1"}
    )
    [error] = await collect(weather_request(), ep, client)
    assert isinstance(error, Error) and error.kind is ErrorKind.AUTH
    assert error.message == MISSING_EXTRA
    assert "\n" not in error.message
    assert replay.requests == []
