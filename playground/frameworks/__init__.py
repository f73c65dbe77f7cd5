"""Readers for agent frameworks' own configs (Action Llama, DjinnBot, Arawn, PicoClaw, ZeroClaw)."""
