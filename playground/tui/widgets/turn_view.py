"""One prompt and its streamed answer inside a pane: thinking, text, tool cards, notices."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Collapsible, Static

from playground.tui.line_cache import BoundedStylesCache
from playground.tui.widgets.streaming_text import StreamingText


class UserPrompt(Static):
    """The user's prompt at the top of a turn."""


class Notice(Static):
    """A one-line router notice inside a turn (retry, fallback, cut stream)."""


class ModelChange(Notice):
    """A line between turns: the pane's model was changed."""

    DEFAULT_CSS = """
    ModelChange { margin-bottom: 1; }
    """

    def __init__(self, old: str, new: str) -> None:
        line = Text("⇄ ", style="bold")
        line.append(f"model changed: {old} → {new}")
        super().__init__(line)


class ErrorNotice(Static):
    """The typed failure that ended a turn."""


class ThinkingSection(Collapsible):
    """Reasoning text, collapsed by default; the title counts what streamed."""

    def __init__(self) -> None:
        self.body = StreamingText(markdown=False, classes="thinking-text")
        super().__init__(self.body, title="thinking", collapsed=True)

    def refresh_title(self, streaming: bool, reported: int | None = None) -> None:
        """Show the size of the reasoning: the model's own count when ``reported``, else
        the estimate the footer uses too, marked "~"."""
        if reported is not None:
            self.title = f"thinking · {reported:,} tokens"
            return
        from playground.session.metrics import estimated_tokens  # loaded with the session

        tokens = estimated_tokens(self.body.buffer.received)
        suffix = " …" if streaming else ""
        self.title = f"thinking · ~{tokens:,} tokens{suffix}"


class ToolCard(Static):
    """A compact card for one tool call: name, arguments, and later its result."""

    def __init__(self, name: str, call_id: str) -> None:
        super().__init__("", markup=False)
        self.tool_name = name
        self.call_id = call_id
        self.arguments: str = ""
        self.result: str | None = None
        self.is_error = False
        self.border_title = f"⚒ {name}"

    def on_mount(self) -> None:
        self._redraw()

    def set_arguments(self, arguments: dict[str, Any] | str) -> None:
        """Show the (parsed, or raw while streaming) arguments."""
        if isinstance(arguments, dict):
            self.arguments = json.dumps(arguments, ensure_ascii=False)
        else:
            self.arguments = arguments
        self._redraw()

    def set_result(self, content: str, is_error: bool) -> None:
        """Show the local tool's result."""
        self.result = content
        self.is_error = is_error
        self.set_class(is_error, "-error")
        self._redraw()

    def _redraw(self) -> None:
        text = Text(self.arguments or "…", style="italic")
        if self.result is not None:
            text.append("\n→ ", style="bold")
            text.append(self.result[:400], style="red" if self.is_error else "")
        self.update(text)


class TurnView(Vertical):
    """The widgets of one turn, added in the order things arrive."""

    def __init__(self, prompt: str, images: list[str] | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self._styles_cache = BoundedStylesCache()  # as tall as the answer: bound its caches
        self.images = images or []
        self.thinking: ThinkingSection | None = None
        self.answer: StreamingText | None = None
        self.tool_cards: dict[str, ToolCard] = {}
        self.answers: list[StreamingText] = []
        self.thinking_sections: list[ThinkingSection] = []

    def compose(self) -> ComposeResult:
        text = Text("you  ", style="bold")
        text.append(self.prompt)
        for image in self.images:
            text.append(f"\n  ▣ {image}", style="dim")
        yield UserPrompt(text)

    @property
    def live_views(self) -> list[StreamingText]:
        """Views that may still receive deltas."""
        views = [v for v in (self.answer,) if v is not None and not v.finished]
        if self.thinking is not None and not self.thinking.body.finished:
            views.append(self.thinking.body)
        return views

    @property
    def answer_text(self) -> str:
        """Everything answered in this turn (all steps)."""
        return "".join(view.text for view in self.answers)

    async def ensure_answer(self) -> StreamingText:
        """The answer view for the current step, mounted on first use."""
        if self.thinking is not None and not self.thinking.body.finished:
            self.thinking.body.finish()
            self.thinking.refresh_title(streaming=False)
        if self.answer is None:
            self.answer = StreamingText(classes="answer")
            self.answers.append(self.answer)
            await self.mount(self.answer)
        return self.answer

    async def ensure_thinking(self) -> ThinkingSection:
        """The thinking section for the current step, mounted on first use."""
        if self.thinking is None or self.thinking.body.finished:
            self.thinking = ThinkingSection()
            self.thinking_sections.append(self.thinking)
            await self.mount(self.thinking)
        return self.thinking

    def show_reported_thinking(self, reasoning_tokens: int, estimated: bool) -> None:
        """Title the thinking with the model's own count once its usage reported one.

        Only a turn with one thinking section can take the turn's total as its own; with
        several (a tool loop) each keeps its estimate.
        """
        if not estimated and reasoning_tokens and len(self.thinking_sections) == 1:
            self.thinking_sections[0].refresh_title(streaming=False, reported=reasoning_tokens)

    def end_step(self) -> None:
        """Freeze the current step's views (a tool call or the end of the turn)."""
        for view in self.live_views:
            view.finish()
        if self.thinking is not None:
            self.thinking.refresh_title(streaming=False)
        self.answer = None

    async def discard_partial(self) -> None:
        """The router fell back to another candidate: drop the partial answer."""
        for view in (self.answer, self.thinking):
            if view is not None:
                await view.remove()
        if self.thinking in self.thinking_sections:
            self.thinking_sections.remove(self.thinking)
        if self.answer is not None:
            self.answers.remove(self.answer)
        self.answer = None
        self.thinking = None

    async def tool_card(self, name: str, call_id: str) -> ToolCard:
        """The card of a tool call, mounted on first use."""
        card = self.tool_cards.get(call_id)
        if card is None:
            self.end_step()
            card = ToolCard(name, call_id)
            self.tool_cards[call_id] = card
            await self.mount(card)
        return card

    async def notice(self, icon: str, text: str, variant: str = "") -> None:
        """Add a one-line notice (retry, fallback…)."""
        line = Text(f"{icon} ", style="bold")
        line.append(text)
        await self.mount(Notice(line, classes=variant))

    async def error(self, text: str) -> None:
        """Show the failure that ended the turn."""
        self.end_step()
        await self.mount(ErrorNotice(Text(f"✗ {text}")))
