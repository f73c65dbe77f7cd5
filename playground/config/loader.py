"""Find, parse and validate the config file; every error names file, key and line."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from playground.config.schema import Config
from playground.local_files import LocalFileError, LocalFileMissing, MiB, read_bounded

ENV_VAR = "PLAYGROUND_CONFIG"
MAX_CONFIG_BYTES = 4 * MiB  # far above any real config; refuses /dev/zero, FIFOs, devices
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


class ConfigError(Exception):
    """A config file could not be used. The message is one line meant for the user."""

    def __init__(self, path: Path, message: str, key: str | None = None, line: int | None = None):
        where = str(path)
        if line is not None:
            where += f":{line}"
        detail = f"{where}: {key}: {message}" if key else f"{where}: {message}"
        super().__init__(detail)
        self.path = path
        self.key = key
        self.line = line


def config_dir() -> Path:
    """The platform config directory (``~/.config/playground`` on Linux)."""
    from platformdirs import user_config_path

    return user_config_path("playground", appauthor=False)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file in effect: ``--config``, else ``$PLAYGROUND_CONFIG``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return config_dir() / "config.toml"


def load_config(explicit: str | os.PathLike[str] | None = None) -> tuple[Config, Path]:
    """Load and validate the config file.

    A missing default file gives the empty config; a missing file that the user named
    explicitly (``--config`` or ``$PLAYGROUND_CONFIG``) is an error.
    """
    path = config_path(explicit)
    named = bool(explicit or os.environ.get(ENV_VAR))
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except LocalFileMissing:
        if named:
            raise ConfigError(path, "file not found") from None
        return Config(), path
    except (LocalFileError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read: {exc}") from None
    return parse_config(text, path), path


def parse_config(text: str, path: Path) -> Config:
    """Parse TOML text into a validated :class:`Config`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(path, f"invalid TOML: {message}", line=line) from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(str(part) for part in first["loc"])
        key = ".".join(loc)
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        return _raise_at(path, text, loc, key, message)


def _raise_at(path: Path, text: str, loc: tuple[str, ...], key: str, message: str) -> Config:
    raise ConfigError(path, message, key=key, line=find_key_line(text, loc))


def find_key_line(text: str, loc: tuple[str, ...]) -> int | None:
    """Best-effort 1-based line of the key at ``loc`` (or its nearest enclosing table)."""
    table: tuple[str, ...] = ()
    positions: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            table = _split_dotted(header.group(1))
            positions.setdefault(table, number)
            continue
        key = _KEY.match(raw)
        if key:
            positions.setdefault(table + _split_dotted(key.group(1)), number)
    for end in range(len(loc), 0, -1):
        if loc[:end] in positions:
            return positions[loc[:end]]
    return None


def _split_dotted(name: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', name)
    return tuple(next(p for p in groups if p) for groups in parts)
