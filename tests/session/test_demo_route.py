"""The built-in ``demo-fallback`` route the first-run app opens on: it visibly retries,
falls back twice and answers from a healthy model; a second prompt skips the broken hops."""

from __future__ import annotations

import pytest

from playground.events import CircuitOpen, Cooldown, Done, Fallback, Retry
from playground.resolve import BUILTIN_ROUTES, DEMO_FALLBACK_ROUTE
from playground.session import PaneStatus, Session

pytestmark = pytest.mark.usefixtures("sim_env")


async def test_demo_route_retries_then_falls_back_to_the_healthy_model() -> None:
    waits: list[float] = []

    async def instant(delay: float) -> None:
        waits.append(delay)

    session = Session.open(persist=False, router_options={"sleep": instant})
    pane = session.add_pane(DEMO_FALLBACK_ROUTE)
    first, second, healthy = BUILTIN_ROUTES[DEMO_FALLBACK_ROUTE]

    events = [e async for e in pane.send("hello demo")]
    retries = [e for e in events if isinstance(e, Retry)]
    assert [(r.candidate, r.source) for r in retries[:2]] == [(first, "retry_after")] * 2
    assert all(r.delay_s == pytest.approx(1.0) for r in retries[:2])
    assert any(r.candidate == second and r.source == "backoff" for r in retries)
    fallbacks = [(e.from_, e.to) for e in events if isinstance(e, Fallback)]
    assert fallbacks == [(first, second), (second, healthy)]
    done = events[-1]
    assert isinstance(done, Done) and done.answered_by == healthy
    assert pane.metrics.hop == 3 and pane.metrics.status is PaneStatus.DONE
    assert pane.turns[-1].text == "hello demo"
    assert waits  # the waits went through the router's (injected) sleep

    again = [e async for e in pane.send("once more")]
    assert any(isinstance(e, Cooldown | CircuitOpen) for e in again)
    assert isinstance(again[-1], Done) and again[-1].answered_by == healthy
    await session.aclose()
