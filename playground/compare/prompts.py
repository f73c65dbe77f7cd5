"""Prompt sets for ``playground compare``: a JSONL file or plain text, one prompt per line.

JSONL lines are ``{"id"?, "prompt", "system"?, "tags"?: [..], "expect"?: {..}}``; a file
is JSONL when its name ends in ``.jsonl`` (or its first non-blank line starts with ``{``).
Plain text: every non-blank line is a prompt whose id is its line number. Files are read
bounded (:data:`MAX_PROMPT_SET_BYTES`, regular files only) through :mod:`playground.local_files`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from playground.compare.checks import Expect, ExpectError, parse_expect
from playground.local_files import LocalFileError, MiB, read_bounded

MAX_PROMPT_SET_BYTES = 16 * MiB
"""A prompt set is hand-written or generated text: 16 MiB is thousands of long prompts."""


class PromptSetError(Exception):
    """A prompt set cannot be used; one line naming the file and the line number."""


@dataclass(frozen=True, slots=True)
class PromptCase:
    """One prompt of a set: its id (unique in the set), text, optional system prompt,
    tags (for ``leaderboard --tag``) and checks."""

    id: str
    prompt: str
    system: str | None = None
    tags: tuple[str, ...] = ()
    expect: Expect | None = None


def load_prompt_set(path: str | Path) -> list[PromptCase]:
    """The prompts in ``path``; raises :class:`PromptSetError` (one line) for a bad file."""
    name = str(path)
    try:
        data = read_bounded(path, MAX_PROMPT_SET_BYTES)
    except LocalFileError as exc:
        raise PromptSetError(f"{name}: {exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PromptSetError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if name.endswith(".jsonl") or first.startswith("{"):
        cases = [_jsonl_case(name, n, line) for n, line in enumerate(lines, 1) if line.strip()]
    else:
        cases = [
            PromptCase(str(n), line.strip()) for n, line in enumerate(lines, 1) if line.strip()
        ]
    if not cases:
        raise PromptSetError(f"{name}: no prompts in the file")
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise PromptSetError(f"{name}: prompt id {case.id!r} appears more than once")
        seen.add(case.id)
    return cases


def single_prompt(prompt: str) -> list[PromptCase]:
    """A one-prompt set for ``playground compare PROMPT`` (its id is ``1``)."""
    return [PromptCase("1", prompt)]


def _jsonl_case(name: str, number: int, line: str) -> PromptCase:
    where = f"{name} line {number}"
    try:
        record = json.loads(line)
    except RecursionError:
        raise PromptSetError(f"{where}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise PromptSetError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise PromptSetError(f'{where}: expected a JSON object with a "prompt" field')
    prompt = record.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise PromptSetError(f'{where}: "prompt" must be a non-empty string')
    case_id = record.get("id", number)
    if not isinstance(case_id, str | int) or isinstance(case_id, bool) or str(case_id) == "":
        raise PromptSetError(f'{where}: "id" must be a string or a number')
    system = record.get("system")
    if system is not None and not isinstance(system, str):
        raise PromptSetError(f'{where}: "system" must be a string')
    tags = record.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise PromptSetError(f'{where}: "tags" must be a list of strings')
    try:
        expect = parse_expect(record.get("expect"))
    except ExpectError as exc:
        raise PromptSetError(f'{where}: "expect": {exc}') from None
    return PromptCase(
        id=str(case_id),
        prompt=prompt,
        system=system,
        tags=tuple(tags),
        expect=expect,
    )
