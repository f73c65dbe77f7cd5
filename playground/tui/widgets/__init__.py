"""Widgets of the playground app."""
