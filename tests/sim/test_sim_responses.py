"""The simulator's OpenAI Responses API (``POST /openai/v1/responses``): our own adapter and the
official ``openai`` SDK stream from it — text, reasoning summaries, function calls, usage — and
its faults arrive as each client's own errors, from the model id or the ``x-sim-fault`` header."""

from __future__ import annotations

import json
import uuid

import httpx
import openai
import pytest
from sim_wire import FAST, fresh

from playground.adapters.openai_responses import stream
from playground.endpoint import Endpoint, Protocol
from playground.events import (
    Done,
    Error,
    ErrorKind,
    StopReason,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallEnd,
    Usage,
)
from playground.request import ChatRequest, Message, ToolSpec
from playground.secret import Secret

WEATHER = {
    "type": "object",
    "properties": {"location": {"type": "string"}},
    "required": ["location"],
}
SUMMARY = {"reasoning": {"effort": "low", "summary": "auto"}}


async def run(
    sim_url: str, model: str, request: ChatRequest, headers: dict[str, str] | None = None
) -> list[StreamEvent]:
    endpoint = Endpoint(
        provider="sim-responses",
        protocol=Protocol.OPENAI_RESPONSES,
        base_url=f"{sim_url}/openai/v1",
        model=fresh(model),
        api_key=Secret("sk-sim-responses-test"),
        headers=headers or {},
    )
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as client:
        return [event async for event in stream(request, endpoint, client)]


def text_of(events: list[StreamEvent], kind: type = TextDelta) -> str:
    return "".join(e.text for e in events if isinstance(e, kind))


# ---- our adapter ------------------------------------------------------------------------------


async def test_adapter_streams_text_usage_and_stop(sim_url):
    events = await run(sim_url, f"echo?{FAST}", ChatRequest("m", [Message.user("hello out there")]))
    assert text_of(events) == "hello out there"
    usage = next(e for e in events if isinstance(e, Usage))
    assert (usage.input_tokens, usage.output_tokens) == (3, 3)
    assert isinstance(events[-1], Done) and events[-1].stop_reason is StopReason.STOP


async def test_adapter_reads_the_reasoning_summary_before_the_answer(sim_url):
    request = ChatRequest("m", [Message.user("think a bit")], body_overrides=SUMMARY)
    events = await run(sim_url, f"thinker?{FAST}", request)
    thinking = text_of(events, ThinkingDelta)
    assert thinking.startswith('The user wrote "think a bit".')
    first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    assert all(not isinstance(e, ThinkingDelta) for e in events[first_text:])
    assert "reasoning.effort=low" in text_of(events)
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage.reasoning_tokens == len(thinking.split()) == 48


async def test_adapter_gets_a_parsed_function_call(sim_url):
    request = ChatRequest(
        "m", [Message.user("weather?")], tools=[ToolSpec("weather", "Get weather", WEATHER)]
    )
    events = await run(sim_url, f"tools?{FAST}", request)
    call = next(e for e in events if isinstance(e, ToolCallEnd))
    assert call.name == "weather" and call.arguments == {"location": "Paris, France"}
    assert isinstance(events[-1], Done) and events[-1].stop_reason is StopReason.TOOL_USE


async def test_output_limit_ends_incomplete_as_length(sim_url):
    request = ChatRequest("m", [Message.user("one two three four five")], max_tokens=2)
    events = await run(sim_url, f"echo?{FAST}", request)
    assert text_of(events) == "one two"
    assert isinstance(events[-1], Done) and events[-1].stop_reason is StopReason.LENGTH


async def test_fault_header_gives_a_429_with_retry_after(sim_url):
    headers = {"x-sim-fault": "fail=429&retry_after=3"}
    events = await run(sim_url, f"echo?{FAST}", ChatRequest("m", [Message.user("hi")]), headers)
    error = events[-1]
    assert isinstance(error, Error) and error.kind is ErrorKind.RATE_LIMITED
    assert error.status == 429 and error.retry_after == 3


async def test_midstream_error_event_arrives_after_output(sim_url):
    request = ChatRequest("m", [Message.user("a b c d e f")])
    events = await run(sim_url, f"echo?{FAST}&fail=midstream_error&after=2", request)
    assert text_of(events) == "a b"
    error = events[-1]
    assert isinstance(error, Error) and error.after_output


# ---- the official SDK ------------------------------------------------------------------------


@pytest.fixture
def oai(sim_url):
    with openai.OpenAI(base_url=f"{sim_url}/openai/v1", api_key="sk-test-1234", max_retries=0) as c:
        yield c


