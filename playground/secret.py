"""A wrapper that keeps API keys out of reprs, logs, exceptions and exports.

Code that needs the real value calls :meth:`Secret.reveal` at the last moment (building an
HTTP header); everything else sees only :func:`mask` output.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable


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


_MIN_FRAGMENT = 12
_MIN_SECRET = 8
"""Shorter values are placeholders local servers accept ("ollama", "none"), not secrets."""
"""A run of this many characters of a secret in provider text counts as a partial echo."""


def _escaped_forms(value: str) -> set[str]:
    """How a secret can appear in provider text: as is, URL-encoded, JSON- or slash-escaped."""
    from urllib.parse import quote, quote_plus

    forms = {
        value,
        quote(value, safe=""),
        quote(value, safe="/"),
        quote_plus(value, safe=""),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        value.replace("/", "\\/"),
    }
    return {form for form in forms if form}


class Scrubber:
    """Replaces every secret a request could have carried with its masked form.

    Built once per endpoint (or chain) from the raw secret values; :meth:`scrub` is applied to
    provider-supplied text before it becomes an event. Besides the whole secret it catches
    its URL-encoded and JSON-escaped forms and partial echoes: any run of at least
    ``min(12, len(secret))`` characters of a secret (a provider that truncates the key).
    """

    __slots__ = ("_forms", "_grams", "_size")

    def __init__(self, secrets: Iterable[str]) -> None:
        # (form, masked original), longest first so a whole key wins over its fragments.
        pairs: dict[str, str] = {}
        for secret in secrets:
            secret = secret.strip()
            if len(secret) < _MIN_SECRET:
                continue  # a placeholder ("ollama", "EMPTY"), not worth garbling messages for
            for form in _escaped_forms(secret):
                pairs.setdefault(form, mask(secret))
        self._forms = sorted(pairs.items(), key=lambda item: -len(item[0]))
        self._size = min((min(_MIN_FRAGMENT, len(f)) for f, _ in self._forms), default=0)
        self._grams: dict[str, list[tuple[str, str]]] = {}
        for form, masked in self._forms:
            for start in range(len(form) - self._size + 1):
                self._grams.setdefault(form[start : start + self._size], []).append((form, masked))

    def __bool__(self) -> bool:
        return bool(self._forms)

    def scrub(self, text: str) -> str:
        """``text`` with every whole or partial secret replaced by its masked form."""
        if not self._forms or not text:
            return text
        for form, masked in self._forms:
            if form in text:
                text = text.replace(form, masked)
        return self._scrub_fragments(text)

    def _scrub_fragments(self, text: str) -> str:
        size = self._size
        grams = self._grams
        out: list[str] = []
        kept = 0
        position = 0
        while position <= len(text) - size:
            owners = grams.get(text[position : position + size])
            if owners is None:
                position += 1
                continue
            form, masked = owners[0]
            end = position + size
            while end < len(text) and text[position : end + 1] in form:
                end += 1  # extend the echoed run as far as it matches the secret
            out.append(text[kept:position])
            out.append(masked)
            kept = position = end
        out.append(text[kept:])
        return "".join(out)


def redact_url(url: str) -> str:
    """``url`` safe to print: a basic-auth password and secret-looking query values masked."""
    from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, has_password, password = userinfo.partition(":")
        if has_password:
            netloc = f"{user}:{mask(password) or '…'}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_name(name) for name, _ in pairs):
            # Shown, not sent: the masked value stays readable instead of percent-encoded.
            query = "&".join(
                f"{quote(name)}={mask(value) if is_secret_name(name) else quote(value)}"
                for name, value in pairs
            )
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


_SECRET_NAME_WORDS = ("key", "token", "secret", "password", "passwd", "auth", "signature", "cookie")


def is_secret_name(name: str) -> bool:
    """Whether a header or query parameter called ``name`` carries a credential."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_NAME_WORDS)


def url_secrets(url: str) -> list[str]:
    """The credentials embedded in ``url``: a basic-auth password (also as the Basic header's
    base64 token) and secret query values."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = []
    if parts.password:
        password = unquote(parts.password)
        found += [parts.password, password]
        # httpx sends it as ``Authorization: Basic base64(user:password)``; a server may echo that.
        pair = f"{unquote(parts.username or '')}:{password}".encode()
        found.append(base64.b64encode(pair).decode())
    found += [v for n, v in parse_qsl(parts.query) if is_secret_name(n) and v]
    return found
