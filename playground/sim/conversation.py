"""What the simulated models read from a request, whatever family it came in.

Each family module turns its wire request into a :class:`Conversation`; the scripted models
(:mod:`playground.sim.scripts`) only ever see this neutral form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Tokens an attached image counts for in the input usage (a fixed, documented figure).
IMAGE_TOKENS = 85

_PIECE = re.compile(r"\s*\S+")


def split_pieces(text: str) -> list[str]:
    """Split text into word tokens that concatenate back to the text (minus trailing space).

    ``"hello there"`` → ``["hello", " there"]``: each piece keeps its leading whitespace.
    """
    return _PIECE.findall(text)


def count_tokens(text: str) -> int:
    """The simulator's token count of a text: its whitespace-delimited pieces."""
    return len(text.split())


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """An attached image: media type and decoded size (``None`` for a remote URL)."""

    media_type: str
    byte_size: int | None


@dataclass(frozen=True, slots=True)
class ToolOffer:
    """A tool the request offers: its name and JSON schema of arguments."""

    name: str
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The tool result the conversation ends with."""

    name: str
    content: str


@dataclass(frozen=True, slots=True)
class ThinkingSetting:
    """The thinking request as received: a label for the answer and how many tokens to think.

    ``label`` names the wire fields, e.g. ``reasoning_effort=high`` or
    ``thinking.type=enabled, budget_tokens=8192``; ``visible`` is False when the family was
    asked to think but not to return the thoughts (Gemini without ``includeThoughts``).
    """

    label: str
    tokens: int
    visible: bool = True

    @property
    def enabled(self) -> bool:
        """Whether any thinking was requested."""
        return self.tokens > 0


THINKING_OFF = ThinkingSetting("none (thinking off)", 0)

#: Thinking tokens per named effort/level, shared by every family so levels compare.
EFFORT_TOKENS = {
    "none": 0,
    "minimal": 16,
    "low": 48,
    "medium": 120,
    "high": 300,
    "xhigh": 600,
    "max": 1000,
}


def budget_to_tokens(budget: int) -> int:
    """Thinking tokens actually produced for a token budget (a 32nd, at least 8, at most 2000).

    The simulator thinks far less than the budget so demos stay quick, but the amount grows
    with it so a higher budget is visibly more thinking.
    """
    return max(8, min(2000, budget // 32))


@dataclass(slots=True)
class Conversation:
    """The neutral view of one generation request."""

    last_user_text: str = ""
    input_tokens: int = 0
    tools: list[ToolOffer] = field(default_factory=list)
    tool_result: ToolResult | None = None
    images: list[ImageInfo] = field(default_factory=list)
    thinking: ThinkingSetting = THINKING_OFF
    max_output_tokens: int | None = None
