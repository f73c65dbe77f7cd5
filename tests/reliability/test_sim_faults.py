"""End to end on the simulated provider: real adapters, real HTTP on loopback, the router.

The fault matrix drives every ``fail`` mode of the simulator through each of the four
protocol families and checks the typed classification and the router's first decision.
"""

from __future__ import annotations

import random
import socket
import time
import uuid
from collections.abc import Callable, Sequence

import httpx
import pytest

from playground.config.schema import ReliabilityConfig
from playground.endpoint import Candidate, Endpoint, Protocol
from playground.events import (
    OUTPUT_EVENTS,
    Done,
    Error,
    ErrorKind,
    Fallback,
    KeyRotated,
    Retry,
    StreamEvent,
)
from playground.reliability import Router
from playground.secret import Secret, mask
from playground.sim.embedded import SIM_FAMILY_PATHS
from tests.reliability.scripted import VirtualTime, collect, kinds, request

FAMILIES = (Protocol.OPENAI, Protocol.ANTHROPIC, Protocol.GEMINI, Protocol.OLLAMA)
KEY_ONE = "sk-sim-key-one-aaaa-1111"
KEY_TWO = "sk-sim-key-two-bbbb-2222"
FAST = "tps=0&ttft_ms=0"

# what each fault must be classified as, and what the router does first about it
#   retry: Retry of the same key · rotate_key: KeyRotated · fallback: Fallback at once
#   shown_then_fallback: the partial answer stays, the Error is yielded, then Fallback
R, K, F, SHOWN = "retry", "rotate_key", "fallback", "shown_then_fallback"
K_ = ErrorKind
FAULT_MATRIX: dict[str, tuple[dict[Protocol, ErrorKind], str]] = {
    "429": (dict.fromkeys(FAMILIES, K_.RATE_LIMITED), R),
    "500": (dict.fromkeys(FAMILIES, K_.SERVER), R),
    "503": (dict.fromkeys(FAMILIES, K_.OVERLOADED), R),
    "529": (dict.fromkeys(FAMILIES, K_.OVERLOADED), R),
    "401": (dict.fromkeys(FAMILIES, K_.AUTH), K),  # Gemini sends 400 API_KEY_INVALID
    "403": (dict.fromkeys(FAMILIES, K_.AUTH), K),
    "400ctx": (dict.fromkeys(FAMILIES, K_.CONTEXT_LENGTH), F),
    "stall": (dict.fromkeys(FAMILIES, K_.TIMEOUT), R),  # the first-token deadline fires
    "cutoff": (dict.fromkeys(FAMILIES, K_.NETWORK), SHOWN),
    "midstream_error": (
        {
            Protocol.OPENAI: K_.SERVER,
            Protocol.ANTHROPIC: K_.OVERLOADED,  # overloaded_error event
            Protocol.GEMINI: K_.OVERLOADED,  # 503 UNAVAILABLE in the stream
            Protocol.OLLAMA: K_.SERVER,
        },
        SHOWN,
    ),
    "malformed": (dict.fromkeys(FAMILIES, K_.PROTOCOL), SHOWN),
    # the same stream faults striking before the first token: nothing was shown yet
    "cutoff&after=0": (dict.fromkeys(FAMILIES, K_.NETWORK), R),
    "midstream_error&after=0": (
        {
            Protocol.OPENAI: K_.SERVER,
            Protocol.ANTHROPIC: K_.OVERLOADED,
            Protocol.GEMINI: K_.OVERLOADED,
            Protocol.OLLAMA: K_.SERVER,
        },
        R,
    ),
    "malformed&after=0": (dict.fromkeys(FAMILIES, K_.PROTOCOL), F),
    # a stall after the first token: the idle-gap deadline fires, the partial answer stays
    "stall&after=1": (dict.fromkeys(FAMILIES, K_.TIMEOUT), SHOWN),
}


def sim_candidate(sim_url: str, family: Protocol, model: str, *keys: str) -> Candidate:
    """A simulated candidate with one endpoint per key; labels are unique per test."""
    base = sim_url + SIM_FAMILY_PATHS[family]
    endpoints = tuple(
        Endpoint(
            provider=f"sim-{family.value}",
            protocol=family,
            base_url=base,
            model=model,
            api_key=Secret(key),
        )
        for key in (keys or (KEY_ONE,))
    )
    label = f"sim-{family.value}/{model.partition('?')[0]}-{uuid.uuid4().hex[:8]}"
    return Candidate(label=label, endpoints=endpoints)


