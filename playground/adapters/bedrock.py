"""Amazon Bedrock streaming: the Converse API (``POST {base}/model/{id}/converse-stream``).

Converse covers every model family on Bedrock (Anthropic, Meta, Mistral, Amazon …) with one
request shape: ``system``, ``messages`` (text, image, toolUse, toolResult, reasoningContent
blocks), ``inferenceConfig``, ``toolConfig`` and ``additionalModelRequestFields`` (where
Anthropic's ``thinking`` budget goes). The response is binary AWS event-stream framing
(:mod:`playground.adapters.eventstream`); each message's ``:event-type`` header names a
Converse event (``messageStart``, ``contentBlockStart`` / ``Delta`` / ``Stop``,
``messageStop``, then ``metadata`` with the usage). An ``:message-type`` of ``exception``
is a typed failure after HTTP 200 (``throttlingException`` …).

The same parser also reads InvokeModelWithResponseStream bodies (``chunk`` events whose
``bytes`` are base64 Anthropic Messages events), the form of the recorded Bedrock streams.

Auth: a Bedrock API key as ``Authorization: Bearer``; otherwise SigV4 through botocore
(:mod:`playground.adapters.bedrock_auth`) when the endpoint asks for it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from playground.adapters.anthropic_messages import MessagesParser
from playground.adapters.bedrock_auth import NO_REGION, AwsAuthError, sigv4_headers
from playground.adapters.body import apply_overrides
from playground.adapters.errors import error_from_payload, protocol_error, stream_cut, typed_error
from playground.adapters.eventstream import EventMessage, EventStreamDecoder, EventStreamError
from playground.adapters.frame_parser import FrameParser
from playground.adapters.http_stream import (
    base_url,
    bearer,
    encode_json_body,
    request_headers,
    run_stream,
)
from playground.adapters.tool_calls import OpenCalls
from playground.adapters.wire_parts import append_turn
from playground.endpoint import DEFAULT_LIMITS, Endpoint, Protocol, StreamLimits
from playground.events import (
    Done,
    ErrorKind,
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

EVENTSTREAM = "application/vnd.amazon.eventstream"
DEFAULT_MAX_TOKENS = 4096

_STOP_REASONS = {
    "end_turn": StopReason.STOP,
    "stop_sequence": StopReason.STOP,
    "max_tokens": StopReason.LENGTH,
    "model_context_window_exceeded": StopReason.LENGTH,
    "tool_use": StopReason.TOOL_USE,
    "guardrail_intervened": StopReason.REFUSAL,
    "content_filtered": StopReason.REFUSAL,
}

# The HTTP status AWS documents for each in-stream exception; the status classifies it.
EXCEPTION_STATUS = {
    "throttlingException": 429,
    "serviceUnavailableException": 503,
    "internalServerException": 500,
    "modelStreamErrorException": 500,
    "modelTimeoutException": 408,
    "validationException": 400,
    "accessDeniedException": 403,
    "resourceNotFoundException": 404,
}

_IMAGE_FORMATS = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
_BROKEN = "_broken"  # the parser's own marker for undecodable framing


def converse_url(endpoint: Endpoint) -> str:
    """``{base}/model/{modelId}/converse-stream`` with the id percent-encoded (``:`` too)."""
    return f"{base_url(endpoint)}/model/{quote(endpoint.model, safe='')}/converse-stream"


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one Converse request as unified events (never raises for failures)."""
    url = converse_url(endpoint)
    body = build_body(request, endpoint)
    headers = request_headers(endpoint, bearer(endpoint))
    headers["accept"] = EVENTSTREAM
    if not endpoint.api_key and endpoint.options.get("sigv4"):
        try:
            headers = await asyncio.to_thread(_signed, url, body, headers, endpoint)
        except AwsAuthError as exc:
            yield typed_error(ErrorKind.AUTH, str(exc))
            return
    async with aclosing(
        run_stream(
            client=client,
            url=url,
            headers=headers,
            body=body,
            parser=ConverseParser(endpoint.limits),
            endpoint=endpoint,
            timeout=timeout,
        )
    ) as batches:
        async for batch in batches:
            for event in batch:
                yield event


