"""Where a request goes: one provider model behind one URL with one credential.

An :class:`Endpoint` is everything an adapter needs to send a request. A :class:`Candidate`
groups the endpoints that serve the same provider model with different keys (key rotation);
a fallback chain is a list of candidates, walked by the reliability router.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from playground.secret import Secret


class Protocol(StrEnum):
    """Wire protocol families (the ``protocol`` values accepted in config)."""

    OPENAI = "openai"  # Chat Completions and every OpenAI-compatible server
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    OLLAMA = "ollama"
    OPENAI_RESPONSES = "openai-responses"
    AZURE_OPENAI = "azure-openai"


class AuthKind(StrEnum):
    """How a credential is sent."""

    API_KEY = "api_key"
    OAUTH_TOKEN = "oauth_token"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A provider model reachable at ``base_url`` with one credential.

    ``base_url`` follows each official SDK's convention (see DESIGN, "Headless CLI").
    ``key_source`` is a human label of where the key came from ("env OPENAI_API_KEY").
    ``options`` carries protocol extras such as Azure's ``api_version``.
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

    @property
    def label(self) -> str:
        """``provider/model`` as the user writes it."""
        return f"{self.provider}/{self.model}"

    @property
    def masked_key(self) -> str | None:
        """The masked key, or None when there is no key."""
        return self.api_key.masked if self.api_key else None


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
