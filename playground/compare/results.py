"""``results.jsonl``: one finished (prompt, model, run) cell per line, appended and flushed
as each cell finishes, so an interrupted run keeps every finished cell and a rerun with the
same output directory skips them.

Fields (DESIGN.md, "Compare"): ``prompt_id, model, run, answered_by, hops, ttft_ms,
tokens_per_s, input_tokens, output_tokens, reasoning_tokens, cost_usd, stop_reason,
error_kind, text`` (``error_kind`` null on success; ``hops`` is the 1-based position in the
fallback chain of the candidate that answered or failed last, so 1 means no fallback), plus
``error`` (the one-line reason), ``fallbacks`` (``[{from, to, reason}]``), ``retries`` and
``thinking_text``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

RESULTS_FILE = "results.jsonl"

CellKey = tuple[str, str, int]
"""(prompt_id, model, run) — what makes a cell unique."""


def cell_key(record: dict[str, Any]) -> CellKey:
    """The key of a results record."""
    return (str(record["prompt_id"]), str(record["model"]), int(record["run"]))


class ResultsStore:
    """The results file of one output directory: read what finished, append new cells.

    A line cut off by a crash (no trailing newline, or not JSON) is dropped when the file is
    opened, so the file stays valid JSON lines. Use as a context manager or call
    :meth:`close`.
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / RESULTS_FILE
        self.records: dict[CellKey, dict[str, Any]] = {}
        self._repair_and_load()
        # errors="replace": a lone surrogate a provider escaped into its JSON must not stop
        # the run; it is written as "?" like any other text that is not valid Unicode.
        self._file: IO[str] = open(self.path, "a", encoding="utf-8", errors="replace")  # noqa: SIM115

    def _repair_and_load(self) -> None:
        if not self.path.exists():
            return
        raw = self.path.read_bytes()
        keep = raw[: raw.rfind(b"\n") + 1]  # a torn last line (no newline) is dropped
        good: list[bytes] = []
        for line in keep.splitlines():
            try:
                record = json.loads(line)
                key = cell_key(record)
            except (ValueError, KeyError, TypeError):
                continue  # not a record of ours: dropped rather than crashing the rerun
            if key not in self.records:
                self.records[key] = record
                good.append(line)
        repaired = b"".join(line + b"\n" for line in good)
        if repaired != raw:
            tmp = self.path.with_suffix(".jsonl.tmp")
            tmp.write_bytes(repaired)
            os.replace(tmp, self.path)

    def __contains__(self, key: CellKey) -> bool:
        return key in self.records

    def append(self, record: dict[str, Any]) -> None:
        """Write one finished cell as one line and flush it to the OS."""
        key = cell_key(record)
        if key in self.records:
            return
        self._file.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
        self._file.flush()
        self.records[key] = record

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records.values())

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
