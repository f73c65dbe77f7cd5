"""The judge: blind prompts, both orders, position bias cancelled, unreadable verdicts
never guessed, judgements resumable and stored as votes of source "judge"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.compare.judge import (
    Judgement,
    judge_pair,
    judging_prompt,
    pairs_to_judge,
    parse_verdict,
    run_judge,
)
from playground.compare.prompts import PromptCase
from playground.compare.votes import read_votes

CASE = PromptCase("q1", "Name a prime number.", tags=("math",))


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("A", "A"),
        ("b", "B"),
        ("Both are fine.\nTIE", "TIE"),
        ("Reasoning...\n\n**B**\n", "B"),
        ("Verdict: A.", "A"),
        ("Final answer: tie", "TIE"),
        ("I prefer answer A because it is correct.", None),
        ("A or B", None),
        ("", None),
        (None, None),
    ],
)
def test_verdict_is_read_from_the_last_line_only(reply: str | None, verdict: str | None) -> None:
    assert parse_verdict(reply) == verdict


def test_judging_prompt_is_blind() -> None:
    text = judging_prompt("What is 2+2?", "four", "five")
    assert text.index("four") < text.index("five")
    assert "model" not in text.lower().replace("compare", "")


def _judge(prefers: str | None = None, always: str | None = None, log: list[str] | None = None):
    """A fake judge: always says ``always``, or picks the answer that contains ``prefers``."""

    async def ask(prompt: str) -> str | None:
        if log is not None:
            log.append(prompt)
        if always is not None:
            return always
        a = prompt.split("<answer_a>")[1].split("</answer_a>")[0]
        return "thinking about it\nA" if prefers in a else "thinking about it\nB"

    return ask


async def test_a_judge_that_always_picks_the_first_position_gives_a_tie() -> None:
    log: list[str] = []
    judgement = await judge_pair(_judge(always="A", log=log), CASE, ("m/x", "7"), ("m/y", "9"))
    assert (judgement.first, judgement.second) == ("A", "A")
    assert judgement.winner == "tie"
    # Both orders were asked: x's answer first in one prompt, second in the other.
    assert sorted("<answer_a>\n7\n" in p for p in log) == [False, True]
    assert all("<answer_b>\n" in p for p in log)


@pytest.mark.parametrize("good_first", [True, False])
async def test_a_consistent_preference_wins_whatever_the_order(good_first: bool) -> None:
    x, y = ("m/x", "7 is prime"), ("m/y", "9 is prime")
    pair = (x, y) if good_first else (y, x)
    judgement = await judge_pair(_judge(prefers="7"), CASE, *pair)
    assert judgement.winner == "m/x"


def test_one_preference_and_one_draw_is_a_win_and_mixed_positions_tie() -> None:
    assert Judgement("q", ("x", "y"), "A", "TIE").winner == "x"
    assert Judgement("q", ("x", "y"), "TIE", "A").winner == "y"
    assert Judgement("q", ("x", "y"), "B", "B").winner == "tie"
    assert Judgement("q", ("x", "y"), "A", None).winner is None


def _record(model: str, prompt_id: str, run: int, text: str, error: str | None = None) -> dict:
    return {"model": model, "prompt_id": prompt_id, "run": run, "text": text, "error_kind": error}


def test_pairs_use_each_models_first_successful_run_and_skip_failed_cells() -> None:
    cases = [CASE, PromptCase("q2", "other")]
    records = [
        _record("a", "q1", 2, "second run"),
        _record("a", "q1", 1, "first run"),
        _record("b", "q1", 1, "b answer"),
        _record("c", "q1", 1, "", error="server"),
        _record("a", "q2", 1, "a2"),
    ]
    pairs = pairs_to_judge(cases, ["a", "b", "c"], records)
    assert [(c.id, x, y) for c, x, y in pairs] == [("q1", ("a", "first run"), ("b", "b answer"))]


async def test_run_judge_stores_votes_and_does_not_judge_a_pair_twice(tmp_path: Path) -> None:
    votes_file = tmp_path / "votes.jsonl"
    records = [_record("a", "q1", 1, "7 is prime"), _record("b", "q1", 1, "9 is prime")]
    log: list[str] = []
    block = await run_judge(
        _judge(prefers="7", log=log),
        "judge/m",
        [CASE],
        ["a", "b"],
        records,
        tmp_path,
        votes_file=votes_file,
    )
    assert block == {
        "model": "judge/m",
        "pairs": 1,
        "ties": 0,
        "position_biased": 0,
        "failed": 0,
        "wins": {"a": 1},
    }
    [vote], _ = read_votes(votes_file)
    assert vote.source == "judge" and vote.winner == "a" and vote.tags == ("math",)
    assert vote.answers == {"a": "7 is prime", "b": "9 is prime"} and vote.prompt_id == "q1"
    assert len(log) == 2

    again = await run_judge(
        _judge(prefers="7", log=log),
        "judge/m",
        [CASE],
        ["a", "b"],
        records,
        tmp_path,
        votes_file=votes_file,
    )
    assert len(log) == 2 and again["pairs"] == 1  # nothing asked again
    assert len(read_votes(votes_file)[0]) == 1
    assert json.loads((tmp_path / "judge.jsonl").read_text())["verdicts"] == ["A", "B"]


async def test_unreadable_verdicts_give_no_vote_and_are_counted(tmp_path: Path) -> None:
    votes_file = tmp_path / "votes.jsonl"
    records = [_record("a", "q1", 1, "x"), _record("b", "q1", 1, "y")]
    block = await run_judge(
        _judge(always="I cannot decide"),
        "j",
        [CASE],
        ["a", "b"],
        records,
        tmp_path,
        votes_file=votes_file,
    )
    assert block["failed"] == 1 and block["pairs"] == 0
    assert not votes_file.exists() and not (tmp_path / "judge.jsonl").exists()
