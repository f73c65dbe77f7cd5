"""Exponential backoff with full jitter.

Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries of
many clients that failed together, so they do not all hit the recovering server at the same
instant — the behaviour AWS's "Exponential Backoff And Jitter" analysis recommends.
"""

from __future__ import annotations

import random


def backoff_ceiling(retry_index: int, base_s: float, cap_s: float) -> float:
    """The upper bound of the ``retry_index``-th wait (0-based): ``min(cap, base * 2**n)``."""
    if retry_index >= 63:  # 2**n would dwarf any cap; avoid building huge floats
        return cap_s
    return min(cap_s, base_s * 2**retry_index)


def full_jitter_delay(retry_index: int, base_s: float, cap_s: float, rng: random.Random) -> float:
    """A wait drawn uniformly from ``[0, min(cap, base * 2**retry_index)]``."""
    return rng.uniform(0.0, backoff_ceiling(retry_index, base_s, cap_s))
