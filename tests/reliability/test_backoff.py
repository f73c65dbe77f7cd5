"""Exponential backoff with full jitter: every wait is uniform in [0, min(cap, base * 2**n)]."""

from __future__ import annotations

import random

import pytest

from playground.reliability.backoff import backoff_ceiling, full_jitter_delay


@pytest.mark.parametrize(
    ("retry_index", "ceiling"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0)]
)
def test_ceiling_doubles_up_to_the_cap(retry_index: int, ceiling: float) -> None:
    assert backoff_ceiling(retry_index, 0.5, 8.0) == ceiling


def test_huge_retry_index_stays_at_the_cap() -> None:
    assert backoff_ceiling(10_000, 0.5, 8.0) == 8.0


@pytest.mark.parametrize("retry_index", [0, 1, 3, 6])
def test_full_jitter_spreads_over_the_whole_range(retry_index: int) -> None:
    rng = random.Random(42)
    ceiling = backoff_ceiling(retry_index, 0.5, 8.0)
    draws = [full_jitter_delay(retry_index, 0.5, 8.0, rng) for _ in range(2000)]
    assert all(0.0 <= d <= ceiling for d in draws)
    # full jitter, not "ceiling plus a little noise": both ends of the range are reached
    assert min(draws) < 0.05 * ceiling
    assert max(draws) > 0.95 * ceiling
    assert 0.45 * ceiling < sum(draws) / len(draws) < 0.55 * ceiling


def test_the_rng_is_injectable_and_deterministic() -> None:
    first = [full_jitter_delay(n, 0.5, 8.0, random.Random(1)) for n in range(5)]
    second = [full_jitter_delay(n, 0.5, 8.0, random.Random(1)) for n in range(5)]
    assert first == second
