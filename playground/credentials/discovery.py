"""Live model lists: what a provider's server (or a key) really offers, merged with the catalog.

Public API (for ``playground models --live``, ``doctor --live`` and the TUI's picker and
credential panel)::

    await list_provider_models(provider, config, catalog) -> ModelListing
    await list_live_models(provider, key, catalog, base_url=…, headers=…) -> ModelListing
    key_reach(catalog, provider_slug, model_ids) -> KeyReach
    endpoint_overrides(provider, config) -> (base_url | None, headers)
    listed_spec(provider, model_id) -> "provider/model" or "custom:URL#model"
    endpoint_label(provider) -> "provider" or "custom:URL"

One authenticated GET per provider through :func:`playground.credentials.live.live_get`
(redirects to another origin are never followed, the body is capped, messages are scrubbed):
OpenAI-compatible ``/models``, Anthropic ``/v1/models``, Gemini ``models.list``, Ollama
``/api/tags``. Each listed id is looked up in the catalog: a match carries the catalog's facts,
anything else is a :class:`ModelInfo` with ``known=False`` ("not in catalog") and whatever the
server said (name, context). An ad-hoc ``custom:URL`` / ``anthropic-custom:URL`` provider is
asked at its own URL. Listings are cached for :data:`LIST_TTL_S` seconds per
provider, base URL and key: in memory, and for keyless servers (local ones) also on disk in
the user cache dir, so the next ``playground models --live`` reuses them. A cached answer says
``source == "cache"``. Nothing derived from a key is ever written to disk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from playground.catalog.providers import AD_HOC_PROVIDERS
from playground.catalog.types import ModelInfo, ProviderInfo
from playground.credentials.model_lists import ListedModel, parse_model_list
from playground.endpoint import Protocol
from playground.secret import Scrubber, is_secret_name, redact_url, url_secrets

if TYPE_CHECKING:
    import httpx

    from playground.catalog.catalog import Catalog
    from playground.config.schema import Config
    from playground.credentials.types import LiveResult, ResolvedKey

LIST_TTL_S = 60.0
"""How long a live model list is reused before the server is asked again."""

_PAGE_SIZE_QUERY = {
    Protocol.ANTHROPIC: "?limit=1000",
    Protocol.GEMINI: "?pageSize=1000",
}
"""Listing asks for the largest page (the live check's plain path returns the default)."""

ListingSource = Literal["live", "cache"]


@dataclass(frozen=True, slots=True)
class ModelListing:
    """A provider's live model list.

    ``models`` is empty when the request failed; ``result`` says how it went (the live
    check's status, message, next step, rate limits). ``fetched_at`` is Unix time.
    """

    provider: str
    models: tuple[ModelInfo, ...]
    result: LiveResult
    source: ListingSource
    fetched_at: float

    @property
    def ok(self) -> bool:
        """Whether the server answered with a model list."""
        return self.result.ok and self.result.model_ids is not None

    @property
    def not_in_catalog(self) -> tuple[ModelInfo, ...]:
        """The listed models the catalog does not know."""
        return tuple(m for m in self.models if not m.known)

    def failure_line(self, label: str | None = None) -> str:
        """How the request went, on one line (``label`` names the provider, default its
        slug): ``vllm: not running: cannot connect → start vLLM with `vllm serve MODEL```."""
        result = self.result
        line = f"{label or self.provider}: {result.status.replace('_', ' ')}"
        if result.message:
            line += f": {result.message}"
        if result.next_step:
            line += f" → {result.next_step}"
        return " ".join(line.split())


@dataclass(frozen=True, slots=True)
class KeyReach:
    """Which of the catalog's models a key can reach, judged by the models its list names."""

    reachable: tuple[str, ...]
    unreachable: tuple[str, ...]

    def summary(self) -> str:
        """``12 of 14 catalog models reachable; not: o3-pro, gpt-5-pro``."""
        total = len(self.reachable) + len(self.unreachable)
        text = f"{len(self.reachable)} of {total} catalog models reachable"
        if self.unreachable:
            shown = ", ".join(self.unreachable[:5])
            more = f" (+{len(self.unreachable) - 5})" if len(self.unreachable) > 5 else ""
            text += f"; not: {shown}{more}"
        return text


def models_url(provider: ProviderInfo, base_url: str | None = None) -> str:
    """The provider's model-list URL (base URL + the family's list path)."""
    base = (base_url or provider.base_url).rstrip("/")
    from playground.credentials.live import MODEL_LIST_PATHS

    path = MODEL_LIST_PATHS.get(provider.protocol, "/models")
    return base + path + _PAGE_SIZE_QUERY.get(provider.protocol, "")


_cache: dict[tuple[str, str, str], ModelListing] = {}


def clear_cache() -> None:
    """Forget every cached listing (the next call asks the servers again)."""
    _cache.clear()


async def list_live_models(
    provider: ProviderInfo,
    key: ResolvedKey | None,
    catalog: Catalog,
    *,
    client: httpx.AsyncClient | None = None,
    base_url: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 8.0,
    max_age: float = LIST_TTL_S,
) -> ModelListing:
    """Ask ``provider``'s server which models it offers (see the module docstring); never
    raises. ``max_age`` 0 skips the cache."""
    import httpx

    from playground.credentials.live import live_get
    from playground.credentials.types import LiveResult

    if provider.protocol in (Protocol.BEDROCK, Protocol.VERTEX, Protocol.VERTEX_ANTHROPIC):
        # Their model lists live on other APIs and hosts (Bedrock's control plane, Vertex's
        # Model Garden): the packaged catalog lists them instead.
        message = f"{provider.name} models are not listed live; the catalog lists them"
        return ModelListing(
            provider=provider.slug,
            models=merge_with_catalog(catalog, provider.slug, []),
            result=LiveResult("skipped", None, None, message, None),
            source="live",
            fetched_at=time.time(),
        )
    url = models_url(provider, base_url)
    cache_key = (provider.slug, url, _fingerprint(key))
    cached = _cache.get(cache_key) or (_read_disk(catalog, provider, url) if not key else None)
    if cached is not None and time.time() - cached.fetched_at <= max_age:
        return dataclasses.replace(cached, source="cache")
    if client is None:
        async with httpx.AsyncClient(follow_redirects=False) as own:
            result, response = await live_get(
                provider, key, own, url, timeout=timeout, headers=headers
            )
    else:
        result, response = await live_get(
            provider, key, client, url, timeout=timeout, headers=headers
        )
    listed: list[ListedModel] = []
    if response is not None and result.model_ids is not None:
        listed = _scrubbed(parse_model_list(response.json()) or [], key, url, headers)
        result = dataclasses.replace(result, model_ids=tuple(m.id for m in listed))
    elif result.ok:  # answered 2xx, but not with a model list
        result = dataclasses.replace(
            result, status="error", message="the answer is not a model list"
        )
    listing = ModelListing(
        provider=provider.slug,
        models=merge_with_catalog(catalog, provider.slug, listed),
        result=result,
        source="live",
        fetched_at=time.time(),
    )
    if listing.ok:
        _cache[cache_key] = listing
        if not key:
            _write_disk(provider, url, listing, listed)
    return listing


async def list_provider_models(
    provider: ProviderInfo,
    config: Config,
    catalog: Catalog,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: float = 8.0,
    max_age: float = LIST_TTL_S,
) -> ModelListing:
    """:func:`list_live_models` with the key, ``base_url`` and headers the config resolves.

    A simulated provider is asked at the running simulator (started on demand, or
    ``$PLAYGROUND_SIM_URL``).
    """
    from playground.credentials import resolve_credentials

    status = resolve_credentials(provider, config, catalog=catalog)
    base_url, headers = endpoint_overrides(provider, config)
    if provider.slug in AD_HOC_PROVIDERS and provider.base_url:
        base_url = None  # a custom:URL spec's own URL wins over [providers.custom] base_url
    if base_url is None and provider.simulated and "://" not in provider.base_url:
        from playground.sim.embedded import sim_root_url

        try:
            base_url = sim_root_url() + "/" + provider.base_url.lstrip("/")
        except (OSError, RuntimeError, TimeoutError):
            base_url = None  # reported as "skipped" by the live check
    return await list_live_models(
        provider,
        status.key,
        catalog,
        client=client,
        base_url=base_url,
        headers=headers,
        timeout=timeout,
        max_age=max_age,
    )


def endpoint_label(provider: ProviderInfo) -> str:
    """The provider as the user names it: its slug, or ``custom:URL`` for an ad-hoc endpoint
    parsed from a ``custom:URL#model`` / ``anthropic-custom:URL#model`` spec."""
    if provider.slug in AD_HOC_PROVIDERS and provider.base_url:
        return f"{provider.slug}:{provider.base_url}"
    return provider.slug


def listed_spec(provider: ProviderInfo, model_id: str) -> str:
    """How a listed model is named in ``-m`` and the picker: ``provider/model``, or
    ``custom:URL#model`` / ``anthropic-custom:URL#model`` for an ad-hoc endpoint."""
    if provider.slug in AD_HOC_PROVIDERS and provider.base_url:
        return f"{endpoint_label(provider)}#{model_id}"
    return f"{provider.slug}/{model_id}"


def _scrubbed(
    listed: list[ListedModel],
    key: ResolvedKey | None,
    url: str,
    headers: Mapping[str, str] | None,
) -> list[ListedModel]:
    """The entries with every secret of the request masked (a hostile server may "list" the
    key it was sent as a model id)."""
    secrets = [key.secret.reveal()] if key else []
    secrets += [v for n, v in (headers or {}).items() if is_secret_name(n)]
    scrubber = Scrubber(secrets + url_secrets(url))
    if not scrubber:
        return listed
    return [
        dataclasses.replace(
            m, id=scrubber.scrub(m.id), name=scrubber.scrub(m.name) if m.name else m.name
        )
        for m in listed
    ]


def merge_with_catalog(
    catalog: Catalog, provider_slug: str, listed: Sequence[ListedModel]
) -> tuple[ModelInfo, ...]:
    """Each listed model with the catalog's facts where the id matches, else ``known=False``
    with the server's name and limits."""
    merged = []
    for entry in listed:
        info = catalog.model(provider_slug, entry.id)
        if not info.known:
            info = dataclasses.replace(
                info,
                name=entry.name or entry.id,
                context_window=entry.context_window,
                max_output=entry.max_output,
            )
        merged.append(info)
    return tuple(merged)


def key_reach(catalog: Catalog, provider_slug: str, model_ids: Sequence[str]) -> KeyReach:
    """Split the catalog's models of ``provider_slug`` into those ``model_ids`` names and not."""
    offered = {model_id.lower() for model_id in model_ids}
    reachable, unreachable = [], []
    for model in catalog.models(provider_slug):
        (reachable if model.id.lower() in offered else unreachable).append(model.id)
    return KeyReach(tuple(reachable), tuple(unreachable))


def endpoint_overrides(provider: ProviderInfo, config: Config) -> tuple[str | None, dict[str, str]]:
    """The config's ``base_url`` and ``headers`` (``${VAR}`` interpolated) for ``provider``."""
    from playground.config.interpolate import interpolate
    from playground.credentials.resolve import provider_config

    settings = provider_config(provider, config)
    if settings is None:
        return None, {}
    headers = {name: interpolate(value)[0] for name, value in settings.headers.items()}
    return settings.base_url, headers


def disk_cache_path() -> Path:
    """The keyless servers' cached lists (``live-models.json`` in the user cache dir)."""
    from platformdirs import user_cache_path

    return user_cache_path("playground", appauthor=False) / "live-models.json"


def _read_disk(catalog: Catalog, provider: ProviderInfo, url: str) -> ModelListing | None:
    """A keyless server's list from the disk cache, if there is a readable one."""
    from playground.credentials.types import LiveResult

    try:
        entries = json.loads(disk_cache_path().read_text(encoding="utf-8"))
        entry = entries[f"{provider.slug} {redact_url(url)}"]
        listed = [ListedModel(**item) for item in entry["models"]]
        fetched_at = float(entry["fetched_at"])
        status = entry["status"] if entry["status"] in ("ok", "running") else "running"
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    ids = tuple(m.id for m in listed)
    result = LiveResult(status, None, 200, f"{len(ids)} models (cached list)", None, None, ids)
    models = merge_with_catalog(catalog, provider.slug, listed)
    return ModelListing(provider.slug, models, result, "cache", fetched_at)


def _write_disk(
    provider: ProviderInfo, url: str, listing: ModelListing, listed: Sequence[ListedModel]
) -> None:
    """Remember a keyless server's list (best effort: a write failure is ignored)."""
    path = disk_cache_path()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, dict):
            entries = {}
    except (OSError, ValueError, RecursionError):
        entries = {}
    now = time.time()
    entries = {
        k: v
        for k, v in entries.items()
        if isinstance(v, dict) and now - float(v.get("fetched_at", 0)) <= LIST_TTL_S * 10
    }
    entries[f"{provider.slug} {redact_url(url)}"] = {
        "fetched_at": listing.fetched_at,
        "status": listing.result.status,
        "models": [dataclasses.asdict(m) for m in listed],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".live-models-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle, ensure_ascii=False)
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)


def _fingerprint(key: ResolvedKey | None) -> str:
    """A short digest telling keys apart in the cache (the key itself is never stored)."""
    if key is None:
        return ""
    return hashlib.sha256(key.secret.reveal().encode()).hexdigest()[:16]
