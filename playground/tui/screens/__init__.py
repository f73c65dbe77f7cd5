"""Screens and modal dialogs of the playground app."""
