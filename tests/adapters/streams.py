"""Helpers shared by the adapter tests: run a stream, summarise its events, build history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from playground.adapters import get_stream
from playground.endpoint import AuthKind, Endpoint, Protocol
from playground.events import (
    OUTPUT_EVENTS,
    Done,
    Error,
    Start,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallEnd,
    Usage,
)
from playground.request import (
    ChatRequest,
    ContentPart,
    Message,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolSpec,
)
from playground.secret import Secret

TEST_KEY = "test-key-0123456789abcdef"

WEATHER_TOOL = ToolSpec(
    "weather",
    "Get weather information for a location",
    {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "the city"}},
        "required": ["location"],
    },
)


def endpoint(
    protocol: Protocol | str,
    base_url: str,
    model: str = "test-model",
    *,
    provider: str = "test",
    auth_kind: AuthKind = AuthKind.API_KEY,
    key: str | None = TEST_KEY,
    headers: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
) -> Endpoint:
    """An endpoint pointing at the replay server."""
    return Endpoint(
        provider=provider,
        protocol=Protocol(protocol),
        base_url=base_url,
        model=model,
        api_key=Secret(key) if key else None,
        auth_kind=auth_kind,
        headers=headers or {},
        options=options or {},
    )


async def collect(
    request: ChatRequest, ep: Endpoint, client: httpx.AsyncClient
) -> list[StreamEvent]:
    """All events of one adapter stream."""
    return [event async for event in get_stream(ep.protocol)(request, ep, client)]


@dataclass
class Summary:
    """What a stream assembled to."""

    text: str = ""
    thinking: str = ""
    signatures: list[str] = field(default_factory=list)
    tool_calls: list[ToolCallEnd] = field(default_factory=list)
    usage: Usage | None = None
    terminal: Done | Error | None = None


def summarize(events: list[StreamEvent]) -> Summary:
    """Assemble events and check the adapter contract (one Start first, one terminal last)."""
    assert events, "a stream always yields at least its terminal event"
    terminals = [e for e in events if isinstance(e, Done | Error)]
    assert len(terminals) == 1 and events[-1] is terminals[0], events[-3:]
    starts = [e for e in events if isinstance(e, Start)]
    assert len(starts) <= 1
    if starts:
        assert events[0] is starts[0]
    summary = Summary(terminal=terminals[0])
    for event in events:
        if isinstance(event, TextDelta):
            summary.text += event.text
        elif isinstance(event, ThinkingDelta):
            summary.thinking += event.text
            if event.signature:
                summary.signatures.append(event.signature)
        elif isinstance(event, ToolCallEnd):
            summary.tool_calls.append(event)
        elif isinstance(event, Usage):
            summary.usage = event
    return summary


def had_output(events: list[StreamEvent]) -> bool:
    """True if any text, thinking or tool-call event was produced."""
    return any(isinstance(e, OUTPUT_EVENTS) for e in events)


def assistant_turn(events: list[StreamEvent]) -> Message:
    """The assistant message a session would keep from ``events`` (for the next turn)."""
    parts: list[ContentPart] = []
    thinking = ""
    text = ""

    def flush_text() -> None:
        nonlocal text
        if text:
            parts.append(TextPart(text))
            text = ""

    for event in events:
        if isinstance(event, ThinkingDelta):
            flush_text()
            if event.redacted:
                parts.append(ThinkingPart("", event.signature, redacted=True))
            elif event.signature:
                parts.append(ThinkingPart(thinking + event.text, event.signature))
                thinking = ""
            else:
                thinking += event.text
        elif isinstance(event, TextDelta):
            text += event.text
        elif isinstance(event, ToolCallEnd):
            flush_text()
            parts.append(ToolCallPart(event.id, event.name, event.arguments))
    if thinking:
        parts.insert(0, ThinkingPart(thinking))
    flush_text()
    return Message("assistant", parts)


def without_none(value: Any) -> Any:
    """``value`` with None-valued keys removed (for comparing JSON shapes)."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value
