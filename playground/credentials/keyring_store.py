"""The OS keyring as a credential source, guarded so it never crashes or hangs.

Layout: service ``playground``, username = provider slug for the primary key. Extra keys for
rotation are stored as ``<slug>#2``, ``<slug>#3``, … (keyring cannot enumerate entries, so
they are read in sequence until the first gap). ``playground keys set`` writes the primary
entry; ``playground keys delete`` removes the primary and every numbered entry.

Every backend call runs in a daemon thread with a deadline: a Secret Service that waits for
an unlock prompt on a headless machine must not freeze the command.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

SERVICE = "playground"
CALL_TIMEOUT_S = 3.0
MAX_ROTATION_ENTRIES = 16
NO_KEYRING = "no OS keyring available"

T = TypeVar("T")


class KeyringUnavailable(Exception):
    """The keyring cannot be used; the message is one line for the user (never a secret)."""


@dataclass(frozen=True, slots=True)
class KeyringRead:
    """Values read for one provider: ``values`` in rotation order, or why none could be read."""

    values: list[tuple[str, str]]  # (entry name, secret)
    problem: str | None = None


def entry_names(slug: str) -> list[str]:
    """The keyring usernames that may hold keys of ``slug``, primary first."""
    return [slug] + [f"{slug}#{n}" for n in range(2, MAX_ROTATION_ENTRIES + 1)]


def backend_name() -> str | None:
    """The active backend's name, or None when no usable backend exists."""
    try:
        backend = _backend()
    except KeyringUnavailable:
        return None
    return getattr(backend, "name", type(backend).__name__)


def read_keys(slug: str) -> KeyringRead:
    """Read the primary and rotation entries of ``slug``; never raises."""
    try:
        backend = _backend()
        values: list[tuple[str, str]] = []
        for name in entry_names(slug):
            value = _call(lambda n=name: backend.get_password(SERVICE, n))
            if value is None:
                break
            values.append((name, value))
        return KeyringRead(values)
    except KeyringUnavailable as exc:
        return KeyringRead([], str(exc))


def store_key(slug: str, secret: str) -> None:
    """Store ``secret`` as the primary key of ``slug`` and read it back.

    Raises :class:`KeyringUnavailable` when there is no keyring, or when the backend accepts
    the write but keeps nothing (keyring's null backend, a misconfigured chain): a key the
    user believes stored must never be silently lost.
    """
    backend = _backend()
    _call(lambda: backend.set_password(SERVICE, slug, secret))
    if _call(lambda: backend.get_password(SERVICE, slug)) != secret:
        name = getattr(backend, "name", type(backend).__name__)
        raise KeyringUnavailable(f"the OS keyring ({name}) did not keep the key")


def delete_keys(slug: str) -> int:
    """Delete the primary and rotation entries of ``slug``; return how many were removed."""
    backend = _backend()
    removed = 0
    for name in entry_names(slug):
        if _call(lambda n=name: backend.get_password(SERVICE, n)) is None:
            break
        _call(lambda n=name: backend.delete_password(SERVICE, n))
        removed += 1
    return removed


def _backend() -> object:
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # a broken keyring install must not break the app
        reason = f"keyring import failed: {type(exc).__name__}"
        raise KeyringUnavailable(f"{NO_KEYRING} ({reason})") from None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:
        raise KeyringUnavailable(f"{NO_KEYRING} ({type(exc).__name__})") from None
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable(NO_KEYRING)
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        raise KeyringUnavailable(NO_KEYRING)
    return backend


def _call(func: Callable[[], T]) -> T:
    """Run one backend call with a deadline; any failure becomes :class:`KeyringUnavailable`."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="keyring-call", daemon=True)
    thread.start()
    thread.join(CALL_TIMEOUT_S)
    if thread.is_alive():
        raise KeyringUnavailable(f"the OS keyring did not answer within {CALL_TIMEOUT_S:g} s")
    if "error" in outcome:
        error = outcome["error"]
        if type(error).__name__ == "PasswordDeleteError":
            return None  # type: ignore[return-value]
        # Only the exception type: backend messages could in theory echo a value.
        raise KeyringUnavailable(f"{NO_KEYRING} (keyring error: {type(error).__name__})")
    return outcome.get("value")  # type: ignore[return-value]
