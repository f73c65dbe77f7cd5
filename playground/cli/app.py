"""``playground`` without a subcommand: open the Textual app."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    """Open the app on the panes the arguments ask for; returns the exit code."""
    from playground.config.loader import ConfigError, load_config
    from playground.request import ThinkingLevel

    try:
        config, _ = load_config(args.config)
    except ConfigError as exc:
        print(f"playground: {exc}", file=sys.stderr)
        return 2
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    options = AppOptions(
        models=list(args.models or []),
        thinking=ThinkingLevel(args.thinking) if args.thinking else None,
        resume=bool(args.resume),
        config_path=args.config,
        from_path=args.from_path,
        framework=args.framework,
    )
    PlaygroundApp(options, config=config).run()
    return 0
