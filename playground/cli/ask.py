"""``playground ask``: stream one prompt to one or more models, as text or JSON lines.

Exit codes: 0 every pane finished, 1 any pane failed after its fallbacks, 2 usage or
config errors (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import sys
from collections.abc import Callable
from json.encoder import encode_basestring as _json_string  # = json.dumps(s, ensure_ascii=False)
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from playground.reliability.waits import json_safe
from playground.session.metrics import wait_text

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

_SURROGATES = re.compile(r"[\ud800-\udfff]")
_JSON_FLUSH_S = 0.05
_MAX_PENDING_WRITES = 4096
"""Pieces of output kept for the next batched write at most (bounds memory in a flood)."""
_FINAL = frozenset({"done", "failed", "cancelled"})


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
    images = [_read_image(path) for path in args.image]
    tools = _tools(args.tools)
    try:
        session = Session.open(config, overlay=overlay, persist=False)
    except CatalogError as exc:
        raise UsageError(str(exc)) from None
    if args.thinking:
        session.thinking = ThinkingLevel(args.thinking)
    if args.system is not None:
        system, bad = _replace_surrogates(args.system)
        if bad:
            _warn_replaced("--system", bad)
        session.system = system
    if args.max_tokens is not None:
        session.max_tokens = args.max_tokens
    for spec in args.models:
        _refuse_unreachable_agent(overlay, spec)
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


def _refuse_unreachable_agent(overlay: Any, spec: str) -> None:
    """``-m AGENT`` naming a framework agent whose model Playground cannot reach from files
    (a DjinnBot dashboard-only provider) is refused with the reason, not as a bad spec."""
    report = getattr(overlay, "report", None)
    agent = report.agent(spec) if report is not None else None
    if agent is not None and not agent.model_chain:
        why = agent.unresolved or f"see playground doctor --from for {report.framework}"
        raise UsageError(f"-m {spec}: agent {spec} has no model Playground can reach ({why})")


def _read_prompt(prompt: str | None) -> str:
    """The prompt from argv, or from standard input for ``-`` or when none is given and
    stdin is not a terminal; bounded, with undecodable bytes replaced (and a warning)."""
    if prompt is None or prompt == "-":
        if prompt is None and (sys.stdin is None or sys.stdin.isatty()):
            raise UsageError("no prompt given: pass it as an argument or pipe it in")
        text, bad = _decode(_stdin_bytes())
    else:
        text, bad = _replace_surrogates(prompt)
    if bad:
        _warn_replaced("the prompt", bad)
    if not text.strip():
        where = " (standard input was empty)" if prompt is None else ""
        raise UsageError(f"the prompt is empty{where}")
    return text


def _stdin_bytes() -> bytes:
    from playground.local_files import MAX_PROMPT_BYTES, LocalFileError, read_stream_bounded

    if sys.stdin is None:
        raise UsageError("no prompt given: standard input is closed")
    try:
        return read_stream_bounded(sys.stdin.buffer, MAX_PROMPT_BYTES)
    except LocalFileError as exc:
        raise UsageError(f"prompt on standard input: {exc}") from None


def _decode(data: bytes) -> tuple[str, int]:
    """UTF-8 text (a BOM dropped) and how many undecodable bytes became U+FFFD."""
    try:
        return data.decode("utf-8-sig"), 0
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="surrogateescape")
        return _replace_surrogates(text)


def _replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates (undecodable argv or stdin bytes, which Python keeps as
    ``\\udcXX``) replaced by U+FFFD, and their count. Providers only take valid UTF-8."""
    bad = len(_SURROGATES.findall(text))
    return (_SURROGATES.sub("\ufffd", text), bad) if bad else (text, 0)


def _warn_replaced(what: str, count: int) -> None:
    plural = "byte" if count == 1 else "bytes"
    print(
        f"playground ask: warning: {what} is not valid UTF-8; "
        f"{count} undecodable {plural} replaced with U+FFFD",
        file=sys.stderr,
    )


