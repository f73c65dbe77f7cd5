"""The reliability router: one request, a fallback chain, and every decision as an event.

``Router.stream(request, chain)`` walks the chain of candidates. For each candidate it sends
the request with one of its keys (round-robin: successive requests that reach a candidate
start from its next key, and keys that recently failed go last), passes the adapter's events
through under the attempt deadlines, and on failure climbs the action ladder for the error's
kind (see :mod:`playground.reliability.actions`): retry the same key after a backoff or the
server's Retry-After, rotate to the next key, fall back to the next candidate, or stop.

Event semantics, in stream order:

* ``Attempt(candidate, attempt, key)`` before each request; ``attempt`` counts from 1 per
  candidate, ``key`` is masked.
* adapter events (``Start``, ``TextDelta`` …) pass through unchanged; a retried attempt only
  ever failed before output, so the consumer never has to take text back.
* ``Retry(candidate, delay_s, reason, source, attempt)`` before sleeping ``delay_s``;
  ``attempt`` is the retry number (1 … ``retries``) on the current key; ``source`` is
  ``retry_after`` when the server asked for the wait, else ``backoff``.
* ``KeyRotated(provider, key, reason)`` names the (masked) key the next ``Attempt`` uses.
* ``CircuitOpen(candidate, delay_s, failures)`` when a failure opens the breaker, and when a
  request skips a candidate whose breaker is open (``delay_s`` until the probe is allowed).
* ``CircuitHalfOpen(candidate)`` when this request is the breaker's single probe.
* ``Cooldown(candidate, delay_s, until, reason)`` when a failed candidate is put in cooldown
  (``reason`` starts with the failure) and when a request skips a cooling candidate
  (``reason`` starts with ``skipped``); ``until`` is wall-clock epoch seconds.
* ``Fallback(from, to, reason)`` when the router moves on to the next candidate.
* ``Error``: final, unless the next event is ``Fallback``. That happens only for a failure
  after output (``after_output=True``): the partial answer stays, and with
  ``fallback_after_output`` the next candidate starts a fresh answer after the ``Fallback``.
  Errors of attempts that are retried or left before output are not yielded: their
  kind, status and message are in the ``reason`` of the ``Retry``/``KeyRotated``/``Fallback``.
* ``Done``: final, with ``answered_by`` set to the answering candidate's label exactly
  (the hop number is its position in the chain).

Provider text never carries a credential: every ``Error`` an attempt produces has each
secret of the whole chain (every key of every candidate, secret headers, passwords in base
URLs) masked before the router looks at it, so the ``reason`` of every router event and the
final ``Error`` are clean whatever path prints them.

Every stream ends with exactly one final ``Done`` or ``Error``. When the consumer's task is
cancelled, the router closes the adapter stream (releasing the HTTP connection) and lets
``CancelledError`` propagate: it yields nothing more, because yielding would swallow the
cancellation. ``aclose()`` on the router's stream closes the adapter stream the same way.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from playground.endpoint import StreamLimits, scrubber_for
from playground.events import (
    Attempt,
    CircuitHalfOpen,
    CircuitOpen,
    Cooldown,
    Done,
    Error,
    ErrorKind,
    Fallback,
    KeyRotated,
    Retry,
    StreamEvent,
)
from playground.reliability.actions import (
    KEY_FAULTS,
    REQUEST_FAULTS,
    Action,
    Plan,
    build_plans,
)
from playground.reliability.backoff import full_jitter_delay
from playground.reliability.deadlines import AttemptDeadlines, guard_deadlines
from playground.reliability.health import BreakerState, CandidateHealth, CandidateState, Gate

if TYPE_CHECKING:
    import httpx

    from playground.config.schema import ReliabilityConfig
    from playground.endpoint import Candidate, Endpoint
    from playground.endpoint import Protocol as WireProtocol
    from playground.request import ChatRequest
    from playground.secret import Scrubber

REASON_CHARS = 160


class StreamFn(Protocol):
    """An adapter's stream function (``playground.adapters.get_stream(protocol)``)."""

    def __call__(
        self,
        request: ChatRequest,
        endpoint: Endpoint,
        client: httpx.AsyncClient,
        *,
        timeout: httpx.Timeout | None = None,
    ) -> AsyncIterator[StreamEvent]: ...


