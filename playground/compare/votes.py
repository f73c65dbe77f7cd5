"""Votes: ``votes.jsonl`` in the data directory, one vote a line, from the user (the app's
blind mode) or from a judge model (``compare --judge``).

A vote (DESIGN.md, "Compare")::

    {"time", "prompt_id"?, "prompt", "answers": {model: text}, "models": [...],
     "winner": model | "tie" | "all_bad", "source": "user" | "judge", "tags"?: [...]}

It keeps the prompt and the answers it judged, so it can be exported as preference pairs
(:func:`preference_pairs`). Votes are appended one line per ``write`` (``O_APPEND``), so
the app and a ``compare --judge`` run can add votes at the same time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playground.local_files import LocalFileError, LocalFileMissing, MiB, read_bounded

VOTES_FILE = "votes.jsonl"
MAX_VOTES_BYTES = 256 * MiB
"""A vote holds its answers: 256 MiB is tens of thousands of votes on long answers."""
TIE = "tie"
ALL_BAD = "all_bad"
SOURCES = ("user", "judge")


class VoteError(Exception):
    """A vote is malformed or the votes file cannot be read; one line."""


@dataclass(frozen=True, slots=True)
class Vote:
    """One judgement of two or more models' answers to one prompt."""

    prompt: str
    answers: Mapping[str, str]
    models: tuple[str, ...]
    winner: str
    source: str = "user"
    prompt_id: str | None = None
    tags: tuple[str, ...] = ()
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if len(self.models) < 2 or len(set(self.models)) != len(self.models):
            raise VoteError("a vote needs two or more different models")
        if self.winner not in (*self.models, TIE, ALL_BAD):
            raise VoteError(f"winner {self.winner!r} is not one of the models, tie or all_bad")
        if self.source not in SOURCES:
            raise VoteError(f"source must be one of {', '.join(SOURCES)}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON line of this vote."""
        data: dict[str, Any] = {"time": self.time}
        if self.prompt_id is not None:
            data["prompt_id"] = self.prompt_id
        data.update(
            prompt=self.prompt,
            answers=dict(self.answers),
            models=list(self.models),
            winner=self.winner,
            source=self.source,
        )
        if self.tags:
            data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Vote:
        """A vote from its JSON line; raises :class:`VoteError` when fields are wrong."""
        try:
            models = tuple(str(m) for m in data["models"])
            answers = {str(k): str(v) for k, v in dict(data.get("answers") or {}).items()}
            return cls(
                prompt=str(data.get("prompt", "")),
                answers=answers,
                models=models,
                winner=str(data["winner"]),
                source=str(data.get("source", "user")),
                prompt_id=None if data.get("prompt_id") is None else str(data["prompt_id"]),
                tags=tuple(str(t) for t in data.get("tags") or ()),
                time=str(data.get("time", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise VoteError(f"missing or malformed field: {exc}") from None


def votes_path() -> Path:
    """``<platform data dir>/votes.jsonl``."""
    from platformdirs import user_data_path

    return user_data_path("playground", appauthor=False) / VOTES_FILE


def append_votes(votes: Iterable[Vote], path: Path | None = None) -> int:
    """Append votes (one line each, one ``write`` per line); returns how many."""
    target = path or votes_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    count = 0
    try:
        for vote in votes:
            line = json.dumps(vote.to_dict(), ensure_ascii=False) + "\n"
            os.write(fd, line.encode("utf-8", errors="replace"))
            count += 1
    finally:
        os.close(fd)
    return count


def read_votes(path: Path | None = None) -> tuple[list[Vote], int]:
    """The votes in the file and how many lines were skipped as unreadable (a torn last
    line, a hand edit); no file means no votes."""
    target = path or votes_path()
    try:
        data = read_bounded(target, MAX_VOTES_BYTES)
    except LocalFileMissing:
        return [], 0
    except LocalFileError as exc:
        raise VoteError(f"{target}: {exc}") from None
    votes: list[Vote] = []
    skipped = 0
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            votes.append(Vote.from_dict(json.loads(line)))
        except (ValueError, VoteError, RecursionError, AttributeError):
            skipped += 1
    return votes, skipped


def with_tag(votes: Sequence[Vote], tag: str | None) -> list[Vote]:
    """The votes on prompts carrying ``tag`` (all of them when ``tag`` is None)."""
    return list(votes) if tag is None else [v for v in votes if tag in v.tags]


def preference_pairs(votes: Iterable[Vote]) -> list[dict[str, Any]]:
    """Each decided vote as ``{prompt, chosen, rejected, source}`` pairs: the winner's
    answer against every other model's (with ``chosen_model``, ``rejected_model`` and
    ``prompt_id`` beside). Ties, "all bad" votes and answers that were not kept give none."""
    pairs: list[dict[str, Any]] = []
    for vote in votes:
        chosen = vote.answers.get(vote.winner)
        if vote.winner in (TIE, ALL_BAD) or chosen is None:
            continue
        for loser in vote.models:
            rejected = vote.answers.get(loser)
            if loser == vote.winner or rejected is None:
                continue
            pairs.append(
                {
                    "prompt": vote.prompt,
                    "chosen": chosen,
                    "rejected": rejected,
                    "source": vote.source,
                    "chosen_model": vote.winner,
                    "rejected_model": loser,
                    "prompt_id": vote.prompt_id,
                }
            )
    return pairs
