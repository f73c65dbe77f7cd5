"""Request-body pieces that several protocols write the same way."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from playground.request import ContentPart, ImagePart, ThinkingPart, ToolSpec


def compact_json(value: Any) -> str:
    """Arguments as the models themselves write them (no spaces after separators)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def data_url(image: ImagePart) -> str:
    """The image as a ``data:`` URL (OpenAI's image inputs)."""
    return f"data:{image.media_type};base64,{image.data_b64}"


def thinking_text(parts: Iterable[ContentPart]) -> str:
    """The concatenated reasoning of a turn's thinking parts."""
    return "".join(p.text for p in parts if isinstance(p, ThinkingPart))


def function_tools(tools: Iterable[ToolSpec]) -> list[dict[str, Any]]:
    """Tools as ``{"type": "function", "function": {...}}`` (Chat Completions and Ollama)."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters,
            },
        }
        for tool in tools
    ]


def append_turn(
    turns: list[dict[str, Any]], role: str, key: str, items: list[dict[str, Any]]
) -> None:
    """Append a turn; one with the previous turn's role is merged into it (strict alternation).

    ``key`` names the list the turn's items live in (``content`` or ``parts``).
    """
    if turns and turns[-1]["role"] == role:
        turns[-1][key].extend(items)
    else:
        turns.append({"role": role, key: items})
