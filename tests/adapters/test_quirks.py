# ruff: noqa: E501 - wire events are kept one per line
"""Provider quirks the parsers must tolerate, fed byte chunks directly (no HTTP)."""

from __future__ import annotations

import json

from playground.adapters.anthropic_messages import MessagesParser
from playground.adapters.gemini import GeminiParser
from playground.adapters.ollama import OllamaParser
from playground.adapters.openai_chat import ChatCompletionsParser
from playground.adapters.openai_responses import ResponsesParser
from playground.adapters.think_tags import ThinkTagSplitter
from playground.events import ErrorKind, StopReason, ThinkingDelta, ToolCallStart
from tests.adapters.streams import summarize


def feed_all(parser, body: bytes, piece: int = 0):
    chunks = [body] if not piece else [body[i : i + piece] for i in range(0, len(body), piece)]
    events = [e for chunk in chunks for e in parser.feed(chunk)]
    return events + ([] if parser.finished else parser.finish())


def sse(*objects, done: bool = True) -> bytes:
    body = b"".join(b"data: " + json.dumps(o).encode() + b"\n\n" for o in objects)
    return body + (b"data: [DONE]\n\n" if done else b"")


def delta(**fields) -> dict:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": None}]}


def finish(reason: str = "stop", **extra) -> dict:
    return {"choices": [{"index": 0, "delta": {}, "finish_reason": reason}], **extra}


def test_inline_think_tags_split_across_chunks():
    pieces = ["<th", "ink>Let me ", "think.</thi", "nk>\n\nThe answer", " is 4."]
    body = sse(*(delta(content=p) for p in pieces), finish())
    for piece in (0, 1, 7):
        summary = summarize(feed_all(ChatCompletionsParser(), body, piece))
        assert summary.thinking == "Let me think."
        assert summary.text == "The answer is 4."


def test_think_tag_later_in_the_answer_is_plain_text():
    body = sse(delta(content="Use the "), delta(content="<think> tag"), finish())
    summary = summarize(feed_all(ChatCompletionsParser(), body))
    assert (summary.text, summary.thinking) == ("Use the <think> tag", "")


def test_think_splitter_unclosed_think_is_flushed_as_thinking():
    splitter = ThinkTagSplitter()
    assert splitter.feed("<think>abc</th") == [(True, "abc")]
    assert splitter.flush() == [(True, "</th")]


def test_reasoning_fields_are_read_once_each_not_duplicated():
    body = sse(
        delta(reasoning="A", reasoning_details=[{"type": "reasoning.text", "text": "A"}]),
        delta(reasoning_details=[{"type": "reasoning.text", "text": "B"}]),
        delta(reasoning_content="C", reasoning_details=[{"type": "reasoning.text", "text": "C"}]),
        delta(reasoning_details=[{"type": "reasoning.text", "signature": "sig"}]),
        delta(content="done"),
        finish(),
    )
    events = feed_all(ChatCompletionsParser(), body)
    summary = summarize(events)
    assert summary.thinking == "ABC" and summary.signatures == ["sig"] and summary.text == "done"


def test_usage_null_obfuscation_duplicate_finish_and_usage_on_finish_chunk():
    usage = {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    body = sse(
        {**delta(content="Hi"), "usage": None, "obfuscation": "abc"},
        finish("stop"),
        finish("stop", usage=usage),
    )
    summary = summarize(feed_all(ChatCompletionsParser(), body))
    assert summary.text == "Hi" and summary.usage.input_tokens == 5
    assert summary.terminal.stop_reason is StopReason.STOP


def test_missing_done_after_finish_reason_is_still_done():
    body = sse(delta(content="Hi"), finish("length"), done=False)
    assert summarize(feed_all(ChatCompletionsParser(), body)).terminal.stop_reason is (
        StopReason.LENGTH
    )


def test_azure_prompt_filter_first_chunk_is_ignored():
    first = {"choices": [], "id": "", "model": "", "prompt_filter_results": [{"prompt_index": 0}]}
    body = sse(first, delta(content="ok"), finish())
    assert summarize(feed_all(ChatCompletionsParser(), body)).text == "ok"


def test_servers_numbering_every_whole_tool_call_zero_get_distinct_calls():
    call = {"type": "function", "index": 0}
    body = sse(
        delta(tool_calls=[{**call, "id": "a", "function": {"name": "f", "arguments": "{}"}}]),
        delta(tool_calls=[{**call, "id": "b", "function": {"name": "g", "arguments": '{"x":1}'}}]),
        finish("stop"),
    )
    events = feed_all(ChatCompletionsParser(), body)
    summary = summarize(events)
    assert [(c.index, c.id, c.name, c.arguments) for c in summary.tool_calls] == [
        (0, "a", "f", {}),
        (1, "b", "g", {"x": 1}),
    ]
    assert [e.index for e in events if isinstance(e, ToolCallStart)] == [0, 1]
    assert summary.terminal.stop_reason is StopReason.TOOL_USE


def test_invalid_tool_arguments_keep_raw_text_and_parse_error():
    body = sse(
        delta(tool_calls=[{"index": 0, "id": "a", "function": {"name": "f", "arguments": "{bad"}}]),
        finish("tool_calls"),
    )
    (call,) = summarize(feed_all(ChatCompletionsParser(), body)).tool_calls
    assert call.raw_arguments == "{bad" and call.parse_error and call.arguments == {}


def test_legacy_llama_cpp_error_field_mid_stream():
    body = (
        sse(delta(content="x"), done=False)
        + b'error: {"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}\n\n'
    )
    error = summarize(feed_all(ChatCompletionsParser(), body)).terminal
    assert error.kind is ErrorKind.CONTEXT_LENGTH and error.after_output


def anthropic(*events) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def test_anthropic_redacted_thinking_and_signature_and_padding():
    body = anthropic(
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "redacted_thinking", "data": "EmwKAhgB"},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "thinking", "thinking": "", "signature": ""},
        },
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "thinking_delta", "thinking": "hmm"},
        },
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "signature_delta", "signature": "SIG"},
        },
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "max_tokens"},
            "usage": {"output_tokens": 9},
        },
        {"type": "message_stop"},
    ).replace(b"}\n\n", b"}        \n\n")  # padded JSON, as Anthropic sends it
    events = feed_all(MessagesParser(), body, 3)
    redacted = [e for e in events if isinstance(e, ThinkingDelta) and e.redacted]
    assert [(e.signature, e.text) for e in redacted] == [("EmwKAhgB", "")]
    summary = summarize(events)
    assert summary.thinking == "hmm" and summary.signatures == ["EmwKAhgB", "SIG"]
    assert summary.terminal.stop_reason is StopReason.LENGTH
    assert summary.usage.output_tokens == 9


