"""A pane: one model or route, its own conversation, live metrics and the tool loop."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from playground.adapters.read_pacing import coalesced_reads
from playground.events import (
    Done,
    Error,
    ErrorKind,
    Fallback,
    StopReason,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallEnd,
    ToolResult,
)
from playground.request import (
    ChatRequest,
    ContentPart,
    ImagePart,
    Message,
    TextPart,
    ThinkingLevel,
    ThinkingPart,
    ToolCallPart,
    ToolResultPart,
)
from playground.session.event_channel import EventChannel
from playground.session.metrics import PaneMetrics, PaneStatus
from playground.session.transcript import TextAccumulator, Turn

if TYPE_CHECKING:
    from playground.resolve import ResolvedTarget
    from playground.session.session import Session
    from playground.tools.demo import ToolSet

MAX_TOOL_STEPS = 5
"""Model calls per turn when demo tools run locally (the limit is shown when reached)."""

YIELD_EVERY_S = 0.004
"""A turn's stream that hands over events already waiting (its reader fell behind) gives the
event loop a turn at least this often; a reader that waited for its events already did."""

_pane_ids = itertools.count(1)
_END = object()


def append_user_message(history: list[Message], message: Message) -> None:
    """Append a user turn; an earlier prompt that never got an answer (failed or stopped
    before any output) is replaced, so providers always see alternating turns."""
    if history and history[-1].role == "user":
        history.pop()
    history.append(message)


def drop_last_turn(history: list[Message], turns: list[Turn]) -> None:
    """Forget the last turn and the messages it added to ``history`` (a retry replaces it)."""
    turn = turns.pop()
    if turn.history_start is not None:
        del history[turn.history_start :]


class Pane:
    """One model or route with its own conversation history and metrics.

    Create panes with :meth:`Session.add_pane`. ``send`` streams one turn; every event is
    forwarded unchanged except the final ``Done``, whose metrics fields (ttft_ms,
    tokens_per_s, cost_usd, answered_by) are filled in. ``metrics`` is updated before each
    event is yielded, so a UI can read it while rendering the event.
    """

    def __init__(self, session: Session, target: ResolvedTarget, *, pane_id: str | None = None):
        self.session = session
        self.id = pane_id or f"p{next(_pane_ids)}"
        self.target = target
        self._thinking: ThinkingLevel | None = None
        self.history: list[Message] = []
        self.turns: list[Turn] = []
        self.metrics = PaneMetrics(clock=session.clock)
        self.step_limit_reached = False
        self._producer: asyncio.Task[None] | None = None
        self._last_send: tuple[str, tuple[ImagePart, ...], Any, ThinkingLevel | None] | None = None

    # --- identity -------------------------------------------------------------------------

    @property
    def spec(self) -> str:
        """What the user selected (``provider/model`` or a route name)."""
        return self.target.label

    @property
    def thinking(self) -> ThinkingLevel | None:
        """Per-pane thinking override; None follows the session's level (saved on change)."""
        return self._thinking

    @thinking.setter
    def thinking(self, level: ThinkingLevel | str | None) -> None:
        self._thinking = ThinkingLevel(level) if level else None
        if self in self.session.panes:
            self.session.store.pane(self)

    def restore_thinking(self, level: str | None) -> None:
        """Set the override without saving (used when resuming a session)."""
        self._thinking = ThinkingLevel(level) if level else None

    @property
    def busy(self) -> bool:
        """Whether a turn is streaming."""
        return self._producer is not None and not self._producer.done()

    def effective_thinking(self, level: ThinkingLevel | None = None) -> ThinkingLevel:
        """The level a send would use: explicit > pane override > session level."""
        return level or self.thinking or self.session.thinking

    def thinking_label(self, level: ThinkingLevel | None = None) -> str:
        """The effective thinking setting of the primary model ("budget 8,192 tokens", "n/a")."""
        request = ChatRequest(
            model=self.target.primary.endpoints[0].model,
            messages=[],
            thinking=self.effective_thinking(level),
            max_tokens=self.session.max_tokens,
        )
        return self.session.plan_request(
            request, self.target.primary_model, self.target.protocols[0]
        )[1]

    def set_model(self, spec: str) -> None:
        """Point the pane at another model or route; the conversation is kept.

        Raises :class:`~playground.resolve.ResolveError` for an unusable spec.
        """
        if self.busy:
            raise RuntimeError("stop the running turn before changing the model")
        self.target = self.session.resolver.resolve(spec)
        self.session.store.pane(self)

    def clear(self) -> None:
        """Forget the conversation (keeps the model)."""
        self.history.clear()
        self.turns.clear()
        self.metrics = PaneMetrics(clock=self.session.clock)
        self.session.store.pane(self, cleared=True)

    # --- sending --------------------------------------------------------------------------

    def send(
        self,
        prompt: str,
        *,
        images: Sequence[ImagePart] = (),
        tools: ToolSet | None = None,
        thinking: ThinkingLevel | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """Stream one turn; see the class docstring. Never raises for provider failures:
        they end the stream with an ``Error`` (after the router tried every fallback)."""
        self._last_send = (prompt, tuple(images), tools, thinking)
        return self._send(prompt, tuple(images), tools, self.effective_thinking(thinking))

    @property
    def last_prompt(self) -> str | None:
        """The prompt :meth:`retry` would send again (None before the first send)."""
        return self._last_send[0] if self._last_send else None

    @property
    def last_images(self) -> tuple[ImagePart, ...]:
        """The images :meth:`retry` would send again."""
        return self._last_send[1] if self._last_send else ()

    def retry(self) -> AsyncIterator[StreamEvent]:
        """Send the last prompt again; the new answer replaces the last turn.

        The last turn and the messages it added to the history are dropped first, so the
        model sees the conversation as it was before that prompt, not the prompt twice.
        """
        if self._last_send is None:
            raise RuntimeError("nothing to retry: no prompt was sent in this pane")
        if self.busy:
            raise RuntimeError(f"pane {self.spec} is still streaming")
        prompt, images, tools, thinking = self._last_send
        if self.turns:
            drop_last_turn(self.history, self.turns)
        return self._send(prompt, images, tools, self.effective_thinking(thinking), retry=True)

    def stop(self) -> None:
        """Cancel the running turn; its stream ends with an ``Error(kind=cancelled)``."""
        if self._producer is not None and not self._producer.done():
            self._producer.cancel()

    async def _send(
        self,
        prompt: str,
        images: tuple[ImagePart, ...],
        tools: ToolSet | None,
        level: ThinkingLevel,
        *,
        retry: bool = False,
    ) -> AsyncIterator[StreamEvent]:
        if self.busy:
            raise RuntimeError(f"pane {self.spec} is already streaming")
        channel: EventChannel[Any] = EventChannel()
        store = self.session.store
        turn = Turn(
            prompt=prompt,
            spec=self.spec,
            thinking=str(level),
            images=[i.label for i in images],
            retry=retry,
        )
        self.turns.append(turn)
        store.turn_start(self, turn)
        self.metrics.thinking_label = self.thinking_label(level)
        self.session.warm_up(self.target)  # imports must not count as time to first token
        self.metrics.begin()
        self.step_limit_reached = False
        self._producer = asyncio.create_task(
            self._produce(channel, turn, prompt, images, tools, level), name=f"pane-{self.id}"
        )
        clock = time.perf_counter
        resumed = clock()
        try:
            while True:
                items = channel.take_ready()
                if not items:
                    items = await channel.take()
                    resumed = clock()
                for item in items:
                    if item is _END:
                        return
                    yield item
                    if clock() - resumed > YIELD_EVERY_S:
                        await asyncio.sleep(0)
                        resumed = clock()
        finally:
            if not self._producer.done():
                self._producer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._producer
            store.turn_end(self, turn)

    async def _produce(
        self,
        channel: EventChannel[Any],
        turn: Turn,
        prompt: str,
        images: tuple[ImagePart, ...],
        tools: ToolSet | None,
        level: ThinkingLevel,
    ) -> None:
        emit = self._emitter(channel, turn)
        try:
            with coalesced_reads(self.session.read_interval_s):
                await self._run_turn(emit, turn, prompt, images, tools, level)
        except asyncio.CancelledError:
            self._fail(emit, turn, PaneStatus.CANCELLED, ErrorKind.CANCELLED, "stopped by the user")
        except Exception as exc:  # a bug must not kill the UI: report it as a typed error
            message = f"internal error: {type(exc).__name__}: {exc}"
            self._fail(emit, turn, PaneStatus.FAILED, ErrorKind.UNKNOWN, message)
        finally:
            channel.put(_END)

    def _emitter(self, channel: EventChannel[Any], turn: Turn) -> Callable[..., None]:
        observe = self.metrics.observe
        record = turn.record
        store_event = self.session.store.event
        put = channel.put

        def emit(event: StreamEvent, *, finished: bool = False) -> None:
            if not finished:
                observe(event)
            record(event)
            store_event(self, event)
            put(event)

        return emit

    async def _run_turn(
        self,
        emit: Callable[..., None],
        turn: Turn,
        prompt: str,
        images: tuple[ImagePart, ...],
        tools: ToolSet | None,
        level: ThinkingLevel,
    ) -> None:
        session = self.session
        user = Message.user(prompt, list(images))
        refusal = session.capability_problem(self.target, user, tools)
        if refusal is not None:
            self._finish(turn, PaneStatus.FAILED)
            emit(Error(kind=ErrorKind.BAD_REQUEST, message=refusal), finished=True)
            return
        turn.notes.extend(session.capability_notes(self.target, user, tools))
        append_user_message(self.history, user)
        turn.history_start = len(self.history) - 1
        session.store.message(self, user)
        for step in range(1, MAX_TOOL_STEPS + 1):
            request = ChatRequest(
                model=self.target.primary.endpoints[0].model,
                messages=list(self.history),
                system=session.system,
                tools=list(tools.specs) if tools else [],
                max_tokens=session.max_tokens,
                thinking=level,
            )
            parts, done, error = await self._stream_step(emit, request)
            if parts:
                assistant = Message("assistant", parts)
                self.history.append(assistant)
                session.store.message(self, assistant)
            if error is not None or done is None:
                self._finish(turn, PaneStatus.FAILED)
                failure = error or Error(kind=ErrorKind.PROTOCOL, message="stream ended early")
                self.metrics.observe(failure)  # its message and any rate-limit headroom
                emit(failure, finished=True)
                return
            calls = [p for p in parts if isinstance(p, ToolCallPart)]
            runnable = (
                done.stop_reason == StopReason.TOOL_USE
                and tools is not None
                and calls
                and all(tools.can_execute(c.name) for c in calls)
            )
            if not runnable:
                break
            if step == MAX_TOOL_STEPS:
                self.step_limit_reached = True
                break
            self.metrics.status = PaneStatus.TOOL
            results: list[ContentPart] = []
            for call in calls:
                content, is_error = tools.execute(call.name, call.arguments)  # type: ignore[union-attr]
                results.append(ToolResultPart(call.id, call.name, content, is_error))
                emit(ToolResult(id=call.id, name=call.name, content=content, is_error=is_error))
            tool_message = Message("tool", results)
            self.history.append(tool_message)
            session.store.message(self, tool_message)
            self.metrics.next_step()
            await asyncio.sleep(0)
        turn.stop_reason = str(done.stop_reason)
        self._finish(turn, PaneStatus.DONE)
        emit(
            replace(
                done,
                ttft_ms=self.metrics.ttft_ms,
                tokens_per_s=self.metrics.tokens_per_s,
                cost_usd=self.metrics.cost_usd,
                answered_by=self.metrics.answered_by,
            ),
            finished=True,
        )

    async def _stream_step(
        self, emit: Callable[..., None], request: ChatRequest
    ) -> tuple[list[ContentPart], Done | None, Error | None]:
        """One model call through the router; returns the assistant parts and how it ended."""
        text = TextAccumulator()
        thinking = TextAccumulator()
        signature: str | None = None
        parts: list[ContentPart] = []
        done: Done | None = None
        error: Error | None = None

        def flush_thinking() -> None:
            nonlocal signature
            if thinking or signature:
                parts.append(ThinkingPart(thinking.value, signature))
                thinking.clear()
                signature = None

        def flush_text() -> None:
            if text:
                parts.append(TextPart(text.value))
                text.clear()

        async for event in self.session.stream_target(self.target, request):
            kind = type(event)
            if error is not None:
                # An error after output is final unless the router goes on (cooldown events,
                # then a fallback): the partial answer stays in the transcript, labelled.
                emit(error)
                error = None
            if kind is Fallback:
                # The next candidate starts a fresh answer; the history keeps only that one.
                text.clear()
                thinking.clear()
                parts.clear()
                signature = None
            if kind is TextDelta:
                if thinking or signature:
                    flush_thinking()
                text.append(event.text)  # type: ignore[union-attr]
            elif kind is ThinkingDelta:
                if text:
                    flush_text()
                if event.redacted:  # type: ignore[union-attr]
                    # Opaque encrypted reasoning: one part of its own, replayed verbatim.
                    flush_thinking()
                    parts.append(ThinkingPart(event.text, event.signature, redacted=True))  # type: ignore[union-attr]
                else:
                    thinking.append(event.text)  # type: ignore[union-attr]
                    if event.signature:  # type: ignore[union-attr]
                        signature = event.signature  # type: ignore[union-attr]
            elif kind is ToolCallEnd:
                flush_thinking()
                flush_text()
                parts.append(ToolCallPart(event.id, event.name, event.arguments))  # type: ignore[union-attr]
            elif kind is Done:
                done = event  # type: ignore[assignment]
                continue  # the final Done is emitted with metrics after the tool loop
            elif kind is Error:
                error = event  # type: ignore[assignment]
                continue
            emit(event)
        flush_thinking()
        flush_text()
        if done is not None:
            self.metrics.observe(done)
        return parts, done, error

    def _fail(
        self,
        emit: Callable[..., None],
        turn: Turn,
        status: PaneStatus,
        kind: ErrorKind,
        message: str,
    ) -> None:
        self.metrics.error = message
        self._finish(turn, status)
        emit(Error(kind=kind, message=message), finished=True)

    def _finish(self, turn: Turn, status: PaneStatus) -> None:
        model = self.target.model_for(self.metrics.answered_by or self.metrics.candidate)
        self.metrics.finish(status, model.prices)
        turn.status = str(status)
        turn.metrics = self.metrics.as_dict()
