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
from playground.compare.votes import Vote, VoteError, read_votes, votes_path, with_tag


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
    """Reads the votes file when opened; ←/→ filter by prompt tag (when votes carry tags,
    as ``compare --judge`` votes do); escape closes."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "dismiss_board", "close"),
        Binding("left", "tag(-1)", "previous tag", show=False),
        Binding("right", "tag(1)", "next tag", show=False),
    ]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path or votes_path()
        self.tag: str | None = None
        """The prompt tag the board is filtered by (None: every vote)."""
        self.votes: list[Vote] = []
        self.skipped = 0
        self.error: str | None = None
        try:
            self.votes, self.skipped = read_votes(self.path)
        except VoteError as exc:
            self.error = str(exc)
        self.tags = sorted({tag for vote in self.votes for tag in vote.tags})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="leaderboard"):
            yield Static("Leaderboard", classes="dialog-title")
            yield Static(self._filter_line(), id="leaderboard-filter")
            with VerticalScroll():
                yield Static(self._body(), id="leaderboard-table")
            yield Static(
                "Bradley–Terry ratings from every vote (yours and judge models') · escape close",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one("#leaderboard-filter").display = bool(self.tags)

    def _filter_line(self) -> Text:
        """``tag  [all]  geo  format   ←/→ filter`` with the chosen one marked."""
        text = Text("tag ", style="bold")
        for option in (None, *self.tags):
            label = option or "all"
            if option == self.tag:
                text.append(f" [{label}] ", style="bold reverse")
            else:
                text.append(f"  {label}  ")
        text.append("   ←/→ filter", style="dim")
        return text

    def _body(self) -> Table | Text:
        if self.error is not None:
            return Text(f"cannot read the votes: {self.error}", style="bold red")
        votes = with_tag(self.votes, self.tag)
        if not votes:
            where = f" tagged {self.tag!r}" if self.tag else ""
            return Text(
                f"no votes{where} yet in {self.path}\n\nVote in blind mode (f11, then f12 after "
                "an answer), or run playground compare --judge MODEL.",
                style="dim",
            )
        body = leaderboard_table(leaderboard(votes))
        if self.skipped:
            note = Text(f"\n{self.skipped} unreadable line(s) skipped", style="yellow")
            table = Table.grid()
            table.add_row(body)
            table.add_row(note)
            return table
        return body

    def action_tag(self, delta: int) -> None:
        """Filter by the previous / next prompt tag (or every vote)."""
        if not self.tags:
            return
        options: list[str | None] = [None, *self.tags]
        self.tag = options[(options.index(self.tag) + delta) % len(options)]
        self.query_one("#leaderboard-filter", Static).update(self._filter_line())
        self.query_one("#leaderboard-table", Static).update(self._body())

    def action_dismiss_board(self) -> None:
        """Close the leaderboard."""
        self.dismiss(None)
