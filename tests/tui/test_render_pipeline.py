"""The pure pieces of the render pipeline: block freezing, frame pacing, fuzzy search, grid."""

from __future__ import annotations

import random

from playground.tui.frame_clock import FrameClock, next_interval
from playground.tui.fuzzy import fuzzy_score, matches_all
from playground.tui.stream_buffer import StreamBuffer, forced_cut, last_block_boundary
from playground.tui.widgets.pane_grid import grid_columns


def test_a_block_ends_at_a_blank_line_outside_code_fences():
    text = "para one\n\n```\ncode\n\nmore code\n```\nafter"
    assert text[: last_block_boundary(text)] == "para one\n\n```\ncode\n\nmore code\n```\n"
    assert last_block_boundary("still typing") == 0
    assert last_block_boundary("```\nopen fence\n\n") == 0


def test_a_very_long_block_is_cut_at_a_line_sentence_or_word_end():
    assert forced_cut("line one\nline two") == len("line one\n")
    assert forced_cut("One. Two three") == len("One. ")
    assert forced_cut("alpha beta gamma") == len("alpha beta ")
    assert forced_cut("nospaces") == 0


def test_stream_buffer_freezes_complete_blocks_and_keeps_all_text():
    buffer = StreamBuffer(freeze_chars=20, max_tail_chars=60)
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


def test_stream_buffer_bounds_the_tail_of_text_without_paragraphs():
    buffer = StreamBuffer(freeze_chars=100, max_tail_chars=200)
    for _ in range(2000):
        buffer.append(" lorem")
        frame = buffer.take_frame()
        assert len(frame.tail) <= 200
    assert buffer.text == " lorem" * 2000


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
    clock = FrameClock(lambda delay, cb: scheduled.append((delay, cb)), timer=lambda: now[0])
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


def test_fuzzy_search_prefers_substrings_and_word_starts():
    assert fuzzy_score("xyz", "openai/gpt-4o") is None
    names = ["openai/gpt-4o-mini", "sim-anthropic/thinker", "anthropic/claude-sonnet"]
    ranked = sorted(names, key=lambda n: -(matches_all(["anth", "think"], n) or -1e9))
    assert ranked[0] == "sim-anthropic/thinker"
    assert fuzzy_score("g4m", "openai/gpt-4o-mini") is not None


def test_panes_wrap_to_a_grid_when_narrow():
    assert grid_columns(3, 200) == 3
    assert grid_columns(4, 80) == 2
    assert grid_columns(6, 80) == 3
    assert grid_columns(1, 40) == 1
    assert grid_columns(5, 40) == 1


def test_random_chunking_never_changes_the_text():
    rng = random.Random(7)
    source = "# Title\n\nSome *markdown* text.\n\n```py\nprint('x')\n\n```\n\n- a\n- b\n" * 40
    buffer = StreamBuffer(freeze_chars=50, max_tail_chars=120)
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
