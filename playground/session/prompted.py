"""Prompt-guided tool calls for models without native tool calling (session side).

The request's tools move into the system prompt (``playground.tools.prompted``) and the
``<tool_call>{json}</tool_call>`` blocks in the answer are parsed back into the same
tool-call events a native model would produce.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from playground.endpoint import Endpoint
from playground.events import Done, StopReason, StreamEvent, TextDelta, ToolCallEnd
from playground.request import ChatRequest


async def prompted_stream(
    adapter: Any, request: ChatRequest, endpoint: Endpoint, client: Any, timeout: Any
) -> AsyncIterator[StreamEvent]:
    """Run ``adapter`` with prompt-guided tools and translate its text back into tool calls."""
    from playground.tools.prompted import PromptedToolParser, prompted_request

    parser = PromptedToolParser()
    called = False
    async for event in adapter(prompted_request(request), endpoint, client, timeout=timeout):
        kind = type(event)
        if kind is TextDelta:
            for parsed in parser.feed(event.text):  # type: ignore[union-attr]
                called = called or type(parsed) is ToolCallEnd
                yield parsed
            continue
        if kind is Done:
            for parsed in parser.finish():
                called = called or type(parsed) is ToolCallEnd
                yield parsed
            if called:
                event = Done(stop_reason=StopReason.TOOL_USE)
        yield event
