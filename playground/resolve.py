"""Turn what the user typed (``provider/model``, a route name, a framework agent) into a
fallback chain of :class:`~playground.endpoint.Candidate`s ready for the router.

Base URL precedence: ``[providers.X] base_url`` in config > the spec itself
(``custom:URL#model``) > the catalog default. Simulated providers' relative base URLs are
prefixed with the embedded simulator's root URL. Every resolved key of a provider becomes
one endpoint of the candidate, so the router can rotate keys.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from playground.catalog.types import ModelInfo, ProviderInfo
from playground.config.schema import Config, ProviderConfig, RouteConfig
from playground.endpoint import AuthKind, Candidate, Endpoint, Protocol
from playground.secret import Secret

if TYPE_CHECKING:
    from playground.catalog.catalog import Catalog
    from playground.credentials.types import CredentialStatus, ResolvedKey
    from playground.frameworks import FrameworkOverlay

DEMO_FALLBACK_ROUTE = "demo-fallback"
"""The built-in route the first-run app opens on to show retries and a fallback live.

1. ``sim/echo?fail=429&retry_after=1`` always answers 429 with ``Retry-After: 1`` — the
   router retries it (waiting 1 s each time, as the server asked) and then falls back;
2. ``sim-anthropic/echo?fail=503`` always answers 503 (overloaded) — retried with backoff,
   then another fallback;
3. ``sim-gemini/echo?tps=40`` is healthy and streams the answer at 40 tokens/s.

