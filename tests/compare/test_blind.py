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


def test_blinded_metrics_keep_timing_and_tokens_but_not_the_route_or_price():
    from playground.compare.blind import blinded_metrics
    from playground.session.metrics import PaneMetrics, PaneStatus

    metrics = PaneMetrics(
        status=PaneStatus.DONE,
        ttft_ms=41.0,
        tokens_per_s=900.0,
        output_tokens=12,
        cost_usd=0.25,
        answered_by="prov/b",
        candidate="prov/b",
        hop=2,
    )
    blind = blinded_metrics(metrics)
    assert (blind.ttft_ms, blind.tokens_per_s, blind.output_tokens) == (41.0, 900.0, 12)
    assert (blind.hop, blind.cost_usd, blind.answered_by, blind.candidate) == (1, None, None, None)
    assert metrics.hop == 2 and metrics.cost_usd == 0.25  # the pane's own figures untouched
    falling = blinded_metrics(PaneMetrics(status=PaneStatus.FELL_BACK))
    assert falling.status == PaneStatus.WAITING


def test_redact_replaces_whole_names_longest_first_and_ignores_case():
    from playground.compare.blind import redact

    names = ["sim", "sim-anthropic", "sim-anthropic/thinker"]
    text = "503 from SIM-anthropic/thinker; sim-anthropic said no; simulated sim"
    assert redact(text, names, "Model B") == (
        "503 from Model B; Model B said no; simulated Model B"
    )
    assert redact("nothing here", [], "Model A") == "nothing here"


def test_identifying_names_cover_every_hop_of_a_route():
    from types import SimpleNamespace

    from playground.compare.blind import identifying_names

    target = SimpleNamespace(
        label="myroute",
        chain=[
            SimpleNamespace(label="a/x?fail=503", provider="a"),
            SimpleNamespace(label="b/y", provider="b"),
        ],
        models=[
            SimpleNamespace(id="x?fail=503", provider="a", name="Xylophone"),
            SimpleNamespace(id="y", provider="b", name=""),
        ],
    )
    assert identifying_names(target) == {
        "myroute",
        "a/x?fail=503",
        "b/y",
        "a",
        "b",
        "x?fail=503",
        "x",
        "y",
        "Xylophone",
    }
