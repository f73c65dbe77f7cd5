"""What a pane shows and saves: one :class:`Turn` per prompt, built from the event stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.events import (
    Attempt,
    CircuitHalfOpen,
    CircuitOpen,
    Cooldown,
    Error,
    Fallback,
    KeyRotated,
    Retry,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallEnd,
    ToolResult,
)
from playground.request import (
    ContentPart,
    ImagePart,
    Message,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
)

ROUTER_EVENTS = (Attempt, Retry, Fallback, KeyRotated, Cooldown, CircuitOpen, CircuitHalfOpen)


class TextAccumulator:
    """Streamed text collected cheaply: deltas are appended, and every ``CHUNK`` of them is
    joined into one string, so a million small deltas do not stay a million objects."""

    CHUNK = 1024
    __slots__ = ("_chunks", "_tail")

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._tail: list[str] = []

    def append(self, text: str) -> None:
        """Add one delta."""
        tail = self._tail
        tail.append(text)
        if len(tail) >= self.CHUNK:
            self._chunks.append("".join(tail))
            tail.clear()

    @property
    def value(self) -> str:
        """Everything appended so far."""
        if self._tail or len(self._chunks) > 1:
            self._chunks[:] = ["".join([*self._chunks, *self._tail])]
            self._tail.clear()
        return self._chunks[0] if self._chunks else ""

    def clear(self) -> None:
        """Forget everything."""
        self._chunks.clear()
        self._tail.clear()

    def __bool__(self) -> bool:
        return bool(self._chunks or self._tail)


@dataclass(slots=True)
class Turn:
    """One prompt and everything that came back for it in one pane (across tool steps).

    ``status`` is ``running`` while streaming, then a :class:`~playground.session.PaneStatus`
    value (``done``, ``failed``, ``cancelled``) or ``interrupted`` for a turn that was cut
    off by a crash and restored from disk.
    """

    prompt: str
    spec: str
    thinking: str
    images: list[str] = field(default_factory=list)
    status: str = "running"
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    router_events: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    stop_reason: str | None = None
    retry: bool = False
    """This turn re-sends the previous one and replaces it (its answer and history)."""
    history_start: int | None = None
    """Where this turn's messages begin in the pane's history (None: it added none)."""
    _text: TextAccumulator = field(default_factory=TextAccumulator)
    _thinking: TextAccumulator = field(default_factory=TextAccumulator)

    @property
    def text(self) -> str:
        """The visible answer so far."""
        return self._text.value

    @property
    def thinking_text(self) -> str:
        """The reasoning text so far."""
        return self._thinking.value

    def record(self, event: StreamEvent) -> None:
        """Add one event to the turn (cheap for text and thinking deltas)."""
        kind = type(event)
        if kind is TextDelta:
            self._text.append(event.text)  # type: ignore[union-attr]
        elif kind is ThinkingDelta:
            self._thinking.append(event.text)  # type: ignore[union-attr]
        elif kind is ToolCallEnd:
            self.tool_calls.append(
                {"id": event.id, "name": event.name, "arguments": event.arguments}  # type: ignore[union-attr]
            )
        elif kind is ToolResult:
            self.tool_results.append(event.to_dict())  # type: ignore[union-attr]
        elif kind is Error:
            self.error = event.to_dict()  # type: ignore[union-attr]
        elif kind in ROUTER_EVENTS:
            self.router_events.append(event.to_dict())  # type: ignore[union-attr]
            if kind is Fallback and self._text:
                # The next candidate starts a fresh answer; keep the partial one, marked.
                self._text.append(f"\n\n[fell back to {event.to}]\n\n")  # type: ignore[union-attr]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (no secrets: router events carry masked keys only)."""
        return {
            "prompt": self.prompt,
            "spec": self.spec,
            "thinking_level": self.thinking,
            "images": self.images,
            "status": self.status,
            "text": self.text,
            "thinking": self.thinking_text,
            "tool_calls": self.tool_calls,
            "tool_results": self.tool_results,
            "router_events": self.router_events,
            "error": self.error,
            "notes": self.notes,
            "stop_reason": self.stop_reason,
            "metrics": self.metrics,
        }


def message_to_dict(message: Message) -> dict[str, Any]:
    """Serialise a conversation message (images as base64 with media type)."""
    return {"role": message.role, "parts": [_part_to_dict(p) for p in message.parts]}


def _part_to_dict(part: ContentPart) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"kind": "text", "text": part.text}
    if isinstance(part, ImagePart):
        return {"kind": "image", "media_type": part.media_type, "data_b64": part.data_b64}
    if isinstance(part, ThinkingPart):
        return {
            "kind": "thinking",
            "text": part.text,
            "signature": part.signature,
            "redacted": part.redacted,
        }
    if isinstance(part, ToolCallPart):
        return {"kind": "tool_call", "id": part.id, "name": part.name, "arguments": part.arguments}
    return {
        "kind": "tool_result",
        "tool_call_id": part.tool_call_id,
        "name": part.name,
        "content": part.content,
        "is_error": part.is_error,
    }


def message_from_dict(data: dict[str, Any]) -> Message:
    """Inverse of :func:`message_to_dict`."""
    parts: list[ContentPart] = []
    for raw in data.get("parts", []):
        kind = raw.get("kind")
        if kind == "text":
            parts.append(TextPart(raw["text"]))
        elif kind == "image":
            parts.append(ImagePart(raw["data_b64"], raw["media_type"]))
        elif kind == "thinking":
            parts.append(
                ThinkingPart(raw["text"], raw.get("signature"), raw.get("redacted", False))
            )
        elif kind == "tool_call":
            parts.append(ToolCallPart(raw["id"], raw["name"], raw.get("arguments") or {}))
        elif kind == "tool_result":
            parts.append(
                ToolResultPart(
                    raw["tool_call_id"], raw["name"], raw["content"], raw.get("is_error", False)
                )
            )
    return Message(data["role"], parts)
