"""The catalog: built-in providers + the packaged models.dev models + the user's config.

The model list (the packaged ``models.json``, or the user's refreshed copy of it) is read on
first use (not at import) and each provider's :class:`ModelInfo` records are built only when
that provider is asked for, so importing the package and listing providers stay cheap.

Model specs (:meth:`Catalog.parse_spec`):

* ``provider/model`` — everything after the first slash is the model id
  (``openrouter/anthropic/claude-sonnet-4`` → provider ``openrouter``, model
  ``anthropic/claude-sonnet-4``; ``litellm/openai/gpt-4o`` sends ``openai/gpt-4o`` to the proxy).
* ``custom:URL#model`` — an ad-hoc OpenAI-compatible endpoint at ``URL`` (the SDK-style base,
  e.g. ``http://127.0.0.1:8080/v1``); ``anthropic-custom:URL#model`` the same for the
  Anthropic wire format. ``#model`` is optional and defaults to ``default``.

Route names are not handled here (the resolver does that).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.catalog.providers import AD_HOC_PROVIDERS, PROVIDERS, SIM_MODELS, STYLE_PARAM
from playground.catalog.types import ModelInfo, Prices, ProviderInfo, ThinkingOptions
from playground.endpoint import Protocol

if TYPE_CHECKING:
    from playground.catalog.refresh import CatalogSource
    from playground.config.schema import Config, ModelConfig, ProviderConfig

DEFAULT_CUSTOM_MODEL = "default"
CUSTOM_SCHEMES = tuple(AD_HOC_PROVIDERS)  # "custom", "anthropic-custom"
_TAGGED_PROTOCOL_HOSTS = frozenset({"ollama", "lmstudio", "llamacpp", "vllm", "sim-ollama"})


class CatalogError(Exception):
    """A provider or model spec could not be understood. The message is one line for the user."""


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A parsed model spec: the provider, the provider's model id, and an ad-hoc base URL.

    ``base_url`` is set only for ``custom:URL#model`` / ``anthropic-custom:URL#model``.
    """

    provider: ProviderInfo
    model_id: str
    base_url: str | None = None

    @property
    def spec(self) -> str:
        """``provider/model`` as the user writes it."""
        return f"{self.provider.slug}/{self.model_id}"


# --- the packaged models ------------------------------------------------------------------


def catalog_rows() -> dict[str, list[list[Any]]]:
    """The compact rows per provider slug: the user's refreshed copy when it is valid, else
    the packaged ``models.json`` (read once; see :mod:`playground.catalog.refresh`)."""
    from playground.catalog.refresh import active_rows

    return active_rows()[0]


def catalog_source() -> CatalogSource:
    """Where :func:`catalog_rows` come from (packaged or a refreshed copy, and its age)."""
    from playground.catalog.refresh import active_rows

    return active_rows()[1]


def _model_from_row(slug: str, row: list[Any]) -> ModelInfo:
    model_id, name, context, max_out, tools, vision, thinking, options, prices = row
    if options:
        style, efforts, b_min, b_max, default_on, can_disable = options
        thinking_options = ThinkingOptions(
            style=style,
            efforts=tuple(efforts),
            budget_min=b_min,
            budget_max=b_max,
            default_on=default_on,
            can_disable=can_disable,
        )
    else:
        thinking_options = ThinkingOptions()
    return ModelInfo(
        provider=slug,
        id=model_id,
        name=name,
        context_window=context,
        max_output=max_out,
        tools=tools,
        vision=vision,
        thinking=thinking,
        thinking_options=thinking_options,
        prices=Prices(*prices) if prices else Prices(),
    )


# --- the catalog --------------------------------------------------------------------------


