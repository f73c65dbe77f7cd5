"""Streaming responses carry their rate-limit headroom on ``Start``, ``Done`` and a 429 ``Error``.

Real adapters against the simulated provider on loopback, which sends OpenAI's and
Anthropic's rate-limit headers on every response.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from playground.adapters import get_stream
from playground.endpoint import Endpoint, Protocol
from playground.events import Done, Error, ErrorKind, Start, StreamEvent
from playground.request import ChatRequest, Message
from playground.secret import Secret
from playground.sim.embedded import SIM_FAMILY_PATHS

REQUEST = ChatRequest("m", [Message.user("hi")])


async def run(sim_url: str, protocol: Protocol, model: str) -> list[StreamEvent]:
    endpoint = Endpoint(
        provider=f"sim-{protocol.value}",
        protocol=protocol,
        base_url=sim_url + SIM_FAMILY_PATHS[protocol],
        model=f"{model}&run={uuid.uuid4().hex}",
        api_key=Secret("sk-sim-rate-limit-test"),
    )
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as client:
        return [event async for event in get_stream(protocol)(REQUEST, endpoint, client)]


@pytest.mark.parametrize(
    ("protocol", "requests", "tokens"),
    [
        (Protocol.OPENAI, (9999, 10000), (29_999_000, 30_000_000)),
        (Protocol.ANTHROPIC, (3999, 4000), (1_999_000, 2_000_000)),
    ],
)
async def test_start_and_done_carry_the_response_headroom(
    sim_url: str, protocol: Protocol, requests: tuple[int, int], tokens: tuple[int, int]
) -> None:
    events = await run(sim_url, protocol, "echo?tps=0&ttft_ms=0")
    start, done = events[0], events[-1]
    assert isinstance(start, Start) and isinstance(done, Done)
    limits = start.rate_limits
    assert limits is not None and done.rate_limits == limits
    assert (limits.requests_remaining, limits.requests_limit) == requests
    assert (limits.tokens_remaining, limits.tokens_limit) == tokens
    assert limits.requests_reset_s is not None and 0 <= limits.requests_reset_s <= 61
    assert start.to_dict()["rate_limits"]["requests_remaining"] == requests[0]


async def test_a_429_error_carries_the_exhausted_headroom(sim_url: str) -> None:
    events = await run(sim_url, Protocol.OPENAI, "echo?tps=0&ttft_ms=0&fail=429&retry_after=2")
    error = events[-1]
    assert isinstance(error, Error) and error.kind is ErrorKind.RATE_LIMITED
    assert error.rate_limits is not None and error.rate_limits.requests_remaining == 0
    assert error.rate_limits.retry_after_s == 2


async def test_without_rate_limit_headers_nothing_is_attached(sim_url: str) -> None:
    events = await run(sim_url, Protocol.OLLAMA, "echo?tps=0&ttft_ms=0")
    start, done = events[0], events[-1]
    assert isinstance(start, Start) and isinstance(done, Done)
    assert start.rate_limits is None and done.rate_limits is None
    assert "rate_limits" not in start.to_dict() and "rate_limits" not in done.to_dict()


def test_resets_from_ten_seconds_show_whole_seconds_rounded_up() -> None:
    from playground.adapters.rate_limits import RateLimits

    assert RateLimits(requests_remaining=1, requests_reset_s=59.2).summary() == (
        "requests 1 (reset 60 s)"
    )
    assert RateLimits(tokens_remaining=5, tokens_reset_s=9.5).summary() == "tokens 5 (reset 9.5 s)"
