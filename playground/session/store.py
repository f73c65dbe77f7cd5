"""Append-only JSON-lines persistence of a session, flushed in batches.

Text and thinking deltas are coalesced per pane and written at most every
``FLUSH_INTERVAL_S`` (and at every turn end), so a crash loses at most that much output
while the hot path never writes per token. Records never hold secrets: router events carry
masked keys only.

The file is created at the session's first prompt, not when the app opens: until then its
records (header, panes, settings) wait in memory, so opening and closing the app leaves no
empty session behind.

Record types (one JSON object per line, field ``t``): ``session`` (header), ``settings``,
``pane`` (added, model changed or cleared), ``pane_removed``, ``order``, ``message`` (a
conversation message), ``event`` (a stream event, deltas coalesced), ``turn_start`` and
``turn_end``.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from playground.events import StreamEvent, TextDelta, ThinkingDelta
from playground.request import Message
from playground.session.transcript import Turn, message_to_dict

if TYPE_CHECKING:
    from playground.session.pane import Pane

FLUSH_INTERVAL_S = 0.5
FORMAT_VERSION = 1


def sessions_dir() -> Path:
    """Where sessions are saved: ``user_data_path("playground")/sessions``."""
    from platformdirs import user_data_path

    return user_data_path("playground", appauthor=False) / "sessions"


def session_files(directory: Path | None = None) -> list[Path]:
    """Saved session files, most recently written first."""
    folder = directory or sessions_dir()
    try:
        files = [p for p in folder.glob("*.jsonl") if p.is_file()]
    except OSError:
        return []
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def latest_session_file(
    directory: Path | None = None, *, with_panes: bool = False, with_turns: bool = False
) -> Path | None:
    """The most recently written session file, or None; ``with_panes`` skips sessions that
    never had a pane, ``with_turns`` sessions where nothing was ever sent."""
    for path in session_files(directory):
        if with_turns and not summarize_session(path).turns:
            continue
        if not with_panes or _has_panes(path):
            return path
    return None


def _has_panes(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return any('"t": "pane"' in line for line in file)
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What a session list shows of one saved session."""

    id: str
    path: Path
    started: str
    panes: list[str]
    turns: int

    def to_dict(self) -> dict[str, object]:
        """The ``playground sessions --json`` object."""
        return {
            "id": self.id,
            "started": self.started,
            "panes": self.panes,
            "turns": self.turns,
            "path": str(self.path),
        }


def summarize_session(path: Path) -> SessionSummary:
    """Id, start time, current panes (in order) and their turns (closed panes and cleared
    conversations do not count: what ``--resume`` would show).

    An unreadable file summarizes as having no panes and no turns.
    """
    try:
        records = read_records(path)
    except OSError:
        records = []
    header = records[0] if records and records[0].get("t") == "session" else {}
    specs: dict[str, str] = {}
    order: list[str] = []
    turns: dict[str, int] = {}  # per pane; what a resume would show
    for record in records:
        kind, pane = record.get("t"), record.get("pane")
        if kind == "pane" and "spec" in record:
            specs[pane] = record["spec"]
            if pane not in order:
                order.append(pane)
            if record.get("cleared"):
                turns[pane] = 0
        elif kind == "pane_removed" and pane in order:
            order.remove(pane)
        elif kind == "order":
            order = [p for p in record.get("panes", []) if p in specs]
        elif kind == "turn_start" and pane in specs:
            turns[pane] = turns.get(pane, 0) + 1
    return SessionSummary(
        id=str(header.get("id") or path.stem),
        path=path,
        started=str(header.get("created") or ""),
        panes=[specs[p] for p in order],
        turns=sum(turns.get(p, 0) for p in order),
    )


def list_sessions(directory: Path | None = None) -> list[SessionSummary]:
    """Every saved session, most recently written first."""
    return [summarize_session(path) for path in session_files(directory)]


def find_session(key: str, directory: Path | None = None) -> Path | None:
    """The session file whose id or file name is ``key`` (or starts with it, if unique)."""
    sessions = list_sessions(directory)
    for summary in sessions:
        if key in (summary.id, summary.path.stem, summary.path.name):
            return summary.path
    matches = [s.path for s in sessions if s.id.startswith(key) or s.path.stem.startswith(key)]
    return matches[0] if len(matches) == 1 else None


def prune_empty_sessions(directory: Path | None = None) -> list[Path]:
    """Delete saved sessions in which nothing was ever sent; returns the deleted files."""
    removed = []
    for summary in list_sessions(directory):
        if summary.turns:
            continue
        try:
            summary.path.unlink()
        except OSError:
            continue
        removed.append(summary.path)
    return removed


