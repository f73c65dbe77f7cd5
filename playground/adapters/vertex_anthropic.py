"""Claude on Google Vertex AI: ``…/publishers/anthropic/models/{m}:streamRawPredict``.

The body is the Messages API body with the model moved into the URL and
``"anthropic_version": "vertex-2023-10-16"`` in place of the ``anthropic-version`` header;
the stream is Messages SSE, read by :class:`playground.adapters.anthropic_messages.
MessagesParser`. The credential is an OAuth access token (bearer) for Google Cloud.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from playground.adapters import anthropic_messages
from playground.adapters.anthropic_messages import MessagesParser
from playground.adapters.vertex_transport import stream_via_vertex, vertex_url
from playground.endpoint import Endpoint
from playground.events import StreamEvent
from playground.request import ChatRequest

if TYPE_CHECKING:
    import httpx

VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16"


def stream_url(endpoint: Endpoint) -> str:
    """The streamRawPredict URL of ``endpoint``."""
    return vertex_url(endpoint, "anthropic", "streamRawPredict")


def build_body(request: ChatRequest, endpoint: Endpoint) -> dict[str, Any]:
    """The Messages body without ``model`` and with Vertex's ``anthropic_version``."""
    body = anthropic_messages.build_body(request, endpoint)
    body.pop("model", None)
    body["anthropic_version"] = VERTEX_ANTHROPIC_VERSION
    return body


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one Claude-on-Vertex request as unified events (never raises)."""
    events = stream_via_vertex(
        request,
        endpoint,
        client,
        timeout,
        url=stream_url,
        body=build_body,
        parser=lambda e: MessagesParser(e.limits),
    )
    async with aclosing(events):
        async for event in events:
            yield event
