"""Bradley–Terry ratings and their bootstrap intervals, on known inputs."""

from __future__ import annotations

import math

import pytest

from playground.compare.ratings import bradley_terry, leaderboard
from playground.compare.votes import Vote


def _votes(winner: str, loser: str, count: int) -> list[Vote]:
    return [Vote("p", {winner: "w", loser: "l"}, (winner, loser), winner) for _ in range(count)]


def test_three_to_one_preference_is_about_191_elo_points_around_1000() -> None:
    votes = _votes("a", "b", 300) + _votes("b", "a", 100)
    ratings = bradley_terry(votes)
    # The maximum-likelihood strength ratio is 3: 400·log10(3) = 190.8; the one virtual draw
    # each model plays against the average shrinks it a little.
    assert ratings["a"] - ratings["b"] == pytest.approx(400 * math.log10(3), abs=2.0)
    assert ratings["a"] - ratings["b"] < 400 * math.log10(3)
    assert (ratings["a"] + ratings["b"]) / 2 == pytest.approx(1000.0)


def test_even_record_or_only_ties_rate_equally() -> None:
    even = bradley_terry(_votes("a", "b", 5) + _votes("b", "a", 5))
    assert even["a"] == pytest.approx(1000.0) and even["b"] == pytest.approx(1000.0)
    ties = [Vote("p", {}, ("a", "b"), "tie"), Vote("p", {}, ("a", "b"), "all_bad")]
    assert bradley_terry(ties) == pytest.approx({"a": 1000.0, "b": 1000.0})


def test_an_unbeaten_model_has_a_finite_rating() -> None:
    ratings = bradley_terry(_votes("a", "b", 10))
    assert math.isfinite(ratings["a"]) and math.isfinite(ratings["b"])
    assert ratings["a"] > ratings["b"]


def test_transitive_order_from_a_chain_of_results() -> None:
    votes = _votes("a", "b", 8) + _votes("b", "a", 2) + _votes("b", "c", 8) + _votes("c", "b", 2)
    ratings = bradley_terry(votes)
    assert ratings["a"] > ratings["b"] > ratings["c"]


def test_a_multi_model_vote_means_the_winner_beat_each_other_model() -> None:
    votes = [Vote("p", {}, ("a", "b", "c"), "a") for _ in range(5)]
    ratings = bradley_terry(votes)
    assert ratings["a"] > ratings["b"] == pytest.approx(ratings["c"])


def test_leaderboard_counts_and_orders() -> None:
    votes = [
        *_votes("a", "b", 3),
        *_votes("b", "a", 1),
        Vote("p", {}, ("a", "b"), "tie"),
        Vote("p", {}, ("a", "c"), "all_bad"),
    ]
    rows = leaderboard(votes)
    assert [r.model for r in rows] == ["a", "c", "b"]  # c only drew with the best model
    assert [r.rating for r in rows] == sorted((r.rating for r in rows), reverse=True)
    by_model = {r.model: r for r in rows}
    assert (by_model["a"].wins, by_model["a"].losses, by_model["a"].ties) == (3, 1, 2)
    assert by_model["a"].votes == 6
    assert (by_model["b"].wins, by_model["b"].losses, by_model["b"].ties) == (1, 3, 1)
    assert (by_model["c"].wins, by_model["c"].losses, by_model["c"].ties, by_model["c"].votes) == (
        0,
        0,
        1,
        1,
    )
    assert set(rows[0].to_dict()) == {
        "model",
        "rating",
        "ci_low",
        "ci_high",
        "wins",
        "losses",
        "ties",
        "votes",
    }


def test_interval_contains_the_rating_and_narrows_with_more_votes() -> None:
    few = {r.model: r for r in leaderboard(_votes("a", "b", 6) + _votes("b", "a", 2))}
    many = {r.model: r for r in leaderboard(_votes("a", "b", 300) + _votes("b", "a", 100))}
    for rows in (few, many):
        for row in rows.values():
            assert row.ci_low <= row.rating <= row.ci_high
    assert (many["a"].ci_high - many["a"].ci_low) < (few["a"].ci_high - few["a"].ci_low) / 2
    assert many["a"].ci_low > many["b"].ci_high  # 400 votes separate them clearly


def test_same_votes_give_the_same_table() -> None:
    votes = _votes("a", "b", 7) + _votes("b", "a", 4)
    assert leaderboard(votes) == leaderboard(votes)
    assert leaderboard([]) == []