class _Result(Enum):
    ANSWERED = "answered"  # a Done was yielded
    ENDED = "ended"  # a final Error was yielded
    NEXT = "next"  # the caller moves on to the next candidate


@dataclass(slots=True)
class _Outcome:
    """How one candidate's turn ended (filled in by ``_run_candidate``)."""

    result: _Result = _Result.ENDED
    error: Error | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _Decision:
    """The rung chosen for a failure; ``note`` explains rungs that were skipped."""

    action: Action | None  # None: nothing applies, the error is final
    delay_s: float = 0.0
    source: str = "backoff"
    note: str = ""


def describe(error: Error) -> str:
    """A short one-line reason: ``kind (status): message``."""
    head = f"{error.kind.value} ({error.status})" if error.status else error.kind.value
    message = " ".join(error.message.split())
    if len(message) > REASON_CHARS:
        message = message[: REASON_CHARS - 1] + "…"
    return f"{head}: {message}" if message else head


class _ChainScrubber:
    """Masks every secret of a chain in an error's message (built on the first error)."""

    __slots__ = ("_chain", "_scrubber")

    def __init__(self, chain: Sequence[Candidate]) -> None:
        self._chain = chain
        self._scrubber: Scrubber | None = None

    def __call__(self, error: Error) -> Error:
        if self._scrubber is None:
            self._scrubber = scrubber_for(e for c in self._chain for e in c.endpoints)
        error.message = self._scrubber.scrub(error.message)
        if error.provider_code:
            error.provider_code = self._scrubber.scrub(error.provider_code)
        return error


def _default_stream_for(protocol: WireProtocol) -> StreamFn:
    from playground.adapters import get_stream

    return get_stream(protocol)


