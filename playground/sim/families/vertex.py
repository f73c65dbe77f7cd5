"""Google Vertex AI as the simulator serves it: Gemini and Claude behind Google's front end.

``POST /vertex/v1/projects/P/locations/L/publishers/google/models/{m}:streamGenerateContent``
streams exactly what the Gemini family streams; ``…/publishers/anthropic/models/{m}:
streamRawPredict`` streams Messages SSE for a body that carries
``"anthropic_version": "vertex-2023-10-16"`` instead of a model. Both want an OAuth access
token as a bearer (none at all is accepted, as by every simulated family): Google's front
end answers a refused token, a permission or
quota failure and an unknown model in Google's ``{"error": {"code", "message", "status"}}``
shape (as a one-element array for the Gemini methods), while the model's own failures
(overloaded, context length, in-stream errors) keep each publisher's shape.
"""

from __future__ import annotations

from collections.abc import Mapping

from playground.sim.conversation import Conversation
from playground.sim.families.anthropic import AnthropicFamily
from playground.sim.families.base import (
    BadRequest,
    ErrorReply,
    Exchange,
    JsonObject,
    bearer_token,
    is_rejected_key,
    retry_headers,
)
from playground.sim.families.gemini import GeminiFamily

VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16"
_GOOGLE_FRONT_END = {
    "401": (
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
    ),
    "403": (
        403,
        "PERMISSION_DENIED",
        "Permission 'aiplatform.endpoints.predict' denied on resource (or it may not exist).",
    ),
    "429": (
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_"
        "per_project_per_base_model with base model: {model}. Please submit a quota increase "
        "request.",
    ),
    "404": (
        404,
        "NOT_FOUND",
        "Publisher Model `{model}` was not found or your project does not have access to it.",
    ),
}


def google_error(
    kind: str, exchange: Exchange, retry_after: float | None, *, as_array: bool
) -> ErrorReply | None:
    """The front end's error for ``kind`` (None when the model itself would answer)."""
    known = _GOOGLE_FRONT_END.get(kind)
    if known is None:
        return None
    status, code, message = known
    error = {"code": status, "message": message.format(model=exchange.model_id), "status": code}
    body: JsonObject | list[JsonObject] = [{"error": error}] if as_array else {"error": error}
    return ErrorReply(status, body, retry_headers(status, retry_after))


def _token_problem(exchange: Exchange) -> str | None:
    """Like every simulated family, no token is fine (``auth = "none"``); a refused one is not."""
    token = exchange.credential
    return "401" if token and is_rejected_key(token) else None


class _GoogleFrontEnd:
    """What both publishers share: an OAuth bearer, checked by Google's front end."""

    errors_as_array = False
    """Whether the front end wraps its error in a JSON array (streamGenerateContent does)."""

    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_token(headers)

    def auth_error(self, exchange: Exchange) -> ErrorReply | None:
        problem = _token_problem(exchange)
        return None if problem is None else self.error(problem, exchange)

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        """Google's front-end error for ``kind``, else the publisher's own."""
        front = google_error(kind, exchange, retry_after, as_array=self.errors_as_array)
        if front is not None:
            return front
        return super().error(kind, exchange, retry_after=retry_after, detail=detail)  # type: ignore[misc]


class VertexGeminiFamily(_GoogleFrontEnd, GeminiFamily):
    """Gemini's wire format behind Vertex's address and bearer tokens."""

    name = "vertex"
    errors_as_array = True

    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        """The live check's ``ListEndpoints`` answer: a project without deployed endpoints
        (proto3 JSON leaves the empty list out)."""
        return {}


class VertexAnthropicFamily(_GoogleFrontEnd, AnthropicFamily):
    """Messages SSE for Vertex's rawPredict body, behind Google's front end."""

    name = "vertex-anthropic"

    def parse(self, body: JsonObject) -> Conversation:
        version = body.get("anthropic_version")
        if version != VERTEX_ANTHROPIC_VERSION:
            raise BadRequest(
                f"anthropic_version: Input should be '{VERTEX_ANTHROPIC_VERSION}'"
                if version
                else "anthropic_version: Field required"
            )
        # The model travels in the URL; the Messages checks want it in the body.
        return super().parse({**body, "model": body.get("model") or "vertex"})
