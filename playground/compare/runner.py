"""The compare runner: every (prompt, model, run) cell, through the same session / router /
adapter layers as ``playground ask`` (one :class:`~playground.session.Pane` per cell, so
cells never share a conversation), with bounded concurrency per provider.

Cells are queued run-major (all prompts × models of run 1, then run 2, …), so a run stopped
half-way still has a balanced sample. Each finished cell is written to the
:class:`~playground.compare.results.ResultsStore` at once; cells already in it are skipped.
A cell cut off by cancellation (Ctrl-C) is not written, so a rerun does it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.compare.prompts import PromptCase
from playground.compare.results import CellKey, ResultsStore

if TYPE_CHECKING:
    from playground.resolve import ResolvedTarget
    from playground.session import Session

ProgressCallback = Callable[[dict[str, Any], int, int], None]
WaitCallback = Callable[[str, float], None]
"""Told (model, seconds) when a cell waits for its model's candidates to cool down."""
"""Called with each finished cell's record, the number of cells done so far, and the total."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One unit of work: a prompt sent to a model for the ``run``-th time (1-based)."""

    case: PromptCase
    model: str
    run: int

    @property
    def key(self) -> CellKey:
        """The cell's key in ``results.jsonl``."""
        return (self.case.id, self.model, self.run)


def plan_cells(cases: Sequence[PromptCase], models: Sequence[str], repeat: int) -> list[Cell]:
    """Every cell, run-major: run 1 of every prompt and model first."""
    return [
        Cell(case, model, run) for run in range(1, repeat + 1) for case in cases for model in models
    ]


MAX_COOLDOWN_WAIT_S = 300.0
"""How long one cell may wait in all for its model's candidates to come out of cooldown."""
COOLDOWN_SLACK_S = 0.05
"""Waited beyond the router's stated time, so the candidate is free when the cell is sent."""


class CompareRunner:
    """Runs cells on a :class:`~playground.session.Session` whose panes are not used: each
    cell gets a fresh pane on the resolved target of its model.

    ``concurrency`` bounds the cells in flight per provider (the primary candidate's
    provider of each model), so one slow or rate-limited provider does not hold the others
    back, and the router's retries, fallbacks, cooldowns and breakers (shared by every cell)
    see a realistic load.
    """

    def __init__(
        self,
        session: Session,
        targets: dict[str, ResolvedTarget],
        store: ResultsStore,
        *,
        concurrency: int = 4,
        on_cell: ProgressCallback | None = None,
        on_wait: WaitCallback | None = None,
    ) -> None:
        self._session = session
        self._targets = targets
        self._store = store
        self._concurrency = max(1, concurrency)
        self._on_cell = on_cell
        self._on_wait = on_wait
        self._systems: dict[str | None, Session] = {}
        self._done = 0
        self._total = 0

    async def run(self, cells: Sequence[Cell]) -> int:
        """Run the cells not yet in the store; returns how many were skipped as finished."""
        todo = [cell for cell in cells if cell.key not in self._store]
        skipped = len(cells) - len(todo)
        self._done, self._total = skipped, len(cells)
        queues: dict[str, asyncio.Queue[Cell]] = {}
        for cell in todo:
            provider = self._targets[cell.model].primary.provider
            queues.setdefault(provider, asyncio.Queue()).put_nowait(cell)
        workers = [
            asyncio.create_task(self._worker(queue), name=f"compare-{provider}-{n}")
            for provider, queue in queues.items()
            for n in range(min(self._concurrency, queue.qsize()))
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return skipped

    async def _worker(self, queue: asyncio.Queue[Cell]) -> None:
        while not queue.empty():
            cell = queue.get_nowait()
            record = await self.run_cell(cell)
            if record is None:
                continue
            self._store.append(record)
            self._done += 1
            if self._on_cell is not None:
                self._on_cell(record, self._done, self._total)

    async def run_cell(self, cell: Cell) -> dict[str, Any] | None:
        """Send one cell's prompt; its results record, or None when it was cancelled.

        A cell that never reached a provider because every candidate of its model was cooling
        down (or its breaker was open) is not a sample: it waits the router's stated time and
        is sent again, up to :data:`MAX_COOLDOWN_WAIT_S` in all, so one early burst of
        failures does not turn the rest of a run into instant errors.
        """
        from playground.session import Pane

        session = self._session_for(cell.case.system)
        waited = 0.0
        while True:
            pane = Pane(session, self._targets[cell.model])
            fallbacks: list[dict[str, Any]] = []
            retries = attempts = 0
            async for event in pane.send(cell.case.prompt):
                if event.type == "fallback":
                    fallbacks.append(event.to_dict())
                elif event.type == "retry":
                    retries += 1
                elif event.type == "attempt":
                    attempts += 1
            wait = _cooldown_wait(pane.turns[-1].error, attempts)
            if wait is None or waited + wait > MAX_COOLDOWN_WAIT_S:
                break
            waited += wait
            if self._on_wait is not None:
                self._on_wait(cell.model, wait)
            await asyncio.sleep(wait)
        metrics = pane.metrics
        turn = pane.turns[-1]
        if str(metrics.status) == "cancelled":
            return None
        error = None if str(metrics.status) == "done" else (turn.error or {})
        return {
            "prompt_id": cell.case.id,
            "model": cell.model,
            "run": cell.run,
            "answered_by": metrics.answered_by if error is None else None,
            "hops": metrics.hop,
            "ttft_ms": _rounded(metrics.ttft_ms),
            "tokens_per_s": _rounded(metrics.tokens_per_s),
            "input_tokens": metrics.input_tokens,
            "output_tokens": metrics.output_tokens,
            "reasoning_tokens": metrics.reasoning_tokens,
            "cost_usd": metrics.cost_usd,
            "stop_reason": turn.stop_reason,
            "error_kind": None if error is None else str(error.get("kind") or "unknown"),
            "error": None if error is None else " ".join(str(error.get("message", "")).split()),
            "fallbacks": [
                {"from": f["from"], "to": f["to"], "reason": f["reason"]} for f in fallbacks
            ],
            "retries": retries,
            "text": turn.text,
        }

    def _session_for(self, system: str | None) -> Session:
        """The base session, or a sibling sharing its resolver, router and HTTP client whose
        system prompt is a prompt line's own ``system``."""
        if system is None:
            return self._session
        sibling = self._systems.get(system)
        if sibling is None:
            from playground.session import Session

            base = self._session
            sibling = Session(base.config, base.resolver, router=base.router, client=base.client)
            sibling.thinking = base.thinking
            sibling.system = system
            sibling.max_tokens = base.max_tokens
            self._systems[system] = sibling
        return sibling


def _cooldown_wait(error: dict[str, Any] | None, attempts: int) -> float | None:
    """How long to wait before sending a cell again that no candidate would take (None: the
    cell's outcome stands — it reached a provider, or nothing says when one frees up)."""
    if error is None or attempts or error.get("kind") == "cancelled":
        return None
    retry_after = error.get("retry_after")
    return float(retry_after) + COOLDOWN_SLACK_S if retry_after else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