class SessionStore:
    """Writes one session's records; ``path=None`` keeps nothing (``ask`` without saving)."""

    def __init__(self, path: Path | None, *, clock: Any = time.monotonic) -> None:
        self.path = path
        self._clock = clock
        self._file: IO[str] | None = None
        self._lines: list[str] = []
        # Coalesced deltas: pane id -> [event type, text chunks]
        self._pending: dict[str, list[Any]] = {}
        self._timer: asyncio.TimerHandle | None = None
        # False until the first prompt: records wait in memory, no file is created.
        self._started = path is not None and path.exists()

    @property
    def started(self) -> bool:
        """Whether the file exists (it is created at the session's first prompt)."""
        return self._started

    @classmethod
    def new(cls, directory: Path | None = None) -> SessionStore:
        """A store writing a new file named after the current time."""
        folder = directory or sessions_dir()
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return cls(folder / f"{stamp}-{uuid.uuid4().hex[:6]}.jsonl")

    @classmethod
    def disabled(cls) -> SessionStore:
        """A store that keeps nothing."""
        return cls(None)

    @classmethod
    def reopen(cls, path: Path) -> SessionStore:
        """Continue appending to an existing session file."""
        return cls(path)

    # --- records --------------------------------------------------------------------------

    def header(self, session_id: str) -> None:
        """Write the session header."""
        self._write(
            {
                "t": "session",
                "version": FORMAT_VERSION,
                "id": session_id,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )

    def settings(self, **values: str | None) -> None:
        """Session-wide settings changed (``thinking``)."""
        self._write({"t": "settings", **values})

    def pane(self, pane: Pane, *, cleared: bool = False) -> None:
        """A pane was added, changed model or was cleared."""
        record = {
            "t": "pane",
            "pane": pane.id,
            "spec": pane.spec,
            "thinking": str(pane.thinking) if pane.thinking else None,
        }
        if cleared:
            record["cleared"] = True
        self._write(record)

    def pane_removed(self, pane: Pane) -> None:
        """A pane was closed."""
        self._write({"t": "pane_removed", "pane": pane.id})

    def order(self, panes: list[Pane]) -> None:
        """The panes were reordered."""
        self._write({"t": "order", "panes": [p.id for p in panes]})

    def message(self, pane: Pane, message: Message) -> None:
        """A conversation message joined the pane's history."""
        self._write({"t": "message", "pane": pane.id, "message": message_to_dict(message)})

    def turn_start(self, pane: Pane, turn: Turn) -> None:
        """A turn began (the first one creates the file)."""
        self._started = True
        self._write(
            {
                "t": "turn_start",
                "pane": pane.id,
                "prompt": turn.prompt,
                "spec": turn.spec,
                "thinking": turn.thinking,
                "images": turn.images,
                **({"retry": True} if turn.retry else {}),
            }
        )

    def event(self, pane: Pane, event: StreamEvent) -> None:
        """A stream event; text and thinking deltas are coalesced until the next flush."""
        if self.path is None:
            return
        kind = type(event)
        if kind is TextDelta or kind is ThinkingDelta:
            pending = self._pending.get(pane.id)
            if pending is not None and pending[0] is kind and not getattr(event, "signature", None):
                pending[1].append(event.text)  # type: ignore[union-attr]
            else:
                self._drain(pane.id)
                if getattr(event, "signature", None):
                    self._lines.append(self._line(pane.id, event.to_dict()))
                else:
                    self._pending[pane.id] = [kind, [event.text]]  # type: ignore[union-attr]
        else:
            self._drain(pane.id)
            self._lines.append(self._line(pane.id, event.to_dict()))
        self._schedule()

    def turn_end(self, pane: Pane, turn: Turn) -> None:
        """A turn finished: write its summary and flush everything now."""
        if self.path is None:
            return
        self._drain(pane.id)
        self._write(
            {
                "t": "turn_end",
                "pane": pane.id,
                "status": turn.status,
                "stop_reason": turn.stop_reason,
                "metrics": turn.metrics,
                "notes": turn.notes,
            }
        )
        self.flush()

    # --- writing --------------------------------------------------------------------------

    def _line(self, pane_id: str, event: dict[str, Any]) -> str:
        return json.dumps({"t": "event", "pane": pane_id, "event": event}, ensure_ascii=False)

    def _drain(self, pane_id: str) -> None:
        pending = self._pending.pop(pane_id, None)
        if pending is not None:
            kind, chunks = pending
            self._lines.append(self._line(pane_id, kind(text="".join(chunks)).to_dict()))

    def _write(self, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        for pane_id in list(self._pending):
            self._drain(pane_id)
        self._lines.append(json.dumps(record, ensure_ascii=False))
        self.flush()

    def _schedule(self) -> None:
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._timer = loop.call_later(FLUSH_INTERVAL_S, self.flush)

    def flush(self) -> None:
        """Write everything buffered to disk (called by the timer, at turn end and close)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.path is None or not self._started:
            return
        for pane_id in list(self._pending):
            self._drain(pane_id)
        if not self._lines:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._file.write("\n".join(self._lines) + "\n")
        self._file.flush()
        self._lines.clear()

    def close(self) -> None:
        """Flush and close the file."""
        self.flush()
        if self._file is not None:
            self._file.close()
            self._file = None


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read a session file, skipping a torn last line (a crash mid-write) and any line that
    is not a JSON object; bytes that are not UTF-8 become U+FFFD (the line is kept)."""
    records = []
    with path.open("rb") as file:
        for raw in file:
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records
