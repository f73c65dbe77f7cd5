"""Talking to the simulator in each family's own wire format (imported by the sim tests)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

FAMILIES = ("openai", "anthropic", "gemini", "ollama", "vertex", "vertex-anthropic")
FAST = "tps=0&ttft_ms=0"
VERTEX_MODELS = "/vertex/v1/projects/sim-project/locations/us-central1/publishers"
_WIRE = {"vertex": "gemini", "vertex-anthropic": "anthropic"}


def wire_family(family: str) -> str:
    """The family whose stream format ``family`` speaks (Vertex carries Gemini and Claude)."""
    return _WIRE.get(family, family)


def fresh(model: str) -> str:
    """The model id with a unique ``run`` parameter, so ``fail_times`` counts start at zero."""
    joiner = "&" if "?" in model else "?"
    return f"{model}{joiner}run={uuid.uuid4().hex[:8]}"


@dataclass
class WireRequest:
    """One HTTP request in a family's wire format."""

    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


def build_request(
    family: str,
    model: str,
    text: str = "hello there",
    *,
    stream: bool = True,
    key: str | None = "sk-test-key-0001",
    extra: dict[str, Any] | None = None,
) -> WireRequest:
    """A minimal generation request for ``family`` with the right auth header for ``key``."""
    headers: dict[str, str] = {}
    if family == "openai":
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": "user", "content": text}],
            "stream": stream,
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        path = "/openai/v1/chat/completions"
        if key:
            headers["authorization"] = f"Bearer {key}"
    elif family == "anthropic":
        body = {
            "model": model,
            "max_tokens": 4096,
            "messages": [{"role": "user", "content": text}],
            "stream": stream,
        }
        path = "/anthropic/v1/messages"
        headers["anthropic-version"] = "2023-06-01"
        if key:
            headers["x-api-key"] = key
    elif family == "gemini":
        body = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
        method = "streamGenerateContent?alt=sse" if stream else "generateContent"
        path = f"/gemini/v1beta/models/{quote(model, safe='')}:{method}"
        if key:
            headers["x-goog-api-key"] = key
    elif family == "vertex":
        body = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
        method = "streamGenerateContent?alt=sse" if stream else "generateContent"
        path = f"{VERTEX_MODELS}/google/models/{quote(model, safe='')}:{method}"
        if key:
            headers["authorization"] = f"Bearer {key}"
    elif family == "vertex-anthropic":
        body = {
            "anthropic_version": "vertex-2023-10-16",
            "max_tokens": 4096,
            "messages": [{"role": "user", "content": text}],
            "stream": stream,
        }
        method = "streamRawPredict" if stream else "rawPredict"
        path = f"{VERTEX_MODELS}/anthropic/models/{quote(model, safe='')}:{method}"
        if key:
            headers["authorization"] = f"Bearer {key}"
    else:
        body = {"model": model, "messages": [{"role": "user", "content": text}], "stream": stream}
        path = "/ollama/api/chat"
        if key:
            headers["authorization"] = f"Bearer {key}"
    body.update(extra or {})
    return WireRequest("POST", path, body, headers)


def stream_payloads(family: str, raw: str) -> list[tuple[str | None, str]]:
    """Split a raw stream body into ``(event name, data)`` pairs in the family's framing."""
    family = wire_family(family)
    if family == "ollama":
        return [(None, line) for line in raw.split("\n") if line]
    separator = "\r\n\r\n" if family == "gemini" else "\n\n"
    pairs: list[tuple[str | None, str]] = []
    for block in raw.split(separator):
        if not block.strip():
            continue
        event, data = None, []
        for line in block.splitlines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        if data:  # a block of only comments dispatches no event
            pairs.append((event, "\n".join(data)))
    return pairs


def stream_json(family: str, raw: str) -> list[Any]:
    """The decoded JSON of every event (``[DONE]`` and pings dropped)."""
    return [
        json.loads(data)
        for event, data in stream_payloads(family, raw)
        if data != "[DONE]" and event != "ping"
    ]


def streamed_text(family: str, raw: str) -> str:
    """The answer text a client would show (thinking excluded)."""
    family = wire_family(family)
    out = []
    for item in stream_json(family, raw):
        if "error" in item:
            continue
        if family == "openai":
            for choice in item.get("choices", []):
                out.append(choice["delta"].get("content") or "")
        elif family == "anthropic":
            if item["type"] == "content_block_delta" and item["delta"]["type"] == "text_delta":
                out.append(item["delta"]["text"])
        elif family == "gemini":
            for part in item["candidates"][0]["content"]["parts"]:
                if "text" in part and not part.get("thought"):
                    out.append(part["text"])
        else:
            out.append(item["message"]["content"])
    return "".join(out)


def streamed_thinking(family: str, raw: str) -> str:
    """The thinking text a client would show."""
    family = wire_family(family)
    out = []
    for item in stream_json(family, raw):
        if family == "openai":
            for choice in item.get("choices", []):
                out.append(choice["delta"].get("reasoning_content") or "")
        elif family == "anthropic":
            if item["type"] == "content_block_delta" and item["delta"]["type"] == "thinking_delta":
                out.append(item["delta"]["thinking"])
        elif family == "gemini":
            for part in item["candidates"][0]["content"]["parts"]:
                if part.get("thought"):
                    out.append(part["text"])
        else:
            out.append(item["message"].get("thinking") or "")
    return "".join(out)
