"""Rate-limit headroom from a provider's response headers.

Understood headers (names case-insensitive):

* OpenAI, Groq and most OpenAI-compatible servers: ``x-ratelimit-limit-requests``,
  ``x-ratelimit-remaining-requests``, ``x-ratelimit-reset-requests`` (a Go duration such as
  ``1s``, ``6m0s``, ``59.56s``, ``20ms``) and the same three for ``-tokens``;
* OpenRouter: ``x-ratelimit-limit``, ``x-ratelimit-remaining``, ``x-ratelimit-reset`` (requests;
  the reset is a Unix time in milliseconds);
* Anthropic: ``anthropic-ratelimit-requests-limit|remaining|reset`` and ``…-tokens-…`` (the
  reset is an RFC 3339 time);
* ``retry-after`` / ``retry-after-ms`` (seconds or an HTTP date), capped like every wait.

Resets are stored as seconds from the moment the headers were parsed (never negative, capped
at a day), so the object is JSON-safe and easy to show ("resets in 12 s").
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

MAX_RESET_S = 86_400.0
"""The longest reset time kept; anything later (or unparsable) is treated as a day."""

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Remaining requests and tokens and when they reset; None where the server said nothing."""

    requests_limit: int | None = None
    requests_remaining: int | None = None
    requests_reset_s: float | None = None
    tokens_limit: int | None = None
    tokens_remaining: int | None = None
    tokens_reset_s: float | None = None
    retry_after_s: float | None = None

    def summary(self) -> str:
        """One short line: ``requests 59/60 (reset 1 s) · tokens 149,984/150,000 (reset 6 ms)``."""
        parts = []
        for label, remaining, limit, reset in (
            ("requests", self.requests_remaining, self.requests_limit, self.requests_reset_s),
            ("tokens", self.tokens_remaining, self.tokens_limit, self.tokens_reset_s),
        ):
            if remaining is None and limit is None:
                continue
            count = _count(remaining) + (f"/{_count(limit)}" if limit is not None else "")
            parts.append(f"{label} {count}" + (f" (reset {_seconds(reset)})" if reset else ""))
        if self.retry_after_s is not None:
            parts.append(f"retry after {_seconds(self.retry_after_s)}")
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Every field, JSON-ready (all numbers are finite)."""
        return asdict(self)


def parse_rate_limits(headers: Mapping[str, str], now: float | None = None) -> RateLimits | None:
    """The headroom the headers describe, or None when they carry no rate-limit header.

    ``now`` (Unix seconds, default the current time) turns absolute reset times into
    seconds from now.
    """
    from playground.adapters.errors import parse_retry_after

    lower = {k.lower(): v.strip() for k, v in headers.items()}
    clock = time.time() if now is None else now
    fields: dict[str, Any] = {}
    for kind in ("requests", "tokens"):
        prefix = f"anthropic-ratelimit-{kind}-"
        if any(name.startswith(prefix) for name in lower):
            fields[f"{kind}_limit"] = _int(lower.get(prefix + "limit"))
            fields[f"{kind}_remaining"] = _int(lower.get(prefix + "remaining"))
            fields[f"{kind}_reset_s"] = _until_iso(lower.get(prefix + "reset"), clock)
        elif any(name.endswith(f"-{kind}") and name.startswith("x-ratelimit-") for name in lower):
            fields[f"{kind}_limit"] = _int(lower.get(f"x-ratelimit-limit-{kind}"))
            fields[f"{kind}_remaining"] = _int(lower.get(f"x-ratelimit-remaining-{kind}"))
            fields[f"{kind}_reset_s"] = _duration(lower.get(f"x-ratelimit-reset-{kind}"))
    if "requests_limit" not in fields and (
        "x-ratelimit-limit" in lower or "x-ratelimit-remaining" in lower
    ):
        fields["requests_limit"] = _int(lower.get("x-ratelimit-limit"))
        fields["requests_remaining"] = _int(lower.get("x-ratelimit-remaining"))
        fields["requests_reset_s"] = _until_epoch(lower.get("x-ratelimit-reset"), clock)
    if "retry-after" in lower or "retry-after-ms" in lower:
        fields["retry_after_s"] = parse_retry_after(lower, None)
    if not any(value is not None for value in fields.values()):
        return None
    return RateLimits(**fields)


def _int(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return int(value) if math.isfinite(value) and value >= 0 else None


def _cap(seconds: float) -> float | None:
    if math.isnan(seconds):
        return None
    return round(min(max(0.0, seconds), MAX_RESET_S), 3)


def _duration(raw: str | None) -> float | None:
    """A Go-style duration (``6m0s``, ``59.56s``, ``20ms``, ``1h2m``) or plain seconds."""
    if not raw:
        return None
    try:
        return _cap(float(raw))
    except ValueError:
        pass
    parts = _DURATION_PART.findall(raw)
    if not parts or "".join(n + u for n, u in parts) != raw.replace(" ", ""):
        return None
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return _cap(sum(float(number) * scale[unit] for number, unit in parts))


def _until_iso(raw: str | None, now: float) -> float | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return _cap(moment.timestamp() - now)


def _until_epoch(raw: str | None, now: float) -> float | None:
    """OpenRouter's reset: Unix time in milliseconds (seconds accepted too)."""
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return MAX_RESET_S
    seconds = value / 1000.0 if value > 1e11 else value
    return _cap(seconds - now)


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "?"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 10:
        return f"{value:.3g} s"
    if value < 120:  # whole seconds, rounded up: the headroom is surely back by then
        return f"{math.ceil(value)} s"
    return f"{value / 60:.0f} min"
