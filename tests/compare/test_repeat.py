"""Repeat: parsing the run count, counting runs, p50 / p95 over the successful ones."""

from __future__ import annotations

import pytest

from playground.compare.repeat import RepeatError, RepeatRun, parse_runs


def test_run_counts_are_checked_with_a_reason():
    assert parse_runs(" 5 ") == 5
    with pytest.raises(RepeatError, match="not a number"):
        parse_runs("five")
    with pytest.raises(RepeatError, match="between 2 and 50"):
        parse_runs("1")
    with pytest.raises(RepeatError, match="between 2 and 50"):
        parse_runs("51")


def test_each_pane_runs_until_its_count_and_failures_give_no_samples():
    run = RepeatRun.start(3, ["p1", "p2"])
    assert run.record("p1", "done", {"ttft_ms": 10.0, "tokens_per_s": 100.0})
    assert run.record("p1", "failed", {"ttft_ms": 999.0})
    assert not run.record("p1", "done", {"ttft_ms": 30.0, "tokens_per_s": 300.0})
    assert not run.complete and (run.finished, run.total) == (3, 6)
    pane = run.panes["p1"]
    assert pane.failed == 1 and pane.ttft_ms == [10.0, 30.0]
    assert pane.spread() == {
        "ttft_p50": 20.0,
        "ttft_p95": 29.0,
        "tps_p50": 200.0,
        "tps_p95": 290.0,
    }
    assert not run.record("other", "done", {})  # not part of the repeat


def test_a_stopped_repeat_runs_nothing_more():
    run = RepeatRun.start(5, ["p1"])
    run.stopped = True
    assert not run.record("p1", "done", {"ttft_ms": 1.0}) and run.complete
