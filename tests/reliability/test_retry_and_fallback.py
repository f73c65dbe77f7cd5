"""Retries, Retry-After, key rotation and fallback, driven by scripted fake providers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from playground.events import (
    Attempt,
    Cooldown,
    Done,
    Error,
    ErrorKind,
    Fallback,
    KeyRotated,
    Retry,
)
from playground.reliability import Router
from playground.reliability.backoff import backoff_ceiling
from tests.reliability.scripted import (
    FakeProvider,
    VirtualTime,
    answer,
    candidate,
    collect,
    failure,
    kinds,
    request,
)

MakeRouter = Callable[..., Router]
RL = ErrorKind.RATE_LIMITED


async def test_429_twice_with_retry_after_then_answers(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script(
        "echo",
        failure(RL, 429, retry_after=1.0),
        failure(RL, 429, retry_after=1.0),
        answer("hi there"),
    )
    events = await collect(make_router().stream(request(), [candidate("sim/echo")]))

    assert kinds(events) == [
        "attempt", "retry", "attempt", "retry", "attempt", "start", "text", "done"
    ]  # fmt: skip
    retries = [e for e in events if isinstance(e, Retry)]
    assert [(r.delay_s, r.source, r.attempt) for r in retries] == [
        (1.0, "retry_after", 1),
        (1.0, "retry_after", 2),
    ]
    assert retries[0].reason.startswith("rate_limited (429)")
    assert vtime.sleeps == [1.0, 1.0]
    assert [e.attempt for e in events if isinstance(e, Attempt)] == [1, 2, 3]
    done = events[-1]
    assert isinstance(done, Done) and done.answered_by == "sim/echo"


async def test_backoff_without_retry_after_uses_full_jitter_then_falls_back(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("bad", failure(ErrorKind.OVERLOADED, 503))
    fake.script("good", answer())
    router = make_router(retries=3, backoff_base_s=0.5, backoff_max_s=1.5, breaker_failures=10)
    events = await collect(router.stream(request(), [candidate("a/bad"), candidate("b/good")]))

    retries = [e for e in events if isinstance(e, Retry)]
    assert [r.source for r in retries] == ["backoff"] * 3
    for n, retry in enumerate(retries):
        assert 0.0 <= retry.delay_s <= backoff_ceiling(n, 0.5, 1.5)
    assert len({r.delay_s for r in retries}) == 3  # jittered, not a fixed schedule
    assert fake.calls == [("bad", "sk-test-default-key-0000")] * 4 + [
        ("good", "sk-test-default-key-0000")
    ]
    fallback = next(e for e in events if isinstance(e, Fallback))
    assert (fallback.from_, fallback.to) == ("a/bad", "b/good")
    assert fallback.reason.startswith("overloaded (503)")
    assert fallback.to_dict()["from"] == "a/bad"
    assert events[-1] == Done(answered_by="b/good")


async def test_first_model_always_503_second_healthy_answers_with_fallback(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("always-503", failure(ErrorKind.OVERLOADED, 503))
    fake.script("healthy", answer("from the second"))
    events = await collect(
        make_router().stream(request(), [candidate("sim/always-503"), candidate("sim/healthy")])
    )
    assert "fallback" in kinds(events)
    assert not any(isinstance(e, Error) for e in events)  # retried errors live in reasons
    assert events[-2].text == "from the second"
    assert events[-1].answered_by == "sim/healthy"


async def test_retry_after_longer_than_cap_skips_to_fallback_and_cools_down(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("limited", failure(RL, 429, retry_after=30.0))
    fake.script("spare", answer())
    router = make_router(backoff_max_s=8.0)
    chain = [candidate("a/limited"), candidate("b/spare")]
    events = await collect(router.stream(request(), chain))

    assert kinds(events) == [
        "attempt", "cooldown", "fallback", "attempt", "start", "text", "done"
    ]  # fmt: skip
    assert vtime.sleeps == []  # never sleeps for a wait longer than the cap
    cooldown = events[1]
    assert isinstance(cooldown, Cooldown) and cooldown.delay_s == 30.0
    assert "Retry-After" in cooldown.reason
    assert "not waiting" in events[2].reason
    assert router.state("a/limited").cooldown_in_s == pytest.approx(30.0)

    # the next request skips the cooling candidate without calling it
    vtime.advance(10.0)
    again = await collect(router.stream(request(), chain))
    assert kinds(again)[:3] == ["cooldown", "fallback", "attempt"]
    assert again[0].reason.startswith("skipped")
    assert again[0].delay_s == pytest.approx(20.0)
    assert fake.calls.count(("limited", "sk-test-default-key-0000")) == 1

    # once the wait is over the candidate is used again
    vtime.advance(20.5)
    fake.script("limited", answer("back"))
    third = await collect(router.stream(request(), chain))
    assert third[-1].answered_by == "a/limited"


async def test_retry_after_within_cap_but_retries_exhausted_falls_back_with_that_cooldown(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("limited", failure(RL, 429, retry_after=2.0))
    fake.script("spare", answer())
    router = make_router(retries=1)
    events = await collect(router.stream(request(), [candidate("a/limited"), candidate("b/spare")]))
    assert vtime.sleeps == [2.0]
    cooldown = next(e for e in events if isinstance(e, Cooldown))
    assert cooldown.delay_s == 2.0


@pytest.mark.parametrize(
    "kind",
    [
        ErrorKind.NOT_FOUND,
        ErrorKind.CONTEXT_LENGTH,
        ErrorKind.BAD_REQUEST,
        ErrorKind.CONTENT_FILTER,
        ErrorKind.PROTOCOL,
    ],
)
async def test_request_level_failures_fall_back_without_retrying(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime, kind: ErrorKind
) -> None:
    fake.script("first", failure(kind, 400))
    fake.script("second", answer())
    events = await collect(
        make_router().stream(request(), [candidate("a/first"), candidate("b/second")])
    )
    assert [e.type for e in events if not isinstance(e, Cooldown)][:2] == ["attempt", "fallback"]
    assert vtime.sleeps == []
    assert events[-1].answered_by == "b/second"


async def test_faults_of_the_request_put_nobody_in_cooldown(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("first", failure(ErrorKind.CONTEXT_LENGTH, 400))
    fake.script("second", answer())
    router = make_router()
    events = await collect(router.stream(request(), [candidate("a/first"), candidate("b/second")]))
    assert "cooldown" not in kinds(events)
    state = router.state("a/first")
    assert state.cooldown_until is None and state.consecutive_failures == 0


async def test_not_retryable_rate_limit_is_not_retried(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    # e.g. a per-day quota: the adapter marks it not retryable
    fake.script("daily", failure(RL, 429, retryable=False))
    fake.script("spare", answer())
    events = await collect(
        make_router().stream(request(), [candidate("a/daily"), candidate("b/spare")])
    )
    assert "retry" not in kinds(events)
    assert vtime.sleeps == []
    assert events[-1].answered_by == "b/spare"


async def test_auth_failure_rotates_to_the_next_key_which_really_is_sent(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m:sk-bad-key-aaaa-1111", failure(ErrorKind.AUTH, 401))
    fake.script("m", answer())
    cand = candidate("p/m", "sk-bad-key-aaaa-1111", "sk-good-key-bbbb-2222")
    events = await collect(make_router().stream(request(), [cand]))

    assert kinds(events) == ["attempt", "key_rotated", "attempt", "start", "text", "done"]
    rotated = events[1]
    assert isinstance(rotated, KeyRotated)
    assert rotated.provider == "p"
    assert rotated.key == cand.endpoints[1].masked_key
    assert "2222" in rotated.key and "good-key" not in rotated.key
    assert rotated.reason.startswith("auth (401)")
    assert events[2].key == cand.endpoints[1].masked_key
    assert fake.keys_used() == ["sk-bad-key-aaaa-1111", "sk-good-key-bbbb-2222"]


async def test_rate_limited_key_is_retried_then_rotated_then_falls_back(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m", failure(RL, 429, retry_after=0.5))
    fake.script("other", answer())
    cand = candidate("p/m", "sk-key-one-aaaa-1111", "sk-key-two-bbbb-2222")
    router = make_router(retries=1, breaker_failures=10)
    events = await collect(router.stream(request(), [cand, candidate("q/other")]))

    assert kinds(events)[:8] == [
        "attempt", "retry", "attempt", "key_rotated", "attempt", "retry", "attempt", "cooldown",
    ]  # fmt: skip
    assert fake.keys_used()[:4] == [
        "sk-key-one-aaaa-1111",
        "sk-key-one-aaaa-1111",
        "sk-key-two-bbbb-2222",
        "sk-key-two-bbbb-2222",
    ]
    assert events[-1].answered_by == "q/other"


async def test_long_retry_after_rotates_key_at_once(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("m:sk-key-one-aaaa-1111", failure(RL, 429, retry_after=60.0))
    fake.script("m", answer())
    cand = candidate("p/m", "sk-key-one-aaaa-1111", "sk-key-two-bbbb-2222")
    router = make_router()
    events = await collect(router.stream(request(), [cand]))
    assert kinds(events)[:3] == ["attempt", "key_rotated", "attempt"]
    assert "not waiting" in events[1].reason
    assert vtime.sleeps == []

    # the limited key goes last for later requests while its Retry-After runs
    fake.calls.clear()
    for _ in range(3):
        await collect(router.stream(request(), [cand]))
    assert fake.keys_used() == ["sk-key-two-bbbb-2222"] * 3


async def test_successive_requests_round_robin_over_the_keys(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("m", answer())
    cand = candidate("p/m", "sk-key-one-aaaa-1111", "sk-key-two-bbbb-2222", "sk-key-3-cccc-3333")
    router = make_router()
    for _ in range(4):
        await collect(router.stream(request(), [cand]))
    assert [key[-4:] for key in fake.keys_used()] == ["1111", "2222", "3333", "1111"]


async def test_cancelled_kind_stops_without_fallback(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("first", failure(ErrorKind.CANCELLED))
    fake.script("second", answer())
    events = await collect(
        make_router().stream(request(), [candidate("a/first"), candidate("b/second")])
    )
    assert kinds(events) == ["attempt", "error"]
    assert events[-1].kind is ErrorKind.CANCELLED


async def test_configured_action_changes_the_plan(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("first", failure(RL, 429, retry_after=1.0))
    fake.script("second", answer())
    router = make_router(actions={"rate_limited": "fallback"})
    events = await collect(router.stream(request(), [candidate("a/first"), candidate("b/second")]))
    assert "retry" not in kinds(events)
    assert vtime.sleeps == []
    assert events[-1].answered_by == "b/second"


async def test_configured_stop_ends_with_the_error(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("first", failure(ErrorKind.SERVER, 500, message="boom"))
    router = make_router(actions={"server": "stop"})
    events = await collect(router.stream(request(), [candidate("a/first"), candidate("b/x")]))
    assert kinds(events) == ["attempt", "error"]
    assert events[-1].message == "boom"


async def test_chain_exhausted_ends_with_the_last_error(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("first", failure(ErrorKind.NOT_FOUND, 404, message="no such model"))
    fake.script("second", failure(ErrorKind.AUTH, 401, message="invalid api key"))
    events = await collect(
        make_router().stream(request(), [candidate("a/first"), candidate("b/second")])
    )
    final = events[-1]
    assert isinstance(final, Error) and final.kind is ErrorKind.AUTH
    assert final.message == "invalid api key"
    assert sum(isinstance(e, Error) for e in events) == 1


async def test_fallback_candidate_gets_its_own_model_id(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("gpt-x", failure(ErrorKind.NOT_FOUND, 404))
    fake.script("claude-y", answer())
    await collect(make_router().stream(request(), [candidate("o/gpt-x"), candidate("a/claude-y")]))
    assert [model for model, _ in fake.calls] == ["gpt-x", "claude-y"]


async def test_empty_chain_is_a_caller_error(make_router: MakeRouter) -> None:
    with pytest.raises(ValueError, match="at least one candidate"):
        await collect(make_router().stream(request(), []))
