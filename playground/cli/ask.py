"""``playground ask``: stream one prompt to one or more models, as text or JSON lines.

Exit codes: 0 every pane finished, 1 any pane failed after its fallbacks, 2 usage or
config errors (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from playground.reliability.waits import json_safe

if TYPE_CHECKING:
    from playground.events import StreamEvent
    from playground.request import ImagePart
    from playground.session import Pane, Session
    from playground.tools.demo import ToolSet

JSON_TYPES = frozenset(
    {
        "text",
        "thinking",
        "tool_call",
        "tool_result",
        "usage",
        "done",
        "error",
        "attempt",
        "retry",
        "fallback",
        "key_rotated",
        "cooldown",
        "circuit_open",
        "circuit_half_open",
    }
)
"""Event types printed by ``--json`` (the CLI contract); stream-internal events are omitted."""

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_MIN_COLUMN = 30
_JSON_FLUSH_S = 0.05


class UsageError(Exception):
    """Bad command-line input or config; printed as one line, exit code 2."""


def run(args: argparse.Namespace) -> int:
    """Run ``playground ask``."""
    try:
        session, images, tools, prompt = _prepare(args)
    except UsageError as exc:
        print(f"playground ask: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug must still be one line, never a traceback
        print(f"playground ask: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return asyncio.run(_ask(session, prompt, images, tools, as_json=args.json))
    except BrokenPipeError:
        raise  # `| head`: the entry point ends quietly (playground.cli.main)
    except Exception as exc:  # a bug must still be one line, never a traceback
        print(f"playground ask: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _prepare(
    args: argparse.Namespace,
) -> tuple[Session, list[ImagePart], ToolSet | None, str]:
    from playground.catalog import CatalogError
    from playground.config.loader import ConfigError, load_config
    from playground.request import ThinkingLevel
    from playground.resolve import ResolveError
    from playground.session import Session

    if args.max_tokens is not None and args.max_tokens < 1:
        raise UsageError("--max-tokens must be a positive number")
    try:
        config, _ = load_config(args.config)
    except ConfigError as exc:
        raise UsageError(f"config error: {exc}") from None
    overlay = _framework_overlay(args)
    prompt = _read_prompt(args.prompt)
    images = [read_image(path) for path in args.image]
    tools = _tools(args.tools)
    try:
        session = Session.open(config, overlay=overlay, persist=False)
    except CatalogError as exc:
        raise UsageError(str(exc)) from None
    if args.thinking:
        session.thinking = ThinkingLevel(args.thinking)
    if args.system is not None:
        session.system = args.system
    if args.max_tokens is not None:
        session.max_tokens = args.max_tokens
    for spec in args.models:
        try:
            session.add_pane(spec)
        except ResolveError as exc:
            raise UsageError(f"-m {spec}: {exc}") from None
    return session, images, tools, prompt


def _framework_overlay(args: argparse.Namespace) -> Any:
    if not getattr(args, "from_path", None):
        return None
    from playground.frameworks import framework_overlay, load_framework

    report = load_framework(Path(args.from_path), getattr(args, "framework", None))
    if report.errors and not report.agents and not report.keys:
        raise UsageError(f"--from {args.from_path}: {report.errors[0]}")
    return framework_overlay(report)


def _read_prompt(prompt: str) -> str:
    if prompt == "-":
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise UsageError("the prompt is empty")
    return prompt


def read_image(path: str) -> ImagePart:
    """Read an image file for ``--image``; raises :class:`UsageError` with one line."""
    from playground.request import ImagePart

    file = Path(path).expanduser()
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"--image {path}: file not found") from None
    except OSError as exc:
        raise UsageError(f"--image {path}: cannot read: {exc.strerror or exc}") from None
    media_type = image_media_type(data)
    if media_type is None:
        raise UsageError(f"--image {path}: not a PNG, JPEG, GIF or WebP image")
    return ImagePart.from_bytes(data, media_type)


def image_media_type(data: bytes) -> str | None:
    """The media type from the file's magic bytes, or None when it is no supported image."""
    for magic, media_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _tools(value: str | None) -> ToolSet | None:
    if not value:
        return None
    from playground.tools.demo import ToolsFileError, demo_tools, load_tools_file

    if value == "demo":
        return demo_tools()
    try:
        return load_tools_file(value)
    except ToolsFileError as exc:
        raise UsageError(str(exc)) from None


