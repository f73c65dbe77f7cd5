"""The unified stream event model shared by every adapter, the router and the UI.

Adapters turn each provider's wire format into these events; the reliability router adds
attempt events around them; the session layer, the headless CLI and the TUI consume them.
Events are small slotted dataclasses because the hot path handles thousands per second.
No I/O happens here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from playground.adapters.rate_limits import RateLimits


class StopReason(StrEnum):
    """Why a model stopped producing output."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_USE = "tool_use"
    REFUSAL = "refusal"


class ErrorKind(StrEnum):
    """The typed classes of failure; the router picks an action per kind."""

    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    SERVER = "server"
    TIMEOUT = "timeout"
    NETWORK = "network"
    AUTH = "auth"
    BILLING = "billing"
    NOT_FOUND = "not_found"
    CONTEXT_LENGTH = "context_length"
    BAD_REQUEST = "bad_request"
    CONTENT_FILTER = "content_filter"
    CANCELLED = "cancelled"
    PROTOCOL = "protocol"  # the server sent something we could not parse
    UNKNOWN = "unknown"


@dataclass(slots=True)
class Event:
    """Base class: every event has a wire ``type`` name used by ``ask --json``."""

    type: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by ``playground ask --json``."""
        data = asdict(self)
        return {"type": self.type, **{k: v for k, v in data.items() if v is not None}}


# --- content events (from adapters) -------------------------------------------------------


@dataclass(slots=True)
class Start(Event):
    """The provider accepted the request and the stream began.

    ``rate_limits`` is the headroom the response's headers reported, when they did.
    """

    type: ClassVar[str] = "start"
    model: str = ""
    response_id: str | None = None
    rate_limits: RateLimits | None = None


@dataclass(slots=True)
class TextDelta(Event):
    """A piece of the visible answer."""

    type: ClassVar[str] = "text"
    text: str = ""


@dataclass(slots=True)
class ThinkingDelta(Event):
    """A piece of reasoning text; ``signature`` is opaque replay data (Anthropic)."""

    type: ClassVar[str] = "thinking"
    text: str = ""
    signature: str | None = None
    redacted: bool = False


@dataclass(slots=True)
class ToolCallStart(Event):
    """A tool call began; ``index`` orders parallel calls within one turn."""

    type: ClassVar[str] = "tool_call_start"
    index: int = 0
    id: str = ""
    name: str = ""


@dataclass(slots=True)
class ToolCallDelta(Event):
    """A fragment of a tool call's JSON arguments, as streamed."""

    type: ClassVar[str] = "tool_call_delta"
    index: int = 0
    id: str = ""
    arguments_fragment: str = ""


@dataclass(slots=True)
class ToolCallEnd(Event):
    """A complete tool call with parsed arguments.

    ``parse_error`` is set (and ``arguments`` empty) when the streamed JSON was invalid;
    ``raw_arguments`` always keeps what arrived.
    """

    type: ClassVar[str] = "tool_call"
    index: int = 0
    id: str = ""
    name: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    raw_arguments: str = ""
    parse_error: str | None = None


@dataclass(slots=True)
class Usage(Event):
    """Token usage; later ``Usage`` events in one stream replace earlier ones."""

    type: ClassVar[str] = "usage"
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass(slots=True)
class Done(Event):
    """The stream finished normally. Metrics fields are filled by the session layer.

    ``rate_limits`` repeats the ``Start``'s headroom, so consumers that only see terminal
    events (the fallback timeline) can show it.
    """

    type: ClassVar[str] = "done"
    stop_reason: StopReason = StopReason.STOP
    ttft_ms: float | None = None
    tokens_per_s: float | None = None
    cost_usd: float | None = None
    answered_by: str | None = None
    rate_limits: RateLimits | None = None


@dataclass(slots=True)
class Error(Event):
    """A typed failure; always the last event of an adapter stream.

    ``after_output`` says whether text, thinking or tool calls had already been produced,
    so nothing may be retried silently. ``retry_after`` is the server's requested wait in
    seconds when it sent one; ``rate_limits`` the headroom a 429 response's headers reported.
    """

    type: ClassVar[str] = "error"
    kind: ErrorKind = ErrorKind.UNKNOWN
    message: str = ""
    status: int | None = None
    retryable: bool = False
    retry_after: float | None = None
    after_output: bool = False
    provider_code: str | None = None
    rate_limits: RateLimits | None = None


# --- router events (from reliability) -----------------------------------------------------


@dataclass(slots=True)
class Attempt(Event):
    """The router is sending the request to ``candidate`` (1-based ``attempt`` count)."""

    type: ClassVar[str] = "attempt"
    candidate: str = ""
    attempt: int = 1
    key: str | None = None  # masked


@dataclass(slots=True)
class Retry(Event):
    """The router will retry ``candidate`` after ``delay_s``.

    ``source`` is ``retry_after`` when the server asked for the wait, else ``backoff``.
    """

    type: ClassVar[str] = "retry"
    candidate: str = ""
    delay_s: float = 0.0
    reason: str = ""
    source: str = "backoff"
    attempt: int = 1


@dataclass(slots=True)
class Fallback(Event):
    """The router moved from one candidate to the next."""

    type: ClassVar[str] = "fallback"
    from_: str = ""
    to: str = ""
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form; ``from_`` is spelled ``from`` on the wire."""
        return {"type": self.type, "from": self.from_, "to": self.to, "reason": self.reason}


@dataclass(slots=True)
class KeyRotated(Event):
    """The router switched to another key of the same provider (``key`` is masked)."""

    type: ClassVar[str] = "key_rotated"
    provider: str = ""
    key: str = ""
    reason: str = ""


@dataclass(slots=True)
class Cooldown(Event):
    """``candidate`` is skipped until ``until`` (epoch seconds), ``delay_s`` from now."""

    type: ClassVar[str] = "cooldown"
    candidate: str = ""
    delay_s: float = 0.0
    until: float | None = None
    reason: str = ""


@dataclass(slots=True)
class CircuitOpen(Event):
    """The breaker of ``candidate`` opened after repeated failures."""

    type: ClassVar[str] = "circuit_open"
    candidate: str = ""
    delay_s: float = 0.0
    failures: int = 0


@dataclass(slots=True)
class CircuitHalfOpen(Event):
    """The breaker of ``candidate`` lets one probe request through."""

    type: ClassVar[str] = "circuit_half_open"
    candidate: str = ""


@dataclass(slots=True)
class ToolResult(Event):
    """A locally executed tool's result, sent back to the model (session layer)."""

    type: ClassVar[str] = "tool_result"
    id: str = ""
    name: str = ""
    content: str = ""
    is_error: bool = False


StreamEvent = (
    Start
    | TextDelta
    | ThinkingDelta
    | ToolCallStart
    | ToolCallDelta
    | ToolCallEnd
    | Usage
    | Done
    | Error
    | Attempt
    | Retry
    | Fallback
    | KeyRotated
    | Cooldown
    | CircuitOpen
    | CircuitHalfOpen
    | ToolResult
)

OUTPUT_EVENTS = (TextDelta, ThinkingDelta, ToolCallStart, ToolCallDelta, ToolCallEnd)
"""Events that count as output: after one of these, a failure must not be retried silently."""
