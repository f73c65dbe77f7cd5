"""A pane: one model or route streaming side by side with the others.

Each pane consumes its session pane's event stream in its own exclusive worker, so a slow
or stalled pane never blocks another. Deltas only touch buffers; drawing happens once per
frame through the app's :class:`~playground.tui.frame_clock.FrameClock`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Offset
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from playground.events import (
    Attempt,
    CircuitHalfOpen,
    CircuitOpen,
    Cooldown,
    Done,
    Error,
    ErrorKind,
    Fallback,
    KeyRotated,
    Retry,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolResult,
)
from playground.tui.formatting import (
    capability_badges,
    format_tokens,
    retry_wait,
    short_reason,
    status_line,
    usage_line,
)
from playground.tui.heap import release_free_heap
from playground.tui.line_compositor import repaint
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.turn_view import ErrorNotice, ModelChange, TurnView

if TYPE_CHECKING:
    from playground.session import Pane
    from playground.session.transcript import Turn

ROUTER_EVENTS = (Attempt, Retry, Fallback, KeyRotated, Cooldown, CircuitOpen, CircuitHalfOpen)
FOOTER_EVERY_S = 0.25
"""While text streams, the metrics footer is redrawn at most this often (and at once when the
status changes): counting tokens 30 times a second costs a repaint per frame for nothing."""


def restored_metrics(saved: dict[str, Any]) -> Any:
    """A turn's saved metrics (from the autosave) as a ``PaneMetrics`` to draw the footer."""
    from dataclasses import fields

    from playground.session import PaneMetrics

    names = {f.name for f in fields(PaneMetrics) if not f.name.startswith("_")} - {"clock"}
    values = {k: v for k, v in saved.items() if k in names}
    metrics = PaneMetrics(**values)
    if isinstance(metrics.status, str):
        from playground.session import PaneStatus

        try:
            metrics.status = PaneStatus(metrics.status)
        except ValueError:
            metrics.status = PaneStatus.IDLE
    return metrics


def saved_router_notice(data: dict[str, Any]) -> tuple[str, str] | None:
    """The one-line notice of a saved retry or fallback event (as shown while streaming)."""
    kind = data.get("type")
    reason = short_reason(str(data.get("reason", "")))
    if kind == "retry":
        wait = retry_wait(float(data.get("delay_s", 0)), str(data.get("source", "")))
        return "⟳", f"{reason} · retry {wait}"
    if kind == "fallback":
        return "↪", f"{reason} · fallback → {data.get('to', '')}"
    return None


class EmptyPaneHint(Static):
    """Shown in a pane until its first prompt."""


class PaneHeader(Static):
    """Model label, capability badges and the effective thinking setting."""


class PaneFooter(Widget):
    """Live metrics: status, TTFT, tokens/s, tokens, cost, who answered.

    Redrawn every frame while streaming, so it has a fixed height and repaints without
    asking for a new layout (a ``Static.update`` would).
    """

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def show(self, text: Text) -> None:
        """Replace the two lines and repaint (in the frame's compositor pass when streaming)."""
        self.text = text
        repaint(self)

    def render(self) -> Text:
        return self.text


