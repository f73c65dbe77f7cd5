"""Checks on an answer (a prompt's ``"expect"``), so a comparison can say "right", not
only "fast". Pure functions over the answer text and token count: a check never calls a
model.

``expect`` keys: ``contains`` / ``not_contains`` (a string or a list of strings, matched
case-sensitively), ``regex`` (a string or list; Python ``re.search``), ``json`` (``true``:
the answer parses as JSON — a fenced ```json block is accepted), ``max_output_tokens``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


class ExpectError(Exception):
    """An ``expect`` object is malformed; one short line."""


@dataclass(frozen=True, slots=True)
class Expect:
    """What a good answer must satisfy (empty tuples and None: not checked)."""

    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    json: bool = False
    max_output_tokens: int | None = None


def parse_expect(value: Any) -> Expect | None:
    """An :class:`Expect` from a prompt line's ``"expect"`` value (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ExpectError("must be an object")
    unknown = set(value) - {"contains", "not_contains", "regex", "json", "max_output_tokens"}
    if unknown:
        raise ExpectError(f"unknown check {sorted(unknown)[0]!r}")
    regex = _strings(value, "regex")
    for pattern in regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ExpectError(f"regex {pattern!r} does not compile: {exc}") from None
    wants_json = value.get("json", False)
    if not isinstance(wants_json, bool):
        raise ExpectError("json must be true or false")
    limit = value.get("max_output_tokens")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ExpectError("max_output_tokens must be a non-negative integer")
    return Expect(
        contains=_strings(value, "contains"),
        not_contains=_strings(value, "not_contains"),
        regex=regex,
        json=wants_json,
        max_output_tokens=limit,
    )


def _strings(value: dict[str, Any], key: str) -> tuple[str, ...]:
    item = value.get(key)
    if item is None:
        return ()
    if isinstance(item, str):
        return (item,)
    if isinstance(item, list) and all(isinstance(s, str) for s in item):
        return tuple(item)
    raise ExpectError(f"{key} must be a string or a list of strings")


def failed_checks(expect: Expect, text: str, output_tokens: int) -> list[str]:
    """The checks ``text`` fails, one short description each (empty: it passes)."""
    failures = [f"contains {s!r}" for s in expect.contains if s not in text]
    failures += [f"not_contains {s!r}" for s in expect.not_contains if s in text]
    failures += [f"regex {p!r}" for p in expect.regex if re.search(p, text) is None]
    if expect.json and not _is_json(text):
        failures.append("json")
    if expect.max_output_tokens is not None and output_tokens > expect.max_output_tokens:
        failures.append(f"max_output_tokens {expect.max_output_tokens} ({output_tokens})")
    return failures


def _is_json(text: str) -> bool:
    fenced = _FENCE.match(text)
    body = fenced.group(1) if fenced else text
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True
