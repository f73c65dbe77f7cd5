# ruff: noqa: E501 - expected wire bodies are kept readable, one part per line
"""What each adapter sends: URL, auth headers and JSON body built from a ChatRequest."""

from __future__ import annotations

import pytest

from playground.endpoint import AuthKind, Protocol
from playground.request import (
    ChatRequest,
    ImagePart,
    Message,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
)
from tests.adapters.replay import ReplayServer, Reply
from tests.adapters.streams import TEST_KEY, WEATHER_TOOL, collect, endpoint

OK = {
    Protocol.OPENAI: b"data: [DONE]\n\n",
    Protocol.AZURE_OPENAI: b"data: [DONE]\n\n",
    Protocol.ANTHROPIC: b'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    Protocol.GEMINI: b'data: {"candidates":[{"content":{"parts":[{"text":"ok"}]},"finishReason":"STOP"}]}\r\n\r\n',
    Protocol.OLLAMA: b'{"message":{"content":"ok"},"done":true}\n',
    Protocol.OPENAI_RESPONSES: b'event: response.completed\ndata: {"type":"response.completed","response":{}}\n\n',
}  # fmt: skip

PNG = ImagePart.from_bytes(b"\x89PNG fake", "image/png")


async def sent(replay: ReplayServer, client, request: ChatRequest, ep) -> dict:
    replay.queue(Reply(OK[ep.protocol]))
    events = await collect(request, ep, client)
    assert events[-1].type == "done", events[-1]
    return replay.requests[-1]


def conversation() -> ChatRequest:
    """System prompt, an image, a tool call with its result, and signed thinking."""
    return ChatRequest(
        "m",
        [
            Message.user("What is in this image and what's the weather?", [PNG]),
            Message(
                "assistant",
                [
                    ThinkingPart("Need the weather.", "sig-123"),
                    TextPart("Let me check."),
                    ToolCallPart("call_1", "weather", {"location": "Florence"}),
                ],
            ),
            Message("tool", [ToolResultPart("call_1", "weather", "40 C")]),
        ],
        system="Be brief.",
        tools=[WEATHER_TOOL],
        max_tokens=300,
        temperature=0.5,
    )


async def test_openai_url_auth_and_body(replay, client):
    ep = endpoint("openai", replay.base_url + "/v1/", "gpt-x", headers={"OpenAI-Project": "p1"})
    request = await sent(replay, client, conversation(), ep)
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert request.headers["openai-project"] == "p1"
    body = request.json()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["model"] == "gpt-x" and body["max_tokens"] == 300 and body["temperature"] == 0.5
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {
            "role": "user",
            "content": [
                {
                    "type": "image_url",
                    "image_url": {"url": f"data:image/png;base64,{PNG.data_b64}"},
                },
                {"type": "text", "text": "What is in this image and what's the weather?"},
            ],
        },
        {
            "role": "assistant",
            "content": "Let me check.",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"location":"Florence"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "40 C"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "weather",
                "description": WEATHER_TOOL.description,
                "parameters": WEATHER_TOOL.parameters,
            },
        }
    ]


async def test_openai_itself_gets_max_completion_tokens(replay, client):
    ep = endpoint("openai", replay.base_url + "/v1", provider="openai")
    body = (await sent(replay, client, conversation(), ep)).json()
    assert body["max_completion_tokens"] == 300 and "max_tokens" not in body


async def test_overrides_are_deep_merged_and_temperature_dropped(replay, client):
    request = conversation()
    request.body_overrides = {"stream_options": {"x": 1}, "reasoning_effort": "high"}
    request.drop_temperature = True
    body = (await sent(replay, client, request, endpoint("openai", replay.base_url))).json()
    assert body["stream_options"] == {"include_usage": True, "x": 1}
    assert body["reasoning_effort"] == "high" and "temperature" not in body


async def test_auth_none_and_missing_key_send_no_auth_header(replay, client):
    for ep in (
        endpoint("openai", replay.base_url, auth_kind=AuthKind.NONE),
        endpoint("openai", replay.base_url, key=None),
    ):
        request = await sent(replay, client, conversation(), ep)
        assert "authorization" not in request.headers and "api-key" not in request.headers


