"""The console entry point: clean exits for closed pipes and usage errors."""

from __future__ import annotations

import subprocess
import sys


def test_closed_pipe_ends_quietly() -> None:
    # A subcommand that does not handle a closed pipe itself still ends without a traceback.
    code = (
        "import playground.cli.doctor as d\n"
        "def run(args):\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "d.run = run\n"
        "from playground.cli import main\n"
        "raise SystemExit(main(['doctor']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr == ""


def test_usage_error_is_one_line_and_exit_2() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "playground", "ask", "--thinking", "huge", "-m", "sim/echo", "hi"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "invalid choice" in out.stderr
    assert "Traceback" not in out.stderr
