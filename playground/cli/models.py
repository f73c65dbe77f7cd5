"""``playground models [--provider P] [--json]``: the catalog with capability flags.

The table has one row per model: provider, model id, context window, maximum output,
price per million input/output tokens, flags (``T`` tools, ``V`` vision, ``R`` reasoning;
``-`` no, ``?`` unknown) and the thinking options. ``--json`` prints one array with every
field. Exit codes: 0 listed; 2 unknown provider or a config error (one line on stderr).

Start-up matters here: without a config file the pydantic-based config loader is not
imported at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from playground.cli import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from playground.catalog.catalog import Catalog
    from playground.catalog.types import ModelInfo, ThinkingOptions
    from playground.config.schema import Config

_CONFIG_ENV = "PLAYGROUND_CONFIG"


def run(args: argparse.Namespace) -> int:
    """List the catalog (see the module docstring)."""
    from playground.catalog.catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog(_load_config(args.config))
        models = catalog.models(args.provider) if args.provider else catalog.models()
    except CatalogError as exc:
        print(f"playground models: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _ConfigProblem as exc:
        print(f"playground models: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.json:
            sys.stdout.write(json.dumps([model_json(m) for m in models], ensure_ascii=False))
            sys.stdout.write("\n")
        else:
            sys.stdout.write(render_table(models, catalog))
        sys.stdout.flush()
    except BrokenPipeError:  # `playground models | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


class _ConfigProblem(Exception):
    """The config file could not be used (wraps ConfigError's one-line message)."""


def _load_config(explicit: str | None) -> Config | None:
    """The user's config, or None when there is no config file (skips importing pydantic)."""
    named = explicit or os.environ.get(_CONFIG_ENV)
    if not named:
        from platformdirs import user_config_path

        default = user_config_path("playground", appauthor=False) / "config.toml"
        if not default.exists():
            return None
    from playground.config.loader import ConfigError, load_config

    try:
        config, _path = load_config(explicit)
    except ConfigError as exc:
        raise _ConfigProblem(str(exc)) from None
    return config


# --- rendering ------------------------------------------------------------------------------


def _flag(value: bool | None, letter: str) -> str:
    return letter if value else ("?" if value is None else "-")


def flags_text(model: ModelInfo) -> str:
    """``TVR`` style flags: tools, vision, reasoning (``-`` no, ``?`` unknown)."""
    return _flag(model.tools, "T") + _flag(model.vision, "V") + _flag(model.thinking, "R")


def thinking_text(options: ThinkingOptions) -> str:
    """A short human summary of a model's thinking controls."""
    efforts = "/".join(e for e in options.efforts if e != "none")
    off = "" if options.can_disable else ", can't turn off"
    if options.style == "effort":
        return f"effort {efforts}{off}"
    if options.style == "level":
        return f"level {efforts}{off}"
    if options.style == "adaptive":
        return f"adaptive {efforts}"
    if options.style == "budget":
        low = f"{options.budget_min:,}" if options.budget_min is not None else "1"
        high = f"{options.budget_max:,}" if options.budget_max is not None else "max"
        return f"budget {low}–{high}{off}"
    if options.style == "toggle":
        return "on/off"
    if options.style == "always":
        return "always on"
    return ""


def _tokens(value: int | None) -> str:
    """Compact token counts: 1M, 1.05M, 200K, 64K, 32,768."""
    if value is None:
        return "?"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 100_000 or (value >= 1000 and value % 1000 == 0):
        return f"{value / 1000:.0f}K"
    return f"{value:,}"


def _price(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.2f}" if value >= 0.01 or value == 0 else f"{value:.3f}"


def render_table(models: list[ModelInfo], catalog: Catalog) -> str:
    """The plain-text table (with a legend)."""
    header = ("PROVIDER", "MODEL", "CONTEXT", "MAX OUT", "$IN/1M", "$OUT/1M", "FLAGS", "THINKING")
    rows = [
        (
            m.provider,
            m.id,
            _tokens(m.context_window),
            _tokens(m.max_output),
            _price(m.prices.input),
            _price(m.prices.output),
            flags_text(m),
            thinking_text(m.thinking_options),
        )
        for m in models
    ]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    right = {2, 3, 4, 5}
    lines = []
    for row in (header, *rows):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    providers = len({m.provider for m in models})
    lines.append("")
    plural = "" if providers == 1 else "s"
    lines.append(
        f"{len(models)} models from {providers} provider{plural} · flags: T tools, V vision, "
        "R reasoning (- no, ? unknown) · prices USD per 1M tokens"
    )
    return "\n".join(lines) + "\n"


def model_json(model: ModelInfo) -> dict[str, Any]:
    """Every field of a model, JSON-ready."""
    o = model.thinking_options
    p = model.prices
    return {
        "provider": model.provider,
        "id": model.id,
        "spec": model.spec,
        "name": model.name,
        "context_window": model.context_window,
        "max_output": model.max_output,
        "tools": model.tools,
        "vision": model.vision,
        "thinking": model.thinking,
        "thinking_options": {
            "style": o.style,
            "efforts": list(o.efforts),
            "budget_min": o.budget_min,
            "budget_max": o.budget_max,
            "default_on": o.default_on,
            "can_disable": o.can_disable,
            "summary": thinking_text(o),
        },
        "prices": {
            "input": p.input,
            "output": p.output,
            "cache_read": p.cache_read,
            "cache_write": p.cache_write,
            "reasoning": p.reasoning,
        },
        "fallbacks": list(model.fallbacks),
        "known": model.known,
    }
