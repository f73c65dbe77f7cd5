"""Blind rounds for the app: panes shown as A, B, C… until the user votes, then revealed.

No Textual here: the app asks :func:`ballot` whether the panes' last turns can be voted on,
and turns the user's choice into a :class:`~playground.compare.votes.Vote` with
:meth:`Ballot.vote`.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.compare.votes import ALL_BAD, TIE, Vote

if TYPE_CHECKING:
    from playground.resolve import ResolvedTarget
    from playground.session.metrics import PaneMetrics

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


def blinded_metrics(metrics: PaneMetrics) -> PaneMetrics:
    """A copy of ``metrics`` with nothing that tells the models apart but their answers:
    no hop, candidate or "fell back" (a route gives itself away), no cost (a price names a
    provider), no rate-limit headroom. Timing and token counts stay: they are being judged.
    """
    status = metrics.status
    if status == "fell_back":
        status = type(status)("waiting")
    return dataclasses.replace(
        metrics,
        status=status,
        hop=1,
        answered_by=None,
        candidate=None,
        cost_usd=None,
        rate_limits=None,
        thinking_label=None,
    )


def identifying_names(target: ResolvedTarget) -> set[str]:
    """Every name on screen that identifies ``target``: its label, each candidate's label,
    provider and model id, and each model's display name."""
    names = {target.label}
    for candidate in target.chain:
        names.add(candidate.label)
        names.add(candidate.provider)
    for model in target.models:
        names.update((model.id, model.id.partition("?")[0], model.provider, model.name))
    return {name for name in names if name}


def redact(text: str, names: Iterable[str], replacement: str) -> str:
    """``text`` with every whole occurrence of a name (case-insensitive, longest first, so
    ``sim-anthropic`` goes before ``sim``) replaced by ``replacement``."""
    ordered = sorted({name for name in names if name}, key=len, reverse=True)
    if not ordered:
        return text
    pattern = "|".join(re.escape(name) for name in ordered)
    return re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", replacement, text, flags=re.IGNORECASE)
