"""The user's refreshed copy of the catalog: fetched on request, validated, cached on disk.

``playground models --refresh`` calls :func:`refresh_catalog`: one GET of the public model
database the packaged catalog is generated from (models.dev's ``api.json``; the URL comes
from ``$PLAYGROUND_CATALOG_URL``, else ``[catalog] url`` in the config, else
:data:`DEFAULT_URL`), with a timeout, ``If-None-Match`` / ``If-Modified-Since`` from the last
fetch, a cap on the decoded body, and validation (the core providers must be there with
models). A good answer is written atomically to ``<user cache dir>/catalog.json`` in the
packaged file's format plus ``fetched_at``, ``url``, ``etag`` and ``last_modified``.

:func:`active_rows` is what the catalog reads: a valid cached copy newer than the installed
package wins, anything else (no copy, an unreadable or invalid one, one older than the
package) falls back to the packaged file. Nothing here runs at start-up unless asked, and
nothing raises for network or file problems: :func:`refresh_catalog` reports them in its
result.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

DEFAULT_URL = "https://models.dev/api.json"
URL_ENV = "PLAYGROUND_CATALOG_URL"
CACHE_ENV = "PLAYGROUND_CATALOG_CACHE"
"""Overrides the cached copy's path (tests; a shared cache)."""
STALE_AFTER_S = 30 * 86_400.0
"""A cached copy older than this is still used, but ``models`` suggests a refresh."""
MAX_BODY_BYTES = 64 * 2**20
"""The largest decoded answer read (models.dev's api.json is a few MiB)."""
REQUIRED_PROVIDERS = ("openai", "anthropic", "gemini")
"""Providers a valid document must list models for (guards against a truncated answer)."""

_FORMAT_VERSION = 1
_ROW_FIELDS = 9


@dataclass(frozen=True, slots=True)
class CatalogSource:
    """Where the active catalog comes from: ``packaged`` or ``cache`` (with its age)."""

    kind: Literal["packaged", "cache"]
    path: Path
    fetched_at: float | None = None
    url: str | None = None

    @property
    def age_s(self) -> float | None:
        """Seconds since the cached copy was fetched (None for the packaged catalog)."""
        return None if self.fetched_at is None else max(0.0, time.time() - self.fetched_at)

    @property
    def stale(self) -> bool:
        """A cached copy older than :data:`STALE_AFTER_S`."""
        age = self.age_s
        return age is not None and age > STALE_AFTER_S

    def describe(self) -> str:
        """``catalog: refreshed copy from models.dev, 3 h old`` / ``catalog: packaged``."""
        if self.kind == "packaged":
            return "catalog: packaged (update with 'playground models --refresh')"
        text = f"catalog: refreshed copy, {_age(self.age_s or 0.0)} old"
        if self.stale:
            text += " (stale: run 'playground models --refresh')"
        return text


RefreshStatus = Literal["updated", "not_modified", "checked", "error"]


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """The outcome of :func:`refresh_catalog`; ``message`` is one line for the user."""

    status: RefreshStatus
    message: str
    models: int = 0
    providers: int = 0
    path: Path | None = None

    @property
    def ok(self) -> bool:
        """Anything but ``error``."""
        return self.status != "error"


def cache_path() -> Path:
    """Where the refreshed copy lives (``$PLAYGROUND_CATALOG_CACHE`` or the user cache dir)."""
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path("playground", appauthor=False) / "catalog.json"


def packaged_path() -> Path:
    """The catalog file installed with the package."""
    return Path(__file__).parent / "models.json"


def catalog_url(configured: str | None = None) -> str:
    """``$PLAYGROUND_CATALOG_URL``, else the config's ``[catalog] url``, else the default."""
    return os.environ.get(URL_ENV, "").strip() or configured or DEFAULT_URL


@lru_cache(maxsize=1)
def active_rows() -> tuple[dict[str, list[list[Any]]], CatalogSource]:
    """The rows the catalog uses and where they come from (read once per process)."""
    cached = _read_cache(cache_path())
    if cached is not None:
        return cached
    document = json.loads(packaged_path().read_text(encoding="utf-8"))
    return document["providers"], CatalogSource("packaged", packaged_path())


