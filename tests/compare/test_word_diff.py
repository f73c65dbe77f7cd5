"""The word-level diff of two answers: whitespace kept, markers that read without colour."""

from __future__ import annotations

import pytest

from playground.compare.word_diff import DiffPiece, marked, side, tokens, word_counts, word_diff


def test_tokens_keep_every_space_and_line_break():
    text = "one  two\n\tthree "
    assert tokens(text) == ["one", "  ", "two", "\n\t", "three", " "]
    assert "".join(tokens(text)) == text


def test_a_changed_word_is_a_deletion_then_an_insertion():
    pieces = word_diff("the quick brown fox", "the slow brown fox")
    assert pieces == [
        DiffPiece("same", "the "),
        DiffPiece("delete", "quick"),
        DiffPiece("insert", "slow"),
        DiffPiece("same", " brown fox"),
    ]
    assert marked(pieces) == "the [-quick-]{+slow+} brown fox"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "all new"),
        ("all gone", ""),
        ("line one\nline two\n\nend", "line one\nline 2\n\nthe end"),
        ("same same", "same same"),
        ("a b c d e", "e d c b a"),
    ],
)
def test_either_answer_comes_back_exactly_from_the_diff(old, new):
    pieces = word_diff(old, new)
    assert side(pieces, "delete") == old
    assert side(pieces, "insert") == new


def test_identical_answers_have_only_shared_text():
    pieces = word_diff("no change here", "no change here")
    assert [p.kind for p in pieces] == ["same"]
    assert word_counts(pieces) == {"same": 3, "delete": 0, "insert": 0}


def test_word_counts_ignore_whitespace():
    pieces = word_diff("keep this old part", "keep this new shiny part")
    assert word_counts(pieces) == {"same": 3, "delete": 1, "insert": 2}
