"""Anthropic Messages API streaming (API keys and Claude OAuth bearer tokens).

Handles text, thinking (with ``signature_delta``), ``redacted_thinking`` and ``tool_use``
blocks, ``input_json_delta`` fragments, ``ping``, whitespace-padded JSON, ``event: error``
after HTTP 200, and cumulative ``message_delta`` usage.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from playground.adapters.body import apply_overrides
from playground.adapters.errors import error_from_payload, stream_cut
from playground.adapters.frame_parser import FrameParser
from playground.adapters.http_stream import base_url, bearer, request_headers, run_stream
from playground.adapters.sse import SSEDecoder
from playground.adapters.tool_calls import OpenCalls
from playground.adapters.wire_parts import append_turn
from playground.endpoint import DEFAULT_LIMITS, AuthKind, Endpoint, Protocol, StreamLimits
from playground.events import (
    Done,
    StopReason,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
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
)

if TYPE_CHECKING:
    import httpx

ANTHROPIC_VERSION = "2023-06-01"
OAUTH_BETA = "oauth-2025-04-20"
DEFAULT_MAX_TOKENS = 4096

_STOP_REASONS = {
    "end_turn": StopReason.STOP,
    "stop_sequence": StopReason.STOP,
    "pause_turn": StopReason.STOP,
    "max_tokens": StopReason.LENGTH,
    "model_context_window_exceeded": StopReason.LENGTH,
    "tool_use": StopReason.TOOL_USE,
    "refusal": StopReason.REFUSAL,
}


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one Messages request as unified events (never raises for failures)."""
    # aclosing: if our consumer stops early, the inner generator closes the response now.
    async with aclosing(
        run_stream(
            client=client,
            url=f"{base_url(endpoint)}/v1/messages",
            headers=request_headers(
                endpoint,
                auth_headers(endpoint),
                drop=("x-api-key",) if endpoint.auth_kind is AuthKind.OAUTH_TOKEN else (),
            ),
            body=build_body(request, endpoint),
            parser=MessagesParser(endpoint.limits),
            endpoint=endpoint,
            timeout=timeout,
        )
    ) as batches:
        async for batch in batches:
            for event in batch:
                yield event


def auth_headers(endpoint: Endpoint) -> dict[str, str]:
    """``x-api-key`` for API keys; OAuth tokens go ONLY as a bearer with the OAuth beta."""
    headers = {"anthropic-version": ANTHROPIC_VERSION}
    if endpoint.auth_kind is AuthKind.NONE or not endpoint.api_key:
        return headers
    if endpoint.auth_kind is AuthKind.OAUTH_TOKEN:
        headers.update(bearer(endpoint))
        extra = {k.lower(): v for k, v in endpoint.headers.items()}.get("anthropic-beta", "")
        headers["anthropic-beta"] = ",".join(b for b in (OAUTH_BETA, extra) if b)
    else:
        headers["x-api-key"] = endpoint.api_key.reveal()
    return headers


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The JSON body for ``request``, with ``body_overrides`` deep-merged last."""
    body: dict[str, Any] = {
        "model": endpoint.model,
        "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
        "messages": _wire_messages(request.messages),
        "stream": True,
    }
    if request.system:
        body["system"] = [{"type": "text", "text": request.system}]
    if request.tools:
        body["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in request.tools
        ]
    if request.temperature is not None:
        body["temperature"] = request.temperature
    apply_overrides(body, request)
    return body


def _wire_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Anthropic wants alternating user/assistant turns; tool results are user content."""
    wire: list[dict[str, Any]] = []
    for message in messages:
        role = "assistant" if message.role == "assistant" else "user"
        blocks = [b for b in (_block(p) for p in message.parts) if b is not None]
        if blocks:
            append_turn(wire, role, "content", blocks)
    return wire


def _block(part: Any) -> dict[str, Any] | None:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text} if part.text else None
    if isinstance(part, ImagePart):
        source = {"type": "base64", "media_type": part.media_type, "data": part.data_b64}
        return {"type": "image", "source": source}
    if isinstance(part, ThinkingPart):
        if part.redacted:
            return {"type": "redacted_thinking", "data": part.signature or ""}
        return {"type": "thinking", "thinking": part.text, "signature": part.signature or ""}
    if isinstance(part, ToolCallPart):
        return {"type": "tool_use", "id": part.id, "name": part.name, "input": part.arguments}
    if isinstance(part, ToolResultPart):
        block: dict[str, Any] = {
            "type": "tool_result",
            "tool_use_id": part.tool_call_id,
            "content": [{"type": "text", "text": part.content}],
        }
        if part.is_error:
            block["is_error"] = True
        return block
    return None


