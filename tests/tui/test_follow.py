"""A pane that follows its stream keeps the end in sight through every append and re-wrap.

Streams are paced like real models (100–300 tokens/s) and the checks read the rendered
screen: the last line of the answer must be the last line the pane shows.
"""

from __future__ import annotations

import pytest

from playground.tui.widgets.prompt_input import PromptInput

from .conftest import wait_until


def screen_rows(app, widget) -> list[str]:
    """The text the terminal shows inside ``widget``'s content region, row by row."""
    strips = app.screen._compositor.render_strips()
    region = widget.content_region
    return [
        strip.crop(region.x, region.right).text.rstrip()
        for strip in strips[region.y : region.bottom]
    ]


def shown_text_rows(app, view) -> list[str]:
    """The non-blank rows a pane's transcript shows, without the scrollbar column."""
    width = view.transcript.scrollable_content_region.width
    rows = (row[:width].rstrip() for row in screen_rows(app, view.transcript))
    return [row for row in rows if row]


def markdown_answer(sections: int) -> str:
    """A model-like answer (headings, paragraphs, lists, code) whose last word is unique."""
    parts = [
        f"## Part {n}\n\nThe paragraph of part {n} explains a point in a few words and then "
        f"a few more, so that it wraps over lines in a narrow pane.\n\n"
        f"- item one of {n}\n- item two of {n}\n\n```python\nprint({n})\n```\n"
        for n in range(1, sections + 1)
    ]
    parts.append("The last word is ZEBRA.")
    return "\n".join(parts)


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


async def stream_to_the_end(pilot, panes: int, prompt: str) -> None:
    """Wait for ``panes`` panes, send ``prompt`` and wait until every pane has finished."""
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) == panes)
    await send(pilot, prompt)
    await wait_until(pilot, lambda: all(v.turn_views and not v.busy for v in app.chat_panes), 20)
    await pilot.pause(0.1)


@pytest.mark.parametrize("tps", [100, 300])
async def test_markdown_streamed_at_a_real_model_rate_ends_with_its_last_word_in_view(
    make_app, tps
):
    # Frozen markdown blocks can draw shorter than their plain-text tail did: that must
    # not read as "the user scrolled up".
    app = make_app([f"sim/echo?tps={tps}&ttft_ms=0"])
    app.animation_level = "full"
    async with app.run_test(size=(100, 30)) as pilot:
        await stream_to_the_end(pilot, 1, markdown_answer(8))
        view = app.chat_panes[0]
        assert view.transcript.max_scroll_y > 0
        assert view.transcript.follow
        assert shown_text_rows(app, view)[-1] == "The last word is ZEBRA."


async def test_plain_text_at_100_tokens_per_second_ends_with_its_last_line_in_view(make_app):
    app = make_app(["sim/lorem?tps=100&ttft_ms=0&tokens=300"])
    async with app.run_test(size=(80, 24)) as pilot:
        await stream_to_the_end(pilot, 1, "go")
        view = app.chat_panes[0]
        answer = view.turn_views[-1].answers[-1]
        last_line = answer.render_line(answer.size.height - 1).text.rstrip()
        assert view.transcript.max_scroll_y > 0
        assert shown_text_rows(app, view)[-1] == last_line


async def test_four_panes_streaming_at_once_each_end_with_their_last_word_in_view(make_app):
    models = [f"sim/echo?tps=300&ttft_ms=0&pane={n}" for n in range(4)]
    app = make_app(models)
    async with app.run_test(size=(120, 40)) as pilot:
        await stream_to_the_end(pilot, 4, markdown_answer(6))
        for view in app.chat_panes:
            assert view.transcript.max_scroll_y > 0
            assert shown_text_rows(app, view)[-1].endswith("ZEBRA.")


async def test_scrolling_up_stops_following_and_end_resumes_it(make_app):
    app = make_app(["sim/echo?tps=150&ttft_ms=0"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, markdown_answer(20))
        view = app.chat_panes[0]
        transcript = view.transcript
        await wait_until(pilot, lambda: transcript.max_scroll_y > 10)
        assert transcript.follow
        transcript.focus()
        await pilot.press("pageup")
        await wait_until(pilot, lambda: not transcript.follow)
        held = transcript.scroll_y
        await wait_until(pilot, lambda: transcript.max_scroll_y > held + 5)
        assert transcript.scroll_y == held  # new text does not pull the view down
        assert view.busy
        await pilot.press("end")
        await wait_until(pilot, lambda: transcript.follow)
        await wait_until(pilot, lambda: not view.busy, 20)
        await pilot.pause(0.1)
        assert shown_text_rows(app, view)[-1] == "The last word is ZEBRA."


async def test_a_short_conversation_stays_at_the_top_of_its_pane(make_app):
    app = make_app(["sim/echo?tps=0&ttft_ms=0"])
    async with app.run_test(size=(80, 24)) as pilot:
        await stream_to_the_end(pilot, 1, "hello")
        rows = screen_rows(app, app.chat_panes[0].transcript)
        assert "you  hello" in rows[0] + rows[1]


async def test_scroll_keys_that_cannot_leave_the_end_keep_following(make_app):
    app = make_app(["sim/lorem?tps=150&ttft_ms=1000&tokens=400"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "go")
        view = app.chat_panes[0]
        transcript = view.transcript
        transcript.focus()
        await pilot.press("up", "home")  # nothing to scroll yet: not a scroll-up
        await pilot.pause()
        assert transcript.max_scroll_y == 0 and transcript.follow
        await wait_until(pilot, lambda: transcript.max_scroll_y > 5)
        await pilot.press("pagedown", "down")  # already at the end
        await pilot.pause()
        assert transcript.follow
        await wait_until(pilot, lambda: not view.busy, 20)
        await pilot.pause(0.1)
        answer = view.turn_views[-1].answers[-1]
        last_line = answer.render_line(answer.size.height - 1).text.rstrip()
        assert shown_text_rows(app, view)[-1] == last_line
