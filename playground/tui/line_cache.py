"""A styles cache for very tall widgets: it keeps only the lines near what is painted.

Every Textual widget has a styles cache: a rendered strip per line it ever painted and a set
of "dirty" line numbers. Neither is bounded. A streamed answer is one widget as tall as the
answer (~38,000 lines per pane after 250k tokens), and so is its turn; as the view follows the
stream nearly every line is painted once, and every layout marks every line of the whole
height dirty. The strips of lines long scrolled away (~1 KB each with their own caches) and a
dirty mark per line stayed in memory for the app's lifetime.

:class:`BoundedStylesCache` marks only *cached* lines dirty (a line with no cached strip is
rendered when it is painted anyway, so its mark says nothing) and drops cached strips far
from the lines just painted. What is painted does not change: a dropped line is rendered
again if it scrolls back into view.
"""

from __future__ import annotations

from typing import Any

from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.strip import Strip

KEEP_LINES = 256
"""Cached lines kept around the painted ones (several screens, so scrolling back a little
stays cached)."""


class BoundedStylesCache(StylesCache):
    """A styles cache whose memory follows the painted lines, not the widget's height."""

    def set_dirty(self, *regions: Region) -> None:
        """Mark the cached lines under ``regions`` dirty (all of them when none is given)."""
        if not regions:
            self.clear()
            return
        cached = self._cache
        for region in regions:
            top, bottom = region.y, region.bottom
            if region.height <= len(cached):
                self._dirty_lines.update(y for y in region.line_range if y in cached)
            else:
                self._dirty_lines.update(y for y in cached if top <= y < bottom)

    def render(self, *args: Any, **kwargs: Any) -> list[Strip]:
        """Render like Textual, then forget strips far from the lines just rendered."""
        strips = super().render(*args, **kwargs)
        cached = self._cache
        crop: Region | None = kwargs.get("crop")
        if crop is not None and len(cached) > KEEP_LINES:
            low, high = crop.y - KEEP_LINES // 2, crop.bottom + KEEP_LINES // 2
            for y in [y for y in cached if not low <= y < high]:
                del cached[y]
                self._dirty_lines.discard(y)
        return strips
