"""Recorded live Vertex AI streams (fantasy's cassettes) replayed through ``playground ask --json``.

The cassettes hold real answers of Gemini 2.5 (``streamGenerateContent?alt=sse``) and Claude
3.7 Sonnet (``streamRawPredict``) on Vertex AI. The expected text, tool calls and usage are
assembled here straight from the recorded SSE, independently of the adapters; the request
our adapter sends must go to the recorded path (project, location, publisher, model).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.adapters.replay import load_cassette

TOKEN = "ya29.a0-recorded-replay-access-token-0123456789"
RECORDED = "recorded"
CASSETTES = [
    f"{suite}/{model}/{name}_streaming.yaml"
    for suite, model, names in (
        ("TestGoogleCommon", "vertex-claude-3-7-sonnet", ("simple", "tool")),
        ("TestGoogleCommon", "vertex-gemini-2-5-flash", ("simple", "tool", "multi_tool")),
        ("TestGoogleCommon", "vertex-gemini-2-5-pro", ("simple", "tool", "multi_tool")),
        (
            "TestGoogleVertexObjectGeneration",
            "vertex-claude-3-7-sonnet",
            ("simple_object", "complex_object"),
        ),
        (
            "TestGoogleVertexObjectGeneration",
            "vertex-gemini-2-5-flash",
            ("simple_object", "complex_object"),
        ),
        (
            "TestGoogleVertexObjectGeneration",
            "vertex-gemini-2-5-pro",
            ("simple_object", "complex_object"),
        ),
    )
    for name in names
]


def _sse_data(body: str) -> list[dict[str, Any]]:
    """Every ``data:`` payload of a recorded SSE body, as JSON (events split on blank lines)."""
    blocks = body.replace("\r\n", "\n").split("\n\n")
    lines = [line for block in blocks for line in block.split("\n")]
    return [json.loads(line[5:]) for line in lines if line.startswith("data:")]


def expected_gemini(body: str) -> dict[str, Any]:
    """Text, function calls and the last (cumulative) usageMetadata of a Gemini SSE body."""
    text, calls, usage = [], [], {}
    for chunk in _sse_data(body):
        for candidate in chunk.get("candidates", []):
            for part in (candidate.get("content") or {}).get("parts", []):
                if "functionCall" in part:
                    calls.append((part["functionCall"]["name"], part["functionCall"]["args"]))
                elif "text" in part and not part.get("thought"):
                    text.append(part["text"])
        usage = chunk.get("usageMetadata") or usage
    thoughts = usage.get("thoughtsTokenCount", 0)
    return {
        "text": "".join(text),
        "calls": calls,
        "input": usage["promptTokenCount"],
        "output": usage.get("candidatesTokenCount", 0) + thoughts,
        "reasoning": thoughts,
    }


def expected_claude(body: str) -> dict[str, Any]:
    """Text, tool calls and usage of a Messages SSE body."""
    text, tools, usage = [], {}, {}
    for event in _sse_data(body):
        kind = event["type"]
        if kind == "message_start":
            usage.update(event["message"]["usage"])
        elif kind == "content_block_start" and event["content_block"]["type"] == "tool_use":
            tools[event["index"]] = [event["content_block"]["name"], ""]
        elif kind == "content_block_delta" and event["delta"]["type"] == "text_delta":
            text.append(event["delta"]["text"])
        elif kind == "content_block_delta" and event["delta"]["type"] == "input_json_delta":
            tools[event["index"]][1] += event["delta"]["partial_json"]
        elif kind == "message_delta":
            usage.update(event["usage"])
    calls = [(name, json.loads(args) if args else {}) for name, args in tools.values()]
    return {
        "text": "".join(text),
        "calls": calls,
        "input": usage["input_tokens"],
        "output": usage["output_tokens"],
        "reasoning": 0,
    }


@pytest.mark.parametrize("cassette", CASSETTES)
def test_recorded_vertex_stream_through_ask_json(cassette: str, ask, capture, write_config) -> None:
    interaction = load_cassette(f"{RECORDED}/{cassette}")[0]
    recorded = urlsplit(interaction.url)
    # …/v1beta1/projects/P/locations/L/publishers/X/models/M:method
    version, _, project, _, location, _, publisher, _, target = recorded.path.split("/")[1:]
    model = target.split(":")[0]
    claude = publisher == "anthropic"
    body = interaction.reply.body.decode()
    expected = expected_claude(body) if claude else expected_gemini(body)
    assert expected["text"] or expected["calls"]
    capture.queue(interaction.reply)
    slug = "vertex-anthropic" if claude else "vertex"
    config = write_config(
        f'[providers.{slug}]\nbase_url = "{capture.base_url}/{version}"\n'
        f'project = "{project}"\nlocation = "{location}"\napi_key = "{TOKEN}"\n'
    )
    result = ask("--config", config, "-m", f"{slug}/{model}", "--json", "What's the weather?")
    assert result.code == 0, result.err
    assert result.text() == expected["text"]
    calls = [(c["name"], c["arguments"]) for c in result.of_type("tool_call")]
    assert calls == expected["calls"]
    usage = result.of_type("usage")[-1]
    assert (usage["input_tokens"], usage["output_tokens"], usage["reasoning_tokens"]) == (
        expected["input"],
        expected["output"],
        expected["reasoning"],
    )
    [done] = result.of_type("done")
    assert done["stop_reason"] == ("tool_use" if expected["calls"] else "stop")
    (request,) = capture.requests
    assert request.path == recorded.path
    assert request.query == recorded.query
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    sent = request.json()
    if claude:
        assert "model" not in sent
        assert sent["anthropic_version"] == interaction.request_body["anthropic_version"]
