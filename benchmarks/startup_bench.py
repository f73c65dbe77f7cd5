"""Start-up benchmark: the headless commands and the TUI's first frame vs bare Textual.

Usage::

    python benchmarks/startup_bench.py [--runs 15]

Every command runs in a fresh process with an isolated HOME (no user config is read), once
to warm up and then ``--runs`` times, the commands interleaved so that a change in machine
load hits them alike. Bytecode caching is on (``PYTHONDONTWRITEBYTECODE`` is dropped from
the children's environment) and the warm-up writes the ``.pyc`` files, as an installed
package has them: compiling source is not start-up cost a user pays on every run.

Printed per command: the median wall time, its spread (min–max), the median CPU time
(user + system, less sensitive to other processes on the machine) and its ratio to a floor
measured in the same rounds (the median over rounds of run / floor):

* ``playground --help``, ``playground models --json`` and ``playground models`` with a
  small config file (pydantic validation on the path) against ``python -c "pass"``;
* the TUI's first painted frame (headless, first compositor refresh: what
  ``render_bench.FIRST_FRAME_CODE`` measures) against ``python -c "import textual.app"``
  and against the same import without the interpreter's teardown (the first-frame runs
  exit at the paint and skip it); also the same frame through the ``playground -m
  sim/echo`` command line, and a minimal Textual app (a title, a TextArea and the footer)
  for the bound any Textual app meets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """
[defaults]
thinking = "medium"

[providers.openai]
base_url = "http://127.0.0.1:9/v1"

[routes.fast]
models = ["sim/echo", "sim-anthropic/echo"]
"""

PAINT_THEN_EXIT = """
import os
from textual.screen import Screen

original = Screen._compositor_refresh

def first_paint(self):
    original(self)
    os._exit(0)  # the first frame is on screen: stop the clock here

Screen._compositor_refresh = first_paint
"""

FIRST_FRAME = (
    PAINT_THEN_EXIT
    + """
from playground.tui.app import PlaygroundApp
from playground.tui.startup import AppOptions

PlaygroundApp(AppOptions(models=["sim/echo"], persist=False)).run(headless=True)
"""
)

FIRST_FRAME_VIA_CLI = (
    PAINT_THEN_EXIT
    + """
from textual.app import App

run = App.run
App.run = lambda self, **kwargs: run(self, headless=True)
from playground.cli import main
main(["-m", "sim/echo"])
"""
)

MINIMAL_APP_FIRST_FRAME = (
    PAINT_THEN_EXIT
    + """
from textual.app import App
from textual.widgets import Footer, Static, TextArea

class Minimal(App):
    def compose(self):
        yield Static("Playground")
        yield TextArea()
        yield Footer()

Minimal().run(headless=True)
"""
)


TEXTUAL_NO_TEARDOWN = "import textual.app, no teardown"
"""The floor without the ~30 ms of interpreter teardown, which the first-frame runs skip
(they ``os._exit`` at the first paint)."""

TUI_FLOORS = ("import textual.app", TEXTUAL_NO_TEARDOWN)
FLOORS: dict[str, tuple[str, ...]] = {
    "python -c pass": (),
    "playground --help": ("python -c pass",),
    "playground models --json": ("python -c pass",),
    "playground models (with config)": ("python -c pass",),
    "import textual.app": (),
    TEXTUAL_NO_TEARDOWN: (),
    "TUI first frame": TUI_FLOORS,
    "TUI first frame via the CLI": TUI_FLOORS,
    "minimal Textual app first frame": TUI_FLOORS,
}
"""What each command is compared with."""


def isolated_env(home: str) -> dict[str, str]:
    """This environment with HOME and the XDG dirs in ``home``, no config override, and
    bytecode caching on."""
    env = {
        **os.environ,
        "HOME": home,
        "XDG_CONFIG_HOME": f"{home}/.config",
        "XDG_DATA_HOME": f"{home}/.local/share",
        "XDG_CACHE_HOME": f"{home}/.cache",
    }
    for name in ("PLAYGROUND_CONFIG", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process running ``argv``."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        error = child.stderr.read().decode(errors="replace") if child.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed ({status}): {error.strip()[-400:]}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(
    commands: dict[str, list[str]], env: dict[str, str], runs: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU seconds of every command, one warm-up each, then ``runs`` interleaved
    rounds."""
    for argv in commands.values():
        run_once(argv, env)
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu = run_once(argv, env)
            samples[name][0].append(wall)
            samples[name][1].append(cpu)
    return samples


def round_ratio(times: list[float], floor: list[float]) -> float:
    """The median over rounds of each run's time over the floor's in the same round (the two
    ran seconds apart, so a change in machine load mostly cancels out)."""
    return statistics.median(t / f for t, f in zip(times, floor, strict=True))


def main() -> None:
    """Measure and print one line per command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    py = [sys.executable]
    with tempfile.TemporaryDirectory() as home:
        env = isolated_env(home)
        config = Path(home) / "config.toml"
        config.write_text(CONFIG)
        commands = {
            "python -c pass": [*py, "-c", "pass"],
            "playground --help": [*py, "-m", "playground", "--help"],
            "playground models --json": [*py, "-m", "playground", "models", "--json"],
            "playground models (with config)": [
                *py, "-m", "playground", "models", "--config", str(config)],
            "import textual.app": [*py, "-c", "import textual.app"],
            TEXTUAL_NO_TEARDOWN: [*py, "-c", "import os, textual.app; os._exit(0)"],
            "TUI first frame": [*py, "-c", FIRST_FRAME],
            "TUI first frame via the CLI": [*py, "-c", FIRST_FRAME_VIA_CLI],
            "minimal Textual app first frame": [*py, "-c", MINIMAL_APP_FIRST_FRAME],
        }  # fmt: skip
        load_before = os.getloadavg()[0]
        samples = measure(commands, env, args.runs)
        load_after = os.getloadavg()[0]
    medians = {
        name: (statistics.median(w), statistics.median(c)) for name, (w, c) in samples.items()
    }
    print(f"{args.runs} runs each, load average {load_before:.2f} -> {load_after:.2f}")
    print(f"{'command':34s} {'median':>8s} {'min-max':>13s} {'CPU':>8s}  ratio (median of rounds)")
    for name, (walls, cpus) in samples.items():
        wall, cpu = medians[name]
        ratios = [
            f"{round_ratio(walls, samples[floor][0]):.2f}x wall, "
            f"{round_ratio(cpus, samples[floor][1]):.2f}x CPU of {floor}"
            for floor in FLOORS[name]
        ]
        spread = f"{min(walls) * 1000:.0f}-{max(walls) * 1000:.0f} ms"
        print(f"{name:34s} {wall * 1000:6.1f}ms {spread:>13s} {cpu * 1000:6.1f}ms  "
              + ("; ".join(ratios) or "(floor)"))  # fmt: skip
    help_s = medians["playground --help"][0]
    for name in ("playground models --json", "playground models (with config)"):
        print(f"{name} over --help: +{(medians[name][0] - help_s) * 1000:.1f} ms")
    print("target: TUI first frame <= 1.2x import textual.app")


if __name__ == "__main__":
    main()
