"""``report.md`` and a self-contained ``report.html`` (inline CSS and SVG charts, no script,
no external resource: it opens offline) from a run's summary and results.

Both show the per-model summary (errors, fallbacks and retries included, never hidden),
the checks' pass rates with failing prompts, every failed cell with its reason, and each
prompt's answers side by side (run 1, shortened).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from playground.compare.charts import Bar, bar_chart, outcome_chart
from playground.compare.prompts import PromptCase

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
ANSWER_CHARS = 280
"""How much of an answer the per-prompt tables show (results.jsonl has it all)."""

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d1f21;
padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}
th,td{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f4f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.answer{white-space:pre-wrap;max-width:420px}.err{color:#b00020}.muted{fill:#888;color:#888}
.chart{display:block;margin:1rem 0;font-size:12px}.chart-title{font-weight:600}
.bar{fill:#4c78a8}.bar.speed{fill:#54a24b}.whisker{stroke:#1d1f21;stroke-width:2}.range{stroke:#888;stroke-width:1}
.ok{fill:#54a24b}.fallback{fill:#f2a93b}.failed{fill:#e45756}.label,.value{fill:#1d1f21}
code{background:#f4f5f7;padding:0 .2rem}
"""


def write_reports(
    out_dir: Path,
    summary: dict[str, Any],
    records: Iterable[dict[str, Any]],
    cases: Sequence[PromptCase],
) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into ``out_dir``; returns their paths."""
    models = [m["model"] for m in summary["models"]]
    cells = [r for r in records if r["model"] in set(models)]
    md, html = out_dir / REPORT_MD, out_dir / REPORT_HTML
    _write(md, markdown_report(summary, cells, cases))
    _write(html, html_report(summary, cells, cases))
    return md, html


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8", errors="replace")
    tmp.replace(path)


# --- shared facts -------------------------------------------------------------------------


def _facts(summary: dict[str, Any]) -> str:
    state = " — interrupted, rerun with the same --out to finish" if summary["interrupted"] else ""
    return (
        f"{_count(summary['prompts'], 'prompt')} × {_count(len(summary['models']), 'model')} × "
        f"{_count(summary['repeat'], 'run')}: {summary['finished']} of {summary['cells']} cells "
        "finished" + state
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _judge_line(summary: dict[str, Any]) -> str | None:
    """One sentence on the judge's verdicts, or None without a judge."""
    judge = summary.get("judge")
    if not judge:
        return None
    wins = ", ".join(f"{m} ×{n}" for m, n in sorted(judge["wins"].items(), key=lambda i: -i[1]))
    return (
        f"Judge {judge['model']}: {judge['pairs']} answer pairs judged blind in both orders — "
        f"wins: {wins or 'none'}; {judge['ties']} ties, of which {judge['position_biased']} "
        f"where it chose the same position both times (cancelled out); {judge['failed']} "
        'without a readable verdict (no vote). Its verdicts are votes of source "judge" '
        "in `playground leaderboard`."
    )


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _cost(value: float | None) -> str:
    return "–" if value is None else f"${value:.4f}"


def _checks(m: dict[str, Any]) -> str:
    if not m["checked"]:
        return "–"
    return f"{m['passed']}/{m['checked']} ({100 * m['passed'] / m['checked']:.0f} %)"


def _errors(m: dict[str, Any]) -> str:
    kinds = ", ".join(f"{k} ×{n}" for k, n in sorted(m["error_kinds"].items()))
    return f"{m['errors']}" + (f" ({kinds})" if kinds else "")


def _outcome(record: dict[str, Any]) -> str:
    if record["error_kind"] is not None:
        return f"✗ {record['error_kind']}"
    if record.get("fallbacks"):
        return f"↪ via {record['answered_by']} (hop {record['hops']})"
    return "✓"


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= ANSWER_CHARS else text[: ANSWER_CHARS - 1] + "…"


