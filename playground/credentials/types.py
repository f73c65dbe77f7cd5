"""Records describing a resolved credential and the results of checking it.

Everything here is safe to print: keys are held as :class:`~playground.secret.Secret`, whose
``str`` and ``repr`` are masked, and messages never contain a full key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from playground.endpoint import AuthKind
from playground.secret import Secret

if TYPE_CHECKING:
    from playground.adapters.rate_limits import RateLimits

LiveStatus = Literal[
    "ok",
    "unauthorized",
    "forbidden",
    "rate_limited",
    "not_found",
    "unreachable",
    "timeout",
    "tls_error",
    "error",
    "running",
    "not_running",
    "skipped",
]

CredentialState = Literal["ready", "missing", "suspect", "no key needed", "simulated"]


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """One usable key and where it came from (``source`` is a human label)."""

    secret: Secret
    source: str
    auth_kind: AuthKind

    @property
    def masked(self) -> str:
        """The key, masked for display."""
        return self.secret.masked


@dataclass(frozen=True, slots=True)
class FormatCheck:
    """Whether a key has the provider's known shape.

    ``ok`` is None when nothing can be said (no key, or no known format for the provider).
    """

    ok: bool | None
    message: str


@dataclass(frozen=True, slots=True)
class CredentialStatus:
    """Everything known about a provider's credential without touching the network.

    ``keys`` are in rotation order (several only when the winning source holds several);
    ``source`` is the label of the winning source; ``shadowed`` lists the labels of every other
    source that also holds a value; ``problems`` are one-line explanations of anything odd
    (an unset ``${VAR}``, a world-readable credential file, a keyring that failed, …);
    ``notes`` hold facts about the machine rather than the provider ("no OS keyring
    available"). ``needs_key`` is False for local, simulated and ``auth = "none"`` providers.
    """

    provider: str
    keys: list[ResolvedKey]
    source: str | None
    shadowed: list[str]
    problems: list[str]
    auth_kind: AuthKind
    format: FormatCheck
    next_step: str | None
    needs_key: bool = True
    simulated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> ResolvedKey | None:
        """The first key in rotation order, or None."""
        return self.keys[0] if self.keys else None

    @property
    def state(self) -> CredentialState:
        """A one-word summary: ready, missing, suspect (format mismatch), no key needed."""
        if self.simulated:
            return "simulated"
        if not self.keys:
            return "missing" if self.needs_key else "no key needed"
        if self.format.ok is False:
            return "suspect"
        return "ready"

    @property
    def ready(self) -> bool:
        """True when requests can be attempted (a key is present or none is needed)."""
        return self.state in ("ready", "suspect", "no key needed", "simulated")


@dataclass(frozen=True, slots=True)
class LiveResult:
    """The outcome of one cheap live request (or a local server probe).

    ``skipped`` means no request was made (no cheap key-check endpoint, no base URL, or a
    simulated provider that runs embedded); ``message`` says why. ``rate_limits`` is the
    headroom the answer's headers reported, if any; ``model_ids`` the models the answer
    listed when the check's endpoint is a model list (which models this key can reach).
    """

    status: LiveStatus
    latency_ms: float | None
    http_status: int | None
    message: str
    next_step: str | None
    rate_limits: RateLimits | None = None
    model_ids: tuple[str, ...] | None = None

    @property
    def ok(self) -> bool:
        """True for ``ok`` and ``running``."""
        return self.status in ("ok", "running")
