"""``playground compare``: a prompt set × models × repeats into an output directory.

Writes ``results.jsonl`` (one line per finished cell, as it finishes), ``summary.json``,
``report.md`` and ``report.html``; rerunning with the same ``--out`` skips finished cells,
and Ctrl-C keeps them. Progress goes to stderr when it is a terminal; the output directory
is printed last. Exit codes: 0 every cell finished, 1 any cell failed, 2 usage or config
errors, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from playground.cli.text_table import aligned

if TYPE_CHECKING:
    from playground.compare.prompts import PromptCase
    from playground.compare.results import ResultsStore
    from playground.resolve import ResolvedTarget
    from playground.session import Session

SUMMARY_FILE = "summary.json"
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad command-line input or config; printed as one line, exit code 2."""


def run(args: argparse.Namespace) -> int:
    """Run ``playground compare``."""
    try:
        cases = _cases(args)
        session, targets = _open_session(args)
        out_dir = _out_dir(args.out)
    except UsageError as exc:
        print(f"playground compare: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from playground.compare.results import ResultsStore

    try:
        store = ResultsStore(out_dir)
    except OSError as exc:
        print(f"playground compare: --out {out_dir}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(_tty(sys.stderr))
    interrupted = False
    judge_failed = 0
    crash: str | None = None
    try:
        judge_failed = asyncio.run(_compare(session, targets, store, cases, args, progress))
    except KeyboardInterrupt:
        interrupted = True
    except Exception as exc:  # a bug must still be one line; what finished is kept
        crash = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        progress.clear()
        store.close()
    summary = _write_outputs(
        out_dir, store, cases, args, interrupted=interrupted, judge_failed=judge_failed
    )
    if judge_failed:
        print(
            f"playground compare: warning: the judge gave no readable verdict for "
            f"{judge_failed} pair(s); they got no vote (rerun to try them again)",
            file=sys.stderr,
        )
    _print_summary(summary, args.json, out_dir)
    if crash is not None:
        print(f"playground compare: {' '.join(crash.split())}", file=sys.stderr)
        return EXIT_FAILED
    if interrupted:
        print(
            f"playground compare: interrupted; {summary['finished']} of {summary['cells']} cells "
            f"finished and kept — rerun with --out {out_dir} to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    failed = summary["finished"] < summary["cells"] or any(m["errors"] for m in summary["models"])
    return EXIT_FAILED if failed else EXIT_OK


def _cases(args: argparse.Namespace) -> list[PromptCase]:
    from playground.compare.prompts import PromptSetError, load_prompt_set, single_prompt

    if args.repeat < 1:
        raise UsageError("--repeat must be at least 1")
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if (args.prompts is None) == (args.prompt is None):
        raise UsageError("give either --prompts FILE or one PROMPT (not both, not neither)")
    if args.prompt is not None:
        if not args.prompt.strip():
            raise UsageError("the prompt is empty")
        _require_utf8("the prompt", args.prompt)
        return single_prompt(args.prompt)
    try:
        return load_prompt_set(args.prompts)
    except PromptSetError as exc:
        raise UsageError(f"--prompts {exc}") from None


def _open_session(args: argparse.Namespace) -> tuple[Session, dict[str, ResolvedTarget]]:
    from playground.catalog import CatalogError
    from playground.config.loader import ConfigError, load_config
    from playground.request import ThinkingLevel
    from playground.resolve import ResolveError
    from playground.session import Session

    if len(set(args.models)) != len(args.models):
        raise UsageError("each -m model may be given only once")
    try:
        config, _ = load_config(args.config)
    except ConfigError as exc:
        raise UsageError(f"config error: {exc}") from None
    try:
        session = Session.open(config, persist=False)
    except CatalogError as exc:
        raise UsageError(str(exc)) from None
    if args.thinking:
        session.thinking = ThinkingLevel(args.thinking)
    if args.system is not None:
        _require_utf8("--system", args.system)
        session.system = args.system
    targets: dict[str, ResolvedTarget] = {}
    for spec in [*args.models, *([args.judge] if args.judge else [])]:
        try:
            targets[spec] = session.resolver.resolve(spec)
        except ResolveError as exc:
            flag = "--judge" if spec == args.judge and spec not in args.models else "-m"
            raise UsageError(f"{flag} {spec}: {exc}") from None
    return session, targets


def _require_utf8(what: str, text: str) -> None:
    """Refuse argv text with undecodable bytes (kept by Python as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8") from None


def _out_dir(value: str | None) -> Path:
    if value:
        path = Path(value).expanduser()
        if path.exists() and not path.is_dir():
            raise UsageError(f"--out {value}: exists and is not a directory")
        return path
    from platformdirs import user_data_path

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = user_data_path("playground", appauthor=False) / "compare"
    path = base / stamp
    suffix = 1
    while path.exists():
        suffix += 1
        path = base / f"{stamp}-{suffix}"
    return path


async def _compare(
    session: Session,
    targets: dict[str, ResolvedTarget],
    store: ResultsStore,
    cases: list[PromptCase],
    args: argparse.Namespace,
    progress: _Progress,
) -> int:
    """Run the cells, then the judge when asked; returns the judge's failed judgements."""
    from playground.compare.runner import CompareRunner, plan_cells

    cells = plan_cells(cases, args.models, args.repeat)
    runner = CompareRunner(
        session,
        targets,
        store,
        concurrency=args.concurrency,
        on_cell=progress.cell,
        on_wait=progress.waiting,
    )
    try:
        progress.start(sum(cell.key in store for cell in cells), len(cells))
        await runner.run(cells)
        if not args.judge:
            return 0
        from playground.compare.judge import run_judge, session_judge

        block = await run_judge(
            session_judge(session, targets[args.judge]),
            args.judge,
            cases,
            args.models,
            list(store),
            store.path.parent,
            concurrency=args.concurrency,
        )
        return int(block["failed"])
    finally:
        await session.aclose()


def _write_outputs(
    out_dir: Path,
    store: ResultsStore,
    cases: list[PromptCase],
    args: argparse.Namespace,
    *,
    interrupted: bool,
    judge_failed: int = 0,
) -> dict[str, Any]:
    from playground.compare.stats import summarize

    models = summarize(store, cases, args.models)
    summary = {
        "models": models,
        "prompts": len(cases),
        "repeat": args.repeat,
        "cells": len(cases) * len(args.models) * args.repeat,
        "finished": sum(m["n"] for m in models),
        "interrupted": interrupted,
        "out_dir": str(out_dir),
    }
    if args.judge:
        from playground.compare.judge import judge_summary, read_judged

        judged = [r for r in read_judged(out_dir).values() if set(r["models"]) <= set(args.models)]
        summary["judge"] = judge_summary(args.judge, judged, judge_failed)
    _write_json(out_dir / SUMMARY_FILE, summary)
    from playground.compare.report import write_reports

    write_reports(out_dir, summary, list(store), cases)
    return summary


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    tmp.write_text(text, encoding="utf-8", errors="replace")
    tmp.replace(path)


def _print_summary(summary: dict[str, Any], as_json: bool, out_dir: Path) -> None:
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
        print(out_dir, file=sys.stderr)
        return
    for line in summary_table(summary["models"]):
        print(line)
    print(out_dir)


def summary_table(models: list[dict[str, Any]]) -> list[str]:
    """The per-model summary as aligned text lines (a header and one row per model)."""
    header = (
        "model",
        "cells",
        "errors",
        "fallbk",
        "TTFT p50",
        "p95",
        "tok/s p50",
        "p95",
        "cost $",
        "checks",
    )
    rows = [header]
    for m in models:
        rows.append(
            (
                m["model"],
                str(m["n"]),
                str(m["errors"]),
                str(m["fallbacks"]),
                _num(m["ttft_ms"]["p50"], " ms"),
                _num(m["ttft_ms"]["p95"], " ms"),
                _num(m["tokens_per_s"]["p50"]),
                _num(m["tokens_per_s"]["p95"]),
                "-" if m["cost_usd"] is None else f"{m['cost_usd']:.4f}",
                f"{m['passed']}/{m['checked']}" if m["checked"] else "-",
            )
        )
    return aligned(rows)


def _num(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:,.0f}{unit}"


def _tty(stream: TextIO | None) -> TextIO | None:
    try:
        return stream if stream is not None and stream.isatty() else None
    except (AttributeError, ValueError):
        return None


class _Progress:
    """A one-line progress bar on a terminal's stderr (nothing when stderr is piped)."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self._errors = 0
        self._shown_at = 0.0
        self._done = self._total = 0
        self._note = ""

    def start(self, done: int, total: int) -> None:
        """Show the bar at ``done`` of ``total`` (cells skipped as finished count as done)."""
        self._show(done, total, force=True)

    def cell(self, record: dict[str, Any], done: int, total: int) -> None:
        """One more cell finished."""
        self._errors += record["error_kind"] is not None
        self._note = ""
        self._show(done, total, force=done == total)

    def waiting(self, model: str, seconds: float) -> None:
        """A cell waits for ``model``'s candidates to come out of cooldown."""
        self._note = f" · waiting {seconds:.0f} s: {model} is cooling down"
        self._show(self._done, self._total, force=True)

    def _show(self, done: int, total: int, *, force: bool) -> None:
        self._done, self._total = done, total
        if self._stream is None:
            return
        now = time.monotonic()
        if not force and now - self._shown_at < 0.1:
            return
        self._shown_at = now
        columns = shutil.get_terminal_size((80, 24)).columns
        width = max(10, min(40, columns - 40))
        filled = width * done // max(total, 1)
        errors = f" · {self._errors} failed" if self._errors else ""
        bar = "█" * filled + "░" * (width - filled)
        line = f"{bar} {done}/{total} cells{errors}{self._note}"
        self._stream.write(f"\r\x1b[2K{line[: columns - 1]}")  # one line: never wraps
        self._stream.flush()

    def clear(self) -> None:
        """Erase the bar."""
        if self._stream is not None:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()
