"""OpenAI Chat Completions streaming (OpenAI and every OpenAI-compatible server, and Azure).

Reasoning text is read from ``delta.reasoning_content`` (DeepSeek, xAI, llama.cpp, Z.ai),
``delta.reasoning`` (OpenRouter, vLLM, Ollama /v1), ``delta.reasoning_details`` and inline
``<think>…</think>`` tags at the start of the content. Tool-call argument fragments are
accumulated by ``index``; usage is accepted on any chunk (the last wins).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from playground.adapters.body import apply_overrides
from playground.adapters.errors import error_from_payload, stream_cut
from playground.adapters.frame_parser import FrameParser
from playground.adapters.http_stream import base_url, bearer, request_headers, run_stream
from playground.adapters.sse import SSEDecoder
from playground.adapters.think_tags import ThinkTagSplitter
from playground.adapters.tool_calls import ToolCallAccumulator
from playground.adapters.wire_parts import compact_json, data_url, function_tools, thinking_text
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
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

if TYPE_CHECKING:
    import httpx

_STOP_REASONS = {
    "stop": StopReason.STOP,
    "length": StopReason.LENGTH,
    "tool_calls": StopReason.TOOL_USE,
    "function_call": StopReason.TOOL_USE,
    "content_filter": StopReason.REFUSAL,
}


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one Chat Completions request as unified events (never raises for failures)."""
    # aclosing: if our consumer stops early, the inner generator closes the response now.
    async with aclosing(
        run_stream(
            client=client,
            url=chat_url(endpoint),
            headers=request_headers(endpoint, _auth(endpoint)),
            body=build_body(request, endpoint),
            parser=ChatCompletionsParser(endpoint.limits),
            endpoint=endpoint,
            timeout=timeout,
        )
    ) as batches:
        async for batch in batches:
            for event in batch:
                yield event


def chat_url(endpoint: Endpoint) -> str:
    """``{base}/chat/completions``; Azure uses the deployments path with ``api-version``."""
    base = base_url(endpoint)
    if endpoint.protocol is Protocol.AZURE_OPENAI:
        version = endpoint.options.get("api_version")
        if version and not base.endswith("/v1"):
            deployment = quote(endpoint.model, safe="")
            return (
                f"{base}/openai/deployments/{deployment}/chat/completions"
                f"?api-version={quote(version, safe='')}"
            )
        if not base.endswith("/v1"):
            base = f"{base}/openai/v1"  # Azure's v1 surface takes the deployment as "model"
    return f"{base}/chat/completions"


def _auth(endpoint: Endpoint) -> dict[str, str]:
    if (
        endpoint.protocol is Protocol.AZURE_OPENAI
        and endpoint.auth_kind is AuthKind.API_KEY
        and endpoint.api_key
    ):
        return {"api-key": endpoint.api_key.reveal()}
    return bearer(endpoint)


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The JSON body for ``request``, with ``body_overrides`` deep-merged last."""
    messages: list[dict[str, Any]] = []
    replay_field = endpoint.options.get("replay_reasoning")
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for message in request.messages:
        messages.extend(_wire_messages(message.role, message.parts, replay_field))
    body: dict[str, Any] = {
        "model": endpoint.model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.tools:
        body["tools"] = function_tools(request.tools)
    if request.max_tokens is not None:
        body[_max_tokens_field(endpoint)] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    apply_overrides(body, request)
    return body


def _max_tokens_field(endpoint: Endpoint) -> str:
    """OpenAI's own API (and Azure) want ``max_completion_tokens``; compatible servers vary."""
    configured = endpoint.options.get("max_tokens_field")
    if configured:
        return configured
    if endpoint.protocol is Protocol.AZURE_OPENAI or endpoint.provider == "openai":
        return "max_completion_tokens"
    return "max_tokens"


def _wire_messages(
    role: str, parts: list[Any], replay_field: str | None = None
) -> list[dict[str, Any]]:
    """Wire messages for one turn. ``replay_field`` names the assistant-message field that
    carries earlier reasoning back (``reasoning_content`` for servers that want it, such as
    DeepSeek with tools or xAI); by default reasoning is not sent back."""
    results = [p for p in parts if isinstance(p, ToolResultPart)]
    wire: list[dict[str, Any]] = [
        {"role": "tool", "tool_call_id": r.tool_call_id, "content": r.content} for r in results
    ]
    if role == "assistant":
        text = "".join(p.text for p in parts if isinstance(p, TextPart))
        calls = [p for p in parts if isinstance(p, ToolCallPart)]
        if text or calls:
            out: dict[str, Any] = {"role": "assistant", "content": text or None}
            if calls:
                out["tool_calls"] = [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": compact_json(c.arguments)},
                    }
                    for c in calls
                ]
            thinking = thinking_text(parts)
            if replay_field in ("reasoning_content", "reasoning") and thinking:
                out[replay_field] = thinking
            wire.append(out)
        return wire
    content_parts = [p for p in parts if isinstance(p, TextPart | ImagePart)]
    if not content_parts:
        return wire
    if all(isinstance(p, TextPart) for p in content_parts):
        wire.append({"role": "user", "content": "".join(p.text for p in content_parts)})
        return wire
    content: list[dict[str, Any]] = []
    for part in content_parts:
        if isinstance(part, ImagePart):
            content.append({"type": "image_url", "image_url": {"url": data_url(part)}})
        else:
            content.append({"type": "text", "text": part.text})
    wire.append({"role": "user", "content": content})
    return wire


