"""``playground`` without a subcommand: open the Textual app."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Open the app on the panes the arguments ask for; returns the exit code."""
    from playground.request import ThinkingLevel
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    options = AppOptions(
        models=list(args.models or []),
        thinking=ThinkingLevel(args.thinking) if args.thinking else None,
        resume=args.resume,
        config_path=args.config,
        from_path=args.from_path,
        framework=args.framework,
    )
    # The config is loaded by the app right after its first frame (start-up is measured);
    # a bad config closes the app and prints one line naming file, key and line (exit 2).
    app = PlaygroundApp(options)
    app.run()
    return app.return_code or 0
