"""A session killed mid-stream keeps everything up to the last flush, and resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from playground.session import Session
from playground.session.store import FLUSH_INTERVAL_S, read_records

SCRIPT = """
import asyncio, sys, time
from pathlib import Path
from playground.session import Session

async def main():
    session = Session.open(sessions_dir=Path(sys.argv[1]))
    pane = session.add_pane("sim/lorem?tps=100&tokens=5000&ttft_ms=0")
    print(session.store.path, flush=True)
    chars = 0
    async for event in pane.send("write a lot"):
        if event.type == "text":
            chars += len(event.text)
            print(time.monotonic(), chars, flush=True)

asyncio.run(main())
"""


def test_kill_mid_stream_loses_at_most_the_last_flush_interval(sim_url, tmp_path) -> None:
    env = {**os.environ, "PLAYGROUND_SIM_URL": sim_url}
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    path = Path(child.stdout.readline().strip())
    progress: list[tuple[float, int]] = []
    started = time.monotonic()
    while time.monotonic() - started < 2.5:
        line = child.stdout.readline()
        if not line:
            break
        at, chars = line.split()
        progress.append((float(at), int(chars)))
    killed_at = time.monotonic()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=5)
    assert progress, "the child never streamed"

    records = read_records(path)
    saved = "".join(
        r["event"]["text"] for r in records if r["t"] == "event" and r["event"]["type"] == "text"
    )
    assert saved, "nothing was flushed before the kill"
    # Everything the child had received one flush interval before the kill must be on disk.
    # The times are the child's own (CLOCK_MONOTONIC is system-wide); the slack covers a
    # child starved of CPU by a loaded machine (parallel test workers).
    margin = FLUSH_INTERVAL_S + 0.8
    must_have = max((chars for at, chars in progress if at <= killed_at - margin), default=0)
    assert len(saved) >= must_have
    assert [r["t"] for r in records][:3] == ["session", "pane", "turn_start"]

    resumed = Session.resume(path)
    (pane,) = resumed.panes
    assert pane.turns[0].status == "interrupted"
    assert pane.turns[0].text == saved
    assert [m.role for m in pane.history] == ["user", "assistant"]
    resumed.store.close()
