"""Per-candidate health: the circuit breaker and the cooldown, kept in memory by the router.

All times are on the router's clock (``time.monotonic`` unless a test injects another).

Breaker: ``closed`` until ``breaker_failures`` consecutive failed attempts (the router does
not count faults of the request, nor key-level faults while other keys remain), then ``open`` for
``breaker_reset_s``; after that the next request is let through as the single ``half_open``
probe (concurrent requests keep skipping the candidate while the probe runs). A successful
probe closes the breaker, a failed one opens it again for another ``breaker_reset_s``.

Cooldown: a candidate whose server sent a Retry-After is skipped until that wait ran out. A
candidate the router falls back from (there is a next one to go to) is also skipped for an
escalating default: ``cooldown_s``, doubling on each cooldown in a row (at most
:data:`MAX_COOLDOWN_DOUBLINGS` times), reset by a success. The last candidate of a chain (so
also a lone model) gets no default cooldown: skipping it would just block the user (the
breaker still protects the provider).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_COOLDOWN_DOUBLINGS = 5
"""The escalating default cooldown stops growing at ``cooldown_s * 2**5``."""


class BreakerState(StrEnum):
    """The state of a candidate's circuit breaker."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class Gate(StrEnum):
    """What a new request may do with a candidate right now."""

    PASS = "pass"
    PROBE = "probe"  # the breaker just went half-open: this request is the probe
    OPEN = "open"  # breaker open (or another request is probing)
    COOLING = "cooling"


@dataclass(frozen=True, slots=True)
class CandidateState:
    """A snapshot of one candidate's health, for the UI's fallback timeline.

    ``cooldown_until`` and ``breaker_until`` are on the router's clock; ``*_in_s`` fields are
    the same instants as seconds from the moment of the snapshot (0 when already past).
    """

    label: str
    breaker: BreakerState = BreakerState.CLOSED
    consecutive_failures: int = 0
    cooldown_until: float | None = None
    cooldown_in_s: float = 0.0
    breaker_until: float | None = None
    breaker_in_s: float = 0.0
    cooldowns_in_a_row: int = 0

    @property
    def available_in_s(self) -> float:
        """Seconds until a request may use this candidate (0 when it may now)."""
        return max(self.cooldown_in_s, self.breaker_in_s)


class CandidateHealth:
    """The mutable breaker and cooldown state of one candidate."""

    __slots__ = (
        "_breaker_failures",
        "_breaker_reset_s",
        "_cooldown_s",
        "breaker",
        "breaker_until",
        "cooldown_until",
        "cooldowns_in_a_row",
        "failures",
        "label",
        "probing",
    )

    def __init__(
        self, label: str, *, breaker_failures: int, breaker_reset_s: float, cooldown_s: float
    ) -> None:
        self.label = label
        self._breaker_failures = breaker_failures
        self._breaker_reset_s = breaker_reset_s
        self._cooldown_s = cooldown_s
        self.breaker = BreakerState.CLOSED
        self.breaker_until: float | None = None
        self.failures = 0
        self.probing = False
        self.cooldown_until: float | None = None
        self.cooldowns_in_a_row = 0

    def gate(self, now: float) -> Gate:
        """Decide whether a new request may use the candidate; claims the probe when due."""
        if self.breaker is BreakerState.OPEN and now < (self.breaker_until or 0.0):
            return Gate.OPEN
        if self.cooldown_until is not None and now < self.cooldown_until:
            return Gate.COOLING  # a server's Retry-After outlasts even the breaker's delay
        if self.breaker is BreakerState.OPEN:
            self.breaker = BreakerState.HALF_OPEN
            self.probing = True
            return Gate.PROBE
        if self.breaker is BreakerState.HALF_OPEN:
            if self.probing:
                return Gate.OPEN
            self.probing = True
            return Gate.PROBE
        return Gate.PASS

    def release_probe(self) -> None:
        """The probe ended without a verdict (cancelled, or a fault of the request)."""
        self.probing = False

    def record_success(self) -> None:
        """An attempt succeeded: close the breaker, forget failures and cooldown escalation."""
        self.breaker = BreakerState.CLOSED
        self.breaker_until = None
        self.failures = 0
        self.probing = False
        self.cooldown_until = None
        self.cooldowns_in_a_row = 0

    def record_failure(self, now: float) -> bool:
        """An attempt failed; returns True when this failure opened the breaker."""
        self.failures += 1
        if self.breaker is BreakerState.HALF_OPEN or self.failures >= self._breaker_failures:
            already_open = self.breaker is BreakerState.OPEN
            self.breaker = BreakerState.OPEN
            self.breaker_until = now + self._breaker_reset_s
            self.probing = False
            return not already_open
        return False

    def start_cooldown(self, now: float, retry_after: float | None) -> float:
        """Put the candidate in cooldown; returns its length in seconds (0: no cooldown).

        A server-requested wait is honoured as is; otherwise the escalating default applies.
        """
        if retry_after is not None and retry_after > 0:
            delay = retry_after
        else:
            doublings = min(self.cooldowns_in_a_row, MAX_COOLDOWN_DOUBLINGS)
            delay = self._cooldown_s * 2**doublings
        self.cooldowns_in_a_row += 1
        if delay <= 0:
            return 0.0
        self.cooldown_until = max(self.cooldown_until or now, now + delay)
        return self.cooldown_until - now

    def snapshot(self, now: float) -> CandidateState:
        """The current state as an immutable :class:`CandidateState`."""
        cooling = self.cooldown_until if self.cooldown_until and self.cooldown_until > now else None
        return CandidateState(
            label=self.label,
            breaker=self.breaker,
            consecutive_failures=self.failures,
            cooldown_until=cooling,
            cooldown_in_s=max(0.0, cooling - now) if cooling else 0.0,
            breaker_until=self.breaker_until if self.breaker is BreakerState.OPEN else None,
            breaker_in_s=(
                max(0.0, self.breaker_until - now)
                if self.breaker is BreakerState.OPEN and self.breaker_until is not None
                else 0.0
            ),
            cooldowns_in_a_row=self.cooldowns_in_a_row,
        )
