"""A wrapper that keeps API keys out of reprs, logs, exceptions and exports.

Code that needs the real value calls :meth:`Secret.reveal` at the last moment (building an
HTTP header); everything else sees only :func:`mask` output.
"""

from __future__ import annotations


def mask(value: str) -> str:
    """Mask a secret as prefix + ``…`` + last 4 characters.

    The prefix is at most 7 characters and never more than a quarter of the value, so short
    secrets reveal almost nothing: ``sk-proj-abc…wxyz`` style for long keys, ``…yz`` for short.
    """
    value = value.strip()
    if not value:
        return ""
    if len(value) < 12:
        return "…" + value[-2:] if len(value) > 4 else "…"
    prefix = value[: min(7, len(value) // 4)]
    return f"{prefix}…{value[-4:]}"


class Secret:
    """An opaque secret string; ``str()`` and ``repr()`` show only the masked form."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the real value. Call only to put it on the wire or into a keyring."""
        return self._value

    @property
    def masked(self) -> str:
        """The masked form, safe to show."""
        return mask(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    __str__ = __repr__
