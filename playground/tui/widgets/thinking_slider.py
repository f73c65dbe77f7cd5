"""A slider over the thinking levels off → xhigh (keyboard and mouse)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from playground.request import ThinkingLevel

LEVELS = ThinkingLevel.ordered()
SEPARATOR = " ─ "


class ThinkingSlider(Widget, can_focus=True):
    """Pick a thinking level: ←/→ (or h/l) step, Home/End jump, click a level to pick it."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("left,h", "step(-1)", "less thinking", show=False),
        Binding("right,l", "step(1)", "more thinking", show=False),
        Binding("home", "jump(0)", "thinking off", show=False),
        Binding("end", "jump(5)", "thinking xhigh", show=False),
    ]

    DEFAULT_CSS = """
    ThinkingSlider { height: 1; width: auto; }
    """

    index: reactive[int] = reactive(0)

    class Changed(Message):
        """The level changed."""

        def __init__(self, slider: ThinkingSlider, level: ThinkingLevel) -> None:
            super().__init__()
            self.slider = slider
            self.level = level

        @property
        def control(self) -> ThinkingSlider:
            """The slider that changed."""
            return self.slider

    def __init__(
        self,
        level: ThinkingLevel = ThinkingLevel.OFF,
        *,
        label: str = "Thinking",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.set_reactive(ThinkingSlider.index, LEVELS.index(level))

    @property
    def level(self) -> ThinkingLevel:
        """The selected level."""
        return LEVELS[self.index]

    @level.setter
    def level(self, value: ThinkingLevel) -> None:
        self.index = LEVELS.index(ThinkingLevel(value))

    def validate_index(self, value: int) -> int:
        return max(0, min(len(LEVELS) - 1, value))

    def watch_index(self, old: int, new: int) -> None:
        if old != new:
            self.post_message(self.Changed(self, self.level))

    def action_step(self, delta: int) -> None:
        """Move one level down or up."""
        self.index += delta

    def action_jump(self, index: int) -> None:
        """Jump to a level."""
        self.index = index

    def _spans(self) -> list[tuple[int, int]]:
        """Column span of each level's label in the rendered line."""
        spans = []
        x = len(self.label) + 2
        for i, level in enumerate(LEVELS):
            width = len(level.value) + 2
            spans.append((x, x + width))
            x += width + (len(SEPARATOR) if i < len(LEVELS) - 1 else 0)
        return spans

    def render(self) -> Text:
        focused = self.has_focus
        text = Text(f"{self.label}  ", style="bold" if focused else "")
        for i, level in enumerate(LEVELS):
            if i == self.index:
                style = "bold reverse" if focused else "bold underline"
                text.append(f"[{level.value}]", style=style)
            else:
                style = "" if i < self.index else "dim"
                text.append(f" {level.value} ", style=style)
            if i < len(LEVELS) - 1:
                text.append(SEPARATOR, style="bold" if i < self.index else "dim")
        return text

    def get_content_width(self, container, viewport) -> int:  # type: ignore[no-untyped-def]
        return self._spans()[-1][1]

    def on_click(self, event: events.Click) -> None:
        for i, (start, end) in enumerate(self._spans()):
            if start - 1 <= event.x < end + 1:
                self.index = i
                break
        self.focus()

    def on_mouse_scroll_up(self) -> None:
        self.index += 1

    def on_mouse_scroll_down(self) -> None:
        self.index -= 1
