"""Render benchmark: the real app, headless, 4 (``--panes``) panes streaming from the simulator.

Usage::

    python benchmarks/render_bench.py              # tps=0 and tps=2000, 4 x 25,000 tokens
    python benchmarks/render_bench.py --tokens 5000 --variants 0
    python benchmarks/render_bench.py --panes 6 --tokens 20000 --variants 2000   # issue 18 item 2

Measures, per variant:

* CPU seconds of *this* process (app + adapters + session + router) per 10k and per 1k
  rendered tokens (``time.process_time``). The simulated provider runs in a child process;
  its CPU is reported separately (from /proc) and is not counted against the app.
* wall time from the last token received (end of stream in the pane's worker) to the last
  token drawn (the final frame of that pane), max over panes;
* event-loop lag of a 10 ms ticker during streaming (max and p99);
* keystroke echo: characters typed into the prompt while streaming, and whether they all
  arrived;
* whether every pane's final text is identical to what the simulator sent;
* the app's resident memory at the end (read before the benchmark joins the panes' texts to
  compare them);

and the start-up time of the TUI's first frame vs ``python -c "import textual.app"``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from startup_bench import FIRST_FRAME  # the same first-frame probe as the start-up bench

PANES = 4
"""Panes streaming at once unless ``--panes`` says otherwise."""


def _child_cpu_seconds() -> float:
    """CPU seconds (user+system) of this process's children that are simulators."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            if fields[1] != me:
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"sim" in cmdline:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_variant(tokens: int, tps: int, panes: int = PANES) -> dict[str, float | bool | str]:
    """Stream ``tokens`` per pane at ``tps`` into ``panes`` panes and measure."""
    from textual import events

    from playground.sim.scripts import lorem_pieces
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions
    from playground.tui.widgets.chat_pane import ChatPane

    spec = f"sim/lorem?tps={tps}&ttft_ms=0&tokens={tokens}"
    options = AppOptions(models=[spec] * panes, persist=False)
    app = PlaygroundApp(options)
    expected = "".join(lorem_pieces(tokens))

    received_at: dict[str, float] = {}
    drawn_at: dict[str, float] = {}
    original_consume_end = ChatPane.refresh_header

    def mark_end(self: ChatPane) -> None:  # called once per turn end, after the final frame
        drawn_at[self.pane.id] = time.perf_counter()
        original_consume_end(self)

    lags: list[float] = []
    typed = "the quick brown fox"
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        views = app.chat_panes
        # Record when each stream's last event arrived (before the final draw).
        for view in views:
            pane = view.pane
            original_send = pane.send

            def send(*args, _pane=pane, _orig=original_send, **kwargs):
                async def wrapped():
                    async for event in _orig(*args, **kwargs):
                        received_at[_pane.id] = time.perf_counter()
                        yield event

                return wrapped()

            pane.send = send  # type: ignore[method-assign]
        ChatPane.refresh_header = mark_end  # type: ignore[method-assign]
        drawn_at.clear()

        running = True

        async def ticker() -> None:
            while running:
                start = time.perf_counter()
                await asyncio.sleep(0.01)
                lags.append(time.perf_counter() - start - 0.01)

        prompt = app.query_one("#prompt")
        await pilot.press(*"go")
        sim_cpu0 = _child_cpu_seconds()
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        await pilot.press("enter")
        tick = asyncio.create_task(ticker())
        # Type while streaming: every character must arrive in the prompt.
        await asyncio.sleep(0.3)
        # Keystroke echo: post each key like the terminal driver does and time until the
        # prompt shows it (Pilot.press waits for the app to go idle, which streaming delays).
        key_ms: list[float] = []
        for index, char in enumerate(typed):
            pressed = time.perf_counter()
            key = "space" if char == " " else char
            app.post_message(events.Key(key, char))
            while len(prompt.text) <= index:  # type: ignore[attr-defined]
                await asyncio.sleep(0.001)
            key_ms.append((time.perf_counter() - pressed) * 1000)
            await asyncio.sleep(0.05)  # a fast typist: 20 keys per second
        while any(v.busy for v in views) or len(drawn_at) < panes:
            await asyncio.sleep(0.02)
        running = False
        await tick
        await pilot.pause()
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        sim_cpu = _child_cpu_seconds() - sim_cpu0
        rss = _rss_mb()  # the app's, before this benchmark copies the texts to compare them
        texts = [v.last_answer for v in views]
        echoed = prompt.text == typed  # type: ignore[attr-defined]
        ChatPane.refresh_header = original_consume_end  # type: ignore[method-assign]
        await app.action_quit()
    total_tokens = tokens * panes
    delays = [drawn_at[p] - received_at[p] for p in received_at]
    lags.sort()
    return {
        "variant": f"tps={tps}",
        "tokens": total_tokens,
        "wall_s": wall,
        "cpu_s": cpu,
        "cpu_per_10k": cpu / total_tokens * 10_000,
        "cpu_per_1k": cpu / total_tokens * 1_000,
        "sim_cpu_s": sim_cpu,
        "last_token_on_screen_s": max(delays) if delays else float("nan"),
        "lag_max_ms": max(lags) * 1000 if lags else 0.0,
        "lag_p99_ms": lags[int(len(lags) * 0.99) - 1] * 1000 if len(lags) > 1 else 0.0,
        "lag_median_ms": statistics.median(lags) * 1000 if lags else 0.0,
        "keystrokes_echoed": echoed,
        "key_echo_max_ms": max(key_ms),
        "rss_mb": rss,
        "text_identical": all(t == expected for t in texts),
    }