def _read_cache(path: Path) -> tuple[dict[str, list[list[Any]]], CatalogSource] | None:
    """The cached copy when it is readable, valid and newer than the installed package."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        providers = validate_rows(document.get("providers"))
        fetched_at = float(document["fetched_at"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    if document.get("v") != _FORMAT_VERSION:
        return None
    try:
        if fetched_at < packaged_path().stat().st_mtime:
            return None  # the package was installed after this copy was fetched
    except OSError:
        return None
    url = document.get("url") if isinstance(document.get("url"), str) else None
    return providers, CatalogSource("cache", path, fetched_at, url)


def validate_rows(providers: Any) -> dict[str, list[list[Any]]]:
    """``providers`` when it is a catalog's ``{slug: [row, …]}`` with the core providers;
    raises ``ValueError`` saying what is wrong."""
    if not isinstance(providers, dict):
        raise ValueError("no providers")
    for slug, rows in providers.items():
        if not isinstance(slug, str) or not isinstance(rows, list):
            raise ValueError(f"provider {slug!r} is not a list of models")
        for row in rows:
            if not (isinstance(row, list) and len(row) == _ROW_FIELDS and isinstance(row[0], str)):
                raise ValueError(f"a model of {slug} has an unexpected shape")
    missing = [slug for slug in REQUIRED_PROVIDERS if not providers.get(slug)]
    if missing:
        raise ValueError(f"no models for {', '.join(missing)}")
    return providers


def refresh_catalog(
    url: str | None = None, *, timeout: float = 10.0, store: bool = True
) -> RefreshResult:
    """Fetch, validate and (``store``) cache the model database; never raises.

    With ``store`` the last fetch's ``ETag`` / ``Last-Modified`` are sent, and a ``304``
    keeps the cached copy (its age restarts). ``store=False`` is the dry run of
    ``--check``: fetch unconditionally, validate, report, write nothing.
    """
    import httpx

    from playground.secret import redact_url

    target = catalog_url(url)
    shown = redact_url(target)
    path = cache_path()
    previous = _load_document(path) if store else None
    headers = {"accept": "application/json"}
    if previous is not None:
        if isinstance(previous.get("etag"), str):
            headers["if-none-match"] = previous["etag"]
        if isinstance(previous.get("last_modified"), str):
            headers["if-modified-since"] = previous["last_modified"]
    try:
        status, response_headers, body = _fetch(target, headers, timeout)
    except _TooLarge:
        return RefreshResult("error", f"{shown}: the answer is larger than 64 MiB; not used")
    except httpx.TimeoutException:
        return RefreshResult("error", f"{shown}: no answer within {timeout:g} s; catalog unchanged")
    except httpx.HTTPError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return RefreshResult("error", f"{shown}: {reason[:200]}; catalog unchanged")
    if status == 304 and previous is not None:
        previous["fetched_at"] = time.time()
        _write_atomically(path, previous)
        count = sum(len(rows) for rows in previous["providers"].values())
        message = f"not modified since the last refresh: {count} models ({path})"
        return RefreshResult("not_modified", message, count, len(previous["providers"]), path)
    if status != 200:
        return RefreshResult("error", f"{shown} answered HTTP {status}; catalog unchanged")
    try:
        providers = _convert(json.loads(body))
    except (ValueError, RecursionError) as exc:
        return RefreshResult("error", f"{shown}: invalid model database ({exc}); catalog unchanged")
    count = sum(len(rows) for rows in providers.values())
    if not store:
        message = f"valid: {count} models from {len(providers)} providers at {shown} (not stored)"
        return RefreshResult("checked", message, count, len(providers))
    document = {
        "v": _FORMAT_VERSION,
        "source": "models.dev (MIT, see models.dev.LICENSE)",
        "url": shown,
        "fetched_at": time.time(),
        "etag": response_headers.get("etag"),
        "last_modified": response_headers.get("last-modified"),
        "providers": providers,
    }
    try:
        _write_atomically(path, document)
    except OSError as exc:
        return RefreshResult("error", f"cannot write {path}: {exc.strerror or exc}")
    from playground.catalog.catalog import forget_loaded_catalogs

    forget_loaded_catalogs()
    message = f"updated: {count} models from {len(providers)} providers ({path})"
    return RefreshResult("updated", message, count, len(providers), path)


class _TooLarge(Exception):
    """The decoded answer passed :data:`MAX_BODY_BYTES`."""


def _fetch(url: str, headers: dict[str, str], timeout: float) -> tuple[int, Any, bytes]:
    """GET ``url`` (redirects followed: no credentials are sent), reading at most
    :data:`MAX_BODY_BYTES` decoded bytes."""
    import httpx

    with (
        httpx.Client(follow_redirects=True, timeout=timeout) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _TooLarge
            chunks.append(chunk)
        return response.status_code, response.headers, b"".join(chunks)


def _convert(api: Any) -> dict[str, list[list[Any]]]:
    """models.dev ``api.json`` → validated rows. What the document lacks is kept from the
    packaged catalog: a provider it lists no models for, and the thinking options of a
    known model whose record does not describe its reasoning options."""
    from playground.catalog.models_dev import rows_from_api

    providers = validate_rows(rows_from_api(api))
    packaged = json.loads(packaged_path().read_text(encoding="utf-8"))["providers"]
    for slug, rows in providers.items():
        if not rows:
            providers[slug] = packaged.get(slug, [])
            continue
        known = {row[0]: row for row in packaged.get(slug, [])}
        for row in rows:
            old = known.get(row[0])
            if old is not None and old[7] and not _has_reasoning_options(api, slug, row[0]):
                row[6], row[7] = old[6], old[7]
    return providers


def _has_reasoning_options(api: dict[str, Any], slug: str, model_id: str) -> bool:
    from playground.catalog.models_dev import PROVIDER_MAP

    for dev_id, mapped in PROVIDER_MAP.items():
        entry = api.get(dev_id) if mapped == slug else None
        models = entry.get("models") if isinstance(entry, dict) else None
        record = models.get(model_id) if isinstance(models, dict) else None
        if isinstance(record, dict) and "reasoning_options" in record:
            return True
    return False


def _load_document(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        validate_rows(document.get("providers"))
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):
        return None
    return document


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    import tempfile  # only when writing: keeps catalog loading light

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".catalog-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, separators=(",", ":"), ensure_ascii=False)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 2 * 86_400:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86_400)} days"
