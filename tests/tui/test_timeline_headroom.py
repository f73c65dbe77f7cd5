"""The fallback timeline shows the headroom the answering or refusing response reported."""

from __future__ import annotations

from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.timeline import TimelinePanel

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
REFUSED = "sim/echo?tps=0&ttft_ms=0&fail=429"


async def ask(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


def rows(app, icon: str) -> list[str]:
    return [row.plain for row in app.query_one(TimelinePanel).rows if f" {icon} " in row.plain]


async def test_answered_row_shows_remaining_requests_tokens_and_reset(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await ask(pilot, "hi")
        await wait_until(pilot, lambda: bool(rows(app, "✓")))
        (answered,) = rows(app, "✓")
        assert "left: requests 9,999/10,000 (reset 6 ms)" in answered
        assert "tokens 29,999,000/30,000,000 (reset 2 ms)" in answered
        limits = app.chat_panes[0].pane.metrics.rate_limits
        assert limits is not None and limits.requests_remaining == 9999
        await pilot.press("ctrl+t")
        log = app.query_one("#timeline-log")
        await wait_until(pilot, lambda: "left: requests" in " ".join(x.text for x in log.lines))


async def test_rate_limited_row_shows_the_exhausted_headroom(make_app):
    app = make_app([REFUSED])
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await ask(pilot, "hi")
        await wait_until(pilot, lambda: bool(rows(app, "✗")))
        failed = rows(app, "✗")[-1]
        assert "429 rate_limited" in failed and "left: requests 0/10,000" in failed
        assert app.chat_panes[0].pane.metrics.rate_limits.requests_remaining == 0
