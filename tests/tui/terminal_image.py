"""The picture a terminal shows after the updates an app sent it (for tests that check what
reached the terminal, not only what the widgets hold)."""

from __future__ import annotations

from rich.cells import cell_len


class Terminal:
    """The characters a terminal shows after applying every update the app sent it."""

    def __init__(self, width: int, height: int) -> None:
        self.rows = [[" "] * width for _ in range(height)]
        self.updates: list = []  # every update applied, in order

    def write(self, x: int, y: int, text: str, left: int, right: int) -> None:
        row = self.rows[y]
        for char in text:
            if left <= x < right and x < len(row):
                row[x] = char
            x += max(1, cell_len(char))

    def apply(self, update) -> None:
        if update is None:  # nothing was dirty
            return
        self.updates.append(update)
        if hasattr(update, "spans"):  # a partial update: chops on the dirty spans
            for y, x1, x2 in update.spans:
                for x, strip in update.chops[y].items():
                    if strip is not None:
                        self.write(x, y, strip.text, x1, x2)
        else:  # a full update of a region
            region = update.region
            for y, line in enumerate(update.strips, region.y):
                self.write(region.x, y, "".join(s.text for s in line), 0, len(self.rows[y]))

    def text(self, y: int, x1: int, x2: int) -> str:
        return "".join(self.rows[y][x1:x2])


def watch_terminal(app) -> Terminal:
    """Apply every update ``app`` sends its terminal to a :class:`Terminal` (and still send it)."""
    terminal = Terminal(*app.size)
    display = app._display

    def recording(screen, update) -> None:
        terminal.apply(update)
        display(screen, update)

    app._display = recording
    return terminal