def median_seconds(argv: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of ``argv`` over ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup() -> dict[str, float]:
    """Median wall time from process start to the TUI's first painted frame (the same
    start-up path as ``playground``: app, first compositor refresh), vs the floor
    ``python -c "import textual.app"``."""

    env = dict(os.environ)
    floor = median_seconds([sys.executable, "-c", "import textual.app"], env, 7)
    first_frame = median_seconds([sys.executable, "-c", FIRST_FRAME], env, 7)
    return {"import_textual_s": floor, "tui_first_frame_s": first_frame,
            "ratio": first_frame / floor}  # fmt: skip


def main() -> None:
    """Run the variants and print one line of numbers each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=25_000, help="tokens per pane")
    parser.add_argument("--variants", type=int, nargs="*", default=[0, 2000], help="tps values")
    parser.add_argument("--panes", type=int, default=PANES, help="panes streaming at once")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    args = parser.parse_args()

    from playground.sim.embedded import SIM_URL_ENV, start_sim_process

    with start_sim_process() as sim:
        os.environ[SIM_URL_ENV] = sim.url
        for tps in args.variants:
            result = asyncio.run(run_variant(args.tokens, tps, args.panes))
            print(
                f"{result['variant']:>9}: {result['tokens']:,} tokens in {result['wall_s']:.1f} s"
                f" | app CPU {result['cpu_s']:.2f} s = {result['cpu_per_10k']:.3f} s/10k"
                f" ({result['cpu_per_1k']:.4f} s/1k) | sim CPU {result['sim_cpu_s']:.2f} s"
                f" | last token on screen {result['last_token_on_screen_s'] * 1000:.0f} ms"
                f" | loop lag p99 {result['lag_p99_ms']:.1f} ms, max {result['lag_max_ms']:.1f} ms"
                f" | keys echoed {result['keystrokes_echoed']}"
                f" (slowest {result['key_echo_max_ms']:.0f} ms)"
                f" | text identical {result['text_identical']}"
                f" | RSS {result['rss_mb']:.0f} MB",
                flush=True,
            )
    if not args.no_startup:
        s = startup()
        print(
            f"  startup: import textual.app {s['import_textual_s'] * 1000:.0f} ms,"
            f" TUI first frame {s['tui_first_frame_s'] * 1000:.0f} ms"
            f" ({s['ratio']:.2f}x the floor)"
        )


if __name__ == "__main__":
    main()
