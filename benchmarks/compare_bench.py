"""CPU per request of the compare runner at concurrency 1, 16 and 64.

The simulator runs in its own process and answers every request after ``--ttft-ms`` of
think time, then streams ``--tokens`` tokens flat out. This process runs the real
:class:`~playground.compare.runner.CompareRunner` (session → router → adapter → httpx,
results appended to a ``results.jsonl`` in a temporary directory) and reports its own CPU
time per finished cell: if the runner scales with I/O and not with CPU, CPU per request
stays flat while requests per second grow with the concurrency.

    python benchmarks/compare_bench.py [--levels 1 16 64] [--ttft-ms 100] [--tokens 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from playground.compare.prompts import PromptCase
from playground.compare.results import ResultsStore
from playground.compare.runner import CompareRunner, plan_cells
from playground.config.schema import Config
from playground.session import Session
from playground.sim.embedded import start_sim_process


async def _measure(concurrency: int, cells: int, model: str) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, failed cells) for ``cells`` cells at ``concurrency``."""
    session = Session.open(Config(), persist=False)
    targets = {model: session.resolver.resolve(model)}
    cases = [PromptCase(str(n), f"benchmark prompt {n}") for n in range(cells)]
    with tempfile.TemporaryDirectory() as folder, ResultsStore(Path(folder)) as store:
        runner = CompareRunner(session, targets, store, concurrency=concurrency)
        # Warm-up: imports, the HTTP connection pool and the adapter are not what we measure.
        await CompareRunner(session, targets, ResultsStore(Path(folder) / "w")).run(
            plan_cells(cases[:2], [model], 1)
        )
        cpu, wall = time.process_time(), time.perf_counter()
        await runner.run(plan_cells(cases, [model], 1))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        failed = sum(1 for r in store if r["error_kind"] is not None)
    await session.aclose()
    return cpu, wall, failed


def main() -> None:
    """Print one row per concurrency level."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--ttft-ms", type=int, default=100)
    parser.add_argument("--tokens", type=int, default=50)
    parser.add_argument("--cells-per-slot", type=int, default=4)
    parser.add_argument("--min-cells", type=int, default=40)
    args = parser.parse_args()
    model = f"sim/lorem?tps=0&ttft_ms={args.ttft_ms}&tokens={args.tokens}"
    sim = start_sim_process()
    os.environ["PLAYGROUND_SIM_URL"] = sim.url
    try:
        print(f"model {model}; client process CPU only (the simulator runs in its own process)")
        print("concurrency  cells  wall s  cells/s  CPU ms/cell  failed")
        for level in args.levels:
            cells = max(args.min_cells, args.cells_per_slot * level)
            cpu, wall, failed = asyncio.run(_measure(level, cells, model))
            print(
                f"{level:>11}  {cells:>5}  {wall:>6.2f}  {cells / wall:>7.1f}  "
                f"{1000 * cpu / cells:>11.2f}  {failed:>6}"
            )
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
