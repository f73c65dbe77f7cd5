"""Prompt-guided tool calls for models without native tool calling (session side).

The request's tools move into the system prompt (``playground.tools.prompted``) and the
``<tool_call>{json}</tool_call>`` blocks in the answer are parsed back into the same
tool-call events a native model would produce.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from playground.endpoint import Endpoint
from playground.events import StreamEvent
from playground.request import ChatRequest


def prompted_stream(
    adapter: Any, request: ChatRequest, endpoint: Endpoint, client: Any, timeout: Any
) -> AsyncIterator[StreamEvent]:
    """Run ``adapter`` with prompt-guided tools and translate its text back into tool calls."""
    from playground.tools.prompted import PromptedToolParser, prompted_request

    stream = adapter(prompted_request(request), endpoint, client, timeout=timeout)
    return PromptedToolParser().wrap(stream)
