"""The app in a real terminal: cores used while panes stream, measured in tmux.

Starts ``playground`` in a detached tmux session (120×40 by default, isolated HOME, no keys)
with ``--panes`` panes of ``sim/lorem`` at each ``--tps``, types a prompt, and reads the app
process's CPU from ``/proc/PID/stat`` over ``--seconds`` of the stream (after a 2 s start), then
over as long with the panes idle after the answer. The simulator runs in a child process of
the app and is not counted. Every frame goes through tmux's pty, so this includes writing the
terminal output that the headless benchmarks skip.

Baseline, same machine and run: cores raw ``httpx`` ``aiter_lines()`` uses to read one such
stream from a simulator (the transport floor of ``paced_render_bench.py``).

Run: ``python benchmarks/tmux_bench.py [--tps 100 1000] [--panes 1] [--size 120x40]``
(needs ``tmux``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def app_pid(pane_pid: int) -> int:
    """The playground process tmux started (the pane's shell may have exec'd into it)."""
    for _ in range(100):
        comm = Path(f"/proc/{pane_pid}/cmdline").read_bytes()
        if b"playground" in comm:
            return pane_pid
        children = Path(f"/proc/{pane_pid}/task/{pane_pid}/children").read_text().split()
        for child in children:
            if b"playground" in Path(f"/proc/{child}/cmdline").read_bytes():
                return int(child)
        time.sleep(0.05)
    raise RuntimeError("the app did not start")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def measure(panes: int, tps: int, seconds: float, size: tuple[int, int]) -> tuple[float, float]:
    """Cores used while ``panes`` panes stream at ``tps`` and then while they sit idle."""
    tokens = int(tps * (seconds + 4))
    spec = f"sim/lorem?tps={tps}&ttft_ms=0&tokens={tokens}"
    session = f"pg-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory() as home:
        env = f"HOME={home} XDG_CONFIG_HOME={home}/.config XDG_DATA_HOME={home}/.data"
        if os.environ.get("PYTHONPATH"):  # e.g. another checkout, to compare code (A/B)
            env += f" PYTHONPATH={os.environ['PYTHONPATH']}"
        models = " ".join(f"-m '{spec}'" for _ in range(panes))
        command = f"env {env} {sys.executable} -m playground {models}"
        # Started in the empty HOME: ``-m`` puts the working directory first on sys.path,
        # where a checkout would shadow the code under test (PYTHONPATH).
        size_args = ("-x", str(size[0]), "-y", str(size[1]))
        tmux("new-session", "-d", "-s", session, "-c", home, *size_args, command)
        try:
            pid = app_pid(int(tmux("display", "-p", "-t", session, "#{pane_pid}").strip()))
            time.sleep(3.0)  # first frame, panes mounted
            tmux("send-keys", "-t", session, "go", "Enter")
            time.sleep(2.0)  # past the start of the turn
            cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
            time.sleep(seconds)
            streaming = (cpu_seconds(pid) - cpu0) / (time.perf_counter() - wall0)
            time.sleep(max(0.0, tokens / tps - seconds - 2.0) + 2.0)  # the answer ends
            cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
            time.sleep(min(seconds, 5.0))
            idle = (cpu_seconds(pid) - cpu0) / (time.perf_counter() - wall0)
        finally:
            tmux("kill-session", "-t", session)
    return streaming, idle


def main() -> None:
    """Print one line per rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tps", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--panes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed")
    width, height = (int(n) for n in args.size.split("x"))

    sys.path.insert(0, str(Path(__file__).parent))
    from paced_render_bench import transport_floor

    from playground.sim.embedded import start_sim_process

    print(
        f"{'panes':>5} {'tok/s':>6} {'cores':>6} {'core/pane':>10} {'idle cores':>11}"
        f" {'httpx floor':>12} {'pane/floor':>11}"
    )
    for tps in args.tps:
        with start_sim_process() as sim:
            floor = asyncio.run(transport_floor(sim.url, tps, min(args.seconds, 3.0)))
        cores, idle = measure(args.panes, tps, args.seconds, (width, height))
        per_pane = cores / args.panes
        print(
            f"{args.panes:>5} {tps:>6} {cores:>6.3f} {per_pane:>10.3f} {idle:>11.3f}"
            f" {floor:>12.3f} {per_pane / floor:>10.2f}×",
            flush=True,
        )


if __name__ == "__main__":
    main()
