"""Set one pane's thinking level (an override of the global slider)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from playground.request import ThinkingLevel
from playground.tui.widgets.thinking_slider import ThinkingSlider

FOLLOW_GLOBAL = "global"


class PaneThinking(ModalScreen[ThinkingLevel | str | None]):
    """Enter keeps the level for this pane; g follows the global level again."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("enter", "accept", "set for this pane"),
        Binding("g", "follow_global", "follow global"),
    ]

    def __init__(self, spec: str, level: ThinkingLevel) -> None:
        super().__init__()
        self.spec = spec
        self.level = level

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(f"Thinking for {self.spec}", classes="dialog-title")
            yield ThinkingSlider(self.level, label="Level", id="pane-thinking")
            yield Static(
                "←/→ or click · enter set for this pane · g follow global · escape cancel",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one(ThinkingSlider).focus()

    def action_accept(self) -> None:
        """Keep the slider's level as this pane's override."""
        self.dismiss(self.query_one(ThinkingSlider).level)

    def action_follow_global(self) -> None:
        """Drop the override."""
        self.dismiss(FOLLOW_GLOBAL)

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(None)
