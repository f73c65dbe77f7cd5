"""Tokens per second over one stream, for the comparison table's sparkline: the output
token count is sampled while the turn streams, and each pair of samples gives a rate."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

MAX_SAMPLES = 40
"""The trace keeps this many recent samples (a sparkline cell has no room for more)."""


@dataclass(slots=True)
class RateTrace:
    """``(time, output tokens so far)`` samples of one streaming turn."""

    samples: list[tuple[float, int]] = field(default_factory=list)

    def add(self, at: float, tokens: int) -> None:
        """Record the count at ``at``; a reading no later than the last one is ignored."""
        if self.samples and at <= self.samples[-1][0]:
            return
        self.samples.append((at, tokens))
        del self.samples[: -MAX_SAMPLES - 1]

    def rates(self) -> list[float]:
        """Tokens per second between each pair of consecutive samples (the first interval
        includes the wait for the first token, so it shows as a low start)."""
        return [
            max(0, later - earlier) / (t1 - t0)
            for (t0, earlier), (t1, later) in pairwise(self.samples)
        ]
