"""report.md and report.html: every model, its errors and fallbacks shown, answers escaped,
and the HTML self-contained (inline CSS and SVG, nothing fetched)."""

from __future__ import annotations

import re
from pathlib import Path

from playground.compare.checks import Expect
from playground.compare.prompts import PromptCase
from playground.compare.report import html_report, markdown_report, write_reports
from playground.compare.stats import summarize

CASES = [
    PromptCase("q1", "What is <b>bold</b>?", expect=Expect(contains=("bold",))),
    PromptCase("q2", "Second | prompt"),
]


def _record(model: str, prompt_id: str, run: int, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "prompt_id": prompt_id,
        "model": model,
        "run": run,
        "answered_by": model,
        "hops": 1,
        "ttft_ms": 120.0,
        "tokens_per_s": 80.0,
        "input_tokens": 5,
        "output_tokens": 12,
        "reasoning_tokens": 0,
        "cost_usd": 0.0002,
        "stop_reason": "stop",
        "error_kind": None,
        "error": None,
        "fallbacks": [],
        "retries": 0,
        "text": "an answer with <script>x</script>",
    }
    record.update(fields)
    return record


def _run() -> tuple[dict[str, object], list[dict[str, object]]]:
    records = [
        _record("good/model", "q1", 1, text="bold means <b>"),
        _record("good/model", "q2", 1),
        _record(
            "bad/model",
            "q1",
            1,
            error_kind="rate_limited",
            error="slow down, said the API",
            text="",
            answered_by=None,
            ttft_ms=None,
        ),
        _record(
            "route",
            "q1",
            1,
            answered_by="backup/x",
            hops=2,
            fallbacks=[{"from": "main/x", "to": "backup/x", "reason": "server (500)"}],
        ),
    ]
    models = ["good/model", "bad/model", "route"]
    summary = {
        "models": summarize(records, CASES, models),
        "prompts": 2,
        "repeat": 1,
        "cells": 6,
        "finished": 4,
        "interrupted": True,
        "out_dir": "/tmp/x",
    }
    return summary, records


def test_html_is_self_contained_and_escapes_everything_it_quotes() -> None:
    summary, records = _run()
    html = html_report(summary, records, CASES)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"(src|href)\s*=|url\(|https?://", html)
    assert html.count("<svg") == 3 and "<style>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "What is &lt;b&gt;bold&lt;/b&gt;?" in html


def test_reports_show_errors_fallbacks_interruption_and_checks() -> None:
    summary, records = _run()
    for text in (html_report(summary, records, CASES), markdown_report(summary, records, CASES)):
        assert "4 of 6 cells finished" in text and "interrupted" in text
        assert "rate_limited" in text and "slow down, said the API" in text
        assert "via backup/x (hop 2)" in text
        assert "not run" in text  # bad/model never ran q2: said so, not left blank
    html = html_report(summary, records, CASES)
    assert "0 ok · 0 fallback · 1 failed" in html and "0 ok · 1 fallback · 0 failed" in html
    md = markdown_report(summary, records, CASES)
    assert "| `bad/model` | 1 | 1 (rate_limited ×1) | 0 | 0 | – | – |" in md
    assert "| `route` | 1 | 0 | 1 |" in md


def test_markdown_tables_stay_tables() -> None:
    summary, records = _run()
    md = markdown_report(summary, records, CASES)
    assert "Second \\| prompt" in md  # a pipe in a prompt does not split the row
    summary_rows = [line for line in md.splitlines() if line.startswith("| `")][:3]
    assert [row.count(" | ") for row in summary_rows] == [11, 11, 11]
    assert (
        "| `good/model` | 2 | 0 | 0 | 0 | 120 ms | 120 ms | 80.0 | 80.0 | 12.0 | $0.0004 "
        "| 1/1 (100 %) |" in md
    )


def test_write_reports_writes_both_files(tmp_path: Path) -> None:
    summary, records = _run()
    md, html = write_reports(tmp_path, summary, records, CASES)
    assert md.read_text(encoding="utf-8").startswith("# Playground compare report")
    assert "<svg" in html.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.md"]


def test_failed_cells_with_the_same_reason_are_one_row_naming_every_cell() -> None:
    failed = {"error_kind": "server", "error": "boom (500)", "text": "", "ttft_ms": None}
    records = [
        _record("bad/model", "q1", 1, **failed),
        _record("bad/model", "q2", 1, **failed),
        _record("bad/model", "q2", 2, error_kind="timeout", error="no first byte", text=""),
    ]
    summary = {
        "models": summarize(records, CASES, ["bad/model"]),
        "prompts": 2,
        "repeat": 2,
        "cells": 4,
        "finished": 3,
        "interrupted": False,
        "out_dir": "/tmp/x",
    }
    md = markdown_report(summary, records, CASES)
    assert "| `bad/model` | server | boom (500) | 2: q1 #1, q2 #1 |" in md
    assert "| `bad/model` | timeout | no first byte | 1: q2 #2 |" in md
    html = html_report(summary, records, CASES)
    assert html.count("boom (500)") == 1 + 2  # the grouped row, and q1 / q2 in the answers
    assert "<td>2: q1 #1, q2 #1</td>" in html


def test_chart_labels_keep_long_model_ids_whole() -> None:
    from playground.compare.charts import Bar, bar_chart

    long_id = "sim-anthropic/lorem?tps=900&ttft_ms=240&tokens=90"
    svg = bar_chart("TTFT", [Bar(long_id, 240.0, 270.0, "240 ms")])
    assert f">{long_id.replace('&', '&amp;')}</text>" in svg
    assert 'text-anchor="end"' not in svg  # no label running off the left edge
