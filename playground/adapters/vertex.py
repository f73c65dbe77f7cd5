"""Gemini on Google Vertex AI: ``…/publishers/google/models/{m}:streamGenerateContent?alt=sse``.

Vertex speaks the Gemini API's generateContent body and SSE stream unchanged, so the body
builder and the parser are :mod:`playground.adapters.gemini`'s; only the address (project,
location) and the credential (an OAuth access token as a bearer, never an API key header)
differ. Errors arrive in Google's ``{"error": {"code", "message", "status"}}`` shape, often
wrapped in a JSON array, which :mod:`playground.adapters.errors` already reads.
"""

from __future__ import annotations

from playground.adapters.gemini import GeminiParser, build_body
from playground.adapters.vertex_transport import vertex_stream, vertex_url
from playground.endpoint import Endpoint


def stream_url(endpoint: Endpoint) -> str:
    """The streamGenerateContent URL of ``endpoint`` (SSE)."""
    return vertex_url(endpoint, "google", "streamGenerateContent") + "?alt=sse"


stream = vertex_stream(url=stream_url, body=build_body, parser=lambda e: GeminiParser(e.limits))
"""Stream one Vertex generateContent request as unified events (never raises)."""