class MessagesParser(FrameParser[tuple[str, str]]):
    """Turns Messages SSE bytes into unified events."""

    __slots__ = ("_stop", "_tools", "_usage")
    invalid_json = "invalid JSON in a stream event"

    def __init__(self, limits: StreamLimits = DEFAULT_LIMITS) -> None:
        sse = SSEDecoder(limits.max_event_bytes)
        super().__init__(sse.feed_pairs, sse.flush_pairs)
        # open tool_use blocks by content index
        self._tools: OpenCalls[int] = OpenCalls(limits.max_tool_arguments_bytes)
        self._stop: str | None = None
        self._usage = Usage()

    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """Without ``message_stop`` the stream was cut."""
        self.finished = True
        out.extend(self._tools.close_all())
        out.append(stream_cut(self.after_output))

    def _frame(self, frame: tuple[str, str], out: list[StreamEvent]) -> None:
        event = self._json(frame[1], out)
        kind = event.get("type") if isinstance(event, dict) else None
        if kind == "content_block_delta":
            self._delta(event.get("index", 0), event.get("delta") or {}, out)
        elif kind == "content_block_start":
            self._block_start(event.get("index", 0), event.get("content_block") or {}, out)
        elif kind == "content_block_stop":
            end = self._tools.end(event.get("index", 0))
            if end is not None:
                out.append(end)
        elif kind == "message_start":
            usage = (event.get("message") or {}).get("usage")
            if usage:
                out.append(self._merge_usage(usage))
        elif kind == "message_delta":
            self._stop = (event.get("delta") or {}).get("stop_reason") or self._stop
            usage = event.get("usage")
            if usage:
                out.append(self._merge_usage(usage))
        elif kind == "message_stop":
            self.finished = True
            out.extend(self._tools.close_all())
            out.append(Done(stop_reason=_STOP_REASONS.get(self._stop or "", StopReason.STOP)))
        elif kind == "error":
            self.finished = True
            out.extend(self._tools.close_all())
            out.append(error_from_payload(event, Protocol.ANTHROPIC, self.after_output))
        # "ping" and unknown event types are ignored, as the SDK does.

    def _block_start(self, index: int, block: dict[str, Any], out: list[StreamEvent]) -> None:
        kind = block.get("type")
        if kind == "tool_use":
            self.after_output = True
            initial = block.get("input")  # some proxies send the whole input here
            arguments = json.dumps(initial) if initial else ""
            out.append(
                self._tools.start(index, block.get("id", ""), block.get("name", ""), arguments)
            )
        elif kind == "redacted_thinking":
            self.after_output = True
            out.append(ThinkingDelta("", signature=block.get("data"), redacted=True))
        elif kind == "text" and block.get("text"):
            self.after_output = True
            out.append(TextDelta(block["text"]))
        elif kind == "thinking" and block.get("thinking"):
            self.after_output = True
            out.append(ThinkingDelta(block["thinking"]))

    def _delta(self, index: int, delta: dict[str, Any], out: list[StreamEvent]) -> None:
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            if text:
                self.after_output = True
                out.append(TextDelta(text))
        elif kind == "thinking_delta":
            text = delta.get("thinking")
            if text:
                self.after_output = True
                out.append(ThinkingDelta(text))
        elif kind == "signature_delta":
            out.append(ThinkingDelta("", signature=delta.get("signature")))
        elif kind == "input_json_delta":
            fragment = delta.get("partial_json")
            tool = self._tools.get(index)
            if fragment and tool is not None:
                out.append(tool.add(fragment))

    def _merge_usage(self, usage: dict[str, Any]) -> Usage:
        current = self._usage
        if "input_tokens" in usage:
            current.input_tokens = usage["input_tokens"] or 0
        if "output_tokens" in usage:
            current.output_tokens = usage["output_tokens"] or 0
        if "cache_read_input_tokens" in usage:
            current.cache_read_tokens = usage["cache_read_input_tokens"] or 0
        if "cache_creation_input_tokens" in usage:
            current.cache_write_tokens = usage["cache_creation_input_tokens"] or 0
        details = usage.get("output_tokens_details")
        if isinstance(details, dict) and "thinking_tokens" in details:
            current.reasoning_tokens = details["thinking_tokens"] or 0
        return Usage(
            current.input_tokens,
            current.output_tokens,
            current.reasoning_tokens,
            current.cache_read_tokens,
            current.cache_write_tokens,
        )
