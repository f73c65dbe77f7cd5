"""Each family's successful answers, byte-level: framing, content types, usage, terminators."""

from __future__ import annotations

import base64
import json

import pytest
from sim_wire import (
    FAMILIES,
    FAST,
    stream_json,
    stream_payloads,
    streamed_text,
    streamed_thinking,
    wire_family,
)

pytestmark = pytest.mark.usefixtures("sim_url")


@pytest.mark.parametrize("family", FAMILIES)
def test_echo_streams_the_last_user_message_word_by_word(send, family):
    response = send(family, f"echo?{FAST}", "hello there, general Kenobi")
    assert response.status_code == 200
    assert streamed_text(family, response.text) == "hello there, general Kenobi"
    word_events = [
        item
        for item in stream_json(family, response.text)
        if family == "gemini" or "content" in json.dumps(item)
    ]
    assert len(word_events) >= 4


def test_openai_stream_matches_the_chat_completions_shape(send):
    response = send("openai", f"echo?{FAST}", "one two three")
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["x-ratelimit-remaining-requests"]
    raw = response.text
    assert raw.endswith("data: [DONE]\n\n")
    chunks = stream_json("openai", raw)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"].startswith("chatcmpl-")
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    # include_usage: usage:null on every chunk, then a final empty-choices chunk with the usage
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    usage_chunk = chunks[-1]
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["prompt_tokens"] == 3
    assert usage_chunk["usage"]["completion_tokens"] == 3
    assert usage_chunk["usage"]["total_tokens"] == 6
    assert usage_chunk["usage"]["completion_tokens_details"]["reasoning_tokens"] == 0


def test_openai_stream_without_include_usage_has_no_usage(client):
    body = {
        "model": f"echo?{FAST}",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }
    raw = client.post("/openai/v1/chat/completions", json=body).text
    chunks = stream_json("openai", raw)
    assert all("usage" not in c for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_anthropic_stream_follows_the_event_grammar_with_padding(send):
    response = send("anthropic", f"echo?{FAST}", "alpha beta")
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["request-id"].startswith("req_")
    pairs = stream_payloads("anthropic", response.text)
    names = [event for event, _ in pairs]
    assert names == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert all(json.loads(data)["type"] == event for event, data in pairs)
    assert any(data.endswith(" }") or data.endswith("  }") for _, data in pairs), "padding"
    start = json.loads(pairs[0][1])["message"]
    assert start["usage"]["input_tokens"] == 2 and start["id"].startswith("msg_")
    delta = json.loads(pairs[-2][1])
    assert delta["delta"]["stop_reason"] == "end_turn"
    assert delta["usage"]["output_tokens"] == 2


def test_gemini_stream_uses_crlf_framing_cumulative_usage_and_no_terminator(send):
    response = send("gemini", f"echo?{FAST}", "red green blue")
    assert response.headers["content-type"] == "text/event-stream"
    raw = response.text
    assert raw.startswith("data: {") and raw.endswith("\r\n\r\n")
    assert "\n\n" not in raw.replace("\r\n\r\n", "")
    chunks = stream_json("gemini", raw)
    counts = [c["usageMetadata"]["candidatesTokenCount"] for c in chunks]
    assert counts == [1, 2, 3]
    assert all(c["usageMetadata"]["promptTokenCount"] == 3 for c in chunks)
    assert chunks[-1]["usageMetadata"]["totalTokenCount"] == 6
    assert [c["candidates"][0].get("finishReason") for c in chunks] == [None, None, "STOP"]
    assert len({c["responseId"] for c in chunks}) == 1


def test_gemini_without_alt_sse_streams_one_json_array(client):
    path = "/gemini/v1beta/models/echo%3Ftps%3D0%26ttft_ms%3D0:streamGenerateContent"
    body = {"contents": [{"role": "user", "parts": [{"text": "x y"}]}]}
    response = client.post(path, json=body)
    assert response.headers["content-type"] == "application/json"
    chunks = response.json()
    assert isinstance(chunks, list) and chunks[-1]["candidates"][0]["finishReason"] == "STOP"


def test_gemini_model_id_with_unencoded_question_mark_is_understood(client):
    path = f"/gemini/v1beta/models/echo?{FAST}:streamGenerateContent?alt=sse"
    body = {"contents": [{"role": "user", "parts": [{"text": "still works"}]}]}
    response = client.post(path, json=body)
    assert response.status_code == 200
    assert streamed_text("gemini", response.text) == "still works"


def test_ollama_stream_is_ndjson_ending_with_done_metrics(send):
    response = send("ollama", f"echo?{FAST}", "ping pong")
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["done"] for o in objects] == [False, False, True]
    final = objects[-1]
    assert final["done_reason"] == "stop"
    assert final["prompt_eval_count"] == 2 and final["eval_count"] == 2
    assert final["total_duration"] >= final["eval_duration"] > 0
    assert objects[0]["created_at"].endswith("Z")


