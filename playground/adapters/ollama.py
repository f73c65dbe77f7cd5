"""Ollama native ``/api/chat`` streaming (NDJSON).

Each line is a JSON object with ``message.content`` / ``message.thinking`` /
``message.tool_calls`` (arguments already an object); the last has ``done: true`` with
``done_reason`` and the ``prompt_eval_count`` / ``eval_count`` metrics. Errors after HTTP
200 arrive as ``{"error": "…"}`` lines.
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
from playground.adapters.ndjson import NDJSONDecoder
from playground.adapters.tool_calls import checked_arguments, tool_call_end
from playground.adapters.wire_parts import function_tools, thinking_text
from playground.endpoint import DEFAULT_LIMITS, Endpoint, Protocol, StreamLimits
from playground.events import (
    Done,
    StopReason,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)
from playground.request import (
    ChatRequest,
    ImagePart,
    Message,
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
    """Stream one ``/api/chat`` request as unified events (never raises for failures)."""
    headers = request_headers(endpoint, bearer(endpoint))
    headers["accept"] = "application/x-ndjson"
    # aclosing: if our consumer stops early, the inner generator closes the response now.
    async with aclosing(
        run_stream(
            client=client,
            url=f"{base_url(endpoint)}/api/chat",
            headers=headers,
            body=build_body(request, endpoint),
            parser=OllamaParser(endpoint.limits),
            endpoint=endpoint,
            timeout=timeout,
        )
    ) as batches:
        async for batch in batches:
            for event in batch:
                yield event


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The JSON body for ``request``, with ``body_overrides`` deep-merged last."""
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for message in request.messages:
        messages.extend(_wire_messages(message))
    body: dict[str, Any] = {"model": endpoint.model, "messages": messages, "stream": True}
    if request.tools:
        body["tools"] = function_tools(request.tools)
    options: dict[str, Any] = {}
    if request.max_tokens is not None:
        options["num_predict"] = request.max_tokens
    if request.temperature is not None:
        options["temperature"] = request.temperature
    if options:
        body["options"] = options
    apply_overrides(body, request, ("options", "temperature"))
    return body


def _wire_messages(message: Message) -> list[dict[str, Any]]:
    wire: list[dict[str, Any]] = [
        {
            "role": "tool",
            "content": p.content,
            "tool_name": p.name,
            "tool_call_id": p.tool_call_id,
        }
        for p in message.parts
        if isinstance(p, ToolResultPart)
    ]
    text = message.text
    images = [p.data_b64 for p in message.parts if isinstance(p, ImagePart)]
    thinking = thinking_text(message.parts)
    calls = [p for p in message.parts if isinstance(p, ToolCallPart)]
    if not (text or images or thinking or calls):
        return wire
    out: dict[str, Any] = {
        "role": "assistant" if message.role == "assistant" else "user",
        "content": text,
    }
    if images:
        out["images"] = images
    if thinking and message.role == "assistant":
        out["thinking"] = thinking
    if calls:
        out["tool_calls"] = [
            {"id": c.id, "function": {"name": c.name, "arguments": c.arguments}} for c in calls
        ]
    wire.append(out)
    return wire


class OllamaParser(FrameParser[bytes]):
    """Turns ``/api/chat`` NDJSON bytes into unified events."""

    __slots__ = ("_max_tool_arguments", "_tool_count")
    invalid_json = "invalid JSON in a stream line"

    def __init__(self, limits: StreamLimits = DEFAULT_LIMITS) -> None:
        lines = NDJSONDecoder(limits.max_event_bytes)
        super().__init__(lines.feed, lines.flush)
        self._max_tool_arguments = limits.max_tool_arguments_bytes
        self._tool_count = 0

    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """Without a ``done: true`` line the stream was cut."""
        self.finished = True
        out.append(stream_cut(self.after_output))

    def _frame(self, frame: bytes, out: list[StreamEvent]) -> None:
        obj = self._json(frame, out)
        if not isinstance(obj, dict):
            return
        if obj.get("error"):
            self.finished = True
            out.append(error_from_payload(obj, Protocol.OLLAMA, self.after_output))
            return
        message = obj.get("message")
        if message:
            thinking = message.get("thinking")
            if thinking:
                self.after_output = True
                out.append(ThinkingDelta(thinking))
            content = message.get("content")
            if content:
                self.after_output = True
                out.append(TextDelta(content))
            for call in message.get("tool_calls") or ():
                self._tool_call(call, out)
        if obj.get("done"):
            self.finished = True
            out.append(
                Usage(
                    input_tokens=obj.get("prompt_eval_count") or 0,
                    output_tokens=obj.get("eval_count") or 0,
                )
            )
            reason = obj.get("done_reason") or "stop"
            if reason == "length":
                stop = StopReason.LENGTH
            elif self._tool_count:
                stop = StopReason.TOOL_USE  # Ollama keeps "stop" after tool calls
            else:
                stop = StopReason.STOP
            out.append(Done(stop_reason=stop))

    def _tool_call(self, call: dict[str, Any], out: list[StreamEvent]) -> None:
        self.after_output = True
        function = call.get("function") or {}
        index = self._tool_count
        self._tool_count += 1
        call_id = call.get("id") or f"call_{index}"
        name = function.get("name", "")
        arguments = function.get("arguments")
        out.append(ToolCallStart(index, call_id, name))
        limit = self._max_tool_arguments
        if isinstance(arguments, str):  # some builds send a JSON string
            raw = checked_arguments(name, arguments, limit)
            out.append(tool_call_end(index, call_id, name, raw))
        else:
            args = arguments if isinstance(arguments, dict) else {}
            raw = checked_arguments(name, json.dumps(args), limit)
            out.append(ToolCallEnd(index, call_id, name, args, raw))
