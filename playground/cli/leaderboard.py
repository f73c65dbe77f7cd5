"""``playground leaderboard``: ratings per model from the votes in the data directory
(Bradley–Terry with a 95 % bootstrap interval; see :mod:`playground.compare.ratings`), and
``--export-pairs FILE`` to write the votes as preference pairs.

``--json`` prints ``{"method", "votes", "skipped_lines", "tag", "models": [{model, rating,
ci_low, ci_high, wins, losses, ties, votes}, …]}``, best first.
Exit codes: 0 done (also with no votes yet), 2 usage errors (one line).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from playground.cli import EXIT_OK, EXIT_USAGE
from playground.cli.text_table import aligned

if TYPE_CHECKING:
    from playground.compare.votes import Vote


def run(args: argparse.Namespace) -> int:
    """Run ``playground leaderboard``."""
    from playground.compare.ratings import leaderboard
    from playground.compare.votes import VoteError, read_votes, votes_path, with_tag

    path = votes_path()
    try:
        all_votes, skipped = read_votes(path)
    except VoteError as exc:
        print(f"playground leaderboard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    votes = with_tag(all_votes, args.tag)
    if skipped:
        print(
            f"playground leaderboard: warning: {skipped} unreadable line(s) in {path} skipped",
            file=sys.stderr,
        )
    if args.export_pairs:
        code = _export(Path(args.export_pairs).expanduser(), votes)
        if code != EXIT_OK:
            return code
    rows = leaderboard(votes)
    if args.json:
        print(
            json.dumps(
                {
                    "method": "bradley-terry",
                    "votes": len(votes),
                    "skipped_lines": skipped,
                    "tag": args.tag,
                    "models": [row.to_dict() for row in rows],
                },
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not rows:
        where = f" tagged {args.tag!r}" if args.tag else ""
        print(
            f"no votes{where} yet in {path} — vote in the app's blind mode (f11, then f12), "
            "or run playground compare --judge MODEL to have a judge model vote"
        )
        return EXIT_OK
    header = ("#", "model", "rating", "95% CI", "wins", "losses", "ties", "votes")
    table = [header]
    for rank, row in enumerate(rows, 1):
        table.append(
            (
                str(rank),
                row.model,
                f"{row.rating:.0f}",
                f"{row.ci_low:.0f}–{row.ci_high:.0f}",
                str(row.wins),
                str(row.losses),
                str(row.ties),
                str(row.votes),
            )
        )
    for line in aligned(table, left=frozenset({1})):
        print(line)
    tag = f", tag {args.tag!r}" if args.tag else ""
    print(f"{len(votes)} votes{tag} · Bradley–Terry ratings, 95% bootstrap interval")
    return EXIT_OK


def _export(target: Path, votes: list[Vote]) -> int:
    from playground.compare.votes import preference_pairs

    pairs = preference_pairs(votes)
    tmp = target.with_name(target.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8", errors="replace") as handle:
            for pair in pairs:
                handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        print(
            f"playground leaderboard: --export-pairs {target}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(
        f"playground leaderboard: wrote {len(pairs)} preference pairs to {target}", file=sys.stderr
    )
    return EXIT_OK