@pytest.mark.parametrize("family", FAMILIES)
def test_lorem_is_deterministic_and_honours_tokens(send, family):
    first = send(family, f"lorem?{FAST}&tokens=37").text
    second = send(family, f"lorem?{FAST}&tokens=37").text
    text = streamed_text(family, first)
    assert text == streamed_text(family, second)
    assert len(text.split()) == 37
    assert text.startswith("Lorem ipsum")


@pytest.mark.parametrize(
    ("family", "extra", "setting"),
    [
        ("openai", {"reasoning_effort": "high"}, "reasoning_effort=high"),
        (
            "anthropic",
            {"thinking": {"type": "enabled", "budget_tokens": 2048}},
            "thinking.type=enabled, budget_tokens=2048",
        ),
        (
            "anthropic",
            {"thinking": {"type": "adaptive"}, "output_config": {"effort": "low"}},
            "thinking.type=adaptive, output_config.effort=low",
        ),
        (
            "gemini",
            {
                "generationConfig": {
                    "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True}
                }
            },
            "thinkingConfig.thinkingBudget=1024, includeThoughts=true",
        ),
        ("ollama", {"think": "medium"}, "think=medium"),
        ("openai", {"reasoning": {"effort": "low"}}, "reasoning.effort=low"),
        (
            "gemini",
            {
                "generationConfig": {
                    "thinkingConfig": {"thinkingLevel": "HIGH", "includeThoughts": True}
                }
            },
            "thinkingConfig.thinkingLevel=HIGH, includeThoughts=true",
        ),
    ],
)
def test_thinker_thinks_then_states_the_setting_it_received(send, family, extra, setting):
    raw = send(family, f"thinker?{FAST}", "why is the sky blue", extra=extra).text
    thinking = streamed_thinking(family, raw)
    text = streamed_text(family, raw)
    assert len(thinking.split()) >= 8
    assert f"Thinking setting received: {setting}." in text
    assert "why is the sky blue" in text


@pytest.mark.parametrize("family", FAMILIES)
def test_thinker_without_a_thinking_setting_does_not_think_and_says_so(send, family):
    raw = send(family, f"thinker?{FAST}", "quick question").text
    assert streamed_thinking(family, raw) == ""
    assert "Thinking setting received: none (thinking off). Thinking is off" in streamed_text(
        family, raw
    )


