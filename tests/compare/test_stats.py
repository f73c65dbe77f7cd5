"""Percentiles and the per-model summary, on known inputs."""

from __future__ import annotations

import pytest

from playground.compare.checks import Expect
from playground.compare.prompts import PromptCase
from playground.compare.stats import percentile, summarize


def test_percentile_interpolates_linearly_between_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    assert percentile(values, 50) == pytest.approx(55.0)
    assert percentile(values, 95) == pytest.approx(95.5)
    assert percentile(values, 0) == 10.0 and percentile(values, 100) == 100.0


def test_percentile_ignores_input_order_and_handles_one_or_no_value() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def _record(model: str, prompt_id: str, run: int, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "prompt_id": prompt_id,
        "model": model,
        "run": run,
        "ttft_ms": 100.0,
        "tokens_per_s": 50.0,
        "output_tokens": 10,
        "cost_usd": 0.001,
        "error_kind": None,
        "fallbacks": [],
        "retries": 0,
        "text": "ok",
    }
    record.update(fields)
    return record


def test_summary_counts_errors_and_takes_latency_from_successful_cells_only() -> None:
    cases = [PromptCase("1", "a"), PromptCase("2", "b")]
    records = [
        _record("m", "1", 1, ttft_ms=100.0, tokens_per_s=10.0, output_tokens=4),
        _record("m", "2", 1, ttft_ms=300.0, tokens_per_s=30.0, output_tokens=8),
        _record(
            "m",
            "1",
            2,
            ttft_ms=9999.0,
            error_kind="server",
            output_tokens=0,
            cost_usd=None,
            fallbacks=[{"from": "x", "to": "y", "reason": "r"}],
            retries=2,
        ),
    ]
    [summary] = summarize(records, cases, ["m"])
    assert summary["n"] == 3 and summary["errors"] == 1
    assert summary["ttft_ms"] == {"p50": 200.0, "p95": 290.0}
    assert summary["tokens_per_s"] == {"p50": 20.0, "p95": 29.0}
    assert summary["output_tokens_mean"] == 6.0
    assert summary["cost_usd"] == pytest.approx(0.002)
    assert summary["error_kinds"] == {"server": 1}
    assert summary["fallbacks"] == 1 and summary["retries"] == 2
    assert summary["checked"] == 0 and summary["passed"] == 0


def test_summary_pass_rate_lists_failing_prompts_and_counts_errors_as_failures() -> None:
    cases = [
        PromptCase("1", "a", expect=Expect(contains=("yes",))),
        PromptCase("2", "b", expect=Expect(json=True)),
        PromptCase("3", "c"),
    ]
    records = [
        _record("m", "1", 1, text="yes indeed"),
        _record("m", "2", 1, text="not json"),
        _record("m", "1", 2, text="", error_kind="timeout"),
        _record("m", "3", 1, text="anything"),
    ]
    [summary] = summarize(records, cases, ["m"])
    assert summary["checked"] == 3 and summary["passed"] == 1
    assert summary["failing_prompts"] == ["1", "2"]


def test_summary_keeps_model_order_and_reports_a_model_without_cells() -> None:
    cases = [PromptCase("1", "a")]
    summaries = summarize([_record("b", "1", 1)], cases, ["a", "b"])
    assert [s["model"] for s in summaries] == ["a", "b"]
    assert summaries[0]["n"] == 0 and summaries[0]["ttft_ms"] == {"p50": None, "p95": None}
    assert summaries[0]["cost_usd"] is None and summaries[0]["output_tokens_mean"] is None
