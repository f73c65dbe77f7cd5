"""The configuration schema (pydantic). Unknown keys are errors so typos are caught.

Example::

    [defaults]
    panes = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"]
    thinking = "medium"

    [providers.openai]
    api_key = "${OPENAI_API_KEY}"

    [providers.local]
    protocol = "openai"
    base_url = "http://127.0.0.1:8080/v1"
    auth = "none"

    [routes.fast]
    models = ["groq/llama-3.3-70b-versatile", "cerebras/llama-3.3-70b"]

    [reliability]
    retries = 2
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from playground.endpoint import DEFAULT_LIMITS, AuthKind, Protocol
from playground.events import ErrorKind
from playground.request import ThinkingLevel


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ModelConfig(_Strict):
    """Adds a model to a provider or overrides catalog fields of an existing one.

    ``reasoning`` is another name for ``thinking`` (the public model database's word).
    """

    name: str | None = None
    context_window: int | None = Field(None, gt=0)
    max_output: int | None = Field(None, gt=0)
    tools: bool | None = None
    vision: bool | None = None
    thinking: bool | None = None
    reasoning: bool | None = None
    thinking_efforts: list[str] | None = None
    thinking_budget_min: int | None = None
    thinking_budget_max: int | None = None
    thinking_always_on: bool | None = None
    price_input: float | None = None
    price_output: float | None = None
    price_cache_read: float | None = None
    price_cache_write: float | None = None
    price_reasoning: float | None = None
    fallbacks: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reasoning_means_thinking(self) -> ModelConfig:
        if self.reasoning is not None:
            if self.thinking is not None and self.thinking != self.reasoning:
                raise ValueError("reasoning and thinking disagree: set only one of them")
            self.thinking = self.reasoning
        return self


class ProviderConfig(_Strict):
    """Adds a provider or overrides a built-in one (``[providers.NAME]``)."""

    protocol: Protocol | None = None
    base_url: str | None = None
    api_key: str | None = None
    api_keys: list[str] = Field(default_factory=list)
    auth: AuthKind | None = None
    env: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    api_version: str | None = None
    region: str | None = None  # Bedrock: AWS region (else AWS_REGION / the profile's)
    profile: str | None = None  # Bedrock: AWS shared-config profile for SigV4 credentials
    project: str | None = None  # Vertex AI: Google Cloud project (else GOOGLE_CLOUD_PROJECT)
    location: str | None = None  # Vertex AI: region or "global" (else GOOGLE_CLOUD_LOCATION)
    models: dict[str, ModelConfig] = Field(default_factory=dict)
    fallbacks: list[str] = Field(default_factory=list)


class RouteConfig(_Strict):
    """A named fallback chain, selectable like a model (``-m NAME``)."""

    models: list[str]


ErrorAction = Literal["retry", "rotate_key", "fallback", "stop"]


class ReliabilityConfig(_Strict):
    """Retry, fallback and deadline policy (``[reliability]``)."""

    retries: int = Field(2, ge=0, le=20)
    backoff_base_s: float = Field(0.5, gt=0)
    backoff_max_s: float = Field(8.0, gt=0)
    connect_timeout_s: float = Field(10.0, gt=0)
    first_byte_timeout_s: float = Field(60.0, gt=0)
    first_token_timeout_s: float = Field(90.0, gt=0)
    idle_timeout_s: float = Field(60.0, gt=0)
    total_timeout_s: float = Field(600.0, gt=0)
    cooldown_s: float = Field(30.0, ge=0)
    breaker_failures: int = Field(5, ge=1)
    breaker_reset_s: float = Field(30.0, gt=0)
    fallback_after_output: bool = True
    actions: dict[str, ErrorAction] = Field(default_factory=dict)
    # Size caps against hostile or broken servers (bytes): one SSE event / NDJSON line, and
    # the arguments of one streamed tool call. Defaults: 16 MiB and 1 MiB.
    max_event_bytes: int = Field(DEFAULT_LIMITS.max_event_bytes, ge=1024)
    max_tool_arguments_bytes: int = Field(DEFAULT_LIMITS.max_tool_arguments_bytes, ge=1024)

    @field_validator("actions")
    @classmethod
    def _known_error_kinds(cls, actions: dict[str, ErrorAction]) -> dict[str, ErrorAction]:
        known = {kind.value for kind in ErrorKind}
        unknown = sorted(set(actions) - known)
        if unknown:
            raise ValueError(
                f"unknown error kind {unknown[0]!r}; known: {', '.join(sorted(known))}"
            )
        return actions


class DefaultsConfig(_Strict):
    """What the app opens on and sends by default (``[defaults]``)."""

    panes: list[str] = Field(default_factory=list)
    thinking: ThinkingLevel = ThinkingLevel.OFF
    system: str | None = None
    max_tokens: int | None = None


class UiConfig(_Strict):
    """Look and keys of the TUI (``[ui]``)."""

    theme: str = "textual-dark"
    bindings: dict[str, str] = Field(default_factory=dict)
    restore_last_session: bool = True


class CatalogConfig(_Strict):
    """Where ``playground models --refresh`` fetches the model database (``[catalog]``)."""

    url: str | None = None


class Config(_Strict):
    """The whole configuration file."""

    defaults: DefaultsConfig = Field(default_factory=DefaultsConfig)
    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    routes: dict[str, RouteConfig] = Field(default_factory=dict)
    reliability: ReliabilityConfig = Field(default_factory=ReliabilityConfig)
    ui: UiConfig = Field(default_factory=UiConfig)
    catalog: CatalogConfig = Field(default_factory=CatalogConfig)
