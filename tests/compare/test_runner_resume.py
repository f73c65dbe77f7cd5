"""The runner on the simulator: every cell once, through the router; an interrupted run
keeps its finished cells and a rerun completes the rest without duplicates."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from playground.compare.prompts import PromptCase
from playground.compare.results import ResultsStore
from playground.compare.runner import CompareRunner, plan_cells
from playground.session import Session
from tests.compare.conftest import fast_config

pytestmark = pytest.mark.usefixtures("sim_env")

ECHO = "sim/echo?tps=0&ttft_ms=0"
SLOW = "sim-anthropic/echo?tps=0&ttft_ms=300"
CASES = [PromptCase(str(n), f"prompt number {n}") for n in range(1, 5)]


def _lines(directory: Path) -> list[dict[str, object]]:
    text = (directory / "results.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


async def _run(directory: Path, models: list[str], repeat: int, on_cell=None) -> int:
    session = Session.open(fast_config(), persist=False)
    targets = {m: session.resolver.resolve(m) for m in models}
    with ResultsStore(directory) as store:
        runner = CompareRunner(session, targets, store, concurrency=2, on_cell=on_cell)
        try:
            return await runner.run(plan_cells(CASES, models, repeat))
        finally:
            await session.aclose()


def test_plan_is_run_major() -> None:
    cells = plan_cells(CASES[:2], ["a", "b"], 2)
    assert [c.key for c in cells] == [
        ("1", "a", 1),
        ("1", "b", 1),
        ("2", "a", 1),
        ("2", "b", 1),
        ("1", "a", 2),
        ("1", "b", 2),
        ("2", "a", 2),
        ("2", "b", 2),
    ]


async def test_every_cell_runs_once_with_its_answer_and_metrics(tmp_path: Path) -> None:
    skipped = await _run(tmp_path, [ECHO], 2)
    records = _lines(tmp_path)
    assert skipped == 0
    assert sorted((r["prompt_id"], r["run"]) for r in records) == [
        (str(n), run) for n in range(1, 5) for run in (1, 2)
    ]
    for record in records:
        assert record["text"] == f"prompt number {record['prompt_id']}"
        assert record["error_kind"] is None and record["answered_by"] == ECHO
        assert record["hops"] == 1 and record["output_tokens"] > 0
        assert record["ttft_ms"] is not None and record["stop_reason"] == "stop"


async def test_interrupted_run_keeps_finished_cells_and_rerun_adds_only_missing(
    tmp_path: Path,
) -> None:
    models = [ECHO, SLOW]
    main = asyncio.current_task()
    finished: list[tuple[str, str, int]] = []

    def cancel_after_three(record: dict[str, object], done: int, total: int) -> None:
        finished.append((str(record["prompt_id"]), str(record["model"]), int(record["run"])))
        if len(finished) == 3:
            main.cancel()  # like Ctrl-C: the slow model's cells are still in flight

    with pytest.raises(asyncio.CancelledError):
        await _run(tmp_path, models, 2, on_cell=cancel_after_three)
    asyncio.current_task().uncancel()
    first = _lines(tmp_path)
    assert 3 <= len(first) < 16
    assert [(r["prompt_id"], r["model"], r["run"]) for r in first][:3] == finished[:3]
    assert all(r["error_kind"] is None for r in first)  # cut-off cells are not written

    skipped = await _run(tmp_path, models, 2)
    second = _lines(tmp_path)
    keys = [(r["prompt_id"], r["model"], r["run"]) for r in second]
    assert skipped == len(first)
    assert len(keys) == len(set(keys)) == 16
    assert second[: len(first)] == first  # finished cells kept as they were


def test_torn_last_line_is_dropped_on_reopen(tmp_path: Path) -> None:
    good = {"prompt_id": "1", "model": "m", "run": 1, "error_kind": None, "text": "x"}
    (tmp_path / "results.jsonl").write_text(
        json.dumps(good) + "\n" + '{"prompt_id": "2", "mod', encoding="utf-8"
    )
    with ResultsStore(tmp_path) as store:
        assert ("1", "m", 1) in store and ("2", "m", 1) not in store
        store.append({**good, "prompt_id": "2"})
    assert [r["prompt_id"] for r in _lines(tmp_path)] == ["1", "2"]


def test_text_that_is_not_valid_unicode_cannot_stop_the_run(tmp_path: Path) -> None:
    record = {"prompt_id": "1", "model": "m", "run": 1, "error_kind": None, "text": "a\ud800b"}
    with ResultsStore(tmp_path) as store:
        store.append(record)
    assert _lines(tmp_path)[0]["text"] == "a?b"


async def test_prompt_system_and_fault_are_honest_in_the_record(
    tmp_path: Path, sim_url: str
) -> None:
    import httpx

    failing = "sim/echo?tps=0&ttft_ms=0&fail=500"
    marker = f"answer in French {tmp_path.name}"
    session = Session.open(fast_config(), persist=False)
    targets = {m: session.resolver.resolve(m) for m in (ECHO, failing)}
    cases = [PromptCase("s", "hello", system=marker)]
    with ResultsStore(tmp_path) as store:
        runner = CompareRunner(session, targets, store)
        await runner.run(plan_cells(cases, [ECHO, failing], 1))
        await session.aclose()
    ok, bad = sorted(_lines(tmp_path), key=lambda r: r["model"] == failing)
    assert ok["error_kind"] is None and ok["text"] == "hello"
    assert bad["error_kind"] == "server" and bad["answered_by"] is None
    assert bad["error"] and bad["text"] == ""
    log = httpx.get(f"{sim_url}/_sim/requests").json()
    bodies = [e["body"] for e in (log if isinstance(log, list) else log["requests"])]
    assert any(marker in json.dumps(b) for b in bodies)  # the line's own system prompt was sent


async def test_cells_wait_out_a_cooldown_instead_of_failing_at_once(tmp_path: Path) -> None:
    """After a failure opens the model's breaker, the next cells never reach a provider:
    they wait the router's stated time and are sent again, so only the real failure is
    recorded as one."""
    from playground.config.schema import Config

    flaky = f"sim/echo?tps=0&ttft_ms=0&fail=503&fail_times=1&run={tmp_path.name}"
    config = Config.model_validate(
        {
            "reliability": {
                "retries": 0,
                "cooldown_s": 0.3,
                "breaker_failures": 1,
                "breaker_reset_s": 0.3,
            }
        }
    )
    session = Session.open(config, persist=False)
    waits: list[tuple[str, float]] = []
    with ResultsStore(tmp_path) as store:
        runner = CompareRunner(
            session,
            {flaky: session.resolver.resolve(flaky)},
            store,
            concurrency=1,
            on_wait=lambda model, seconds: waits.append((model, seconds)),
        )
        await runner.run(plan_cells(CASES, [flaky], 1))
        await session.aclose()
    records = sorted(_lines(tmp_path), key=lambda r: r["prompt_id"])
    assert [r["error_kind"] for r in records] == ["overloaded", None, None, None]
    assert all(r["text"] == f"prompt number {r['prompt_id']}" for r in records[1:])
    assert waits and all(model == flaky and 0 < s <= 1.0 for model, s in waits)
