"""A failure after output is never retried silently: the partial answer stays, labelled."""

from __future__ import annotations

from collections.abc import Callable

from playground.events import Error, ErrorKind, Fallback
from playground.reliability import Router
from tests.reliability.scripted import (
    FakeProvider,
    VirtualTime,
    answer,
    candidate,
    collect,
    failure,
    failure_after_output,
    kinds,
    request,
)

MakeRouter = Callable[..., Router]


async def test_failure_after_output_ends_the_attempt_then_falls_back_to_a_fresh_answer(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    fake.script("first", failure_after_output("half an ans"))
    fake.script("second", answer("whole answer"))
    events = await collect(
        make_router().stream(request(), [candidate("a/first"), candidate("b/second")])
    )

    assert kinds(events) == [
        "attempt", "start", "text", "error", "cooldown", "fallback",
        "attempt", "start", "text", "done",
    ]  # fmt: skip
    error = events[3]
    assert isinstance(error, Error) and error.after_output
    fallback = events[5]
    assert isinstance(fallback, Fallback)
    assert fallback.reason.startswith("failed after output")
    assert [e.text for e in events if e.type == "text"] == ["half an ans", "whole answer"]
    assert vtime.sleeps == []  # no retry of the same candidate, no wait
    assert len(fake.calls) == 2
    assert events[-1].answered_by == "b/second"


async def test_without_fallback_after_output_the_error_is_final(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("first", failure_after_output())
    fake.script("second", answer())
    router = make_router(fallback_after_output=False)
    events = await collect(router.stream(request(), [candidate("a/first"), candidate("b/second")]))
    assert kinds(events) == ["attempt", "start", "text", "error"]
    assert len(fake.calls) == 1


async def test_after_output_on_the_last_candidate_yields_one_final_error(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("only", failure_after_output(kind=ErrorKind.TIMEOUT))
    events = await collect(make_router().stream(request(), [candidate("a/only")]))
    assert kinds(events) == ["attempt", "start", "text", "error"]
    assert events[-1].after_output and events[-1].kind is ErrorKind.TIMEOUT


async def test_after_output_fallback_to_a_cooling_candidate_ends_with_unavailable(
    make_router: MakeRouter, fake: FakeProvider, vtime: VirtualTime
) -> None:
    router = make_router()
    fake.script("second", failure(ErrorKind.RATE_LIMITED, 429, retry_after=30.0))
    fake.script("first", failure_after_output())
    # the second candidate's server asks for 30 s of quiet
    await collect(router.stream(request(), [candidate("b/second")]))
    assert router.state("b/second").cooldown_in_s == 30.0
    events = await collect(router.stream(request(), [candidate("a/first"), candidate("b/second")]))
    assert kinds(events)[-3:] == ["fallback", "cooldown", "error"]
    final = events[-1]
    assert not final.after_output  # belongs to the fresh answer, which produced nothing
    assert "every candidate is unavailable" in final.message
    assert "b/second" in final.message


async def test_the_after_output_error_comes_before_the_routers_reactions(
    make_router: MakeRouter, fake: FakeProvider
) -> None:
    fake.script("first", failure_after_output())
    fake.script("second", answer())
    router = make_router(breaker_failures=1)
    events = await collect(router.stream(request(), [candidate("a/first"), candidate("b/second")]))
    assert kinds(events)[:6] == ["attempt", "start", "text", "error", "circuit_open", "fallback"]
