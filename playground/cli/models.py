"""``playground models [--provider P] [--live] [--json]``: the catalog with capability flags.

The table has one row per model: provider, model id, context window, maximum output,
price per million input/output tokens, flags (``T`` tools, ``V`` vision, ``R`` reasoning;
``-`` no, ``?`` unknown) and the thinking options. ``--json`` prints one array with every
field; each object's ``source`` says where it comes from (``catalog``, ``cache`` for a
refreshed catalog, ``live`` or ``cache`` for a server's own list). A provider the catalog has
no models for (a local server) still gets one object, with ``id`` null.

``--live`` asks servers which models they offer (``playground.credentials.discovery``): with
``--provider P`` that provider's server or key (``P`` may be an ad-hoc ``custom:URL`` or
``anthropic-custom:URL``, whose rows are named ``custom:URL#model``); without it every local
server on its configured or default port (cloud providers are listed from the catalog).
Listed models the catalog lacks are marked "not in catalog".

``--refresh`` updates the catalog from the public model database into the user cache dir
(``playground.catalog.refresh``; ``--check`` fetches and validates without storing). The
table's last line says which catalog is in use (packaged, or the refreshed copy and its age).

Exit codes: 0 listed / refreshed; 1 ``--live --provider P`` could not get P's list, or the
refresh failed (the catalog in use is unchanged); 2 unknown provider or a config error (one
line on stderr).

Start-up matters here: without a config file the pydantic-based config loader is not
imported at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from playground.catalog.catalog import Catalog
    from playground.catalog.types import ModelInfo, ProviderInfo, ThinkingOptions
    from playground.config.schema import Config
    from playground.credentials.discovery import ModelListing

_CONFIG_ENV = "PLAYGROUND_CONFIG"


def run(args: argparse.Namespace) -> int:
    """List the catalog (see the module docstring)."""
    from playground.catalog.catalog import CatalogError, load_catalog

    if getattr(args, "refresh", False) or getattr(args, "check", False):
        return _refresh(args)
    try:
        config = _load_config(args.config)
        catalog = load_catalog(config)
        providers = (
            [_named_provider(catalog, args.provider)] if args.provider else catalog.providers()
        )
    except (CatalogError, _ConfigProblem) as exc:
        print(f"playground models: {exc}", file=sys.stderr)
        return EXIT_USAGE
    listings: dict[str, ModelListing] = {}
    if getattr(args, "live", False):
        import asyncio

        asked = providers if args.provider else [p for p in providers if p.local]
        listings = asyncio.run(_list_live(asked, config, catalog, args.timeout))
        asked_listing = listings[providers[0].slug] if args.provider else None
        if asked_listing is not None and not asked_listing.ok:
            from playground.credentials.discovery import endpoint_label

            line = asked_listing.failure_line(endpoint_label(providers[0]))
            print(f"playground models: {line}", file=sys.stderr)
            return EXIT_FAILED
    entries = [_entry(p, catalog, listings.get(p.slug)) for p in providers]
    try:
        if args.json:
            rows = [row for entry in entries for row in entry.json_rows()]
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, allow_nan=False))
            sys.stdout.write("\n")
        else:
            sys.stdout.write(render_entries(entries, catalog))
        sys.stdout.flush()
    except BrokenPipeError:  # `playground models | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def _named_provider(catalog: Catalog, name: str) -> ProviderInfo:
    """``--provider``: a provider slug or alias, or an ad-hoc ``custom:URL`` /
    ``anthropic-custom:URL`` endpoint (a ``#model`` part is ignored)."""
    from playground.catalog.providers import AD_HOC_PROVIDERS

    scheme, colon, _ = name.partition(":")
    if colon and scheme.lower() in AD_HOC_PROVIDERS:
        return catalog.parse_spec(name).provider
    return catalog.require_provider(name)


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


# --- live lists -----------------------------------------------------------------------------


async def _list_live(
    providers: list[ProviderInfo], config: Config | None, catalog: Catalog, timeout: float
) -> dict[str, ModelListing]:
    """Every provider's live list, concurrently (one shared client)."""
    import asyncio

    import httpx

    from playground.config.schema import Config
    from playground.credentials.discovery import list_provider_models

    settings = config if config is not None else Config()
    async with httpx.AsyncClient(follow_redirects=False) as client:
        listings = await asyncio.gather(
            *(
                list_provider_models(p, settings, catalog, client=client, timeout=timeout)
                for p in providers
            )
        )
    return {listing.provider: listing for listing in listings}


@dataclass(slots=True)
class _Entry:
    """One provider's rows: its models and where they come from."""

    provider: ProviderInfo
    models: list[ModelInfo]
    source: str
    listing: ModelListing | None = None

    def json_rows(self) -> list[dict[str, Any]]:
        if not self.models:
            return [_empty_provider_json(self)]
        if self.listing is None:
            return [{**model_json(m), "source": self.source} for m in self.models]
        from playground.credentials.discovery import listed_spec

        return [
            {**model_json(m), "spec": listed_spec(self.provider, m.id), "source": self.source}
            for m in self.models
        ]


def _entry(provider: ProviderInfo, catalog: Catalog, listing: ModelListing | None) -> _Entry:
    from playground.catalog.catalog import catalog_source

    if listing is not None and listing.ok:
        return _Entry(provider, list(listing.models), listing.source, listing)
    models = catalog.models(provider.slug)
    # Simulated models are defined in code; everything else comes from the active catalog.
    refreshed = catalog_source().kind == "cache" and not provider.simulated
    return _Entry(provider, models, "cache" if refreshed else "catalog", listing)


# --- refresh --------------------------------------------------------------------------------


def _refresh(args: argparse.Namespace) -> int:
    """``--refresh`` / ``--check``: one line on stdout (or stderr on failure)."""
    from playground.catalog.refresh import refresh_catalog

    try:
        config = _load_config(args.config)
    except _ConfigProblem as exc:
        print(f"playground models: {exc}", file=sys.stderr)
        return EXIT_USAGE
    configured = config.catalog.url if config is not None else None
    result = refresh_catalog(configured, timeout=args.timeout, store=not args.check)
    if not result.ok:
        print(f"playground models: refresh failed: {result.message}", file=sys.stderr)
        return EXIT_FAILED
    print(f"playground models: {result.message}")
    return EXIT_OK


def _empty_provider_json(entry: _Entry) -> dict[str, Any]:
    """The object of a provider without models: null model fields, and why it is empty."""
    listing = entry.listing
    return {
        "provider": entry.provider.slug,
        "id": None,
        "spec": None,
        "name": entry.provider.name,
        "known": False,
        "source": entry.source,
        "local": entry.provider.local,
        "live": None
        if listing is None
        else {"status": listing.result.status, "message": listing.result.message},
    }


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


def render_entries(entries: list[_Entry], catalog: Catalog) -> str:
    """The table of every entry's models, one line per provider without models, and which
    catalog is in use."""
    from playground.catalog.catalog import catalog_source

    models = [m for entry in entries for m in entry.models]
    live = {m.spec for entry in entries if entry.source != "catalog" for m in entry.models}
    text = render_table(models, catalog, live)
    notes = []
    for entry in entries:
        slug = entry.provider.slug
        if entry.listing is not None:  # only then is discovery imported (it costs start-up)
            from playground.credentials.discovery import endpoint_label

            slug = endpoint_label(entry.provider)
        if entry.listing is not None and entry.models and entry.source != "catalog":
            extra = len(entry.listing.not_in_catalog)
            missing = f", {extra} not in catalog" if extra else ""
            notes.append(
                f"{slug}: {len(entry.models)} models from the server ({entry.source}{missing})"
            )
        elif entry.listing is not None:
            notes.append(entry.listing.failure_line(slug))
        elif not entry.models:
            hint = f"'playground models --provider {slug} --live' asks the server"
            notes.append(f"{slug}: no models in the catalog; {hint}")
    notes.append(catalog_source().describe())
    return text + "".join(f"{note}\n" for note in notes)


def render_table(models: list[ModelInfo], catalog: Catalog, live: set[str] | None = None) -> str:
    """The plain-text table (with a legend); ``live`` specs came from a server's list and
    are marked "not in catalog" when the catalog lacks them."""
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
            "not in catalog"
            if live and m.spec in live and not m.known
            else thinking_text(m.thinking_options),
        )
        for m in models
    ]
    from playground.cli.text_table import aligned

    numbers = {2, 3, 4, 5}
    lines = aligned([header, *rows], left=frozenset(set(range(len(header))) - numbers))
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
