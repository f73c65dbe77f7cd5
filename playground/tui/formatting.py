"""Pure text formatting for pane headers, footers and timeline rows (no widgets here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text

from playground.events import (
    Attempt,
    CircuitHalfOpen,
    CircuitOpen,
    Cooldown,
    Done,
    Error,
    Fallback,
    KeyRotated,
    Retry,
)

if TYPE_CHECKING:
    from playground.adapters.rate_limits import RateLimits
    from playground.catalog.types import ModelInfo
    from playground.session.metrics import PaneMetrics

# Keyed by PaneStatus values (a StrEnum, so members look up their plain strings): the
# session package is imported only once the app opens its session, after the first frame.
STATUS_LOOK: dict[str, tuple[str, str]] = {
    "idle": ("·", "idle"),
    "waiting": ("…", "waiting"),
    "thinking": ("◐", "thinking"),
    "streaming": ("●", "streaming"),
    "tool": ("⚒", "running tool"),
    "retrying": ("⟳", "retrying"),
    "fell_back": ("↪", "fell back"),
    "done": ("✓", "done"),
    "failed": ("✗", "failed"),
    "cancelled": ("■", "cancelled"),
}
STATUS_CLASS: dict[str, str] = {
    "done": "ok",
    "failed": "error",
    "cancelled": "warning",
    "retrying": "warning",
    "fell_back": "warning",
}


def capability_badges(model: ModelInfo) -> str:
    """Compact capability badges: ⚒ tools, ◉ vision, ✦ thinking (unknown shows nothing)."""
    badges = []
    if model.tools:
        badges.append("⚒")
    if model.vision:
        badges.append("◉")
    if model.thinking:
        badges.append("✦")
    return " ".join(badges)


def short_reason(reason: str, limit: int = 48) -> str:
    """The head of a router reason (``rate_limited (429): long provider text``)."""
    head, _, rest = reason.partition(": ")
    if rest and len(head) <= limit:
        return head
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def format_tokens(count: int) -> str:
    """``12,345`` style; ``128k`` above 100k; ``1.0M`` above a million."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    return f"{count / 1000:.0f}k" if count >= 100_000 else f"{count:,}"


def format_duration_ms(ms: float | None) -> str:
    """``41 ms`` below a second, ``1.2 s`` above; ``–`` when unknown."""
    if ms is None:
        return "–"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def format_cost(cost: float | None) -> str:
    """Dollars with enough precision for tiny requests; ``$ –`` when prices are unknown."""
    if cost is None:
        return "$ –"
    return f"${cost:.4f}" if cost < 1 else f"${cost:.2f}"


def status_line(
    metrics: PaneMetrics,
    clock: Callable[[], float],
    *,
    steps_limit: int = 0,
    compact: bool = False,
) -> Text:
    """First footer line: status (with retry countdown / hop), TTFT and tokens per second."""
    icon, word = STATUS_LOOK[metrics.status]
    if metrics.status == "retrying" and metrics.retry_until is not None:
        remaining = max(0.0, metrics.retry_until - clock())
        word = f"retrying in {remaining:.0f} s" if remaining >= 1 else "retrying now"
    if metrics.status == "done" and metrics.hop > 1:
        word = f"done via hop {metrics.hop}"
    line = Text(f"{icon} {word}", style=_status_style(metrics.status))
    if metrics.steps and steps_limit:
        line.append(f"  step {metrics.steps}/{steps_limit}", style="dim")
    line.append(" " if compact else "  TTFT ", style="dim")
    line.append(format_duration_ms(metrics.ttft_ms))
    line.append(" " if compact else "  ", style="dim")
    rate = metrics.tokens_per_s
    unit = "t/s" if compact else "tok/s"
    line.append(f"{rate:,.0f} {unit}" if rate is not None else f"– {unit}")
    line.no_wrap = True
    line.overflow = "ellipsis"
    return line


def usage_line(metrics: PaneMetrics, label: str = "") -> Text:
    """Second footer line: input/output tokens, cost and the candidate that answered
    (only when it is not simply ``label``, the pane's own model)."""
    line = Text()
    line.append(f"{format_tokens(metrics.input_tokens)} in · ")
    line.append(f"{format_tokens(metrics.output_tokens)} out")
    if metrics.reasoning_tokens:
        about = "~" if metrics.reasoning_estimated else ""
        line.append(f" ({about}{format_tokens(metrics.reasoning_tokens)} thinking)", style="dim")
    line.append(" · " + format_cost(metrics.cost_usd))
    who = metrics.answered_by or metrics.candidate
    if who and who != label:
        line.append("  by ", style="dim")
        line.append(who, style="italic")
    line.no_wrap = True
    line.overflow = "ellipsis"
    return line


def _status_style(status: str) -> str:
    return {
        "ok": "bold green",
        "error": "bold red",
        "warning": "bold yellow",
    }.get(STATUS_CLASS.get(status, ""), "bold")


def retry_wait(delay_s: float, source: str) -> str:
    """``in 250 ms (backoff)``, ``now (Retry-After)``: when a retry happens and who said so."""
    from playground.session.metrics import wait_text  # the session loads after the first frame

    why = "Retry-After" if source == "retry_after" else "backoff"
    return f"{wait_text(delay_s)} ({why})"


def timeline_row(event: object) -> tuple[str, str] | None:
    """A timeline row (icon, text) for a router event; None for events not shown there."""
    if isinstance(event, Attempt):
        key = f" · key {event.key}" if event.key else ""
        return "→", f"attempt {event.attempt} · {event.candidate}{key}"
    if isinstance(event, Retry):
        wait = retry_wait(event.delay_s, event.source)
        return "⟳", f"retry {event.candidate} {wait} · {short_reason(event.reason)}"
    if isinstance(event, Fallback):
        return "↪", f"fallback {event.from_} → {event.to} · {short_reason(event.reason)}"
    if isinstance(event, KeyRotated):
        return "⚿", f"key rotated · {event.provider} → {event.key} · {short_reason(event.reason)}"
    if isinstance(event, Cooldown):
        return "❄", (
            f"cooldown {event.candidate} · {event.delay_s:.0f} s · {short_reason(event.reason)}"
        )
    if isinstance(event, CircuitOpen):
        return "⊘", f"breaker open {event.candidate} after {event.failures} failures"
    if isinstance(event, CircuitHalfOpen):
        return "◑", f"breaker half-open {event.candidate} · probing"
    if isinstance(event, Done):
        who = f" by {event.answered_by}" if event.answered_by else ""
        return "✓", f"answered{who} · {event.stop_reason}{_headroom(event.rate_limits)}"
    if isinstance(event, Error):
        status = f"{event.status} " if event.status else ""
        reason = short_reason(event.message, 80)
        return "✗", f"{status}{event.kind} · {reason}{_headroom(event.rate_limits)}"
    return None


def _headroom(limits: RateLimits | None) -> str:
    """`` · left: requests 59/60 (reset 1 s) · …`` for a timeline row, or "" without limits."""
    summary = limits.summary() if limits is not None else ""
    return f" · left: {summary}" if summary else ""