class Transcript(VerticalScroll):
    """The scrolling conversation of a pane; follows new text while scrolled to the bottom.

    Following is Textual's *anchor*: the compositor puts the view at the bottom in the same
    layout pass that gives the content its new height, so no append, re-wrap or markdown
    re-render (which may make the content shorter) can leave the view behind. Only a user
    scroll (wheel, keys, scrollbar) releases it; scrolling back to the bottom or End resumes.
    Nothing here infers "the user scrolled up" from ``scroll_y`` going down: the validator
    lowers it too whenever the content shrinks or the viewport grows.
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "stop_or_leave", "stop pane", id="pane_stop"),
    ]

    def on_mount(self) -> None:
        self.anchor()

    @property
    def scroll_offset(self) -> Offset:
        """The offset content is drawn at: never below zero.

        The anchor puts ``scroll_y`` at content height minus viewport height without
        clamping, which is negative while the conversation is shorter than the pane and
        would draw it at the bottom; a short conversation stays at the top.
        """
        offset = super().scroll_offset
        return Offset(offset.x, max(0, offset.y))

    @property
    def follow(self) -> bool:
        """Whether the view keeps the end of the conversation in sight."""
        # Textual keeps "released by the user" private; it is the half of the anchor state
        # that says whether following is on right now.
        return self.is_anchored and not self._anchor_released

    def resume_following(self) -> None:
        """Jump to the end and follow new text again."""
        self.anchor()

    def stop_following(self) -> None:
        """Keep the view where it is while text arrives."""
        self.release_anchor()

    def release_anchor(self) -> None:
        """A scroll began: stop following, unless it ends at the bottom anyway.

        Textual releases the anchor for every scroll request, even one that cannot move
        the view (Down or PageDown at the end); following must only stop when the user
        really leaves the end.
        """
        super().release_anchor()
        self.call_next(self._follow_if_headed_to_end)

    def _follow_if_headed_to_end(self) -> None:
        # The scroll's destination is known once the request that released the anchor ran.
        if not self.follow and self.scroll_target_y >= self.max_scroll_y:
            self.anchor()

    def on_key(self, event: events.Key) -> None:
        """Printable keys are typing: they go to the prompt, never to a pane action."""
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            prompt = self.screen.query_one(PromptInput)
            prompt.focus()
            prompt.insert(event.character)

    def action_stop_or_leave(self) -> None:
        """Escape on a pane stops only that pane (and says so); on an idle pane it goes
        back to the prompt."""
        pane = next((a for a in self.ancestors if isinstance(a, ChatPane)), None)
        if pane is not None and pane.busy:
            pane.stop()
            name = f"Model {pane.blind_name}" if pane.blind_name else pane.pane.spec
            self.notify(f"stopped {name}", severity="warning")
        else:
            self.screen.query_one(PromptInput).focus()


class ChatPane(Vertical):
    """One session pane rendered: header, transcript, live footer.

    The transcript is the pane's one focus stop (it scrolls). Pane actions are on keys that
    cannot be typing — the app's ctrl+r retry, f5 copy, ctrl+o model, f8 close,
    f4 thinking act on the focused pane, and Escape stops it — so a letter typed while a
    pane has focus lands in the prompt instead of closing a pane or clearing anything.
    Tab from outside the grid lands on the selected pane; from there it walks the panes.
    """

    def allow_focus_children(self) -> bool:
        """Only the selected pane is a Tab stop from outside the grid; inside it, every pane is."""
        if self.has_class("-active"):
            return True
        focused = self.screen.focused
        if focused is not None and any(isinstance(a, ChatPane) for a in focused.ancestors):
            return True
        siblings = self.parent.children if self.parent is not None else []
        return not any(node.has_class("-active") for node in siblings)

    class StreamFinished(Message):
        """A turn of this pane ended (done, failed or cancelled)."""

        def __init__(self, pane: ChatPane, status: str) -> None:
            super().__init__()
            self.pane = pane
            self.status = status

    class StreamStarted(Message):
        """A turn of this pane began streaming."""

        def __init__(self, pane: ChatPane) -> None:
            super().__init__()
            self.pane = pane

    class RouterEvent(Message):
        """A router event (attempt, retry, fallback…) for the timeline."""

        def __init__(self, pane: ChatPane, event: StreamEvent, at: float) -> None:
            super().__init__()
            self.pane = pane
            self.event = event
            self.at = at

    def __init__(self, pane: Pane, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(id=f"pane-{pane.id}")
        self.pane = pane
        self.clock = clock
        self.turn_views: list[TurnView] = []
        self._current: TurnView | None = None
        self._shown_spec = pane.spec
        self.blind_name: str | None = None
        """Blind mode: the letter shown instead of anything that names the model."""
        self._redacted_errors: list[tuple[ErrorNotice, str]] = []
        """Blind mode: error lines shown without model names, with their full text."""
        self._footer_at = float("-inf")
        self._footer_status: object = None

    def compose(self) -> ComposeResult:
        yield PaneHeader(self._header_text())
        with Transcript():
            yield EmptyPaneHint(self._empty_hint())
        yield PaneFooter(self._footer_text())

    def _empty_hint(self) -> Text:
        """What this pane is, shown until the first prompt (only its letter while blind)."""
        target = self.pane.target
        text = Text()
        if self.blind_name is not None:
            text.append(f"Model {self.blind_name}\n", style="bold")
            text.append("\nType below; Enter sends to every pane.", style="dim")
            return text
        if target.is_route:
            text.append("fallback chain\n", style="bold")
            for hop, candidate in enumerate(target.chain, start=1):
                text.append(f" {hop}. {candidate.label}\n")
        else:
            model = target.primary_model
            text.append(f"{model.name or model.id}\n", style="bold")
            facts = []
            if model.context_window:
                facts.append(f"{format_tokens(model.context_window)} context")
            if model.prices.input is not None:
                facts.append(f"${model.prices.input:g}/${model.prices.output or 0:g} per M")
            if facts:
                text.append(" · ".join(facts) + "\n")
        text.append("\nType below; Enter sends to every pane.", style="dim")
        return text

    @property
    def transcript(self) -> Transcript:
        """The scrolling conversation."""
        return self.query_one(Transcript)

    @property
    def busy(self) -> bool:
        """Whether a turn is streaming in this pane."""
        return self.pane.busy

    @property
    def last_answer(self) -> str:
        """The answer of the most recent turn."""
        return self.turn_views[-1].answer_text if self.turn_views else ""

    # --- header / footer -------------------------------------------------------------------

    def set_blind_name(self, name: str | None) -> None:
        """Show the pane as ``Model <name>`` (blind mode), or by its model again (None);
        the ``-blind`` class hides the transcript's model-naming notices."""
        self.blind_name = name
        self.set_class(name is not None, "-blind")
        self.query_one(PaneHeader).update(self._header_text())
        for hint in self.query(EmptyPaneHint):
            hint.update(self._empty_hint())
        if name is None:
            for notice, full in self._redacted_errors:
                notice.update(Text(f"✗ {full}"))
            self._redacted_errors.clear()
        self.refresh_footer()

    def _header_text(self) -> Text:
        if self.blind_name is not None:
            return Text(f"Model {self.blind_name}", style="bold", no_wrap=True)
        target = self.pane.target
        model = target.primary_model
        text = Text(target.label, style="bold")
        if target.is_route:
            text.append(f" · {len(target.chain)} hops", style="dim")
        badges = capability_badges(model)
        if badges:
            text.append("  " + badges)
        plan = self._thinking_plan()
        if plan is not None and (model.thinking or plan.clamped):
            text.append(f"  {plan.label}", style="italic")
            if self.pane.thinking is not None:
                text.append(" (pane)", style="dim")
        answered = self.pane.metrics.answered_by
        if answered and target.is_route:
            text.append(f"  ⇒ {answered}", style="bold")
        text.no_wrap = True
        text.overflow = "ellipsis"
        if plan is not None and plan.clamped and plan.reason:
            reason = Text(f"\n⚠ {plan.reason}", style="dim", no_wrap=True, overflow="ellipsis")
            text.append_text(reason)
        return text

    def _thinking_plan(self) -> Any:
        from playground.catalog.thinking import map_thinking

        target = self.pane.target
        try:
            return map_thinking(
                target.primary_model,
                target.protocols[0],
                self.pane.effective_thinking(),
                self.pane.session.max_tokens,
            )
        except Exception:  # a mapping problem must never break drawing
            return None

    def _shown_metrics(self) -> Any:
        """The live metrics, or the last saved turn's after ``--resume``."""
        metrics = self.pane.metrics
        if metrics.started_at is None and self.pane.turns and self.pane.turns[-1].metrics:
            return restored_metrics(self.pane.turns[-1].metrics)
        return metrics

    def _footer_text(self, metrics: Any = None) -> Text:
        from playground.compare.blind import blinded_metrics
        from playground.session import MAX_TOOL_STEPS

        metrics = metrics if metrics is not None else self._shown_metrics()
        if self.blind_name is not None:
            metrics = blinded_metrics(metrics)

        compact = 0 < self.size.width < 36
        line = status_line(metrics, self.clock, steps_limit=MAX_TOOL_STEPS, compact=compact)
        turns = self.pane.turns
        if self.pane.metrics.started_at is None and turns and turns[-1].status == "interrupted":
            line = Text("■ interrupted", style="bold yellow")  # cut off by a crash, not "idle"
        line.append("\n")
        line.append_text(usage_line(metrics, self.pane.target.label))
        return line

    def refresh_header(self) -> None:
        """Redraw the header (model, thinking level or credentials changed).

        A new model after the conversation began is also marked in the transcript.
        """
        self.query_one(PaneHeader).update(self._header_text())
        spec = self.pane.spec
        if spec != self._shown_spec:
            if self.turn_views:
                self.transcript.mount(ModelChange(self._shown_spec, spec))
            self._shown_spec = spec

    def refresh_footer(self) -> None:
        """Redraw the metrics footer."""
        footer = self.query_one(PaneFooter)
        metrics = self._shown_metrics()
        self._footer_at = self.clock()
        self._footer_status = metrics.status
        footer.show(self._footer_text(metrics))
        for name in ("done", "failed", "cancelled", "retrying"):
            footer.set_class(metrics.status == name, f"-{name}")

    # --- frames ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Draw everything that arrived since the last frame (called by the frame clock)."""
        if not self.is_attached:
            return  # closed (or the app quit) while a frame was pending
        if self._current is not None:
            for view in self._current.live_views:
                view.flush()
            if self._current.thinking is not None and not self._current.thinking.body.finished:
                self._current.thinking.refresh_title(streaming=True)
        status = self.pane.metrics.status
        if status != self._footer_status or self.clock() - self._footer_at >= FOOTER_EVERY_S:
            self.refresh_footer()

    def on_mount(self) -> None:
        # The footer's "retry in N s" countdown: ticks only while the pane waits to retry.
        self._countdown = self.set_interval(0.5, self._tick_countdown, pause=True)

    def _tick_countdown(self) -> None:
        if self.pane.metrics.status == "retrying":
            self.refresh_footer()
        else:
            self._countdown.pause()

    def _mark_dirty(self) -> None:
        self.app.frame_clock.mark_dirty(self)  # type: ignore[attr-defined]

    def follow(self, enabled: bool = True) -> None:
        """Turn auto-follow on (jump to the end) or off."""
        if enabled:
            self.transcript.resume_following()
        else:
            self.transcript.stop_following()

    # --- turns -----------------------------------------------------------------------------

    async def show_turns(self, turns: list[Turn]) -> None:
        """Render saved turns (after ``--resume``)."""
        if turns:
            await self.query(EmptyPaneHint).remove()
        previous = None
        for turn in turns:
            if previous is not None and turn.spec != previous:
                await self.transcript.mount(ModelChange(previous, turn.spec))
            previous = turn.spec
            view = TurnView(turn.prompt, turn.images)
            self.turn_views.append(view)
            await self.transcript.mount(view)
            for data in turn.router_events:
                notice = saved_router_notice(data)
                if notice is not None:
                    await view.notice(*notice, "warning")
            if turn.thinking_text:
                section = await view.ensure_thinking()
                section.body.append(turn.thinking_text)
            for call in turn.tool_calls:  # the cards, as they looked while streaming
                card = await view.tool_card(str(call.get("name", "")), str(call.get("id", "")))
                card.set_arguments(call.get("arguments") or {})
            for result in turn.tool_results:
                card = await view.tool_card(str(result.get("name", "")), str(result.get("id", "")))
                card.set_result(str(result.get("content", "")), bool(result.get("is_error")))
            if turn.text:
                answer = await view.ensure_answer()
                answer.append(turn.text)
            view.end_step()
            saved = turn.metrics or {}
            view.show_reported_thinking(
                int(saved.get("reasoning_tokens") or 0), bool(saved.get("reasoning_estimated"))
            )
            if turn.error:
                await view.error(str(turn.error.get("message", "failed")))
            elif turn.status == "interrupted":
                await view.notice("■", "interrupted (restored from the autosave)", "warning")
        if previous is not None and previous != self.pane.spec:
            await self.transcript.mount(ModelChange(previous, self.pane.spec))
        self._shown_spec = self.pane.spec
        self.refresh_footer()
        self.follow()

    def start(
        self,
        stream: AsyncIterator[StreamEvent],
        prompt: str,
        images: list[str],
        *,
        replace_last: bool = False,
    ) -> None:
        """Show ``prompt`` as a new turn and consume ``stream`` in this pane's worker.

        ``replace_last`` (a retry) removes the last turn's widgets first: the new answer
        takes its place instead of repeating the prompt below it.
        """
        if replace_last and self.turn_views:
            self.turn_views.pop().remove()
        view = TurnView(prompt, images)
        self.turn_views.append(view)
        self._current = view
        self.query(EmptyPaneHint).remove()
        self.transcript.mount(view)
        self.transcript.resume_following()
        self.refresh_header()
        self.refresh_footer()
        self._consume(stream, view)

    def stop(self) -> None:
        """Cancel the running turn (the stream ends with a cancelled error)."""
        self.pane.stop()

    async def clear(self) -> None:
        """Forget the conversation and remove its widgets."""
        self.pane.stop()
        self.pane.clear()
        self.turn_views.clear()
        self._current = None
        await self.transcript.remove_children()
        self.refresh_footer()

    @work(exclusive=True, group="stream", exit_on_error=False)
    async def _consume(self, stream: AsyncIterator[StreamEvent], view: TurnView) -> None:
        status = "failed"
        self.post_message(self.StreamStarted(self))
        try:
            async for event in stream:
                kind = type(event)
                if kind is TextDelta:
                    answer = view.answer or await view.ensure_answer()
                    answer.append(event.text)  # type: ignore[union-attr]
                    self._mark_dirty()
                elif kind is ThinkingDelta:
                    section = view.thinking
                    if section is None or section.body.finished:
                        section = await view.ensure_thinking()
                    section.body.append(event.text)  # type: ignore[union-attr]
                    self._mark_dirty()
                else:
                    await self._structural(event, view)
            status = self.pane.metrics.status
        except Exception as exc:  # never a traceback on screen: show it as the turn's error
            await view.error(f"internal error: {type(exc).__name__}: {exc}")
        finally:
            view.end_step()
            metrics = self.pane.metrics
            view.show_reported_thinking(metrics.reasoning_tokens, metrics.reasoning_estimated)
            self.app.frame_clock.flush_now(self)  # type: ignore[attr-defined]
            self.refresh_header()
            release_free_heap()  # what streaming allocated and freed goes back to the OS
            self.post_message(self.StreamFinished(self, status))

    async def _structural(self, event: StreamEvent, view: TurnView) -> None:
        """Handle a non-delta event: flush first so the order on screen matches the stream."""
        self.app.frame_clock.flush_now(self)  # type: ignore[attr-defined]
        if isinstance(event, ToolCallStart):
            await view.tool_card(event.name, event.id)
        elif isinstance(event, ToolCallDelta):
            card = view.tool_cards.get(event.id)
            if card is not None:
                card.set_arguments(card.arguments + event.arguments_fragment)
        elif isinstance(event, ToolCallEnd):
            card = await view.tool_card(event.name, event.id)
            card.set_arguments(
                event.arguments if event.parse_error is None else event.raw_arguments
            )
        elif isinstance(event, ToolResult):
            card = await view.tool_card(event.name, event.id)
            card.set_result(event.content, event.is_error)
        elif isinstance(event, ROUTER_EVENTS):
            self.post_message(self.RouterEvent(self, event, self.clock()))
            await self._router_notice(event, view)
        elif isinstance(event, Error):
            self.post_message(self.RouterEvent(self, event, self.clock()))
            await self._show_error(self._error_text(event), view)
        elif isinstance(event, Done):
            self.post_message(self.RouterEvent(self, event, self.clock()))
            view.end_step()
        self.refresh_footer()

    async def _router_notice(self, event: StreamEvent, view: TurnView) -> None:
        if isinstance(event, Retry):
            self._countdown.resume()
            wait = retry_wait(event.delay_s, event.source)
            await view.notice("⟳", f"{short_reason(event.reason)} · retry {wait}", "warning")
        elif isinstance(event, Fallback):
            await view.discard_partial()
            await view.notice(
                "↪", f"{short_reason(event.reason)} · fallback → {event.to}", "warning"
            )
        elif isinstance(event, KeyRotated):
            await view.notice("⚿", f"key rotated → {event.key}", "warning")
        elif isinstance(event, CircuitOpen):
            await view.notice("⊘", f"breaker open: {event.candidate}", "warning")

    async def _show_error(self, text: str, view: TurnView) -> None:
        """The turn's error line; while blind, without the names of the pane's models (the
        full line comes back when the names do)."""
        if self.blind_name is None:
            await view.error(text)
            return
        from playground.compare.blind import identifying_names, redact

        shown = redact(text, identifying_names(self.pane.target), f"Model {self.blind_name}")
        await view.error(shown)
        if shown != text:
            self._redacted_errors.append((view.query(ErrorNotice).last(), text))

    def _error_text(self, event: Error) -> str:
        if event.kind is ErrorKind.CANCELLED:
            return "stopped"
        status = f"{event.status} " if event.status else ""
        text = f"{status}{event.kind.value.replace('_', ' ')} · {event.message}"
        if event.after_output:
            kept = self.pane.metrics.output_tokens
            # The connection broke or went silent, or the provider itself reported an error
            # (or sent something unreadable) after part of the answer had arrived.
            cut = event.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT)
            text = f"{'stream cut' if cut else 'failed mid-answer'} — kept {kept:,} tokens · {text}"
        return text