def _signed(url: str, body: dict[str, Any], headers: dict[str, str], endpoint: Endpoint) -> dict:
    region = endpoint.options.get("region")
    if not region:
        raise AwsAuthError(NO_REGION)
    profile = endpoint.options.get("profile") or None
    return sigv4_headers("POST", url, encode_json_body(body), headers, region, profile)


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The Converse JSON body for ``request``, with ``body_overrides`` deep-merged last."""
    del endpoint  # the model id travels in the URL
    inference: dict[str, Any] = {"maxTokens": request.max_tokens or DEFAULT_MAX_TOKENS}
    if request.temperature is not None:
        inference["temperature"] = request.temperature
    body: dict[str, Any] = {
        "messages": _wire_messages(request.messages),
        "inferenceConfig": inference,
    }
    if request.system:
        body["system"] = [{"text": request.system}]
    if request.tools:
        body["toolConfig"] = {
            "tools": [
                {
                    "toolSpec": {
                        "name": t.name,
                        "description": t.description,
                        "inputSchema": {"json": t.parameters},
                    }
                }
                for t in request.tools
            ]
        }
    return apply_overrides(body, request, temperature_at=("inferenceConfig", "temperature"))


def _wire_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Converse wants alternating user/assistant turns; tool results are user content."""
    wire: list[dict[str, Any]] = []
    for message in messages:
        role = "assistant" if message.role == "assistant" else "user"
        blocks = [b for b in (_block(p) for p in message.parts) if b is not None]
        if blocks:
            append_turn(wire, role, "content", blocks)
    return wire


def _block(part: Any) -> dict[str, Any] | None:
    if isinstance(part, TextPart):
        return {"text": part.text} if part.text else None
    if isinstance(part, ImagePart):
        image_format = _IMAGE_FORMATS.get(part.media_type, part.media_type.partition("/")[2])
        return {"image": {"format": image_format, "source": {"bytes": part.data_b64}}}
    if isinstance(part, ThinkingPart):
        if part.redacted:
            return {"reasoningContent": {"redactedContent": part.signature or ""}}
        text: dict[str, Any] = {"text": part.text}
        if part.signature:
            text["signature"] = part.signature
        return {"reasoningContent": {"reasoningText": text}}
    if isinstance(part, ToolCallPart):
        return {"toolUse": {"toolUseId": part.id, "name": part.name, "input": part.arguments}}
    if isinstance(part, ToolResultPart):
        result: dict[str, Any] = {
            "toolUseId": part.tool_call_id,
            "content": [{"text": part.content}],
        }
        if part.is_error:
            result["status"] = "error"
        return {"toolResult": result}
    return None


