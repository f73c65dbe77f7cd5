"""The pure pieces of the render pipeline: block freezing, frame pacing, grid."""

from __future__ import annotations

import asyncio
import random

from playground.tui.frame_clock import FrameClock, call_later, next_interval
from playground.tui.stream_buffer import StreamBuffer, last_block_boundary
from playground.tui.widgets.pane_grid import grid_columns


def test_a_block_ends_at_a_blank_line_outside_code_fences():
    text = "para one\n\n```\ncode\n\nmore code\n```\nafter"
    assert text[: last_block_boundary(text)] == "para one\n\n```\ncode\n\nmore code\n```\n"
    assert last_block_boundary("still typing") == 0
    assert last_block_boundary("```\nopen fence\n\n") == 0


def test_stream_buffer_freezes_complete_blocks_and_keeps_all_text():
    buffer = StreamBuffer(freeze_chars=20)
    pieces = [f"word{i} " if i % 7 else "\n\n" for i in range(300)]
    frozen = []
    for index, piece in enumerate(pieces):
        buffer.append(piece)
        if index % 5 == 0:
            frame = buffer.take_frame()
            frozen.append(frame.frozen)
            assert len(frame.tail) < 60 + 5 * 8  # the tail stays short
    final = buffer.take_frame(final=True)
    frozen.append(final.frozen)
    assert final.tail == ""
    assert "".join(frozen) == "".join(pieces) == buffer.text


def test_stream_buffer_never_cuts_a_paragraph_however_long():
    """A frozen piece is parsed on its own: cutting a paragraph would show a break."""
    buffer = StreamBuffer(freeze_chars=100)
    for _ in range(2000):
        buffer.append(" lorem.")
        assert buffer.take_frame().frozen == ""
    buffer.append("\n\nnext")
    assert buffer.take_frame().frozen == " lorem." * 2000 + "\n\n"
    assert buffer.text == " lorem." * 2000 + "\n\nnext"


def test_next_interval_backs_off_under_load_and_recovers():
    fast, slow = 1 / 30, 1 / 6
    loaded = next_interval(fast, 0.05, fastest=fast, slowest=slow)
    assert loaded == 0.2 or loaded == slow
    calmer = next_interval(slow, 0.001, fastest=fast, slowest=slow)
    assert fast <= calmer < slow
    assert next_interval(fast, 0.001, fastest=fast, slowest=slow) == fast


class Target:
    def __init__(self) -> None:
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1


def test_frame_clock_coalesces_many_marks_and_repaints_one_pane_per_frame():
    scheduled: list = []
    now = [0.0]
    clock = FrameClock(
        lambda delay, cb: scheduled.append((delay, cb)), timer=lambda: now[0], max_per_frame=1
    )
    a, b = Target(), Target()
    for _ in range(1000):
        clock.mark_dirty(a)
        clock.mark_dirty(b)
    assert len(scheduled) == 1
    scheduled.pop()[1]()
    assert (a.flushes, b.flushes) == (1, 0)  # the oldest first, the other half a frame later
    delay, follow_up = scheduled.pop()
    assert delay < clock.fastest
    follow_up()
    assert (a.flushes, b.flushes) == (1, 1)
    assert not scheduled
    clock.mark_dirty(a)
    clock.flush_now(a)
    assert a.flushes == 2


def test_by_default_the_frame_clock_flushes_up_to_six_panes_in_one_frame():
    scheduled: list = []
    clock = FrameClock(lambda delay, cb: scheduled.append((delay, cb)), timer=lambda: 0.0)
    targets = [Target() for _ in range(7)]
    for target in targets:
        clock.mark_dirty(target)
    scheduled.pop()[1]()
    assert [t.flushes for t in targets] == [1] * 6 + [0]  # the seventh half a frame later
    scheduled.pop()[1]()
    assert [t.flushes for t in targets] == [1] * 7


class Failing:
    def flush(self) -> None:
        raise ValueError("bad frame")


def test_a_frame_that_raises_is_reported_and_the_clock_keeps_drawing():
    scheduled: list = []
    errors: list[Exception] = []
    clock = FrameClock(
        lambda delay, cb: scheduled.append((delay, cb)), timer=lambda: 0.0, on_error=errors.append
    )
    clock.mark_dirty(Failing())
    scheduled.pop()[1]()
    assert [str(e) for e in errors] == ["bad frame"]
    target = Target()
    clock.mark_dirty(target)  # the failed frame did not leave the clock stuck "pending"
    scheduled.pop()[1]()
    assert target.flushes == 1