def test_gemini_safety_finish_is_a_refusal_and_prompt_block_is_content_filter():
    body = b'data: {"candidates": [{"content": {"parts": [{"text": "I"}]}, "finishReason": "SAFETY"}]}\r\n\r\n'
    assert summarize(feed_all(GeminiParser(), body)).terminal.stop_reason is StopReason.REFUSAL
    blocked = b'data: {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}\r\n\r\n'
    error = summarize(feed_all(GeminiParser(), blocked)).terminal
    assert error.kind is ErrorKind.CONTENT_FILTER and "PROHIBITED_CONTENT" in error.message


def test_gemini_max_tokens_is_length():
    body = b'data: {"candidates": [{"content": {"parts": [{"text": "I"}]}, "finishReason": "MAX_TOKENS"}]}'
    assert summarize(feed_all(GeminiParser(), body)).terminal.stop_reason is StopReason.LENGTH


def test_ollama_thinking_tool_calls_and_done_metrics():
    lines = [
        {"message": {"role": "assistant", "content": "", "thinking": "The user"}, "done": False},
        {"message": {"role": "assistant", "content": "Checking."}, "done": False},
        {
            "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_x",
                        "function": {
                            "index": 0,
                            "name": "get_weather",
                            "arguments": {"city": "Hue"},
                        },
                    }
                ],
            },
            "done": False,
        },
        {
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 272,
            "eval_count": 32,
        },
    ]
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    summary = summarize(feed_all(OllamaParser(), body, 5))
    assert (summary.thinking, summary.text) == ("The user", "Checking.")
    assert [(c.id, c.name, c.arguments) for c in summary.tool_calls] == [
        ("call_x", "get_weather", {"city": "Hue"})
    ]
    assert (summary.usage.input_tokens, summary.usage.output_tokens) == (272, 32)
    assert summary.terminal.stop_reason is StopReason.TOOL_USE


def responses(*events) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def test_responses_failed_mid_stream_is_a_typed_error():
    body = responses(
        {"type": "response.output_text.delta", "delta": "Hi"},
        {
            "type": "response.failed",
            "response": {
                "status": "failed",
                "error": {"code": "rate_limit_exceeded", "message": "Rate limit reached"},
            },
        },
    )
    error = summarize(feed_all(ResponsesParser(), body, 4)).terminal
    assert (
        error.kind is ErrorKind.RATE_LIMITED
        and error.after_output
        and "Rate limit" in error.message
    )


def test_responses_incomplete_is_length_and_missing_completed_is_a_cut():
    body = responses(
        {"type": "response.output_text.delta", "delta": "Hi"},
        {
            "type": "response.incomplete",
            "response": {
                "status": "incomplete",
                "incomplete_details": {"reason": "max_output_tokens"},
            },
        },
    )
    assert summarize(feed_all(ResponsesParser(), body)).terminal.stop_reason is StopReason.LENGTH
    cut = responses({"type": "response.output_text.delta", "delta": "Hi"})
    error = summarize(feed_all(ResponsesParser(), cut)).terminal
    assert error.kind is ErrorKind.NETWORK and "cut" in error.message
