"""A small ``.env`` parser: ``KEY=VALUE`` lines, quotes, ``export`` prefix and comments.

Rules (the common subset of python-dotenv, docker compose and shells):

- blank lines and lines starting with ``#`` are ignored; ``export KEY=VALUE`` is accepted;
- spaces around ``=`` are allowed;
- single-quoted values are literal; double-quoted values understand ``\\n``, ``\\t``, ``\\"``
  and ``\\\\`` and may span lines; anything after the closing quote is ignored;
- unquoted values end at `` #`` (an inline comment) and are stripped;
- ``${VAR}`` is *not* expanded (a key file should hold literal keys);
- a later assignment of the same name wins.

Lines that do not parse are reported by number, never by content (they may hold secrets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ASSIGN = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.*)$", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


@dataclass(slots=True)
class DotEnv:
    """Parsed values and the 1-based numbers of lines that could not be parsed."""

    values: dict[str, str] = field(default_factory=dict)
    bad_lines: list[int] = field(default_factory=list)


def read_dotenv(path: Path) -> DotEnv | None:
    """Parse ``path``; None when it does not exist or cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_dotenv(text)


def parse_dotenv(text: str) -> DotEnv:
    """Parse the text of a ``.env`` file."""
    result = DotEnv()
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ASSIGN.match(line)
        if not match:
            result.bad_lines.append(number)
            continue
        name, raw = match.group(1), match.group(2)
        if raw.startswith('"'):
            body = raw[1:]
            while _closing_quote(body) is None and index < len(lines):
                body += "\n" + lines[index]
                index += 1
            end = _closing_quote(body)
            if end is None:
                result.bad_lines.append(number)
                continue
            result.values[name] = _unescape(body[:end])
        elif raw.startswith("'"):
            end = raw.find("'", 1)
            if end == -1:
                result.bad_lines.append(number)
                continue
            result.values[name] = raw[1:end]
        else:
            result.values[name] = re.split(r"\s#", raw, maxsplit=1)[0].strip()
    return result


def _closing_quote(body: str) -> int | None:
    escaped = False
    for position, char in enumerate(body):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return position
    return None


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)