async def test_azure_deployment_url_and_api_key_header(replay, client):
    ep = endpoint(
        "azure-openai", replay.base_url, "my-deploy", options={"api_version": "2024-10-21"}
    )
    request = await sent(replay, client, conversation(), ep)
    assert request.path == "/openai/deployments/my-deploy/chat/completions"
    assert request.query == "api-version=2024-10-21"
    assert request.headers["api-key"] == TEST_KEY and "authorization" not in request.headers
    assert request.json()["max_completion_tokens"] == 300


async def test_azure_without_api_version_uses_the_v1_surface(replay, client):
    request = await sent(replay, client, conversation(), endpoint("azure-openai", replay.base_url))
    assert request.path == "/openai/v1/chat/completions"


async def test_anthropic_api_key_headers_and_body(replay, client):
    ep = endpoint("anthropic", replay.base_url + "/", "claude-x")
    request = await sent(replay, client, conversation(), ep)
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == TEST_KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in request.headers
    body = request.json()
    assert body["system"] == [{"type": "text", "text": "Be brief."}]
    assert body["max_tokens"] == 300 and body["stream"] is True
    assert body["tools"] == [
        {
            "name": "weather",
            "description": WEATHER_TOOL.description,
            "input_schema": WEATHER_TOOL.parameters,
        }
    ]
    source = {"type": "base64", "media_type": "image/png", "data": PNG.data_b64}
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "image", "source": source},
                {"type": "text", "text": "What is in this image and what's the weather?"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Need the weather.", "signature": "sig-123"},
                {"type": "text", "text": "Let me check."},
                {"type": "tool_use", "id": "call_1", "name": "weather", "input": {"location": "Florence"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": [{"type": "text", "text": "40 C"}]}
            ],
        },
    ]  # fmt: skip


async def test_anthropic_redacted_thinking_is_replayed_as_data(replay, client):
    request = ChatRequest(
        "m",
        [
            Message.user("hi"),
            Message("assistant", [ThinkingPart("", "opaque==", redacted=True), TextPart("yo")]),
            Message.user("again"),
        ],
    )
    body = (await sent(replay, client, request, endpoint("anthropic", replay.base_url))).json()
    assert body["messages"][1]["content"][0] == {"type": "redacted_thinking", "data": "opaque=="}
    assert body["max_tokens"] == 4096  # required by the API; a default when unset


async def test_anthropic_oauth_token_is_a_bearer_never_x_api_key(replay, client):
    ep = endpoint(
        "anthropic",
        replay.base_url,
        auth_kind=AuthKind.OAUTH_TOKEN,
        key="sk-ant-oat01-abcdefghijklmnop",
        headers={"x-api-key": "leftover", "anthropic-beta": "interleaved-thinking-2025-05-14"},
    )
    request = await sent(replay, client, conversation(), ep)
    assert request.headers["authorization"] == "Bearer sk-ant-oat01-abcdefghijklmnop"
    assert "x-api-key" not in request.headers
    betas = request.headers["anthropic-beta"].split(",")
    assert "oauth-2025-04-20" in betas and "interleaved-thinking-2025-05-14" in betas


async def test_gemini_url_encodes_the_model_and_sends_goog_key(replay, client):
    ep = endpoint("gemini", replay.base_url, "sim-fast?tps=0&fail=429")
    request = await sent(replay, client, conversation(), ep)
    assert (
        request.raw_path == b"/v1beta/models/sim-fast%3Ftps%3D0%26fail%3D429:streamGenerateContent"
    )
    assert request.query == "alt=sse"
    assert request.headers["x-goog-api-key"] == TEST_KEY and "authorization" not in request.headers
    body = request.json()
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert body["generationConfig"] == {"maxOutputTokens": 300, "temperature": 0.5}
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "weather"
    assert body["contents"] == [
        {
            "role": "user",
            "parts": [
                {"inlineData": {"mimeType": "image/png", "data": PNG.data_b64}},
                {"text": "What is in this image and what's the weather?"},
            ],
        },
        {
            "role": "model",
            "parts": [
                {"text": "Let me check.", "thoughtSignature": "sig-123"},
                {"functionCall": {"name": "weather", "args": {"location": "Florence"}, "id": "call_1"}},
            ],
        },
        {
            "role": "user",
            "parts": [
                {"functionResponse": {"id": "call_1", "name": "weather", "response": {"result": "40 C"}}}
            ],
        },
    ]  # fmt: skip


