"""Keys kept in files when the OS keyring cannot keep them: the config file's
``[providers.NAME] api_key`` or the credential directory's ``<slug>`` file.

Both writes are atomic with mode 0600 (:func:`playground.config.save.atomic_write_text`), and
both are what ``playground keys set --config-file`` and the credential-directory source read.
Nothing here prints or logs the key; messages carry only its masked form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.catalog.types import ProviderInfo
from playground.config.save import SECRET_FILE_MODE, atomic_write_text, remove_value, set_value
from playground.config.schema import Config, ProviderConfig
from playground.credentials.resolve import credential_file, home_relative


@dataclass(frozen=True, slots=True)
class KeyFile:
    """Where a key can be written instead of the keyring, described for a confirm dialog."""

    path: Path
    where: str  # "[providers.openai] api_key" or "the credential file"

    @property
    def description(self) -> str:
        """``~/.config/playground/config.toml ([providers.openai] api_key), mode 0600``."""
        return f"{home_relative(self.path)} ({self.where}, mode {SECRET_FILE_MODE:04o})"


def settings_name(provider: ProviderInfo, config: Config) -> str:
    """The ``[providers.NAME]`` table that configures ``provider`` (an alias if one exists)."""
    return next(
        (n for n in (provider.slug, *provider.aliases) if n in config.providers), provider.slug
    )


def config_target(provider: ProviderInfo, config: Config, config_file: Path) -> KeyFile:
    """The config file's ``api_key`` of ``provider``."""
    return KeyFile(config_file, f"[providers.{settings_name(provider, config)}] api_key")


def credential_dir_target(provider: ProviderInfo) -> KeyFile:
    """``<config dir>/credentials/<slug>``."""
    return KeyFile(credential_file(provider), "credential file")


def save_to_config(provider: ProviderInfo, secret: str, config: Config, config_file: Path) -> None:
    """Write the key to the config file (style-preserving, validated, atomic, 0600) and to
    the loaded ``config``, so a running app resolves it without reloading.

    Raises :class:`~playground.config.loader.ConfigError` (file left untouched) or
    :class:`OSError`.
    """
    name = settings_name(provider, config)
    set_value(config_file, ("providers", name, "api_key"), secret)
    existing = config.providers.get(name)
    if existing is None:
        config.providers[name] = ProviderConfig(api_key=secret)
    else:
        existing.api_key = secret


def save_to_credential_dir(provider: ProviderInfo, secret: str) -> Path:
    """Write the key as the only line of the credential file (atomic, 0600); its path."""
    path = credential_file(provider)
    atomic_write_text(path, secret + "\n")
    return path


def delete_from_config(provider: ProviderInfo, config: Config, config_file: Path) -> bool:
    """Remove a literal ``api_key`` from the config file and the loaded config; whether one
    was there. A ``${VAR}`` reference is left alone (the variable holds the key)."""
    name = settings_name(provider, config)
    existing = config.providers.get(name)
    if existing is None or not existing.api_key or "${" in existing.api_key:
        return False
    removed = remove_value(config_file, ("providers", name, "api_key"))
    existing.api_key = None
    return removed


def delete_credential_file(provider: ProviderInfo) -> bool:
    """Remove the credential file; whether it existed."""
    try:
        credential_file(provider).unlink()
    except FileNotFoundError:
        return False
    return True
