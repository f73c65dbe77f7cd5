"""Argument parsing for the ``playground`` command.

This module stays import-light so ``playground --help`` starts fast: each subcommand's
implementation (``playground.cli.<name>``) is imported only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from playground import __version__
from playground.limits import MAX_PANES

THINKING_LEVELS = ("off", "minimal", "low", "medium", "high", "xhigh")
SUBCOMMANDS = (
    "ask",
    "doctor",
    "models",
    "keys",
    "sim",
    "sessions",
    "compare",
    "leaderboard",
    "serve",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: $PLAYGROUND_CONFIG or the platform config dir's config.toml)",
    )


def _add_from(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="from_path",
        metavar="PATH",
        help="read an agent framework's config (project folder or file)",
    )
    parser.add_argument(
        "--framework",
        metavar="NAME",
        help="force the framework: actionllama, djinnbot, arawn, picoclaw, zeroclaw",
    )


def build_tui_parser() -> argparse.ArgumentParser:
    """The parser for ``playground`` without a subcommand (opens the app)."""
    parser = _Parser(
        prog="playground",
        description="A terminal model playground. Without a subcommand, opens the app.",
        epilog=f"subcommands: {', '.join(SUBCOMMANDS)}  (playground SUBCOMMAND --help)",
    )
    parser.add_argument("--version", action="version", version=f"playground {__version__}")
    parser.add_argument(
        "-m",
        "--model",
        action="append",
        dest="models",
        metavar="MODEL",
        default=[],
        help="open a pane on MODEL (provider/model or a route name); repeat for up to 6 panes",
    )
    parser.add_argument("--thinking", choices=THINKING_LEVELS, help="global thinking level")
    parser.add_argument(
        "--resume",
        nargs="?",
        const=True,
        default=False,
        metavar="ID",
        help="reopen a saved session: ID, or the newest one with turns (`playground sessions`)",
    )
    _add_common(parser)
    _add_from(parser)
    return parser


def build_subcommand_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one subcommand."""
    builders = {
        "ask": _ask_parser,
        "doctor": _doctor_parser,
        "models": _models_parser,
        "keys": _keys_parser,
        "sim": _sim_parser,
        "sessions": lambda: importlib.import_module("playground.cli.sessions").build_parser(),
        "compare": _compare_parser,
        "leaderboard": _leaderboard_parser,
        "serve": _serve_parser,
    }
    return builders[name]()


def _ask_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="playground ask", description="Stream one prompt to one or more models.")
    p.add_argument(
        "-m",
        "--model",
        action="append",
        dest="models",
        metavar="MODEL",
        required=True,
        help="provider/model or a route name; repeat for up to 6 side by side",
    )
    p.add_argument("--thinking", choices=THINKING_LEVELS, help="thinking level")
    p.add_argument("--system", metavar="TEXT", help="system prompt")
    p.add_argument(
        "--image", action="append", default=[], metavar="PATH", help="attach an image (repeatable)"
    )
    p.add_argument(
        "--tools",
        metavar="FILE|demo",
        help="offer tools: a JSON file of tool definitions, or 'demo'",
    )
    p.add_argument("--max-tokens", type=int, metavar="N", help="maximum output tokens")
    p.add_argument("--json", action="store_true", help="one JSON event per line")
    _add_common(p)
    _add_from(p)
    p.add_argument(
        "prompt",
        nargs="?",
        help="the prompt; '-' or none with piped input reads standard input (up to 8 MiB)",
    )
    return p


def _compare_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="playground compare",
        description="Run a prompt set against several models, repeatedly; write a report.",
    )
    p.add_argument(
        "-m",
        "--model",
        action="append",
        dest="models",
        metavar="MODEL",
        required=True,
        help=f"provider/model or a route name; repeat for up to {MAX_PANES}",
    )
    p.add_argument(
        "--prompts",
        metavar="FILE",
        help="prompt set: .jsonl ({id?, prompt, system?, tags?, expect?} a line) or plain text",
    )
    p.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per prompt and model")
    p.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="K",
        help="requests in flight per provider (default 4)",
    )
    p.add_argument("--thinking", choices=THINKING_LEVELS, help="thinking level")
    p.add_argument("--system", metavar="TEXT", help="system prompt (a prompt line's own wins)")
    p.add_argument("--judge", metavar="MODEL", help="a model that compares answers pairwise")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="output directory (default: a new one in the data dir); reuse it to resume",
    )
    p.add_argument("--json", action="store_true", help="print summary.json to stdout")
    _add_common(p)
    p.add_argument("prompt", nargs="?", help="one prompt (instead of --prompts)")
    return p


def _leaderboard_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="playground leaderboard",
        description="Ratings per model from the votes in the data directory.",
    )
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--tag", metavar="T", help="only votes on prompts with this tag")
    p.add_argument(
        "--export-pairs",
        metavar="FILE",
        help="write the votes as {prompt, chosen, rejected, source} JSON lines",
    )
    return p


def _doctor_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="playground doctor",
        description="Show every provider's credential: source, format, live check.",
    )
    p.add_argument("--live", action="store_true", help="make one cheap authenticated call each")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="P",
        help="only this provider (repeatable)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=8.0,
        metavar="S",
        help="per-check timeout in seconds (default 8)",
    )
    _add_common(p)
    _add_from(p)
    return p


def _models_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="playground models", description="List the model catalog.")
    p.add_argument("--provider", metavar="P", help="only this provider")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument(
        "--live",
        action="store_true",
        help="ask the server which models it offers (P's, or every local server's)",
    )
    p.add_argument(
        "--refresh", action="store_true", help="update the catalog from the public model database"
    )
    p.add_argument(
        "--check", action="store_true", help="with --refresh: fetch and validate, store nothing"
    )
    p.add_argument("--timeout", type=float, default=8.0, metavar="S", help="network timeout")
    _add_common(p)
    return p


def _keys_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="playground keys", description="Manage keys in the OS keyring.")
    sub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    s = sub.add_parser("set", help="store a key (read from a hidden prompt or stdin)")
    s.add_argument("provider")
    s.add_argument(
        "--config-file",
        action="store_true",
        help="write to the config file instead of the keyring (mode 0600)",
    )
    d = sub.add_parser("delete", help="remove a stored key")
    d.add_argument("provider")
    sub.add_parser("list", help="list stored keys (masked)")
    _add_common(p)
    return p


def _sim_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="playground sim", description="Run the simulated provider in the foreground.")
    p.add_argument(
        "--port",
        type=_port,
        default=8765,
        help="port on 127.0.0.1, 0 for any free one (default 8765)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    return p


def _serve_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="playground serve",
        description="Serve the app to a browser: each tab runs its own app (textual-serve).",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; anything else is reachable by others)",
    )
    p.add_argument(
        "--port", type=_port, default=8000, help="port, 0 for any free one (default 8000)"
    )
    _add_common(p)
    return p


def _port(value: str) -> int:
    """An argparse type: a TCP port number, 0 (any free port) to 65535."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (0-65535)")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playground`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        name = args_list[0]
        parser = build_subcommand_parser(name)
        args = parser.parse_args(args_list[1:])
        module = importlib.import_module(f"playground.cli.{name}")
    else:
        parser = build_tui_parser()
        args = parser.parse_args(args_list)
        module = importlib.import_module("playground.cli.app")
    if len(getattr(args, "models", None) or ()) > MAX_PANES:
        parser.error(f"at most {MAX_PANES} models at once (-m was given {len(args.models)} times)")
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`playground doctor | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