async def test_gemini_schema_drops_keywords_it_rejects(replay, client):
    tool = WEATHER_TOOL.__class__(
        "t", "d", {"$schema": "x", "type": "object", "additionalProperties": False}
    )
    request = ChatRequest("m", [Message.user("hi")], tools=[tool])
    body = (await sent(replay, client, request, endpoint("gemini", replay.base_url))).json()
    assert body["tools"][0]["functionDeclarations"][0]["parameters"] == {"type": "object"}


async def test_ollama_url_body_and_optional_bearer(replay, client):
    ep = endpoint("ollama", replay.base_url, "qwen3", key=None)
    request = await sent(replay, client, conversation(), ep)
    assert request.path == "/api/chat" and "authorization" not in request.headers
    body = request.json()
    assert body["options"] == {"num_predict": 300, "temperature": 0.5}
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is in this image and what's the weather?", "images": [PNG.data_b64]},
        {
            "role": "assistant",
            "content": "Let me check.",
            "thinking": "Need the weather.",
            "tool_calls": [{"id": "call_1", "function": {"name": "weather", "arguments": {"location": "Florence"}}}],
        },
        {"role": "tool", "content": "40 C", "tool_name": "weather", "tool_call_id": "call_1"},
    ]  # fmt: skip
    with_key = await sent(replay, client, conversation(), endpoint("ollama", replay.base_url))
    assert with_key.headers["authorization"] == f"Bearer {TEST_KEY}"


@pytest.mark.parametrize("protocol", [Protocol.OPENAI, Protocol.ANTHROPIC, Protocol.GEMINI])
async def test_keys_never_appear_in_error_messages(protocol, replay, client):
    replay.queue(Reply(b'{"error": {"message": "denied"}}', 401, "application/json"))
    (error,) = await collect(conversation(), endpoint(protocol, replay.base_url), client)
    assert TEST_KEY not in repr(error) and TEST_KEY not in error.message


async def test_reasoning_is_replayed_only_when_the_endpoint_asks(replay, client):
    default = (
        await sent(replay, client, conversation(), endpoint("openai", replay.base_url))
    ).json()
    assert "reasoning_content" not in default["messages"][2]
    ep = endpoint("openai", replay.base_url, options={"replay_reasoning": "reasoning_content"})
    body = (await sent(replay, client, conversation(), ep)).json()
    assert body["messages"][2]["reasoning_content"] == "Need the weather."


async def test_null_override_removes_a_field(replay, client):
    request = conversation()
    request.body_overrides = {"stream_options": None}
    body = (await sent(replay, client, request, endpoint("openai", replay.base_url))).json()
    assert "stream_options" not in body and body["stream"] is True


@pytest.mark.parametrize(
    ("protocol", "path"),
    [
        (Protocol.OPENAI, ("temperature",)),
        (Protocol.ANTHROPIC, ("temperature",)),
        (Protocol.GEMINI, ("generationConfig", "temperature")),
        (Protocol.OLLAMA, ("options", "temperature")),
        (Protocol.OPENAI_RESPONSES, ("temperature",)),
    ],
)
async def test_drop_temperature_removes_it_where_each_protocol_puts_it(
    protocol, path, replay, client
):
    request = conversation()
    with_temperature = (
        await sent(replay, client, request, endpoint(protocol, replay.base_url))
    ).json()
    request.drop_temperature = True
    without = (await sent(replay, client, request, endpoint(protocol, replay.base_url))).json()
    for key in path[:-1]:
        with_temperature, without = with_temperature[key], without.get(key, {})
    assert with_temperature[path[-1]] == 0.5 and path[-1] not in without
