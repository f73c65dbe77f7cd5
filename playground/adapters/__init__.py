"""One module per wire protocol, plus the shared SSE / NDJSON decoders.

``get_stream(protocol)`` returns the protocol's ``stream`` function; modules are imported
lazily so importing this package stays cheap (no httpx on the CLI start-up path).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from playground.endpoint import Protocol

if TYPE_CHECKING:
    from playground.events import StreamEvent

StreamFn = Callable[..., AsyncIterator["StreamEvent"]]
"""``stream(request: ChatRequest, endpoint: Endpoint, client: httpx.AsyncClient, *,
timeout: httpx.Timeout | None = None) -> AsyncIterator[StreamEvent]``."""

_MODULES = {
    Protocol.OPENAI: "openai_chat",
    Protocol.AZURE_OPENAI: "openai_chat",
    Protocol.ANTHROPIC: "anthropic_messages",
    Protocol.GEMINI: "gemini",
    Protocol.OLLAMA: "ollama",
    Protocol.OPENAI_RESPONSES: "openai_responses",
    Protocol.BEDROCK: "bedrock",
    Protocol.VERTEX: "vertex",
    Protocol.VERTEX_ANTHROPIC: "vertex_anthropic",
}


def get_stream(protocol: Protocol | str) -> StreamFn:
    """The ``stream`` async generator function of ``protocol``'s adapter."""
    name = _MODULES.get(Protocol(protocol))
    if name is None:  # pragma: no cover - every Protocol member is mapped
        raise ValueError(f"no adapter for protocol {protocol!r}")
    module: Any = import_module(f"playground.adapters.{name}")
    return module.stream


__all__ = ["StreamFn", "get_stream"]
