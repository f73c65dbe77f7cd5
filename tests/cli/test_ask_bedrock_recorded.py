"""Recorded live Bedrock streams (fantasy's cassettes) replayed through ``playground ask --json``.

The cassettes hold real ``application/vnd.amazon.eventstream`` bodies of
InvokeModelWithResponseStream calls to Claude on Bedrock. The expected text, tool calls and
usage are assembled here straight from the recording (frames split by their length prefixes,
base64 Anthropic events read as JSON), independently of the adapter. The replay server
answers whatever path is asked, so these bodies answer our Converse request: the adapter's
parser reads both Bedrock stream forms (Converse events and InvokeModel ``chunk`` events).
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import pytest

from tests.adapters.replay import load_cassette

CASSETTES = {
    "recorded/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml": (
        "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    ),
    "recorded/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool_streaming.yaml": (
        "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    ),
    "recorded/TestBedrockCommon/bedrock-anthropic-claude-opus-4-6/simple_streaming.yaml": (
        "us.anthropic.claude-opus-4-6-v1"
    ),
    "recorded/TestBedrockCommon/bedrock-anthropic-claude-opus-4-6/tool_streaming.yaml": (
        "us.anthropic.claude-opus-4-6-v1"
    ),
}


def _payloads(body: bytes) -> list[bytes]:
    """The payload of each event-stream message, split by the length prefixes alone."""
    out, pos = [], 0
    while pos < len(body):
        total, headers_length = struct.unpack_from(">II", body, pos)
        out.append(body[pos + 12 + headers_length : pos + total - 4])
        pos += total
    return out


def expected_from_recording(body: bytes) -> dict[str, Any]:
    """Text, tool calls and usage of a recorded InvokeModelWithResponseStream body."""
    text, tools, usage = [], {}, {}
    for payload in _payloads(body):
        event = json.loads(base64.b64decode(json.loads(payload)["bytes"]))
        kind = event["type"]
        if kind == "content_block_start" and event["content_block"]["type"] == "tool_use":
            block = event["content_block"]
            tools[event["index"]] = [block["id"], block["name"], ""]
        elif kind == "content_block_delta":
            delta = event["delta"]
            if delta["type"] == "text_delta":
                text.append(delta["text"])
            elif delta["type"] == "input_json_delta":
                tools[event["index"]][2] += delta["partial_json"]
        elif kind == "message_stop":
            metrics = event["amazon-bedrock-invocationMetrics"]
            usage = {"input": metrics["inputTokenCount"], "output": metrics["outputTokenCount"]}
    calls = [(i, n, json.loads(a) if a else {}) for i, n, a in tools.values()]
    return {"text": "".join(text), "calls": calls, "usage": usage}


@pytest.mark.parametrize("cassette", sorted(CASSETTES), ids=lambda c: c.split("/", 2)[2])
def test_recorded_bedrock_stream_through_ask_json(
    cassette: str, ask, capture, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction = load_cassette(cassette)[0]
    assert interaction.reply.content_type == "application/vnd.amazon.eventstream"
    expected = expected_from_recording(interaction.reply.body)
    assert expected["text"] or expected["calls"]
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSK" + "cmVjb3JkZWQtcmVwbGF5" * 3)
    capture.queue(interaction.reply)
    config = write_config(f'[providers.bedrock]\nbase_url = "{capture.base_url}"\n')
    model = CASSETTES[cassette]
    result = ask("--config", config, "-m", f"bedrock/{model}", "--json", "What's the weather?")
    assert result.code == 0, result.err
    assert result.text() == expected["text"]
    calls = [(c["id"], c["name"], c["arguments"]) for c in result.of_type("tool_call")]
    assert calls == expected["calls"]
    usage = result.of_type("usage")[-1]
    assert (usage["input_tokens"], usage["output_tokens"]) == (
        expected["usage"]["input"],
        expected["usage"]["output"],
    )
    [done] = result.of_type("done")
    assert done["stop_reason"] == ("tool_use" if expected["calls"] else "stop")
    (request,) = capture.requests
    assert request.raw_path == f"/model/{model.replace(':', '%3A')}/converse-stream".encode()


def test_claude_on_bedrock_gets_claudes_thinking_budget(
    ask, capture, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Bedrock Claude id inherits the catalog's Claude facts, so --thinking is honoured."""
    cassette = "recorded/TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml"
    capture.queue(load_cassette(cassette)[0].reply)
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSK" + "cmVjb3JkZWQtcmVwbGF5" * 3)
    config = write_config(f'[providers.bedrock]\nbase_url = "{capture.base_url}"\n')
    model = "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0"
    result = ask("--config", config, "-m", model, "--thinking", "medium", "--json", "hi")
    assert result.code == 0, result.err
    (request,) = capture.requests
    body = request.json()
    thinking = body["additionalModelRequestFields"]["thinking"]
    assert thinking["type"] == "enabled" and thinking["budget_tokens"] >= 1024
    assert body["inferenceConfig"]["maxTokens"] > thinking["budget_tokens"]
