"""Deadlines on one streaming attempt: first byte, first token, idle gap and the total.

The adapter's async iterator is wrapped: every ``__anext__`` is bounded by the earliest
deadline that applies at that moment —

* until ``Start``: the first-byte deadline (and the first-token one, if it is earlier);
* from ``Start`` until the first output event: the first-token deadline, measured from the
  start of the attempt;
* after output began: the idle gap, measured from when the next event was asked for;
* always: the request's overall deadline, shared by every retry and fallback.

When one fires, the wait is cancelled, the adapter stream is closed (``aclose``) and a typed
``Error(kind=timeout)`` naming the deadline ends the attempt. One lazily re-armed timer
(:class:`_Watchdog`) does this instead of an ``asyncio.timeout`` per chunk: moving the idle
deadline forward then costs a comparison, not a new timer handle (the hot path sees
thousands of chunks a second). The connect deadline is not
handled here: it is the ``connect`` part of the ``httpx.Timeout`` given to the adapter.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import Enum

from playground.events import OUTPUT_EVENTS, Done, Error, ErrorKind, Start, StreamEvent

_FINAL_EVENTS = (Done, Error)
current_task = asyncio.current_task


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


class _Phase(Enum):
    FIRST_BYTE = "first_byte"
    FIRST_TOKEN = "first_token"
    IDLE = "idle"
    TOTAL = "total"


def _timeout_message(phase: _Phase, deadlines: AttemptDeadlines) -> str:
    if phase is _Phase.FIRST_BYTE:
        return f"timed out: no response within {_seconds(deadlines.first_byte_s)} (first byte)"
    if phase is _Phase.FIRST_TOKEN:
        return f"timed out: no first token within {_seconds(deadlines.first_token_s)}"
    if phase is _Phase.IDLE:
        return f"timed out: no output for {_seconds(deadlines.idle_s)} (idle gap between chunks)"
    total = _seconds(deadlines.total_s)
    return f"timed out: no complete answer within the total deadline of {total}"


class _Watchdog:
    """One timer that cancels the current task if a wait outlives its limit.

    ``arm(delay)`` (or ``arm_idle()``) before each wait only moves the limit; the scheduled
    timer is replaced when the limit comes earlier, and re-armed when it fires before a
    limit that moved later. It cancels the task only while ``awaiting``, so the consumer's
    own code between events is never interrupted.
    """

    __slots__ = (
        "_handle",
        "_limit",
        "_loop",
        "_when",
        "awaiting",
        "fired",
        "idle_s",
        "task",
        "total_limit",
    )

    def __init__(self, idle_s: float) -> None:
        self._loop = asyncio.get_running_loop()
        self.task: asyncio.Task[object] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._when = 0.0
        self._limit = 0.0
        self.idle_s = idle_s
        self.total_limit = float("inf")
        self.awaiting = False
        self.fired = False

    def arm(self, delay: float) -> None:
        """A wait starts now, in the current task, and may last ``delay`` seconds."""
        self._set_limit(self._loop.time() + delay)

    def arm_idle(self) -> None:
        """A wait for the next output starts now: the idle gap, capped by the total (the hot
        path: :meth:`_set_limit` inlined)."""
        loop = self._loop
        limit = loop.time() + self.idle_s
        if limit > self.total_limit:
            limit = self.total_limit
        self.task = current_task(loop)
        self._limit = limit
        self.awaiting = True
        if self._handle is None or self._when > limit:
            self._schedule(limit)

    def set_total_in(self, delay: float) -> None:
        """The total deadline is ``delay`` seconds from now (for :meth:`arm_idle`)."""
        self.total_limit = self._loop.time() + delay

    @property
    def at_total(self) -> bool:
        """Whether the current limit is the total deadline (not the idle gap)."""
        return self._limit >= self.total_limit

    def _set_limit(self, limit: float) -> None:
        self.task = current_task(self._loop)  # each wait may run in another task (wait_for)
        self._limit = limit
        self.awaiting = True
        if self._handle is None or self._when > limit:
            self._schedule(limit)

    def _schedule(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._when = when
        self._handle = self._loop.call_at(when, self._check)

    def _check(self) -> None:
        self._handle = None
        if not self.awaiting or self.task is None:
            return
        if self._when >= self._limit:
            self.fired = True
            self.task.cancel()
        else:
            self._schedule(self._limit)

    def close(self) -> None:
        """Drop the timer."""
        self.awaiting = False
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def _wait_ended(
    exc: BaseException,
    watchdog: _Watchdog,
    waiting_for: _Phase,
    deadlines: AttemptDeadlines,
    seen_output: bool,
) -> Error | None:
    """The final ``Error`` for a wait that ended in ``exc``; None for a cancel from outside
    (the caller re-raises it)."""
    if isinstance(exc, StopAsyncIteration):
        return Error(
            kind=ErrorKind.PROTOCOL,
            message="the stream ended without a final done or error event",
            after_output=seen_output,
        )
    if isinstance(exc, asyncio.CancelledError):
        task = watchdog.task
        if not watchdog.fired or task is None or task.uncancel() > 0:
            return None  # cancelled from outside: not ours to swallow
        return Error(
            kind=ErrorKind.TIMEOUT,
            message=_timeout_message(waiting_for, deadlines),
            retryable=True,
            after_output=seen_output,
        )
    # an adapter bug must still end as an event, not a traceback
    return Error(
        kind=ErrorKind.UNKNOWN,
        message=f"internal error while streaming: {type(exc).__name__}: {exc}"[:300],
        after_output=seen_output,
    )


async def guard_deadlines(
    events: AsyncIterator[StreamEvent],
    deadlines: AttemptDeadlines,
    clock: Callable[[], float],
) -> AsyncIterator[StreamEvent]:
    """Yield ``events`` until their ``Done``/``Error``, ending with a timeout ``Error`` if a
    deadline fires, or a ``protocol`` ``Error`` if the stream ends without a final event.

    Always closes ``events``, also when the consumer stops early or the task is cancelled.
    Until the first output every wait computes which deadline applies; after it (the hot
    path, once per chunk) a wait only re-arms the idle gap, capped by the total.
    """
    started = clock()
    first_byte_at = started + deadlines.first_byte_s
    first_token_at = started + deadlines.first_token_s
    total_at = deadlines.total_at
    phase = _Phase.FIRST_TOKEN if first_token_at <= first_byte_at else _Phase.FIRST_BYTE
    watchdog = _Watchdog(deadlines.idle_s)
    try:
        while True:  # until the first output
            now = clock()
            limit_at, waiting_for = (
                (first_token_at, phase) if phase is _Phase.FIRST_TOKEN else (first_byte_at, phase)
            )
            if total_at <= limit_at:
                limit_at, waiting_for = total_at, _Phase.TOTAL
            watchdog.arm(max(0.0, limit_at - now))
            try:
                event = await anext(events)
            except (StopAsyncIteration, asyncio.CancelledError, Exception) as exc:
                error = _wait_ended(exc, watchdog, waiting_for, deadlines, False)
                if error is None:
                    raise
                yield error
                return
            finally:
                watchdog.awaiting = False
            yield event
            if isinstance(event, OUTPUT_EVENTS):
                break
            if isinstance(event, _FINAL_EVENTS):
                return
            if isinstance(event, Start) and phase is _Phase.FIRST_BYTE:
                phase = _Phase.FIRST_TOKEN
        watchdog.set_total_in(total_at - clock())
        arm_idle = watchdog.arm_idle
        next_event = events.__anext__
        while True:  # after output began: the idle gap between chunks
            arm_idle()
            try:
                event = await next_event()
            except (StopAsyncIteration, asyncio.CancelledError, Exception) as exc:
                waiting_for = _Phase.TOTAL if watchdog.at_total else _Phase.IDLE
                error = _wait_ended(exc, watchdog, waiting_for, deadlines, True)
                if error is None:
                    raise
                yield error
                return
            finally:
                watchdog.awaiting = False
            yield event
            if isinstance(event, _FINAL_EVENTS):
                return
    finally:
        watchdog.close()
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
