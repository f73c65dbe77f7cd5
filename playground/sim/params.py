"""Scripted behaviour carried in the model id: ``echo?tps=2000&fail=429&fail_times=2``.

Everything after ``?`` tunes the simulated model. Unknown parameters are ignored, so a test
can add ``&run=xyz`` to get a fresh ``fail_times`` counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

MODEL_NAMES = ("echo", "lorem", "thinker", "tools", "vision")

#: Faults answered with an HTTP error status before any body byte.
HTTP_FAULTS = frozenset({"429", "500", "503", "529", "401", "403", "400ctx"})
#: Faults that happen inside a stream that started with HTTP 200.
STREAM_FAULTS = frozenset({"stall", "cutoff", "midstream_error", "malformed"})
FAULTS = HTTP_FAULTS | STREAM_FAULTS

DEFAULT_TPS = 60.0
DEFAULT_TTFT_MS = 150.0
DEFAULT_LOREM_TOKENS = 200


class SimParamError(ValueError):
    """A parameter in the model id has a value the simulator cannot use."""


@dataclass(frozen=True, slots=True)
class SimParams:
    """The parsed model id.

    ``after`` is the number of output tokens sent before a stream fault strikes (``None``:
    the fault's default point); ``stall`` without ``after`` stalls right after the headers.
    ``noise`` adds the harmless extras real servers send (SSE comments, OpenAI
    ``obfuscation`` padding) so clients can prove their parsers ignore them.
    """

    model_id: str
    name: str
    tps: float = DEFAULT_TPS
    tokens: int | None = None
    ttft_ms: float = DEFAULT_TTFT_MS
    fail: str | None = None
    fail_times: int | None = None
    retry_after: float | None = None
    fail_key: str | None = None
    after: int | None = None
    noise: bool = False

    @property
    def known_model(self) -> bool:
        """Whether the base name is one of the scripted models."""
        return self.name in MODEL_NAMES


def _number(raw: str, key: str, *, minimum: float = 0.0) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SimParamError(f"sim parameter {key}={raw!r} is not a number") from None
    if value < minimum or value != value:  # NaN check: NaN != NaN
        raise SimParamError(f"sim parameter {key}={raw!r} must be >= {minimum:g}")
    return value


def _integer(raw: str, key: str) -> int:
    value = _number(raw, key)
    if value != int(value):
        raise SimParamError(f"sim parameter {key}={raw!r} must be a whole number")
    return int(value)


FAULT_HEADER = "x-sim-fault"
"""A request header carrying the same ``k=v&…`` parameters, for SDKs that validate model names."""


def parse_model_id(model_id: str, header: str | None = None) -> SimParams:
    """Split ``name?k=v&…`` into :class:`SimParams`; raises :class:`SimParamError`.

    A trailing Ollama-style ``:latest`` tag on the name is dropped. ``header`` is the value of
    the :data:`FAULT_HEADER` request header: its parameters apply after the model id's (a key
    in both takes the header's value), and it counts as part of the id for ``fail_times``.
    """
    name, _, query = model_id.partition("?")
    name = name.strip().removesuffix(":latest")
    if header:
        query = f"{query}&{header}" if query else header
        model_id = f"{model_id} [{FAULT_HEADER}: {header}]"
    fields: dict[str, object] = {}
    for key, raw in parse_qsl(query, keep_blank_values=True):
        if key == "tps":
            fields["tps"] = _number(raw, key)
        elif key == "tokens":
            fields["tokens"] = _integer(raw, key)
        elif key == "ttft_ms":
            fields["ttft_ms"] = _number(raw, key)
        elif key == "fail":
            if raw not in FAULTS:
                known = " ".join(sorted(FAULTS))
                raise SimParamError(f"sim parameter fail={raw!r} is not one of: {known}")
            fields["fail"] = raw
        elif key == "fail_times":
            fields["fail_times"] = _integer(raw, key)
        elif key == "retry_after":
            fields["retry_after"] = _number(raw, key)
        elif key == "fail_key":
            fields["fail_key"] = raw
        elif key == "noise":
            fields["noise"] = raw not in ("0", "false", "")
        elif key in ("after", "stall_after"):
            fields["after"] = _integer(raw, key)
            if key == "stall_after":
                fields.setdefault("fail", "stall")
    return SimParams(model_id=model_id, name=name, **fields)  # type: ignore[arg-type]
