"""The fallback timeline: every pane's attempts, retries, rotations, fallbacks and breakers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.widgets import RichLog

ROW_STYLE = {
    "✓": "green",
    "⟳": "yellow",
    "↪": "bold magenta",
    "✗": "red",
    "⊘": "red",
    "❄": "cyan",
    "⚿": "cyan",
}


class BreakerStates(Static):
    """One line per candidate with a non-default health (cooldown or breaker not closed)."""


class TimelinePanel(Vertical):
    """A toggleable side panel; rows are appended live as router events arrive."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Text] = []

    def compose(self) -> ComposeResult:
        yield Static("Fallback timeline", classes="panel-title")
        yield BreakerStates("", id="breaker-states")

    def on_mount(self) -> None:
        # The panel starts hidden: its log (and the import of RichLog, which pulls in
        # rich.pretty and attrs) waits until the app's first frame is on screen.
        self.call_after_refresh(self._mount_log)

    def _mount_log(self) -> None:
        from textual.widgets import RichLog

        log = RichLog(wrap=True, markup=False, auto_scroll=True, id="timeline-log")
        self.mount(log, before=self.query_one(BreakerStates))

    @property
    def log_widget(self) -> RichLog:
        """The log of rows (mounted just after the app's first frame)."""
        from textual.widgets import RichLog

        return self.query_one("#timeline-log", RichLog)

    def add(self, pane_label: str, event: object, seconds: float) -> bool:
        """Append a row for ``event``; returns False for events the timeline ignores."""
        from playground.tui.formatting import timeline_row  # not needed for the first frame

        row = timeline_row(event)
        if row is None:
            return False
        icon, body = row
        line = Text(f"{seconds:6.1f}s ", style="dim")
        line.append(f"{pane_label} ", style="bold")
        line.append(f"{icon} ", style=ROW_STYLE.get(icon, "bold"))
        line.append(body)
        self.rows.append(line)
        self._write(line)
        return True

    def _write(self, line: Text) -> bool:
        """Write one row wrapped to the panel's width; False while the panel has no width."""
        log = self.log_widget
        width = log.scrollable_content_region.width
        if not self.display or width <= 10:
            return False  # hidden: rows are written when the panel is shown (redraw)
        log.write(line, width=width)
        return True

    def redraw(self) -> None:
        """Write every row again at the current width (after the panel is shown or resized)."""
        self.log_widget.clear()
        for row in self.rows:
            if not self._write(row):
                break

    def on_resize(self) -> None:
        self.redraw()

    def show_states(self, states: list[tuple[str, str]]) -> None:
        """Show candidate health lines (label, description)."""
        text = Text()
        for label, description in states:
            if text:
                text.append("\n")
            text.append(f"{label} ", style="bold")
            text.append(description)
        widget = self.query_one(BreakerStates)
        widget.update(text)
        widget.display = bool(states)

    def clear(self) -> None:
        """Remove every row."""
        self.rows.clear()
        self.log_widget.clear()
