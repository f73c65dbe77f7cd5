"""ZeroClaw: ``<config_dir>/config.toml`` with ``.secret_key`` beside it, reference §5.

Schema V1 (no ``schema_version``; ≤ v0.6.9): top-level ``default_provider``/``default_model``/
``api_key``, ``[reliability]`` fallbacks, ``[[model_routes]]``, ``[agents.<n>]`` delegates.
V2 (v0.7.x): the same moved under ``[providers]`` (``providers.fallback`` names the *default*
provider). V3 (v0.8+): ``[providers.models.<type>.<alias>]`` and ``[agents.<n>].model_provider``.

``enc2:`` (ChaCha20-Poly1305) and legacy ``enc:`` values are decrypted with ``.secret_key``
(local key material, no passphrase); ``op://`` references are reported locked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playground.frameworks import providers
from playground.frameworks.files import Fields, load_toml, type_name
from playground.frameworks.keyrefs import env_key, op_key, plain_key
from playground.frameworks.model import (
    AgentInfo,
    FrameworkKey,
    FrameworkReport,
    ProviderSettings,
    thinking_level,
)
from playground.frameworks.sealed import UnlockError, open_zeroclaw, read_zeroclaw_key
from playground.secret import Secret

NAME = "zeroclaw"
_MARKERS = re.compile(
    r"^\s*(schema_version\s*=|default_provider\s*=|default_model\s*=|\[model_providers\.|"
    r"\[providers\.models|\[\[model_routes\]\]|\[\[providers\.model_routes\]\]|\[reliability\])",
    re.MULTILINE,
)
# Providers whose own env var beats the configured key in V1/V2 (resolve_provider_credential).
_ENV_BEATS_CONFIG = {
    "anthropic": ("ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"),
    "openai": ("OPENAI_API_KEY",),
    "groq": ("GROQ_API_KEY",),
}
_V1_ENV = {
    "openrouter": ("OPENROUTER_API_KEY",),
    "ollama": ("OLLAMA_API_KEY",),
    "mistral": ("MISTRAL_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "xai": ("XAI_API_KEY",),
    "together": ("TOGETHER_API_KEY",),
    "fireworks": ("FIREWORKS_API_KEY",),
    "perplexity": ("PERPLEXITY_API_KEY",),
    "moonshot": ("MOONSHOT_API_KEY",),
    "zhipu": ("GLM_API_KEY",),
    "zai": ("ZAI_API_KEY",),
    "minimax": ("MINIMAX_OAUTH_TOKEN", "MINIMAX_API_KEY"),
    "qwen": ("DASHSCOPE_API_KEY",),
    "nvidia": ("NVIDIA_API_KEY",),
    "gemini": ("GEMINI_API_KEY",),
    "cerebras": ("CEREBRAS_API_KEY",),
    "azure": ("AZURE_OPENAI_API_KEY",),
    "vllm": ("VLLM_API_KEY",),
    "llamacpp": ("LLAMACPP_API_KEY",),
}


def config_dir() -> Path:
    """ZeroClaw's config dir, resolved as the reference §5.1 lists."""
    for var in ("ZEROCLAW_CONFIG_DIR", "ZEROCLAW_DATA_DIR"):
        if value := os.environ.get(var):
            return Path(value).expanduser()
    if workspace := os.environ.get("ZEROCLAW_WORKSPACE"):
        folder = Path(workspace).expanduser()
        return folder if (folder / "config.toml").is_file() else folder.parent / ".zeroclaw"
    home = Path.home() / ".zeroclaw"
    marker = home / "active_workspace.toml"
    if marker.is_file():
        try:
            import tomllib

            value = tomllib.loads(marker.read_text(encoding="utf-8")).get("config_dir")
        except (OSError, ValueError):
            value = None
        if isinstance(value, str) and value:
            return Path(value).expanduser()
    return home


def default_path() -> Path:
    """``<config_dir>/config.toml``."""
    return config_dir() / "config.toml"


