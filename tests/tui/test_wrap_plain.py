"""The frame's plain-text wrap gives exactly the compact lines Rich renders for the same text
and width (and the offsets ``wrapped_line_starts`` finds), or declines and leaves it to Rich."""

from __future__ import annotations

import random

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text

from playground.tui.widgets.streaming_text import compact_line, wrap_plain, wrapped_line_starts

STYLE = Style(color="white", bgcolor="black")
PIECES = [
    "a", "bb", "word", "longerwordhere", " ", "  ", "   ", "\n", "\n\n", "   \n", "é", "中文",
    "ｗｉｄｅ", "😀", "x" * 30, ".", "-", "—", "\u00a0", "e\u0301",
]  # fmt: skip


def rich_lines(text: str, width: int) -> list:
    console = Console(width=200, color_system="truecolor")
    options = console.options.update_width(width)
    lines = console.render_lines(Text(text), options, style=STYLE, pad=True)
    return [compact_line(line, STYLE, width) for line in lines]


def test_random_texts_wrap_as_rich_wraps_them():
    chance = random.Random(18)
    checked = 0
    for _ in range(3000):
        text = "".join(chance.choice(PIECES) for _ in range(chance.randint(1, 40)))
        width = chance.randint(1, 40)
        wrapped = wrap_plain(text, width)
        if wrapped is None:
            continue
        starts, lines = wrapped
        assert lines == rich_lines(text, width), (text, width)
        assert starts == wrapped_line_starts(text, width)
        checked += 1
    assert checked > 2500  # the fast path is the common one


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("a\ttab", 10),  # Rich expands tabs
        ("carriage\rreturn", 10),  # and strips control codes
        ("escape \x1b[31m red", 10),
        ("\u200d\u200d😀longerword", 4),  # joiners Rich measures by grapheme
    ],
)
def test_text_rich_would_change_is_left_to_rich(text, width):
    assert wrap_plain(text, width) is None


def test_a_line_ending_in_spaces_past_the_width_drops_them_as_rich_does():
    starts, lines = wrap_plain("abcd      efgh", 6)
    assert lines == rich_lines("abcd      efgh", 6) == ["abcd  ", "efgh"]
    assert starts == [0, 10]
