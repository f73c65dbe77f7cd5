"""Compare mode in the app: the comparison table, blind mode and its vote, Repeat and the
leaderboard, wired in one place so :mod:`playground.tui.app` keeps only thin actions.

The app owns one :class:`CompareMode` and tells it when a prompt is sent, a stream finishes
or everything is stopped; the figures, ratings and rules live in :mod:`playground.compare`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.tui.blind import BlindMode, refused_while_blind
from playground.tui.repeat import RepeatControl
from playground.tui.widgets.compare_table import ComparisonTable
from playground.tui.widgets.pane_grid import PaneGrid
from playground.tui.widgets.timeline import TimelinePanel

if TYPE_CHECKING:
    from playground.tui.app import PlaygroundApp
    from playground.tui.widgets.chat_pane import ChatPane

COMPARISON_REFRESH_S = 0.5
"""How often the shown comparison table is redrawn while a pane streams."""


class CompareMode:
    """Everything the app does to help decide between the panes' models."""

    def __init__(self, app: PlaygroundApp) -> None:
        self.app = app
        self.blind = BlindMode(app)
        self.repeat = RepeatControl(app)

    def mount(self) -> None:
        """Hide the table and keep it following live streams while it is shown."""
        self.app.query_one(ComparisonTable).display = False
        self.app.set_interval(COMPARISON_REFRESH_S, self._refresh_live_table)

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

    def stream_finished(self, view: ChatPane, status: str) -> None:
        """A pane's stream ended: count it for a repeat and redraw the table."""
        self.repeat.finished(view, status)
        self.refresh_table()

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
        """Panes were added, closed or resized."""
        self.blind.apply()

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
            table.refresh_table(panes, names, self.repeat.run, blind=self.blind.hiding)

    def _refresh_live_table(self) -> None:
        """While a pane streams, its "last turn" row follows the live metrics."""
        if self._shown_table() is not None and any(v.busy for v in self.app.chat_panes):
            self.refresh_table()

    def _shown_table(self) -> ComparisonTable | None:
        """The comparison table when it is shown; None when hidden, or when the main
        screen's widgets are gone (timers and queued callbacks can run while the app
        shuts down)."""
        app = self.app
        if not app.query(PaneGrid):
            return None
        table = app.query(ComparisonTable)
        return table.first(ComparisonTable) if table and table.first().display else None

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
