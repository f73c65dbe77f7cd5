"""The official ``openai`` and ``anthropic`` SDKs stream from the simulator and get what they
expect — text, tool calls, thinking, usage — and raise their own errors for its faults."""

from __future__ import annotations

import json

import anthropic
import httpx
import openai
import pytest
from sim_wire import FAST, fresh

WEATHER = {
    "type": "object",
    "properties": {"location": {"type": "string"}, "unit": {"enum": ["celsius", "kelvin"]}},
    "required": ["location"],
}


@pytest.fixture
def oai(sim_url):
    with openai.OpenAI(base_url=f"{sim_url}/openai/v1", api_key="sk-test-1234", max_retries=0) as c:
        yield c


@pytest.fixture
def claude(sim_url):
    with anthropic.Anthropic(
        base_url=f"{sim_url}/anthropic", api_key="sk-ant-test-1234", max_retries=0
    ) as c:
        yield c


def _requests_for(sim_url: str, model: str) -> list[dict]:
    entries = httpx.get(f"{sim_url}/_sim/requests").json()["requests"]
    return [e for e in entries if e["model"] == model]


# ---- openai ----------------------------------------------------------------------------------


def test_openai_sdk_streams_text_and_usage(oai):
    stream = oai.chat.completions.create(
        model=f"echo?{FAST}",
        messages=[{"role": "user", "content": "stream me please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "stream me please"
    assert chunks[-1].usage.prompt_tokens == 3 and chunks[-1].usage.completion_tokens == 3


def test_openai_sdk_streams_a_tool_call(oai):
    stream = oai.chat.completions.create(
        model=f"tools?{FAST}",
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=[{"type": "function", "function": {"name": "weather", "parameters": WEATHER}}],
        stream=True,
    )
    name, arguments, finish = "", "", None
    for chunk in stream:
        choice = chunk.choices[0]
        for call in choice.delta.tool_calls or []:
            name += call.function.name or ""
            arguments += call.function.arguments or ""
        finish = choice.finish_reason or finish
    assert name == "weather" and finish == "tool_calls"
    assert json.loads(arguments) == {"location": "Paris, France", "unit": "celsius"}


def test_openai_sdk_sees_reasoning_content_for_reasoning_effort(oai):
    stream = oai.chat.completions.create(
        model=f"thinker?{FAST}",
        messages=[{"role": "user", "content": "think hard"}],
        reasoning_effort="low",
        stream=True,
        stream_options={"include_usage": True},
    )
    thinking, text, usage = "", "", None
    for chunk in stream:
        usage = chunk.usage or usage
        for choice in chunk.choices:
            thinking += getattr(choice.delta, "reasoning_content", None) or ""
            text += choice.delta.content or ""
    assert len(thinking.split()) == 48
    assert "Thinking setting received: reasoning_effort=low." in text
    assert usage.completion_tokens_details.reasoning_tokens == 48


def test_openai_sdk_non_streaming_and_model_list(oai):
    completion = oai.chat.completions.create(
        model=f"echo?{FAST}", messages=[{"role": "user", "content": "plain call"}]
    )
    assert completion.choices[0].message.content == "plain call"
    assert completion.usage.total_tokens == 4
    assert {m.id for m in oai.models.list()} == {"echo", "lorem", "thinker", "tools", "vision"}


def test_openai_sdk_raises_rate_limit_error_with_the_servers_retry_after(oai):
    with pytest.raises(openai.RateLimitError) as caught:
        oai.chat.completions.create(
            model=f"echo?{FAST}&fail=429&retry_after=7",
            messages=[{"role": "user", "content": "x"}],
            stream=True,
        )
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "7"
    assert caught.value.code == "rate_limit_exceeded"


def test_openai_sdk_retries_after_the_servers_retry_after_and_succeeds(sim_url):
    model = fresh(f"echo?{FAST}&fail=503&fail_times=1&retry_after=0.05")
    client = openai.OpenAI(base_url=f"{sim_url}/openai/v1", api_key="sk-test", max_retries=2)
    completion = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "eventually"}]
    )
    assert completion.choices[0].message.content == "eventually"
    assert [e["status"] for e in _requests_for(sim_url, model)] == [503, 200]


