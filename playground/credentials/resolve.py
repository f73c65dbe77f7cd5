"""Resolve a provider's credential from every source, in order, reporting what shadows what.

Order (first source holding a value wins; every later source that also holds one is listed
as shadowed):

1. OS keyring — service ``playground``, username = slug (rotation keys ``slug#2``, …);
2. environment — the names in ``[providers.X] env`` first, then the catalog's names;
3. config file — ``api_key`` then ``api_keys = [...]`` (rotation), each ``${VAR}``-interpolated;
4. credential directory — ``<config dir>/credentials/<slug>``, one key per non-empty line;
5. ``.env`` in the working directory — the same variable names as the environment.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from playground.catalog.types import ProviderInfo
from playground.config.interpolate import interpolate
from playground.config.schema import Config, ProviderConfig
from playground.credentials import keyring_store
from playground.credentials.auth import default_auth_kind, infer_auth_kind
from playground.credentials.dotenv import read_dotenv
from playground.credentials.format_check import ProviderSource, check_format
from playground.credentials.next_steps import credential_next_step
from playground.credentials.types import CredentialStatus, FormatCheck, ResolvedKey
from playground.endpoint import AuthKind
from playground.secret import Secret

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(slots=True)
class _Found:
    """What one source holds: (label, raw value, auth hint) triples and problems.

    ``rotation`` sources (keyring, config, credential dir) give every value as a rotation key;
    for the others (environment, ``.env``) the first name wins and the rest are shadowed.
    """

    rotation: bool
    values: list[tuple[str, str, str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def provider_config(provider: ProviderInfo, config: Config) -> ProviderConfig | None:
    """The ``[providers.X]`` table for ``provider`` (by slug, else by alias)."""
    for name in (provider.slug, *provider.aliases):
        if name in config.providers:
            return config.providers[name]
    return None


def env_names(provider: ProviderInfo, config: Config) -> list[str]:
    """Environment variable names to check, in order: config ``env`` then the catalog's."""
    settings = provider_config(provider, config)
    names = list(settings.env) if settings else []
    return list(dict.fromkeys([*names, *provider.env_vars]))


def credential_file(provider: ProviderInfo) -> Path:
    """``<config dir>/credentials/<slug>``."""
    from playground.config.loader import config_dir

    return config_dir() / "credentials" / provider.slug


def resolve_credentials(
    provider: ProviderInfo,
    config: Config,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    catalog: ProviderSource | None = None,
) -> CredentialStatus:
    """Find ``provider``'s key(s), say where they came from and what else holds one.

    Never raises for a broken source: unreadable files, a missing keyring or an unset
    ``${VAR}`` become ``problems``. ``catalog`` lets the format check say what a mismatching
    key looks like instead (default: ``load_catalog(config)``, loaded only on a mismatch).
    """
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    settings = provider_config(provider, config)
    needs_key = not (provider.local or provider.simulated) and provider.auth_kinds != (
        AuthKind.NONE,
    )
    if settings and settings.auth == AuthKind.NONE:
        needs_key = False

    sources = [
        _from_keyring(provider),
        _from_env(provider, config, env),
        _from_config(settings, env),
        _from_credential_dir(provider),
        _from_dotenv(provider, config, cwd),
    ]
    problems = [problem for source in sources for problem in source.problems]
    # "No keyring on this machine" or a bad .env line is true of every provider: a note, not
    # this one's problem.
    notes = [p for p in problems if _is_note(p)]
    problems = [p for p in problems if not _is_note(p)]
    winner = next((source for source in sources if source.values), None)
    used = [] if winner is None else winner.values if winner.rotation else winner.values[:1]
    shadowed = [entry[0] for source in sources for entry in source.values if entry not in used]
    keys: list[ResolvedKey] = []
    for label, raw, hint in used:
        value = raw.strip()
        if value != raw:
            problems.append(f"{label}: surrounding whitespace or line break removed")
        kind = infer_auth_kind(value, hint, provider)
        if settings and settings.auth:
            kind = settings.auth
        keys.append(ResolvedKey(Secret(value), label, kind))

    if provider.simulated:
        fmt = FormatCheck(None, "simulated, no key needed")
    elif keys:
        fmt = check_format(provider, keys[0].secret.reveal(), catalog)
        if fmt.ok is False and catalog is None:
            # Only a mismatch needs the other providers' formats ("looks like an X key").
            fmt = check_format(provider, keys[0].secret.reveal(), _catalog_for(config))
    elif not needs_key:
        fmt = FormatCheck(None, "no key needed")
    else:
        fmt = FormatCheck(None, "no key")

    auth_kind = keys[0].auth_kind if keys else default_auth_kind(provider, settings, needs_key)
    status = CredentialStatus(
        provider=provider.slug,
        keys=keys,
        source=keys[0].source if keys else None,
        shadowed=shadowed,
        problems=problems,
        auth_kind=auth_kind,
        format=fmt,
        next_step=None,
        needs_key=needs_key,
        simulated=provider.simulated,
        notes=notes,
    )
    return replace(status, next_step=credential_next_step(status, provider, config))


