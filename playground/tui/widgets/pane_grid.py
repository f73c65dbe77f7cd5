"""Lays out 1–6 panes side by side, wrapping into a grid when the terminal is narrow."""

from __future__ import annotations

import math

from textual import events
from textual.containers import Container

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

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()

    def relayout(self) -> None:
        """Fit the current panes into columns for the current width."""
        count = len(self.children)
        width = self.size.width or self.app.size.width
        columns = grid_columns(count, width)
        self.styles.grid_size_columns = columns
        self.styles.grid_size_rows = max(1, math.ceil(count / columns))