class ConverseParser(FrameParser[EventMessage]):
    """Turns Bedrock event-stream bytes into unified events."""

    __slots__ = ("_decoder", "_invoke", "_limits", "_stop", "_tools")
    invalid_json = "invalid JSON in a Bedrock stream event"

    def __init__(self, limits: StreamLimits = DEFAULT_LIMITS) -> None:
        self._decoder = EventStreamDecoder(limits.max_event_bytes)
        super().__init__(self._messages, self._decoder.flush)
        self._limits = limits
        self._tools: OpenCalls[int] = OpenCalls(limits.max_tool_arguments_bytes)
        self._stop: str | None = None
        self._invoke: MessagesParser | None = None  # InvokeModelWithResponseStream bodies

    def _messages(self, chunk: bytes) -> Iterator[EventMessage]:
        try:
            yield from self._decoder.messages(chunk)
        except EventStreamError as exc:
            yield EventMessage({":message-type": _BROKEN}, str(exc).encode())

    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """Converse ends with ``messageStop`` (+ ``metadata``); anything else was cut."""
        self.finished = True
        out.extend(self._tools.close_all())
        if self._invoke is not None:
            out.extend(self._invoke.finish())
        elif self._stop is not None and not self._decoder.pending_bytes:
            out.append(Done(stop_reason=_STOP_REASONS.get(self._stop, StopReason.STOP)))
        else:
            out.append(stream_cut(self.after_output))

    def _frame(self, frame: EventMessage, out: list[StreamEvent]) -> None:
        headers = frame.headers
        message_type = headers.get(":message-type", "event")
        if message_type == "event":
            self._event(headers.get(":event-type", ""), frame.payload, out)
        elif message_type == "exception":
            self._exception(headers.get(":exception-type", ""), frame.payload, out)
        elif message_type == "error":
            self.finished = True
            out.extend(self._tools.close_all())
            payload = {
                "message": headers.get(":error-message", ""),
                "type": headers.get(":error-code", ""),
            }
            out.append(error_from_payload(payload, Protocol.BEDROCK, self.after_output))
        elif message_type == _BROKEN:
            self.finished = True
            out.extend(self._tools.close_all())
            out.append(protocol_error(frame.payload.decode(), b"", self.after_output))

    def _event(self, kind: str, payload: bytes, out: list[StreamEvent]) -> None:
        if kind == "chunk":
            self._chunk(payload, out)
            return
        event = self._json(payload, out)
        if not isinstance(event, dict):
            return
        if kind == "contentBlockDelta":
            self._delta(event.get("contentBlockIndex", 0), event.get("delta") or {}, out)
        elif kind == "contentBlockStart":
            tool = (event.get("start") or {}).get("toolUse")
            if isinstance(tool, dict):
                self.after_output = True
                index = event.get("contentBlockIndex", 0)
                out.append(
                    self._tools.start(index, tool.get("toolUseId", ""), tool.get("name", ""))
                )
        elif kind == "contentBlockStop":
            end = self._tools.end(event.get("contentBlockIndex", 0))
            if end is not None:
                out.append(end)
        elif kind == "messageStop":
            self._stop = event.get("stopReason") or "end_turn"
            out.extend(self._tools.close_all())
        elif kind == "metadata":
            usage = event.get("usage")
            if isinstance(usage, dict):
                out.append(_usage(usage))
            if self._stop is not None:
                self.finished = True
                out.append(Done(stop_reason=_STOP_REASONS.get(self._stop, StopReason.STOP)))
        # messageStart and unknown event types carry nothing we show.

    def _delta(self, index: int, delta: dict[str, Any], out: list[StreamEvent]) -> None:
        text = delta.get("text")
        if text:
            self.after_output = True
            out.append(TextDelta(text))
            return
        tool_use = delta.get("toolUse")
        if isinstance(tool_use, dict):
            fragment = tool_use.get("input")
            tool = self._tools.get(index)
            if fragment and tool is not None:
                out.append(tool.add(fragment))
            return
        reasoning = delta.get("reasoningContent")
        if isinstance(reasoning, dict):
            if reasoning.get("text"):
                self.after_output = True
                out.append(ThinkingDelta(reasoning["text"]))
            if reasoning.get("signature"):
                out.append(ThinkingDelta("", signature=reasoning["signature"]))
            if reasoning.get("redactedContent"):
                self.after_output = True
                out.append(ThinkingDelta("", signature=reasoning["redactedContent"], redacted=True))

    def _exception(self, name: str, payload: bytes, out: list[StreamEvent]) -> None:
        self.finished = True
        out.extend(self._tools.close_all())
        try:
            message = json.loads(payload).get("message", "")
        except (ValueError, AttributeError):
            message = payload[:200].decode("utf-8", "replace")
        status = EXCEPTION_STATUS.get(name, 500)
        error = error_from_payload(
            {"message": f"{name}: {message}" if message else name, "type": name},
            Protocol.BEDROCK,
            self.after_output,
            status=status,
        )
        out.append(error)

    def _chunk(self, payload: bytes, out: list[StreamEvent]) -> None:
        """An InvokeModelWithResponseStream ``chunk``: base64 of one Anthropic event."""
        wrapper = self._json(payload, out)
        if not isinstance(wrapper, dict):
            return
        try:
            inner = base64.b64decode(wrapper.get("bytes") or "", validate=True)
        except (binascii.Error, ValueError):
            self.finished = True
            out.append(protocol_error("a Bedrock chunk is not base64", payload, self.after_output))
            return
        if self._invoke is None:
            self._invoke = MessagesParser(self._limits)
        events = self._invoke.feed(b"data: " + inner.replace(b"\n", b" ") + b"\n\n")
        out.extend(events)
        self.after_output = self.after_output or self._invoke.after_output
        if self._invoke.finished:
            self.finished = True


def _usage(usage: dict[str, Any]) -> Usage:
    return Usage(
        input_tokens=usage.get("inputTokens") or 0,
        output_tokens=usage.get("outputTokens") or 0,
        cache_read_tokens=usage.get("cacheReadInputTokens") or 0,
        cache_write_tokens=usage.get("cacheWriteInputTokens") or 0,
    )