def _read_image(path: str) -> ImagePart:
    """Read an image file for ``--image``; raises :class:`UsageError` with one line."""
    from playground.local_files import LocalFileError, read_image

    try:
        return read_image(path)
    except LocalFileError as exc:
        raise UsageError(f"--image {path}: {exc}") from None


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
    reasons: dict[int, str] = {}
    try:
        async for index, event in session.send_all(prompt, images=images, tools=tools):
            printer.event(index, event)
            if event.type == "error":
                reasons[index] = (describe(event) or "").removeprefix("✗ ")
    finally:
        printer.close()
        await session.aclose()
    failed = [i for i, p in enumerate(session.panes) if p.metrics.status != "done"]
    if not as_json:
        for index in failed:
            pane = session.panes[index]
            reason = reasons.get(index) or pane.metrics.error or f"{pane.metrics.status}"
            reason = " ".join(reason.split())  # one line, whatever the provider sent
            print(f"playground ask: [{index + 1}] {pane.spec}: {reason}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


class JsonPrinter:
    """One JSON object per event and line: ``{"pane": i, "model": spec, "type": ..., ...}``.

    Text and thinking lines are built from a cached per-pane prefix (the hot path); lines
    are written in one batch and flushed within ``_JSON_FLUSH_S`` of each event, and at the
    end.
    """

    def __init__(self, session: Session, out: TextIO) -> None:
        self._session = session
        self._out = out
        self._prefixes = [
            f'{{"pane": {i}, "model": {json.dumps(p.spec)}, ' for i, p in enumerate(session.panes)
        ]
        self._timer: asyncio.TimerHandle | None = None
        self._lines: list[str] = []

    def event(self, index: int, event: StreamEvent) -> None:
        """Print one event."""
        kind = event.type
        if kind not in JSON_TYPES:
            return
        prefix = self._prefixes[index]
        if kind == "text" or (kind == "thinking" and not event.signature):  # type: ignore[union-attr]
            text = _json_string(event.text)  # type: ignore[union-attr]
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
        lines = self._lines
        lines.append(line)
        if len(lines) >= _MAX_PENDING_WRITES:
            self._write_pending()
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

    def _write_pending(self) -> None:
        self._out.write("".join(self._lines))
        self._lines.clear()

    def _flush(self) -> None:
        self._timer = None
        if self._lines:
            self._write_pending()
        self._out.flush()

    def close(self) -> None:
        """Flush everything."""
        if self._timer is not None:
            self._timer.cancel()
        self._flush()


class PlainPrinter:
    """Human output in pane order: each pane's block is complete and the blocks follow the
    ``-m`` order. The first unfinished pane streams live (on a terminal text appears as it
    arrives); later panes are buffered and printed as soon as every pane before them is done,
    so piped output never interleaves. Thinking and answer are labelled.

    When stdout is redirected but stderr is a terminal, a one-line live summary of every
    pane is kept on stderr.
    """

    def __init__(self, session: Session, out: TextIO, status: TextIO | None = None) -> None:
        self._out = out
        self._panes = session.panes
        tty = bool(_tty_stream(out))
        numbered = len(self._panes) > 1
        self._texts = [
            _PaneText(_header(index, pane.spec, numbered), tty, numbered)
            for index, pane in enumerate(self._panes)
        ]
        self._head = 0
        self._done: set[int] = set()
        self._flush_timer: asyncio.TimerHandle | None = None
        self._status = status or (None if tty else _tty_stream(sys.stderr))
        self._status_at = 0.0
        self._release(0)

    def event(self, index: int, event: StreamEvent) -> None:
        """Render one event into its pane's block (written now if that pane is the head)."""
        kind = event.type
        text = self._texts[index]
        if kind in ("text", "thinking"):
            text.content(kind, event.text)  # type: ignore[union-attr]
        else:
            line = describe(event)
            if line is not None:
                text.note(line)
            # An error may be followed by a fallback: only the pane's final event ends it.
            if kind in ("done", "error") and self._panes[index].metrics.status in _FINAL:
                self._finish(index)
        if index == self._head:
            # Written in a batch by the flush timer (or at once when the pending pieces pile
            # up); a finished pane releases everything right away in _finish.
            if text.pending >= _MAX_PENDING_WRITES:
                self._release(index)
            else:
                self._schedule_flush()
        if self._status is not None:
            self._show_status()

    def _finish(self, index: int) -> None:
        pane = self._panes[index]
        text = self._texts[index]
        for note in pane.turns[-1].notes if pane.turns else ():
            text.note(f"⚠ {note}")
        text.footer(metrics_footer(pane))
        self._done.add(index)
        if index == self._head:
            self._release(index)
            self._advance()

    def _advance(self) -> None:
        """Move the live head past finished panes, printing each one's buffered block."""
        while self._head in self._done and self._head + 1 < len(self._panes):
            self._head += 1
            self._release(self._head)

    def _release(self, index: int) -> None:
        chunk = self._texts[index].take()
        if chunk:
            self._out.write(chunk)
            self._schedule_flush()

    def _show_status(self, *, final: bool = False) -> None:
        """A one-line live summary of every pane on stderr, ~10 times/s."""
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

    def _schedule_flush(self) -> None:
        """Flush within ``_JSON_FLUSH_S``: live to the eye, without a syscall per token."""
        if self._flush_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._flush()
                return
            self._flush_timer = loop.call_later(_JSON_FLUSH_S, self._flush)

    def _flush(self) -> None:
        self._flush_timer = None
        if self._head < len(self._texts):
            chunk = self._texts[self._head].take()
            if chunk:
                self._out.write(chunk)
        self._out.flush()

    def close(self) -> None:
        """Print what is still pending, in pane order (unfinished panes get their footer)."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        for index in range(self._head, len(self._panes)):
            if index not in self._done:
                self._texts[index].footer(metrics_footer(self._panes[index]))
            self._release(index)
        self._head = len(self._panes)
        if self._status is not None:
            self._show_status(final=True)
        self._out.flush()


class _PaneText:
    """One pane's plain-text block, rendered as events arrive; ``take`` hands out what is new.

    Thinking is introduced by a ``thinking:`` line (dim on a terminal), and the answer that
    follows it by an ``answer:`` line, so the two never run together when piped.
    """

    def __init__(self, header: str, tty: bool, spaced: bool) -> None:
        self._tty = tty
        self._spaced = spaced
        self._parts: list[str] = [header]
        self._at_line_start = True
        self._content_kind: str | None = None
        self._had_thinking = False

    def content(self, kind: str, text: str) -> None:
        """Add answer (``text``) or ``thinking`` text."""
        if not text:
            return
        if kind != self._content_kind:
            if kind == "thinking":
                self._label("thinking:")
                self._had_thinking = True
            elif self._had_thinking:
                self._label("answer:")
            self._content_kind = kind
        self._write(text, dim=kind == "thinking")

    def note(self, line: str) -> None:
        """Add a router, tool or error line."""
        self._line_start()
        self._write(f"  {line}\n")

    def footer(self, line: str) -> None:
        """End the block with its metrics line."""
        self._line_start()
        self._write(line + "\n" + ("\n" if self._spaced else ""))

    @property
    def pending(self) -> int:
        """How many pieces :meth:`take` would join."""
        return len(self._parts)

    def take(self) -> str:
        """The text added since the last call."""
        chunk = "".join(self._parts)
        self._parts.clear()
        return chunk

    def _label(self, label: str) -> None:
        self._line_start()
        if self._content_kind is not None:
            self._write("\n")  # a blank line between thinking and answer
        self._write(label, dim=True)
        self._write("\n")

    def _line_start(self) -> None:
        if not self._at_line_start:
            self._write("\n")

    def _write(self, text: str, *, dim: bool = False) -> None:
        self._parts.append(f"\x1b[2m{text}\x1b[0m" if dim and self._tty else text)
        self._at_line_start = text.endswith("\n")


def _header(index: int, spec: str, numbered: bool) -> str:
    name = f"[{index + 1}] {spec}" if numbered else spec
    return f"── {name} " + "─" * 20 + "\n"


def _tty_stream(stream: TextIO | None) -> TextIO | None:
    try:
        return stream if stream is not None and stream.isatty() else None
    except (AttributeError, ValueError):
        return None


def describe(event: StreamEvent) -> str | None:
    """One human line for a router, tool or error event (None for content events)."""
    data = event.to_dict()
    kind = data["type"]
    lines: dict[str, Callable[[], str]] = {
        "retry": lambda: (
            f"⟳ {_short(data['reason'])} · retry {data['candidate']} "
            f"{wait_text(data['delay_s'])} ({_retry_source(data)})"
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
