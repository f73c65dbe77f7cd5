"""Fixtures for the ``playground serve`` tests: a running server and its process tree."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc; zombies count as still there)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


@pytest.fixture
def process_tree() -> Callable[[int], set[int]]:
    """``descendants(pid)``: the processes below ``pid``."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to check the server's child processes")
    return descendants


@pytest.fixture
def start_serve(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[str], str]]]:
    """Start ``playground serve --port 0 [ARGS]`` in the test's isolated home.

    Returns the process and its URL; every server started is stopped after the test.
    """
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "playground", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
        )
        started.append(process)
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"open (http://127\.0\.0\.1:\d+)/", first)
        assert match, f"unexpected first line from playground serve: {first!r}"
        return process, match.group(1)

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def served(
    start_serve: Callable[..., tuple[subprocess.Popen[str], str]],
) -> tuple[subprocess.Popen[str], str]:
    """``playground serve --port 0`` in the test's isolated home: the process and its URL."""
    return start_serve()
