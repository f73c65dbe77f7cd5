"""A word-level diff of two panes' last answers, readable without colour: text only in the
first answer is ``[-struck-]``, text only in the second ``{+underlined+}``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from playground.compare.word_diff import (
    DELETE_MARKS,
    INSERT_MARKS,
    DiffPiece,
    word_counts,
    word_diff,
)

DELETE_STYLE = "red strike"
INSERT_STYLE = "green underline"


def diff_text(pieces: Sequence[DiffPiece]) -> Text:
    """The diff with markers around every change and a style on top of them."""
    text = Text()
    for piece in pieces:
        if piece.kind == "delete":
            text.append(DELETE_MARKS[0] + piece.text + DELETE_MARKS[1], style=DELETE_STYLE)
        elif piece.kind == "insert":
            text.append(INSERT_MARKS[0] + piece.text + INSERT_MARKS[1], style=INSERT_STYLE)
        else:
            text.append(piece.text)
    return text


def legend(first: str, second: str, pieces: Sequence[DiffPiece]) -> Text:
    """What the markers mean (a line per pane), with how many words each has alone."""
    counts = word_counts(pieces)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{DELETE_MARKS[0]}…{DELETE_MARKS[1]}", style=DELETE_STYLE)
    text.append(f" {counts['delete']:,} words only in {first}\n")
    text.append(f"{INSERT_MARKS[0]}…{INSERT_MARKS[1]}", style=INSERT_STYLE)
    text.append(f" {counts['insert']:,} words only in {second}\n")
    text.append(f"{counts['same']:,} words in both", style="dim")
    return text


class AnswerDiff(ModalScreen[None]):
    """Two panes' last answers as one word diff; ←/→ compare the first with another pane."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "close", "close"),
        Binding("left", "other(-1)", "previous pane"),
        Binding("right", "other(1)", "next pane"),
    ]

    def __init__(self, names: Sequence[str], answers: Sequence[str], first: int = 0) -> None:
        super().__init__()
        self.names = list(names)
        self.answers = list(answers)
        self.first = first
        self.second = (first + 1) % len(self.names)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="answer-diff"):
            yield Static("Word diff of the last answers", classes="dialog-title")
            yield Static("", id="diff-legend")
            with VerticalScroll(id="diff-scroll"):
                yield Static("", id="diff-body")
            yield Static("←/→ compare with another pane · escape close", classes="dialog-help")

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        first, second = self.names[self.first], self.names[self.second]
        pieces = word_diff(self.answers[self.first], self.answers[self.second])
        self.query_one("#diff-legend", Static).update(legend(first, second, pieces))
        self.query_one("#diff-body", Static).update(diff_text(pieces))

    def action_other(self, delta: int) -> None:
        """Compare the first pane with the previous / next other pane."""
        count = len(self.names)
        if count < 3:
            return
        second = self.second
        while True:
            second = (second + delta) % count
            if second != self.first:
                break
        self.second = second
        self._show()

    def action_close(self) -> None:
        """Close the diff."""
        self.dismiss(None)
