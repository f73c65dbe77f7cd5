"""Compare mode in the app: the comparison table, blind mode and its vote, Repeat and the
leaderboard, wired in one place so :mod:`playground.tui.app` keeps only thin actions.

The app owns one :class:`CompareMode` and tells it when a prompt is sent, a stream finishes
or everything is stopped; the figures, ratings and rules live in :mod:`playground.compare`.
"""

from __future__ import annotations

import weakref
from functools import partial
from typing import TYPE_CHECKING

from playground.compare.stream_rate import RateTrace
from playground.compare.turn_alignment import Span, aligned_offset
from playground.tui.blind import BlindMode, refused_while_blind
from playground.tui.repeat import RepeatControl
from playground.tui.widgets.compare_table import ComparisonTable
from playground.tui.widgets.pane_grid import PaneGrid
from playground.tui.widgets.timeline import TimelinePanel

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import Widget

    from playground.tui.app import PlaygroundApp
    from playground.tui.widgets.chat_pane import ChatPane, Transcript
    from playground.tui.widgets.turn_view import ThinkingSection

COMPARISON_REFRESH_S = 0.5
"""How often the shown comparison table is redrawn while a pane streams."""


class CompareMode:
    """Everything the app does to help decide between the panes' models."""

    def __init__(self, app: PlaygroundApp) -> None:
        self.app = app
        self.blind = BlindMode(app)
        self.repeat = RepeatControl(app)
        self.traces: dict[str, RateTrace] = {}
        """Each pane's tokens/s over its last stream (pane id → trace)."""
        self.synced = False
        """Whether scrolling one pane scrolls the others to the same turn."""
        self._watched: weakref.WeakSet[Transcript] = weakref.WeakSet()
        self._aligning = False
        self._focus_before: Widget | None = None
        self._opened_thinking: list[ThinkingSection] = []
        self._ticker: Timer | None = None
        self._ticking = False

    def mount(self) -> None:
        """Keep the (hidden at start) table following live streams while it is shown.

        The timer runs only while a pane streams: it starts paused, a stream start resumes
        it and a tick that finds no pane streaming pauses it again.
        """
        self._ticker = self.app.set_interval(COMPARISON_REFRESH_S, self._tick, pause=True)

    @property
    def ticking(self) -> bool:
        """Whether the table's live-refresh timer is running (only while panes stream)."""
        return self._ticking

    # --- names ---------------------------------------------------------------------------

    def pane_names(self) -> list[str]:
        """How each pane is named on screen, in display order (letters in blind mode)."""
        return self.blind.names() or [view.pane.spec for view in self.app.chat_panes]

    def pane_name(self, view: ChatPane) -> str:
        """How ``view`` is named on screen (``Model B`` while blind)."""
        return f"Model {view.blind_name}" if view.blind_name else view.pane.spec

    def failure_notice(self, view: ChatPane, message: str) -> tuple[str, str]:
        """The title and text of the toast for ``view``'s failed turn (no model names while
        blind)."""
        if not view.blind_name:
            return view.pane.spec, message
        from playground.compare.blind import identifying_names, redact

        name = self.pane_name(view)
        return name, redact(message, identifying_names(view.pane.target), name)

    # --- what the app tells us -----------------------------------------------------------

    def refuses_prompt(self) -> bool:
        """Whether a prompt must wait (a repeat is running); says why when it must."""
        if self.repeat.running:
            self.app.notify("a repeat is running — press escape to stop it", severity="warning")
            return True
        return False

    def prompt_sent(self) -> None:
        """A new round began."""
        self.blind.prompt_sent()

    def stream_started(self, view: ChatPane) -> None:
        """A pane began a stream: a new tokens/s trace."""
        self.traces[view.pane.id] = RateTrace()
        self._sample(view)
        if self._ticker is not None and not self._ticking:
            self._ticking = True
            self._ticker.resume()

    def stream_finished(self, view: ChatPane, status: str) -> None:
        """A pane's stream ended: count it for a repeat and redraw the table."""
        self._sample(view)
        self.repeat.finished(view, status)
        self.refresh_table()

    def _sample(self, view: ChatPane) -> None:
        trace = self.traces.get(view.pane.id)
        if trace is not None:
            trace.add(self.app.clock(), view.pane.metrics.output_tokens)

    def stopped_all(self) -> None:
        """The user stopped every stream: no further repeat runs."""
        self.repeat.stop()

    def refuses_while_blind(self, what: str) -> bool:
        """Whether ``what`` (the timeline, the sessions list) must stay closed because it
        names the models and blind mode hides them; says why when it must."""
        if self.blind.hiding:
            self.app.notify(refused_while_blind(what), severity="warning")
            return True
        return False

    def layout_changed(self) -> None:
        """Panes were added or closed."""
        self.blind.apply()
        if self.synced:
            self._watch_transcripts()
        grid = self.app.grid
        if grid.maximised is not None:
            if grid.maximised in self.app.chat_panes:
                grid.maximise(grid.maximised)  # a new pane stays hidden behind it
            else:
                self._restore_panes()

    def active_changed(self) -> None:
        """Another pane became the active one: a maximised view shows it instead."""
        view = self.app.active_pane
        if self.app.grid.maximised is not None and view is not None:
            self._close_thinking()
            self._show_alone(view)

    # --- comparison table ----------------------------------------------------------------

    def toggle_table(self) -> None:
        """Show or hide the comparison table."""
        table = self.app.query_one(ComparisonTable)
        table.display = not table.display
        self.refresh_table()

    def show_table(self) -> None:
        """Open the comparison table (a repeat shows its progress there)."""
        self.app.query_one(ComparisonTable).display = True
        self.refresh_table()

    def refresh_table(self) -> None:
        """Redraw the comparison table when it is shown."""
        table = self._shown_table()
        if table is not None:
            panes = [view.pane for view in self.app.chat_panes]
            names = self.pane_names()
            rates = {pane_id: trace.rates() for pane_id, trace in self.traces.items()}
            table.refresh_table(
                panes, names, self.repeat.run, blind=self.blind.hiding, stream_rates=rates
            )

    def _tick(self) -> None:
        """While panes stream: sample their token counts, and let the shown table's "last
        turn" rows follow the live metrics. Pauses the timer once no pane streams."""
        if not self._main_screen_up():
            return
        busy = [view for view in self.app.chat_panes if view.busy]
        if not busy and self._ticker is not None:
            self._ticking = False
            self._ticker.pause()
        for view in busy:
            self._sample(view)
        if busy:
            self.refresh_table()  # a no-op while the table is hidden

    def _main_screen_up(self) -> bool:
        """Whether the main screen and its pane grid exist (timers and queued callbacks can
        run while the app shuts down)."""
        stack = self.app.screen_stack
        return bool(stack) and bool(stack[0].query(PaneGrid))

    def _shown_table(self) -> ComparisonTable | None:
        """The comparison table when it is shown; None when hidden or gone."""
        if not self._main_screen_up():
            return None
        table = self.app.screen_stack[0].query_one(ComparisonTable)
        return table if table.display else None

    # --- reading side by side -----------------------------------------------------------

    def toggle_sync(self) -> None:
        """Scroll the panes together (turn by turn), or each on its own again."""
        self.synced = not self.synced
        if self.synced:
            self._watch_transcripts()
            self.app.notify("panes scroll together: the same turn stays in view", title="sync")
        else:
            self.app.notify("panes scroll on their own", title="sync")

    def _watch_transcripts(self) -> None:
        for view in self.app.chat_panes:
            transcript = view.transcript
            if transcript not in self._watched:
                self._watched.add(transcript)
                # One parameter: Textual passes (old, new) to a callback that takes two.
                self.app.watch(transcript, "scroll_y", partial(self._scrolled, view), init=False)

    @staticmethod
    def _spans(view: ChatPane) -> list[Span]:
        return [(t.virtual_region.y, t.virtual_region.height) for t in view.turn_views]

    def _scrolled(self, view: ChatPane, y: float) -> None:
        """``view`` scrolled to ``y``: move the others to the same turn, as far in."""
        if not self.synced or self._aligning or view not in self.app.chat_panes:
            return
        if view.busy and view.transcript.follow:
            return  # a stream growing, not the user scrolling
        source = self._spans(view)
        self._aligning = True
        try:
            for other in self.app.chat_panes:
                if other is view:
                    continue
                target = aligned_offset(source, max(0.0, y), self._spans(other))
                if target is not None:
                    other.transcript.scroll_to(y=target, animate=False, immediate=True)
        finally:
            self._aligning = False

    def toggle_maximise(self) -> None:
        """Show the active pane alone over the whole grid, or every pane again."""
        app = self.app
        if app.grid.maximised is not None:
            self._restore_panes()
            return
        view = app.active_pane
        if view is None:
            app.notify("no pane to maximise", severity="warning")
            return
        self._focus_before = app.focused
        self._show_alone(view)

    def _show_alone(self, view: ChatPane) -> None:
        from playground.tui.widgets.turn_view import ThinkingSection

        self.app.grid.maximise(view)
        view.add_class("-maximised")
        for section in view.query(ThinkingSection):  # full width: read the thinking too
            if section.collapsed:
                section.collapsed = False
                self._opened_thinking.append(section)

    def _close_thinking(self) -> None:
        for section in self._opened_thinking:
            if section.is_mounted:
                section.collapsed = True
        self._opened_thinking.clear()
        for view in self.app.chat_panes:
            view.remove_class("-maximised")

    def _restore_panes(self) -> None:
        """Every pane shown again, thinking folded as it was, focus where it was."""
        self._close_thinking()
        self.app.grid.maximise(None)
        focus, self._focus_before = self._focus_before, None
        if focus is not None and focus.is_mounted:
            focus.focus()

    def diff(self) -> None:
        """A word diff of the active pane's last answer and the next pane's."""
        from playground.tui.screens.answer_diff import AnswerDiff

        app = self.app
        views = app.chat_panes
        answers = [view.last_answer for view in views]
        if sum(1 for answer in answers if answer) < 2:
            app.notify("a diff needs two panes with an answer: send a prompt", severity="warning")
            return
        first = views.index(app.active_pane) if app.active_pane in views else 0
        app.push_screen(AnswerDiff(self.pane_names(), answers, first))

    # --- blind mode, vote, leaderboard, repeat -------------------------------------------

    def toggle_blind(self) -> None:
        """Blind mode on (panes as Model A, B…, shuffled) or off (names shown)."""
        self.blind.toggle()

    def close_timeline(self) -> None:
        """Hide the fallback timeline (blind mode: it names the models)."""
        panel = self.app.query_one(TimelinePanel)
        if panel.display:
            panel.display = False

    def vote(self) -> None:
        """Vote on the panes' last answers in blind mode; the names are then revealed."""
        self.blind.vote()

    def leaderboard(self) -> None:
        """Show every model's rating from the saved votes."""
        from playground.tui.screens.leaderboard import LeaderboardScreen

        self.app.push_screen(LeaderboardScreen())

    def ask_repeat(self) -> None:
        """Run every pane's last prompt N times; p50/p95 TTFT and tokens/s in the table."""
        self.repeat.ask()
