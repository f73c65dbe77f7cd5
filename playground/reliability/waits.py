"""Upper bounds on what a server can make the client wait, and JSON-safe numbers.

A server's requested wait (``Retry-After``, ``retry-after-ms``, Gemini's ``retryDelay``, "try
again in …") is capped to :data:`MAX_RETRY_AFTER_S` when it is parsed, so ``inf``, ``1e308``
or a date in 2099 cools a candidate for ten minutes, not for the rest of the session, and no
infinite number reaches an event.
"""

from __future__ import annotations

import math
from typing import Any

MAX_RETRY_AFTER_S = 600.0
"""The longest wait (and so the longest Retry-After cooldown) a server can ask for."""


def cap_wait(seconds: float) -> float | None:
    """``seconds`` clamped to ``0 … MAX_RETRY_AFTER_S``; None for NaN (no usable answer)."""
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (``inf``, ``nan``) replaced by None, so
    ``json.dumps`` can only produce valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value