def _catalog_for(config: Config) -> ProviderSource | None:
    try:
        from playground.catalog import load_catalog

        return load_catalog(config)
    except Exception:  # a broken catalog override only costs the "looks like" hint
        return None


def _from_keyring(provider: ProviderInfo) -> _Found:
    read = keyring_store.read_keys(provider.slug)
    found = _Found(rotation=True)
    if read.problem:
        found.problems.append(read.problem)
    for index, (_name, value) in enumerate(read.values):
        label = "keyring" if index == 0 else f"keyring #{index + 1}"
        found.values.append((label, value, None))
    return found


def _from_env(provider: ProviderInfo, config: Config, env: Mapping[str, str]) -> _Found:
    found = _Found(rotation=False)
    for name in env_names(provider, config):
        if name not in env:
            continue
        if env[name].strip():
            found.values.append((f"env {name}", env[name], name))
        else:
            found.problems.append(f"{name} is set but empty")
    return found


def _from_config(settings: ProviderConfig | None, env: Mapping[str, str]) -> _Found:
    found = _Found(rotation=True)
    if settings is None:
        return found
    entries: list[tuple[str, str]] = []
    if settings.api_key is not None:
        entries.append(("config api_key", settings.api_key))
    entries += [(f"config api_keys[{i}]", raw) for i, raw in enumerate(settings.api_keys)]
    for label, raw in entries:
        value, missing = interpolate(raw, env)
        references = "".join(f"${{{name}}}" for name in _referenced(raw))
        shown = f"{label} ({references})" if references else label
        if missing:
            unset = ", ".join(f"${{{name}}}" for name in missing)
            which = "which is" if len(missing) == 1 else "which are"
            found.problems.append(f"{label} refers to {unset}, {which} not set")
            continue
        if not value.strip():
            found.problems.append(f"{shown} is empty")
            continue
        found.values.append((shown, value, _referenced(raw)[0] if references else None))
    return found


def _referenced(raw: str) -> list[str]:
    return _VAR.findall(raw)


def _from_credential_dir(provider: ProviderInfo) -> _Found:
    found = _Found(rotation=True)
    path = credential_file(provider)
    label = f"credentials dir {home_relative(path)}"
    try:
        info = path.stat()
    except OSError:
        return found
    if not stat.S_ISREG(info.st_mode):
        found.problems.append(f"{label} is not a regular file")
        return found
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        found.problems.append(f"{label} cannot be read ({type(exc).__name__})")
        return found
    if os.name == "posix" and info.st_mode & 0o077:
        found.problems.append(
            f"{label} is readable by other users: run `chmod 600 {home_relative(path)}`"
        )
    lines = [line.strip() for line in text.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if not keys:
        found.problems.append(f"{label} is empty")
    for index, value in enumerate(keys):
        found.values.append((label if index == 0 else f"{label} line {index + 1}", value, None))
    return found


_DOTENV_NOTE = ".env: "


def _is_note(problem: str) -> bool:
    return problem == keyring_store.NO_KEYRING or problem.startswith(_DOTENV_NOTE)


def _from_dotenv(provider: ProviderInfo, config: Config, cwd: Path) -> _Found:
    found = _Found(rotation=False)
    parsed = read_dotenv(cwd / ".env")
    if parsed is None:
        return found
    if parsed.bad_lines:
        lines = ", ".join(str(n) for n in parsed.bad_lines)
        plural = "s" if len(parsed.bad_lines) > 1 else ""
        found.problems.append(f"{_DOTENV_NOTE}line{plural} {lines} could not be parsed (ignored)")
    names = env_names(provider, config)
    for name in names:
        value = parsed.values.get(name)
        if value is None:
            continue
        if value.strip():
            found.values.append((f".env {name}", value, name))
        else:
            found.problems.append(f".env {name} is empty")
    return found


def home_relative(path: Path) -> str:
    """``~/…`` for a path under the home directory (shorter to read), else the path."""
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)
