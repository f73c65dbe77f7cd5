"""Assembling streamed tool calls: argument fragments in, parsed ``ToolCallEnd`` out."""

from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

from playground.adapters.errors import LimitExceeded
from playground.endpoint import DEFAULT_LIMITS
from playground.events import ToolCallDelta, ToolCallEnd, ToolCallStart

KeyT = TypeVar("KeyT")


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


def too_many_argument_bytes(name: str, limit: int) -> LimitExceeded:
    """The error for a tool call whose arguments outgrew ``limit``."""
    return LimitExceeded(
        f"the arguments of tool call {name or '(unnamed)'!r} grew past {limit:,} bytes; "
        "stopped reading (raise [reliability] max_tool_arguments_bytes if this is expected)"
    )


def checked_arguments(name: str, raw_arguments: str, limit: int) -> str:
    """``raw_arguments`` of a call sent whole; raises ``LimitExceeded`` when over ``limit``."""
    if len(raw_arguments) > limit:
        raise too_many_argument_bytes(name, limit)
    return raw_arguments


class PendingCall:
    """A tool call whose argument fragments are still arriving (at most ``limit`` chars)."""

    __slots__ = ("fragments", "id", "index", "limit", "name", "size")

    def __init__(
        self,
        index: int,
        call_id: str,
        name: str,
        limit: int = DEFAULT_LIMITS.max_tool_arguments_bytes,
    ) -> None:
        self.index = index
        self.id = call_id
        self.name = name
        self.fragments: list[str] = []
        self.size = 0
        self.limit = limit

    def add(self, fragment: str) -> ToolCallDelta:
        """Record one argument fragment and return its event.

        Raises :class:`~playground.adapters.errors.LimitExceeded` past the size limit.
        """
        self.size += len(fragment)
        if self.size > self.limit:
            raise too_many_argument_bytes(self.name, self.limit)
        self.fragments.append(fragment)
        return ToolCallDelta(self.index, self.id, fragment)

    def end(self, raw_arguments: str | None = None) -> ToolCallEnd:
        """The finished call: ``raw_arguments`` if the wire sent them whole, else the fragments."""
        if raw_arguments is None:
            raw_arguments = "".join(self.fragments)
        elif len(raw_arguments) > self.limit:
            raise too_many_argument_bytes(self.name, self.limit)
        return tool_call_end(self.index, self.id, self.name, raw_arguments)


class OpenCalls(Generic[KeyT]):
    """Tool calls being streamed, keyed by the handle the wire uses for them.

    Output indexes count the calls in the order they started (``count`` is the next one);
    each call's arguments may grow to ``max_argument_bytes``.
    """

    __slots__ = ("_limit", "_open", "count")

    def __init__(self, max_argument_bytes: int = DEFAULT_LIMITS.max_tool_arguments_bytes) -> None:
        self._open: dict[KeyT, PendingCall] = {}
        self._limit = max_argument_bytes
        self.count = 0

    def start(self, key: KeyT, call_id: str, name: str, arguments: str = "") -> ToolCallStart:
        """Open a call under ``key`` and return its start event.

        ``arguments`` is argument text that came with the start itself (it gets no delta).
        """
        call = PendingCall(self.count, call_id, name, self._limit)
        if arguments:
            call.size = len(arguments)
            if call.size > self._limit:
                raise too_many_argument_bytes(name, self._limit)
            call.fragments.append(arguments)
        self.count += 1
        self._open[key] = call
        return ToolCallStart(call.index, call.id, call.name)

    def get(self, key: KeyT) -> PendingCall | None:
        """The open call under ``key``, if any."""
        return self._open.get(key)

    def end(self, key: KeyT, raw_arguments: str | None = None) -> ToolCallEnd | None:
        """Finish the call under ``key`` (see :meth:`PendingCall.end`); None if none is open."""
        call = self._open.pop(key, None)
        return None if call is None else call.end(raw_arguments)

    def close_all(self) -> list[ToolCallEnd]:
        """Finish every open call (at the end of the answer or of the stream), in order."""
        if not self._open:
            return []
        calls = sorted(self._open.values(), key=lambda c: c.index)
        self._open.clear()
        return [c.end() for c in calls]


class ToolCallAccumulator(OpenCalls[int]):
    """Tracks OpenAI-style tool calls keyed by the wire ``index`` (parallel calls)."""

    __slots__ = ()

    def update(
        self, wire_index: int, call_id: str | None, name: str | None, fragment: str | None
    ) -> list[ToolCallStart | ToolCallDelta | ToolCallEnd]:
        """Apply one ``tool_calls[]`` delta and return the events it implies."""
        out: list[ToolCallStart | ToolCallDelta | ToolCallEnd] = []
        call = self._open.get(wire_index)
        if call is not None and call_id and call_id != call.id and call.fragments:
            # A server that numbers every whole call 0: the previous call is complete.
            out.append(self._open.pop(wire_index).end())
            call = None
        if call is None:
            if not call_id and not name and not fragment:
                return out
            out.append(self.start(wire_index, call_id or f"call_{self.count}", name or ""))
            call = self._open[wire_index]
        elif name and not call.name:
            call.name = name
        if fragment:
            out.append(call.add(fragment))
        return out
