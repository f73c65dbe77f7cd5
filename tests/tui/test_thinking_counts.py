"""The thinking section, the footer and the model's own usage tell the same count."""

from __future__ import annotations

import pytest

from playground.request import ThinkingLevel
from playground.tui.widgets.chat_pane import PaneFooter
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.turn_view import ThinkingSection

from .conftest import wait_until


async def think(pilot, model: str):
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) == 1 and app.session is not None)
    app.session.thinking = ThinkingLevel.MEDIUM
    prompt = app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text("why is the sky blue?")
    await pilot.press("enter")
    view = app.chat_panes[0]
    await wait_until(pilot, lambda: view.turn_views and not view.busy)
    await pilot.pause()
    return view


@pytest.mark.parametrize(
    ("model", "reported"),
    [("sim/thinker?tps=0&ttft_ms=0", True), ("sim-ollama/thinker?tps=0&ttft_ms=0", False)],
)
async def test_thinking_count_agrees_in_the_section_and_the_footer(make_app, model, reported):
    app = make_app([model])
    async with app.run_test(size=(120, 30)) as pilot:
        view = await think(pilot, model)
        metrics = view.pane.metrics
        assert metrics.reasoning_tokens > 0
        assert metrics.reasoning_estimated is not reported
        count = f"{metrics.reasoning_tokens:,}"
        about = "" if reported else "~"
        section = view.query_one(ThinkingSection)
        assert section.title == f"thinking · {about}{count} tokens"
        footer = str(view.query_one(PaneFooter).text)
        assert f"({about}{count} thinking)" in footer
