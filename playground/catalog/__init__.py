"""Providers and models: capability flags, limits, prices and thinking options.

Public API (importing this package is cheap; the packaged model list is read on first use)::

    load_catalog(config: Config | None = None) -> Catalog
    Catalog.providers() / .provider(name) / .models(provider=None) / .model(slug, id)
    Catalog.parse_spec(spec) -> ModelRef          # raises CatalogError
    map_thinking(model, protocol, level, max_tokens=None) -> ThinkingPlan
    apply_thinking(request, model, protocol) -> ThinkingPlan
    check_capabilities(model, request) -> str | None
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playground.catalog.capabilities import (
        capability_warnings,
        check_capabilities,
        needs_prompted_tools,
    )
    from playground.catalog.catalog import Catalog, CatalogError, ModelRef, load_catalog
    from playground.catalog.thinking import ThinkingPlan, apply_thinking, map_thinking

_EXPORTS = {
    "Catalog": "playground.catalog.catalog",
    "CatalogError": "playground.catalog.catalog",
    "ModelRef": "playground.catalog.catalog",
    "load_catalog": "playground.catalog.catalog",
    "ThinkingPlan": "playground.catalog.thinking",
    "apply_thinking": "playground.catalog.thinking",
    "map_thinking": "playground.catalog.thinking",
    "check_capabilities": "playground.catalog.capabilities",
    "capability_warnings": "playground.catalog.capabilities",
    "needs_prompted_tools": "playground.catalog.capabilities",
}

__all__ = [
    "Catalog",
    "CatalogError",
    "ModelRef",
    "ThinkingPlan",
    "apply_thinking",
    "capability_warnings",
    "check_capabilities",
    "load_catalog",
    "map_thinking",
    "needs_prompted_tools",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'playground.catalog' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
