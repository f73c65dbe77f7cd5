"""Prompt-guided tool calls for models without native tool calling.

The tools move into the system prompt together with a small protocol: to call a tool the
model writes ``<tool_call>{"name": "...", "arguments": {...}}</tool_call>``. Earlier tool
calls and results in the conversation are rendered as text in the same notation
(:func:`prompted_request`). :class:`PromptedToolParser` turns the model's streamed text back
into the usual ``ToolCallStart`` / ``ToolCallDelta`` / ``ToolCallEnd`` events, so the rest of
the app cannot tell the difference: tags split across deltas are handled, text outside the
tags passes through unchanged, and ``Done.stop_reason`` becomes ``tool_use`` when a call was
parsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

from playground.events import (
    Done,
    Error,
    StopReason,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
)
from playground.request import (
    ChatRequest,
    ContentPart,
    Message,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
    ToolSpec,
)

OPEN_TAG = "<tool_call>"
CLOSE_TAG = "</tool_call>"

_INSTRUCTIONS = """\
# Tools

You can call the tools below. To call one, write exactly one line of the form

<tool_call>{{"name": "TOOL_NAME", "arguments": {{...}}}}</tool_call>

with the arguments as a JSON object matching the tool's parameters. You may call several
tools, one tag each. After your tool calls, stop and wait: each result comes back in a
<tool_result name="TOOL_NAME"> tag. Do not invent results. If no tool is needed, answer
normally without any tag.

