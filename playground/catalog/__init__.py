"""Providers and models: capability flags, limits, prices and thinking options."""
