"""OpenAI Responses API streaming (``POST {base}/responses``, SSE with ``event:`` lines).

Used for OpenAI's reasoning summaries. Text arrives as ``response.output_text.delta``,
reasoning as ``response.reasoning_summary_text.delta`` (or ``reasoning_text`` from open
models), function-call arguments as ``response.function_call_arguments.delta`` keyed by
item id; ``response.completed`` / ``incomplete`` / ``failed`` end the stream (no
``[DONE]``) and carry the usage.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from playground.adapters.body import apply_overrides
from playground.adapters.errors import error_from_payload, stream_cut
from playground.adapters.frame_parser import FrameParser
from playground.adapters.http_stream import base_url, bearer, request_headers, run_stream
from playground.adapters.sse import SSEDecoder
from playground.adapters.tool_calls import OpenCalls
from playground.adapters.wire_parts import compact_json, data_url
from playground.endpoint import DEFAULT_LIMITS, Endpoint, Protocol, StreamLimits
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
    ToolCallPart,
    ToolResultPart,
)

if TYPE_CHECKING:
    import httpx


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one Responses request as unified events (never raises for failures)."""
    # aclosing: if our consumer stops early, the inner generator closes the response now.
    async with aclosing(
        run_stream(
            client=client,
            url=f"{base_url(endpoint)}/responses",
            headers=request_headers(endpoint, bearer(endpoint)),
            body=build_body(request, endpoint),
            parser=ResponsesParser(endpoint.limits),
            endpoint=endpoint,
            timeout=timeout,
        )
    ) as batches:
        async for batch in batches:
            for event in batch:
                yield event


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The JSON body for ``request``, with ``body_overrides`` deep-merged last."""
    items: list[dict[str, Any]] = []
    if request.system:
        items.append({"role": "developer", "content": request.system})
    for message in request.messages:
        items.extend(_items(message))
    body: dict[str, Any] = {"model": endpoint.model, "input": items, "stream": True}
    body["store"] = False
    if request.tools:
        body["tools"] = [
            {
                "type": "function",
                "name": t.name,
                "description": t.description,
                "parameters": t.parameters,
            }
            for t in request.tools
        ]
    if request.max_tokens is not None:
        body["max_output_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    apply_overrides(body, request)
    return body


def _items(message: Message) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if message.role == "assistant":
        text = message.text
        if text:
            content = [{"type": "output_text", "text": text}]
            items.append({"role": "assistant", "content": content})
    else:
        content = []
        for part in message.parts:
            if isinstance(part, TextPart):
                content.append({"type": "input_text", "text": part.text})
            elif isinstance(part, ImagePart):
                content.append({"type": "input_image", "image_url": data_url(part)})
        if content:
            items.append({"role": "user", "content": content})
    for part in message.parts:
        if isinstance(part, ToolCallPart):
            items.append(
                {
                    "type": "function_call",
                    "call_id": part.id,
                    "name": part.name,
                    "arguments": compact_json(part.arguments),
                }
            )
        elif isinstance(part, ToolResultPart):
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": part.tool_call_id,
                    "output": part.content,
                }
            )
    return items


class ResponsesParser(FrameParser[tuple[str, str]]):
    """Turns Responses API SSE bytes into unified events."""

    __slots__ = ("_calls", "_refused")
    invalid_json = "invalid JSON in a stream event"

    def __init__(self, limits: StreamLimits = DEFAULT_LIMITS) -> None:
        sse = SSEDecoder(limits.max_event_bytes)
        super().__init__(sse.feed_pairs, sse.flush_pairs)
        # open function calls by item id
        self._calls: OpenCalls[str] = OpenCalls(limits.max_tool_arguments_bytes)
        self._refused = False

    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """Without ``response.completed`` the stream was cut."""
        self.finished = True
        out.extend(self._calls.close_all())
        out.append(stream_cut(self.after_output))

    def _frame(self, frame: tuple[str, str], out: list[StreamEvent]) -> None:
        event = self._json(frame[1], out)
        if not isinstance(event, dict):
            return
        kind = event.get("type", "")
        if kind == "response.output_text.delta":
            text = event.get("delta")
            if text:
                self.after_output = True
                out.append(TextDelta(text))
        elif kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            text = event.get("delta")
            if text:
                self.after_output = True
                out.append(ThinkingDelta(text))
        elif kind == "response.reasoning_summary_part.added" and event.get("summary_index"):
            out.append(ThinkingDelta("\n\n"))  # later summary parts start a new paragraph
        elif kind == "response.function_call_arguments.delta":
            call = self._calls.get(event.get("item_id", ""))
            fragment = event.get("delta")
            if call is not None and fragment:
                out.append(call.add(fragment))
        elif kind == "response.output_item.added":
            self._item_added(event.get("item") or {}, out)
        elif kind == "response.output_item.done":
            item = event.get("item") or {}
            raw = item.get("arguments")
            end = self._calls.end(item.get("id", ""), raw if isinstance(raw, str) else None)
            if end is not None:
                out.append(end)
        elif kind == "response.refusal.delta":
            text = event.get("delta")
            if text:
                self._refused = True
                self.after_output = True
                out.append(TextDelta(text))
        elif kind in ("response.completed", "response.incomplete"):
            self._end(event.get("response") or {}, out)
        elif kind in ("response.failed", "error"):
            self.finished = True
            out.extend(self._calls.close_all())
            payload = (event.get("response") or {}).get("error") if kind != "error" else event
            out.append(error_from_payload({"error": payload}, Protocol.OPENAI, self.after_output))

    def _item_added(self, item: dict[str, Any], out: list[StreamEvent]) -> None:
        if item.get("type") != "function_call":
            return
        call_id = item.get("call_id") or item.get("id", "")
        self.after_output = True
        out.append(self._calls.start(item.get("id", ""), call_id, item.get("name", "")))

    def _end(self, response: dict[str, Any], out: list[StreamEvent]) -> None:
        self.finished = True
        out.extend(self._calls.close_all())
        usage = response.get("usage")
        if usage:
            out.append(
                Usage(
                    input_tokens=usage.get("input_tokens") or 0,
                    output_tokens=usage.get("output_tokens") or 0,
                    reasoning_tokens=(usage.get("output_tokens_details") or {}).get(
                        "reasoning_tokens"
                    )
                    or 0,
                    cache_read_tokens=(usage.get("input_tokens_details") or {}).get("cached_tokens")
                    or 0,
                )
            )
        reason = ((response.get("incomplete_details") or {}).get("reason")) or ""
        if self._refused or reason == "content_filter":
            stop = StopReason.REFUSAL
        elif response.get("status") == "incomplete":
            stop = StopReason.LENGTH
        elif self._calls.count:
            stop = StopReason.TOOL_USE
        else:
            stop = StopReason.STOP
        out.append(Done(stop_reason=stop))