class Router:
    """Sends requests along fallback chains; shared by all panes of an app.

    Breaker, cooldown and round-robin state live in the instance, keyed by candidate label,
    so every pane of an app sees the same candidate health. ``sleep``, ``clock`` and ``rng``
    are injectable so tests can run retries instantly and deterministically; deadlines within
    an attempt use real ``asyncio`` timers measured against ``clock``.
    """

    def __init__(
        self,
        policy: ReliabilityConfig,
        client: httpx.AsyncClient,
        *,
        stream_for: Callable[[WireProtocol], StreamFn] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._policy = policy
        self._client = client
        self._stream_for = stream_for or _default_stream_for
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._plans: dict[ErrorKind, Plan] = build_plans(policy.actions)
        self._forced_retry = frozenset(
            kind for kind, plan in self._plans.items() if plan[0] is Action.RETRY
        ) & frozenset(ErrorKind(k) for k in policy.actions)
        self._health: dict[str, CandidateHealth] = {}
        self._next_key: dict[str, int] = {}
        self._key_cooling_until: dict[tuple[str, int], float] = {}
        self._limits = StreamLimits(
            max_event_bytes=policy.max_event_bytes,
            max_tool_arguments_bytes=policy.max_tool_arguments_bytes,
        )

    # --- public API -------------------------------------------------------------------

    def state(self, candidate_label: str) -> CandidateState:
        """The breaker and cooldown state of a candidate (a fresh one if never used)."""
        return self._health_of(candidate_label).snapshot(self._clock())

    async def stream(
        self, request: ChatRequest, chain: Sequence[Candidate]
    ) -> AsyncIterator[StreamEvent]:
        """Stream ``request`` from the first candidate of ``chain`` that answers.

        ``request.model`` is replaced by each endpoint's model. Raises ``ValueError`` for an
        empty chain or a candidate without endpoints (a caller bug, not a provider failure).
        """
        if not chain or any(not candidate.endpoints for candidate in chain):
            raise ValueError("a chain needs at least one candidate, each with an endpoint")
        scrub = _ChainScrubber(chain)
        deadline_at = self._clock() + self._policy.total_timeout_s
        last_error: Error | None = None
        skipped: list[tuple[str, float, str]] = []  # label, seconds until available, why
        for hop, candidate in enumerate(chain):
            label = candidate.label
            next_label = chain[hop + 1].label if hop + 1 < len(chain) else None
            health = self._health_of(label)
            now = self._clock()
            gate = health.gate(now)
            if gate is Gate.COOLING or gate is Gate.OPEN:
                if gate is Gate.COOLING:
                    wait = (health.cooldown_until or now) - now
                    why = "cooling down"
                    yield Cooldown(
                        candidate=label,
                        delay_s=round(wait, 3),
                        until=round(time.time() + wait, 3),
                        reason=f"skipped: cooling down for another {wait:.1f} s",
                    )
                else:
                    wait = max(0.0, (health.breaker_until or now) - now)
                    probing = health.breaker is BreakerState.HALF_OPEN
                    why = "circuit half-open, probe in flight" if probing else "circuit open"
                    yield CircuitOpen(
                        candidate=label, delay_s=round(wait, 3), failures=health.failures
                    )
                skipped.append((label, wait, why))
                if next_label is not None:
                    yield Fallback(
                        from_=label, to=next_label, reason=f"{label} {why} ({wait:.1f} s left)"
                    )
                continue
            if gate is Gate.PROBE:
                yield CircuitHalfOpen(candidate=label)
            outcome = _Outcome()
            try:
                async with aclosing(
                    self._run_candidate(
                        request,
                        candidate,
                        deadline_at,
                        outcome,
                        has_next=next_label is not None,
                        scrub=scrub,
                    )
                ) as events:
                    async for event in events:
                        yield event
            finally:
                if gate is Gate.PROBE:
                    health.release_probe()
            if outcome.result is not _Result.NEXT:
                return
            last_error = outcome.error
            if next_label is not None:
                yield Fallback(from_=label, to=next_label, reason=outcome.reason)
        yield self._exhausted(last_error, skipped)

    # --- one candidate ----------------------------------------------------------------

    async def _run_candidate(
        self,
        request: ChatRequest,
        candidate: Candidate,
        deadline_at: float,
        outcome: _Outcome,
        *,
        has_next: bool,
        scrub: _ChainScrubber,
    ) -> AsyncIterator[StreamEvent]:
        label = candidate.label
        health = self._health_of(label)
        order = self._key_order(candidate)
        key_pos = 0
        retries = 0  # on the current key
        attempt = 0
        last_reason = ""
        while True:
            endpoint_index = order[key_pos]
            endpoint = candidate.endpoints[endpoint_index]
            if self._clock() >= deadline_at:
                outcome.result = _Result.ENDED
                yield self._deadline_error(attempt, last_reason)
                return
            attempt += 1
            yield Attempt(candidate=label, attempt=attempt, key=endpoint.masked_key)
            error: Error | None = None
            async with aclosing(self._attempt(request, endpoint, deadline_at)) as events:
                async for event in events:
                    kind = type(event)
                    if kind is Done:
                        health.record_success()
                        self._key_cooling_until.pop((label, endpoint_index), None)
                        event.answered_by = label
                        outcome.result = _Result.ANSWERED
                        yield event
                        return
                    if kind is Error:
                        error = scrub(event)
                    else:
                        yield event
            assert error is not None  # guard_deadlines always ends with Done or Error
            last_reason = describe(error)

            if error.after_output:
                yield error  # the partial answer ends here, labelled; reactions follow
            opened = False
            on_last_key = key_pos == len(order) - 1
            if error.kind not in REQUEST_FAULTS and (error.kind not in KEY_FAULTS or on_last_key):
                opened = health.record_failure(self._clock())
                if opened:
                    yield CircuitOpen(
                        candidate=label,
                        delay_s=self._policy.breaker_reset_s,
                        failures=health.failures,
                    )

            if error.after_output:
                plan = self._plans[error.kind]
                moving_on = (
                    self._policy.fallback_after_output
                    and has_next
                    and plan[0] is not Action.STOP
                    and self._clock() < deadline_at
                )
                async for event in self._leave(health, error, opened, moving_on=moving_on):
                    yield event
                if moving_on:
                    outcome.result = _Result.NEXT
                    outcome.error = error
                    outcome.reason = f"failed after output: {last_reason}"
                else:
                    outcome.result = _Result.ENDED
                return

            decision = self._decide(
                error,
                retries=retries,
                keys_left=len(order) - key_pos - 1,
                breaker_opened=opened,
                deadline_at=deadline_at,
            )
            reason = f"{last_reason}; {decision.note}" if decision.note else last_reason
            if decision.action is Action.RETRY:
                retries += 1
                yield Retry(
                    candidate=label,
                    delay_s=round(decision.delay_s, 3),
                    reason=reason,
                    source=decision.source,
                    attempt=retries,
                )
                await self._sleep(decision.delay_s)
            elif decision.action is Action.ROTATE_KEY:
                self._cool_key(label, endpoint_index, error.retry_after)
                key_pos += 1
                retries = 0
                next_endpoint = candidate.endpoints[order[key_pos]]
                yield KeyRotated(
                    provider=next_endpoint.provider,
                    key=next_endpoint.masked_key or "",
                    reason=reason,
                )
            elif decision.action is Action.FALLBACK:
                async for event in self._leave(health, error, opened, moving_on=has_next):
                    yield event
                outcome.result = _Result.NEXT
                outcome.error = (
                    dataclasses.replace(error, message=f"{error.message} ({decision.note})")
                    if decision.note
                    else error
                )
                outcome.reason = reason
                return
            else:  # stop, or nothing applies
                async for event in self._leave(health, error, opened, moving_on=False):
                    yield event
                outcome.result = _Result.ENDED
                if self._clock() >= deadline_at:
                    yield self._deadline_error(attempt, last_reason)
                elif decision.note:
                    yield dataclasses.replace(error, message=f"{error.message} ({decision.note})")
                else:
                    yield error
                return

    def _decide(
        self,
        error: Error,
        *,
        retries: int,
        keys_left: int,
        breaker_opened: bool,
        deadline_at: float,
    ) -> _Decision:
        """Climb the plan for ``error.kind`` and return the first rung that applies."""
        policy = self._policy
        now = self._clock()
        notes = ["circuit opened: no more tries here"] if breaker_opened else []
        for rung in self._plans[error.kind]:
            if rung is Action.STOP:
                return _Decision(Action.STOP, note="; ".join(notes))
            if now >= deadline_at:
                break
            if rung is Action.RETRY:
                if breaker_opened or retries >= policy.retries:
                    continue
                if not error.retryable and error.kind not in self._forced_retry:
                    continue
                if error.retry_after is not None:
                    if error.retry_after > policy.backoff_max_s:
                        notes.append(
                            f"server asked to wait {error.retry_after:.1f} s, more than the "
                            f"{policy.backoff_max_s:.1f} s cap: not waiting"
                        )
                        continue
                    delay, source = max(0.0, error.retry_after), "retry_after"
                else:
                    delay = full_jitter_delay(
                        retries, policy.backoff_base_s, policy.backoff_max_s, self._rng
                    )
                    source = "backoff"
                if now + delay >= deadline_at:
                    notes.append(f"no time left for a {delay:.1f} s wait before the deadline")
                    continue
                return _Decision(Action.RETRY, delay, source, "; ".join(notes))
            if rung is Action.ROTATE_KEY:
                if breaker_opened or keys_left <= 0:
                    continue
                return _Decision(Action.ROTATE_KEY, note="; ".join(notes))
            if rung is Action.FALLBACK:
                return _Decision(Action.FALLBACK, note="; ".join(notes))
        return _Decision(None, note="; ".join(notes))

    async def _leave(
        self, health: CandidateHealth, error: Error, breaker_opened: bool, *, moving_on: bool
    ) -> AsyncIterator[StreamEvent]:
        """Put a candidate the router leaves after a failure in cooldown (and say so).

        A server's Retry-After is always remembered; the escalating default applies only
        when the router moves on to a next candidate and the breaker did not just open.
        """
        if error.kind in REQUEST_FAULTS:
            return
        server_asked = error.retry_after is not None and error.retry_after > 0
        if not server_asked and (breaker_opened or not moving_on):
            return
        wait = health.start_cooldown(self._clock(), error.retry_after)
        if wait > 0:
            source = "Retry-After" if error.retry_after else "default, escalating"
            yield Cooldown(
                candidate=health.label,
                delay_s=round(wait, 3),
                until=round(time.time() + wait, 3),
                reason=f"{describe(error)}; cooling down {wait:.1f} s ({source})",
            )

    # --- one attempt ------------------------------------------------------------------

    def _attempt(
        self, request: ChatRequest, endpoint: Endpoint, deadline_at: float
    ) -> AsyncIterator[StreamEvent]:
        import httpx

        policy = self._policy
        remaining = max(0.001, deadline_at - self._clock())
        connect = min(policy.connect_timeout_s, remaining)
        timeout = httpx.Timeout(
            connect=connect, read=None, write=min(policy.idle_timeout_s, remaining), pool=connect
        )
        if request.model != endpoint.model:
            request = dataclasses.replace(request, model=endpoint.model)
        if endpoint.limits != self._limits:
            endpoint = dataclasses.replace(endpoint, limits=self._limits)
        stream_fn = self._stream_for(endpoint.protocol)
        events = stream_fn(request, endpoint, self._client, timeout=timeout)
        deadlines = AttemptDeadlines(
            first_byte_s=policy.first_byte_timeout_s,
            first_token_s=policy.first_token_timeout_s,
            idle_s=policy.idle_timeout_s,
            total_s=policy.total_timeout_s,
            total_at=deadline_at,
        )
        return guard_deadlines(events, deadlines, self._clock)

    # --- state helpers ----------------------------------------------------------------

    def _health_of(self, label: str) -> CandidateHealth:
        health = self._health.get(label)
        if health is None:
            policy = self._policy
            health = CandidateHealth(
                label,
                breaker_failures=policy.breaker_failures,
                breaker_reset_s=policy.breaker_reset_s,
                cooldown_s=policy.cooldown_s,
            )
            self._health[label] = health
        return health

    def _key_order(self, candidate: Candidate) -> list[int]:
        """Endpoint indexes to try: round-robin start, recently failed keys last."""
        count = len(candidate.endpoints)
        start = self._next_key.get(candidate.label, 0) % count
        self._next_key[candidate.label] = start + 1
        now = self._clock()
        order = [(start + i) % count for i in range(count)]
        order.sort(key=lambda i: self._key_cooling_until.get((candidate.label, i), 0.0) > now)
        return order

    def _cool_key(self, label: str, endpoint_index: int, retry_after: float | None) -> None:
        wait = retry_after if retry_after and retry_after > 0 else self._policy.cooldown_s
        self._key_cooling_until[(label, endpoint_index)] = self._clock() + wait

    def _deadline_error(self, attempts: int, last_reason: str) -> Error:
        total = self._policy.total_timeout_s
        message = f"timed out: total deadline of {total:.1f} s reached after {attempts} attempt(s)"
        if last_reason:
            message += f"; last failure: {last_reason}"
        return Error(kind=ErrorKind.TIMEOUT, message=message, retryable=True)

    def _exhausted(self, last_error: Error | None, skipped: list[tuple[str, float, str]]) -> Error:
        """The final error when the chain ran out without an answer."""
        skip_text = ", ".join(f"{label} {why} for {wait:.1f} s" for label, wait, why in skipped)
        if last_error is None or last_error.after_output:
            soonest_label, soonest_wait, _ = min(skipped, key=lambda item: item[1])
            return Error(
                kind=ErrorKind.OVERLOADED,
                message=(
                    f"every candidate is unavailable ({skip_text}); the soonest, "
                    f"{soonest_label}, is available again in {soonest_wait:.1f} s"
                ),
                retryable=True,
                retry_after=round(soonest_wait, 3),
            )
        if skip_text:
            return dataclasses.replace(
                last_error, message=f"{last_error.message} (also unavailable: {skip_text})"
            )
        return last_error