def test_openai_sdk_raises_for_bad_keys_and_in_stream_errors(sim_url, oai):
    bad = openai.OpenAI(base_url=f"{sim_url}/openai/v1", api_key="sk-revoked-99", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
    stream = oai.chat.completions.create(
        model=f"lorem?{FAST}&tokens=20&fail=midstream_error",
        messages=[{"role": "user", "content": "x"}],
        stream=True,
    )
    with pytest.raises(openai.APIError, match="The server had an error"):
        list(stream)


# ---- anthropic -------------------------------------------------------------------------------


def test_anthropic_sdk_streams_text(claude):
    with claude.messages.stream(
        model=f"echo?{FAST}", max_tokens=256, messages=[{"role": "user", "content": "hi claude"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "hi claude"
    assert final.stop_reason == "end_turn"
    assert final.usage.input_tokens == 2 and final.usage.output_tokens == 2


def test_anthropic_sdk_streams_a_tool_use(claude):
    with claude.messages.stream(
        model=f"tools?{FAST}",
        max_tokens=256,
        tools=[{"name": "weather", "description": "Weather", "input_schema": WEATHER}],
        messages=[{"role": "user", "content": "weather?"}],
    ) as stream:
        final = stream.get_final_message()
    block = final.content[0]
    assert block.type == "tool_use" and block.name == "weather"
    assert block.input == {"location": "Paris, France", "unit": "celsius"}
    assert final.stop_reason == "tool_use"


def test_anthropic_sdk_streams_thinking_with_a_signature(claude):
    with claude.messages.stream(
        model=f"thinker?{FAST}",
        max_tokens=4096,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": "ponder"}],
    ) as stream:
        final = stream.get_final_message()
    thinking, text = final.content
    assert thinking.type == "thinking" and len(thinking.thinking.split()) == 64
    assert thinking.signature.startswith("sim-sig-")
    assert "budget_tokens=2048" in text.text


def test_anthropic_sdk_non_streaming_and_model_list(claude):
    message = claude.messages.create(
        model=f"echo?{FAST}", max_tokens=64, messages=[{"role": "user", "content": "plain"}]
    )
    assert message.content[0].text == "plain"
    assert [m.id for m in claude.models.list()][:2] == ["echo", "lorem"]


def test_anthropic_sdk_raises_rate_limit_and_overloaded_errors(claude):
    with pytest.raises(anthropic.RateLimitError) as limited:
        claude.messages.create(
            model=f"echo?{FAST}&fail=429&retry_after=4",
            max_tokens=64,
            messages=[{"role": "user", "content": "x"}],
        )
    assert limited.value.response.headers["retry-after"] == "4"
    with pytest.raises(anthropic.APIStatusError) as overloaded:
        claude.messages.create(
            model=f"echo?{FAST}&fail=529",
            max_tokens=64,
            messages=[{"role": "user", "content": "x"}],
        )
    assert overloaded.value.status_code == 529
    assert isinstance(overloaded.value, anthropic.OverloadedError)


def test_anthropic_sdk_raises_for_the_in_stream_overloaded_event(claude):
    with (
        pytest.raises(anthropic.APIStatusError, match="Overloaded"),
        claude.messages.stream(
            model=f"lorem?{FAST}&tokens=20&fail=midstream_error",
            max_tokens=256,
            messages=[{"role": "user", "content": "x"}],
        ) as stream,
    ):
        "".join(stream.text_stream)


def test_anthropic_sdk_with_an_oauth_token(sim_url):
    client = anthropic.Anthropic(
        base_url=f"{sim_url}/anthropic",
        auth_token="sk-ant-oat01-" + "x" * 40,
        default_headers={"anthropic-beta": "oauth-2025-04-20"},
        max_retries=0,
    )
    message = client.messages.create(
        model=f"echo?{FAST}", max_tokens=64, messages=[{"role": "user", "content": "oauth ok"}]
    )
    assert message.content[0].text == "oauth ok"
    entry = _requests_for(sim_url, f"echo?{FAST}")[-1]
    assert entry["credential"] == "sk-ant-…xxxx"


def test_anthropic_sdk_tool_loop_with_thinking_replays_the_signed_blocks(claude):
    tools = [{"name": "weather", "description": "Weather", "input_schema": WEATHER}]
    thinking = {"type": "enabled", "budget_tokens": 1024}
    first_turn = [{"role": "user", "content": "weather in Paris?"}]
    with claude.messages.stream(
        model=f"tools?{FAST}", max_tokens=2048, thinking=thinking, tools=tools, messages=first_turn
    ) as stream:
        first = stream.get_final_message()
    assert [block.type for block in first.content] == ["thinking", "tool_use"]
    call = first.content[1]
    second_turn = [
        *first_turn,
        {"role": "assistant", "content": [block.model_dump() for block in first.content]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "18 C"}],
        },
    ]
    answer = claude.messages.create(
        model=f"tools?{FAST}", max_tokens=2048, thinking=thinking, tools=tools, messages=second_turn
    )
    assert answer.content[-1].text == "The weather tool returned: 18 C"

    tampered = first.content[0].model_dump() | {"thinking": "edited thoughts"}
    second_turn[1] = {"role": "assistant", "content": [tampered, call.model_dump()]}
    with pytest.raises(anthropic.BadRequestError, match="Invalid `signature` in `thinking` block"):
        claude.messages.create(
            model=f"tools?{FAST}",
            max_tokens=2048,
            thinking=thinking,
            tools=tools,
            messages=second_turn,
        )


def test_openai_sdk_ignores_the_noise_real_servers_send(oai):
    stream = oai.chat.completions.create(
        model=f"echo?{FAST}&noise=1",
        messages=[{"role": "user", "content": "through the noise we go again"}],
        stream=True,
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "through the noise we go again"
