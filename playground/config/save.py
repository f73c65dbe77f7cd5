"""Style-preserving, atomic config writes.

Edits go through ``tomlkit`` so the user's comments, ordering and layout survive; the new
text is validated against the schema before anything touches the disk; the file is replaced
atomically (a temporary file in the same directory, fsync, ``os.replace``) with mode 0600
because a config file may hold keys.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table
from tomlkit.toml_document import TOMLDocument

from playground.config.loader import ConfigError, parse_config

SECRET_FILE_MODE = 0o600


def atomic_write_text(path: Path, text: str, *, mode: int = SECRET_FILE_MODE) -> None:
    """Write ``text`` to ``path`` atomically with ``mode``; the directory is created (0700)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def load_document(path: Path) -> TOMLDocument:
    """The config file as an editable ``tomlkit`` document (empty when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return tomlkit.document()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read: {exc}") from None
    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}") from None


def update_config(path: Path, edit: Callable[[TOMLDocument], None]) -> None:
    """Load ``path``, apply ``edit`` to the document, validate, and write it back atomically.

    Raises :class:`~playground.config.loader.ConfigError` when the file cannot be parsed or
    the edited config would be invalid; the file is then left untouched.
    """
    document = load_document(path)
    edit(document)
    text = tomlkit.dumps(document)
    parse_config(text, path)
    atomic_write_text(path, text)


def set_value(path: Path, keys: Sequence[str], value: Any) -> None:
    """Set a dotted key (``("providers", "openai", "api_key")``), creating tables as needed.

    New tables are written as ``[providers.openai]`` headers, not inline tables.
    """
    if not keys:
        raise ValueError("keys must not be empty")

    def edit(document: TOMLDocument) -> None:
        table: Any = document
        for depth, name in enumerate(keys[:-1]):
            if name not in table:
                is_parent = depth < len(keys) - 2
                table[name] = tomlkit.table(is_super_table=is_parent)
            table = table[name]
        table[keys[-1]] = value

    update_config(path, edit)


def remove_value(path: Path, keys: Sequence[str]) -> bool:
    """Remove a dotted key; return whether it existed. Empty tables it leaves are kept."""
    removed = False

    def edit(document: TOMLDocument) -> None:
        nonlocal removed
        table: Any = document
        for name in keys[:-1]:
            if not isinstance(table, (TOMLDocument, Table, dict)) or name not in table:
                return
            table = table[name]
        if keys[-1] in table:
            del table[keys[-1]]
            removed = True

    if path.exists():
        update_config(path, edit)
    return removed
