"""The tokens/s trace of one stream (the comparison table's sparkline)."""

from __future__ import annotations

from playground.compare.stream_rate import MAX_SAMPLES, RateTrace


def test_rates_are_tokens_per_second_between_samples():
    trace = RateTrace()
    for at, tokens in ((0.0, 0), (0.5, 0), (1.0, 50), (1.5, 150), (2.5, 250)):
        trace.add(at, tokens)
    assert trace.rates() == [0.0, 100.0, 200.0, 100.0]


def test_a_reading_that_does_not_move_forward_in_time_is_ignored():
    trace = RateTrace()
    trace.add(1.0, 10)
    trace.add(1.0, 20)
    trace.add(0.5, 30)
    assert trace.samples == [(1.0, 10)] and trace.rates() == []


def test_only_the_recent_samples_are_kept():
    trace = RateTrace()
    for second in range(MAX_SAMPLES * 3):
        trace.add(float(second), second * 10)
    assert len(trace.rates()) == MAX_SAMPLES
    assert trace.samples[-1] == (MAX_SAMPLES * 3 - 1.0, (MAX_SAMPLES * 3 - 1) * 10)
