"""A recorder of the paced network backend's reads and waits (see ``paced_reads`` in
``tests/conftest.py``)."""

from __future__ import annotations

import time

import pytest

from playground.adapters import paced_network
from playground.adapters.read_pacing import READ_PACE


class Recorder:
    """Network reads (when each returned, whether pacing was on) and pacing sleeps, and both
    in the order they happened (``("read", filled its buffer)`` and ``("sleep", None)``)."""

    def __init__(self) -> None:
        self.reads: list[tuple[float, bool]] = []
        self.sleeps: list[bool] = []  # per sleep: had this request's output been seen?
        self.order: list[tuple[str, bool | None]] = []
        self.output_seen = False


def install_recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Record every read of :class:`PacedStream` and every pacing wait, for this test."""
    record = Recorder()
    read = paced_network.PacedStream.read
    sleep = paced_network.sleep

    async def recording_read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        pace = READ_PACE.get()
        paced = pace is not None and pace.output_started
        data = await read(self, max_bytes, timeout)
        record.reads.append((time.perf_counter(), paced))
        record.order.append(("read", len(data) >= max_bytes))
        return data

    async def recording_sleep(seconds: float) -> None:
        record.sleeps.append(record.output_seen)
        record.order.append(("sleep", None))
        await sleep(seconds)

    monkeypatch.setattr(paced_network.PacedStream, "read", recording_read)
    monkeypatch.setattr(paced_network, "sleep", recording_sleep)
    return record
