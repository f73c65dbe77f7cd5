"""``${VAR}`` interpolation of config strings, reporting unset variables instead of hiding them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def interpolate(value: str, env: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """Replace ``${VAR}`` with its value; return the result and the names that were unset."""
    env = os.environ if env is None else env
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in env:
            return env[name]
        missing.append(name)
        return ""

    return _VAR.sub(substitute, value), missing
