"""A small modal asking for a file path (image to attach, tools file)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from playground.tui.widgets.ordered_keys import TextField


class PathPrompt(ModalScreen[str | None]):
    """Ask for a path; Enter accepts, Escape cancels."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, placeholder: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(self.title_text, classes="dialog-title")
            yield TextField(self.value, placeholder=self.placeholder, id="path")
            yield Static("enter to accept · escape to cancel", classes="dialog-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without a path."""
        self.dismiss(None)
