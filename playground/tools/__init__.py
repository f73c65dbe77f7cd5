"""Tools offered to models: the built-in demo set and prompt-guided tool calls."""