@pytest.mark.parametrize(
    ("family", "extra", "setting"),
    [
        ("openai", {"reasoning_effort": "none"}, "reasoning_effort=none"),
        ("anthropic", {"thinking": {"type": "disabled"}}, "thinking.type=disabled"),
        (
            "gemini",
            {"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}},
            "thinkingConfig.thinkingBudget=0, includeThoughts=false",
        ),
        ("ollama", {"think": False}, "think=false"),
    ],
)
def test_thinking_switched_off_explicitly_is_reported_as_received(send, family, extra, setting):
    raw = send(family, f"thinker?{FAST}", "q", extra=extra).text
    assert streamed_thinking(family, raw) == ""
    assert f"Thinking setting received: {setting}. Thinking is off" in streamed_text(family, raw)


def test_more_effort_means_more_thinking(send):
    amounts = []
    for effort in ("minimal", "low", "medium", "high", "xhigh"):
        raw = send("openai", f"thinker?{FAST}", "q", extra={"reasoning_effort": effort}).text
        amounts.append(len(streamed_thinking("openai", raw).split()))
        usage = stream_json("openai", raw)[-1]["usage"]
        assert usage["completion_tokens_details"]["reasoning_tokens"] == amounts[-1]
    assert amounts == sorted(amounts) and len(set(amounts)) == 5


def test_anthropic_thinking_block_ends_with_a_signature(send):
    extra = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    items = stream_json("anthropic", send("anthropic", f"thinker?{FAST}", "x", extra=extra).text)
    deltas = [i["delta"] for i in items if i["type"] == "content_block_delta" and i["index"] == 0]
    assert deltas[-1]["type"] == "signature_delta" and deltas[-1]["signature"]
    assert deltas[-2] == {"type": "thinking_delta", "thinking": ""}
    final = next(i for i in items if i["type"] == "message_delta")
    assert final["usage"]["output_tokens_details"]["thinking_tokens"] == 32


def test_anthropic_rejects_budgets_the_real_api_rejects(send):
    low = send(
        "anthropic",
        f"thinker?{FAST}",
        extra={"thinking": {"type": "enabled", "budget_tokens": 500}},
    )
    assert low.status_code == 400
    assert "greater than or equal to 1024" in low.json()["error"]["message"]
    over = send(
        "anthropic",
        f"thinker?{FAST}",
        extra={"max_tokens": 2000, "thinking": {"type": "enabled", "budget_tokens": 4000}},
    )
    assert over.status_code == 400
    assert (
        "`max_tokens` must be greater than `thinking.budget_tokens`"
        in over.json()["error"]["message"]
    )


def test_gemini_counts_thoughts_it_does_not_return_without_include_thoughts(send):
    extra = {"generationConfig": {"thinkingConfig": {"thinkingBudget": 4096}}}
    raw = send("gemini", f"thinker?{FAST}", "q", extra=extra).text
    assert streamed_thinking("gemini", raw) == ""
    last = stream_json("gemini", raw)[-1]["usageMetadata"]
    assert last["thoughtsTokenCount"] == 128
    assert last["totalTokenCount"] == (
        last["promptTokenCount"] + last["candidatesTokenCount"] + last["thoughtsTokenCount"]
    )
    assert "thinkingBudget=4096, includeThoughts=false" in streamed_text("gemini", raw)


WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "location": {"type": "string", "description": "the city"},
        "unit": {"type": "string", "enum": ["fahrenheit", "celsius"]},
        "days": {"type": "integer", "minimum": 3, "maximum": 7},
    },
    "required": ["location", "unit"],
}


def _tools_extra(family: str) -> dict:
    if family == "anthropic":
        return {"tools": [{"name": "weather", "description": "w", "input_schema": WEATHER_SCHEMA}]}
    if family == "gemini":
        return {
            "tools": [{"functionDeclarations": [{"name": "weather", "parameters": WEATHER_SCHEMA}]}]
        }
    return {
        "tools": [
            {"type": "function", "function": {"name": "weather", "parameters": WEATHER_SCHEMA}}
        ]
    }


EXPECTED_ARGS = {"location": "Paris, France", "unit": "fahrenheit", "days": 3}


def test_openai_tool_call_streams_argument_fragments(send):
    raw = send("openai", f"tools?{FAST}", "weather?", extra=_tools_extra("openai")).text
    chunks = stream_json("openai", raw)
    calls = [
        c["choices"][0]["delta"]["tool_calls"][0]
        for c in chunks
        if c["choices"] and "tool_calls" in c["choices"][0]["delta"]
    ]
    assert calls[0]["id"].startswith("call_") and calls[0]["function"] == {
        "name": "weather",
        "arguments": "",
    }
    fragments = [c["function"]["arguments"] for c in calls[1:]]
    assert len(fragments) > 3 and all("id" not in c for c in calls[1:])
    assert json.loads("".join(fragments)) == EXPECTED_ARGS
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"


