"""Decide what the app opens on (no Textual here): panes, session, first-run hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.request import ThinkingLevel

if TYPE_CHECKING:
    from playground.config.schema import Config

FIRST_RUN_PANES = ("sim/echo", "sim-anthropic/thinker", "demo-fallback")
"""What a new user without keys sees: an echo, a thinking model and the fallback demo."""

FIRST_RUN_HINT = (
    "No API keys found: simulated models. Add one with `playground keys set openai` "
    "or OPENAI_API_KEY; ctrl+k checks keys."
)


@dataclass(slots=True)
class StartupPlan:
    """The panes to open and a hint line to show (empty when none)."""

    panes: list[str]
    hint: str = ""
    resume: bool = False
    notes: list[str] = field(default_factory=list)


def any_real_keys(config: Config, catalog: Any) -> bool:
    """Whether any non-simulated, non-local provider has a usable key."""
    from playground.credentials import resolve_credentials

    for provider in catalog.providers():
        if provider.simulated or provider.local:
            continue
        if not provider.env_vars and provider.slug not in config.providers:
            continue
        try:
            status = resolve_credentials(provider, config)
        except Exception:  # a broken source must not stop the app from opening
            continue
        if status.keys:
            return True
    return False


def last_session_panes(sessions_dir: Path | None = None) -> list[str]:
    """The pane specs of the most recent saved session, in order (empty when none)."""
    from playground.session import latest_session_file
    from playground.session.store import read_records

    path = latest_session_file(sessions_dir)
    if path is None:
        return []
    specs: dict[str, str] = {}
    order: list[str] = []
    try:
        records = read_records(path)
    except (OSError, ValueError):
        return []
    for record in records:
        kind, pane = record.get("t"), record.get("pane")
        if kind == "pane" and "spec" in record:
            specs[pane] = record["spec"]
            if pane not in order:
                order.append(pane)
        elif kind == "pane_removed" and pane in order:
            order.remove(pane)
        elif kind == "order":
            order = [p for p in record.get("panes", []) if p in specs]
    return [specs[p] for p in order]


def plan_startup(
    config: Config,
    catalog: Any,
    *,
    models: list[str],
    resume: bool,
    sessions_dir: Path | None = None,
) -> StartupPlan:
    """Explicit ``-m`` wins; ``--resume`` reopens; with keys the configured panes (or the last
    session's); otherwise the simulated first-run demo with a hint on adding keys."""
    if models:
        return StartupPlan(list(models))
    if resume:
        return StartupPlan([], resume=True)
    if any_real_keys(config, catalog):
        if config.defaults.panes:
            return StartupPlan(list(config.defaults.panes))
        if config.ui.restore_last_session:
            previous = last_session_panes(sessions_dir)
            if previous:
                return StartupPlan(previous)
    return StartupPlan(list(FIRST_RUN_PANES), hint=FIRST_RUN_HINT)


@dataclass(slots=True)
class AppOptions:
    """Everything the app needs from the command line (and tests)."""

    models: list[str] = field(default_factory=list)
    thinking: ThinkingLevel | None = None
    resume: bool = False
    config_path: str | None = None
    from_path: str | None = None
    framework: str | None = None
    persist: bool = True
    sessions_dir: Path | None = None
