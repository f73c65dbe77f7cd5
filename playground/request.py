"""The protocol-neutral chat request: messages, content parts, tools and thinking level.

Adapters translate a ``ChatRequest`` into their provider's wire format. Everything a
particular model needs beyond the neutral fields (the mapped thinking fields, for example)
arrives in ``body_overrides``, which adapters deep-merge into the JSON body they build.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class ThinkingLevel(StrEnum):
    """One scale of reasoning effort; each model maps it onto what it supports."""

    OFF = "off"
    MINIMAL = "minimal"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    XHIGH = "xhigh"

    @classmethod
    def ordered(cls) -> list[ThinkingLevel]:
        """All levels from ``off`` to ``xhigh``."""
        return list(cls)


@dataclass(slots=True, frozen=True)
class TextPart:
    """Plain text content."""

    text: str
    kind: Literal["text"] = "text"


@dataclass(slots=True, frozen=True)
class ImagePart:
    """An image, base64-encoded, with its media type (``image/png``…)."""

    data_b64: str
    media_type: str
    kind: Literal["image"] = "image"
    name: str = field(default="", compare=False)
    """The file it came from (shown in transcripts; never sent to a provider)."""

    @classmethod
    def from_bytes(cls, data: bytes, media_type: str, name: str = "") -> ImagePart:
        """Build an image part from raw bytes (``name``: the file it came from)."""
        return cls(base64.b64encode(data).decode("ascii"), media_type, name=name)

    @property
    def label(self) -> str:
        """``cat.png (12,345 bytes)``, or the media type when the name is unknown."""
        return f"{self.name or self.media_type} ({self.byte_size:,} bytes)"

    @property
    def byte_size(self) -> int:
        """Size of the decoded image in bytes (without decoding it)."""
        n = len(self.data_b64)
        return n * 3 // 4 - self.data_b64[-2:].count("=") if n else 0


@dataclass(slots=True, frozen=True)
class ThinkingPart:
    """Reasoning from an earlier assistant turn, kept for replay (signature is opaque)."""

    text: str
    signature: str | None = None
    redacted: bool = False
    kind: Literal["thinking"] = "thinking"


@dataclass(slots=True, frozen=True)
class ToolCallPart:
    """A tool call made by the assistant in an earlier turn."""

    id: str
    name: str
    arguments: dict[str, Any]
    kind: Literal["tool_call"] = "tool_call"


@dataclass(slots=True, frozen=True)
class ToolResultPart:
    """The result of a tool call, sent back to the model."""

    tool_call_id: str
    name: str
    content: str
    is_error: bool = False
    kind: Literal["tool_result"] = "tool_result"


ContentPart = TextPart | ImagePart | ThinkingPart | ToolCallPart | ToolResultPart
Role = Literal["user", "assistant", "tool"]


@dataclass(slots=True)
class Message:
    """One turn of the conversation. ``tool`` messages carry ``ToolResultPart``s."""

    role: Role
    parts: list[ContentPart] = field(default_factory=list)

    @classmethod
    def user(cls, text: str, images: list[ImagePart] | None = None) -> Message:
        """A user turn with text and optional images."""
        parts: list[ContentPart] = [*(images or []), TextPart(text)]
        return cls("user", parts)

    @classmethod
    def assistant(cls, text: str) -> Message:
        """An assistant turn with plain text."""
        return cls("assistant", [TextPart(text)])

    @property
    def text(self) -> str:
        """The concatenated text parts."""
        return "".join(p.text for p in self.parts if isinstance(p, TextPart))

    @property
    def images(self) -> list[ImagePart]:
        """The image parts."""
        return [p for p in self.parts if isinstance(p, ImagePart)]


@dataclass(slots=True, frozen=True)
class ToolSpec:
    """A tool offered to the model, described by a JSON Schema for its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(slots=True)
class ChatRequest:
    """A protocol-neutral chat request.

    ``model`` is the provider's model id (without the ``provider/`` prefix).
    ``body_overrides`` is deep-merged into the wire body by the adapter (used for the
    mapped thinking fields and user-configured extras). ``drop_temperature`` is set by the
    thinking mapping for models that reject a temperature while thinking.
    """

    model: str
    messages: list[Message]
    system: str | None = None
    tools: list[ToolSpec] = field(default_factory=list)
    max_tokens: int | None = None
    temperature: float | None = None
    thinking: ThinkingLevel = ThinkingLevel.OFF
    body_overrides: dict[str, Any] = field(default_factory=dict)
    drop_temperature: bool = False


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Merge ``overrides`` into ``base`` in place (nested dicts merge; others replace)."""
    for key, value in overrides.items():
        current = base.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            deep_merge(current, value)
        else:
            base[key] = value
    return base
