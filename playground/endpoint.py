"""Where a request goes: one provider model behind one URL with one credential.

An :class:`Endpoint` is everything an adapter needs to send a request. A :class:`Candidate`
groups the endpoints that serve the same provider model with different keys (key rotation);
a fallback chain is a list of candidates, walked by the reliability router.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from playground.secret import Scrubber, Secret, is_secret_name, url_secrets


class Protocol(StrEnum):
    """Wire protocol families (the ``protocol`` values accepted in config)."""

    OPENAI = "openai"  # Chat Completions and every OpenAI-compatible server
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    OLLAMA = "ollama"
    OPENAI_RESPONSES = "openai-responses"
    AZURE_OPENAI = "azure-openai"
    BEDROCK = "bedrock"  # Amazon Bedrock Converse, AWS event-stream framing
    VERTEX = "vertex"  # Gemini on Google Vertex AI (generateContent, OAuth bearer)
    VERTEX_ANTHROPIC = "vertex-anthropic"  # Claude on Vertex AI (Messages via rawPredict)


class AuthKind(StrEnum):
    """How a credential is sent."""

    API_KEY = "api_key"
    OAUTH_TOKEN = "oauth_token"
    NONE = "none"


MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """Size caps that keep a hostile or broken server from exhausting memory.

    ``max_event_bytes`` bounds one SSE event or NDJSON line (decoded bytes, after gzip);
    ``max_tool_arguments_bytes`` bounds the arguments of one streamed tool call. Set from
    ``[reliability]`` ``max_event_bytes`` / ``max_tool_arguments_bytes``.
    """

    max_event_bytes: int = 16 * MIB
    max_tool_arguments_bytes: int = 1 * MIB


DEFAULT_LIMITS = StreamLimits()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A provider model reachable at ``base_url`` with one credential.

    ``base_url`` follows each official SDK's convention (see DESIGN, "Headless CLI").
    ``key_source`` is a human label of where the key came from ("env OPENAI_API_KEY").
    ``options`` carries protocol extras such as Azure's ``api_version``. ``limits`` caps what
    the adapter buffers (the router sets them from the reliability policy).
    """

    provider: str
    protocol: Protocol
    base_url: str
    model: str
    api_key: Secret | None = None
    auth_kind: AuthKind = AuthKind.API_KEY
    headers: Mapping[str, str] = field(default_factory=dict)
    key_source: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    limits: StreamLimits = DEFAULT_LIMITS

    @property
    def label(self) -> str:
        """``provider/model`` as the user writes it."""
        return f"{self.provider}/{self.model}"

    @property
    def masked_key(self) -> str | None:
        """The masked key, or None when there is no key."""
        return self.api_key.masked if self.api_key else None

    def secrets(self) -> list[str]:
        """Every credential a request to this endpoint carries: the key, secret-looking header
        values (``Authorization``, ``x-api-key``, ``Bearer …``) and a password or key in the URL."""
        found = [self.api_key.reveal()] if self.api_key else []
        for name, value in self.headers.items():
            scheme, _, token = value.partition(" ")
            if scheme.lower() in ("bearer", "basic", "token") and token:
                found.append(token.strip())
            if is_secret_name(name):
                found.append(value)
        found += url_secrets(self.base_url)
        return found


def scrubber_for(endpoints: Iterable[Endpoint]) -> Scrubber:
    """A :class:`~playground.secret.Scrubber` for every secret of ``endpoints``."""
    return Scrubber(secret for endpoint in endpoints for secret in endpoint.secrets())


@dataclass(frozen=True, slots=True)
class Candidate:
    """One hop of a fallback chain: a provider model with one or more keys to rotate."""

    label: str
    endpoints: tuple[Endpoint, ...]
    fallbacks: tuple[str, ...] = ()

    @property
    def provider(self) -> str:
        """The provider slug of this candidate."""
        return self.endpoints[0].provider
