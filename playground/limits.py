"""Limits shared by the app and the headless CLI, so both refuse the same input the same way."""

MAX_PANES = 6
"""Most panes (models or routes) side by side: six already make narrow columns at 120
characters, and each pane is a concurrent stream."""
