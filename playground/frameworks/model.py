"""The neutral description every framework reader returns.

A reader turns one framework's files into a :class:`FrameworkReport`: which agents exist, the
model chain each would use (as our ``provider/model`` specs), where every key came from, and
what looks wrong. Nothing here holds a revealed key: secrets are :class:`Secret` values, so
``repr``/``str`` of any of these objects show only masked keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from playground.endpoint import AuthKind
from playground.request import ThinkingLevel
from playground.secret import Secret


@dataclass(frozen=True, slots=True)
class FrameworkKey:
    """One credential the framework would use for ``provider``.

    ``secret`` is None when the key is present but locked (``locked`` is then True and
    ``unlock_hint`` says what would unlock it) or when the config only names a source that is
    not available here (an unset env var, a command we never run). ``scheme`` and ``sealed``
    keep what :func:`playground.frameworks.unlock_key` needs (``"picoclaw-enc"`` and the
    ``enc://`` blob); ``key_file`` is the local key material such a scheme uses.
    """

    provider: str
    secret: Secret | None
    source_label: str
    locked: bool = False
    unlock_hint: str | None = None
    auth_kind: AuthKind = AuthKind.API_KEY
    scheme: str | None = None
    sealed: Secret | None = None
    key_file: Path | None = None

    @property
    def masked(self) -> str | None:
        """The masked key, or None when there is no usable key."""
        return self.secret.masked if self.secret else None

    def unlocked(self, secret: Secret, label_suffix: str = "decrypted") -> FrameworkKey:
        """A copy carrying the decrypted ``secret``."""
        return replace(
            self,
            secret=secret,
            locked=False,
            unlock_hint=None,
            source_label=f"{self.source_label} ({label_suffix})",
            auth_kind=auth_kind_for(secret.reveal(), self.auth_kind),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe view (masked key only)."""
        return {
            "provider": self.provider,
            "key": self.masked,
            "source": self.source_label,
            "locked": self.locked,
            "unlock_hint": self.unlock_hint,
            "auth_kind": str(self.auth_kind),
        }


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """How the framework reaches one provider: base URL, key reference, protocol extras.

    ``api_key_ref`` names where the key comes from (``"file://openai.key"``,
    ``"op://vault/item/field"``, ``"env GROQ_API_KEY"``, ``"inline"``) — never the key itself.
    """

    base_url: str | None = None
    api_key_ref: str | None = None
    protocol: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FrameworkWarning:
    """Something the user should know: a docs-vs-code difference, a setting that is ignored.

    ``agent`` is the affected agent (None: the whole framework); ``source`` is file:line or
    file + field.
    """

    message: str
    agent: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = f" ({self.source})" if self.source else ""
        return f"{self.message}{where}"


@dataclass(slots=True)
class SideModel:
    """A model an agent depends on besides its chat chain (voice, embeddings, thinking, a step).

    ``spec`` is our spec, or None when Playground cannot build one from files; ``declared`` is
    the framework's own spelling of the model; ``note`` says why no live check is possible
    (for instance a base URL kept only in a dashboard). ``keys`` are the keys the framework
    would send for it, in order.
    """

    purpose: str
    spec: str | None
    source: str
    declared: str | None = None
    keys: list[FrameworkKey] = field(default_factory=list)
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe view (masked keys only)."""
        return {
            "purpose": self.purpose,
            "model": self.spec or self.declared,
            "source": self.source,
            "keys": [k.to_dict() for k in self.keys],
            "note": self.note,
        }


@dataclass(slots=True)
class AgentInfo:
    """One agent: the model chain it would walk and everything needed to call it.

    ``model_chain`` holds our specs (``anthropic/claude-sonnet-4-5``, or
    ``custom:https://host/v1#model`` / ``anthropic-custom:…#model`` for base URLs that are not
    the provider's default); ``model_chain[0]`` is the primary. ``fallbacks`` is the rest of
    the chain as the framework names it (model names/aliases). ``keys`` maps each spec in the
    chain to the keys, in order, that the framework would send for it; ``hops`` (when set, one
    list per chain position) is the same per position, for chains where one spec appears twice
    with different keys. ``models`` holds other models the agent uses for side roles
    (planning, executor, …); ``side_models`` are those same dependencies with their keys and
    sources (voice, embeddings, thinking, pipeline steps), one doctor row each. ``declared``
    keeps the framework's model string when no spec can be built from files (``unresolved``
    then says why). ``errors`` are the report's errors found while reading this agent (also
    in ``FrameworkReport.errors``).
    """

    name: str
    model_chain: list[str]
    source: str
    providers: dict[str, ProviderSettings] = field(default_factory=dict)
    thinking: ThinkingLevel | None = None
    retries: int | None = None
    fallbacks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keys: dict[str, list[FrameworkKey]] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    hops: list[list[FrameworkKey]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    side_models: list[SideModel] = field(default_factory=list)
    declared: str | None = None
    unresolved: str | None = None

    def hop_keys(self, index: int) -> list[FrameworkKey]:
        """The keys hop ``index`` of the chain would send (``hops`` overrides ``keys``)."""
        if index < len(self.hops):
            return self.hops[index]
        return self.keys.get(self.model_chain[index], []) if index < len(self.model_chain) else []

    @property
    def primary(self) -> str | None:
        """The primary model spec, or None when the agent has no usable model."""
        return self.model_chain[0] if self.model_chain else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe view (masked keys only)."""
        return {
            "name": self.name,
            "model_chain": list(self.model_chain),
            "fallbacks": list(self.fallbacks),
            "thinking": str(self.thinking) if self.thinking else None,
            "retries": self.retries,
            "source": self.source,
            "providers": {
                name: {
                    "base_url": s.base_url,
                    "api_key_ref": s.api_key_ref,
                    "protocol": s.protocol,
                    **s.extra,
                }
                for name, s in self.providers.items()
            },
            "models": dict(self.models),
            "keys": {spec: [k.to_dict() for k in keys] for spec, keys in self.keys.items()},
            "warnings": list(self.warnings),
            "errors": list(self.errors),
            "side_models": [m.to_dict() for m in self.side_models],
            "declared": self.declared,
            "unresolved": self.unresolved,
        }


