"""The blind vote: which pane answered best (A, B, C…), a tie, or all bad."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from playground.compare.blind import blind_name
from playground.compare.votes import ALL_BAD, TIE


class VoteDialog(ModalScreen[int | str | None]):
    """A letter picks the winning pane, t a tie, x "all bad"; escape votes nothing.

    Dismisses with the winner's pane index, ``"tie"``, ``"all_bad"`` or None.
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "choose('')", "cancel"),
        Binding("t", f"choose('{TIE}')", "tie"),
        Binding("x", f"choose('{ALL_BAD}')", "all bad"),
    ]

    def __init__(self, panes: int, prompt: str) -> None:
        super().__init__()
        self.panes = panes
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        letters = [blind_name(index) for index in range(self.panes)]
        with Vertical(classes="dialog -small", id="vote-dialog"):
            yield Static("Which answer is best?", classes="dialog-title")
            prompt = Text("prompt  ", style="bold")
            prompt.append(self.prompt)
            prompt.truncate(200, overflow="ellipsis")
            yield Static(prompt)
            keys = Text()
            for letter in letters:
                keys.append(f" {letter.lower()} ", style="bold reverse")
                keys.append(f" {letter} wins   ")
            keys.append(" t ", style="bold reverse")
            keys.append(" tie   ")
            keys.append(" x ", style="bold reverse")
            keys.append(" all bad")
            yield Static(keys, id="vote-keys")
            yield Static(
                "The models are revealed after the vote · escape: no vote",
                classes="dialog-help",
            )

    def on_key(self, event: events.Key) -> None:
        """A pane's letter votes for it."""
        key = event.key
        if len(key) == 1 and "a" <= key <= "z" and key not in ("t", "x"):
            index = ord(key) - ord("a")
            if 0 <= index < self.panes:
                event.stop()
                self.dismiss(index)

    def action_choose(self, choice: str) -> None:
        """Dismiss with a tie, all bad, or (empty) nothing."""
        self.dismiss(choice or None)