async def _ask(
    session: Session,
    prompt: str,
    images: list[ImagePart],
    tools: ToolSet | None,
    *,
    as_json: bool,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    printer: JsonPrinter | PlainPrinter
    printer = JsonPrinter(session, out) if as_json else PlainPrinter(session, out)
    try:
        async for index, event in session.send_all(prompt, images=images, tools=tools):
            printer.event(index, event)
    finally:
        printer.close()
        await session.aclose()
    failed = [p for p in session.panes if p.metrics.status != "done"]
    if not as_json:
        for pane in failed:
            print(f"playground ask: {pane.spec}: {pane.metrics.error or 'failed'}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


class JsonPrinter:
    """One JSON object per event and line: ``{"pane": i, "model": spec, "type": ..., ...}``.

    Text and thinking lines are built from a cached per-pane prefix (the hot path); output
    is flushed within ``_JSON_FLUSH_S`` of each event and at the end.
    """

    def __init__(self, session: Session, out: TextIO) -> None:
        self._session = session
        self._out = out
        self._prefixes = [
            f'{{"pane": {i}, "model": {json.dumps(p.spec)}, ' for i, p in enumerate(session.panes)
        ]
        self._timer: asyncio.TimerHandle | None = None

    def event(self, index: int, event: StreamEvent) -> None:
        """Print one event."""
        kind = event.type
        if kind not in JSON_TYPES:
            return
        prefix = self._prefixes[index]
        if kind == "text" or (kind == "thinking" and not event.signature):  # type: ignore[union-attr]
            text = json.dumps(event.text, ensure_ascii=False)  # type: ignore[union-attr]
            line = f'{prefix}"type": "{kind}", "text": {text}}}\n'
        else:
            data = event.to_dict()
            if kind == "done":
                for name in ("ttft_ms", "tokens_per_s", "cost_usd", "answered_by"):
                    data.setdefault(name, None)
                data.update(self._done_extras(self._session.panes[index]))
            elif kind == "error":
                data.setdefault("status", None)
            fields = json.dumps(json_safe(data), ensure_ascii=False)  # never Infinity/NaN
            line = f"{prefix}{fields[1:]}\n"
        self._out.write(line)
        self._schedule_flush()

    @staticmethod
    def _done_extras(pane: Pane) -> dict[str, Any]:
        metrics = pane.metrics
        return {
            "input_tokens": metrics.input_tokens,
            "output_tokens": metrics.output_tokens,
            "reasoning_tokens": metrics.reasoning_tokens,
            "hop": metrics.hop,
            "steps": metrics.steps + 1,
            "step_limit_reached": pane.step_limit_reached,
            "thinking": metrics.thinking_label,
        }

    def _schedule_flush(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(_JSON_FLUSH_S, self._flush)

    def _flush(self) -> None:
        self._timer = None
        self._out.flush()

    def close(self) -> None:
        """Flush everything."""
        if self._timer is not None:
            self._timer.cancel()
        self._flush()


class PlainPrinter:
    """Human output: one pane streams live; several panes print side by side in columns when
    the terminal is wide enough, else as sequential sections as each pane finishes."""

    def __init__(self, session: Session, out: TextIO, status: TextIO | None = None) -> None:
        self._session = session
        self._out = out
        self._panes = session.panes
        self._live = len(self._panes) == 1
        self._tty = out.isatty()
        self._width = shutil.get_terminal_size((100, 24)).columns
        self._blocks: list[list[list[str]]] = [[] for _ in self._panes]
        self._done: set[int] = set()
        self._at_line_start = True
        self._flush_timer: asyncio.TimerHandle | None = None
        if self._live:
            self._write_live(f"── {self._panes[0].spec} " + "─" * 20 + "\n")
        self._status = status or (None if self._live else _tty_stream(sys.stderr))
        self._status_at = 0.0

    def event(self, index: int, event: StreamEvent) -> None:
        """Collect (or, for a single pane, print) one event."""
        kind = event.type
        if kind in ("text", "thinking"):
            self._content(index, kind, event.text)  # type: ignore[union-attr]
            return
        line = describe(event)
        if line is not None:
            self._content(index, "note", line)
        if kind in ("done", "error"):
            self._finish(index)
        if self._status is not None:
            self._show_status()

    def _show_status(self, *, final: bool = False) -> None:
        """A one-line live summary of every pane on the terminal (stderr), ~10 times/s."""
        import time

        now = time.monotonic()
        if not final and now - self._status_at < 0.1:
            return
        self._status_at = now
        width = shutil.get_terminal_size((100, 24)).columns - 1
        cells = [
            f"[{i + 1}] {p.metrics.status} {p.metrics.output_tokens} tok"
            for i, p in enumerate(self._panes)
        ]
        line = "" if final else " · ".join(cells)[:width]
        self._status.write("\r\x1b[2K" + line)  # type: ignore[union-attr]
        self._status.flush()  # type: ignore[union-attr]

    def _content(self, index: int, kind: str, text: str) -> None:
        blocks = self._blocks[index]
        if blocks and blocks[-1][0] == kind and kind != "note":
            blocks[-1].append(text)
        else:
            blocks.append([kind, text])
        if self._live:
            if kind == "note":
                self._write_live(("" if self._at_line_start else "\n") + f"  {text}\n")
            elif kind == "thinking":
                self._write_live(_dim(text, self._tty))
            else:
                self._write_live(text)

    def _write_live(self, text: str) -> None:
        if text:
            self._out.write(text)
            self._at_line_start = text.endswith("\n")
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        """Flush within ``_JSON_FLUSH_S``: live to the eye, without a syscall per token."""
        if self._flush_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._out.flush()
                return
            self._flush_timer = loop.call_later(_JSON_FLUSH_S, self._flush)

    def _flush(self) -> None:
        self._flush_timer = None
        self._out.flush()

    def _finish(self, index: int) -> None:
        self._done.add(index)
        pane = self._panes[index]
        for note in pane.turns[-1].notes if pane.turns else ():
            self._content(index, "note", f"⚠ {note}")
        if self._live:
            footer = metrics_footer(self._panes[index])
            self._write_live(("" if self._at_line_start else "\n") + footer + "\n")
            return
        if self._columns_fit():
            return  # printed together at close
        self._out.write(self._section(index))
        self._out.flush()

    def _columns_fit(self) -> bool:
        count = len(self._panes)
        return self._tty and count > 1 and self._width // count >= _MIN_COLUMN

    def _section(self, index: int) -> str:
        pane = self._panes[index]
        body = _render_blocks(self._blocks[index], self._tty)
        header = f"── [{index + 1}] {pane.spec} " + "─" * 20
        return f"{header}\n{body.rstrip()}\n{metrics_footer(pane)}\n\n"

    def close(self) -> None:
        """Print what is still pending (the columns, or unfinished panes)."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._live:
            self._out.flush()
            return
        if self._status is not None:
            self._show_status(final=True)
        if self._columns_fit():
            self._out.write(self._columns())
        else:
            for index in range(len(self._panes)):
                if index not in self._done:
                    self._out.write(self._section(index))
        self._out.flush()

    def _columns(self) -> str:
        import textwrap

        count = len(self._panes)
        width = self._width // count - 3
        columns: list[list[str]] = []
        for index, pane in enumerate(self._panes):
            lines = [f"[{index + 1}] {pane.spec}"[:width], "─" * width]
            for raw in _render_blocks(self._blocks[index], False).rstrip().splitlines():
                lines += textwrap.wrap(raw, width) or [""]
            lines += ["─" * width, *textwrap.wrap(metrics_footer(pane), width)]
            columns.append(lines)
        height = max(len(c) for c in columns)
        rows = []
        for row in range(height):
            cells = [(c[row] if row < len(c) else "").ljust(width) for c in columns]
            rows.append(" │ ".join(cells).rstrip())
        return "\n".join(rows) + "\n"


def _tty_stream(stream: TextIO) -> TextIO | None:
    try:
        return stream if stream.isatty() else None
    except (AttributeError, ValueError):
        return None


def _render_blocks(blocks: list[list[str]], tty: bool) -> str:
    out: list[str] = []
    for kind, *chunks in blocks:
        text = "".join(chunks)
        if kind == "thinking":
            out.append(_dim("thinking: " + text.strip(), tty) + "\n")
        elif kind == "note":
            out.append(f"  {text}\n")
        else:
            out.append(text if text.endswith("\n") else text + "\n")
    return "".join(out)


def _dim(text: str, tty: bool) -> str:
    return f"\x1b[2m{text}\x1b[0m" if tty and text else text


def describe(event: StreamEvent) -> str | None:
    """One human line for a router, tool or error event (None for content events)."""
    data = event.to_dict()
    kind = data["type"]
    lines: dict[str, Callable[[], str]] = {
        "retry": lambda: (
            f"⟳ {_short(data['reason'])} · retry {data['candidate']} in "
            f"{data['delay_s']:.1f} s ({_retry_source(data)})"
        ),
        "fallback": lambda: f"✗ {_short(data['reason'])} · fallback {data['from']} → {data['to']}",
        "key_rotated": lambda: f"⚷ key rotated for {data['provider']} → {data['key']}",
        "cooldown": lambda: f"❄ {data['candidate']} cooling down for {data['delay_s']:.1f} s",
        "circuit_open": lambda: (
            f"⊘ circuit open for {data['candidate']} "
            f"({data.get('failures', 0)} failures, {data['delay_s']:.1f} s)"
        ),
        "circuit_half_open": lambda: f"◐ circuit half-open: probing {data['candidate']}",
        "tool_call": lambda: f"⚒ {data['name']}({json.dumps(data.get('arguments', {}))})",
        "tool_result": lambda: (
            ("✗ " if data.get("is_error") else "↳ ") + f"{data['name']}: {data['content']}"
        ),
        "error": lambda: (
            f"✗ {data['kind']}"
            + (f" {data['status']}" if data.get("status") else "")
            + f": {data['message']}"
        ),
    }
    render = lines.get(kind)
    return render() if render else None


def _short(reason: str) -> str:
    """The head of a router reason (``rate_limited (429)``) without the provider's message."""
    head = reason.split(": ", 1)[0]
    return head if len(head) <= 60 else head[:59] + "…"


def _retry_source(data: dict[str, Any]) -> str:
    return "Retry-After" if data.get("source") == "retry_after" else "backoff"


def metrics_footer(pane: Pane) -> str:
    """The one-line metrics summary printed under a pane."""
    m = pane.metrics
    status = {"done": "✓ done", "failed": "✗ failed", "cancelled": "■ cancelled"}.get(
        str(m.status), str(m.status)
    )
    parts = [status]
    if m.hop > 1 and m.answered_by:
        parts.append(f"via {m.answered_by} (hop {m.hop})")
    if m.ttft_ms is not None:
        parts.append(f"TTFT {_duration(m.ttft_ms)}")
    if m.tokens_per_s is not None:
        parts.append(f"{m.tokens_per_s:,.0f} tok/s")
    parts.append(f"{m.input_tokens:,} in · {m.output_tokens:,} out")
    if m.reasoning_tokens:
        parts.append(f"{m.reasoning_tokens:,} reasoning")
    if m.cost_usd is not None:
        parts.append(f"${m.cost_usd:.4f}")
    if m.thinking_label and m.thinking_label != "n/a":
        parts.append(f"thinking {m.thinking_label}")
    if pane.step_limit_reached:
        parts.append("tool step limit reached")
    return "  ".join(parts)


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
