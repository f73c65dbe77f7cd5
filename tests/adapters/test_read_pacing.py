"""Coalesced reads: inside ``coalesced_reads`` a fast stream is read at most once per interval
once its output started, with the same text; before the first output, and outside the
context (headless commands), reads are never delayed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from playground.adapters import get_stream
from playground.adapters.read_pacing import coalesced_reads
from playground.endpoint import Protocol
from playground.events import TextDelta
from playground.request import ChatRequest, Message
from playground.session.http_client import shared_client
from playground.sim.scripts import lorem_pieces
from tests.adapters.pacing import Recorder
from tests.adapters.streams import endpoint, summarize

INTERVAL = 0.05


async def stream_text(sim_url: str, model: str, record: Recorder) -> str:
    """One chat completion from the simulator through the session's client; its text."""
    ep = endpoint(Protocol.OPENAI, f"{sim_url}/openai/v1", model)
    request = ChatRequest(model=model, messages=[Message.user("go")])
    async with shared_client(connect_timeout_s=5.0) as client:
        record.output_seen = False
        events = []
        stream: AsyncIterator = get_stream(ep.protocol)(request, ep, client)
        async for event in stream:
            events.append(event)
            if isinstance(event, TextDelta):
                record.output_seen = True
    return summarize(events).text


async def test_a_fast_stream_is_read_once_per_interval_with_the_same_text(sim_url, paced_reads):
    tokens = 400
    model = f"lorem?tps=2000&ttft_ms=0&tokens={tokens}&run=pace-fast"
    with coalesced_reads(INTERVAL):
        text = await stream_text(sim_url, model, paced_reads)
    assert text == "".join(lorem_pieces(tokens))
    paced = [i for i, (_, was_paced) in enumerate(paced_reads.reads) if was_paced]
    assert paced, "output started, so later reads were paced"
    for i in paced:  # a paced read returns at least one interval after the one before it
        assert paced_reads.reads[i][0] - paced_reads.reads[i - 1][0] >= INTERVAL - 0.002
    # 400 tokens sent one per write at 2,000/s: read one by one they take ~400 reads.
    assert len(paced_reads.reads) < tokens / 4


async def test_a_flood_is_read_at_full_speed(sim_url, paced_reads):
    """A read that fills its buffer is followed at once: pacing never caps throughput."""
    tokens = 60_000  # ~6 MB of events as fast as the simulator sends them
    model = f"lorem?tps=0&ttft_ms=0&tokens={tokens}&run=pace-flood"
    with coalesced_reads(INTERVAL):
        text = await stream_text(sim_url, model, paced_reads)
    assert text == "".join(lorem_pieces(tokens))
    full = [i for i, (kind, filled) in enumerate(paced_reads.order) if kind == "read" and filled]
    assert full, "the flood filled some reads"
    followed_by = [paced_reads.order[i + 1][0] for i in full if i + 1 < len(paced_reads.order)]
    assert "sleep" not in followed_by


async def test_nothing_waits_before_the_first_output(sim_url, paced_reads):
    """Time to first token stays exact: the status, the headers and a first token that comes
    after a pause are read the moment they arrive, in every request of the context."""
    with coalesced_reads(INTERVAL):
        for run in ("a", "b"):  # a second request (a tool step, a fallback) starts unpaced too
            model = f"lorem?tps=1000&ttft_ms=150&tokens=120&run=pace-first-{run}"
            assert await stream_text(sim_url, model, paced_reads) == "".join(lorem_pieces(120))
    assert paced_reads.sleeps, "the fast part of each answer was paced"
    assert all(paced_reads.sleeps), "a read waited before its request's first output"


async def test_headless_reads_are_never_delayed(sim_url, paced_reads):
    model = "lorem?tps=2000&ttft_ms=0&tokens=200&run=pace-headless"
    assert await stream_text(sim_url, model, paced_reads) == "".join(lorem_pieces(200))
    assert paced_reads.sleeps == []
    assert not any(was_paced for _, was_paced in paced_reads.reads)


@pytest.mark.parametrize(("interval", "paced"), [(0.0, False), (INTERVAL, True)])
async def test_a_session_paces_its_panes_only_when_asked(
    sim_url, paced_reads, monkeypatch, interval, paced
):
    from playground.session import Session

    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    session = Session.open(persist=False)
    assert session.read_interval_s == 0.0  # headless by default: ask, compare
    session.read_interval_s = interval
    pane = session.add_pane(f"sim/lorem?tps=2000&ttft_ms=0&tokens=300&run=pace-session-{paced}")
    try:
        deltas = [e.text async for e in pane.send("go") if isinstance(e, TextDelta)]
    finally:
        await session.aclose()
    assert "".join(deltas) == "".join(lorem_pieces(300))
    assert bool(paced_reads.sleeps) is paced
