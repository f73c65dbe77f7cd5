"""Catalog record types shared by the catalog, credentials, resolution and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.endpoint import AuthKind, Protocol


@dataclass(frozen=True, slots=True)
class KeyFormat:
    """A known key shape: a regex and a human name used in "this looks like …" hints.

    ``auth_kind`` says how a key of this shape is sent (an Anthropic ``sk-ant-oat01-`` token
    is an OAuth bearer token, not an API key).
    """

    pattern: str
    description: str
    auth_kind: AuthKind = AuthKind.API_KEY


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    """A provider: how to reach it, authenticate, and check a key.

    ``key_check_path`` is relative to ``base_url`` (``/models``); ``local`` providers run on
    the user's machine and are probed rather than keyed (``default_port`` for the probe).
    """

    slug: str
    name: str
    protocol: Protocol
    base_url: str
    aliases: tuple[str, ...] = ()
    env_vars: tuple[str, ...] = ()
    auth_kinds: tuple[AuthKind, ...] = (AuthKind.API_KEY,)
    key_formats: tuple[KeyFormat, ...] = ()
    key_check_path: str | None = None
    local: bool = False
    simulated: bool = False
    docs_url: str | None = None
    prefix_families: tuple[str, ...] = ()
    default_port: int | None = None


@dataclass(frozen=True, slots=True)
class ThinkingOptions:
    """What a model accepts for reasoning control.

    ``style`` is one of: ``none`` (no thinking), ``always`` (always on, not controllable),
    ``toggle`` (on/off only), ``effort`` (named efforts in ``efforts``), ``budget``
    (token budget between ``budget_min`` and ``budget_max``), ``adaptive`` (Anthropic
    adaptive thinking with effort), ``level`` (Gemini 3 ``thinkingLevel`` in ``efforts``).
    ``can_disable`` is False when thinking cannot be turned off (OpenAI o-series, Gemini 2.5
    Pro, Gemini 3): the level ``off`` is then clamped to the lowest setting, visibly.
    """

    style: str = "none"
    efforts: tuple[str, ...] = ()
    budget_min: int | None = None
    budget_max: int | None = None
    default_on: bool = False
    can_disable: bool = True


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per million tokens; None where unknown."""

    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None
    reasoning: float | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model of a provider. Flags are None when unknown (a model not in the catalog)."""

    provider: str
    id: str
    name: str
    context_window: int | None = None
    max_output: int | None = None
    tools: bool | None = None
    vision: bool | None = None
    thinking: bool | None = None
    thinking_options: ThinkingOptions = field(default_factory=ThinkingOptions)
    prices: Prices = field(default_factory=Prices)
    fallbacks: tuple[str, ...] = ()
    known: bool = True

    @property
    def spec(self) -> str:
        """``provider/model`` as the user writes it."""
        return f"{self.provider}/{self.id}"
