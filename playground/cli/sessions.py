"""``playground sessions [--json] [--prune]``: the saved sessions, newest first.

A table of id, started (UTC), turns and panes, or with ``--json`` one array of
``{id, started, panes, turns, path}``. ``--prune`` deletes the sessions in which nothing was
ever sent (older versions saved one per launch) and says how many. Reopen one with
``playground --resume ID``. Exit codes: 0 listed or pruned.
"""

from __future__ import annotations

import argparse
import json
import sys

from playground.cli import EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``playground sessions``."""
    from playground.cli import _Parser

    parser = _Parser(
        prog="playground sessions",
        description="List saved sessions (reopen one with `playground --resume ID`).",
    )
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--prune", action="store_true", help="delete the sessions without any turn")
    return parser


def run(args: argparse.Namespace) -> int:
    """List or prune (see the module docstring)."""
    from playground.session import list_sessions, prune_empty_sessions, sessions_dir

    if args.prune:
        removed = prune_empty_sessions()
        noun = "session" if len(removed) == 1 else "sessions"
        print(f"removed {len(removed)} empty {noun} from {sessions_dir()}")
        return EXIT_OK
    sessions = list_sessions()
    if args.json:
        print(json.dumps([s.to_dict() for s in sessions], ensure_ascii=False))
        return EXIT_OK
    if not sessions:
        print(f"no saved sessions in {sessions_dir()} (a session is saved from its first prompt)")
        return EXIT_OK
    rows = [
        (s.id, s.started[:16].replace("T", " ") or "?", str(s.turns), ", ".join(s.panes) or "—")
        for s in sessions
    ]
    from playground.cli.text_table import aligned

    headers = ("id", "started (UTC)", "turns", "panes")
    lines = aligned([headers, *rows], left=frozenset(range(len(headers))))
    empty = sum(1 for s in sessions if not s.turns)
    if empty:
        lines.append(f"{empty} without turns: `playground sessions --prune` deletes them")
    lines.append("reopen one with `playground --resume ID` (`--resume` alone: the newest)")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK
