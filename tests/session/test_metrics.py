"""Live pane metrics from the event stream."""

from __future__ import annotations

from playground.catalog.types import Prices
from playground.events import Attempt, Done, Fallback, Retry, TextDelta, ThinkingDelta, Usage
from playground.session.metrics import (
    PaneMetrics,
    PaneStatus,
    cost_usd,
    estimated_tokens,
    wait_text,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_ttft_and_tokens_per_second_follow_the_stream() -> None:
    clock = FakeClock()
    metrics = PaneMetrics(clock=clock)
    metrics.begin()
    assert metrics.status is PaneStatus.WAITING
    clock.now += 0.25
    metrics.observe(ThinkingDelta(text="hmm " * 10))
    assert metrics.status is PaneStatus.THINKING
    assert metrics.ttft_ms == 250.0
    clock.now += 1.0
    metrics.observe(TextDelta(text="x" * 400))
    assert metrics.status is PaneStatus.STREAMING
    assert metrics.output_tokens == 110  # estimated: 440 chars / 4
    assert metrics.tokens_per_s == 110.0
    metrics.observe(Usage(input_tokens=12, output_tokens=50, reasoning_tokens=20))
    assert (metrics.input_tokens, metrics.output_tokens, metrics.reasoning_tokens) == (12, 50, 20)
    assert metrics.tokens_per_s == 50.0  # usage replaces the estimate
    clock.now += 0.5
    metrics.observe(TextDelta(text="more text"))
    assert metrics.output_tokens == 50  # estimates stop once usage arrived
    metrics.observe(Done(answered_by="sim/echo"))
    metrics.finish(PaneStatus.DONE, Prices(input=1.0, output=10.0))
    assert metrics.answered_by == "sim/echo"
    assert metrics.cost_usd == (12 * 1.0 + 50 * 10.0) / 1_000_000


def test_retry_and_fallback_are_visible_states() -> None:
    clock = FakeClock()
    metrics = PaneMetrics(clock=clock)
    metrics.begin()
    metrics.observe(Attempt(candidate="a/x", attempt=1))
    metrics.observe(Retry(candidate="a/x", delay_s=1.5, reason="rate_limited (429)"))
    assert metrics.status is PaneStatus.RETRYING
    assert metrics.retry_in_s == 1.5
    assert metrics.retry_until == clock.now + 1.5
    metrics.observe(Fallback(from_="a/x", to="b/y", reason="overloaded"))
    assert metrics.status is PaneStatus.FELL_BACK
    assert (metrics.hop, metrics.candidate) == (2, "b/y")
    metrics.observe(Attempt(candidate="b/y", attempt=1))
    assert metrics.status is PaneStatus.WAITING
    assert metrics.retry_in_s is None


def test_tool_steps_accumulate_usage() -> None:
    metrics = PaneMetrics(clock=FakeClock())
    metrics.begin()
    metrics.observe(Usage(input_tokens=10, output_tokens=5))
    metrics.next_step()
    metrics.observe(Usage(input_tokens=20, output_tokens=7))
    assert (metrics.input_tokens, metrics.output_tokens, metrics.steps) == (30, 12, 1)


def test_cost_counts_cache_reads_at_their_own_price_and_is_none_without_prices() -> None:
    metrics = PaneMetrics(input_tokens=1000, output_tokens=100, cache_read_tokens=600)
    prices = Prices(input=2.0, output=8.0, cache_read=0.5)
    assert cost_usd(metrics, prices) == (400 * 2.0 + 100 * 8.0 + 600 * 0.5) / 1_000_000
    assert cost_usd(metrics, Prices()) is None


def test_observe_is_cheap() -> None:
    import time

    metrics = PaneMetrics()
    metrics.begin()
    event = TextDelta(text="word ")
    start = time.perf_counter()
    for _ in range(100_000):
        metrics.observe(event)
    per_event_us = (time.perf_counter() - start) * 1e6 / 100_000
    assert per_event_us < 10, per_event_us


def test_a_turn_keeps_many_small_deltas_as_few_strings() -> None:
    from playground.events import TextDelta
    from playground.session.transcript import Turn

    turn = Turn(prompt="p", spec="sim/echo", thinking="off")
    pieces = [f"w{i} " for i in range(5000)]
    for piece in pieces:
        turn.record(TextDelta(piece))
    acc = turn._text
    assert len(acc._chunks) == 5000 // acc.CHUNK and len(acc._tail) == 5000 % acc.CHUNK
    assert turn.text == "".join(pieces)
    turn.record(TextDelta("end"))
    assert turn.text == "".join(pieces) + "end"


def test_reasoning_tokens_are_the_models_count_when_reported_else_a_marked_estimate() -> None:
    clock = FakeClock()
    metrics = PaneMetrics(clock=clock)
    metrics.begin()
    metrics.observe(ThinkingDelta(text="x" * 400))
    assert (metrics.reasoning_tokens, metrics.reasoning_estimated) == (100, True)
    metrics.observe(Usage(input_tokens=5, output_tokens=130))  # no reasoning count
    assert (metrics.reasoning_tokens, metrics.reasoning_estimated) == (100, True)
    metrics.observe(Usage(input_tokens=5, output_tokens=130, reasoning_tokens=87))
    assert (metrics.reasoning_tokens, metrics.reasoning_estimated) == (87, False)
    metrics.observe(ThinkingDelta(text="y" * 400))  # the reported count stands
    assert metrics.reasoning_tokens == 87
    metrics.begin()
    assert (metrics.reasoning_tokens, metrics.reasoning_estimated) == (0, False)


def test_estimates_count_a_short_text_as_one_token_and_none_as_zero() -> None:
    assert estimated_tokens(0) == 0
    assert estimated_tokens(1) == 1
    assert estimated_tokens(400) == 100


def test_no_rate_for_a_one_token_answer_or_a_burst_too_short_to_measure() -> None:
    clock = FakeClock()
    metrics = PaneMetrics(clock=clock)
    metrics.begin()
    metrics.observe(TextDelta(text="Yes"))
    clock.now += 2.0
    metrics.observe(Usage(input_tokens=3, output_tokens=1))
    assert metrics.tokens_per_s is None  # one token: no rate, however long it took
    metrics.begin()
    metrics.observe(TextDelta(text="word " * 40))
    clock.now += 0.004
    metrics.observe(TextDelta(text="word " * 40))
    assert metrics.tokens_per_s is None  # 4 ms: one network read, not a speed
    clock.now += 1.0
    metrics.observe(TextDelta(text="end"))
    assert metrics.tokens_per_s is not None and 90 < metrics.tokens_per_s < 110


def test_a_retry_wait_is_never_shown_as_zero_seconds() -> None:
    assert wait_text(0.0) == "now"
    assert wait_text(0.0004) == "now"
    assert wait_text(0.012) == "in 12 ms"
    assert wait_text(0.25) == "in 250 ms"
    assert wait_text(1.5) == "in 1.5 s"
