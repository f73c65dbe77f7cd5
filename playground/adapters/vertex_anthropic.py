"""Claude on Google Vertex AI: ``…/publishers/anthropic/models/{m}:streamRawPredict``.

The body is the Messages API body with the model moved into the URL and
``"anthropic_version": "vertex-2023-10-16"`` in place of the ``anthropic-version`` header;
the stream is Messages SSE, read by :class:`playground.adapters.anthropic_messages.
MessagesParser`. The credential is an OAuth access token (bearer) for Google Cloud.
"""

from __future__ import annotations

from typing import Any

from playground.adapters import anthropic_messages
from playground.adapters.anthropic_messages import MessagesParser
from playground.adapters.vertex_transport import vertex_stream, vertex_url
from playground.endpoint import Endpoint
from playground.request import ChatRequest

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


stream = vertex_stream(url=stream_url, body=build_body, parser=lambda e: MessagesParser(e.limits))
"""Stream one Claude-on-Vertex request as unified events (never raises)."""
