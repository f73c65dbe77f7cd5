"""``.env`` files, parsed by python-dotenv: the format's reference parser.

What python-dotenv accepts is what most tools that write ``.env`` files expect: comments,
``export KEY=VALUE``, single quotes (literal), double quotes (escapes, may span lines),
inline `` #`` comments after unquoted values, ``\\r\\n`` line ends and a BOM. ``${VAR}`` is
*not* expanded (``interpolate=False``: a key file holds literal keys). A later assignment
of the same name wins; a bare ``NAME`` without ``=`` has no value and is skipped.

The values are exactly ``dotenv_values(stream, interpolate=False)``, but taken from the
parser it is built on (``dotenv.parser.parse_stream``), because ``dotenv_values`` reports
a bad line only through a logging warning (printed over the TUI when logging is not
configured) and does not return the line numbers. Bad lines are reported by number, never
by content: they may hold secrets.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from dotenv.parser import parse_stream

from playground.local_files import LocalFileError, MiB, read_bounded

MAX_DOTENV_BYTES = 1 * MiB
"""A ``.env`` file holds a few keys; a larger one is not read (nor a FIFO or device)."""


@dataclass(slots=True)
class DotEnv:
    """Parsed values and the 1-based numbers of lines that could not be parsed."""

    values: dict[str, str] = field(default_factory=dict)
    bad_lines: list[int] = field(default_factory=list)


def read_dotenv(path: Path) -> DotEnv | None:
    """Parse ``path``; None when it is missing, unreadable, not a regular file, over
    :data:`MAX_DOTENV_BYTES` or not UTF-8."""
    try:
        text = read_bounded(path, MAX_DOTENV_BYTES).decode("utf-8")
    except (LocalFileError, UnicodeDecodeError):
        return None
    return parse_dotenv(text)


def parse_dotenv(text: str) -> DotEnv:
    """Parse the text of a ``.env`` file (a leading BOM is ignored)."""
    result = DotEnv()
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            result.bad_lines.append(binding.original.line)
        elif binding.key is not None and binding.value is not None:
            result.values[binding.key] = binding.value
        elif binding.key is not None:  # a bare NAME unsets it, as in dotenv_values (None)
            result.values.pop(binding.key, None)
    return result
