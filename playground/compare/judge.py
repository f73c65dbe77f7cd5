"""The judge: a model compares two answers to a prompt, blind and in both orders.

The judge sees the prompt and two answers labelled A and B — never a model's name — and
must end its reply with ``A``, ``B`` or ``TIE``. Every pair is judged twice with the answers
swapped, so a judge that prefers a position cancels itself out: each order gives +1 to the
answer it prefers, and the pair's winner is the model with the positive total; a total of 0
(a draw both times, or one preference per position) is a tie. A verdict that cannot be read
gives no vote (it is counted as a failed judgement, never guessed).

Judgements are kept in the output directory (``judge.jsonl``) so a rerun does not judge a
pair again, and their votes go to ``votes.jsonl`` with source ``judge``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.compare.prompts import PromptCase
from playground.compare.votes import TIE, Vote

if TYPE_CHECKING:
    from playground.resolve import ResolvedTarget
    from playground.session import Session

JUDGE_FILE = "judge.jsonl"
JUDGE_SYSTEM = (
    "You are an impartial judge. You compare two answers to the same prompt for "
    "correctness, helpfulness and clarity. The order of the answers says nothing about "
    "their quality, and their length is not a merit in itself."
)

JudgeAsk = Callable[[str], Awaitable[str | None]]
"""Sends one judging prompt to the judge model; its reply, or None when the call failed."""

_VERDICT_NOISE = re.compile(r"[*_`#>\"'.:!()\[\]]|\b(final|verdict|answer|winner|is)\b", re.I)


def judging_prompt(prompt: str, answer_a: str, answer_b: str) -> str:
    """The blind prompt: the user's prompt and two unnamed answers, A then B."""
    return (
        "Compare two answers to the prompt below.\n\n"
        f"<prompt>\n{prompt}\n</prompt>\n\n"
        f"<answer_a>\n{answer_a}\n</answer_a>\n\n"
        f"<answer_b>\n{answer_b}\n</answer_b>\n\n"
        "Which answer is better? You may reason briefly first. End your reply with a line "
        "holding only your verdict: A, B or TIE."
    )


