"""Reliability: error actions, retry/backoff, fallback chains, key rotation, cooldown, breaker
and deadlines, all reported as stream events by :class:`Router`."""

from playground.reliability.actions import DEFAULT_PLANS, Action, build_plans
from playground.reliability.health import BreakerState, CandidateState
from playground.reliability.router import Router, StreamFn

__all__ = [
    "DEFAULT_PLANS",
    "Action",
    "BreakerState",
    "CandidateState",
    "Router",
    "StreamFn",
    "build_plans",
]
