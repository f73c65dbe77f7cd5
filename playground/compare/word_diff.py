"""A word-level diff of two answers (difflib over word and whitespace tokens).

Whitespace is kept as tokens of its own, so joining the pieces gives back either answer
exactly; a changed word never swallows the space or line break next to it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "delete", "insert"]

TOKEN = re.compile(r"\s+|[^\s]+")
DELETE_MARKS = ("[-", "-]")
INSERT_MARKS = ("{+", "+}")
"""``git diff --word-diff`` style markers: the diff reads without colour."""


@dataclass(frozen=True, slots=True)
class DiffPiece:
    """A run of text that both answers share, or that only the first (``delete``) or only
    the second (``insert``) has."""

    kind: Kind
    text: str


def tokens(text: str) -> list[str]:
    """Words and the whitespace between them, in order (joined: ``text`` again)."""
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """The pieces that turn ``old`` into ``new``; adjacent pieces of a kind are merged."""
    a, b = tokens(old), tokens(new)
    pieces: list[DiffPiece] = []

    def add(kind: Kind, parts: Sequence[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = DiffPiece(kind, pieces[-1].text + text)
        else:
            pieces.append(DiffPiece(kind, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            add("same", a[a0:a1])
        else:
            add("delete", a[a0:a1])
            add("insert", b[b0:b1])
    return pieces


def side(pieces: Sequence[DiffPiece], kind: Kind) -> str:
    """One answer back from its diff: ``delete`` gives the first, ``insert`` the second."""
    return "".join(piece.text for piece in pieces if piece.kind in ("same", kind))


def marked(pieces: Sequence[DiffPiece]) -> str:
    """The diff as plain text: ``[-only in the first-]{+only in the second+}``."""
    out = []
    for piece in pieces:
        if piece.kind == "delete":
            out.append(DELETE_MARKS[0] + piece.text + DELETE_MARKS[1])
        elif piece.kind == "insert":
            out.append(INSERT_MARKS[0] + piece.text + INSERT_MARKS[1])
        else:
            out.append(piece.text)
    return "".join(out)


def word_counts(pieces: Sequence[DiffPiece]) -> dict[Kind, int]:
    """How many words each kind of piece holds (whitespace not counted)."""
    counts: dict[Kind, int] = {"same": 0, "delete": 0, "insert": 0}
    for piece in pieces:
        counts[piece.kind] += len(piece.text.split())
    return counts
