"""Paced render benchmark: what streaming at a model's real speed costs, per pane.

The real app runs headless (``run_test``, 200×50) with 1, 4 or 6 panes, each streaming
``sim/lorem`` at 30, 100, 1,000 or 2,000 tokens/s for about ``--seconds`` seconds. Per cell:

* cores used by this process while streaming (``process_time`` / wall time): app, session,
  router and adapters; the simulator runs in a child process and is not counted;
* the same divided by the number of streaming panes (issue 18 targets: ≤ 0.05 core per pane
  at 100 tok/s, ≤ 0.15 at 1,000 tok/s);
* the cores the same app uses while its panes sit idle for as long (the baseline in the
  same run: idle panes should cost nothing);
* the transport floor: cores used by raw ``httpx`` ``aiter_lines()`` reading one such stream
  from the same simulator in the same run, with no app at all (every paced token is its own
  network read, so this is what any client pays before drawing anything);
* event-loop lag of a 10 ms ticker (p99 and max) and whether the final texts are identical
  to what was sent.

Run: ``python benchmarks/paced_render_bench.py [--panes 1 4 6] [--tps 30 100 1000 2000]``.
Streams last 10 s by default (a 1,000-token answer at 100 tok/s): a shorter window mostly
measures the start and end of a turn (mounting its widgets, a few layouts), not streaming.
The unpaced figures are in ``render_bench.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.worker import Worker


async def run_cell(panes: int, tps: int, seconds: float) -> dict[str, float | bool]:
    """Stream ``panes`` × ``tps`` tokens/s for ~``seconds`` and measure; idle first."""
    from playground.sim.scripts import lorem_pieces
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    tokens = max(10, round(tps * seconds))
    spec = f"sim/lorem?tps={tps}&ttft_ms=0&tokens={tokens}"
    app = PlaygroundApp(AppOptions(models=[spec] * panes, persist=False))
    expected = "".join(lorem_pieces(tokens))
    lags: list[float] = []
    running = True

    async def ticker() -> None:
        while running:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - start - 0.01)

    async with app.run_test(size=(200, 50)) as pilot:
        while len(app.chat_panes) < panes:  # the first run mounts them after its imports
            await pilot.pause()
        views = app.chat_panes
        await pilot.press(*"go")
        await pilot.pause()
        idle_cpu0, idle_wall0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(min(seconds, 1.5))
        idle_cores = (time.process_time() - idle_cpu0) / (time.perf_counter() - idle_wall0)
        tick = asyncio.create_task(ticker())
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await pilot.press("enter")
        # Wait on the panes' stream workers themselves once they run: polling until the end
        # would add wake-ups of the benchmark's own to the app's figure.
        streams: list[Worker[None]] = []
        started_by = time.perf_counter() + 2.0  # the warm-up's app may not take the prompt
        while len(streams) < panes and time.perf_counter() < started_by:
            await asyncio.sleep(0.01)
            streams = [worker for worker in app.workers if worker.group == "stream"]
        await app.workers.wait_for_complete(streams)
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        running = False
        await tick
        await pilot.pause()
        texts = [view.last_answer for view in views]
        await app.action_quit()
    lags.sort()
    cores = cpu / wall
    return {
        "wall_s": wall,
        "cores": cores,
        "cores_per_pane": cores / panes,
        "idle_cores": idle_cores,
        "lag_p99_ms": lags[max(0, int(len(lags) * 0.99) - 1)] * 1000 if lags else 0.0,
        "lag_max_ms": lags[-1] * 1000 if lags else 0.0,
        "text_identical": all(text == expected for text in texts),
    }


async def transport_floor(url: str, tps: int, seconds: float) -> float:
    """Cores raw httpx uses to read one paced ``sim/lorem`` stream (no app, no parsing)."""
    import httpx

    tokens = max(10, round(tps * seconds))
    body = {
        "model": f"lorem?tps={tps}&ttft_ms=0&tokens={tokens}",
        "messages": [{"role": "user", "content": "go"}],
        "stream": True,
    }
    async with httpx.AsyncClient() as client:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        async with client.stream("POST", f"{url}/openai/v1/chat/completions", json=body) as r:
            async for _line in r.aiter_lines():
                pass
        return (time.process_time() - cpu0) / (time.perf_counter() - wall0)


def main() -> None:
    """Run every cell and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panes", type=int, nargs="*", default=[1, 4, 6])
    parser.add_argument("--tps", type=int, nargs="*", default=[30, 100, 1000, 2000])
    parser.add_argument("--seconds", type=float, default=10.0, help="streaming time per cell")
    args = parser.parse_args()

    from playground.sim.embedded import SIM_URL_ENV, start_sim_process

    print(
        f"{'panes':>5} {'tok/s':>6} {'wall s':>7} {'cores':>6} {'core/pane':>10}"
        f" {'idle cores':>11} {'httpx floor':>12} {'lag p99 ms':>11} {'lag max ms':>11}"
        f" {'identical':>10}"
    )
    with start_sim_process() as sim:
        os.environ[SIM_URL_ENV] = sim.url
        asyncio.run(run_cell(1, 1000, 0.5))  # warm-up: imports and first connection
        floors: dict[int, float] = {}
        for panes in args.panes:
            for tps in args.tps:
                if tps not in floors:
                    floors[tps] = asyncio.run(transport_floor(sim.url, tps, min(args.seconds, 3)))
                r = asyncio.run(run_cell(panes, tps, args.seconds))
                print(
                    f"{panes:>5} {tps:>6} {r['wall_s']:>7.2f} {r['cores']:>6.3f}"
                    f" {r['cores_per_pane']:>10.3f} {r['idle_cores']:>11.3f} {floors[tps]:>12.3f}"
                    f" {r['lag_p99_ms']:>11.1f} {r['lag_max_ms']:>11.1f}"
                    f" {'yes' if r['text_identical'] else 'NO':>10}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
