"""Live per-pane metrics computed from the event stream (cheap: called for every event)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from playground.adapters.rate_limits import RateLimits
from playground.catalog.types import Prices
from playground.events import (
    Attempt,
    CircuitOpen,
    Cooldown,
    Done,
    Error,
    Fallback,
    Retry,
    Start,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
)

CHARS_PER_TOKEN = 4.0
"""Estimate used while streaming, replaced by the provider's usage when it arrives."""
MIN_RATE_TOKENS = 2
MIN_RATE_SPAN_S = 0.1
"""Tokens per second needs at least this many tokens over at least this long after the
first token: a one-token answer, or a burst that arrived in one network read, has no
meaningful rate (it would show thousands of tokens per second), so none is shown."""


def estimated_tokens(chars: float) -> int:
    """The streaming estimate for ``chars`` characters of text: 0 for none, else at least 1.

    The pane footer and the thinking section both count with this, so they agree.
    """
    return max(1, round(chars / CHARS_PER_TOKEN)) if chars > 0 else 0


def wait_text(seconds: float) -> str:
    """A retry wait as people read it: ``in 1.5 s``, ``in 250 ms`` under a second, and
    ``now`` when there is nothing to wait (never ``in 0.0 s``)."""
    if seconds >= 1:
        return f"in {seconds:.1f} s"
    ms = round(seconds * 1000)
    return f"in {ms} ms" if ms >= 1 else "now"


