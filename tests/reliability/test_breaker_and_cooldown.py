"""Circuit breaker per candidate and escalating cooldown, shared by all users of a router."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from playground.events import CircuitHalfOpen, CircuitOpen, Cooldown, Error, ErrorKind
from playground.reliability import BreakerState, Router
from tests.reliability.scripted import (
    FakeProvider,
    VirtualTime,
    answer,
    candidate,
    collect,
    failure,
    kinds,
    request,
    stall,
)

MakeRouter = Callable[..., Router]
DOWN = ErrorKind.SERVER


async def test_breaker_opens_after_consecutive_failures(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("flaky", failure(DOWN, 500))
    fake.script("spare", answer())
    router = make_router(retries=5, breaker_failures=3, breaker_reset_s=20.0)
    chain = [candidate("a/flaky"), candidate("b/spare")]
    events = await collect(router.stream(request(), chain))

    # three attempts, then the breaker opens and stops further retries of that candidate
    assert kinds(events)[:7] == [
        "attempt", "retry", "attempt", "retry", "attempt", "circuit_open", "fallback"
    ]  # fmt: skip
    opened = events[5]
    assert isinstance(opened, CircuitOpen)
    assert (opened.delay_s, opened.failures) == (20.0, 3)
    assert events[6].reason.endswith("circuit opened: no more tries here")
    state = router.state("a/flaky")
    assert state.breaker is BreakerState.OPEN
    assert state.consecutive_failures == 3
    assert state.breaker_in_s == pytest.approx(20.0)
    assert events[-1].answered_by == "b/spare"


async def test_open_breaker_skips_then_half_open_probe_closes_it(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("flaky", failure(DOWN, 500))
    fake.script("spare", answer())
    router = make_router(retries=0, breaker_failures=1, breaker_reset_s=20.0, cooldown_s=0)
    chain = [candidate("a/flaky"), candidate("b/spare")]
    await collect(router.stream(request(), chain))
    assert router.state("a/flaky").breaker is BreakerState.OPEN

    vtime.advance(5.0)
    skipped = await collect(router.stream(request(), chain))
    assert kinds(skipped)[:3] == ["circuit_open", "fallback", "attempt"]
    assert skipped[0].delay_s == pytest.approx(15.0)
    assert fake.calls.count(("flaky", "sk-test-default-key-0000")) == 1

    vtime.advance(15.0)
    fake.script("flaky", answer("recovered"))
    probe = await collect(router.stream(request(), chain))
    assert isinstance(probe[0], CircuitHalfOpen) and probe[0].candidate == "a/flaky"
    assert probe[-1].answered_by == "a/flaky"
    state = router.state("a/flaky")
    assert state.breaker is BreakerState.CLOSED and state.consecutive_failures == 0


async def test_failed_probe_reopens_the_breaker(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("flaky", failure(DOWN, 500))
    fake.script("spare", answer())
    router = make_router(retries=0, breaker_failures=2, breaker_reset_s=10.0, cooldown_s=0)
    chain = [candidate("a/flaky"), candidate("b/spare")]
    await collect(router.stream(request(), chain))
    await collect(router.stream(request(), chain))
    assert router.state("a/flaky").breaker is BreakerState.OPEN

    vtime.advance(10.0)
    probe = await collect(router.stream(request(), chain))
    assert kinds(probe)[:4] == ["circuit_half_open", "attempt", "circuit_open", "fallback"]
    assert router.state("a/flaky").breaker is BreakerState.OPEN
    assert router.state("a/flaky").breaker_in_s == pytest.approx(10.0)


async def test_only_one_probe_runs_while_half_open(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("flaky", failure(DOWN, 500))
    fake.script("spare", answer())
    router = make_router(retries=0, breaker_failures=1, breaker_reset_s=10.0, cooldown_s=0)
    chain = [candidate("a/flaky"), candidate("b/spare")]
    await collect(router.stream(request(), chain))
    vtime.advance(10.0)

    fake.script("flaky", stall(seconds=0.2))
    probe = asyncio.create_task(collect(router.stream(request(), chain)))
    await asyncio.sleep(0.05)  # the probe is now waiting on the slow candidate
    other = await collect(router.stream(request(), chain))
    assert kinds(other)[:2] == ["circuit_open", "fallback"]
    assert "probe in flight" in other[1].reason
    assert other[-1].answered_by == "b/spare"
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    # a cancelled probe gives no verdict: the next request may probe again
    fake.script("flaky", answer())
    again = await collect(router.stream(request(), chain))
    assert again[0].type == "circuit_half_open"
    assert again[-1].answered_by == "a/flaky"


async def test_request_faults_do_not_trip_the_breaker(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m", failure(ErrorKind.BAD_REQUEST, 400))
    router = make_router(breaker_failures=1)
    for _ in range(3):
        await collect(router.stream(request(), [candidate("a/m")]))
    assert router.state("a/m").breaker is BreakerState.CLOSED


async def test_default_cooldown_escalates_and_resets_on_success(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("flaky", failure(DOWN, 500))
    fake.script("spare", answer())
    router = make_router(retries=0, breaker_failures=100, cooldown_s=10.0)
    chain = [candidate("a/flaky"), candidate("b/spare")]

    waits = []
    for _ in range(3):
        events = await collect(router.stream(request(), chain))
        waits.append(next(e.delay_s for e in events if isinstance(e, Cooldown)))
        vtime.advance(waits[-1])
    assert waits == [10.0, 20.0, 40.0]
    assert router.state("a/flaky").cooldowns_in_a_row == 3

    fake.script("flaky", answer())
    await collect(router.stream(request(), chain))
    state = router.state("a/flaky")
    assert state.cooldowns_in_a_row == 0 and state.cooldown_until is None


async def test_every_candidate_unavailable_says_when_the_soonest_returns(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("a", failure(DOWN, 500))
    fake.script("b", failure(ErrorKind.RATE_LIMITED, 429, retry_after=45.0))
    fake.script("c", failure(DOWN, 500))
    router = make_router(retries=0, breaker_failures=1, breaker_reset_s=60.0, cooldown_s=10.0)
    chain = [candidate("p/a"), candidate("q/b"), candidate("r/c")]
    await collect(router.stream(request(), chain))
    assert router.state("p/a").breaker is BreakerState.OPEN
    assert router.state("q/b").breaker is BreakerState.OPEN
    assert router.state("q/b").cooldown_in_s == pytest.approx(45.0)  # Retry-After kept too
    assert router.state("r/c").breaker is BreakerState.OPEN

    vtime.advance(5.0)
    events = await collect(router.stream(request(), chain))
    assert kinds(events) == [
        "circuit_open", "fallback", "circuit_open", "fallback", "circuit_open", "error"
    ]  # fmt: skip
    final = events[-1]
    assert isinstance(final, Error)
    assert "every candidate is unavailable" in final.message
    assert "the soonest, p/a, is available again in 55.0 s" in final.message
    assert final.retry_after == pytest.approx(55.0)

    # breaker delays over, but q/b's server asked for 45 s: it is still cooling
    vtime.advance(56.0)
    fake.script("a", answer())
    assert (await collect(router.stream(request(), chain)))[-1].answered_by == "p/a"
    assert router.state("q/b").breaker is BreakerState.OPEN
    assert [model for model, _ in fake.calls] == ["a", "b", "c", "a"]


async def test_state_is_shared_by_every_stream_of_a_router(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("flaky", failure(DOWN, 500))
    fake.script("spare", answer())
    router = make_router(retries=0, breaker_failures=2, cooldown_s=0)
    chain = [candidate("a/flaky"), candidate("b/spare")]
    await asyncio.gather(*(collect(router.stream(request(), chain)) for _ in range(2)))
    assert router.state("a/flaky").breaker is BreakerState.OPEN


async def test_no_probe_before_the_servers_retry_after_ran_out(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("b", failure(ErrorKind.RATE_LIMITED, 429, retry_after=45.0))
    router = make_router(retries=0, breaker_failures=1, breaker_reset_s=10.0)
    await collect(router.stream(request(), [candidate("q/b")]))
    vtime.advance(11.0)  # the breaker would allow a probe now
    events = await collect(router.stream(request(), [candidate("q/b")]))
    assert kinds(events) == ["cooldown", "error"]
    assert events[0].delay_s == pytest.approx(34.0)
    assert len(fake.calls) == 1


async def test_single_candidate_gets_no_default_cooldown(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("only", failure(DOWN, 500))
    router = make_router(retries=0, breaker_failures=5, cooldown_s=30.0)
    events = await collect(router.stream(request(), [candidate("a/only")]))
    assert kinds(events) == ["attempt", "error"]
    assert router.state("a/only").cooldown_until is None
    again = await collect(router.stream(request(), [candidate("a/only")]))
    assert kinds(again) == ["attempt", "error"]  # the user may try again at once


async def test_a_rate_limited_first_key_cannot_open_the_breaker_before_rotation(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m:sk-key-one-aaaa-1111", failure(ErrorKind.RATE_LIMITED, 429))
    fake.script("m", answer())
    cand = candidate("p/m", "sk-key-one-aaaa-1111", "sk-key-two-bbbb-2222")
    router = make_router(retries=2, breaker_failures=3)  # three failed attempts on key one
    events = await collect(router.stream(request(), [cand]))

    assert "circuit_open" not in kinds(events)
    assert fake.keys_used() == ["sk-key-one-aaaa-1111"] * 3 + ["sk-key-two-bbbb-2222"]
    assert events[-1].answered_by == "p/m"


async def test_key_failures_on_the_last_key_do_count(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m", failure(ErrorKind.RATE_LIMITED, 429))
    cand = candidate("p/m", "sk-key-one-aaaa-1111", "sk-key-two-bbbb-2222")
    router = make_router(retries=2, breaker_failures=3)
    events = await collect(router.stream(request(), [cand]))
    assert kinds(events).count("attempt") == 6
    assert "circuit_open" in kinds(events)
    assert router.state("p/m").breaker is BreakerState.OPEN
