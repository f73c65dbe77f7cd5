"""Cancelling a request closes the provider stream and ends cleanly (CancelledError kept)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from playground.events import ErrorKind, StreamEvent
from playground.reliability import Router
from tests.reliability.scripted import (
    FakeProvider,
    VirtualTime,
    candidate,
    failure,
    request,
    stall,
)

MakeRouter = Callable[..., Router]


async def test_task_cancel_closes_the_adapter_stream_and_propagates(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("slow", stall(after_text=True, seconds=30))
    seen: list[StreamEvent] = []

    async def consume() -> None:
        async for event in make_router().stream(request(), [candidate("a/slow")]):
            seen.append(event)

    task = asyncio.create_task(consume())
    while not any(e.type == "text" for e in seen):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.closed == 1
    assert [e.type for e in seen] == ["attempt", "start", "text"]  # nothing after the cancel


async def test_cancel_during_a_backoff_sleep_stops_retrying(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("limited", failure(ErrorKind.RATE_LIMITED, 429, retry_after=5.0))
    router = make_real_time_router()
    task = asyncio.create_task(_drain(router.stream(request(), [candidate("a/limited")])))
    await asyncio.sleep(0.05)  # now sleeping the 5 s Retry-After
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(fake.calls) == 1


async def test_closing_the_router_stream_early_closes_the_adapter_stream(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("slow", stall(after_text=True, seconds=30))
    events = make_router().stream(request(), [candidate("a/slow")])
    async for event in events:
        if event.type == "text":
            break
    await events.aclose()
    assert fake.closed == 1


async def _drain(events) -> None:
    async for _ in events:
        pass
