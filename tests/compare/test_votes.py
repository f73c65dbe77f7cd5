"""votes.jsonl: the DESIGN's fields, appended line by line, read back tolerantly; votes as
preference pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.compare.votes import (
    Vote,
    VoteError,
    append_votes,
    preference_pairs,
    read_votes,
    votes_path,
    with_tag,
)


def test_votes_live_in_the_data_dir(isolated_environment: Path) -> None:
    assert votes_path() == isolated_environment / ".local/share/playground/votes.jsonl"


def test_a_vote_line_has_the_design_fields_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "votes.jsonl"
    vote = Vote(
        "2+2?",
        {"a/x": "4", "b/y": "5"},
        ("a/x", "b/y"),
        "a/x",
        "judge",
        prompt_id="q1",
        tags=("math",),
    )
    assert append_votes([vote], path) == 1
    line = json.loads(path.read_text(encoding="utf-8"))
    assert set(line) == {
        "time",
        "prompt_id",
        "prompt",
        "answers",
        "models",
        "winner",
        "source",
        "tags",
    }
    assert (
        line["winner"] == "a/x" and line["source"] == "judge" and line["models"] == ["a/x", "b/y"]
    )
    [back], skipped = read_votes(path)
    assert back == vote and skipped == 0


def test_unreadable_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "votes.jsonl"
    append_votes([Vote("p", {}, ("a", "b"), "tie")], path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"models": ["a"], "winner": "a"}\nnot json\n{"models": ["a", "b"], "win')
    votes, skipped = read_votes(path)
    assert len(votes) == 1 and skipped == 3


def test_no_file_means_no_votes(tmp_path: Path) -> None:
    assert read_votes(tmp_path / "none.jsonl") == ([], 0)


@pytest.mark.parametrize(
    ("models", "winner", "source"),
    [
        (("a",), "a", "user"),
        (("a", "a"), "a", "user"),
        (("a", "b"), "c", "user"),
        (("a", "b"), "a", "robot"),
    ],
)
def test_malformed_votes_are_refused(models: tuple[str, ...], winner: str, source: str) -> None:
    with pytest.raises(VoteError):
        Vote("p", {}, models, winner, source)


def test_preference_pairs_keep_prompt_and_answers() -> None:
    votes = [
        Vote("q", {"a": "A!", "b": "B!", "c": "C!"}, ("a", "b", "c"), "b", "user", prompt_id="1"),
        Vote("q", {"a": "A", "b": "B"}, ("a", "b"), "tie"),
        Vote("q", {"a": "A", "b": "B"}, ("a", "b"), "all_bad"),
    ]
    pairs = preference_pairs(votes)
    assert [(p["chosen"], p["rejected"]) for p in pairs] == [("B!", "A!"), ("B!", "C!")]
    assert all(p["prompt"] == "q" and p["source"] == "user" for p in pairs)
    assert pairs[0]["chosen_model"] == "b" and pairs[0]["rejected_model"] == "a"


def test_tag_filter() -> None:
    votes = [Vote("p", {}, ("a", "b"), "a", tags=("x",)), Vote("p", {}, ("a", "b"), "b")]
    assert with_tag(votes, "x") == votes[:1] and with_tag(votes, None) == votes
