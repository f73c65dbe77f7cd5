"""The decode loop every protocol parser shares: frames in, unified events out.

A protocol parser splits response bytes into frames (SSE ``(event, data)`` pairs or NDJSON
lines) and turns each frame into events. :class:`FrameParser` runs that loop for a chunk and
at end of body, stops at the first terminal event, turns a malformed frame shape into a typed
error and reports invalid JSON as a terminal protocol error; a subclass supplies only what its
protocol means: :meth:`FrameParser._frame` and :meth:`FrameParser._end_of_body`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from playground.adapters.errors import (
    SHAPE_ERRORS,
    LimitExceeded,
    limit_error,
    protocol_error,
    shape_error,
)
from playground.adapters.json_scan import loads
from playground.events import StreamEvent

FrameT = TypeVar("FrameT")


class FrameParser(ABC, Generic[FrameT]):
    """Base of the protocol parsers (satisfies ``http_stream.StreamParser``).

    ``finished`` turns True once the parser produced its terminal event; ``after_output`` is
    True once it produced text, thinking or tool-call events.
    """

    __slots__ = ("_flush_frames", "_split_frames", "after_output", "finished")

    invalid_json: ClassVar[str]
    """The message of the error for a frame that is not valid JSON."""

    def __init__(
        self,
        split_frames: Callable[[bytes], Iterable[FrameT]],
        flush_frames: Callable[[], Iterable[FrameT]],
    ) -> None:
        self.finished = False
        self.after_output = False
        self._split_frames = split_frames
        self._flush_frames = flush_frames

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        """Events completed by ``chunk``."""
        out: list[StreamEvent] = []
        try:
            for frame in self._split_frames(chunk):
                self._frame(frame, out)
                if self.finished:
                    break
        except SHAPE_ERRORS as exc:
            self.finished = True
            out.append(shape_error(exc, self.after_output))
        except LimitExceeded as exc:
            self.finished = True
            out.append(limit_error(exc, self.after_output))
        return out

    def finish(self) -> list[StreamEvent]:
        """End of body: the last frames, then the protocol's end (a normal end or a cut)."""
        out: list[StreamEvent] = []
        try:
            for frame in self._flush_frames():
                if self.finished:
                    break
                self._frame(frame, out)
            if not self.finished:
                self._end_of_body(out)
        except LimitExceeded as exc:
            self.finished = True
            out.append(limit_error(exc, self.after_output))
        return out

    def _json(self, data: str | bytes, out: list[StreamEvent]) -> Any:
        """The JSON value of ``data``; for invalid JSON, None after a terminal protocol error.

        Callers ignore every value that is not the object (or array) they expect, so a frame
        that is JSON ``null`` and a frame that is not JSON both end their handling.
        """
        try:
            return loads(data if isinstance(data, str) else data.decode("utf-8", "replace"))
        except (ValueError, RecursionError):  # RecursionError: JSON nested absurdly deep
            self.finished = True
            out.append(protocol_error(self.invalid_json, data[:200], self.after_output))
            return None

    @abstractmethod
    def _frame(self, frame: FrameT, out: list[StreamEvent]) -> None:
        """Append the events of one frame to ``out`` (set ``finished`` at a terminal one)."""

    @abstractmethod
    def _end_of_body(self, out: list[StreamEvent]) -> None:
        """The body ended before a terminal event: append the closing events and finish."""