def test_anthropic_tool_use_streams_input_json_deltas(send):
    raw = send("anthropic", f"tools?{FAST}", "weather?", extra=_tools_extra("anthropic")).text
    items = stream_json("anthropic", raw)
    start = next(i for i in items if i["type"] == "content_block_start")
    assert start["content_block"]["type"] == "tool_use"
    assert start["content_block"]["id"].startswith("toolu_")
    partial = [i["delta"]["partial_json"] for i in items if i["type"] == "content_block_delta"]
    assert partial[0] == "" and json.loads("".join(partial)) == EXPECTED_ARGS
    assert (
        next(i for i in items if i["type"] == "message_delta")["delta"]["stop_reason"] == "tool_use"
    )


def test_gemini_and_ollama_tool_calls_arrive_whole(send):
    gem = stream_json(
        "gemini", send("gemini", f"tools?{FAST}", "w", extra=_tools_extra("gemini")).text
    )
    assert len(gem) == 1
    part = gem[0]["candidates"][0]["content"]["parts"][0]
    assert part["functionCall"]["args"] == EXPECTED_ARGS and part["thoughtSignature"]
    assert gem[0]["candidates"][0]["finishReason"] == "STOP"
    oll = stream_json(
        "ollama", send("ollama", f"tools?{FAST}", "w", extra=_tools_extra("ollama")).text
    )
    call = oll[0]["message"]["tool_calls"][0]
    assert call["function"]["arguments"] == EXPECTED_ARGS and call["function"]["name"] == "weather"
    assert oll[-1]["done"] is True


def test_tools_model_answers_from_a_tool_result(client):
    body = {
        "model": f"tools?{FAST}",
        "stream": True,
        "tools": _tools_extra("openai")["tools"],
        "messages": [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "40 C and sunny"},
        ],
    }
    raw = client.post("/openai/v1/chat/completions", json=body).text
    assert streamed_text("openai", raw) == "The weather tool returned: 40 C and sunny"


def test_tools_model_without_tools_says_so(send):
    assert "No tools were offered" in streamed_text("ollama", send("ollama", f"tools?{FAST}").text)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(192)
JPEG = b"\xff\xd8\xff\xe0" + bytes(96)


