"""Synchronised scrolling: where another pane must scroll so the same turn stays in view.

Panes answer the same prompts, so turn *n* of one pane lines up with turn *n* of every
other; their heights differ. A scroll position is read as (turn, fraction of that turn
above the top of the view) and mapped onto the other pane's turn of the same number, so a
pane whose answer to turn 3 is twice as long still shows turn 4's top when the first does.
"""

from __future__ import annotations

from collections.abc import Sequence

Span = tuple[int, int]
"""A turn's top and height, in lines from the top of the pane's scrollable content."""


def turn_position(turns: Sequence[Span], y: float) -> tuple[int, float] | None:
    """The turn at scroll position ``y`` and how far into it (0 = its top, 1 = its end);
    None when there is no turn. Above the first turn reads as its top, in the gap after a
    turn as that turn's end."""
    if not turns:
        return None
    index = 0
    for number, (top, _height) in enumerate(turns):
        if top <= y:
            index = number
    top, height = turns[index]
    fraction = (y - top) / height if height > 0 else 0.0
    return index, min(1.0, max(0.0, fraction))


def aligned_offset(source: Sequence[Span], y: float, target: Sequence[Span]) -> int | None:
    """Where a pane with turns ``target`` scrolls so it shows the same turn, as far in, as a
    pane with turns ``source`` scrolled to ``y``; None when either has no turn. A target
    with fewer turns goes to the end of its last one."""
    position = turn_position(source, y)
    if position is None or not target:
        return None
    index, fraction = position
    if index >= len(target):
        top, height = target[-1]
        return top + height
    top, height = target[index]
    return round(top + fraction * height)
