"""Lays out 1–6 panes side by side, wrapping into a grid when the terminal is narrow; one
pane can be shown alone (maximised) over the whole grid."""

from __future__ import annotations

import math

from textual import events
from textual.containers import Container
from textual.widget import Widget

MIN_PANE_WIDTH = 26
"""Below this many columns per pane the grid wraps to another row."""


def grid_columns(panes: int, width: int) -> int:
    """How many columns fit ``panes`` panes in ``width`` cells."""
    if panes <= 0:
        return 1
    fit = max(1, width // MIN_PANE_WIDTH)
    columns = min(panes, fit)
    rows = math.ceil(panes / columns)
    return math.ceil(panes / rows)


class PaneGrid(Container):
    """The grid of panes; recomputes its column count on resize and pane changes."""

    maximised: Widget | None = None
    """The pane shown alone, or None when every pane is shown."""

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()

    def maximise(self, pane: Widget | None) -> None:
        """Show ``pane`` alone over the whole grid, or every pane again (None)."""
        self.maximised = pane
        for child in self.children:
            child.display = pane is None or child is pane
        self.relayout()

    def relayout(self) -> None:
        """Fit the shown panes into columns for the current width."""
        count = 1 if self.maximised is not None else len(self.children)
        width = self.size.width or self.app.size.width
        columns = grid_columns(count, width)
        self.styles.grid_size_columns = columns
        self.styles.grid_size_rows = max(1, math.ceil(count / columns))