@dataclass(slots=True)
class FrameworkReport:
    """What one framework's setup amounts to. Readers fill ``errors`` instead of raising."""

    framework: str
    root: Path
    config_files: list[Path] = field(default_factory=list)
    agents: list[AgentInfo] = field(default_factory=list)
    keys: list[FrameworkKey] = field(default_factory=list)
    warnings: list[FrameworkWarning] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    version: str | None = None

    def agent(self, name: str) -> AgentInfo | None:
        """The agent called ``name``, if any."""
        return next((a for a in self.agents if a.name == name), None)

    def warn(self, message: str, *, agent: str | None = None, source: str | None = None) -> None:
        """Record a warning; an agent-scoped one is also attached to that agent."""
        self.warnings.append(FrameworkWarning(message, agent, source))
        if agent is not None and (info := self.agent(agent)) is not None:
            text = f"{message} ({source})" if source else message
            if text not in info.warnings:
                info.warnings.append(text)

    @contextmanager
    def about(self, agent: str) -> Iterator[None]:
        """Attach the errors recorded inside this block to agent ``agent`` (once it exists)."""
        before = len(self.errors)
        try:
            yield
        finally:
            if (info := self.agent(agent)) is not None:
                for message in self.errors[before:]:
                    if message not in info.errors:
                        info.errors.append(message)

    def general_errors(self) -> list[str]:
        """Errors that concern no single agent (the whole setup)."""
        attached = {message for agent in self.agents for message in agent.errors}
        return [message for message in self.errors if message not in attached]

    def general_warnings(self) -> list[FrameworkWarning]:
        """Warnings that concern no single agent of this report."""
        names = {agent.name for agent in self.agents}
        return [w for w in self.warnings if w.agent is None or w.agent not in names]

    def add_key(self, key: FrameworkKey) -> FrameworkKey:
        """Record a key once (the same provider, label and value are one key)."""
        for existing in self.keys:
            if (existing.provider, existing.source_label, existing.secret, existing.sealed) == (
                key.provider,
                key.source_label,
                key.secret,
                key.sealed,
            ):
                return existing
        self.keys.append(key)
        return key

    def replace_key(self, old: FrameworkKey, new: FrameworkKey) -> None:
        """Put ``new`` (an unlocked copy of ``old``) everywhere ``old`` is used."""

        def swap(keys: list[FrameworkKey]) -> list[FrameworkKey]:
            return [new if k is old or k == old else k for k in keys]

        self.keys = swap(self.keys)
        for agent in self.agents:
            agent.keys = {spec: swap(keys) for spec, keys in agent.keys.items()}
            agent.hops = [swap(keys) for keys in agent.hops]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe view (masked keys only)."""
        return {
            "framework": self.framework,
            "version": self.version,
            "root": str(self.root),
            "config_files": [str(p) for p in self.config_files],
            "agents": [a.to_dict() for a in self.agents],
            "keys": [k.to_dict() for k in self.keys],
            "warnings": [
                {"message": w.message, "agent": w.agent, "source": w.source} for w in self.warnings
            ],
            "errors": list(self.errors),
        }


def auth_kind_for(value: str, default: AuthKind = AuthKind.API_KEY) -> AuthKind:
    """Anthropic OAuth tokens (``sk-ant-oat…``) are sent as bearer tokens, not API keys."""
    return AuthKind.OAUTH_TOKEN if "sk-ant-oat" in value else default


def thinking_level(value: object) -> ThinkingLevel | None:
    """Map a framework's thinking/effort word onto our scale (``max`` → ``xhigh``)."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word == "max":
        return ThinkingLevel.XHIGH
    try:
        return ThinkingLevel(word)
    except ValueError:
        return None