class Catalog:
    """Providers and models, with lookups by slug, alias and prefix family.

    Build one with :func:`load_catalog`.
    """

    def __init__(
        self,
        providers: Sequence[ProviderInfo],
        model_overrides: dict[str, dict[str, ModelConfig]] | None = None,
        config_names: dict[str, str] | None = None,
    ) -> None:
        self._providers = list(providers)
        self._by_slug = {p.slug: p for p in self._providers}
        self._names: dict[str, ProviderInfo] = {}
        for p in self._providers:
            for alias in p.aliases:
                self._names.setdefault(alias.lower(), p)
        for p in self._providers:  # slugs win over aliases of other providers
            self._names[p.slug.lower()] = p
        self._prefixes = sorted(
            ((fam.lower(), p) for p in self._providers for fam in p.prefix_families),
            key=lambda item: -len(item[0]),
        )
        self._model_overrides = model_overrides or {}
        self._config_names = config_names or {}
        self._models: dict[str, dict[str, ModelInfo]] = {}

    # providers

    def providers(self) -> list[ProviderInfo]:
        """Every provider: built-ins (possibly overridden by config) then config-added ones."""
        return list(self._providers)

    def provider(self, name: str) -> ProviderInfo | None:
        """The provider named by slug, alias or prefix family (case-insensitive), or None.

        ``custom`` and ``anthropic-custom`` return the ad-hoc templates (no base URL).
        """
        key = name.strip().lower()
        if not key:
            return None
        found = self._names.get(key)
        if found is not None:
            return found
        for prefix, provider in self._prefixes:
            if key.startswith(prefix):
                return provider
        return AD_HOC_PROVIDERS.get(key)

    def config_name(self, slug: str) -> str | None:
        """The ``[providers.NAME]`` table of the config that applies to ``slug``, if any.

        ``[providers.google]`` applies to ``gemini``: callers reading ``api_key``/``headers``
        from the config should look the table up under this name.
        """
        return self._config_names.get(slug)

    def require_provider(self, name: str) -> ProviderInfo:
        """Like :meth:`provider` but raises :class:`CatalogError` with suggestions."""
        found = self.provider(name)
        if found is None:
            raise CatalogError(f"unknown provider '{name}'{self._suggest_provider(name)}")
        return found

    # models

    def models(self, provider: str | None = None) -> list[ModelInfo]:
        """Every model of ``provider`` (a slug, alias or family), or of all providers."""
        if provider is not None:
            return list(self._provider_models(self.require_provider(provider).slug).values())
        out: list[ModelInfo] = []
        for p in self._providers:
            out.extend(self._provider_models(p.slug).values())
        return out

    def model(self, provider_slug: str, model_id: str) -> ModelInfo:
        """The catalog entry of ``model_id``; unknown models get ``known=False`` and no flags.

        Simulated model ids may carry ``?params`` (``echo?fail=429``; ``style=…`` picks a
        variant such as ``thinker?style=level``) and local servers' ids a ``:tag``
        (``qwen3:8b``): both resolve to the base model's facts, keeping the id as written.
        """
        provider = self.require_provider(provider_slug)
        models = self._provider_models(provider.slug)
        found = models.get(model_id)
        if found is not None:
            return found
        for candidate in self._fallback_ids(provider, model_id):
            base = models.get(candidate)
            if base is not None:
                return dataclasses.replace(base, id=model_id)
        lowered = {k.lower(): v for k, v in models.items()}
        base = lowered.get(model_id.lower())
        if base is not None:
            return base
        claude = _bedrock_claude_id(model_id) if provider.protocol is Protocol.BEDROCK else None
        if claude is not None and (base := self._provider_models("anthropic").get(claude)):
            # Claude on Bedrock has the same limits, flags and thinking options.
            return dataclasses.replace(base, provider=provider.slug, id=model_id, name=base.name)
        return ModelInfo(
            provider=provider.slug,
            id=model_id,
            name=model_id,
            known=False,
        )

    def known_model(self, provider_slug: str, model_id: str) -> bool:
        """Whether the catalog (or the config) lists this model."""
        return self.model(provider_slug, model_id).known

    # specs

    def parse_spec(self, spec: str) -> ModelRef:
        """Parse ``provider/model``, ``custom:URL#model`` or ``anthropic-custom:URL#model``.

        Raises :class:`CatalogError` (one line, with suggestions) for an unknown provider or
        a malformed spec.
        """
        text = spec.strip()
        if not text:
            raise CatalogError("empty model spec: write provider/model, e.g. openai/gpt-4o-mini")
        scheme, colon, rest = text.partition(":")
        if colon and scheme.lower() in CUSTOM_SCHEMES and "/" not in scheme:
            return self._parse_custom(scheme.lower(), rest, text)
        name, slash, model_id = text.partition("/")
        if not slash:
            raise CatalogError(f"'{text}' is not provider/model{self._suggest_for_bare(text)}")
        if not name:
            raise CatalogError(f"'{text}' has no provider before the slash")
        if name.lower() in CUSTOM_SCHEMES and not self._by_slug.get(name.lower()):
            raise CatalogError(
                f"'{text}': {name} needs a URL, e.g. {name}:http://127.0.0.1:8080/v1#MODEL"
            )
        provider = self.require_provider(name)
        if not model_id.strip():
            raise CatalogError(
                f"'{text}' has no model after the slash "
                f"(see 'playground models --provider {provider.slug}')"
            )
        return ModelRef(provider=provider, model_id=model_id.strip())

    def _parse_custom(self, scheme: str, rest: str, text: str) -> ModelRef:
        url, _, model_id = rest.partition("#")
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            raise CatalogError(
                f"'{text}': {scheme} needs an http(s) URL, e.g. "
                f"{scheme}:http://127.0.0.1:8080/v1#MODEL"
            )
        template = self._by_slug.get(scheme) or AD_HOC_PROVIDERS[scheme]
        provider = dataclasses.replace(template, base_url=url.rstrip("/"))
        return ModelRef(
            provider=provider,
            model_id=model_id.strip() or DEFAULT_CUSTOM_MODEL,
            base_url=url.rstrip("/"),
        )

    # internals

    def _provider_models(self, slug: str) -> dict[str, ModelInfo]:
        cached = self._models.get(slug)
        if cached is not None:
            return cached
        if slug in SIM_MODELS:
            models = {m.id: m for m in SIM_MODELS[slug]}
        else:
            rows = catalog_rows().get(slug, [])
            models = {row[0]: _model_from_row(slug, row) for row in rows}
        provider = self._by_slug.get(slug) or AD_HOC_PROVIDERS.get(slug)
        protocol = provider.protocol if provider is not None else None
        for model_id, override in self._model_overrides.get(slug, {}).items():
            base = models.get(model_id) or ModelInfo(provider=slug, id=model_id, name=model_id)
            models[model_id] = apply_model_config(base, override, protocol)
        self._models[slug] = models
        return models

    @staticmethod
    def _fallback_ids(provider: ProviderInfo, model_id: str) -> Iterable[str]:
        if provider.simulated and "?" in model_id:
            base, _, query = model_id.partition("?")
            for pair in query.split("&"):
                key, _, value = pair.partition("=")
                if key == STYLE_PARAM:
                    yield f"{base}?{STYLE_PARAM}={value}"
            yield base
        if (provider.local or provider.slug in _TAGGED_PROTOCOL_HOSTS) and ":" in model_id:
            yield model_id.split(":", 1)[0]

    def _names_for_suggestions(self) -> list[str]:
        return sorted(set(self._names) | set(CUSTOM_SCHEMES))

    def _suggest_provider(self, name: str) -> str:
        import difflib  # only on the error path

        close = difflib.get_close_matches(name.lower(), self._names_for_suggestions(), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return f"{hint} (see 'playground models' for the list)"

    def _suggest_for_bare(self, text: str) -> str:
        if self.provider(text) is not None:
            return f": add a model, e.g. {text}/MODEL (see 'playground models --provider {text}')"
        hits = [m.spec for m in self.models() if m.id.lower() == text.lower()][:3]
        if not hits:
            import difflib  # only on the error path

            ids = {m.id: m.spec for m in self.models()}
            close = difflib.get_close_matches(text, list(ids), n=3)
            hits = [ids[c] for c in close]
        return f"; did you mean {' or '.join(hits)}?" if hits else "; write provider/model"


# --- config overlay -----------------------------------------------------------------------


def apply_model_config(
    base: ModelInfo, cfg: ModelConfig, protocol: Protocol | None = None
) -> ModelInfo:
    """``base`` with every field the user's ``[providers.P.models.M]`` table sets.

    ``protocol`` (the provider's) picks the thinking controls of a model the config turns
    thinking on for without saying how (see :data:`DECLARED_THINKING`).
    """
    prices = base.prices
    price_fields = {
        "input": cfg.price_input,
        "output": cfg.price_output,
        "cache_read": cfg.price_cache_read,
        "cache_write": cfg.price_cache_write,
        "reasoning": cfg.price_reasoning,
    }
    set_prices = {k: v for k, v in price_fields.items() if v is not None}
    if set_prices:
        prices = dataclasses.replace(prices, **set_prices)
    options = _thinking_override(base.thinking_options, cfg, protocol)
    thinking = base.thinking
    if cfg.thinking is not None:
        thinking = cfg.thinking
    elif options != base.thinking_options:
        thinking = options.style != "none"
    changes: dict[str, Any] = {
        "prices": prices,
        "thinking_options": options,
        "thinking": thinking,
        "known": True,
    }
    for field in ("name", "context_window", "max_output", "tools", "vision"):
        value = getattr(cfg, field)
        if value is not None:
            changes[field] = value
    if cfg.fallbacks:
        changes["fallbacks"] = tuple(cfg.fallbacks)
    return dataclasses.replace(base, **changes)


DECLARED_THINKING: dict[Protocol, ThinkingOptions] = {
    # Every Anthropic-protocol server that thinks accepts a budget (adaptive thinking is
    # newer and Claude-only), so a declared reasoning model gets the budget slider.
    Protocol.ANTHROPIC: ThinkingOptions(style="budget", budget_min=1024),
    # The Responses API takes only reasoning.effort (no on/off switch): the levels every
    # OpenAI reasoning model accepts, always on.
    Protocol.OPENAI_RESPONSES: ThinkingOptions(
        style="effort", efforts=("low", "medium", "high"), default_on=True, can_disable=False
    ),
}
"""Thinking controls of a model declared ``reasoning = true`` with no efforts or budget;
other protocols get an on/off toggle."""


def _thinking_override(
    base: ThinkingOptions, cfg: ModelConfig, protocol: Protocol | None = None
) -> ThinkingOptions:
    if cfg.thinking is False:
        return ThinkingOptions()
    if cfg.thinking_always_on:
        return ThinkingOptions(style="always", default_on=True, can_disable=False)
    if cfg.thinking_efforts is not None:
        efforts = tuple(cfg.thinking_efforts)
        style = base.style if base.style in ("effort", "level", "adaptive") else "effort"
        can_disable = "none" in efforts or (base.can_disable and base.style == style)
        return ThinkingOptions(
            style=style, efforts=efforts, default_on=True, can_disable=can_disable
        )
    if cfg.thinking_budget_min is not None or cfg.thinking_budget_max is not None:
        was_budget = base.style == "budget"
        return ThinkingOptions(
            style="budget",
            budget_min=cfg.thinking_budget_min
            if cfg.thinking_budget_min is not None
            else base.budget_min,
            budget_max=cfg.thinking_budget_max
            if cfg.thinking_budget_max is not None
            else base.budget_max,
            default_on=base.default_on if was_budget else False,
            can_disable=base.can_disable if was_budget else True,
        )
    if cfg.thinking is True and base.style == "none":
        declared = DECLARED_THINKING.get(protocol) if protocol is not None else None
        return declared or ThinkingOptions(style="toggle")
    return base


def _override_provider(info: ProviderInfo, cfg: ProviderConfig) -> ProviderInfo:
    changes: dict[str, Any] = {}
    if cfg.protocol is not None:
        changes["protocol"] = cfg.protocol
    if cfg.base_url:
        changes["base_url"] = cfg.base_url.rstrip("/")
    if cfg.env:
        # The config's names come first; the catalog's names keep working too.
        changes["env_vars"] = tuple(dict.fromkeys((*cfg.env, *info.env_vars)))
    if cfg.auth is not None:
        changes["auth_kinds"] = (cfg.auth, *(k for k in info.auth_kinds if k != cfg.auth))
    return dataclasses.replace(info, **changes) if changes else info


def _new_provider(name: str, cfg: ProviderConfig) -> ProviderInfo:
    from playground.endpoint import AuthKind

    if cfg.protocol is None or not cfg.base_url:
        raise CatalogError(
            f"config [providers.{name}]: '{name}' is not a built-in provider, so it needs "
            "protocol and base_url (see 'playground models' for built-in names)"
        )
    local = cfg.base_url.startswith(("http://localhost", "http://127.", "http://[::1]"))
    auth = cfg.auth or (AuthKind.NONE if local and not cfg.api_key else AuthKind.API_KEY)
    return ProviderInfo(
        slug=name,
        name=name,
        protocol=cfg.protocol,
        base_url=cfg.base_url.rstrip("/"),
        env_vars=tuple(cfg.env),
        auth_kinds=(auth,),
        key_check_path="/models" if cfg.protocol.value == "openai" else None,
        local=local,
    )


def build_catalog(config: Config | None = None) -> Catalog:
    """A fresh catalog of the built-ins merged with ``config`` (see :func:`load_catalog`)."""
    providers = list(PROVIDERS)
    overrides: dict[str, dict[str, ModelConfig]] = {}
    names: dict[str, str] = {}
    if config is not None and config.providers:
        base = Catalog(providers)
        index = {p.slug: i for i, p in enumerate(providers)}
        for name, cfg in config.providers.items():
            key = name.strip().lower()
            builtin = base._names.get(key) or (
                None if cfg.protocol and cfg.base_url else base.provider(key)
            )
            if builtin is not None and builtin.slug in index:
                providers[index[builtin.slug]] = _override_provider(builtin, cfg)
                slug = builtin.slug
            elif key in AD_HOC_PROVIDERS and not cfg.base_url:
                # [providers.custom] / [providers.anthropic-custom]: settings and models for
                # every custom:URL#model / anthropic-custom:URL#model spec.
                slug = key
            elif key in AD_HOC_PROVIDERS and cfg.protocol is None:
                # ... and with a base_url, a provider of that name speaking the scheme's
                # protocol (custom/MODEL), its key in CUSTOM_API_KEY / ANTHROPIC_CUSTOM_API_KEY.
                providers.append(_override_provider(AD_HOC_PROVIDERS[key], cfg))
                index[key] = len(providers) - 1
                slug = key
            else:
                providers.append(_new_provider(key, cfg))
                index[key] = len(providers) - 1
                slug = key
            names.setdefault(slug, name)
            if cfg.models:
                overrides.setdefault(slug, {}).update(cfg.models)
    return Catalog(providers, overrides, names)


_CACHE: dict[int, tuple[Config | None, Catalog]] = {}
_CACHE_SIZE = 8


def forget_loaded_catalogs() -> None:
    """Drop the cached catalogs and model rows, so the next load reads them again (after a
    refresh wrote a new copy)."""
    from playground.catalog.refresh import active_rows

    active_rows.cache_clear()
    _CACHE.clear()


def load_catalog(config: Config | None = None) -> Catalog:
    """The catalog merged with ``config`` (cached per config object).

    ``[providers.NAME]`` with a built-in slug or alias overrides that provider (``protocol``,
    ``base_url``, ``env``, ``auth``); any other NAME adds a provider and then needs
    ``protocol`` and ``base_url``. ``[providers.NAME.models.ID]`` adds a model or overrides
    any field of a packaged one. Raises :class:`CatalogError` for an unusable provider table.
    """
    key = id(config)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is config:
        return hit[1]
    catalog = build_catalog(config)
    if len(_CACHE) >= _CACHE_SIZE:  # keep memory bounded when many configs come and go
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (config, catalog)
    return catalog


_BEDROCK_CLAUDE = re.compile(r"^(?:[a-z-]+\.)?anthropic\.(claude-[a-z0-9.-]+?)-v\d+(?::\d+)?$")


def _bedrock_claude_id(model_id: str) -> str | None:
    """``us.anthropic.claude-haiku-4-5-20251001-v1:0`` → ``claude-haiku-4-5-20251001``."""
    match = _BEDROCK_CLAUDE.match(model_id)
    return match.group(1) if match else None
