"""Ratings from votes: Bradley–Terry strengths with a bootstrap confidence interval.

Each vote is split into pairwise outcomes: the winner beats every other model in it; a tie
or an "all bad" vote is a draw between every pair (as the LMSYS arena counts "both bad"),
and a draw counts as half a win each way. Strengths are fitted with Hunter's (2004) MM
iteration; every model also plays one virtual draw against a reference of strength 1, a
weak prior that keeps a model with no wins (or no losses) finite and pulls models with few
votes towards the middle; strengths are kept at a geometric mean of 1, so the average
model rates 1000. Ratings are on the Elo scale, ``1000 + 400·log10(strength)``, so a
100-point gap means the higher model is preferred about 64 % of the time.

The 95 % interval comes from a percentile bootstrap: the votes are resampled with
replacement :data:`BOOTSTRAP_ROUNDS` times (a fixed seed: the same votes give the same
table) and refitted.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from playground.compare.stats import percentile
from playground.compare.votes import ALL_BAD, TIE, Vote

BOOTSTRAP_ROUNDS = 200
BASE_RATING = 1000.0
_SCALE = 400.0 / math.log(10)
_PRIOR_GAMES = 1.0


@dataclass(frozen=True, slots=True)
class Rating:
    """One model's row of the leaderboard."""

    model: str
    rating: float
    ci_low: float
    ci_high: float
    wins: int
    losses: int
    ties: int
    votes: int

    def to_dict(self) -> dict[str, object]:
        """The JSON form (DESIGN.md's leaderboard fields)."""
        return {
            "model": self.model,
            "rating": round(self.rating, 1),
            "ci_low": round(self.ci_low, 1),
            "ci_high": round(self.ci_high, 1),
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
            "votes": self.votes,
        }


def bradley_terry(votes: Sequence[Vote], iterations: int = 1000) -> dict[str, float]:
    """Each model's rating (Elo scale) fitted to the votes."""
    models = sorted({m for vote in votes for m in vote.models})
    index = {m: i for i, m in enumerate(models)}
    n = len(models)
    # wins[i][j]: i's (half-)wins over j
    wins = [[0.0] * n for _ in range(n)]
    for vote in votes:
        for a in vote.models:
            for b in vote.models:
                if a == b:
                    continue
                if vote.winner in (TIE, ALL_BAD):
                    wins[index[a]][index[b]] += 0.5
                elif vote.winner == a:
                    wins[index[a]][index[b]] += 1.0
    games = [[wins[i][j] + wins[j][i] for j in range(n)] for i in range(n)]
    total_wins = [sum(row) + _PRIOR_GAMES / 2 for row in wins]
    strength = [1.0] * n
    for _ in range(iterations):
        updated = []
        for i in range(n):
            denominator = _PRIOR_GAMES / (strength[i] + 1.0) + sum(
                games[i][j] / (strength[i] + strength[j]) for j in range(n) if games[i][j]
            )
            updated.append(total_wins[i] / denominator)
        # Ratings are relative: keep the geometric mean at 1 (the virtual opponent's
        # strength), which also makes the iteration converge in tens of steps, not thousands.
        centre = math.exp(sum(math.log(u) for u in updated) / n)
        updated = [u / centre for u in updated]
        change = max(abs(math.log(u / s)) for u, s in zip(updated, strength, strict=True))
        strength = updated
        if change < 1e-9:
            break
    return {m: BASE_RATING + _SCALE * math.log(strength[index[m]]) for m in models}


def leaderboard(
    votes: Sequence[Vote], *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0
) -> list[Rating]:
    """One :class:`Rating` per model that appears in a vote, best first."""
    if not votes:
        return []
    ratings = bradley_terry(votes)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {m: [] for m in ratings}
    for _ in range(rounds):
        refit = bradley_terry(rng.choices(votes, k=len(votes)))
        for model in ratings:
            # A model missing from a resample has no information there: skip, do not guess.
            if model in refit:
                samples[model].append(refit[model])
    rows = []
    for model, rating in ratings.items():
        wins = sum(1 for v in votes if model in v.models and v.winner == model)
        ties = sum(1 for v in votes if model in v.models and v.winner in (TIE, ALL_BAD))
        count = sum(1 for v in votes if model in v.models)
        low = percentile(samples[model], 2.5)
        high = percentile(samples[model], 97.5)
        rows.append(
            Rating(
                model=model,
                rating=rating,
                ci_low=rating if low is None else min(low, rating),
                ci_high=rating if high is None else max(high, rating),
                wins=wins,
                losses=count - wins - ties,
                ties=ties,
                votes=count,
            )
        )
    return sorted(rows, key=lambda r: (-r.rating, r.model))