def _first_runs(records: Sequence[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each (prompt, model)'s lowest-numbered finished run."""
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        key = (record["prompt_id"], record["model"])
        if key not in chosen or record["run"] < chosen[key]["run"]:
            chosen[key] = record
    return chosen


def _failures(records: Sequence[dict[str, Any]]) -> list[tuple[str, str, str, list[str]]]:
    """Failed cells grouped by (model, error kind, reason): a fault that hit 40 cells is one
    row naming the 40 cells (``q01 #1``), not 40 copies of the same line."""
    failed = [r for r in records if r["error_kind"] is not None]
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in sorted(failed, key=lambda r: (r["model"], r["prompt_id"], r["run"])):
        key = (r["model"], r["error_kind"], r.get("error") or "")
        groups.setdefault(key, []).append(f"{r['prompt_id']} #{r['run']}")
    return [(model, kind, reason, cells) for (model, kind, reason), cells in groups.items()]


def _cells(cells: Sequence[str]) -> str:
    """``3: q01 #1, q02 #1, q03 #2``."""
    return f"{len(cells)}: {', '.join(cells)}"


# --- Markdown -----------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or " "


def markdown_report(
    summary: dict[str, Any], records: Sequence[dict[str, Any]], cases: Sequence[PromptCase]
) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = ["# Playground compare report", "", _facts(summary), "", "## Summary", ""]
    lines += [
        "| model | cells | errors | fallbacks | retries | TTFT p50 | TTFT p95 | tok/s p50 "
        "| tok/s p95 | output tokens (mean) | cost | checks passed |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in summary["models"]:
        lines.append(
            f"| `{_md_cell(m['model'])}` | {m['n']} | {_errors(m)} | {m['fallbacks']} "
            f"| {m['retries']} | {_ms(m['ttft_ms']['p50'])} | {_ms(m['ttft_ms']['p95'])} "
            f"| {_rate(m['tokens_per_s']['p50'])} | {_rate(m['tokens_per_s']['p95'])} "
            f"| {_rate(m['output_tokens_mean'])} | {_cost(m['cost_usd'])} | {_checks(m)} |"
        )
    judge = _judge_line(summary)
    if judge:
        lines += ["", "## Judge", "", judge]
    failing = [m for m in summary["models"] if m["failing_prompts"]]
    if failing:
        lines += ["", "## Checks that failed", ""]
        for m in failing:
            ids = ", ".join(f"`{p}`" for p in m["failing_prompts"])
            lines.append(f"- `{_md_cell(m['model'])}`: {ids}")
    failures = _failures(records)
    if failures:
        lines += ["", "## Failed cells", "", "| model | error | reason | cells (prompt #run) |"]
        lines.append("|---|---|---|---|")
        for model, kind, reason, cells in failures:
            lines.append(f"| `{_md_cell(model)}` | {kind} | {_md_cell(reason)} | {_cells(cells)} |")
    models = [m["model"] for m in summary["models"]]
    first = _first_runs(records)
    lines += ["", "## Answers (first run)", ""]
    for case in cases:
        lines += [f"### `{_md_cell(case.id)}` — {_md_cell(_short(case.prompt))}", ""]
        lines += ["| model | outcome | answer |", "|---|---|---|"]
        for model in models:
            record = first.get((case.id, model))
            if record is None:
                lines.append(f"| `{_md_cell(model)}` | not run | |")
                continue
            answer = record.get("text") or record.get("error") or ""
            lines.append(
                f"| `{_md_cell(model)}` | {_md_cell(_outcome(record))} "
                f"| {_md_cell(_short(answer))} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- HTML ---------------------------------------------------------------------------------


def _percentile_bars(
    models: Sequence[dict[str, Any]], key: str, fmt: Callable[[Any], str]
) -> list[Bar]:
    """One bar per model: p50 as the bar, p95 as the line, both in the label."""
    return [
        Bar(
            m["model"],
            m[key]["p50"],
            m[key]["p95"],
            f"{fmt(m[key]['p50'])} · p95 {fmt(m[key]['p95'])}",
        )
        for m in models
    ]


def html_report(
    summary: dict[str, Any], records: Sequence[dict[str, Any]], cases: Sequence[PromptCase]
) -> str:
    """The report as one HTML document with inline CSS and SVG (no script, no link)."""
    models = summary["models"]
    body = [
        "<h1>Playground compare report</h1>",
        f"<p>{escape(_facts(summary))}</p>",
        "<h2>Summary</h2>",
        _html_summary(models),
        "<h2>Charts</h2>",
        bar_chart(
            "Time to first token — bar p50, line p95 (ms)",
            _percentile_bars(models, "ttft_ms", _ms),
        ),
        bar_chart(
            "Output speed — bar p50, line p95 (tokens/s)",
            _percentile_bars(models, "tokens_per_s", _rate),
            css_class="bar speed",
        ),
        outcome_chart(
            "Cells: answered directly, after a fallback, failed",
            [
                (
                    m["model"],
                    m["n"] - m["errors"] - m["fallbacks_answered"],
                    m["fallbacks_answered"],
                    m["errors"],
                )
                for m in _with_fallback_answers(models, records)
            ],
        ),
    ]
    judge = _judge_line(summary)
    if judge:
        body.append(f"<h2>Judge</h2><p>{escape(judge).replace('`', '')}</p>")
    failing = [m for m in models if m["failing_prompts"]]
    if failing:
        body.append("<h2>Checks that failed</h2><ul>")
        for m in failing:
            ids = ", ".join(f"<code>{escape(p)}</code>" for p in m["failing_prompts"])
            body.append(f"<li><code>{escape(m['model'])}</code>: {ids}</li>")
        body.append("</ul>")
    failures = _failures(records)
    if failures:
        body.append(
            "<h2>Failed cells</h2><table><tr><th>model</th><th>error</th><th>reason</th>"
            "<th>cells (prompt #run)</th></tr>"
        )
        for model, kind, reason, cells in failures:
            body.append(
                f"<tr><td><code>{escape(model)}</code></td><td class=err>{escape(kind)}</td>"
                f"<td>{escape(reason)}</td><td>{escape(_cells(cells))}</td></tr>"
            )
        body.append("</table>")
    body.append(_html_answers(cases, [m["model"] for m in models], _first_runs(records)))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Playground compare report</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _with_fallback_answers(
    models: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The model summaries with ``fallbacks_answered``: cells answered after a fallback."""
    counts: dict[str, int] = {}
    for r in records:
        if r["error_kind"] is None and r.get("fallbacks"):
            counts[r["model"]] = counts.get(r["model"], 0) + 1
    return [{**m, "fallbacks_answered": counts.get(m["model"], 0)} for m in models]


def _html_summary(models: Sequence[dict[str, Any]]) -> str:
    head = (
        "<table><tr><th>model</th><th>cells</th><th>errors</th><th>fallbacks</th>"
        "<th>retries</th><th>TTFT p50</th><th>TTFT p95</th><th>tok/s p50</th>"
        "<th>tok/s p95</th><th>output tokens (mean)</th><th>cost</th><th>checks passed</th></tr>"
    )
    rows = []
    for m in models:
        err = ' class="num err"' if m["errors"] else " class=num"
        rows.append(
            f"<tr><td><code>{escape(m['model'])}</code></td><td class=num>{m['n']}</td>"
            f"<td{err}>{escape(_errors(m))}</td><td class=num>{m['fallbacks']}</td>"
            f"<td class=num>{m['retries']}</td>"
            f"<td class=num>{_ms(m['ttft_ms']['p50'])}</td>"
            f"<td class=num>{_ms(m['ttft_ms']['p95'])}</td>"
            f"<td class=num>{_rate(m['tokens_per_s']['p50'])}</td>"
            f"<td class=num>{_rate(m['tokens_per_s']['p95'])}</td>"
            f"<td class=num>{_rate(m['output_tokens_mean'])}</td>"
            f"<td class=num>{_cost(m['cost_usd'])}</td><td class=num>{escape(_checks(m))}</td></tr>"
        )
    return head + "".join(rows) + "</table>"


def _html_answers(
    cases: Sequence[PromptCase],
    models: Sequence[str],
    first: dict[tuple[str, str], dict[str, Any]],
) -> str:
    parts = ["<h2>Answers (first run)</h2>"]
    for case in cases:
        parts.append(
            f"<h3><code>{escape(case.id)}</code> — {escape(_short(case.prompt))}</h3>"
            "<table><tr><th>model</th><th>outcome</th><th>answer</th></tr>"
        )
        for model in models:
            record = first.get((case.id, model))
            if record is None:
                parts.append(
                    f"<tr><td><code>{escape(model)}</code></td><td>not run</td><td></td></tr>"
                )
                continue
            failed = record["error_kind"] is not None
            answer = (record.get("error") if failed else record.get("text")) or ""
            css = ' class="answer err"' if failed else ' class="answer"'
            parts.append(
                f"<tr><td><code>{escape(model)}</code></td><td>{escape(_outcome(record))}</td>"
                f"<td{css}>{escape(_short(answer))}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)