@pytest.mark.parametrize("family", FAMILIES)
def test_vision_reports_count_type_and_size_of_images(send, client, family):
    wire = wire_family(family)  # Vertex carries the Gemini and Claude bodies
    png, jpeg = base64.b64encode(PNG).decode(), base64.b64encode(JPEG).decode()
    if wire == "openai":
        content = [
            {"type": "text", "text": "what is this"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}"}},
            {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{jpeg}"}},
        ]
        extra = {"messages": [{"role": "user", "content": content}]}
    elif wire == "anthropic":
        content = [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}},
            {
                "type": "image",
                "source": {"type": "base64", "media_type": "image/jpeg", "data": jpeg},
            },
            {"type": "text", "text": "what is this"},
        ]
        extra = {"messages": [{"role": "user", "content": content}]}
    elif wire == "gemini":
        parts = [
            {"text": "what is this"},
            {"inlineData": {"mimeType": "image/png", "data": png}},
            {"inline_data": {"mime_type": "image/jpeg", "data": jpeg}},
        ]
        extra = {"contents": [{"role": "user", "parts": parts}]}
    else:
        extra = {"messages": [{"role": "user", "content": "what is this", "images": [png, jpeg]}]}
    raw = send(family, f"vision?{FAST}", extra=extra).text
    assert streamed_text(family, raw) == (
        "I received 2 images: image 1: image/png, 200 bytes; image 2: image/jpeg, 100 bytes."
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_max_output_tokens_truncates_with_the_length_stop_reason(send, family):
    wire = wire_family(family)  # Vertex carries the Gemini and Claude bodies
    limit = {
        "openai": {"max_completion_tokens": 5},
        "anthropic": {"max_tokens": 5},
        "gemini": {"generationConfig": {"maxOutputTokens": 5}},
        "ollama": {"options": {"num_predict": 5}},
    }[wire]
    raw = send(family, f"lorem?{FAST}&tokens=50", extra=limit).text
    assert len(streamed_text(family, raw).split()) == 5
    items = stream_json(family, raw)
    reason = {
        "openai": lambda: items[-2]["choices"][0]["finish_reason"],
        "anthropic": lambda: next(i for i in items if i["type"] == "message_delta")["delta"][
            "stop_reason"
        ],
        "gemini": lambda: items[-1]["candidates"][0]["finishReason"],
        "ollama": lambda: items[-1]["done_reason"],
    }[wire]()
    assert (
        reason
        == {
            "openai": "length",
            "anthropic": "max_tokens",
            "gemini": "MAX_TOKENS",
            "ollama": "length",
        }[wire]
    )


def test_non_streaming_answers_for_every_family(send):
    openai = send("openai", f"echo?{FAST}", "a b", stream=False).json()
    assert openai["object"] == "chat.completion"
    assert openai["choices"][0]["message"]["content"] == "a b"
    anthropic = send("anthropic", f"echo?{FAST}", "a b", stream=False).json()
    assert anthropic["content"] == [{"type": "text", "text": "a b"}]
    assert anthropic["stop_reason"] == "end_turn" and anthropic["usage"]["output_tokens"] == 2
    gemini = send("gemini", f"echo?{FAST}", "a b", stream=False).json()
    assert gemini["candidates"][0]["content"]["parts"] == [{"text": "a b"}]
    assert gemini["usageMetadata"]["candidatesTokenCount"] == 2
    ollama = send("ollama", f"echo?{FAST}", "a b", stream=False).json()
    assert ollama["message"]["content"] == "a b" and ollama["done"] is True


@pytest.mark.parametrize(
    ("path", "headers", "check"),
    [
        ("/openai/v1/models", {}, lambda b: {m["id"] for m in b["data"]} >= {"echo", "thinker"}),
        (
            "/anthropic/v1/models",
            {"anthropic-version": "2023-06-01"},
            lambda b: b["data"][0]["type"] == "model" and b["has_more"] is False,
        ),
        ("/gemini/v1beta/models", {}, lambda b: b["models"][0]["name"] == "models/echo"),
        ("/ollama/api/tags", {}, lambda b: b["models"][0]["name"] == "echo:latest"),
    ],
)
def test_model_lists_answer_key_checks(client, path, headers, check):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert check(response.json())


@pytest.mark.parametrize("family", FAMILIES)
def test_unknown_model_is_the_family_404(send, family):
    response = send(family, "gpt-9000")
    assert response.status_code == 404
    body = response.json()
    message = {
        "openai": lambda: body["error"]["code"] == "model_not_found",
        "anthropic": lambda: body["error"]["type"] == "not_found_error",
        "gemini": lambda: body["error"]["status"] == "NOT_FOUND",
        "ollama": lambda: body["error"] == "model 'gpt-9000' not found",
        # Vertex's front end: Google's shape, an array for the Gemini methods
        "vertex": lambda: body[0]["error"]["status"] == "NOT_FOUND",
        "vertex-anthropic": lambda: body["error"]["status"] == "NOT_FOUND",
    }[family]
    assert message()


@pytest.mark.parametrize("family", FAMILIES)
def test_a_request_without_any_key_is_accepted(send, family):
    response = send(family, f"echo?{FAST}", "no key needed", key=None)
    assert response.status_code == 200
    assert streamed_text(family, response.text) == "no key needed"


def test_bad_sim_parameter_is_a_clear_400(send):
    response = send("openai", "echo?tps=fast")
    assert response.status_code == 400
    assert "tps='fast' is not a number" in response.json()["error"]["message"]


def test_noise_adds_sse_comments_and_obfuscation_that_parsers_must_ignore(send):
    raw = send("openai", f"echo?{FAST}&noise=1", "a b c d e f g h i j").text
    assert raw.startswith(": OPENROUTER PROCESSING\n\n") and ": keep-alive\n\n" in raw
    chunks = stream_json("openai", raw)
    assert all("obfuscation" in c for c in chunks)
    assert streamed_text("openai", raw) == "a b c d e f g h i j"
