"""Parsing one JSON value per stream chunk, without ``json.loads``'s Python-level wrapper.

``json.loads`` spends about a third of its time in Python code around the C scanner (regex
whitespace checks, decoder dispatch). Stream chunks are small and many, so adapters call
the C scanner directly; anything it rejects goes through ``json.loads``, which raises the
usual ``ValueError`` with a precise message.
"""

from __future__ import annotations

import json
from json.scanner import make_scanner
from typing import Any

_scan_once = make_scanner(json.JSONDecoder())


def loads(text: str) -> Any:
    """Parse the JSON value at the start of ``text`` (trailing padding is ignored)."""
    try:
        return _scan_once(text, 0)[0]
    except StopIteration:
        return json.loads(text)  # leading whitespace is fine; otherwise a clear ValueError
