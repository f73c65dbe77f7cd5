"""Blind rounds: when a vote is fair, and the vote it makes."""

from __future__ import annotations

import pytest

from playground.compare.blind import BallotError, ballot, blind_name
from playground.events import TextDelta
from playground.session.transcript import Turn


def turn(spec: str, text: str, prompt: str = "p?", status: str = "done") -> Turn:
    made = Turn(prompt=prompt, spec=spec, thinking="off", status=status)
    made.record(TextDelta(text))
    return made


def test_letters_follow_the_pane_order():
    assert [blind_name(i) for i in range(3)] == ["A", "B", "C"]


def test_a_vote_keeps_the_prompt_every_answer_and_the_winning_model():
    vote = ballot([turn("m1", "one"), turn("m2", "two")]).vote(1)
    assert vote.prompt == "p?" and vote.models == ("m1", "m2")
    assert dict(vote.answers) == {"m1": "one", "m2": "two"}
    assert (vote.winner, vote.source) == ("m2", "user")


@pytest.mark.parametrize("choice", ["tie", "all_bad"])
def test_tie_and_all_bad_are_votes(choice):
    assert ballot([turn("m1", "a"), turn("m2", "b")]).vote(choice).winner == choice


@pytest.mark.parametrize(
    ("turns", "reason"),
    [
        ([turn("m1", "a")], "two or more panes"),
        ([turn("m1", "a"), None], "send a prompt"),
        ([turn("m1", "a"), turn("m2", "b", status="running")], "finished"),
        ([turn("m1", "a"), turn("m2", "b", prompt="other")], "different prompts"),
        ([turn("m1", "a"), turn("m1", "b")], "same model"),
    ],
)
def test_an_unfair_round_is_refused_with_a_reason(turns, reason):
    with pytest.raises(BallotError, match=reason):
        ballot(turns)


def test_a_choice_outside_the_round_is_refused():
    round_ = ballot([turn("m1", "a"), turn("m2", "b")])
    with pytest.raises(BallotError, match="no pane C"):
        round_.vote(2)
    with pytest.raises(BallotError, match="unknown choice"):
        round_.vote("maybe")