def parse_verdict(reply: str | None) -> str | None:
    """``"A"``, ``"B"`` or ``"TIE"`` from the reply's last non-empty line, else None."""
    if not reply:
        return None
    lines = [line for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None
    word = _VERDICT_NOISE.sub(" ", lines[-1]).strip().upper()
    return word if word in ("A", "B", "TIE") else None


@dataclass(frozen=True, slots=True)
class Judgement:
    """The judge's two verdicts on a pair (``first`` with ``models[0]`` as answer A) and the
    resulting winner: a model, ``"tie"``, or None when a verdict could not be read."""

    prompt_id: str
    models: tuple[str, str]
    first: str | None
    second: str | None

    @property
    def winner(self) -> str | None:
        """The model preferred over both orders, ``"tie"``, or None (no usable verdict)."""
        if self.first is None or self.second is None:
            return None
        x, y = self.models
        score = {"A": 1, "B": -1, "TIE": 0}[self.first] - {"A": 1, "B": -1, "TIE": 0}[self.second]
        return x if score > 0 else y if score < 0 else TIE

    def to_dict(self) -> dict[str, Any]:
        """The ``judge.jsonl`` line."""
        return {
            "prompt_id": self.prompt_id,
            "models": list(self.models),
            "verdicts": [self.first, self.second],
            "winner": self.winner,
        }


async def judge_pair(
    ask: JudgeAsk, case: PromptCase, x: tuple[str, str], y: tuple[str, str]
) -> Judgement:
    """Judge ``x`` = (model, answer) against ``y`` in both orders (one call per order)."""
    first, second = await asyncio.gather(
        ask(judging_prompt(case.prompt, x[1], y[1])),
        ask(judging_prompt(case.prompt, y[1], x[1])),
    )
    return Judgement(case.id, (x[0], y[0]), parse_verdict(first), parse_verdict(second))


def pairs_to_judge(
    cases: Sequence[PromptCase], models: Sequence[str], records: Iterable[dict[str, Any]]
) -> list[tuple[PromptCase, tuple[str, str], tuple[str, str]]]:
    """Every (prompt, model pair) where both models answered (their lowest finished run)."""
    answers: dict[tuple[str, str], tuple[int, str]] = {}
    for r in records:
        if r["error_kind"] is None:
            key = (r["prompt_id"], r["model"])
            if key not in answers or r["run"] < answers[key][0]:
                answers[key] = (r["run"], r.get("text") or "")
    pairs = []
    for case in cases:
        for i, a in enumerate(models):
            for b in models[i + 1 :]:
                if (case.id, a) in answers and (case.id, b) in answers:
                    pairs.append(
                        (case, (a, answers[(case.id, a)][1]), (b, answers[(case.id, b)][1]))
                    )
    return pairs


def judgement_vote(judgement: Judgement, case: PromptCase, answers: dict[str, str]) -> Vote:
    """The vote of a decided judgement (source ``judge``)."""
    if judgement.winner is None:
        raise ValueError("an undecided judgement gives no vote")
    return Vote(
        prompt=case.prompt,
        answers=answers,
        models=judgement.models,
        winner=judgement.winner,
        source="judge",
        prompt_id=case.id,
        tags=case.tags,
    )


def read_judged(out_dir: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Decided judgements already in ``judge.jsonl``, by (prompt_id, model, model)."""
    path = out_dir / JUDGE_FILE
    done: dict[tuple[str, str, str], dict[str, Any]] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            key = (str(record["prompt_id"]), *map(str, record["models"]))
        except (ValueError, KeyError, TypeError):
            continue
        if record.get("winner") is not None and len(key) == 3:
            done[key] = record  # type: ignore[index]
    return done


def session_judge(session: Session, target: ResolvedTarget) -> JudgeAsk:
    """A :data:`JudgeAsk` that sends through the session's router, one fresh pane per call,
    with the judge's own system prompt."""
    from playground.session import Pane, Session

    judge_session = Session(
        session.config, session.resolver, router=session.router, client=session.client
    )
    judge_session.thinking = session.thinking
    judge_session.system = JUDGE_SYSTEM

    async def ask(prompt: str) -> str | None:
        pane = Pane(judge_session, target)
        async for _ in pane.send(prompt):
            pass
        return pane.turns[-1].text if str(pane.metrics.status) == "done" else None

    return ask


async def run_judge(
    ask: JudgeAsk,
    judge_model: str,
    cases: Sequence[PromptCase],
    models: Sequence[str],
    records: Iterable[dict[str, Any]],
    out_dir: Path,
    *,
    concurrency: int = 4,
    votes_file: Path | None = None,
) -> dict[str, Any]:
    """Judge every pair not judged yet in ``out_dir``; each decided judgement is written to
    ``judge.jsonl`` and its vote to ``votes.jsonl`` as soon as it is known. Returns the
    ``judge`` block of ``summary.json``: counts of pairs, votes, ties, position-biased
    verdict pairs and failed judgements, and wins per model (over all judged pairs)."""
    from playground.compare.votes import append_votes

    judged = read_judged(out_dir)
    todo = [
        p
        for p in pairs_to_judge(cases, models, records)
        if (p[0].id, p[1][0], p[2][0]) not in judged
    ]
    gate = asyncio.Semaphore(max(1, concurrency))
    failed = 0

    async def one(case: PromptCase, x: tuple[str, str], y: tuple[str, str]) -> None:
        nonlocal failed
        async with gate:
            judgement = await judge_pair(ask, case, x, y)
        if judgement.winner is None:
            failed += 1
            return
        with open(out_dir / JUDGE_FILE, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(json.dumps(judgement.to_dict(), ensure_ascii=False) + "\n")
        judged[(case.id, x[0], y[0])] = judgement.to_dict()
        append_votes([judgement_vote(judgement, case, {x[0]: x[1], y[0]: y[1]})], votes_file)

    await asyncio.gather(*(one(*pair) for pair in todo))
    return judge_summary(judge_model, judged.values(), failed)


def judge_summary(
    judge_model: str, judged: Iterable[dict[str, Any]], failed: int
) -> dict[str, Any]:
    """Counts over ``judge.jsonl`` records (see :func:`run_judge`)."""
    records = list(judged)
    wins: dict[str, int] = {}
    for record in records:
        if record["winner"] != TIE:
            wins[record["winner"]] = wins.get(record["winner"], 0) + 1
    return {
        "model": judge_model,
        "pairs": len(records),
        "ties": sum(1 for r in records if r["winner"] == TIE),
        "position_biased": sum(
            1 for r in records if r["verdicts"][0] == r["verdicts"][1] and r["verdicts"][0] != "TIE"
        ),
        "failed": failed,
        "wins": wins,
    }
