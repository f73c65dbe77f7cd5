"""Conformance: real recorded provider streams replayed from a loopback server.

Every expected value below was read from the recording itself (the streamed deltas, the
final usage object, the finish / stop reason). Bodies are sent in small random pieces so
the incremental decoders see lines and events split at arbitrary bytes. Where a cassette
holds a second interaction (the turn after a tool call), the request the adapter builds from
the first turn's events is compared with the request that was recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from playground.endpoint import Protocol
from playground.events import StopReason
from playground.request import ChatRequest, Message, ToolResultPart
from tests.adapters.replay import ReplayServer, Reply, fixture_bytes, load_cassette
from tests.adapters.streams import (
    WEATHER_TOOL,
    assistant_turn,
    collect,
    endpoint,
    summarize,
    without_none,
)


@dataclass
class Expect:
    """What one recorded response must assemble to."""

    text: str = ""
    text_prefix: bool = False  # ``text`` is only the start of the answer
    thinking_prefix: str = ""
    thinking_len: int | None = None
    signature_prefixes: list[str] = field(default_factory=list)
    tools: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # id, name, args
    usage: tuple[int, int, int, int] = (0, 0, 0, 0)  # input, output, reasoning, cache read
    stop: StopReason = StopReason.STOP


RAW_CASES = {
    "openai-text": (
        Protocol.OPENAI,
        "openai/e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin",
        Expect(
            "I'm unable to provide real-time weather updates. To get the current weather in "
            "San Francisco",
            text_prefix=True,
            usage=(14, 30, 0, 0),
        ),
    ),
    "openai-tool": (
        Protocol.OPENAI,
        "openai/2018feb66ae13fcf5333d61b95849decc68d3f63bd38172889367e1afb1e04f7.bin",
        Expect(
            tools=[("call_4XzlGBLtUe9dy3GVNV4jhq7h", "get_weather", {"city": "New York City"})],
            usage=(44, 16, 0, 0),
            stop=StopReason.TOOL_USE,
        ),
    ),
    "openai-parallel-tools": (
        Protocol.OPENAI,
        "openai/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin",
        Expect(
            tools=[
                (
                    "call_JMW1whyEaYG438VE1OIflxA2",
                    "GetWeatherArgs",
                    {"city": "Edinburgh", "country": "GB", "units": "c"},
                ),
                (
                    "call_DNYTawLBoN8fj3KN6qU9N1Ou",
                    "get_stock_price",
                    {"ticker": "AAPL", "exchange": "NASDAQ"},
                ),
            ],
            usage=(149, 60, 0, 0),
            stop=StopReason.TOOL_USE,
        ),
    ),
    "openai-length": (
        Protocol.OPENAI,
        "openai/4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin",
        Expect('{"', usage=(79, 1, 0, 0), stop=StopReason.LENGTH),
    ),
    "openai-refusal": (
        Protocol.OPENAI,
        "openai/173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin",
        Expect(
            "I'm sorry, I can't assist with that request.",
            usage=(79, 11, 0, 0),
            stop=StopReason.REFUSAL,
        ),
    ),
    "anthropic-text": (
        Protocol.ANTHROPIC,
        "anthropic/basic_response.txt",
        Expect("Hello there!", usage=(11, 6, 0, 0)),
    ),
    "anthropic-tool": (
        Protocol.ANTHROPIC,
        "anthropic/tool_use_response.txt",
        Expect(
            "I'll check the current weather in Paris for you.",
            tools=[("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather", {"location": "Paris"})],
            usage=(377, 65, 0, 0),
            stop=StopReason.TOOL_USE,
        ),
    ),
    "anthropic-thinking-refusal": (
        Protocol.ANTHROPIC,
        "anthropic/stream-a-refusal.sse",
        Expect(
            "Hi",
            thinking_prefix="Simple educational question about what a solar eclipse is.",
            signature_prefixes=["c3ludGhldGljLXNpZ25hdHVyZS1maXh0dXJl"],
            usage=(28, 106, 67, 0),
            stop=StopReason.REFUSAL,
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(RAW_CASES))
async def test_raw_recorded_stream(case: str, replay: ReplayServer, client: httpx.AsyncClient):
    protocol, path, expect = RAW_CASES[case]
    replay.queue(Reply(fixture_bytes(path), pieces=(1, 48), seed=len(case)))
    ep = endpoint(protocol, replay.base_url + ("/v1" if protocol is Protocol.OPENAI else ""))
    events = await collect(ChatRequest("test-model", [Message.user("hi")]), ep, client)
    _check(events, expect)


def test_anthropic_stream_cut_by_max_tokens_inside_tool_json_keeps_raw_arguments():
    """The recording ends the tool block without ``content_block_stop`` (max_tokens)."""
    from playground.adapters.anthropic_messages import MessagesParser

    parser = MessagesParser()
    events = parser.feed(fixture_bytes("anthropic/incomplete_partial_json_response.txt"))
    events += parser.finish()  # the file ends without a blank line after message_stop
    summary = summarize(events)
    (call,) = summary.tool_calls
    assert call.name == "make_file"
    assert call.parse_error and call.arguments == {}
    assert call.raw_arguments.startswith('{"filename": "taxes.txt"')
    assert summary.terminal.stop_reason is StopReason.LENGTH


# --- multi-turn cassettes (go-vcr) ---------------------------------------------------------

CASSETTES: dict[str, tuple[Protocol, str, list[Expect]]] = {
    "anthropic-thinking": (
        Protocol.ANTHROPIC,
        "recorded/TestAnthropicThinking/claude-sonnet-4/thinking-streaming.yaml",
        [
            Expect(
                thinking_prefix="The user is asking for weather information for Florence, Italy.",
                thinking_len=301,
                signature_prefixes=["EtYDCkYICxgCKkAVHEWR"],
                tools=[
                    ("toolu_01Js4AMfx5qpTLhwTusnvT68", "weather", {"location": "Florence, Italy"})
                ],
                usage=(424, 119, 0, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "The current weather in Florence, Italy is 40°C (104°F). That's quite hot!",
                text_prefix=True,
                usage=(558, 51, 0, 0),
            ),
        ],
    ),
    "anthropic-multi-tool": (
        Protocol.ANTHROPIC,
        "recorded/TestAnthropicCommon/claude-sonnet-4/multi_tool_streaming.yaml",
        [
            Expect(
                "I'll add and multiply the numbers 2 and 3 for you.",
                tools=[
                    ("toolu_01UYxUYC2zRPY8wiutnF48eP", "add", {"a": 2, "b": 3}),
                    ("toolu_01VaRx1jpWCvPhi7L4kywAcd", "multiply", {"a": 2, "b": 3}),
                ],
                usage=(502, 137, 0, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect("The results are:\n- 2 + 3 = 5\n- 2 × 3 = 6", usage=(700, 31, 0, 0)),
        ],
    ),
    "anthropic-tool": (
        Protocol.ANTHROPIC,
        "recorded/TestAnthropicCommon/claude-sonnet-4/tool_streaming.yaml",
        [
            Expect(
                "I'll get the weather information for Florence, Italy for you.",
                tools=[
                    ("toolu_01N2eM4V43kGCDkq2Lw7ChWQ", "weather", {"location": "Florence,Italy"})
                ],
                usage=(394, 67, 0, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect("The current weather in Florence, Italy shows", True, usage=(476, 46, 0, 0)),
        ],
    ),
    "gemini-2.5-flash-thinking": (
        Protocol.GEMINI,
        "recorded/TestGoogleThinking/gemini-2.5-flash/thinking-streaming.yaml",
        [
            Expect(
                thinking_prefix="**Determining the Weather Inquiry**\n\nI've pinpointed",
                signature_prefixes=["CiQBvj72+y6VX8BA4jML"],
                tools=[("call_0", "weather", {"location": "Florence, Italy"})],
                usage=(54, 14 + 62, 62, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect("The weather in Florence, Italy is 40 C.", usage=(146, 12, 0, 0)),
        ],
    ),
    "gemini-3-thinking": (
        Protocol.GEMINI,
        "recorded/TestGoogleThinking/gemini-3-pro-preview/thinking-streaming.yaml",
        [
            Expect(
                signature_prefixes=["Eu0DCuoDAb4+9vvdbiOp"],
                tools=[("9d532gc9", "weather", {"location": "Florence, Italy"})],
                usage=(65, 16 + 94, 94, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "The current weather in Florence, Italy is 40°C (104°F). Stay cool, it's quite "
                "hot!",
                signature_prefixes=["EtACCs0CAb4+9vvhaZ9s"],
                usage=(189, 29 + 68, 68, 0),
            ),
        ],
    ),
    "gemini-multi-tool": (
        Protocol.GEMINI,
        "recorded/TestGoogleCommon/gemini-2.5-flash/multi_tool_streaming.yaml",
        [
            Expect(
                signature_prefixes=["CloBvj72+4/aTlyeodvV"],
                tools=[
                    ("call_0", "add", {"a": 2, "b": 3}),
                    ("call_1", "multiply", {"a": 2, "b": 3}),
                ],
                usage=(121, 36 + 38, 38, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect("The sum of 2 and 3 is 5. The product of 2 and 3 is 6.", usage=(218, 22, 0, 0)),
        ],
    ),
    "openai-gpt-5-tool": (
        Protocol.OPENAI,
        "recorded/TestOpenAICommon/openai-gpt-5/tool_streaming.yaml",
        [
            Expect(
                tools=[
                    ("call_eKRQDHJdZUhEXo1K1cobzFrl", "weather", {"location": "Florence, Italy"})
                ],
                usage=(145, 89, 64, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "It’s currently about 40°C (104°F) in Florence, Italy.",
                text_prefix=True,
                usage=(176, 228, 192, 0),
            ),
        ],
    ),
    "groq-kimi-k2-tool": (
        Protocol.OPENAI,
        "recorded/TestOpenAICompatibleCommon/groq-kimi-k2/tool_streaming.yaml",
        [
            Expect(
                "I'll check the weather in Florence, Italy for you.",
                tools=[("functions.weather:0", "weather", {"location": "Florence,Italy"})],
                usage=(93, 32, 0, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect("The current temperature in Florence, Italy is 40°C.", usage=(143, 13, 0, 0)),
        ],
    ),
    "xai-grok-3-mini-reasoning-content": (
        Protocol.OPENAI,
        "recorded/TestOpenAICompatibleThinking/xai-grok-3-mini/thinking-streaming.yaml",
        [
            Expect(
                thinking_prefix="First, the user is asking for the weather in Florence, Italy.",
                tools=[("call_45048949", "weather", {"location": "Florence, Italy"})],
                # xAI reports completion_tokens (27) without the 313 reasoning tokens.
                usage=(288, 27 + 313, 313, 287),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "The weather in Florence, Italy is 40°C.",
                thinking_prefix='First, the user asked: "What\'s the weather in Florence, Italy?"',
                usage=(331, 11 + 271, 271, 330),
            ),
        ],
    ),
    "zai-glm-reasoning-content": (
        Protocol.OPENAI,
        "recorded/TestOpenAICompatibleThinking/zai-glm-4-7-flash/thinking-streaming.yaml",
        [
            Expect(
                "I'll check the weather in Florence, Italy for you.",
                thinking_prefix="The user is asking about the weather in Florence, Italy.",
                tools=[("call_330c741a86144cb7a385bc6d", "weather", {"location": "Florence"})],
                usage=(173, 87, 63, 172),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "The current weather in Florence, Italy is 40°C (104°F). That's quite hot!",
                thinking_prefix='The weather function returned "40 C"',
                usage=(266, 71, 49, 177),
            ),
        ],
    ),
    "llama-cpp-gpt-oss": (
        Protocol.OPENAI,
        "recorded/TestOpenAICompatibleThinking/llama-cpp-gpt-oss/thinking-streaming.yaml",
        [
            Expect(
                thinking_prefix="We need to call function 'weather' with location",
                tools=[
                    (
                        "1wNpqrejg1FCTjf6xq8JRCGKgWZO74AL",
                        "weather",
                        {"location": "Florence, Italy"},
                    )
                ],
                usage=(139, 42, 0, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "The current weather in Florence, Italy is **40\u202f°C**.", usage=(197, 18, 0, 0)
            ),
        ],
    ),
    "openai-responses-reasoning-summary": (
        Protocol.OPENAI_RESPONSES,
        "recorded/TestOpenAIResponsesWithSummaryThinking/openai-gpt-5/thinking-streaming.yaml",
        [
            Expect(
                thinking_prefix="**Getting weather info**\n\nI need to respond to the user's",
                tools=[
                    ("call_zgUaIBRPTwxxOusyyKw5NVMH", "weather", {"location": "Florence, Italy"})
                ],
                usage=(63, 121, 64, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "Right now in Florence, Italy, it’s about 40°C (104°F). Would you like a forecast "
                "or details like wind and humidity?",
                thinking_prefix="**Finalizing the response**\n\nI can mention the time of day",
                usage=(92, 456, 384, 0),
            ),
        ],
    ),
    "openrouter-reasoning": (
        Protocol.OPENAI,
        "recorded/TestOpenRouterThinking/anthropic/thinking-streaming.yaml",
        [
            Expect(
                thinking_prefix="The user is asking for weather information in Florence, Italy.",
                signature_prefixes=["Eq0ECkgIDRABGAIqQM/z"],
                tools=[
                    (
                        "toolu_bdrk_01N8hD5cYDw4WfvnjKXAkA2W",
                        "weather",
                        {"location": "Florence, Italy"},
                    )
                ],
                usage=(607, 143, 99, 0),
                stop=StopReason.TOOL_USE,
            ),
            Expect(
                "The weather in Florence, Italy is currently **40°C (104°F)**",
                text_prefix=True,
                usage=(764, 82, 0, 0),
            ),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASSETTES))
async def test_recorded_conversation(case: str, replay: ReplayServer, client: httpx.AsyncClient):
    protocol, path, expects = CASSETTES[case]
    first, second = load_cassette(path)
    base, model = _base_and_model(protocol, first.url, replay.base_url, first.request_body)
    # Servers whose recorded turn 2 sends the reasoning back get it replayed.
    replays = "reasoning_content" in json.dumps(second.request_body)
    options = {"replay_reasoning": "reasoning_content"} if replays else {}
    ep = endpoint(protocol, base, model, options=options)
    request = _first_request(protocol, first.request_body, model)

    first.reply.pieces, first.reply.seed = (1, 40), 1
    replay.queue(first.reply)
    events = await collect(request, ep, client)
    _check(events, expects[0])
    assert replay.requests[0].path == urlsplit(first.url).path

    # Turn 2: the assistant turn rebuilt from our events plus the tool results.
    summary = summarize(events)
    answers = ["5", "6"] if case.endswith("multi-tool") else ["40 C"]
    calls = summary.tool_calls
    results = [ToolResultPart(c.id, c.name, a) for c, a in zip(calls, answers, strict=True)]
    request.messages += [assistant_turn(events), Message("tool", list(results))]
    second.reply.pieces, second.reply.seed = (3, 97), 2
    replay.queue(second.reply)
    events = await collect(request, ep, client)
    _check(events, expects[1])
    _compare_turn_two(protocol, replay.requests[1].json(), second.request_body)


def _check(events: list, expect: Expect) -> None:
    summary = summarize(events)
    assert summary.terminal.type == "done", summary.terminal
    assert summary.terminal.stop_reason is expect.stop
    if expect.text_prefix:
        assert summary.text.startswith(expect.text), summary.text
    else:
        assert summary.text == expect.text
    assert summary.thinking.startswith(expect.thinking_prefix), summary.thinking[:80]
    if expect.thinking_len is not None:
        assert len(summary.thinking) == expect.thinking_len
    if not expect.thinking_prefix:
        assert summary.thinking.strip() == ""
    assert len(summary.signatures) == len(expect.signature_prefixes)
    for signature, prefix in zip(summary.signatures, expect.signature_prefixes, strict=True):
        assert signature.startswith(prefix)
    calls = [(c.id, c.name, c.arguments) for c in summary.tool_calls]
    assert calls == expect.tools
    assert all(c.parse_error is None for c in summary.tool_calls)
    usage = summary.usage
    assert usage is not None
    assert (
        usage.input_tokens,
        usage.output_tokens,
        usage.reasoning_tokens,
        usage.cache_read_tokens,
    ) == expect.usage


def _base_and_model(
    protocol: Protocol, url: str, server: str, body: dict[str, Any]
) -> tuple[str, str]:
    path = urlsplit(url).path
    if protocol is Protocol.OPENAI:
        return server + path.removesuffix("/chat/completions"), body["model"]
    if protocol is Protocol.OPENAI_RESPONSES:
        return server + path.removesuffix("/responses"), body["model"]
    if protocol is Protocol.ANTHROPIC:
        return server, body["model"]
    model = path.split("/models/")[1].split(":")[0]
    return server, model


def _first_request(protocol: Protocol, body: dict[str, Any], model: str) -> ChatRequest:
    """A request with the same system prompt, user text and tools as the recorded one."""
    if protocol is Protocol.OPENAI:
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    elif protocol is Protocol.OPENAI_RESPONSES:
        system, user = body["input"][0]["content"], body["input"][1]["content"][0]["text"]
    elif protocol is Protocol.ANTHROPIC:
        system = body["system"][0]["text"]
        user = body["messages"][0]["content"][0]["text"]
    else:
        system = body["systemInstruction"]["parts"][0]["text"]
        user = body["contents"][0]["parts"][0]["text"]
    tools = [WEATHER_TOOL] if "weather" in str(body.get("tools")) else []
    if not tools:
        tools = _math_tools()
    return ChatRequest(model, [Message.user(user)], system=system, tools=tools)


def _math_tools() -> list:
    from playground.request import ToolSpec

    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    }
    return [ToolSpec("add", "Add two numbers", schema), ToolSpec("multiply", "Multiply", schema)]


def _compare_turn_two(protocol: Protocol, sent: dict[str, Any], recorded: dict[str, Any]) -> None:
    """The conversation part of our turn-2 request has the recorded request's shape."""
    if protocol is Protocol.ANTHROPIC:
        assert sent["messages"] == recorded["messages"]
        assert sent["system"] == recorded["system"]
        return
    if protocol is Protocol.GEMINI:
        assert _gemini_ids_removed(sent["contents"]) == _gemini_ids_removed(recorded["contents"])
        return
    if protocol is Protocol.OPENAI_RESPONSES:
        assert sent["input"] == recorded["input"]
        return
    # reasoning_content is replayed when the endpoint asks for it (see above); OpenRouter's
    # reasoning / reasoning_details are not replayed, so they are left out of the comparison.
    ignored = {"reasoning", "reasoning_details"}
    recorded_messages = [
        {k: v for k, v in m.items() if k not in ignored} for m in recorded["messages"]
    ]
    assert _parsed_arguments(without_none(sent["messages"])) == _parsed_arguments(
        without_none(recorded_messages)
    )


def _parsed_arguments(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool-call argument strings parsed, so JSON spacing does not matter."""
    out = []
    for message in messages:
        calls = message.get("tool_calls")
        if calls:
            parsed = []
            for call in calls:
                function = dict(call["function"])
                function["arguments"] = json.loads(function["arguments"])
                parsed.append({**call, "function": function})
            message = {**message, "tool_calls": parsed}
        out.append(message)
    return out


def _gemini_ids_removed(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gemini 2.5 sends no call ids (the recorder invented "1"; we invent "call_0")."""
    cleaned = []
    for content in contents:
        parts = []
        for part in content["parts"]:
            part = dict(part)
            for key in ("functionCall", "functionResponse"):
                if key in part:
                    part[key] = {k: v for k, v in part[key].items() if k != "id"}
            parts.append(part)
        cleaned.append({**content, "parts": parts})
    return cleaned
