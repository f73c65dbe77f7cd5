"""Turn the key values found in frameworks' configs into :class:`FrameworkKey` records.

Shared forms: plaintext, ``file://name`` (read relative to the config dir, must stay inside
it), ``op://vault/item/field`` (1Password: reported locked, the ``op`` CLI is never run) and
environment variables (read, never exported).
"""

from __future__ import annotations

import os
from pathlib import Path

from playground.frameworks.model import FrameworkKey, FrameworkReport, auth_kind_for
from playground.secret import Secret


def plain_key(provider: str, value: str, label: str) -> FrameworkKey:
    """A key given in clear text."""
    return FrameworkKey(provider, Secret(value.strip()), label, auth_kind=auth_kind_for(value))


def op_key(provider: str, ref: str, label: str) -> FrameworkKey:
    """A 1Password reference: present but locked (we never run ``op``)."""
    return FrameworkKey(
        provider,
        None,
        f"{label} ({ref})",
        locked=True,
        unlock_hint=f"1Password CLI: run `op read '{ref}'` yourself and export the key",
        scheme="1password",
    )


def env_key(provider: str, name: str, label: str) -> FrameworkKey | None:
    """The key in env var ``name`` (None when unset or empty)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    return FrameworkKey(provider, Secret(value), label, auth_kind=auth_kind_for(value))


def file_ref_key(
    provider: str, ref: str, base_dir: Path, label: str, report: FrameworkReport
) -> FrameworkKey:
    """A ``file://name`` reference resolved inside ``base_dir`` (never outside it)."""
    name = ref.removeprefix("file://")
    target = (base_dir / name).resolve()
    base = base_dir.resolve()
    full_label = f"{label} ({ref})"
    if target != base and base not in target.parents:
        report.errors.append(f"{label}: {ref} points outside {base_dir}; the framework refuses it")
        return FrameworkKey(provider, None, full_label)
    try:
        value = target.read_text(encoding="utf-8").strip()
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
        report.errors.append(f"{label}: {ref}: cannot read {target} ({reason})")
        return FrameworkKey(provider, None, full_label)
    if not value:
        report.errors.append(f"{label}: {ref}: {target} is empty")
        return FrameworkKey(provider, None, full_label)
    return FrameworkKey(provider, Secret(value), full_label, auth_kind=auth_kind_for(value))


def read_key_file(path: Path) -> Secret | None:
    """A one-value key file (trimmed), or None when missing/empty/unreadable."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Secret(value) if value else None