Available tools (JSON Schema of the arguments):
{tools}"""


def tools_system_prompt(tools: Sequence[ToolSpec]) -> str:
    """The system-prompt section that describes ``tools`` and the ``<tool_call>`` protocol."""
    listing = "\n".join(
        json.dumps(
            {"name": t.name, "description": t.description, "parameters": t.parameters},
            ensure_ascii=False,
        )
        for t in tools
    )
    return _INSTRUCTIONS.format(tools=listing)


def render_tool_call(name: str, arguments: dict[str, Any]) -> str:
    """One call in the prompt notation."""
    payload = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    return f"{OPEN_TAG}{payload}{CLOSE_TAG}"


def render_tool_result(part: ToolResultPart) -> str:
    """One result in the prompt notation."""
    error = ' error="true"' if part.is_error else ""
    return f'<tool_result name="{part.name}"{error}>{part.content}</tool_result>'


def prompted_request(request: ChatRequest) -> ChatRequest:
    """A copy of ``request`` with the tools in the system prompt instead of the API fields.

    Assistant tool calls become ``<tool_call>`` text, tool results become user turns with
    ``<tool_result>`` text (consecutive turns of one role are merged), and earlier thinking is
    dropped (it cannot be replayed as text). A request without tools is returned unchanged.
    """
    if not request.tools:
        return request
    section = tools_system_prompt(request.tools)
    system = f"{request.system}\n\n{section}" if request.system else section
    messages: list[Message] = []
    for message in request.messages:
        role = "user" if message.role == "tool" else message.role
        parts = [_as_text_part(p) for p in message.parts if not isinstance(p, ThinkingPart)]
        if messages and messages[-1].role == role:
            messages[-1] = Message(role, _join_text(messages[-1].parts + parts))
        else:
            messages.append(Message(role, _join_text(parts)))
    return replace(
        request,
        system=system,
        tools=[],
        messages=messages,
        body_overrides=dict(request.body_overrides),
    )


def _as_text_part(part: ContentPart) -> ContentPart:
    if isinstance(part, ToolCallPart):
        return TextPart(render_tool_call(part.name, part.arguments))
    if isinstance(part, ToolResultPart):
        return TextPart(render_tool_result(part))
    return part


def _join_text(parts: list[ContentPart]) -> list[ContentPart]:
    """Merge adjacent text parts with a newline (images stay where they are)."""
    out: list[ContentPart] = []
    for part in parts:
        if isinstance(part, TextPart) and out and isinstance(out[-1], TextPart):
            out[-1] = TextPart(f"{out[-1].text}\n{part.text}")
        else:
            out.append(part)
    return out


# --- parsing the model's answer -------------------------------------------------------------

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_NAME = re.compile(r'"name"\s*:\s*"([^"]*)"')


class PromptedToolParser:
    """Turns ``<tool_call>{json}</tool_call>`` in streamed text into tool-call events.

    Feed every event of a stream to :meth:`feed` (or wrap the stream with :meth:`wrap`);
    non-text events pass through, after any text held back while a tag might be starting.
    """

    def __init__(self, id_prefix: str = "call_prompted_") -> None:
        self._id_prefix = id_prefix
        self._buffer = ""
        self._inside = False
        self._calls = 0

    @property
    def calls(self) -> int:
        """How many tool calls were parsed so far."""
        return self._calls

    def feed(self, event: StreamEvent) -> list[StreamEvent]:
        """The events that ``event`` turns into (possibly none while a tag is open)."""
        if isinstance(event, TextDelta):
            return self._feed_text(event.text)
        if isinstance(event, Done):
            out = self.flush()
            if self._calls and event.stop_reason is StopReason.STOP:
                event = replace(event, stop_reason=StopReason.TOOL_USE)
            return [*out, event]
        if isinstance(event, Error):
            return [*self.flush(), event]
        return [event]

    def flush(self) -> list[StreamEvent]:
        """Emit whatever is held back (end of stream): an unclosed call or plain text."""
        text, self._buffer = self._buffer, ""
        if not text:
            return []
        if self._inside:
            self._inside = False
            call = self._parse_call(text)
            if call is not None:
                return call
            return [TextDelta(text=OPEN_TAG + text)]
        return [TextDelta(text=text)]

    async def wrap(self, stream: AsyncIterator[StreamEvent]) -> AsyncIterator[StreamEvent]:
        """Parse a whole stream."""
        done = False
        async for event in stream:
            done = done or isinstance(event, Done | Error)
            for out in self.feed(event):
                yield out
        if not done:
            for out in self.flush():
                yield out

    # internals

    def _feed_text(self, text: str) -> list[StreamEvent]:
        self._buffer += text
        out: list[StreamEvent] = []
        while True:
            if self._inside:
                end = self._buffer.find(CLOSE_TAG)
                if end < 0:
                    return out
                body = self._buffer[:end]
                self._buffer = self._buffer[end + len(CLOSE_TAG) :]
                self._inside = False
                out.extend(self._parse_call(body) or [TextDelta(text=OPEN_TAG + body + CLOSE_TAG)])
                continue
            start = self._buffer.find(OPEN_TAG)
            if start >= 0:
                if start:
                    out.append(TextDelta(text=self._buffer[:start]))
                self._buffer = self._buffer[start + len(OPEN_TAG) :]
                self._inside = True
                continue
            keep = _partial_tag_suffix(self._buffer, OPEN_TAG)
            ready = self._buffer[: len(self._buffer) - keep]
            if ready:
                out.append(TextDelta(text=ready))
            self._buffer = self._buffer[len(ready) :]
            return out

    def _parse_call(self, body: str) -> list[StreamEvent] | None:
        """Events for one call body, or None when it is not a call at all (no name)."""
        raw = body.strip()
        fenced = _FENCE.match(raw)
        if fenced:
            raw = fenced.group(1)
        name, arguments, error = _decode_call(raw)
        if name is None:
            return None
        index = self._calls
        self._calls += 1
        call_id = f"{self._id_prefix}{index}"
        fragment = json.dumps(arguments, ensure_ascii=False) if error is None else raw
        return [
            ToolCallStart(index=index, id=call_id, name=name),
            ToolCallDelta(index=index, id=call_id, arguments_fragment=fragment),
            ToolCallEnd(
                index=index,
                id=call_id,
                name=name,
                arguments=arguments if error is None else {},
                raw_arguments=fragment,
                parse_error=error,
            ),
        ]


def _decode_call(raw: str) -> tuple[str | None, dict[str, Any], str | None]:
    """``(name, arguments, parse_error)``; name is None when the body names no tool."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        named = _NAME.search(raw)
        if named is None:
            return None, {}, None
        return named.group(1), {}, f"invalid JSON in tool call: {exc.msg}"
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None, {}, None
    args: Any = next(
        (data[k] for k in ("arguments", "parameters", "args", "input") if k in data), {}
    )
    if isinstance(args, str):  # some models stringify the arguments
        try:
            args = json.loads(args) if args.strip() else {}
        except json.JSONDecodeError as exc:
            return data["name"], {}, f"invalid JSON in tool call arguments: {exc.msg}"
    if not isinstance(args, dict):
        return data["name"], {}, "tool call arguments are not a JSON object"
    return data["name"], args, None


def _partial_tag_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0
