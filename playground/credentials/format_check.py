"""Does a key have the provider's known shape — and if not, what does it look like instead?

Messages describe the key (length, prefix, masked form) and never contain it in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol as TypingProtocol

from playground.catalog.types import KeyFormat, ProviderInfo
from playground.secret import mask

_QUOTES = ("\"'", "“”", "‘’")


class ProviderSource(TypingProtocol):
    """Anything that lists providers (the catalog)."""

    def providers(self) -> Iterable[ProviderInfo]: ...


def check_format(provider: ProviderInfo, key: str, catalog: ProviderSource | None = None):
    """Check ``key`` against ``provider``'s key formats.

    Returns a :class:`~playground.credentials.types.FormatCheck`: ok=True when a pattern
    matches, ok=False with the reason (pasted whitespace or quotes, truncated or too long, or
    "this looks like an OpenRouter key (sk-or-v1-…)" from the other providers in ``catalog``),
    ok=None when the provider has no known format.
    """
    from playground.credentials.types import FormatCheck

    if not key.strip():
        return FormatCheck(False, "the key is empty")
    if key != key.strip():
        return FormatCheck(False, _whitespace_message(key))
    if any(char.isspace() for char in key):
        return FormatCheck(False, "the key contains a space or line break (pasted twice?)")
    if len(key) >= 2 and any(key[0] in pair and key[-1] in pair for pair in _QUOTES):
        return FormatCheck(False, "the key is wrapped in quotes: remove them")
    if not key.isascii() or not key.isprintable():
        return FormatCheck(False, "the key contains non-ASCII or invisible characters")
    formats = provider.key_formats
    matched = next((fmt for fmt in formats if _matches(fmt, key)), None)
    if matched is not None:
        description = matched.description
        return FormatCheck(True, f"looks like {_article(description)} {description}")
    if not formats:
        return FormatCheck(None, f"no known key format for {provider.name}")
    other = _looks_like(provider, key, catalog)
    if other is not None:
        return FormatCheck(
            False,
            f"this looks like {_article(other.description)} {other.description}, "
            f"not {_article(provider.name)} {provider.name} key",
        )
    length_issue = _length_issue(provider, key)
    if length_issue:
        return FormatCheck(False, length_issue)
    return FormatCheck(
        False,
        f"{mask(key)} ({len(key)} chars) does not match {formats_summary(provider)}",
    )


def formats_summary(provider: ProviderInfo) -> str:
    """The descriptions of a provider's key formats, joined with "or"."""
    return " or ".join(fmt.description for fmt in provider.key_formats)


def _whitespace_message(key: str) -> str:
    what = "a line break" if ("\n" in key or "\r" in key) else "spaces"
    return f"the key has {what} around it (pasted with extra characters?)"


def _matches(fmt: KeyFormat, key: str) -> bool:
    compiled = _compile(fmt.pattern)
    return compiled is not None and compiled.fullmatch(key) is not None


def _length_issue(provider: ProviderInfo, key: str) -> str | None:
    """Report a key that starts like the provider's format but has the wrong length."""
    for fmt in provider.key_formats:
        prefix = literal_prefix(fmt.pattern)
        if len(prefix) < 3 or not key.startswith(prefix):
            continue
        low, high = pattern_length(fmt.pattern)
        if low is not None and len(key) < low:
            return (
                f"the key looks truncated: {len(key)} chars, "
                f"{_article(fmt.description)} {fmt.description} has {_length_text(low, high)}"
            )
        if high is not None and len(key) > high:
            return (
                f"the key is too long: {len(key)} chars, {_article(fmt.description)} "
                f"{fmt.description} has {_length_text(low, high)} (two keys pasted together?)"
            )
        return (
            f"starts like {_article(fmt.description)} {fmt.description} "
            "but contains unexpected characters"
        )
    return None


def _looks_like(
    provider: ProviderInfo, key: str, catalog: ProviderSource | None
) -> KeyFormat | None:
    """The most specific other provider's format that ``key`` matches."""
    if catalog is None:
        return None
    best: tuple[int, KeyFormat] | None = None
    for other in catalog.providers():
        if other.slug == provider.slug:
            continue
        for fmt in other.key_formats:
            if _matches(fmt, key):
                specificity = len(literal_prefix(fmt.pattern))
                if best is None or specificity > best[0]:
                    best = (specificity, fmt)
    return best[1] if best else None


def literal_prefix(pattern: str) -> str:
    """The literal characters a regex starts with (``^sk-or-v1-[0-9a-f]{64}`` → ``sk-or-v1-``)."""
    prefix = []
    body = pattern.removeprefix("^").removeprefix("\\A")
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and not body[index + 1].isalnum():
            prefix.append(body[index + 1])
            index += 2
            continue
        if char in ".^$*+?{}[]|()\\":
            # A quantifier applies to the previous character, which is then not certain.
            if char in "*?{" and prefix:
                prefix.pop()
            break
        prefix.append(char)
        index += 1
    return "".join(prefix)


def pattern_length(pattern: str) -> tuple[int | None, int | None]:
    """The (min, max) length a regex matches; None where unknown or unbounded."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        low, high = _parser.parse(pattern).getwidth()
    except Exception:
        return None, None
    return low, (high if high < 10_000 else None)


def _length_text(low: int | None, high: int | None) -> str:
    if low is not None and low == high:
        return f"{low} chars"
    if high is None:
        return f"at least {low} chars"
    return f"{low}–{high} chars"


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"
