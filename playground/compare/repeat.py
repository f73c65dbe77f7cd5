"""Repeat in the app: the same prompt N times per pane, TTFT and tokens/s as p50 / p95.

One sample is not a latency comparison. Each run re-sends the pane's last prompt in place
of the previous run (``Pane.retry``), so every run sees the same conversation; this module
only counts the runs and summarises their figures (no Textual here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from playground.compare.stats import percentile

MIN_RUNS = 2
MAX_RUNS = 50


class RepeatError(ValueError):
    """A run count that cannot be used; one line."""


def parse_runs(text: str) -> int:
    """The number of runs typed by the user (``MIN_RUNS``–``MAX_RUNS``)."""
    try:
        runs = int(text.strip())
    except ValueError:
        raise RepeatError(f"not a number of runs: {text.strip()!r}") from None
    if not MIN_RUNS <= runs <= MAX_RUNS:
        raise RepeatError(f"runs must be between {MIN_RUNS} and {MAX_RUNS}, not {runs}")
    return runs


@dataclass(slots=True)
class PaneRuns:
    """One pane's runs so far: successful samples and failures."""

    ttft_ms: list[float] = field(default_factory=list)
    tokens_per_s: list[float] = field(default_factory=list)
    finished: int = 0
    failed: int = 0

    def add(self, status: str, metrics: dict[str, Any]) -> None:
        """Count one finished run; only a ``done`` run gives speed samples."""
        self.finished += 1
        if status != "done":
            self.failed += 1
            return
        if metrics.get("ttft_ms") is not None:
            self.ttft_ms.append(float(metrics["ttft_ms"]))
        if metrics.get("tokens_per_s") is not None:
            self.tokens_per_s.append(float(metrics["tokens_per_s"]))

    def spread(self) -> dict[str, float | None]:
        """p50 / p95 of TTFT and tokens per second over the successful runs."""
        return {
            "ttft_p50": percentile(self.ttft_ms, 50),
            "ttft_p95": percentile(self.ttft_ms, 95),
            "tps_p50": percentile(self.tokens_per_s, 50),
            "tps_p95": percentile(self.tokens_per_s, 95),
        }


@dataclass(slots=True)
class RepeatRun:
    """``runs`` runs for each of the panes ``pane_ids``; ``stopped`` when cut short."""

    runs: int
    panes: dict[str, PaneRuns]
    stopped: bool = False

    @classmethod
    def start(cls, runs: int, pane_ids: Iterable[str]) -> RepeatRun:
        """A new repeat over these panes."""
        return cls(runs, {pane_id: PaneRuns() for pane_id in pane_ids})

    def record(self, pane_id: str, status: str, metrics: dict[str, Any]) -> bool:
        """Count a finished run of ``pane_id``; True when that pane should run again."""
        pane = self.panes.get(pane_id)
        if pane is None or self.stopped:
            return False
        pane.add(status, metrics)
        return pane.finished < self.runs

    @property
    def finished(self) -> int:
        """Runs finished over all panes."""
        return sum(pane.finished for pane in self.panes.values())

    @property
    def total(self) -> int:
        """Runs planned over all panes."""
        return self.runs * len(self.panes)

    @property
    def complete(self) -> bool:
        """Every pane ran every run (or the repeat was stopped)."""
        return self.stopped or all(p.finished >= self.runs for p in self.panes.values())

    def rows(self, pane_ids: Sequence[str]) -> list[PaneRuns | None]:
        """Each listed pane's runs (None for a pane that is not part of the repeat)."""
        return [self.panes.get(pane_id) for pane_id in pane_ids]
