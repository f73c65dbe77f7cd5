"""The comparison table's figures: per turn, per session, best values, sparklines."""

from __future__ import annotations

from playground.compare.pane_figures import (
    COLUMNS,
    Figures,
    best_rows,
    session_figures,
    sparkline,
    turn_figures,
)
from playground.events import Fallback, Retry, TextDelta
from playground.session.transcript import Turn


def finished_turn(text: str, *events: object, **metrics: object) -> Turn:
    turn = Turn(prompt="p", spec="sim/echo", thinking="off", status="done", stop_reason="stop")
    for event in (*events, TextDelta(text)):
        turn.record(event)  # type: ignore[arg-type]
    turn.metrics = {"hop": 1, **metrics}
    return turn


def column(header: str):
    return next(c for c in COLUMNS if c.header == header)


def test_a_turn_reads_its_saved_metrics_router_events_and_answer():
    retry = Retry(attempt=1, delay_s=0.1, reason="429")
    fallback = Fallback(from_="a", to="b", reason="503")
    turn = finished_turn(
        "four",
        retry,
        fallback,
        ttft_ms=12.0,
        tokens_per_s=50.0,
        input_tokens=7,
        output_tokens=3,
        hop=2,
    )
    figures = turn_figures(turn)
    assert (figures.ttft_ms, figures.tokens_per_s) == (12.0, 50.0)
    assert (figures.input_tokens, figures.output_tokens, figures.hops) == (7, 3, 2)
    assert (figures.retries, figures.fallbacks, figures.stop_reason) == (1, 1, "stop")
    assert figures.answer_chars == len("four")


def test_a_running_turn_uses_the_live_metrics():
    turn = Turn(prompt="p", spec="sim/echo", thinking="off")
    figures = turn_figures(turn, {"ttft_ms": 5.0, "output_tokens": 9})
    assert (figures.ttft_ms, figures.output_tokens) == (5.0, 9)


def test_a_session_takes_medians_of_speed_and_sums_of_counts_and_cost():
    turns = [
        finished_turn("a", ttft_ms=10.0, tokens_per_s=100.0, output_tokens=2, cost_usd=0.5),
        finished_turn("bb", ttft_ms=30.0, tokens_per_s=None, output_tokens=3, cost_usd=None),
        finished_turn("ccc", ttft_ms=20.0, tokens_per_s=300.0, output_tokens=4, cost_usd=0.25),
    ]
    figures = session_figures(turns)
    assert figures is not None
    assert figures.turns == 3
    assert figures.ttft_ms == 20.0  # median of 10, 30, 20
    assert figures.tokens_per_s == 200.0  # median of the two turns that have a rate
    assert figures.output_tokens == 9
    assert figures.cost_usd == 0.75
    assert figures.answer_chars == 6
    assert figures.ttft_series == (10.0, 30.0, 20.0)


def test_a_session_without_a_finished_turn_has_no_figures():
    assert session_figures([Turn(prompt="p", spec="s", thinking="off")]) is None


def row(**values: object) -> Figures:
    base = dict(
        turns=1,
        ttft_ms=None,
        tokens_per_s=None,
        input_tokens=0,
        output_tokens=0,
        reasoning_tokens=0,
        cost_usd=None,
        hops=1,
        fallbacks=0,
        retries=0,
        stop_reason="stop",
        answer_chars=0,
    )
    return Figures(**{**base, **values})  # type: ignore[arg-type]


def test_best_is_the_lowest_ttft_and_the_highest_rate_ties_all_win():
    rows = [
        row(ttft_ms=40.0, tokens_per_s=10.0),
        row(ttft_ms=20.0, tokens_per_s=30.0),
        None,
        row(ttft_ms=20.0, tokens_per_s=None),
    ]
    assert best_rows(rows, column("TTFT")) == {1, 3}
    assert best_rows(rows, column("tok/s")) == {1}


def test_nothing_is_best_when_all_agree_one_has_a_value_or_the_column_has_no_better_end():
    assert best_rows([row(fallbacks=0), row(fallbacks=0)], column("fallb")) == set()
    assert best_rows([row(ttft_ms=5.0), row()], column("TTFT")) == set()
    assert best_rows([row(output_tokens=1), row(output_tokens=9)], column("out")) == set()


def test_sparkline_scales_between_the_extremes_and_leaves_gaps():
    assert sparkline([10.0, None, 30.0, 20.0]) == "▁ █▅"
    assert sparkline([5.0, 5.0]) == "▄▄"
    assert sparkline([None]) == ""
