"""Decide what the app opens on (no Textual here): panes and a hint line.

Order: explicit ``-m`` models; the configured ``[defaults] panes``; with a usable provider
(a key, or a keyless server declared in the config) the last session's panes; with keys a
first pane per keyed provider; and only with no usable provider at all the simulated demo.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.request import ThinkingLevel

if TYPE_CHECKING:
    from playground.catalog.types import ModelInfo, ProviderInfo
    from playground.config.schema import Config
    from playground.credentials.types import CredentialStatus

MAX_START_PANES = 6
"""As many panes as the app holds."""

FIRST_RUN_PANES = ("sim/echo", "sim-anthropic/thinker", "demo-fallback")
"""What a new user without keys sees: an echo, a thinking model and the fallback demo."""

FIRST_RUN_HINT = (
    "No API keys found: simulated models. Add one with `playground keys set openai` "
    "or OPENAI_API_KEY; f2 checks keys."
)

# A dated snapshot (gpt-4o-2024-08-06, claude-3-5-haiku-20241022), a preview or experiment,
# or a rate-limited free variant: not what a first pane should pin.
_NOT_A_STARTER = re.compile(r"\d{4}-?\d{2}-?\d{2}|-\d{4}$|preview|-exp\b|\bfree\b", re.IGNORECASE)
_VERSION = re.compile(r"\d+(?:\.\d+)?")


@dataclass(slots=True)
class StartupPlan:
    """The panes to open and a hint line to show (empty when none)."""

    panes: list[str]
    hint: str = ""
    resume: bool = False


@dataclass(frozen=True, slots=True)
class KeyedProvider:
    """A provider with a usable key and where that key came from."""

    provider: ProviderInfo
    source: str


@dataclass(frozen=True, slots=True)
class UsableProviders:
    """Providers the app can talk to without the simulator."""

    keyed: list[KeyedProvider]
    keyless: list[ProviderInfo]
    """Keyless servers the user declared in the config (local servers, ``auth = "none"``)."""

    def __bool__(self) -> bool:
        return bool(self.keyed or self.keyless)


def usable_providers(
    config: Config,
    catalog: Any,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> UsableProviders:
    """Every non-simulated provider with a key, and every keyless one in the config."""
    from playground.credentials import resolve_credentials
    from playground.credentials.resolve import provider_config

    keyed: list[KeyedProvider] = []
    keyless: list[ProviderInfo] = []
    for provider in catalog.providers():
        if provider.simulated:
            continue
        configured = provider_config(provider, config) is not None
        if not configured and not provider.env_vars and not provider.local:
            continue
        try:
            status: CredentialStatus = resolve_credentials(provider, config, env=env, cwd=cwd)
        except Exception:  # a broken source must not stop the app from opening
            continue
        if status.keys and status.needs_key:
            keyed.append(KeyedProvider(provider, status.source or "?"))
        elif configured and not status.needs_key:
            keyless.append(provider)
    return UsableProviders(keyed, keyless)


def starter_model(catalog: Any, slug: str) -> ModelInfo | None:
    """A current, cheap chat model of ``slug`` for a first pane, chosen from catalog data.

    Prefers models with tool support and a known price that are not dated snapshots,
    previews or free variants (a zero price of a cloud model means a free tier, not a
    cheap model: those come last); among those the lowest blended price (input weighted
    3:1 over output, a typical chat), then the highest version number in the id (the
    catalog has no release dates). Without any such model: the first model with tools,
    else the first model.
    """
    models = list(catalog.models(slug))
    if not models:
        return None
    candidates = [
        m
        for m in models
        if m.tools and m.prices.input is not None and not _NOT_A_STARTER.search(m.id)
    ]
    if not candidates:
        return next((m for m in models if m.tools), models[0])

    local = bool(getattr(catalog.provider(slug), "local", False))

    def rank(model: ModelInfo) -> tuple[bool, float, float, str]:
        price = (3 * (model.prices.input or 0.0) + (model.prices.output or 0.0)) / 4
        versions = [float(v) for v in _VERSION.findall(model.id)]
        return (price == 0 and not local, price, -(max(versions) if versions else 0.0), model.id)

    return min(candidates, key=rank)


def last_session_panes(sessions_dir: Path | None = None) -> list[str]:
    """The pane specs of the most recent saved session with panes, in order (empty when none)."""
    from playground.session import latest_session_file
    from playground.session.store import summarize_session

    path = latest_session_file(sessions_dir, with_panes=True)
    return [] if path is None else summarize_session(path).panes


def plan_startup(
    config: Config,
    catalog: Any,
    *,
    models: list[str],
    resume: bool = False,
    sessions_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> StartupPlan:
    """What to open: see the module docstring for the order."""
    if models:
        return StartupPlan(list(models))
    if resume:
        return StartupPlan([], resume=True)
    if config.defaults.panes:
        return StartupPlan(list(config.defaults.panes))
    usable = usable_providers(config, catalog, env=env, cwd=cwd)
    if usable and config.ui.restore_last_session:
        previous = last_session_panes(sessions_dir)
        if previous and not all(_is_simulated(catalog, spec) for spec in previous):
            return StartupPlan(previous)
    if usable.keyed:
        return _first_panes(catalog, usable.keyed)
    if usable.keyless:
        return _first_panes(catalog, [KeyedProvider(p, "") for p in usable.keyless])
    return StartupPlan(list(FIRST_RUN_PANES), hint=FIRST_RUN_HINT)


def _first_panes(catalog: Any, providers: list[KeyedProvider]) -> StartupPlan:
    panes: list[str] = []
    notes: list[str] = []
    for entry in providers:
        model = starter_model(catalog, entry.provider.slug)
        if model is None:
            continue
        if len(panes) < MAX_START_PANES:
            panes.append(model.spec)
        where = (
            f"{entry.provider.slug} key from {entry.source}"
            if entry.source
            else (f"{entry.provider.slug} (no key needed)")
        )
        notes.append(f"{where} → {model.spec}")
    if not panes:
        return StartupPlan(list(FIRST_RUN_PANES), hint=FIRST_RUN_HINT)
    hint = " · ".join(notes)
    if len(notes) > len(panes):
        hint += f" (first {len(panes)} opened; ctrl+n adds more)"
    return StartupPlan(panes, hint=hint + ".  f2 checks keys.")


def _is_simulated(catalog: Any, spec: str) -> bool:
    """Whether ``spec`` names a simulated model (or a demo route of simulated models)."""
    slug = spec.split("/", 1)[0] if "/" in spec else ""
    provider = catalog.provider(slug) if slug else None
    if provider is None:
        return spec.startswith("demo")
    return bool(provider.simulated)


@dataclass(slots=True)
class AppOptions:
    """Everything the app needs from the command line (and tests)."""

    models: list[str] = field(default_factory=list)
    thinking: ThinkingLevel | None = None
    resume: bool | str = False
    """``True``: the newest session with turns; a string: that session's id or file."""
    config_path: str | None = None
    from_path: str | None = None
    framework: str | None = None
    persist: bool = True
    sessions_dir: Path | None = None
    exports_dir: Path | None = None
    """Where the export dialog proposes to write (default: the data dir's ``exports/``)."""
