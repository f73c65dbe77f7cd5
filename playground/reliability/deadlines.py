"""Deadlines on one streaming attempt: first byte, first token, idle gap and the total.

The adapter's async iterator is wrapped: every ``__anext__`` runs under ``asyncio.timeout``
set to the earliest deadline that applies at that moment —

* until ``Start``: the first-byte deadline (and the first-token one, if it is earlier);
* from ``Start`` until the first output event: the first-token deadline, measured from the
  start of the attempt;
* after output began: the idle gap, measured from when the next event was asked for;
* always: the request's overall deadline, shared by every retry and fallback.

When one fires, the adapter stream is closed (``aclose``) and a typed
``Error(kind=timeout)`` naming the deadline ends the attempt. The connect deadline is not
handled here: it is the ``connect`` part of the ``httpx.Timeout`` given to the adapter.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from playground.events import OUTPUT_EVENTS, Done, Error, ErrorKind, Start, StreamEvent


@dataclass(frozen=True, slots=True)
class AttemptDeadlines:
    """The limits of one attempt; ``total_at`` is an instant on the router's clock."""

    first_byte_s: float
    first_token_s: float
    idle_s: float
    total_s: float
    total_at: float


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


async def guard_deadlines(
    events: AsyncIterator[StreamEvent],
    deadlines: AttemptDeadlines,
    clock: Callable[[], float],
) -> AsyncIterator[StreamEvent]:
    """Yield ``events`` until their ``Done``/``Error``, ending with a timeout ``Error`` if a
    deadline fires, or a ``protocol`` ``Error`` if the stream ends without a final event.

    Always closes ``events``, also when the consumer stops early or the task is cancelled.
    """
    started = clock()
    first_byte_at = started + deadlines.first_byte_s
    first_token_at = started + deadlines.first_token_s
    seen_start = False
    seen_output = False
    try:
        while True:
            now = clock()
            if seen_output:
                limit_at = now + deadlines.idle_s
                reason = f"no output for {_seconds(deadlines.idle_s)} (idle gap between chunks)"
            elif seen_start or first_token_at <= first_byte_at:
                limit_at = first_token_at
                reason = f"no first token within {_seconds(deadlines.first_token_s)}"
            else:
                limit_at = first_byte_at
                reason = f"no response within {_seconds(deadlines.first_byte_s)} (first byte)"
            if deadlines.total_at <= limit_at:
                limit_at = deadlines.total_at
                total = _seconds(deadlines.total_s)
                reason = f"no complete answer within the total deadline of {total}"
            timeout = asyncio.timeout(max(0.0, limit_at - now))
            try:
                async with timeout:
                    event = await anext(events)
            except StopAsyncIteration:
                yield Error(
                    kind=ErrorKind.PROTOCOL,
                    message="the stream ended without a final done or error event",
                    after_output=seen_output,
                )
                return
            except TimeoutError:
                if not timeout.expired():
                    raise
                yield Error(
                    kind=ErrorKind.TIMEOUT,
                    message=f"timed out: {reason}",
                    retryable=True,
                    after_output=seen_output,
                )
                return
            except Exception as exc:  # an adapter bug must still end as an event, not a traceback
                yield Error(
                    kind=ErrorKind.UNKNOWN,
                    message=f"internal error while streaming: {type(exc).__name__}: {exc}"[:300],
                    after_output=seen_output,
                )
                return
            yield event
            if isinstance(event, Done | Error):
                return
            if isinstance(event, Start):
                seen_start = True
            elif isinstance(event, OUTPUT_EVENTS):
                seen_output = True
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
