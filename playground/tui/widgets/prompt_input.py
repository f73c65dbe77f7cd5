"""The shared multi-line prompt: Enter sends to every pane, Ctrl+J / Shift+Enter is a newline."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from playground.tui.widgets.ordered_keys import KeysInOrder

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class PromptInput(KeysInOrder, TextArea):
    """A multi-line input whose Enter submits; history with Ctrl+Up / Ctrl+Down."""

    class Submitted(Message):
        """The user pressed Enter."""

        def __init__(self, prompt: PromptInput, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.sent_prompts: list[str] = []
        self._history_index = 0

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.text.strip()
            if text:
                self.sent_prompts.append(text)
                self._history_index = len(self.sent_prompts)
                self.post_message(self.Submitted(self, text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        if event.key in ("ctrl+up", "ctrl+down") and self.sent_prompts:
            event.stop()
            event.prevent_default()
            step = -1 if event.key == "ctrl+up" else 1
            self._history_index = max(0, min(len(self.sent_prompts), self._history_index + step))
            recalled = (
                self.sent_prompts[self._history_index]
                if self._history_index < len(self.sent_prompts)
                else ""
            )
            self.load_text(recalled)
            self.move_cursor(self.document.end)
            return
        await super()._on_key(event)
