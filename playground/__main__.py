"""``python -m playground`` runs the CLI."""

from playground.cli import main

raise SystemExit(main())
