"""Assembling streamed tool calls: argument fragments in, parsed ``ToolCallEnd`` out."""

from __future__ import annotations

import json
from typing import Any

from playground.events import ToolCallDelta, ToolCallEnd, ToolCallStart


def tool_call_end(index: int, call_id: str, name: str, raw_arguments: str) -> ToolCallEnd:
    """A finished call; invalid JSON keeps ``raw_arguments`` and sets ``parse_error``."""
    text = raw_arguments.strip()
    if not text:
        return ToolCallEnd(index, call_id, name, {}, raw_arguments)
    try:
        arguments: Any = json.loads(text)
    except ValueError as exc:
        return ToolCallEnd(index, call_id, name, {}, raw_arguments, f"invalid JSON: {exc}")
    if not isinstance(arguments, dict):
        return ToolCallEnd(
            index, call_id, name, {}, raw_arguments, "arguments are not a JSON object"
        )
    return ToolCallEnd(index, call_id, name, arguments, raw_arguments)


class _Call:
    __slots__ = ("fragments", "id", "index", "name")

    def __init__(self, index: int, call_id: str, name: str) -> None:
        self.index = index
        self.id = call_id
        self.name = name
        self.fragments: list[str] = []


class ToolCallAccumulator:
    """Tracks OpenAI-style tool calls keyed by the wire ``index`` (parallel calls)."""

    __slots__ = ("_open", "count")

    def __init__(self) -> None:
        self._open: dict[int, _Call] = {}
        self.count = 0  # calls started so far; also the next output index

    def update(
        self, wire_index: int, call_id: str | None, name: str | None, fragment: str | None
    ) -> list[ToolCallStart | ToolCallDelta | ToolCallEnd]:
        """Apply one ``tool_calls[]`` delta and return the events it implies."""
        out: list[ToolCallStart | ToolCallDelta | ToolCallEnd] = []
        call = self._open.get(wire_index)
        if call is not None and call_id and call_id != call.id and call.fragments:
            # A server that numbers every whole call 0: the previous call is complete.
            out.append(self._close(wire_index))
            call = None
        if call is None:
            if not call_id and not name and not fragment:
                return out
            call = _Call(self.count, call_id or f"call_{self.count}", name or "")
            self.count += 1
            self._open[wire_index] = call
            out.append(ToolCallStart(call.index, call.id, call.name))
        elif name and not call.name:
            call.name = name
        if fragment:
            call.fragments.append(fragment)
            out.append(ToolCallDelta(call.index, call.id, fragment))
        return out

    def _close(self, wire_index: int) -> ToolCallEnd:
        call = self._open.pop(wire_index)
        return tool_call_end(call.index, call.id, call.name, "".join(call.fragments))

    def close_all(self) -> list[ToolCallEnd]:
        """Finish every open call (at ``finish_reason`` or end of stream), in order."""
        if not self._open:
            return []
        ordered = sorted(self._open, key=lambda k: self._open[k].index)
        return [self._close(k) for k in ordered]
