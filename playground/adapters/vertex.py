"""Gemini on Google Vertex AI: ``…/publishers/google/models/{m}:streamGenerateContent?alt=sse``.

Vertex speaks the Gemini API's generateContent body and SSE stream unchanged, so the body
builder and the parser are :mod:`playground.adapters.gemini`'s; only the address (project,
location) and the credential (an OAuth access token as a bearer, never an API key header)
differ. Errors arrive in Google's ``{"error": {"code", "message", "status"}}`` shape, often
wrapped in a JSON array, which :mod:`playground.adapters.errors` already reads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING

from playground.adapters.gemini import GeminiParser, build_body
from playground.adapters.vertex_transport import stream_via_vertex, vertex_url
from playground.endpoint import Endpoint
from playground.events import StreamEvent
from playground.request import ChatRequest

if TYPE_CHECKING:
    import httpx


def stream_url(endpoint: Endpoint) -> str:
    """The streamGenerateContent URL of ``endpoint`` (SSE)."""
    return vertex_url(endpoint, "google", "streamGenerateContent") + "?alt=sse"


async def stream(
    request: ChatRequest,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[StreamEvent]:
    """Stream one Vertex generateContent request as unified events (never raises)."""
    events = stream_via_vertex(
        request,
        endpoint,
        client,
        timeout,
        url=stream_url,
        body=build_body,
        parser=lambda e: GeminiParser(e.limits),
    )
    async with aclosing(events):
        async for event in events:
            yield event
