"""Start-up benchmark: the headless commands and the TUI's first frame vs bare Textual.

Usage::

    python benchmarks/startup_bench.py [--runs 15]

Prints the median wall time of each command (a fresh process each run, an isolated HOME so
no user config is read) and its ratio to a floor measured in the same run:

* ``playground --help`` and ``playground models --json`` against ``python -c "pass"``;
* ``playground models`` with a small config file (pydantic validation on the path);
* the TUI's first painted frame against ``python -c "import textual.app"``
  (the measurement lives in ``render_bench.startup``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_bench import median_seconds, startup

CONFIG = """
[defaults]
thinking = "medium"

[providers.openai]
base_url = "http://127.0.0.1:9/v1"

[routes.fast]
models = ["sim/echo", "sim-anthropic/echo"]
"""


def main() -> None:
    """Measure and print one line per command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config"}
        env.pop("PLAYGROUND_CONFIG", None)
        config = Path(home) / "config.toml"
        config.write_text(CONFIG)
        py = [sys.executable]
        floor = median_seconds([*py, "-c", "pass"], env, args.runs)
        rows = {
            "python -c pass (floor)": floor,
            "playground --help": median_seconds([*py, "-m", "playground", "--help"], env,
                                                args.runs),
            "playground models --json": median_seconds(
                [*py, "-m", "playground", "models", "--json"], env, args.runs),
            "playground models (with config)": median_seconds(
                [*py, "-m", "playground", "models", "--config", str(config)], env, args.runs),
        }  # fmt: skip
    for name, seconds in rows.items():
        print(f"{name:34s} {seconds * 1000:7.1f} ms")
    help_s = rows["playground --help"]
    json_over = rows["playground models --json"] - help_s
    print(f"models --json over --help: +{json_over * 1000:.1f} ms")
    print(f"models with config over --help: "
          f"+{(rows['playground models (with config)'] - help_s) * 1000:.1f} ms")  # fmt: skip
    s = startup()
    print(f"{'python -c import textual.app':34s} {s['import_textual_s'] * 1000:7.1f} ms")
    print(f"{'TUI first frame':34s} {s['tui_first_frame_s'] * 1000:7.1f} ms"
          f"  ({s['ratio']:.2f}x the bare-Textual floor; target <= 1.5x)")  # fmt: skip


if __name__ == "__main__":
    main()