def fresh(model: str) -> str:
    """A model id with a unique ``run`` parameter, so fault counters start at zero."""
    return f"{model}&run={uuid.uuid4().hex}"


def first_decision(events: Sequence[StreamEvent]) -> tuple[str, ErrorKind]:
    """The router's first reaction to the first failure, and the kind it reacted to."""
    for event in events:
        if isinstance(event, Retry):
            return R, ErrorKind(event.reason.split(" ")[0].rstrip(":"))
        if isinstance(event, KeyRotated):
            return K, ErrorKind(event.reason.split(" ")[0].rstrip(":"))
        if isinstance(event, Fallback):
            return F, ErrorKind(event.reason.split(" ")[0].rstrip(":"))
        if isinstance(event, Error) and event.after_output:
            return SHOWN, event.kind
    raise AssertionError(f"no decision in {kinds(events)}")


@pytest.fixture
def sim_router(client: httpx.AsyncClient, vtime: VirtualTime) -> Callable[..., Router]:
    """A router on the real adapters; backoff sleeps are virtual, attempt deadlines real."""

    def build(**policy: object) -> Router:
        settings = {
            # Real deadlines: long enough that a healthy answer on a loaded machine (four test
            # workers on two cores) is never taken for a stall (0.3 s once was).
            "first_token_timeout_s": 1.0,
            "idle_timeout_s": 1.0,
            "breaker_failures": 50,
            **policy,
        }
        return Router(
            ReliabilityConfig(**settings),
            client,
            sleep=vtime.sleep,
            clock=vtime.clock,
            rng=random.Random(3),
        )

    return build


async def sim_log(client: httpx.AsyncClient, sim_url: str, model: str) -> list[dict]:
    response = await client.get(f"{sim_url}/_sim/requests")
    return [e for e in response.json()["requests"] if e["model"] == model]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.value)
@pytest.mark.parametrize("fault", list(FAULT_MATRIX))
async def test_fault_matrix(
    sim_url: str, sim_router: Callable[..., Router], family: Protocol, fault: str
) -> None:
    expected_kinds, expected_action = FAULT_MATRIX[fault]
    # fail once, with two keys and a healthy fallback: every rung can succeed
    failing = sim_candidate(
        sim_url, family, fresh(f"echo?{FAST}&fail={fault}&fail_times=1"), KEY_ONE, KEY_TWO
    )
    healthy = sim_candidate(sim_url, family, f"echo?{FAST}")
    events = await collect(sim_router(retries=1).stream(request(), [failing, healthy]))

    action, kind = first_decision(events)
    assert (kind, action) == (expected_kinds[family], expected_action)
    final = events[-1]
    assert isinstance(final, Done), kinds(events)
    answered_by = healthy.label if expected_action in (F, SHOWN) else failing.label
    assert final.answered_by == answered_by
    if expected_action == SHOWN:
        error_at = next(i for i, e in enumerate(events) if isinstance(e, Error))
        assert any(isinstance(e, OUTPUT_EVENTS) for e in events[:error_at])
        assert "fallback" in kinds(events[error_at:])


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.value)
async def test_429_twice_with_retry_after_1_retries_twice_then_done(
    sim_url: str, sim_router: Callable[..., Router], vtime: VirtualTime, family: Protocol
) -> None:
    cand = sim_candidate(sim_url, family, fresh(f"echo?{FAST}&fail=429&fail_times=2&retry_after=1"))
    events = await collect(sim_router().stream(request(), [cand]))

    router_events = [e.type for e in events if e.type in ("attempt", "retry", "done", "error")]
    assert router_events == ["attempt", "retry", "attempt", "retry", "attempt", "done"]
    retries = [e for e in events if isinstance(e, Retry)]
    assert [(r.delay_s, r.source) for r in retries] == [(1.0, "retry_after"), (1.0, "retry_after")]
    assert vtime.sleeps == [1.0, 1.0]
    assert isinstance(events[-1], Done) and events[-1].answered_by == cand.label


