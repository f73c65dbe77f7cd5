"""Scripted fake providers, a virtual clock and small helpers for the reliability tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from playground.endpoint import Candidate, Endpoint, Protocol
from playground.events import Done, Error, ErrorKind, Start, StreamEvent, TextDelta
from playground.request import ChatRequest, Message
from playground.secret import Secret

RETRYABLE = {
    ErrorKind.RATE_LIMITED,
    ErrorKind.OVERLOADED,
    ErrorKind.SERVER,
    ErrorKind.TIMEOUT,
    ErrorKind.NETWORK,
}

Behaviour = Callable[[], AsyncIterator[StreamEvent]]


def answer(text: str = "hello") -> Behaviour:
    """A healthy stream: start, one text chunk, done."""

    async def run() -> AsyncIterator[StreamEvent]:
        yield Start(model="fake")
        yield TextDelta(text=text)
        yield Done()

    return run


def failure(
    kind: ErrorKind,
    status: int | None = None,
    *,
    retry_after: float | None = None,
    retryable: bool | None = None,
    message: str = "scripted failure",
) -> Behaviour:
    """A request that fails before any output."""

    async def run() -> AsyncIterator[StreamEvent]:
        yield Error(
            kind=kind,
            status=status,
            message=message,
            retry_after=retry_after,
            retryable=kind in RETRYABLE if retryable is None else retryable,
        )

    return run


def failure_after_output(text: str = "partial", kind: ErrorKind = ErrorKind.SERVER) -> Behaviour:
    """A stream that shows some text, then fails."""

    async def run() -> AsyncIterator[StreamEvent]:
        yield Start(model="fake")
        yield TextDelta(text=text)
        yield Error(kind=kind, message="stream broke", retryable=True, after_output=True)

    return run


def stall(
    *, after_start: bool = True, after_text: bool = False, seconds: float = 30.0
) -> Behaviour:
    """A stream that goes silent (really sleeping) at the chosen point."""

    async def run() -> AsyncIterator[StreamEvent]:
        if after_start:
            yield Start(model="fake")
        if after_text:
            yield TextDelta(text="first")
        await asyncio.sleep(seconds)
        yield Done()

    return run


@dataclass
class FakeProvider:
    """A stream function that plays scripted behaviours per model (or ``model:key``).

    Each script is consumed in order; its last behaviour repeats. Every call is logged with
    the model and the real key it was given, and how many streams were closed.
    """

    scripts: dict[str, list[Behaviour]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    timeouts: list[httpx.Timeout | None] = field(default_factory=list)
    closed: int = 0

    def script(self, target: str, *behaviours: Behaviour) -> None:
        self.scripts[target] = list(behaviours)

    def stream_for(self, protocol: Protocol) -> Callable[..., AsyncIterator[StreamEvent]]:
        return self.stream

    async def stream(
        self,
        request: ChatRequest,
        endpoint: Endpoint,
        client: httpx.AsyncClient,
        *,
        timeout: httpx.Timeout | None = None,
    ) -> AsyncIterator[StreamEvent]:
        key = endpoint.api_key.reveal() if endpoint.api_key else ""
        assert request.model == endpoint.model
        self.calls.append((endpoint.model, key))
        self.timeouts.append(timeout)
        script = self.scripts.get(f"{endpoint.model}:{key}") or self.scripts[endpoint.model]
        behaviour = script.pop(0) if len(script) > 1 else script[0]
        try:
            async for event in behaviour():
                yield event
        finally:
            self.closed += 1

    def keys_used(self) -> list[str]:
        return [key for _, key in self.calls]


class VirtualTime:
    """An injectable clock whose ``sleep`` advances it instantly (and records the waits)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def candidate(label: str, *keys: str, model: str | None = None) -> Candidate:
    """A candidate ``label`` (``provider/model``) with one endpoint per key."""
    provider, _, model_id = label.partition("/")
    endpoints = tuple(
        Endpoint(
            provider=provider,
            protocol=Protocol.OPENAI,
            base_url="http://127.0.0.1:9/v1",
            model=model or model_id,
            api_key=Secret(key),
        )
        for key in (keys or ("sk-test-default-key-0000",))
    )
    return Candidate(label=label, endpoints=endpoints)


def request() -> ChatRequest:
    return ChatRequest(model="ignored", messages=[Message.user("hi")])


async def collect(events: AsyncIterator[StreamEvent]) -> list[StreamEvent]:
    return [event async for event in events]


def kinds(events: Sequence[StreamEvent]) -> list[str]:
    return [event.type for event in events]
