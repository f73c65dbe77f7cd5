"""Blind rounds for the app: panes shown as A, B, C… until the user votes, then revealed.

No Textual here: the app asks :func:`ballot` whether the panes' last turns can be voted on,
and turns the user's choice into a :class:`~playground.compare.votes.Vote` with
:meth:`Ballot.vote`.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.compare.votes import ALL_BAD, TIE, Vote

MAX_LETTERS = len(string.ascii_uppercase)


def blind_name(index: int) -> str:
    """The blind name of the pane at ``index`` (0 → ``A``)."""
    return string.ascii_uppercase[index % MAX_LETTERS]


class BallotError(Exception):
    """The panes' last turns cannot be voted on now; one line that says why."""


@dataclass(frozen=True, slots=True)
class Ballot:
    """The round to vote on: one prompt, each pane's model and its answer, in pane order."""

    prompt: str
    models: tuple[str, ...]
    answers: tuple[str, ...]

    def vote(self, choice: int | str) -> Vote:
        """The user's vote: ``choice`` is the winning pane's index, ``"tie"`` or
        ``"all_bad"``."""
        if isinstance(choice, int):
            if not 0 <= choice < len(self.models):
                raise BallotError(f"there is no pane {blind_name(choice)}")
            winner = self.models[choice]
        elif choice in (TIE, ALL_BAD):
            winner = choice
        else:
            raise BallotError(f"unknown choice {choice!r}")
        return Vote(
            prompt=self.prompt,
            answers=dict(zip(self.models, self.answers, strict=True)),
            models=self.models,
            winner=winner,
            source="user",
        )


def ballot(turns: Sequence[Any | None]) -> Ballot:
    """The ballot over each pane's last turn (None: the pane has none); raises
    :class:`BallotError` when a vote would not be a fair one."""
    if len(turns) < 2:
        raise BallotError("voting needs two or more panes")
    if any(turn is None for turn in turns):
        raise BallotError("every pane needs an answer first: send a prompt")
    if any(turn.status == "running" for turn in turns):
        raise BallotError("wait until every pane has finished")
    prompts = {turn.prompt for turn in turns}
    if len(prompts) != 1:
        raise BallotError("the panes' last turns answer different prompts: send one to all")
    models = tuple(turn.spec for turn in turns)
    if len(set(models)) != len(models):
        raise BallotError("two panes run the same model: a vote could not tell them apart")
    return Ballot(prompts.pop(), models, tuple(turn.text for turn in turns))