async def test_retry_after_is_really_waited_for(sim_url: str, client: httpx.AsyncClient) -> None:
    cand = sim_candidate(
        sim_url, Protocol.OPENAI, fresh(f"echo?{FAST}&fail=429&fail_times=2&retry_after=0.25")
    )
    router = Router(ReliabilityConfig(), client)
    started = time.monotonic()
    events = await collect(router.stream(request(), [cand]))
    elapsed = time.monotonic() - started
    assert [r.delay_s for r in events if isinstance(r, Retry)] == [0.25, 0.25]
    assert 0.5 <= elapsed < 0.8
    assert isinstance(events[-1], Done)


@pytest.mark.parametrize("family", [Protocol.OPENAI, Protocol.ANTHROPIC], ids=lambda f: f.value)
async def test_chain_whose_first_model_always_503s_answers_from_the_second(
    sim_url: str, sim_router: Callable[..., Router], family: Protocol
) -> None:
    broken = sim_candidate(sim_url, family, fresh(f"echo?{FAST}&fail=503"))
    healthy = sim_candidate(sim_url, family, f"echo?{FAST}")
    events = await collect(sim_router().stream(request(), [broken, healthy]))

    fallback = next(e for e in events if isinstance(e, Fallback))
    assert (fallback.from_, fallback.to) == (broken.label, healthy.label)
    assert fallback.reason.startswith("overloaded (503)")
    assert kinds(events).count("retry") == 2  # the default retries first
    assert events[-1].answered_by == healthy.label
    assert "".join(e.text for e in events if e.type == "text").strip() == "hi"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.value)
@pytest.mark.parametrize("retry_after", [None, 30.0], ids=["backoff", "long-retry-after"])
async def test_two_key_provider_whose_first_key_gets_429_reaches_the_server_with_the_second(
    sim_url: str,
    sim_router: Callable[..., Router],
    client: httpx.AsyncClient,
    family: Protocol,
    retry_after: float | None,
) -> None:
    wait = f"&retry_after={retry_after:g}" if retry_after else ""
    model = fresh(f"echo?{FAST}&fail=429&fail_key=key-one{wait}")
    cand = sim_candidate(sim_url, family, model, KEY_ONE, KEY_TWO)
    events = await collect(sim_router(retries=1).stream(request(), [cand]))

    rotated = next(e for e in events if isinstance(e, KeyRotated))
    assert rotated.key == mask(KEY_TWO)
    assert isinstance(events[-1], Done) and events[-1].answered_by == cand.label
    seen = [
        (entry["credential"], entry["status"]) for entry in await sim_log(client, sim_url, model)
    ]
    first_key_tries = 1 if retry_after else 2  # a 30 s Retry-After is not waited for
    assert seen == [(mask(KEY_ONE), 429)] * first_key_tries + [(mask(KEY_TWO), 200)]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.value)
async def test_stalled_first_token_times_out_within_deadline_plus_10_percent(
    sim_url: str, client: httpx.AsyncClient, family: Protocol
) -> None:
    cand = sim_candidate(sim_url, family, fresh(f"echo?{FAST}&fail=stall"))
    router = Router(ReliabilityConfig(first_token_timeout_s=0.5, retries=0), client)
    started = time.monotonic()
    events = await collect(router.stream(request(), [cand]))
    elapsed = time.monotonic() - started

    assert 0.5 <= elapsed <= 0.55
    final = events[-1]
    assert isinstance(final, Error) and final.kind is ErrorKind.TIMEOUT
    assert final.message == "timed out: no first token within 0.5 s"


async def test_refused_connection_is_a_network_failure_retried_then_fallen_back(
    sim_url: str, sim_router: Callable[..., Router]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dead = Candidate(
        label="dead/echo",
        endpoints=(
            Endpoint(
                provider="dead",
                protocol=Protocol.OPENAI,
                base_url=f"http://127.0.0.1:{closed_port}/v1",
                model="echo",
            ),
        ),
    )
    healthy = sim_candidate(sim_url, Protocol.OPENAI, f"echo?{FAST}")
    events = await collect(sim_router(retries=1).stream(request(), [dead, healthy]))

    assert first_decision(events) == (R, ErrorKind.NETWORK)
    assert kinds(events)[:4] == ["attempt", "retry", "attempt", "cooldown"]
    assert events[-1].answered_by == healthy.label