def test_sdk_stream_follows_the_recorded_event_sequence(oai):
    events = list(oai.responses.create(model=f"echo?{FAST}", input="hello there", stream=True))
    assert [e.type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    final = events[-1].response
    assert final.status == "completed" and final.output_text == "hello there"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (2, 2)


def test_sdk_stream_has_summary_then_text_then_usage(oai):
    events = list(
        oai.responses.create(
            model=f"thinker?{FAST}",
            input=[{"role": "user", "content": [{"type": "input_text", "text": "why?"}]}],
            reasoning={"effort": "low", "summary": "auto"},
            stream=True,
        )
    )
    types = [e.type for e in events]
    assert types.index("response.reasoning_summary_part.added") < types.index(
        "response.output_text.delta"
    )
    summary = "".join(e.delta for e in events if e.type == "response.reasoning_summary_text.delta")
    done = next(e for e in events if e.type == "response.reasoning_summary_text.done")
    assert done.text == summary and summary.startswith('The user wrote "why?"')
    final = events[-1].response
    assert final.output[0].type == "reasoning" and final.output[0].summary[0].text == summary
    assert final.usage.output_tokens_details.reasoning_tokens == 48


def test_sdk_reasoning_without_summary_streams_no_summary_but_counts_it(oai):
    events = list(
        oai.responses.create(
            model=f"thinker?{FAST}", input="why?", reasoning={"effort": "low"}, stream=True
        )
    )
    assert not any(e.type.startswith("response.reasoning_summary") for e in events)
    assert events[-1].response.usage.output_tokens_details.reasoning_tokens == 48


def test_sdk_streams_function_call_events(oai):
    events = list(
        oai.responses.create(
            model=f"tools?{FAST}",
            input="weather in Paris?",
            tools=[{"type": "function", "name": "weather", "parameters": WEATHER, "strict": False}],
            stream=True,
        )
    )
    added = next(e for e in events if e.type == "response.output_item.added")
    assert added.item.type == "function_call" and added.item.name == "weather"
    deltas = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert json.loads(deltas) == json.loads(done.arguments) == {"location": "Paris, France"}
    assert events[-1].response.output[0].call_id == added.item.call_id


def test_sdk_tool_result_turn_is_answered(oai):
    answer = oai.responses.create(
        model=f"tools?{FAST}",
        input=[
            {"role": "user", "content": "weather?"},
            {"type": "function_call", "call_id": "call_1", "name": "weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "sunny, 21 C"},
        ],
    )
    assert answer.output_text == "The weather tool returned: sunny, 21 C"


def test_sdk_non_streamed_answer(oai):
    answer = oai.responses.create(
        model=f"echo?{FAST}", input="not streamed", instructions="be brief"
    )
    assert answer.status == "completed" and answer.output_text == "not streamed"
    assert answer.usage.input_tokens == 4  # the instructions count too


def test_sdk_raises_its_rate_limit_error_from_the_fault_header(oai):
    with pytest.raises(openai.RateLimitError) as caught:
        oai.responses.create(
            model="echo",
            input="hi",
            stream=True,
            extra_headers={"x-sim-fault": f"fail=429&retry_after=1&run={uuid.uuid4().hex}"},
        )
    assert caught.value.response.headers["retry-after"] == "1"


def test_sdk_unknown_model_is_a_404(oai):
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        oai.responses.create(model="gpt-nothing", input="hi")


# ---- a declared reasoning model on the Responses protocol ---------------------------------


def test_a_declared_reasoning_model_gets_effort_levels_and_thinks(sim_url, tmp_path, capsys):
    from playground.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        f'[providers.box]\nprotocol = "openai-responses"\nbase_url = "{sim_url}/openai/v1"\n'
        f'headers = {{ "x-sim-fault" = "{FAST}&run={uuid.uuid4().hex}" }}\n'
        "[providers.box.models.thinker]\nreasoning = true\n"
    )
    argv = ["ask", "--config", str(config), "--json", "--thinking", "high", "-m", "box/thinker"]
    assert main([*argv, "why is the sky blue"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    thinking = "".join(e["text"] for e in events if e["type"] == "thinking")
    assert thinking.startswith('The user wrote "why is the sky blue".')
    done = events[-1]
    assert done["type"] == "done" and done["thinking"] == "effort high"
    assert done["reasoning_tokens"] == len(thinking.split()) == 300
