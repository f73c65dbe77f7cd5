"""Attempt deadlines (first byte, first token, idle gap) and the overall request deadline,
measured in real time with short limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from playground.events import Error, ErrorKind
from playground.reliability import Router
from tests.reliability.scripted import (
    FakeProvider,
    answer,
    candidate,
    collect,
    failure,
    kinds,
    request,
    stall,
)

MakeRouter = Callable[..., Router]
FAST = {"retries": 0, "breaker_failures": 100}


async def test_stalled_first_token_times_out_within_its_deadline(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("slow", stall(after_start=True))
    router = make_real_time_router(first_token_timeout_s=0.5, **FAST)
    started = time.monotonic()
    events = await collect(router.stream(request(), [candidate("a/slow")]))
    elapsed = time.monotonic() - started

    assert 0.5 <= elapsed <= 0.55
    final = events[-1]
    assert isinstance(final, Error) and final.kind is ErrorKind.TIMEOUT
    assert final.message == "timed out: no first token within 0.5 s"
    assert not final.after_output
    assert fake.closed == 1  # the adapter stream was closed, releasing its connection


async def test_no_response_times_out_on_the_first_byte_deadline(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("mute", stall(after_start=False))
    router = make_real_time_router(first_byte_timeout_s=0.2, first_token_timeout_s=5.0, **FAST)
    events = await collect(router.stream(request(), [candidate("a/mute")]))
    assert events[-1].message == "timed out: no response within 0.2 s (first byte)"


async def test_idle_gap_after_output_ends_the_attempt_labelled_after_output(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("hang", stall(after_text=True))
    fake.script("spare", answer("fresh"))
    router = make_real_time_router(idle_timeout_s=0.2, **FAST)
    started = time.monotonic()
    events = await collect(router.stream(request(), [candidate("a/hang"), candidate("b/spare")]))
    assert time.monotonic() - started < 0.5
    error = next(e for e in events if isinstance(e, Error))
    assert error.after_output and error.kind is ErrorKind.TIMEOUT
    assert "idle gap" in error.message
    assert kinds(events)[-4:] == ["attempt", "start", "text", "done"]
    assert "fallback" in kinds(events)


async def test_timed_out_attempt_is_retried_like_any_timeout(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("slow", stall(), answer("second time lucky"))
    router = make_real_time_router(
        first_token_timeout_s=0.2, retries=1, backoff_base_s=0.01, backoff_max_s=0.02
    )
    events = await collect(router.stream(request(), [candidate("a/slow")]))
    assert kinds(events)[:3] == ["attempt", "start", "retry"]
    assert "no first token within 0.2 s" in events[2].reason
    assert events[-1].answered_by == "a/slow"


async def test_total_deadline_bounds_retries_and_fallbacks_together(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("down", failure(ErrorKind.SERVER, 500))
    router = make_real_time_router(
        total_timeout_s=0.6, retries=20, backoff_base_s=0.1, backoff_max_s=0.15,
        breaker_failures=100, cooldown_s=0,
    )  # fmt: skip
    chain = [candidate("a/down"), candidate("b/down"), candidate("c/down")]
    started = time.monotonic()
    events = await collect(router.stream(request(), chain))
    elapsed = time.monotonic() - started

    assert elapsed < 0.6 * 1.1
    final = events[-1]
    retries = [e for e in events if e.type == "retry"]
    assert retries and sum(r.delay_s for r in retries) < 0.6  # never slept past the deadline
    # either a wait was refused for lack of time, or the deadline passed between attempts
    assert isinstance(final, Error)
    assert (final.kind is ErrorKind.SERVER and "no time left for a" in final.message) or (
        final.kind is ErrorKind.TIMEOUT and "total deadline of 0.6 s reached" in final.message
    )


async def test_total_deadline_cuts_a_slow_stream(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("slow", stall(after_text=True))
    router = make_real_time_router(total_timeout_s=0.3, idle_timeout_s=10.0, **FAST)
    fake.script("spare", answer())
    started = time.monotonic()
    events = await collect(router.stream(request(), [candidate("a/slow"), candidate("b/spare")]))
    assert time.monotonic() - started < 0.35
    final = events[-1]
    assert final.message == "timed out: no complete answer within the total deadline of 0.3 s"
    assert final.after_output
    assert "fallback" not in kinds(events)  # no time left for another candidate


async def test_connect_deadline_is_handed_to_the_adapter(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m", answer())
    router = make_real_time_router(connect_timeout_s=1.5, idle_timeout_s=7.0)
    await collect(router.stream(request(), [candidate("a/m")]))
    timeout = fake.timeouts[0]
    assert timeout is not None
    assert (timeout.connect, timeout.read, timeout.write) == (1.5, None, 7.0)


@pytest.mark.parametrize("ends_with", ["nothing", "exception"])
async def test_a_misbehaving_adapter_still_ends_with_one_error(
    make_real_time_router: MakeRouter, fake: FakeProvider, ends_with: str
) -> None:
    async def no_final():
        return
        yield

    async def raises():
        raise RuntimeError("adapter bug")
        yield

    fake.script("m", no_final if ends_with == "nothing" else raises)
    events = await collect(make_real_time_router(**FAST).stream(request(), [candidate("a/m")]))
    assert kinds(events) == ["attempt", "error"]
    expected = ErrorKind.PROTOCOL if ends_with == "nothing" else ErrorKind.UNKNOWN
    assert events[-1].kind is expected


async def test_time_the_consumer_spends_between_events_is_not_an_idle_gap(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m", answer())
    router = make_real_time_router(idle_timeout_s=0.1, first_token_timeout_s=0.1, **FAST)
    seen = []
    async for event in router.stream(request(), [candidate("a/m")]):
        seen.append(event.type)
        await asyncio.sleep(0.15)  # a slow consumer, e.g. a busy UI
    assert seen == ["attempt", "start", "text", "done"]


async def test_deadlines_hold_when_each_event_is_awaited_in_its_own_task(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("slow", stall(after_text=True, seconds=5))
    router = make_real_time_router(idle_timeout_s=0.2, **FAST)
    events = router.stream(request(), [candidate("a/slow")])
    seen = []
    started = time.monotonic()
    while True:
        # wait_for runs every __anext__ in a new task: the watchdog must follow it
        event = await asyncio.wait_for(anext(events), timeout=2.0)
        seen.append(event)
        if event.type in ("done", "error"):
            break
    assert time.monotonic() - started < 0.5
    assert seen[-1].message == "timed out: no output for 0.2 s (idle gap between chunks)"


async def test_an_outside_cancel_during_a_deadline_wait_is_not_swallowed(
    make_real_time_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("slow", stall(seconds=5))
    router = make_real_time_router(first_token_timeout_s=0.1, **FAST)
    task = asyncio.create_task(collect(router.stream(request(), [candidate("a/slow")])))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
