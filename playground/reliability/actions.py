"""What the router does about each class of failure: the action ladder, as data.

Every failed attempt is classified by the adapters into an :class:`~playground.events.ErrorKind`.
Each kind maps to a *plan*: the rungs the router climbs, in order, for that failure. A rung
that cannot apply (no retries left, no other key, Retry-After longer than the backoff cap, no
time left before the overall deadline) is skipped and the next one is tried.

The full ladder is ``retry → rotate_key → fallback``; ``stop`` ends the request. A
``[reliability.actions]`` entry names the rung where the plan for that kind starts, so
``rate_limited = "fallback"`` means "on 429, move on to the next candidate at once" and
``server = "stop"`` means "on 5xx, report the error and try nothing else".
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from playground.events import ErrorKind


class Action(StrEnum):
    """One rung of the action ladder."""

    RETRY = "retry"  # the same candidate and key again, after a wait
    ROTATE_KEY = "rotate_key"  # the same candidate with its next key
    FALLBACK = "fallback"  # the next candidate of the chain
    STOP = "stop"  # give up: the error is final


Plan = tuple[Action, ...]

_RETRY, _ROTATE, _FALLBACK, _STOP = Action.RETRY, Action.ROTATE_KEY, Action.FALLBACK, Action.STOP

DEFAULT_PLANS: Mapping[ErrorKind, Plan] = MappingProxyType(
    {
        # per-key limits: wait if the server asks briefly, else another key, else another model
        ErrorKind.RATE_LIMITED: (_RETRY, _ROTATE, _FALLBACK),
        # the provider itself is struggling: another key would not help
        ErrorKind.OVERLOADED: (_RETRY, _FALLBACK),
        ErrorKind.SERVER: (_RETRY, _FALLBACK),
        ErrorKind.TIMEOUT: (_RETRY, _FALLBACK),
        ErrorKind.NETWORK: (_RETRY, _FALLBACK),
        # the key is the problem: waiting never helps, another key might
        ErrorKind.AUTH: (_ROTATE, _FALLBACK),
        ErrorKind.BILLING: (_ROTATE, _FALLBACK),
        # the same request would fail the same way here: only another model can help
        ErrorKind.NOT_FOUND: (_FALLBACK,),
        ErrorKind.CONTEXT_LENGTH: (_FALLBACK,),
        ErrorKind.BAD_REQUEST: (_FALLBACK,),
        ErrorKind.CONTENT_FILTER: (_FALLBACK,),
        ErrorKind.PROTOCOL: (_FALLBACK,),
        ErrorKind.UNKNOWN: (_FALLBACK,),
        ErrorKind.CANCELLED: (_STOP,),
    }
)

LADDER: Plan = (_RETRY, _ROTATE, _FALLBACK)

REQUEST_FAULTS = frozenset(
    {
        ErrorKind.BAD_REQUEST,
        ErrorKind.CONTEXT_LENGTH,
        ErrorKind.CONTENT_FILTER,
        ErrorKind.CANCELLED,
    }
)
"""Failures caused by the request, not the candidate: they never count towards the circuit
breaker and never put a candidate in cooldown (the next request may well succeed there)."""

KEY_FAULTS = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.AUTH, ErrorKind.BILLING})
"""Failures of one key rather than the whole candidate: they count towards the candidate's
circuit breaker only on its last untried key, so a bad or rate-limited first key can never
open the breaker before the router has rotated to the others."""


def plan_from_action(action: Action) -> Plan:
    """The plan that starts at ``action`` on the ladder (``stop`` is a plan of its own)."""
    if action is Action.STOP:
        return (Action.STOP,)
    return LADDER[LADDER.index(action) :]


def build_plans(overrides: Mapping[str, str]) -> dict[ErrorKind, Plan]:
    """The plan per kind: the defaults, with ``[reliability.actions]`` entries applied.

    Raises ``ValueError`` naming the bad entry for an unknown kind or action (the config
    schema validates these already; this guards programmatic use).
    """
    plans = dict(DEFAULT_PLANS)
    for kind_name, action_name in overrides.items():
        try:
            kind = ErrorKind(kind_name)
        except ValueError:
            known = ", ".join(k.value for k in ErrorKind)
            raise ValueError(f"unknown error kind {kind_name!r} (known: {known})") from None
        try:
            action = Action(action_name)
        except ValueError:
            known = ", ".join(a.value for a in Action)
            message = f"unknown action {action_name!r} for {kind_name} (known: {known})"
            raise ValueError(message) from None
        plans[kind] = plan_from_action(action)
    return plans
