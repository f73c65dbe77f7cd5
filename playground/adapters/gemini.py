"""Google Gemini ``streamGenerateContent?alt=sse`` streaming.

Gemini frames events with ``\\r\\n\\r\\n`` and sends no terminator: the connection closes
after the chunk carrying ``finishReason``. Thought summaries are text parts with
``thought: true``; function calls arrive whole; ``usageMetadata`` is cumulative, so one
``Usage`` is reported from the last of them, just before the terminal event.

Thought signatures: Gemini requires the ``thoughtSignature`` of a part to be echoed on the
same part next turn. A signature is reported as a ``ThinkingDelta`` with empty text just
before the event of the part it belongs to; when building a request, a ``ThinkingPart``
carrying a signature is attached to the part that follows it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from playground.adapters.body import apply_overrides
from playground.adapters.errors import (
    error_from_payload,
    stream_cut,
    typed_error,
)
from playground.adapters.frame_parser import FrameParser
from playground.adapters.http_stream import base_url, request_headers, run_stream
from playground.adapters.sse import SSEDecoder
from playground.adapters.tool_calls import checked_arguments
from playground.adapters.wire_parts import append_turn
from playground.endpoint import DEFAULT_LIMITS, AuthKind, Endpoint, Protocol, StreamLimits
from playground.events import (
    Done,
    ErrorKind,
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
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
)

if TYPE_CHECKING:
    import httpx

_REFUSALS = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "LANGUAGE",
    }
)
# JSON Schema keywords Gemini's OpenAPI-subset "parameters" rejects.
_UNSUPPORTED_SCHEMA_KEYS = frozenset({"$schema", "additionalProperties", "$id", "$defs"})


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one generateContent request as unified events (never raises for failures)."""
    auth: dict[str, str] = {}
    if endpoint.auth_kind is not AuthKind.NONE and endpoint.api_key:
        if endpoint.auth_kind is AuthKind.OAUTH_TOKEN:
            auth["authorization"] = f"Bearer {endpoint.api_key.reveal()}"
        else:
            auth["x-goog-api-key"] = endpoint.api_key.reveal()
    # aclosing: if our consumer stops early, the inner generator closes the response now.
    async with aclosing(
        run_stream(
            client=client,
            url=stream_url(endpoint),
            headers=request_headers(endpoint, auth),
            body=build_body(request, endpoint),
            parser=GeminiParser(endpoint.limits),
            endpoint=endpoint,
            timeout=timeout,
        )
    ) as batches:
        async for batch in batches:
            for event in batch:
                yield event


