"""Playground: a terminal model playground.

Everything outside :mod:`playground.tui` is usable headless and never imports Textual.
"""

__version__ = "0.1.0"