class PaneStatus(StrEnum):
    """What a pane is doing right now."""

    IDLE = "idle"
    WAITING = "waiting"  # request sent, nothing back yet
    THINKING = "thinking"
    STREAMING = "streaming"
    TOOL = "tool"  # running a local tool between model steps
    RETRYING = "retrying"  # see ``PaneMetrics.retry_in_s``
    FELL_BACK = "fell_back"  # moved to another candidate, waiting for it
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class PaneMetrics:
    """Metrics of the current (or last) turn of one pane, updated per event by :meth:`observe`.

    ``ttft_ms`` is measured from the start of the turn to the first output event (text,
    thinking or tool call). ``tokens_per_s`` is output tokens over the time since the first
    token; while streaming the token count is estimated from the text length, and replaced
    by the provider's usage as soon as a ``Usage`` event arrives; it stays None while too few
    tokens over too short a time make a rate meaningless (see ``MIN_RATE_SPAN_S``).
    ``reasoning_tokens`` is the provider's own count when its usage reports one, else the
    estimate from the streamed thinking text, and then ``reasoning_estimated`` is set (shown
    as "~"). ``hop`` is the 1-based index
    of the fallback candidate in use; ``answered_by`` the candidate label that answered.
    ``rate_limits`` is the last rate-limit headroom a response of this turn reported.
    """

    status: PaneStatus = PaneStatus.IDLE
    started_at: float | None = None
    first_token_at: float | None = None
    finished_at: float | None = None
    ttft_ms: float | None = None
    tokens_per_s: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    reasoning_estimated: bool = False
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    usage_reported: bool = False
    cost_usd: float | None = None
    answered_by: str | None = None
    candidate: str | None = None
    hop: int = 1
    attempt: int = 1
    retry_in_s: float | None = None
    retry_until: float | None = None
    error: str | None = None
    steps: int = 0
    thinking_label: str | None = None
    rate_limits: RateLimits | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    _estimated_chars: float = field(default=0.0, repr=False)
    _thinking_chars: float = field(default=0.0, repr=False)
    _step_reasoning_reported: bool = field(default=False, repr=False)
    # Usage from earlier steps of a tool loop, added to the current step's usage.
    _base_in: int = field(default=0, repr=False)
    _base_out: int = field(default=0, repr=False)
    _base_reasoning: int = field(default=0, repr=False)
    _base_reasoning_estimated: bool = field(default=False, repr=False)

    def begin(self) -> None:
        """Reset for a new turn and start its clock."""
        clock = self.clock
        label = self.thinking_label
        for name, value in PaneMetrics(clock=clock).as_dict().items():
            setattr(self, name, value)
        self.thinking_label = label
        self._estimated_chars = self._thinking_chars = 0.0
        self._step_reasoning_reported = self._base_reasoning_estimated = False
        self._base_in = self._base_out = self._base_reasoning = 0
        self.started_at = clock()
        self.status = PaneStatus.WAITING

    def next_step(self) -> None:
        """A tool-loop step ended; keep its usage and count the next step's on top."""
        self._base_in = self.input_tokens
        self._base_out = self.output_tokens
        self._base_reasoning = self.reasoning_tokens
        self._base_reasoning_estimated = self.reasoning_estimated
        self.usage_reported = self._step_reasoning_reported = False
        self._estimated_chars = self._thinking_chars = 0.0
        self.steps += 1
        self.status = PaneStatus.WAITING

    @property
    def elapsed_s(self) -> float:
        """Seconds since the turn started (frozen once it finished)."""
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else self.clock()
        return end - self.started_at

    def observe(self, event: StreamEvent) -> None:
        """Update the metrics for one event (the hot path: keep it cheap)."""
        kind = type(event)
        if kind is TextDelta or kind is ThinkingDelta:
            self._output(len(event.text), kind is ThinkingDelta)  # type: ignore[union-attr]
        elif kind is ToolCallDelta:
            self._output(len(event.arguments_fragment), False)  # type: ignore[union-attr]
        elif kind is ToolCallStart or kind is ToolCallEnd:
            self._output(0, False)
        elif kind is Usage:
            self._usage(event)  # type: ignore[arg-type]
        elif kind is Attempt:
            self.candidate = event.candidate  # type: ignore[union-attr]
            self.attempt = event.attempt  # type: ignore[union-attr]
            if self.status in (PaneStatus.RETRYING, PaneStatus.FELL_BACK, PaneStatus.IDLE):
                self.status = PaneStatus.WAITING
            self.retry_in_s = self.retry_until = None
        elif kind is Retry:
            self.status = PaneStatus.RETRYING
            self.retry_in_s = event.delay_s  # type: ignore[union-attr]
            self.retry_until = self.clock() + event.delay_s  # type: ignore[union-attr]
        elif kind is Fallback:
            self.status = PaneStatus.FELL_BACK
            self.hop += 1
            self.candidate = event.to  # type: ignore[union-attr]
            self.retry_in_s = self.retry_until = None
        elif kind is Cooldown or kind is CircuitOpen:
            pass
        elif kind is Done:
            self._done(event)  # type: ignore[arg-type]
        elif kind is Error:
            self.error = event.message  # type: ignore[union-attr]
            self._limits(event.rate_limits)  # type: ignore[union-attr]
        elif kind is Start:
            self._limits(event.rate_limits)  # type: ignore[union-attr]

    def _limits(self, limits: RateLimits | None) -> None:
        if limits is not None:
            self.rate_limits = limits

    def _output(self, chars: int, thinking: bool) -> None:
        now = self.clock()
        if self.first_token_at is None:
            self.first_token_at = now
            if self.started_at is not None:
                self.ttft_ms = (now - self.started_at) * 1000.0
        self.status = PaneStatus.THINKING if thinking else PaneStatus.STREAMING
        if not self.usage_reported:
            self._estimated_chars += chars
            self.output_tokens = self._base_out + estimated_tokens(self._estimated_chars)
        if thinking and not self._step_reasoning_reported:
            self._thinking_chars += chars
            self.reasoning_tokens = self._base_reasoning + estimated_tokens(self._thinking_chars)
            self.reasoning_estimated = True
        self._rate(now)

    def _usage(self, usage: Usage) -> None:
        self.usage_reported = True
        self.input_tokens = self._base_in + usage.input_tokens
        self.output_tokens = self._base_out + usage.output_tokens
        if usage.reasoning_tokens:
            # The model's own count replaces this step's estimate.
            self.reasoning_tokens = self._base_reasoning + usage.reasoning_tokens
            self.reasoning_estimated = self._base_reasoning_estimated
            self._step_reasoning_reported = True
        self.cache_read_tokens = usage.cache_read_tokens
        self.cache_write_tokens = usage.cache_write_tokens
        self._rate(self.clock())

    def _rate(self, now: float) -> None:
        if self.first_token_at is None:
            return
        span = now - self.first_token_at
        if span >= MIN_RATE_SPAN_S and self.output_tokens >= MIN_RATE_TOKENS:
            self.tokens_per_s = self.output_tokens / span
        else:
            self.tokens_per_s = None

    def _done(self, done: Done) -> None:
        if done.answered_by:
            self.answered_by = done.answered_by
        self._rate(self.clock())

    def finish(self, status: PaneStatus, prices: Prices | None = None) -> None:
        """Close the turn with its final status; compute the cost from ``prices``."""
        self.finished_at = self.clock()
        self.status = status
        self.retry_in_s = self.retry_until = None
        if prices is not None:
            self.cost_usd = cost_usd(self, prices)

    def as_dict(self) -> dict[str, object]:
        """The public fields, JSON-ready (used by transcripts and exports)."""
        return {
            "status": str(self.status),
            "started_at": self.started_at,
            "first_token_at": self.first_token_at,
            "finished_at": self.finished_at,
            "ttft_ms": self.ttft_ms,
            "tokens_per_s": self.tokens_per_s,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "reasoning_estimated": self.reasoning_estimated,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "usage_reported": self.usage_reported,
            "cost_usd": self.cost_usd,
            "answered_by": self.answered_by,
            "candidate": self.candidate,
            "hop": self.hop,
            "attempt": self.attempt,
            "retry_in_s": self.retry_in_s,
            "retry_until": self.retry_until,
            "error": self.error,
            "steps": self.steps,
            "thinking_label": self.thinking_label,
            "rate_limits": self.rate_limits.to_json() if self.rate_limits else None,
        }


def cost_usd(metrics: PaneMetrics, prices: Prices) -> float | None:
    """Cost of the turn in USD from per-million-token prices; None when prices are unknown."""
    if prices.input is None and prices.output is None:
        return None
    uncached_in = max(metrics.input_tokens - metrics.cache_read_tokens, 0)
    total = uncached_in * (prices.input or 0.0) + metrics.output_tokens * (prices.output or 0.0)
    total += metrics.cache_read_tokens * (
        prices.cache_read if prices.cache_read is not None else prices.input or 0.0
    )
    total += metrics.cache_write_tokens * (prices.cache_write or 0.0)
    return total / 1_000_000
