"""Statistics over ``results.jsonl`` records: percentiles and the per-model summary that
becomes ``summary.json``.

Latency and speed percentiles are taken over the cells that succeeded (a failed cell's
TTFT says nothing about the model's speed); its errors are counted separately. Percentiles
interpolate linearly between the closest ranks (NumPy's default ``linear`` method).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from playground.compare.checks import failed_checks
from playground.compare.prompts import PromptCase


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0–100) of ``values``, linearly interpolated; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _spread(values: Sequence[float]) -> dict[str, float | None]:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    return {
        "p50": None if p50 is None else round(p50, 3),
        "p95": None if p95 is None else round(p95, 3),
    }


def summarize(
    records: Iterable[dict[str, Any]], cases: Sequence[PromptCase], models: Sequence[str]
) -> list[dict[str, Any]]:
    """One summary per model, in ``models`` order (DESIGN.md's ``summary.json`` fields plus
    ``error_kinds``, ``fallbacks``, ``retries`` and ``failing_prompts``)."""
    by_case = {case.id: case for case in cases}
    by_model: dict[str, list[dict[str, Any]]] = {model: [] for model in models}
    for record in records:
        if record["model"] in by_model and record["prompt_id"] in by_case:
            by_model[record["model"]].append(record)
    return [_model_summary(model, by_model[model], by_case) for model in models]


def _model_summary(
    model: str, records: list[dict[str, Any]], cases: dict[str, PromptCase]
) -> dict[str, Any]:
    ok = [r for r in records if r["error_kind"] is None]
    costs = [r["cost_usd"] for r in records if r.get("cost_usd") is not None]
    checked = passed = 0
    failing: set[str] = set()
    for record in records:
        expect = cases[record["prompt_id"]].expect
        if expect is None:
            continue
        checked += 1
        good = record["error_kind"] is None and not failed_checks(
            expect, record.get("text") or "", int(record.get("output_tokens") or 0)
        )
        passed += good
        if not good:
            failing.add(record["prompt_id"])
    return {
        "model": model,
        "n": len(records),
        "errors": len(records) - len(ok),
        "ttft_ms": _spread([r["ttft_ms"] for r in ok if r.get("ttft_ms") is not None]),
        "tokens_per_s": _spread(
            [r["tokens_per_s"] for r in ok if r.get("tokens_per_s") is not None]
        ),
        "cost_usd": round(sum(costs), 8) if costs else None,
        "output_tokens_mean": (
            round(sum(r["output_tokens"] for r in ok) / len(ok), 2) if ok else None
        ),
        "checked": checked,
        "passed": passed,
        "failing_prompts": sorted(failing, key=_natural),
        "error_kinds": dict(Counter(r["error_kind"] for r in records if r["error_kind"])),
        "fallbacks": sum(1 for r in records if r.get("fallbacks")),
        "retries": sum(int(r.get("retries") or 0) for r in records),
    }


def _natural(prompt_id: str) -> tuple[int, str]:
    """Numeric ids in numeric order, then the rest alphabetically."""
    return (int(prompt_id), "") if prompt_id.isdigit() else (1 << 62, prompt_id)
