"""``playground leaderboard``: the table, --json fields, --tag and --export-pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.cli import main
from playground.compare.votes import Vote, append_votes, votes_path


def _leaderboard(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["leaderboard", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _seed() -> None:
    votes = [Vote("code?", {"a": "good", "b": "bad"}, ("a", "b"), "a", tags=("code",))] * 3
    votes += [Vote("chat?", {"a": "meh", "b": "nice"}, ("a", "b"), "b", "judge", tags=("chat",))]
    votes += [Vote("chat?", {"a": "x", "b": "y"}, ("a", "b"), "tie", tags=("chat",))]
    append_votes(votes)


def test_no_votes_yet_says_how_to_get_some(capsys) -> None:
    code, out, err = _leaderboard(capsys)
    assert code == 0 and err == ""
    assert "no votes" in out and str(votes_path()) in out
    assert "playground compare --judge MODEL" in out
    assert "blind mode (f11, then f12)" in out  # the app's way to vote


def test_json_has_the_design_fields_best_first(capsys) -> None:
    _seed()
    code, out, _ = _leaderboard(capsys, "--json")
    data = json.loads(out)
    assert code == 0 and data["votes"] == 5 and data["method"] == "bradley-terry"
    first, second = data["models"]
    assert first["model"] == "a" and first["rating"] > second["rating"]
    assert (first["wins"], first["losses"], first["ties"], first["votes"]) == (3, 1, 1, 5)
    assert first["ci_low"] <= first["rating"] <= first["ci_high"]


def test_tag_filters_the_votes(capsys) -> None:
    _seed()
    data = json.loads(_leaderboard(capsys, "--json", "--tag", "chat")[1])
    assert data["votes"] == 2 and data["models"][0]["model"] == "b"
    code, out, _ = _leaderboard(capsys, "--tag", "nothing")
    assert code == 0 and "no votes tagged 'nothing'" in out


def test_plain_table(capsys) -> None:
    _seed()
    code, out, _ = _leaderboard(capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["#", "model", "rating"]
    assert lines[1].split()[:2] == ["1", "a"] and "5 votes" in lines[-1]


def test_export_pairs_writes_preference_jsonl(capsys, tmp_path: Path) -> None:
    _seed()
    target = tmp_path / "pairs.jsonl"
    code, _, err = _leaderboard(capsys, "--export-pairs", str(target), "--tag", "code")
    pairs = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and "wrote 3 preference pairs" in err
    assert pairs[0]["prompt"] == "code?" and pairs[0]["chosen"] == "good"
    assert pairs[0]["rejected"] == "bad" and pairs[0]["source"] == "user"


def test_export_to_an_unwritable_place_is_one_line_exit_2(capsys, tmp_path: Path) -> None:
    _seed()
    code, _, err = _leaderboard(capsys, "--export-pairs", str(tmp_path / "no" / "dir" / "p.jsonl"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--export-pairs" in err


def test_a_torn_votes_file_still_gives_a_table_with_a_warning(capsys) -> None:
    _seed()
    with open(votes_path(), "a", encoding="utf-8") as handle:
        handle.write('{"prompt": "cut off')
    code, out, err = _leaderboard(capsys, "--json")
    assert code == 0 and json.loads(out)["votes"] == 5
    assert "1 unreadable line(s)" in err
