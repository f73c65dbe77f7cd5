"""A yes/no question before an action that loses a conversation (close pane, clear)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask ``question``; ``y``/Enter on the action button confirms, ``n``/Escape cancels."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape,n", "answer(False)", "cancel"),
        Binding("y", "answer(True)", "confirm"),
    ]

    def __init__(self, question: str, detail: str, action_label: str) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.action_label = action_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small", id="confirm-dialog"):
            yield Static(self.question, classes="dialog-title")
            yield Static(self.detail, classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button(f"{self.action_label} (y)", variant="error", id="confirm")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, confirmed: bool) -> None:
        """Close with the answer."""
        self.dismiss(confirmed)