Repeating the prompt later also shows cooldowns / open circuits on the first two hops.
"""

BUILTIN_ROUTES: dict[str, tuple[str, ...]] = {
    DEMO_FALLBACK_ROUTE: (
        "sim/echo?fail=429&retry_after=1",
        "sim-anthropic/echo?fail=503",
        "sim-gemini/echo?tps=40",
    ),
}


class ResolveError(Exception):
    """A model spec or route could not be turned into a chain; one line for the user."""


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """A pane's target: the label the user chose and the chain the router walks.

    ``models[i]`` is the catalog entry of ``chain[i]``. ``notes`` lists fallbacks that were
    configured but skipped (e.g. no key for their provider).
    """

    label: str
    chain: tuple[Candidate, ...]
    models: tuple[ModelInfo, ...]
    is_route: bool = False
    notes: tuple[str, ...] = ()

    @property
    def primary(self) -> Candidate:
        """The first candidate."""
        return self.chain[0]

    @property
    def primary_model(self) -> ModelInfo:
        """The catalog entry of the first candidate."""
        return self.models[0]

    @property
    def protocols(self) -> tuple[Protocol, ...]:
        """The wire protocol of each candidate."""
        return tuple(c.endpoints[0].protocol for c in self.chain)

    def model_for(self, candidate_label: str | None) -> ModelInfo:
        """The catalog entry of the candidate with this label (the primary when unknown)."""
        for candidate, model in zip(self.chain, self.models, strict=True):
            if candidate.label == candidate_label:
                return model
        return self.models[0]


@dataclass(slots=True)
class _Hop:
    candidate: Candidate
    model: ModelInfo
    fallbacks: tuple[str, ...] = ()


@dataclass(slots=True)
class Resolver:
    """Resolves specs against the config, the catalog, credentials and an optional overlay
    (``--from PATH``: a framework's providers, agent routes and keys)."""

    config: Config
    catalog: Catalog
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    overlay: FrameworkOverlay | None = None
    _cache: dict[str, ResolvedTarget] = field(default_factory=dict, repr=False)

    def invalidate(self) -> None:
        """Forget resolved targets, so the next :meth:`resolve` reads credentials again
        (call it after a key was stored or deleted)."""
        self._cache.clear()

    def routes(self) -> dict[str, tuple[str, ...]]:
        """Every selectable route: built-in demo routes, framework agents, config routes."""
        merged: dict[str, tuple[str, ...]] = dict(BUILTIN_ROUTES)
        for source in (self._overlay_routes(), self.config.routes):
            for name, route in source.items():
                merged[name] = tuple(route.models)
        return merged

    def resolve(self, spec: str) -> ResolvedTarget:
        """Resolve a route name or a ``provider/model`` spec into a :class:`ResolvedTarget`."""
        spec = spec.strip()
        if not spec:
            raise ResolveError("empty model spec: use provider/model (e.g. sim/echo) or a route")
        cached = self._cache.get(spec)
        if cached is not None:
            return cached
        routes = self.routes()
        if spec in routes:
            target = self._resolve_route(spec, routes[spec])
        else:
            target = self._resolve_model(spec)
        self._cache[spec] = target
        return target

    def _resolve_route(self, name: str, members: Sequence[str]) -> ResolvedTarget:
        if not members:
            raise ResolveError(f"route {name!r} has no models: set [routes.{name}] models = [...]")
        hops: list[_Hop] = []
        notes: list[str] = []
        hop_keys = self._overlay_route_keys(name)
        for index, member in enumerate(members):
            keys = hop_keys[index] if index < len(hop_keys) else None
            try:
                hops.append(self._hop(member, keys=keys or None))
            except ResolveError as exc:
                notes.append(f"skipped {member}: {exc}")
        if not hops:
            raise ResolveError(f"route {name!r}: no usable model ({notes[0]})")
        return _target(name, hops, is_route=True, notes=notes)

    def _resolve_model(self, spec: str) -> ResolvedTarget:
        primary = self._hop(spec)
        hops = [primary]
        notes: list[str] = []
        seen = {primary.candidate.label}
        for extra in primary.fallbacks:
            if extra in seen:
                continue
            seen.add(extra)
            try:
                hops.append(self._hop(extra))
            except ResolveError as exc:
                notes.append(f"skipped fallback {extra}: {exc}")
        return _target(spec, hops, is_route=False, notes=notes)

    def _hop(self, spec: str, *, keys: Sequence[ResolvedKey] | None = None) -> _Hop:
        """One candidate; ``keys`` (a framework agent's keys for this hop) win over lookup."""
        from playground.catalog import CatalogError

        try:
            ref = self.catalog.parse_spec(spec)
        except CatalogError as exc:
            raise ResolveError(str(exc)) from None
        provider: ProviderInfo = ref.provider
        model_id: str = ref.model_id
        model: ModelInfo = self.catalog.model(provider.slug, model_id)
        custom = ref.base_url is not None
        # Framework overlays key custom providers by the spec's provider part (custom:URL).
        provider_part = spec.split("#", 1)[0] if custom else provider.slug
        override = self._provider_config(provider_part) or self._provider_config(provider.slug)
        protocol = (override.protocol if override and override.protocol else None) or (
            provider.protocol
        )
        base_url = (override.base_url if override and override.base_url else None) or (
            ref.base_url or provider.base_url
        )
        if provider.simulated and "://" not in base_url:
            from playground.sim.embedded import sim_root_url

            try:
                root = sim_root_url()
            except (OSError, RuntimeError, TimeoutError) as exc:
                raise ResolveError(
                    f"could not start the simulated provider ({exc}); "
                    "run `playground sim` and set PLAYGROUND_SIM_URL"
                ) from None
            base_url = root.rstrip("/") + "/" + base_url.lstrip("/")
        headers = dict(override.headers) if override else {}
        options = {"api_version": override.api_version} if override and override.api_version else {}
        if protocol is Protocol.BEDROCK:
            base_url, options = self._bedrock(provider, override)
        elif protocol in (Protocol.VERTEX, Protocol.VERTEX_ANTHROPIC):
            base_url, options = self._vertex(provider, override)
        label = spec if custom else f"{provider.slug}/{model_id}"
        endpoints = tuple(
            Endpoint(
                provider=provider.slug,
                protocol=protocol,
                base_url=base_url.rstrip("/"),
                model=model_id,
                api_key=secret,
                auth_kind=auth_kind,
                headers=headers,
                key_source=source,
                options=options,
            )
            for secret, source, auth_kind in self._keys(provider, provider_part, override, keys)
        )
        fallbacks = tuple(model.fallbacks) + (tuple(override.fallbacks) if override else ())
        candidate = Candidate(label=label, endpoints=endpoints, fallbacks=fallbacks)
        return _Hop(candidate, model, fallbacks)

    def _keys(
        self,
        provider: ProviderInfo,
        provider_part: str,
        override: ProviderConfig | None,
        preferred: Sequence[ResolvedKey] | None = None,
    ) -> list[tuple[Secret | None, str | None, AuthKind]]:
        """One entry per usable key (rotation order); one keyless entry when none is needed."""
        configured_none = override is not None and override.auth == AuthKind.NONE
        if (configured_none and not preferred) or provider.simulated:
            return [(None, None, AuthKind.NONE)]
        keyless = AuthKind.NONE in provider.auth_kinds
        keys = list(preferred or ()) or (
            self._overlay_keys(provider_part) or self._overlay_keys(provider.slug)
        )
        if not keys:
            from playground.credentials import resolve_credentials

            status = resolve_credentials(provider, self.config, env=self.env, cwd=self.cwd)
            keys = list(status.keys)
            if not keys and not (keyless or provider.local):
                raise ResolveError(_missing_key_message(provider, status))
        if not keys:
            return [(None, None, AuthKind.NONE)]
        resolved = []
        for key in keys:
            kind = key.auth_kind
            if override is not None and override.auth not in (None, AuthKind.NONE):
                kind = override.auth
            resolved.append((key.secret, key.source, AuthKind(kind)))
        return resolved

    def _bedrock(
        self, provider: ProviderInfo, override: ProviderConfig | None
    ) -> tuple[str, dict[str, str]]:
        """Bedrock's address (``{region}`` filled in) and its region/profile/signing options."""
        from playground.adapters.bedrock_auth import AwsAuthError, bedrock_placement

        try:
            return bedrock_placement(
                default_base_url=provider.base_url,
                base_url_override=override.base_url if override else None,
                region=override.region if override else None,
                profile=override.profile if override else None,
                sign=not (override is not None and override.auth == AuthKind.NONE),
                env=self.env if self.env is not None else os.environ,
            )
        except AwsAuthError as exc:
            raise ResolveError(str(exc)) from None

    def _vertex(
        self, provider: ProviderInfo, override: ProviderConfig | None
    ) -> tuple[str, dict[str, str]]:
        """Vertex AI's address and its project/location (and ADC unless ``auth = "none"``)."""
        from playground.adapters.vertex_auth import no_project_message, vertex_place

        place = vertex_place(
            project=override.project if override else None,
            location=override.location if override else None,
            env=self.env if self.env is not None else os.environ,
        )
        if place is None:
            raise ResolveError(no_project_message(provider.slug))
        options = {"project": place.project, "location": place.location}
        if not (override is not None and override.auth == AuthKind.NONE):
            options["adc"] = "yes"
        configured = override.base_url if override else None
        return configured or place.default_base_url(), options

    def _provider_config(self, slug: str) -> ProviderConfig | None:
        # A table may be named by an alias: [providers.google] applies to gemini.
        name = self.catalog.config_name(slug) or slug
        found = self.config.providers.get(name)
        overlay_providers = self.overlay.providers if self.overlay else {}
        return found or overlay_providers.get(slug)

    def _overlay_routes(self) -> Mapping[str, RouteConfig]:
        return self.overlay.routes if self.overlay else {}

    def _overlay_route_keys(self, name: str) -> list[list[ResolvedKey]]:
        return list(self.overlay.route_keys.get(name, ())) if self.overlay else []

    def _overlay_keys(self, slug: str) -> list[ResolvedKey]:
        return list(self.overlay.keys.get(slug, ())) if self.overlay else []


def _target(label: str, hops: list[_Hop], *, is_route: bool, notes: list[str]) -> ResolvedTarget:
    return ResolvedTarget(
        label=label,
        chain=tuple(h.candidate for h in hops),
        models=tuple(h.model for h in hops),
        is_route=is_route,
        notes=tuple(notes),
    )


def _missing_key_message(provider: ProviderInfo, status: CredentialStatus) -> str:
    env = " or ".join(provider.env_vars[:2]) if provider.env_vars else None
    hint = f"run `playground keys set {provider.slug}`"
    if env:
        hint = f"set {env} or {hint}"
    problems = status.problems
    detail = f" ({problems[0]})" if problems else ""
    return f"no key for {provider.slug}{detail}: {hint}"


def default_resolver(
    config: Config,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    overlay: FrameworkOverlay | None = None,
) -> Resolver:
    """A resolver over the packaged catalog merged with ``config``."""
    from playground.catalog import load_catalog

    return Resolver(
        config=config,
        catalog=load_catalog(config),
        env=env if env is not None else dict(os.environ),
        cwd=cwd,
        overlay=overlay,
    )
