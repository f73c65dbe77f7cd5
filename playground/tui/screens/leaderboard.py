"""The leaderboard: every model's rating from the saved votes (user and judge)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from playground.compare.ratings import Rating, leaderboard
from playground.compare.votes import VoteError, read_votes, votes_path


def leaderboard_table(rows: list[Rating]) -> Table:
    """Rank, model, rating with its 95% interval, wins, losses, ties and votes."""
    table = Table(box=None, padding=(0, 1), header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("model", overflow="fold")
    table.add_column("rating", justify="right")
    table.add_column("95% CI", justify="right", no_wrap=True)
    for header in ("wins", "losses", "ties", "votes"):
        table.add_column(header, justify="right")
    for rank, row in enumerate(rows, 1):
        table.add_row(
            str(rank),
            row.model,
            Text(f"{row.rating:.0f}", style="bold"),
            f"{row.ci_low:.0f}–{row.ci_high:.0f}",
            str(row.wins),
            str(row.losses),
            str(row.ties),
            str(row.votes),
        )
    return table


class LeaderboardScreen(ModalScreen[None]):
    """Reads the votes file when opened; escape closes."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "dismiss_board", "close")]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path or votes_path()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="leaderboard"):
            yield Static("Leaderboard", classes="dialog-title")
            with VerticalScroll():
                yield Static(self._body(), id="leaderboard-table")
            yield Static(
                "Bradley–Terry ratings from every vote (yours and judge models') · escape close",
                classes="dialog-help",
            )

    def _body(self) -> Table | Text:
        try:
            votes, skipped = read_votes(self.path)
        except VoteError as exc:
            return Text(f"cannot read the votes: {exc}", style="bold red")
        if not votes:
            return Text(
                f"no votes yet in {self.path}\n\nVote in blind mode (f11, then f12 after an "
                "answer), or run playground compare --judge MODEL.",
                style="dim",
            )
        body = leaderboard_table(leaderboard(votes))
        if skipped:
            note = Text(f"\n{skipped} unreadable line(s) skipped", style="yellow")
            table = Table.grid()
            table.add_row(body)
            table.add_row(note)
            return table
        return body

    def action_dismiss_board(self) -> None:
        """Close the leaderboard."""
        self.dismiss(None)
