"""The saved sessions: id, started, panes, turns; Enter reopens one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from playground.session.store import SessionSummary


def started_label(started: str) -> str:
    """``2026-12-04T21:03:11+00:00`` → ``2026-12-04 21:03`` (UTC, as saved)."""
    return started[:16].replace("T", " ") if started else "?"


class SessionList(ModalScreen[Path | None]):
    """Pick a saved session to reopen; dismisses with its file, or None."""

    # Enter is the table's own key (select row -> RowSelected): handled in the table's queue,
    # after any cursor keys typed before it.
    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "cancel", "close")]

    def __init__(self, sessions: list[SessionSummary], current: Path | None = None) -> None:
        super().__init__()
        self.sessions = sessions
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sessions-dialog"):
            yield Static("Sessions", classes="dialog-title")
            yield DataTable(id="session-table", cursor_type="row", zebra_stripes=True)
            yield Static(self._help(), classes="dialog-help", id="sessions-help")

    def _help(self) -> str:
        if not self.sessions:
            return "No saved sessions yet: a session is saved from its first prompt.  escape closes"
        empty = sum(1 for s in self.sessions if not s.turns)
        text = "enter opens · escape closes"
        if empty:
            text += f" · {empty} without turns: `playground sessions --prune` removes them"
        return text

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "started (UTC)", "panes", "turns")
        for summary in self.sessions:
            mark = " ●" if summary.path == self.current else ""
            table.add_row(
                summary.id + mark,
                started_label(summary.started),
                ", ".join(summary.panes) or "—",
                str(summary.turns),
                key=str(summary.path),
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(Path(str(event.row_key.value)))

    def action_cancel(self) -> None:
        """Close without opening anything."""
        self.dismiss(None)
