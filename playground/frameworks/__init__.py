"""Readers for agent frameworks' own configs (Action Llama, DjinnBot, Arawn, PicoClaw, ZeroClaw).

Public API::

    FRAMEWORKS: tuple[str, ...]
    detect_framework(path: Path) -> str | None
    load_framework(path: str | Path | None, framework: str | None = None) -> FrameworkReport
    framework_overlay(report: FrameworkReport) -> FrameworkOverlay
    unlock_key(key: FrameworkKey, passphrase: str) -> FrameworkKey     # raises UnlockError

Readers only ever read: they never write to the framework's files and never run commands
found in a config. ``load_framework`` never raises; problems are in ``report.errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from playground.frameworks.model import (
    AgentInfo,
    FrameworkKey,
    FrameworkReport,
    FrameworkWarning,
    ProviderSettings,
    SideModel,
)
from playground.frameworks.sealed import UnlockError

if TYPE_CHECKING:
    from playground.config.schema import ProviderConfig, RouteConfig
    from playground.credentials.types import ResolvedKey

FRAMEWORKS = ("actionllama", "djinnbot", "arawn", "picoclaw", "zeroclaw")
_ALIASES = {"action-llama": "actionllama", "action_llama": "actionllama", "al": "actionllama"}

__all__ = [
    "FRAMEWORKS",
    "AgentInfo",
    "FrameworkKey",
    "FrameworkOverlay",
    "FrameworkReport",
    "FrameworkWarning",
    "ProviderSettings",
    "SideModel",
    "UnlockError",
    "detect_framework",
    "framework_overlay",
    "load_framework",
    "unlock_key",
]


def _reader(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"playground.frameworks.{name}")


def _normalise(name: str) -> str:
    key = name.strip().lower()
    return _ALIASES.get(key, key)


def detect_framework(path: Path) -> str | None:
    """The framework whose config ``path`` is (a project folder or a config file), or None."""
    path = Path(path).expanduser()
    if not path.exists():
        return None
    if path.is_file() and path.name == ".security.yml":
        path = path.parent / "config.json"
    for name in FRAMEWORKS:
        try:
            if _reader(name).looks_like(path):
                return name
        except OSError:
            continue
    return None


def _default_location(framework: str | None) -> Path | None:
    """Where ``framework`` (or, with None, the first framework found) keeps its config."""
    names = [framework] if framework else list(FRAMEWORKS)
    for name in names:
        reader = _reader(name)
        if name == "actionllama":
            candidate: Path | None = Path.cwd()
        elif name == "djinnbot":
            candidate = reader.default_root()
        else:
            candidate = reader.default_path()
        if (
            candidate is not None
            and candidate.exists()
            and (framework or reader.looks_like(candidate))
        ):
            return candidate
    return None


def load_framework(path: str | Path | None, framework: str | None = None) -> FrameworkReport:
    """Read a framework's setup from ``path`` (None: its default location); never raises.

    ``framework`` forces the reader instead of detecting it from the files.
    """
    forced = _normalise(framework) if framework else None
    where = Path(path).expanduser() if path is not None else None
    if forced is not None and forced not in FRAMEWORKS:
        return _failed(
            forced,
            where,
            f"unknown framework {framework!r} (expected one of: {', '.join(FRAMEWORKS)})",
        )
    if where is None:
        where = _default_location(forced)
        if where is None:
            what = forced or "any supported framework"
            return _failed(
                forced or "unknown",
                Path.cwd(),
                f"no config of {what} found in its default location; pass a path (--from PATH)",
            )
    if not where.exists():
        return _failed(forced or "unknown", where, f"{where}: no such file or folder")
    name = forced or detect_framework(where)
    if name is None:
        return _failed(
            "unknown",
            where,
            f"{where}: not a config of a framework we read ({', '.join(FRAMEWORKS)}); "
            "use --framework NAME to force one",
        )
    try:
        report = _reader(name).read(where)
    except Exception as exc:
        return _failed(
            name, where, f"{where}: could not read the {name} config ({type(exc).__name__})"
        )
    report.errors = list(dict.fromkeys(report.errors))  # shared tables are checked per agent
    return report


def _failed(framework: str, where: Path | None, message: str) -> FrameworkReport:
    root = where if where is None or where.is_dir() else where.parent
    return FrameworkReport(framework, root or Path.cwd(), errors=[message])


def unlock_key(key: FrameworkKey, passphrase: str) -> FrameworkKey:
    """Decrypt a locked key with a passphrase (PicoClaw ``enc://``); raises :class:`UnlockError`.

    Only schemes whose remaining secret is a passphrase can be unlocked here; for others
    (age store, 1Password, a missing ``.secret_key``) the error repeats the unlock hint.
    """
    if not key.locked:
        return key
    if key.scheme == "picoclaw-enc" and key.sealed is not None:
        from playground.frameworks.sealed import open_picoclaw

        key_file = key.key_file
        if key_file is None:
            raise UnlockError("no SSH key file is known for this enc:// value")
        try:
            ssh_key = key_file.read_bytes()
        except OSError as exc:
            reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
            raise UnlockError(
                f"cannot read the SSH key {key_file} ({reason}); set PICOCLAW_SSH_KEY_PATH"
            ) from None
        from playground.secret import Secret

        return key.unlocked(Secret(open_picoclaw(key.sealed.reveal(), ssh_key, passphrase)))
    raise UnlockError(
        f"a passphrase cannot unlock {key.source_label}: {key.unlock_hint or 'unsupported'}"
    )


@dataclass(slots=True)
class FrameworkOverlay:
    """What the rest of the app needs to use a framework's setup.

    ``providers``: providers the framework reaches at a non-default base URL, keyed by the
    provider part of the spec (``custom:https://host/v1``) — base URL and protocol only, never
    keys. ``routes``: one fallback chain per agent, keyed by agent name. ``keys``: usable keys
    per provider (slug or custom provider part), in the framework's order, with their labels.
    ``locked``: keys that exist but need unlocking, for the credential panel.
    ``route_keys``: per agent, per hop of its route, the keys that hop would send — more
    precise than ``keys`` when one provider serves several agents or hops with different keys
    (two PicoClaw entries on the same server, each with its own key). ``report`` is the
    report the overlay was made from (agents without a reachable model are only there).
    """

    providers: dict[str, ProviderConfig] = field(default_factory=dict)
    routes: dict[str, RouteConfig] = field(default_factory=dict)
    keys: dict[str, list[ResolvedKey]] = field(default_factory=dict)
    locked: list[FrameworkKey] = field(default_factory=list)
    route_keys: dict[str, list[list[ResolvedKey]]] = field(default_factory=dict)
    report: FrameworkReport | None = None


def framework_overlay(report: FrameworkReport) -> FrameworkOverlay:
    """Providers, routes and keys from a report, ready to merge over the user's config."""
    from playground.config.schema import ProviderConfig, RouteConfig
    from playground.credentials.types import ResolvedKey
    from playground.endpoint import AuthKind, Protocol
    from playground.frameworks.providers import spec_provider

    def resolved(keys: list[FrameworkKey]) -> list[ResolvedKey]:
        return [ResolvedKey(k.secret, k.source_label, k.auth_kind) for k in keys if k.secret]

    overlay = FrameworkOverlay(report=report)
    for agent in report.agents:
        if agent.model_chain:
            overlay.routes[agent.name] = RouteConfig(models=list(agent.model_chain))
            overlay.route_keys[agent.name] = [
                resolved(agent.hop_keys(index)) for index in range(len(agent.model_chain))
            ]
        for spec in agent.model_chain:
            provider = spec_provider(spec)
            if (
                provider.startswith(("custom:", "anthropic-custom:"))
                and provider not in overlay.providers
            ):
                protocol = (
                    Protocol.ANTHROPIC if provider.startswith("anthropic-") else Protocol.OPENAI
                )
                has_key = any(k.secret for k in agent.keys.get(spec, []))
                overlay.providers[provider] = ProviderConfig(
                    protocol=protocol,
                    base_url=provider.split(":", 1)[1],
                    auth=None if has_key else AuthKind.NONE,
                )
    for key in report.keys:
        if key.secret is None:
            if key.locked:
                overlay.locked.append(key)
            continue
        bucket = overlay.keys.setdefault(key.provider, [])
        if all(existing.secret != key.secret for existing in bucket):
            bucket.extend(resolved([key]))
    return overlay