def stream_url(endpoint: Endpoint) -> str:
    """``{base}/v1beta/models/{model}:streamGenerateContent?alt=sse`` (model percent-encoded)."""
    base = base_url(endpoint)
    if not base.endswith(("/v1beta", "/v1", "/v1alpha")):
        base = f"{base}/v1beta"
    return f"{base}/models/{quote(endpoint.model, safe='')}:streamGenerateContent?alt=sse"


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The JSON body for ``request``, with ``body_overrides`` deep-merged last."""
    body: dict[str, Any] = {"contents": _contents(request.messages)}
    if request.system:
        body["systemInstruction"] = {"parts": [{"text": request.system}]}
    if request.tools:
        declarations = [
            {
                "name": t.name,
                "description": t.description,
                "parameters": _schema(t.parameters),
            }
            for t in request.tools
        ]
        body["tools"] = [{"functionDeclarations": declarations}]
    config: dict[str, Any] = {}
    if request.max_tokens is not None:
        config["maxOutputTokens"] = request.max_tokens
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if config:
        body["generationConfig"] = config
    apply_overrides(body, request, ("generationConfig", "temperature"))
    return body


def _contents(messages: list[Message]) -> list[dict[str, Any]]:
    contents: list[dict[str, Any]] = []
    for message in messages:
        role = "model" if message.role == "assistant" else "user"
        parts: list[dict[str, Any]] = []
        signature: str | None = None
        for part in message.parts:
            wire: dict[str, Any] | None = None
            if isinstance(part, ThinkingPart):
                signature = part.signature or signature
                continue
            if isinstance(part, TextPart):
                wire = {"text": part.text}
            elif isinstance(part, ImagePart):
                wire = {"inlineData": {"mimeType": part.media_type, "data": part.data_b64}}
            elif isinstance(part, ToolCallPart):
                call = {"name": part.name, "args": part.arguments, "id": part.id}
                wire = {"functionCall": call}
            elif isinstance(part, ToolResultPart):
                key = "error" if part.is_error else "result"
                response = {
                    "id": part.tool_call_id,
                    "name": part.name,
                    "response": {key: part.content},
                }
                wire = {"functionResponse": response}
            if wire is None:
                continue
            if signature:
                wire["thoughtSignature"] = signature
                signature = None
            parts.append(wire)
        if signature and parts:
            parts[-1].setdefault("thoughtSignature", signature)
        if parts:
            append_turn(contents, role, "parts", parts)
    return contents


def _schema(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _schema(v) for k, v in schema.items() if k not in _UNSUPPORTED_SCHEMA_KEYS}
    if isinstance(schema, list):
        return [_schema(v) for v in schema]
    return schema


class GeminiParser(FrameParser[tuple[str, str]]):
    """Turns Gemini SSE bytes into unified events."""

    __slots__ = ("_finish", "_max_tool_arguments", "_tool_count", "_usage")
    invalid_json = "invalid JSON in a stream chunk"

    def __init__(self, limits: StreamLimits = DEFAULT_LIMITS) -> None:
        sse = SSEDecoder(limits.max_event_bytes)
        super().__init__(sse.feed_pairs, sse.flush_pairs)
        self._max_tool_arguments = limits.max_tool_arguments_bytes
        self._finish: str | None = None
        self._tool_count = 0
        self._usage: dict[str, Any] | None = None

    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """Gemini's normal end, if a ``finishReason`` arrived; else a cut."""
        self.finished = True
        out.extend(self._final_usage())
        if self._finish is None:
            out.append(stream_cut(self.after_output))
            return
        if self._finish in _REFUSALS:
            reason = StopReason.REFUSAL
        elif self._finish == "MAX_TOKENS":
            reason = StopReason.LENGTH
        elif self._tool_count:
            reason = StopReason.TOOL_USE  # Gemini says STOP after function calls
        else:
            reason = StopReason.STOP
        out.append(Done(stop_reason=reason))

    def _frame(self, frame: tuple[str, str], out: list[StreamEvent]) -> None:
        chunk = self._json(frame[1], out)
        if isinstance(chunk, list) and chunk:  # tolerate a one-element array
            chunk = chunk[0]
        if not isinstance(chunk, dict):
            return
        if "error" in chunk:
            self.finished = True
            out.extend(self._final_usage())
            out.append(error_from_payload(chunk, Protocol.GEMINI, self.after_output))
            return
        candidates = chunk.get("candidates")
        if candidates:
            candidate = candidates[0]
            content = candidate.get("content")
            if content:
                for part in content.get("parts") or ():
                    self._part(part, out)
            reason = candidate.get("finishReason")
            if reason:
                self._finish = reason
        else:
            blocked = (chunk.get("promptFeedback") or {}).get("blockReason")
            if blocked:
                self.finished = True
                message = f"the prompt was blocked by Gemini ({blocked})"
                out.append(typed_error(ErrorKind.CONTENT_FILTER, message, provider_code=blocked))
                return
        usage = chunk.get("usageMetadata")
        if usage:
            self._usage = usage  # cumulative: only the last one matters

    def _part(self, part: dict[str, Any], out: list[StreamEvent]) -> None:
        signature = part.get("thoughtSignature")
        text = part.get("text")
        if part.get("thought"):
            if text or signature:
                self.after_output = True
                out.append(ThinkingDelta(text or "", signature=signature))
            return
        if signature:
            out.append(ThinkingDelta("", signature=signature))
        call = part.get("functionCall")
        if call:
            self.after_output = True
            index = self._tool_count
            self._tool_count += 1
            call_id = call.get("id") or f"call_{index}"
            name = call.get("name", "")
            args = call.get("args") or {}
            raw = checked_arguments(name, json.dumps(args), self._max_tool_arguments)
            out.append(ToolCallStart(index, call_id, name))
            out.append(ToolCallEnd(index, call_id, name, args, raw))
        elif text:
            self.after_output = True
            out.append(TextDelta(text))

    def _final_usage(self) -> list[StreamEvent]:
        """One ``Usage`` from the last (cumulative) ``usageMetadata``, before the terminal."""
        usage = self._usage
        if not usage:
            return []
        thoughts = usage.get("thoughtsTokenCount") or 0
        return [
            Usage(
                input_tokens=usage.get("promptTokenCount") or 0,
                output_tokens=(usage.get("candidatesTokenCount") or 0) + thoughts,
                reasoning_tokens=thoughts,
                cache_read_tokens=usage.get("cachedContentTokenCount") or 0,
            )
        ]