class ChatCompletionsParser(FrameParser[tuple[str, str]]):
    """Turns Chat Completions SSE bytes into unified events."""

    __slots__ = ("_finish_reason", "_refused", "_think", "_tools")
    invalid_json = "invalid JSON in a stream chunk"

    def __init__(self, limits: StreamLimits = DEFAULT_LIMITS) -> None:
        sse = SSEDecoder(limits.max_event_bytes)
        super().__init__(sse.feed_pairs, sse.flush_pairs)
        self._tools = ToolCallAccumulator(limits.max_tool_arguments_bytes)
        self._think = ThinkTagSplitter()
        self._finish_reason: str | None = None
        self._refused = False

    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """A missing ``[DONE]`` is tolerated after a finish reason; otherwise a cut."""
        if self._finish_reason is None:
            self.finished = True
            out.extend(self._tools.close_all())
            out.append(stream_cut(self.after_output))
        else:
            self._done(out)

    def _frame(self, frame: tuple[str, str], out: list[StreamEvent]) -> None:
        event_name, data = frame
        if data == "[DONE]":
            self._done(out)
            return
        chunk = self._json(data, out)
        if not isinstance(chunk, dict):
            return
        if chunk.get("error") or event_name == "error":
            self.finished = True
            out.extend(self._tools.close_all())
            out.append(error_from_payload(chunk, Protocol.OPENAI, self.after_output))
            return
        choices = chunk.get("choices")
        if choices:
            choice = choices[0]
            delta = choice.get("delta")
            if delta:
                self._delta(delta, out)
            reason = choice.get("finish_reason")
            if reason:
                self._finish_reason = reason
                out.extend(self._tools.close_all())
        usage = chunk.get("usage")
        if usage:
            out.append(_usage(usage))

    def _delta(self, delta: dict[str, Any], out: list[StreamEvent]) -> None:
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        details = delta.get("reasoning_details")
        if details:
            for detail in details:
                if not isinstance(detail, dict):
                    continue
                if not reasoning and detail.get("text"):
                    out.append(ThinkingDelta(detail["text"]))
                    self.after_output = True
                if detail.get("signature"):
                    out.append(ThinkingDelta("", signature=detail["signature"]))
        if reasoning and isinstance(reasoning, str):
            out.append(ThinkingDelta(reasoning))
            self.after_output = True
        content = delta.get("content")
        if content:
            self.after_output = True
            think = self._think
            if think.passthrough:
                out.append(TextDelta(content))
            else:
                for is_thinking, text in think.feed(content):
                    out.append(ThinkingDelta(text) if is_thinking else TextDelta(text))
        refusal = delta.get("refusal")
        if refusal:
            self._refused = True
            self.after_output = True
            out.append(TextDelta(refusal))
        calls = delta.get("tool_calls")
        if calls:
            self.after_output = True
            for position, call in enumerate(calls):
                function = call.get("function") or {}
                out.extend(
                    self._tools.update(
                        call.get("index", position),
                        call.get("id"),
                        function.get("name"),
                        function.get("arguments"),
                    )
                )

    def _done(self, out: list[StreamEvent]) -> None:
        self.finished = True
        for is_thinking, text in self._think.flush():
            out.append(ThinkingDelta(text) if is_thinking else TextDelta(text))
        out.extend(self._tools.close_all())
        reason = _STOP_REASONS.get(self._finish_reason or "stop", StopReason.STOP)
        if self._refused:
            reason = StopReason.REFUSAL
        elif reason is StopReason.STOP and self._tools.count:
            reason = StopReason.TOOL_USE  # some servers say "stop" after tool calls
        out.append(Done(stop_reason=reason))


def _usage(usage: dict[str, Any]) -> Usage:
    prompt = usage.get("prompt_tokens") or 0
    completion = usage.get("completion_tokens") or 0
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    reasoning = completion_details.get("reasoning_tokens") or 0
    total = usage.get("total_tokens")
    if reasoning and total == prompt + completion + reasoning:
        completion += reasoning  # xAI reports reasoning outside completion_tokens
    return Usage(
        input_tokens=prompt,
        output_tokens=completion,
        reasoning_tokens=reasoning,
        cache_read_tokens=prompt_details.get("cached_tokens") or 0,
        cache_write_tokens=prompt_details.get("cache_write_tokens") or 0,
    )
