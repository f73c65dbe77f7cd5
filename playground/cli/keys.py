"""``playground keys set|delete|list``: manage stored keys without ever echoing them.

``set`` reads the secret from a hidden prompt (a terminal) or one line of standard input
(a pipe) — never from argv — checks its format, and stores it in the OS keyring, or with
``--config-file`` in the config file (style-preserving, atomic, mode 0600). Without a usable
keyring it says so and offers the config-file and credential-directory routes.

Exit codes: 0 done; 1 nothing to delete or no keyring; 2 usage, config or unknown provider.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from playground.catalog.types import ProviderInfo
    from playground.config.schema import Config


MAX_SECRET_BYTES = 16 * 1024
"""Longest key read from a pipe: API keys are under 200 bytes, OAuth access tokens and JWTs
a few kB."""


class KeysError(Exception):
    """A usage or config problem: one line for the user, exit code 2."""


def run(args: argparse.Namespace) -> int:
    """Run ``playground keys``."""
    try:
        config, config_file, catalog = _load(args)
        if args.action == "list":
            return _list(config, catalog)
        provider = _lookup(catalog, args.provider)
        if args.action == "set":
            return _set(provider, config, config_file, catalog, to_config=args.config_file)
        return _delete(provider, config, catalog)
    except KeysError as exc:
        print(f"playground keys: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _load(args: argparse.Namespace) -> tuple[Config, Any, Any]:
    from playground.catalog import CatalogError, load_catalog
    from playground.config.loader import ConfigError, load_config

    try:
        config, path = load_config(args.config)
        return config, path, load_catalog(config)
    except (ConfigError, CatalogError) as exc:
        raise KeysError(str(exc)) from None


def _lookup(catalog: Any, name: str) -> ProviderInfo:
    import difflib

    provider = catalog.provider(name)
    if provider is not None:
        return provider
    names = [p.slug for p in catalog.providers()] + [
        alias for p in catalog.providers() for alias in p.aliases
    ]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise KeysError(f"unknown provider {name!r}{hint}; see `playground models` for the list")


def _read_secret(provider: ProviderInfo) -> str:
    """The secret from a hidden prompt on a terminal, else the first line of stdin (at most
    :data:`MAX_SECRET_BYTES`, UTF-8: ``< /dev/zero`` or a binary file is refused)."""
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(f"{provider.name} key for {provider.slug} (input hidden): ")
        except EOFError:
            return ""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-only stdin (a program embedding us, a test double)
        line = sys.stdin.readline(MAX_SECRET_BYTES + 1).encode("utf-8", "surrogateescape")
    else:
        line = stream.readline(MAX_SECRET_BYTES + 1)
    if len(line.rstrip(b"\r\n")) > MAX_SECRET_BYTES:
        raise KeysError(f"the key on standard input is longer than {MAX_SECRET_BYTES} bytes")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise KeysError("the key on standard input is not UTF-8 text") from None


def _set(
    provider: ProviderInfo, config: Config, config_file: Any, catalog: Any, *, to_config: bool
) -> int:
    from playground.credentials import check_format
    from playground.credentials.resolve import credential_file
    from playground.secret import mask

    secret = _read_secret(provider).strip()
    if not secret:
        raise KeysError("no key given (type or pipe it in; keys are never taken from arguments)")
    if provider.simulated:
        print(f"note: {provider.slug} is simulated and needs no key", file=sys.stderr)
    fmt = check_format(provider, secret, catalog)
    if fmt.ok is False:
        print(f"warning: {fmt.message} (storing it anyway)", file=sys.stderr)
    if to_config:
        return _write_to_config(provider, config, config_file, secret)
    from playground.credentials.keyring_store import KeyringUnavailable, backend_name, store_key

    try:
        store_key(provider.slug, secret)
    except KeyringUnavailable as exc:
        print(
            f"playground keys: the key was NOT stored: {exc}. Store it with `playground keys "
            f"set {provider.slug} --config-file` (writes {config_file}, mode 0600), or save it "
            f"in {credential_file(provider)} (chmod 600)",
            file=sys.stderr,
        )
        # On a terminal the key was typed at a hidden prompt: offer not to make them retype it.
        if sys.stdin.isatty() and _confirm(f"Write it to {config_file} now (mode 0600)?"):
            return _write_to_config(provider, config, config_file, secret)
        return EXIT_FAILED
    print(f"stored the {provider.name} key {mask(secret)} in the OS keyring ({backend_name()})")
    _report_precedence(provider, "keyring", config)
    return EXIT_OK


def _confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; anything but y/yes (or end of input) is no."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _write_to_config(provider: ProviderInfo, config: Config, config_file: Any, secret: str) -> int:
    """Write the key to the config file's provider table (atomic, mode 0600)."""
    from playground.config.loader import ConfigError, parse_config
    from playground.credentials.key_files import save_to_config, settings_name
    from playground.secret import mask

    table = settings_name(provider, config)
    try:
        save_to_config(provider, secret, config, config_file)
    except ConfigError as exc:
        raise KeysError(str(exc)) from None
    except OSError as exc:
        print(f"playground keys: cannot write {config_file}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"wrote the {provider.name} key {mask(secret)} to {config_file} "
        f"([providers.{table}] api_key, mode 0600)"
    )
    _report_precedence(
        provider, "config api_key", parse_config(config_file.read_text(), config_file)
    )
    return EXIT_OK


def _report_precedence(provider: ProviderInfo, written: str, config: Config) -> None:
    """Say which source now wins, when it is not the one just written."""
    from playground.credentials import resolve_credentials

    status = resolve_credentials(provider, config)
    if status.source and not status.source.startswith(written):
        print(f"note: {status.source} takes precedence over the key just written")
    elif status.shadowed:
        print("note: it now shadows " + ", ".join(status.shadowed))


def _delete(provider: ProviderInfo, config: Config, catalog: Any) -> int:
    from playground.credentials import resolve_credentials
    from playground.credentials.keyring_store import KeyringUnavailable, delete_keys

    try:
        removed = delete_keys(provider.slug)
    except KeyringUnavailable as exc:
        print(f"playground keys: cannot delete: {exc}", file=sys.stderr)
        return EXIT_FAILED
    status = resolve_credentials(provider, config, catalog=catalog)
    remaining = f"; still set: {status.source}" if status.source else ""
    if removed == 0:
        print(f"no {provider.slug} key in the OS keyring{remaining}", file=sys.stderr)
        return EXIT_FAILED
    plural = "key" if removed == 1 else "keys"
    print(f"removed {removed} {provider.slug} {plural} from the OS keyring{remaining}")
    return EXIT_OK


def _list(config: Config, catalog: Any) -> int:
    from playground.credentials import resolve_credentials

    rows = []
    notes: set[str] = set()
    for provider in catalog.providers():
        status = resolve_credentials(provider, config, catalog=catalog)
        notes.update(status.notes)
        for key in status.keys:
            rows.append((provider.slug, key.masked, key.source))
        for label in status.shadowed:
            rows.append((provider.slug, "", f"{label} (shadowed)"))
    if not rows:
        print(
            "no keys found (looked in the OS keyring, environment, config file, "
            "credentials dir and .env)"
        )
    else:
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for slug, masked, source in rows:
            print(f"{slug.ljust(widths[0])}  {masked.ljust(widths[1])}  {source}".rstrip())
    for note in sorted(notes):
        print(f"note: {note}")
    return EXIT_OK
