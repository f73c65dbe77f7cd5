"""The console entry point: clean exits for closed pipes and usage errors."""

from __future__ import annotations

import subprocess
import sys


def test_closed_pipe_ends_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground", "models"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err


def test_usage_error_is_one_line_and_exit_2() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "playground", "ask", "--thinking", "huge", "-m", "sim/echo", "hi"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "invalid choice" in out.stderr
    assert "Traceback" not in out.stderr
