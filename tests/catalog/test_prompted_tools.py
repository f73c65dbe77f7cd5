"""Prompt-guided tool calls: the prompt we send and the parser that reads the answer back."""

from __future__ import annotations

import json

import pytest

from playground.events import (
    Done,
    Error,
    ErrorKind,
    StopReason,
    TextDelta,
    ThinkingDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from playground.request import (
    ChatRequest,
    ImagePart,
    Message,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
    ToolSpec,
)
from playground.tools.prompted import PromptedToolParser, prompted_request

WEATHER = ToolSpec(
    name="weather",
    description="Get the weather for a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)
CALL = '<tool_call>{"name": "weather", "arguments": {"city": "Florence"}}</tool_call>'


def parse(chunks: list[str], stop: StopReason = StopReason.STOP) -> list:
    parser = PromptedToolParser()
    out = []
    for chunk in chunks:
        out.extend(parser.feed(TextDelta(text=chunk)))
    out.extend(parser.feed(Done(stop_reason=stop)))
    return out


def text_of(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def calls_of(events: list) -> list[ToolCallEnd]:
    return [e for e in events if isinstance(e, ToolCallEnd)]


# --- the request ------------------------------------------------------------------------------


def test_tools_move_into_the_system_prompt():
    request = ChatRequest(
        model="m", messages=[Message.user("weather?")], system="Be brief.", tools=[WEATHER]
    )
    prompted = prompted_request(request)
    assert prompted.tools == []
    assert prompted.system.startswith("Be brief.\n\n")
    assert "<tool_call>" in prompted.system
    assert '"name": "weather"' in prompted.system
    assert '"city"' in prompted.system
    assert request.tools == [WEATHER]  # the original is untouched


def test_a_request_without_tools_is_unchanged():
    request = ChatRequest(model="m", messages=[Message.user("hi")])
    assert prompted_request(request) is request


def test_earlier_tool_calls_and_results_become_text_turns():
    request = ChatRequest(
        model="m",
        tools=[WEATHER],
        messages=[
            Message.user("weather in Florence?"),
            Message(
                "assistant",
                [
                    ThinkingPart("let me check", signature="sig"),
                    TextPart("Checking."),
                    ToolCallPart("c1", "weather", {"city": "Florence"}),
                ],
            ),
            Message("tool", [ToolResultPart("c1", "weather", "40 C")]),
            Message.user("and tomorrow?"),
        ],
    )
    messages = prompted_request(request).messages
    assert [m.role for m in messages] == ["user", "assistant", "user"]
    assistant = messages[1].text
    assert "let me check" not in assistant
    assert assistant == f"Checking.\n{CALL}"
    assert messages[2].text == '<tool_result name="weather">40 C</tool_result>\nand tomorrow?'


def test_tool_errors_are_marked_and_images_are_kept():
    image = ImagePart.from_bytes(b"png", "image/png")
    request = ChatRequest(
        model="m",
        tools=[WEATHER],
        messages=[
            Message("tool", [ToolResultPart("c1", "weather", "no such city", is_error=True)]),
            Message.user("look", images=[image]),
        ],
    )
    (turn,) = prompted_request(request).messages
    assert 'error="true"' in turn.text
    assert turn.images == [image]


# --- the parser -------------------------------------------------------------------------------


def test_a_whole_call_becomes_start_delta_end_and_tool_use():
    events = parse([f"Let me check. {CALL}"])
    assert text_of(events) == "Let me check. "
    start, delta, end = (e for e in events if not isinstance(e, TextDelta | Done))
    assert isinstance(start, ToolCallStart) and start.name == "weather"
    assert isinstance(delta, ToolCallDelta) and json.loads(delta.arguments_fragment) == {
        "city": "Florence"
    }
    assert isinstance(end, ToolCallEnd)
    assert (end.name, end.arguments, end.parse_error) == ("weather", {"city": "Florence"}, None)
    assert start.id == delta.id == end.id
    assert events[-1].stop_reason is StopReason.TOOL_USE


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11])
def test_tags_split_across_deltas_at_any_point(size):
    whole = f"Sure.\n{CALL}\nDone."
    chunks = [whole[i : i + size] for i in range(0, len(whole), size)]
    events = parse(chunks)
    assert text_of(events) == "Sure.\n\nDone."
    assert [c.arguments for c in calls_of(events)] == [{"city": "Florence"}]


def test_text_that_only_looks_like_a_tag_start_passes_through():
    events = parse(["a <tool", "box> and x < y and <tool_c"])
    assert text_of(events) == "a <toolbox> and x < y and <tool_c"
    assert calls_of(events) == []
    assert events[-1].stop_reason is StopReason.STOP


def test_text_is_not_held_back_longer_than_needed():
    parser = PromptedToolParser()
    assert text_of(parser.feed(TextDelta(text="hello <"))) == "hello "
    assert text_of(parser.feed(TextDelta(text="b>"))) == "<b>"


def test_several_calls_get_increasing_indexes_and_unique_ids():
    second = CALL.replace("Florence", "Rome")
    events = parse([CALL, "\n", second])
    calls = calls_of(events)
    assert [c.index for c in calls] == [0, 1]
    assert len({c.id for c in calls}) == 2
    assert [c.arguments["city"] for c in calls] == ["Florence", "Rome"]


def test_fenced_json_stringified_arguments_and_parameters_key_are_accepted():
    variants = [
        "<tool_call>\n```json\n"
        '{"name": "weather", "arguments": {"city": "Oslo"}}'
        "\n```\n</tool_call>",
        '<tool_call>{"name": "weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}</tool_call>',
        '<tool_call>{"name": "weather", "parameters": {"city": "Oslo"}}</tool_call>',
    ]
    for variant in variants:
        (call,) = calls_of(parse([variant]))
        assert call.arguments == {"city": "Oslo"}, variant


def test_invalid_json_with_a_name_is_a_call_with_a_parse_error():
    (call,) = calls_of(
        parse(['<tool_call>{"name": "weather", "arguments": {city: Oslo}}</tool_call>'])
    )
    assert call.name == "weather"
    assert call.arguments == {}
    assert "invalid JSON" in call.parse_error
    assert "city: Oslo" in call.raw_arguments


def test_a_tag_without_a_tool_name_is_left_as_text():
    events = parse(["<tool_call>not a call</tool_call>"])
    assert calls_of(events) == []
    assert text_of(events) == "<tool_call>not a call</tool_call>"


def test_an_unclosed_call_at_the_end_of_the_stream_is_still_parsed():
    events = parse(['ok <tool_call>{"name": "weather", "arguments": {"city": "Lima"}}'])
    assert [c.arguments for c in calls_of(events)] == [{"city": "Lima"}]
    assert events[-1].stop_reason is StopReason.TOOL_USE


def test_an_unclosed_non_call_at_the_end_is_returned_as_text():
    events = parse(["see <tool_call>{oops"])
    assert text_of(events) == "see <tool_call>{oops"


def test_length_stop_is_kept_even_after_a_call():
    events = parse([CALL], stop=StopReason.LENGTH)
    assert events[-1].stop_reason is StopReason.LENGTH


def test_other_events_pass_through_in_order():
    parser = PromptedToolParser()
    thinking = ThinkingDelta(text="hmm")
    usage = Usage(input_tokens=3, output_tokens=4)
    assert parser.feed(thinking) == [thinking]
    assert text_of(parser.feed(TextDelta(text="x <tool"))) == "x "
    assert parser.feed(usage) == [usage]
    error = Error(kind=ErrorKind.NETWORK, message="dropped")
    out = parser.feed(error)
    assert text_of(out) == "<tool"
    assert out[-1] is error


async def test_wrap_parses_a_whole_async_stream():
    async def stream():
        for chunk in ("Checking ", CALL[:9], CALL[9:]):
            yield TextDelta(text=chunk)
        yield Done()

    events = [e async for e in PromptedToolParser().wrap(stream())]
    assert text_of(events) == "Checking "
    assert calls_of(events)[0].arguments == {"city": "Florence"}
    assert events[-1].stop_reason is StopReason.TOOL_USE
