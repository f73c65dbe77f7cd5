"""Fixtures for the reliability router tests: a fake provider, virtual time, a router."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from playground.config.schema import ReliabilityConfig
from playground.reliability import Router
from tests.reliability.scripted import FakeProvider, VirtualTime


@pytest.fixture
def fake() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def vtime() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


@pytest.fixture
def make_router(
    fake: FakeProvider, vtime: VirtualTime, client: httpx.AsyncClient
) -> Callable[..., Router]:
    """Build a router on the fake provider and virtual time; keyword args set the policy."""

    def build(**policy: object) -> Router:
        return Router(
            ReliabilityConfig(**policy),
            client,
            stream_for=fake.stream_for,
            sleep=vtime.sleep,
            clock=vtime.clock,
            rng=random.Random(7),
        )

    return build


@pytest.fixture
def make_real_time_router(fake: FakeProvider, client: httpx.AsyncClient) -> Callable[..., Router]:
    """A router on the fake provider with the real clock and sleep (for deadline tests)."""

    def build(**policy: object) -> Router:
        return Router(
            ReliabilityConfig(**policy), client, stream_for=fake.stream_for, rng=random.Random(7)
        )

    return build