def looks_like(path: Path) -> bool:
    """Whether ``path`` is a ZeroClaw config.toml (or its folder)."""
    file = path / "config.toml" if path.is_dir() else path
    if not file.is_file() or file.suffix != ".toml":
        return False
    if (file.parent / ".secret_key").is_file():
        return True
    try:
        return bool(_MARKERS.search(file.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


class _Keys:
    """Turns config values into keys, decrypting ``enc2:``/``enc:`` with ``.secret_key``."""

    def __init__(self, folder: Path, report: FrameworkReport) -> None:
        self.key_file = folder / ".secret_key"
        self.report = report
        self._key: bytes | None = None
        self._key_error: str | None = None

    def _secret_key(self) -> bytes | None:
        if self._key is None and self._key_error is None:
            try:
                self._key = read_zeroclaw_key(self.key_file)
            except UnlockError as exc:
                self._key_error = str(exc)
        return self._key

    def value(self, provider: str, value: str, label: str) -> FrameworkKey:
        if "${" in value:
            self.report.warn(
                "ZeroClaw does not interpolate ${VAR} (an open feature request): this text "
                "would be sent as the key; set ZEROCLAW_API_KEY or the ZEROCLAW_<path> "
                "override instead",
                source=label,
            )
        if value.startswith("op://"):
            return op_key(provider, value, label)
        if not value.startswith(("enc2:", "enc:")):
            return plain_key(provider, value, label)
        scheme = value.split(":", 1)[0]
        key = self._secret_key()
        if key is None:
            self.report.errors.append(f"{label}: {self._key_error}")
            return FrameworkKey(
                provider,
                None,
                f"{label} ({scheme})",
                locked=True,
                unlock_hint=f"needs ZeroClaw's {self.key_file} (copy it from the machine that "
                "encrypted the value)",
                scheme="zeroclaw",
                sealed=Secret(value),
                key_file=self.key_file,
            )
        try:
            return plain_key(provider, open_zeroclaw(value, key), f"{label} ({scheme})")
        except UnlockError as exc:
            self.report.errors.append(f"{label}: {exc}")
            return FrameworkKey(
                provider,
                None,
                f"{label} ({scheme})",
                locked=True,
                unlock_hint=f"the value does not decrypt with {self.key_file}",
                scheme="zeroclaw",
                sealed=Secret(value),
                key_file=self.key_file,
            )


def read(path: Path) -> FrameworkReport:
    """Read ``config.toml`` at ``path`` (or in the folder ``path``)."""
    file = path / "config.toml" if path.is_dir() else path
    report = FrameworkReport(NAME, file.parent)
    data = load_toml(file, report)
    if data is None:
        return report
    root = Fields(data, file, "", report)
    version = root.int("schema_version")
    keys = _Keys(file.parent, report)
    if version is None:
        report.version = "V1"
        _read_v1(root, keys, report)
    elif version == 2:
        report.version = "V2"
        _read_v2(root, keys, report)
    elif version == 3:
        report.version = "V3"
        _read_v3(root, keys, report)
    else:
        report.errors.append(f"{file}: schema_version: {version} is not a version we know (1–3)")
    return report


# ---------------------------------------------------------------- V1 / V2


def _provider_ref(
    name: str, profiles: dict[str, Fields], base_url: str | None
) -> tuple[str | None, str | None, str]:
    """(our slug, base URL, protocol) for a V1/V2 provider name, applying profile remaps."""
    for prefix, protocol in (("custom:", "openai"), ("anthropic-custom:", "anthropic")):
        if name.startswith(prefix):
            return None, name[len(prefix) :], protocol
    profile = next((p for key, p in profiles.items() if key.lower() == name.lower()), None)
    if profile is not None:
        base_url = base_url or profile.str("base_url")
        remapped = profile.str("name")
        if profile.str("wire_api") == "responses":
            name = "openai"
        elif remapped and remapped.lower() != name.lower():
            name = remapped
        elif base_url and providers.provider_slug(name) is None:
            return None, base_url, "openai"
    name = name.split(":", 1)[0]  # "name:profile" selects an auth profile of provider "name"
    slug = providers.provider_slug(name)
    return slug, base_url, providers.protocol_for(slug) if slug else "openai"


def _spec(slug: str | None, base_url: str | None, protocol: str, model: str) -> str:
    if slug is None:
        return providers.custom_spec(base_url or "", model, protocol)
    return providers.model_spec(slug, model, base_url)


def _v1_key_chain(
    slug: str | None, provider: str, configured: FrameworkKey | None
) -> list[FrameworkKey]:
    """What ``resolve_provider_credential`` picks: the first key of the returned list wins."""
    override = configured
    for var in ("ZEROCLAW_API_KEY", "API_KEY"):
        if found := env_key(provider, var, f"env {var} (zeroclaw override)"):
            override = found
            break
    if slug in ("zhipu", "zai"):
        var = "GLM_API_KEY" if slug == "zhipu" else "ZAI_API_KEY"
        if found := env_key(provider, var, f"env {var}"):
            override = found
    if override is not None and slug in _ENV_BEATS_CONFIG:
        for var in _ENV_BEATS_CONFIG[slug]:
            if found := env_key(provider, var, f"env {var} (beats the config key)"):
                return [found]
        return [override]
    if override is not None:
        return [override]
    names = _ENV_BEATS_CONFIG.get(slug or "", ()) + _V1_ENV.get(slug or "", ())
    for var in (*names, "ZEROCLAW_API_KEY", "API_KEY"):
        if found := env_key(provider, var, f"env {var}"):
            return [found]
    return []


def _read_v1(top: Fields, keys: _Keys, report: FrameworkReport) -> None:
    profiles = top.tables("model_providers")
    provider_name = top.str("default_provider") or top.str("model_provider") or "openrouter"
    model = top.str("default_model") or top.str("model") or "anthropic/claude-sonnet-4.6"
    configured = None
    if api_key := top.str("api_key"):
        configured = keys.value("", api_key, f"{NAME} {top.path.name} api_key")
    with report.about("default"):
        _default_agent(
            provider_name,
            model,
            top.str("api_url"),
            configured,
            profiles,
            top,
            keys,
            report,
            source=f"{top.path.name} default_provider/default_model",
        )
    routes = top.table.get("model_routes")
    _routes(routes, "model_routes", profiles, configured, top, keys, report)
    _delegates(top, profiles, keys, report)


def _read_v2(root: Fields, keys: _Keys, report: FrameworkReport) -> None:
    section = root.sub("providers")
    entries = section.tables("models")
    for shape in ("kind", "default_provider"):
        if section.has(shape):
            report.warn(
                f"providers.{shape} comes from the v0.7 docs but the code does not read it; "
                "providers.fallback names the default provider",
                source=f"{root.path.name} providers.{shape}",
            )
    fallback = section.str("fallback")
    if fallback:
        report.warn(
            f"providers.fallback = {fallback!r} names the DEFAULT provider in V2, not a fallback",
            source=f"{root.path.name} providers.fallback",
        )
    name = fallback or next((n for n, e in entries.items() if e.str("model")), None)
    if name is None:
        report.errors.append(f"{root.path}: providers.models: no entry with a model (V2)")
        return
    entry = entries.get(name, Fields({}, root.path, f"providers.models.{name}", report))
    model = entry.str("model") or next(
        (e.str("model") for e in entries.values() if e.str("model")), None
    )
    if not model:
        report.errors.append(f"{root.path}: providers.models.{name}.model: required, missing")
        return
    configured = None
    if api_key := entry.str("api_key"):
        configured = keys.value("", api_key, f"{NAME} {root.path.name} {entry.where}.api_key")
    with report.about("default"):
        _default_agent(
            entry.str("name") or name,
            model,
            entry.str("base_url"),
            configured,
            entries,
            root,
            keys,
            report,
            source=f"{root.path.name} providers.fallback → {entry.where}",
        )
    _routes(
        section.table.get("model_routes"),
        "providers.model_routes",
        entries,
        configured,
        root,
        keys,
        report,
    )
    _delegates(root, entries, keys, report)


def _default_agent(
    provider_name: str,
    model: str,
    base_url: str | None,
    configured: FrameworkKey | None,
    profiles: dict[str, Fields],
    root: Fields,
    keys: _Keys,
    report: FrameworkReport,
    *,
    source: str,
) -> None:
    agent = AgentInfo(name="default", model_chain=[], source=source)
    report.agents.append(agent)
    slug, url, protocol = _provider_ref(provider_name, profiles, base_url)
    if slug is None and url is None:
        report.errors.append(f"{root.path}: default_provider: unknown provider {provider_name!r}")
        return
    reliability = root.sub("reliability")
    agent.retries = reliability.int("provider_retries")
    model_fallbacks = _model_fallbacks(reliability, report)
    models = [model, *model_fallbacks.get(model, [])]
    primary_spec = _spec(slug, url, protocol, model)
    primary_provider = providers.spec_provider(primary_spec)
    configured_key = _rebind(configured, primary_provider)
    primary_keys = _v1_key_chain(slug, primary_provider, configured_key)
    if configured_key is not None and primary_keys and primary_keys[0] is not configured_key:
        report.warn(
            f"the config api_key is not used: {primary_keys[0].source_label} wins",
            agent="default",
            source=configured_key.source_label,
        )
    for index, value in enumerate(reliability.str_list("api_keys") or []):
        primary_keys.append(
            keys.value(
                primary_provider, value, f"{NAME} {root.path.name} reliability.api_keys[{index}]"
            )
        )
    for model_id in models:
        spec = _spec(slug, url, protocol, model_id)
        agent.model_chain.append(spec)
        agent.keys[spec] = [report.add_key(k) for k in primary_keys]
    agent.providers[primary_provider] = ProviderSettings(
        base_url=url, api_key_ref="api_key", protocol=protocol
    )
    for name in reliability.str_list("fallback_providers") or []:
        fb_slug, fb_url, fb_protocol = _provider_ref(name, profiles, None)
        if fb_slug is None and fb_url is None:
            report.warn(
                f"unknown fallback provider {name!r}",
                agent="default",
                source="reliability.fallback_providers",
            )
            continue
        fb_keys = _v1_key_chain(
            fb_slug,
            providers.spec_provider(_spec(fb_slug, fb_url, fb_protocol, model)),
            None,
        )
        for model_id in models:
            spec = _spec(fb_slug, fb_url, fb_protocol, model_id)
            if spec not in agent.model_chain:
                agent.model_chain.append(spec)
                agent.keys[spec] = [report.add_key(k) for k in fb_keys]
        report.warn(
            f"fallback provider {name!r} gets the same model id ({model}) and no config key: "
            "only env vars can supply its key",
            agent="default",
            source=f"{root.path.name} reliability.fallback_providers",
        )
    agent.fallbacks = agent.model_chain[1:]
    agent.thinking = _v1_thinking(root)


def _model_fallbacks(reliability: Fields, report: FrameworkReport) -> dict[str, list[str]]:
    table = reliability.sub("model_fallbacks")
    result: dict[str, list[str]] = {}
    for key, value in table.table.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            result[key] = list(value)
        else:
            report.errors.append(
                f"{table.path}: reliability.model_fallbacks.{key}: expected a list of model ids, "
                f"got {type_name(value)}"
                + (
                    f" — `{key}` belongs in [reliability] (the docs example puts it after "
                    "[reliability.model_fallbacks], where TOML files it under that table)"
                    if key in ("provider_retries", "provider_backoff_ms")
                    else ""
                )
            )
    return result


def _v1_thinking(root: Fields):
    level = root.sub("agent").sub("thinking").str("default_level")
    if level:
        return thinking_level(level)
    runtime = root.sub("runtime")
    if runtime.bool("reasoning_enabled") is False:
        return thinking_level("off")
    if runtime.bool("reasoning_enabled"):
        return thinking_level(runtime.str("reasoning_effort") or "medium")
    return None


def _rebind(key: FrameworkKey | None, provider: str) -> FrameworkKey | None:
    if key is None:
        return None
    from dataclasses import replace

    return replace(key, provider=provider)


def _routes(
    routes: object,
    where: str,
    profiles: dict[str, Fields],
    global_key: FrameworkKey | None,
    root: Fields,
    keys: _Keys,
    report: FrameworkReport,
) -> None:
    if routes is None:
        return
    if not isinstance(routes, list):
        report.errors.append(
            f"{root.path}: {where}: expected an array of tables, got {type_name(routes)}"
        )
        return
    for index, item in enumerate(routes):
        route = Fields(item, root.path, f"{where}[{index}]", report)
        hint, name, model = route.str("hint"), route.str("provider"), route.str("model")
        if not hint or not name or not model:
            report.errors.append(f"{root.path}: {route.where}: needs hint, provider and model")
            continue
        slug, url, protocol = _provider_ref(name, profiles, None)
        if slug is None and url is None:
            report.errors.append(f"{root.path}: {route.where}.provider: unknown provider {name!r}")
            continue
        spec = _spec(slug, url, protocol, model)
        provider = providers.spec_provider(spec)
        agent = AgentInfo(
            name=f"hint:{hint}", model_chain=[spec], source=f"{root.path.name} {route.where}"
        )
        own = route.str("api_key")
        configured = (
            keys.value(provider, own, f"{NAME} {root.path.name} {route.where}.api_key")
            if own
            else _rebind(global_key, provider)
        )
        agent.keys[spec] = [report.add_key(k) for k in _v1_key_chain(slug, provider, configured)]
        report.agents.append(agent)


def _delegates(
    root: Fields, profiles: dict[str, Fields], keys: _Keys, report: FrameworkReport
) -> None:
    for name, table in root.tables("agents").items():
        provider_name, model = table.str("provider"), table.str("model")
        source = f"{root.path.name} [agents.{name}]"
        agent = AgentInfo(name=name, model_chain=[], source=source)
        report.agents.append(agent)
        if not provider_name or not model:
            missing = "provider" if not provider_name else "model"
            report.errors.append(f"{root.path}: agents.{name}.{missing}: required, missing")
            continue
        slug, url, protocol = _provider_ref(provider_name, profiles, None)
        if slug is None and url is None:
            report.errors.append(
                f"{root.path}: agents.{name}.provider: unknown provider {provider_name!r}"
            )
            continue
        spec = _spec(slug, url, protocol, model)
        provider = providers.spec_provider(spec)
        agent.model_chain.append(spec)
        own = table.str("api_key")
        configured = keys.value(provider, own, f"{NAME} {source}.api_key") if own else None
        agent.keys[spec] = [report.add_key(k) for k in _v1_key_chain(slug, provider, configured)]
        agent.providers[provider] = ProviderSettings(
            base_url=url, api_key_ref="api_key" if own else None
        )


# ---------------------------------------------------------------- V3


def _read_v3(root: Fields, keys: _Keys, report: FrameworkReport) -> None:
    aliases: dict[str, Fields] = {}
    for type_name_, table in root.sub("providers").tables("models").items():
        for alias, entry in table.children().items():
            aliases[f"{type_name_}.{alias}"] = entry
    reliability = root.sub("reliability")
    for dropped in ("fallback_providers", "model_fallbacks"):
        if reliability.has(dropped):
            report.warn(
                f"reliability.{dropped} was dropped in schema V3 and has no effect; use "
                "fallback_models / fallback on the provider alias",
                source=f"{root.path.name} reliability.{dropped}",
            )
    if root.sub("providers").has("fallback"):
        report.warn(
            "providers.fallback was dropped in schema V3 and has no effect",
            source=f"{root.path.name} providers.fallback",
        )
    agents = root.tables("agents")
    if not agents:
        report.errors.append(f"{root.path}: agents: no [agents.<name>] table (V3 needs one)")
    for name, table in agents.items():
        with report.about(name):
            _v3_agent(name, table, aliases, root, keys, report)
    _v3_routes(root, aliases, keys, report)


def _v3_target(
    alias: str, entry: Fields, root: Fields, report: FrameworkReport
) -> tuple[str | None, str | None, str] | None:
    """(our slug or None for custom, base URL, protocol) of a ``<type>.<alias>`` entry."""
    type_ = alias.partition(".")[0]
    uri = entry.str("uri")
    if type_ == "custom":
        if not uri:
            report.errors.append(f"{root.path}: providers.models.{alias}.uri: required for custom")
            return None
        return None, uri, "openai"
    slug = providers.provider_slug(type_)
    if slug is None:
        report.errors.append(
            f"{root.path}: providers.models.{alias}: unknown provider type {type_!r}"
        )
        return None
    return slug, uri, providers.protocol_for(slug)


def _v3_routes(
    root: Fields, aliases: dict[str, Fields], keys: _Keys, report: FrameworkReport
) -> None:
    """``[[model_routes]]`` (hint, model_provider, model, api_key) as ``hint:<name>`` agents."""
    routes = root.table.get("model_routes")
    if routes is None:
        return
    if not isinstance(routes, list):
        report.errors.append(
            f"{root.path}: model_routes: expected an array of tables, got {type_name(routes)}"
        )
        return
    for index, item in enumerate(routes):
        route = Fields(item, root.path, f"model_routes[{index}]", report)
        hint, ref = route.str("hint"), route.str("model_provider")
        if not hint or not ref:
            report.errors.append(f"{root.path}: {route.where}: needs hint and model_provider")
            continue
        entry = aliases.get(ref)
        if entry is None:
            report.errors.append(
                f"{root.path}: {route.where}.model_provider: {ref!r} is not a defined alias"
            )
            continue
        target = _v3_target(ref, entry, root, report)
        model = route.str("model") or entry.str("model")
        if target is None or not model:
            continue
        slug, uri, protocol = target
        spec = _spec(slug, uri, protocol, model)
        provider = providers.spec_provider(spec)
        agent = AgentInfo(
            name=f"hint:{hint}", model_chain=[spec], source=f"{root.path.name} {route.where}"
        )
        own = route.str("api_key")
        label = f"{NAME} {root.path.name} {route.where}.api_key"
        agent.keys[spec] = (
            [report.add_key(keys.value(provider, own, label))]
            if own
            else _v3_keys(ref, entry, provider, keys, report)
        )
        report.agents.append(agent)


def _v3_agent(
    name: str,
    table: Fields,
    aliases: dict[str, Fields],
    root: Fields,
    keys: _Keys,
    report: FrameworkReport,
) -> None:
    source = f"{root.path.name} agents.{name}.model_provider"
    agent = AgentInfo(name=name, model_chain=[], source=source)
    report.agents.append(agent)
    ref = table.str("model_provider")
    if not ref:
        report.errors.append(f"{root.path}: agents.{name}.model_provider: required, missing")
        return
    if not table.str("risk_profile"):
        report.errors.append(f"{root.path}: agents.{name}.risk_profile: required, missing")
    if table.bool("enabled") is False:
        report.warn(
            "agent is disabled (enabled = false)", agent=name, source=f"agents.{name}.enabled"
        )
    if ref not in aliases:
        report.errors.append(
            f"{root.path}: agents.{name}.model_provider: {ref!r} is not a "
            f"[providers.models.<type>.<alias>] entry"
        )
        return
    order = _v3_walk(ref, aliases, report)
    for position, alias in enumerate(order):
        entry = aliases[alias]
        target = _v3_target(alias, entry, root, report)
        if target is None:
            continue
        slug, uri, protocol = target
        model = entry.str("model")
        if not model:
            report.warn(
                f"provider alias {alias} has no model (unpinned): the provider's default is used",
                agent=name,
                source=f"providers.models.{alias}",
            )
            continue
        provider = providers.spec_provider(_spec(slug, uri, protocol, model))
        alias_keys = _v3_keys(alias, entry, provider, keys, report)
        for model_id in [model, *(entry.str_list("fallback_models") or [])]:
            spec = _spec(slug, uri, protocol, model_id)
            if spec not in agent.model_chain:
                agent.model_chain.append(spec)
                agent.keys[spec] = alias_keys
        agent.providers.setdefault(
            provider,
            ProviderSettings(
                base_url=uri,
                api_key_ref=f"providers.models.{alias}.api_key",
                extra={"alias": alias},
            ),
        )
        if position == 0 and entry.bool("think") is not None:
            agent.providers[provider].extra["think"] = str(entry.bool("think")).lower()
    agent.fallbacks = agent.model_chain[1:]
    agent.retries = root.sub("reliability").int("provider_retries")
    profile = table.str("runtime_profile") or "default"
    thinking = root.sub("runtime_profiles").sub(profile).sub("thinking")
    agent.thinking = thinking_level(thinking.str("default_level") or "medium")


def _v3_walk(start: str, aliases: dict[str, Fields], report: FrameworkReport) -> list[str]:
    """Depth-first over ``fallback`` lists, max depth 3, cycles pruned."""
    order: list[str] = []

    def visit(alias: str, depth: int) -> None:
        if alias in order or depth > 3:
            return
        if alias not in aliases:
            report.errors.append(f"providers.models: fallback {alias!r} is not a defined alias")
            return
        order.append(alias)
        for nxt in aliases[alias].str_list("fallback") or []:
            visit(nxt, depth + 1)

    visit(start, 0)
    return order


def _v3_keys(
    alias: str, entry: Fields, provider: str, keys: _Keys, report: FrameworkReport
) -> list[FrameworkKey]:
    type_, _, name = alias.partition(".")
    var = f"ZEROCLAW_providers__models__{type_}__{name}__api_key"
    found = env_key(provider, var, f"env {var}")
    if found:
        return [report.add_key(found)]
    value = entry.str("api_key")
    if value:
        return [
            report.add_key(
                keys.value(
                    provider, value, f"{NAME} {entry.path.name} providers.models.{alias}.api_key"
                )
            )
        ]
    if type_ == "bedrock" and (
        found := env_key(provider, "BEDROCK_API_KEY", "env BEDROCK_API_KEY")
    ):
        return [report.add_key(found)]
    return []
