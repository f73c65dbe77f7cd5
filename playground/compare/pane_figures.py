"""Figures for the app's comparison table: one row per pane, for its last turn and for the
session so far, built from the turns a pane recorded (``Turn.metrics`` and its answer).

No Textual here: the table widget in ``playground/tui`` only renders these rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from playground.compare.stats import percentile

SPARK_BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class Figures:
    """One row of the comparison table (a pane's last turn, or its whole session).

    For a session row, ``ttft_ms`` and ``tokens_per_s`` are medians over the turns that
    have a value, counts and cost are sums (cost None when no turn had a known price),
    ``stop_reason`` is the last turn's, and ``ttft_series`` holds every turn's TTFT (None
    where a turn produced no output).
    """

    turns: int
    ttft_ms: float | None
    tokens_per_s: float | None
    input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost_usd: float | None
    hops: int
    fallbacks: int
    retries: int
    stop_reason: str | None
    answer_chars: int
    ttft_series: tuple[float | None, ...] = ()


def turn_figures(turn: Any, live: dict[str, Any] | None = None) -> Figures:
    """The figures of one turn (a :class:`~playground.session.transcript.Turn`); a turn
    still streaming has no saved metrics yet, so ``live`` (``PaneMetrics.as_dict()``)
    stands in for them."""
    metrics: dict[str, Any] = turn.metrics or live or {}
    events = turn.router_events
    ttft = metrics.get("ttft_ms")
    return Figures(
        turns=1,
        ttft_ms=ttft,
        tokens_per_s=metrics.get("tokens_per_s"),
        input_tokens=int(metrics.get("input_tokens") or 0),
        output_tokens=int(metrics.get("output_tokens") or 0),
        reasoning_tokens=int(metrics.get("reasoning_tokens") or 0),
        cost_usd=metrics.get("cost_usd"),
        hops=int(metrics.get("hop") or 1),
        fallbacks=sum(1 for event in events if event.get("type") == "fallback"),
        retries=sum(1 for event in events if event.get("type") == "retry"),
        stop_reason=turn.stop_reason or (turn.status if turn.status != "done" else None),
        answer_chars=len(turn.text),
        ttft_series=(ttft,),
    )


def session_figures(turns: Sequence[Any]) -> Figures | None:
    """The figures of every finished turn of a pane together; None before the first one."""
    rows = [turn_figures(turn) for turn in turns if turn.status != "running"]
    if not rows:
        return None
    costs = [row.cost_usd for row in rows if row.cost_usd is not None]
    return Figures(
        turns=len(rows),
        ttft_ms=percentile([r.ttft_ms for r in rows if r.ttft_ms is not None], 50),
        tokens_per_s=percentile([r.tokens_per_s for r in rows if r.tokens_per_s is not None], 50),
        input_tokens=sum(r.input_tokens for r in rows),
        output_tokens=sum(r.output_tokens for r in rows),
        reasoning_tokens=sum(r.reasoning_tokens for r in rows),
        cost_usd=sum(costs) if costs else None,
        hops=max(r.hops for r in rows),
        fallbacks=sum(r.fallbacks for r in rows),
        retries=sum(r.retries for r in rows),
        stop_reason=rows[-1].stop_reason,
        answer_chars=sum(r.answer_chars for r in rows),
        ttft_series=tuple(r.ttft_ms for r in rows),
    )


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the table: its header, how to read and format a value, and which end is
    best (``lower_is_better`` None: no value is better than another, nothing highlighted).
    ``reveals_model``: blind mode drops the column (a price names a provider, a fallback a
    route)."""

    header: str
    value: Callable[[Figures], float | int | str | None]
    text: Callable[[Any], str]
    lower_is_better: bool | None = None
    reveals_model: bool = False


def _number(value: Any) -> str:
    return "–" if value is None else f"{value:,}"


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _rate(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _cost(value: Any) -> str:
    if value is None:
        return "–"
    if 0 < value < 0.0001:
        return "<$0.0001"  # simulated and tiny answers cost fractions of a cent
    return f"${value:.4f}" if value < 1 else f"${value:,.2f}"


def _plain(value: Any) -> str:
    return "–" if value is None else str(value)


COLUMNS: tuple[Column, ...] = (
    Column("TTFT", lambda f: f.ttft_ms, _ms, lower_is_better=True),
    Column("tok/s", lambda f: f.tokens_per_s, _rate, lower_is_better=False),
    Column("in", lambda f: f.input_tokens, _number),
    Column("out", lambda f: f.output_tokens, _number),
    Column("reas", lambda f: f.reasoning_tokens, _number),
    Column("cost", lambda f: f.cost_usd, _cost, lower_is_better=True, reveals_model=True),
    Column("fallb", lambda f: f.fallbacks, _number, lower_is_better=True, reveals_model=True),
    Column("retry", lambda f: f.retries, _number, lower_is_better=True, reveals_model=True),
    Column("stop", lambda f: f.stop_reason, _plain),
    Column("chars", lambda f: f.answer_chars, _number),
)
"""The table's columns in display order. Token counts, answer length and stop reason have
no better end (a longer answer is not a better one), so they are never highlighted."""


def best_rows(rows: Sequence[Figures | None], column: Column) -> set[int]:
    """Indexes of the rows holding the column's best value (ties all win); empty when the
    column has no better end or fewer than two rows have a value to compare."""
    if column.lower_is_better is None:
        return set()
    values = {
        index: value
        for index, row in enumerate(rows)
        if row is not None and isinstance(value := column.value(row), int | float)
    }
    if len(values) < 2:
        return set()
    best = min(values.values()) if column.lower_is_better else max(values.values())
    if all(value == best for value in values.values()):
        return set()  # everyone equal: nothing stands out
    return {index for index, value in values.items() if value == best}


def sparkline(values: Sequence[float | None]) -> str:
    """One bar per value scaled between the smallest and the largest (`` `` for None)."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = high - low
    top = len(SPARK_BARS) - 1
    return "".join(
        " " if v is None else SPARK_BARS[round((v - low) / span * top) if span else top // 2]
        for v in values
    )
