"""Credential sources, resolution, format checks and live checks."""