async def test_the_default_timer_runs_the_frame_on_the_event_loop():
    drawn = asyncio.Event()
    target = Target()
    target.flush = drawn.set  # type: ignore[method-assign]
    clock = FrameClock(call_later, fps=1000.0)
    clock.mark_dirty(target)
    assert not drawn.is_set()  # nothing is drawn before the frame
    await asyncio.wait_for(drawn.wait(), timeout=10)
    assert clock.frames == 1


def test_panes_wrap_to_a_grid_when_narrow():
    assert grid_columns(3, 200) == 3
    assert grid_columns(4, 80) == 2
    assert grid_columns(6, 80) == 3
    assert grid_columns(1, 40) == 1
    assert grid_columns(5, 40) == 1


def test_random_chunking_never_changes_the_text():
    rng = random.Random(7)
    source = "# Title\n\nSome *markdown* text.\n\n```py\nprint('x')\n\n```\n\n- a\n- b\n" * 40
    buffer = StreamBuffer(freeze_chars=50)
    out = []
    position = 0
    while position < len(source):
        step = rng.randint(1, 30)
        buffer.append(source[position : position + step])
        position += step
        if rng.random() < 0.3:
            out.append(buffer.take_frame().frozen)
    out.append(buffer.take_frame(final=True).frozen)
    assert "".join(out) == source


async def test_a_long_paragraph_streams_as_one_paragraph_and_wraps_like_a_single_render():
    from textual.app import App, ComposeResult

    from playground.tui.widgets.streaming_text import StreamingText

    class Two(App[None]):
        def compose(self) -> ComposeResult:
            yield StreamingText(classes="chunked")
            yield StreamingText(classes="whole")

    rng = random.Random(3)
    words = ["lorem", "ipsum", "dolor.", "sit", "amet,", "日本語の", "x" * 45, "consectetur"]
    source = " ".join(rng.choice(words) for _ in range(900))  # ~6,000 chars, no line break
    source = source[:3000] + "\nsoft break " + source[3000:]

    def painted(view: StreamingText) -> list[str]:
        return [view.render_line(y).text.rstrip() for y in range(view.line_count)]

    app = Two()
    async with app.run_test(size=(40, 20)) as pilot:
        chunked = app.query_one(".chunked", StreamingText)
        whole = app.query_one(".whole", StreamingText)
        await pilot.pause()
        position = 0
        while position < len(source):
            step = rng.randint(1, 40)
            chunked.append(source[position : position + step])
            position += step
            chunked.flush()
        whole.append(source)
        whole.flush()
        await pilot.pause()
        assert chunked.buffer.take_frame().frozen == ""  # nothing was cut off the paragraph
        assert painted(chunked) == painted(whole)
        assert len(painted(chunked)) > 150
        chunked.finish()
        await pilot.pause()
        lines = painted(chunked)
        assert "" not in lines[:-1]  # one paragraph: no break inserted anywhere
        assert "".join("".join(lines).split()) == "".join(source.split())  # all text shown


async def test_finishing_a_plain_paragraph_changes_nothing_on_screen():
    """The streamed plain lines are kept at the end; markdown would draw exactly them."""
    from textual.app import App, ComposeResult

    from playground.sim.scripts import lorem_pieces
    from playground.tui.widgets.streaming_text import StreamingText

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield StreamingText()

    def painted(view: StreamingText) -> list[str]:
        return [view.render_line(y).text for y in range(view.line_count)]

    app = One()
    async with app.run_test(size=(50, 20)) as pilot:
        view = app.query_one(StreamingText)
        await pilot.pause()
        pieces = lorem_pieces(1500)  # ~9,000 characters, one paragraph
        for index, piece in enumerate(pieces):
            view.append(piece)
            view.flush()
            if index == 100:
                await pilot.pause()  # laid out (with a scrollbar) while streaming
        await pilot.pause()
        streamed = painted(view)
        assert len(streamed) > 150
        view.finish()
        await pilot.pause()
        assert painted(view) == streamed
        await pilot.resize_terminal(70, 20)  # a resize re-renders the block as markdown
        await pilot.pause()
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert painted(view) == streamed
