"""Arawn: the classic ``dylanbstorey/arawn`` format and the ``colliery-io/arawn`` rewrite.

Classic (reference §3.A): user ``config.toml`` (``$ARAWN_CONFIG_DIR`` or ``~/.config/arawn``)
layered under the project's ``arawn.toml``; ``[llm]`` is the default profile, ``[llm.<name>]``
named profiles, ``[agent.<name>].llm`` picks one. Keys: age store ``secrets.age`` (locked:
needs age) → OS keyring ``arawn``/``<env>_api_key`` (legacy) → env var → config ``api_key``.
``[memory.indexing]`` and ``[embedding]`` are side models of every agent (one doctor row each).

Rewrite (§3.B): ``<data_dir>/arawn.toml`` with ``[llm.<name>] provider``, ``[engine] llm``;
keys from ``api_key`` then the env var named by ``api_key_env``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playground.endpoint import AuthKind
from playground.frameworks import providers
from playground.frameworks.files import Fields, load_toml
from playground.frameworks.keyrefs import env_key, plain_key
from playground.frameworks.model import (
    AgentInfo,
    FrameworkKey,
    FrameworkReport,
    ProviderSettings,
    SideModel,
)

NAME = "arawn"

# backend → (our slug, env var)
_BACKENDS = {
    "anthropic": ("anthropic", "ANTHROPIC_API_KEY"),
    "openai": ("openai", "OPENAI_API_KEY"),
    "groq": ("groq", "GROQ_API_KEY"),
    "ollama": ("ollama", "OLLAMA_API_KEY"),
    "custom": ("custom", "LLM_API_KEY"),
    "claude-oauth": ("anthropic", "ANTHROPIC_API_KEY"),
}
_PROFILE_KEYS = ("backend", "model", "base_url", "api_key", "retry_max", "retry_backoff_ms")


def config_dir() -> Path:
    """``$ARAWN_CONFIG_DIR`` or ``~/.config/arawn`` (user config, age store, identity)."""
    env = os.environ.get("ARAWN_CONFIG_DIR")
    return Path(env) if env else Path.home() / ".config" / "arawn"


def data_dir() -> Path:
    """The rewrite's data dir: ``$ARAWN_DATA_DIR`` or ``~/.arawn``."""
    env = os.environ.get("ARAWN_DATA_DIR")
    return Path(env) if env else Path.home() / ".arawn"


def default_path() -> Path | None:
    """The first Arawn config that exists in its default location."""
    for path in (
        config_dir() / "config.toml",
        Path.cwd() / "arawn.toml",
        data_dir() / "arawn.toml",
    ):
        if path.is_file() and _flavour(path):
            return path
    return None


def _flavour(path: Path) -> str | None:
    """``classic``/``rewrite`` judged from the text, or None when it is not an Arawn file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if re.search(r"^\s*\[engine\]", text, re.MULTILINE) or (
        re.search(r"^\s*\[llm\.[^\]]+\]", text, re.MULTILINE)
        and re.search(r"^\s*provider\s*=", text, re.MULTILINE)
        and not re.search(r"^\s*backend\s*=", text, re.MULTILINE)
    ):
        return "rewrite"
    if re.search(r"^\s*\[(llm|agent)[\].]", text, re.MULTILINE):
        return "classic"
    return None


def looks_like(path: Path) -> bool:
    """Whether ``path`` is an Arawn config file or a folder holding ``arawn.toml``."""
    if path.is_dir():
        user_config = path / "config.toml"
        return (path / "arawn.toml").is_file() or (
            path.name == "arawn" and user_config.is_file() and _flavour(user_config) is not None
        )
    return (path.name == "arawn.toml" or path.parent.name == "arawn") and bool(_flavour(path))


def read(path: Path) -> FrameworkReport:
    """Read Arawn's config for ``path`` (a file: only that file; a folder: its arawn.toml)."""
    file = path
    if path.is_dir():
        file = path / "arawn.toml"
        if not file.is_file() and (path / "config.toml").is_file():
            file = path / "config.toml"  # the user config folder (~/.config/arawn)
    report = FrameworkReport(NAME, file.parent)
    if not file.is_file():
        report.errors.append(f"{file}: file not found")
        return report
    if _flavour(file) == "rewrite":
        report.version = "rewrite (colliery-io)"
        _read_rewrite(file, report)
        return report
    report.version = "classic"
    layers = [file]
    user = config_dir() / "config.toml"
    if path.is_dir() and user.is_file() and user.resolve() != file.resolve():
        layers.insert(0, user)
    merged: dict = {}
    origins: dict[str, Path] = {}  # "llm" / "llm.<name>" → the layer that defined it last
    for layer in layers:
        data = load_toml(layer, report)
        if data is None:
            return report  # the parse error says it all; resolving half a config misleads
        _merge_layer(merged, data)
        llm = data.get("llm")
        for name, value in llm.items() if isinstance(llm, dict) else ():
            origins["llm" if not isinstance(value, dict) else f"llm.{name}"] = layer
    _read_classic(merged, file, origins, report)
    return report


def _merge_layer(base: dict, over: dict) -> None:
    """``[llm]`` scalars replaced wholesale; ``[llm.x]``/``[agent.x]`` per name; rest wholesale."""
    for section, value in over.items():
        current = base.get(section)
        if section not in ("llm", "agent") or not isinstance(value, dict):
            base[section] = value
        elif not isinstance(current, dict):
            base[section] = dict(value)
        else:
            scalars = {k: v for k, v in value.items() if not isinstance(v, dict)}
            if section == "llm" and scalars:
                for key in [k for k, v in current.items() if not isinstance(v, dict)]:
                    del current[key]
            current.update(value)


def _read_classic(
    data: dict, file: Path, origins: dict[str, Path], report: FrameworkReport
) -> None:
    root = Fields(data, file, "", report)
    llm = root.sub("llm")
    profiles = {
        name: Fields(value, origins.get(f"llm.{name}", file), f"llm.{name}", report)
        for name, value in llm.table.items()
        if isinstance(value, dict)
    }
    scalars = {k: v for k, v in llm.table.items() if not isinstance(v, dict)}
    default = Fields(scalars, origins.get("llm", file), "llm", report)
    agents = root.tables("agent")
    names = sorted(set(agents) | {"default"}, key=lambda n: (n != "default", n))
    for name in names:
        with report.about(name):
            _classic_agent(name, agents, profiles, default, file, report)
    if os.environ.get("ARAWN_CONFIG"):
        report.warn(
            "ARAWN_CONFIG is set: the docs mention it but Arawn's code never reads it "
            "(use ARAWN_CONFIG_DIR or `arawn start --config FILE`)",
            source="env ARAWN_CONFIG",
        )
    if "backends" in data:
        report.warn(
            "[backends.*] (from the docs' quick-start) is not a section Arawn reads; it is "
            "silently ignored — use [llm] / [llm.<name>]",
            source=f"{file.name} [backends]",
        )
    for doc_path in (Path.home() / ".arawn" / "arawn.toml", file.parent / ".arawn" / "arawn.toml"):
        if doc_path.is_file():
            report.warn(
                f"{doc_path} exists: the docs list it but Arawn's code never reads it",
                source=str(doc_path),
            )
    _memory_indexing(root.sub("memory").sub("indexing"), profiles, default, report)
    _embedding(root.sub("embedding"), report)


def _side_model(
    purpose: str,
    backend: str,
    model: str | None,
    table: Fields,
    agent: AgentInfo,
    report: FrameworkReport,
    *,
    source: str,
    base_url: str | None = None,
) -> SideModel:
    """A non-chat model on an Arawn backend, with the keys Arawn resolves for that backend."""
    slug, env_var = _BACKENDS[backend]
    if not model:
        return SideModel(
            purpose, None, source, declared=backend, note=f"no model set for {purpose}"
        )
    if backend == "custom":
        if not base_url:
            note = f"backend custom needs a base_url for {purpose}"
            return SideModel(purpose, None, source, declared=model, note=note)
        spec = providers.custom_spec(base_url, model)
    else:
        spec = providers.model_spec(slug, model, base_url)
    provider = providers.spec_provider(spec)
    keys = [
        report.add_key(k) for k in _classic_keys(provider, backend, env_var, table, agent, report)
    ]
    return SideModel(purpose, spec, source, keys=keys)


def _embedding(embedding: Fields, report: FrameworkReport) -> None:
    """``[embedding]`` (``provider = local | openai | mock``) as an ``embeddings`` row of every
    agent. For ``openai`` the key order is ``[embedding.openai] api_key`` → ``OPENAI_API_KEY``
    → the openai chain (age store, keyring); reference §3.A."""
    provider = embedding.str("provider")
    if not provider:
        return
    source = f"{embedding.path.name} [embedding] provider = {provider!r}"
    for agent in report.agents:
        if provider != "openai":
            note = (
                "embeddings computed on this machine: no provider, no key to check"
                if provider == "local"
                else f"embedding provider {provider!r}: nothing to check"
            )
            side = SideModel("embeddings", None, source, declared=provider, note=note)
        else:
            openai = embedding.sub("openai")
            side = _side_model(
                "embeddings",
                "openai",
                openai.str("model"),
                Fields({}, openai.path, openai.where, report),
                agent,
                report,
                source=source,
                base_url=openai.str("base_url"),
            )
            if side.spec:
                env = [k for k in side.keys if k.source_label == "env OPENAI_API_KEY"]
                ordered = [*env, *(k for k in side.keys if k not in env)]
                if inline := openai.str("api_key"):
                    label = f"{NAME} {openai.field('api_key')}"
                    own = plain_key(providers.spec_provider(side.spec), inline, label)
                    ordered.insert(0, report.add_key(own))
                side.keys = ordered
        agent.side_models.append(side)


def _memory_indexing(
    indexing: Fields, profiles: dict[str, Fields], default: Fields, report: FrameworkReport
) -> None:
    """``[memory.indexing]``: the model that indexes memory, as a row of every agent.

    The docs present ``backend`` as the indexer's backend (``backend = "openai"``); the code
    (a37e7eca) looks the name up among the LLM backends it built — ``default`` and the
    ``[llm.<name>]`` profiles — and falls back to the default profile. A profile name is
    read as that profile; a backend name the docs' way, with a warning.
    """
    if not indexing.table or indexing.bool("enabled") is False:
        return
    name = indexing.str("backend") or "default"
    source = f"{indexing.path.name} [memory.indexing]"
    for agent in report.agents:
        profile = default if name == "default" else profiles.get(name)
        if profile is not None:
            backend = profile.str("backend")
            if backend not in _BACKENDS:
                continue
            model = indexing.str("model") or profile.str("model")
            side = _side_model(
                "memory indexing",
                backend,
                model,
                profile,
                agent,
                report,
                source=f"{source} backend = {name!r} ([{profile.where}])",
                base_url=profile.str("base_url"),
            )
        elif name in _BACKENDS:
            side = _side_model(
                "memory indexing",
                name,
                indexing.str("model"),
                indexing,
                agent,
                report,
                source=f"{source} backend = {name!r}",
            )
            report.warn(
                f"memory.indexing.backend = {name!r}: the docs call it the indexer's backend, "
                "which Playground shows; Arawn's code looks the name up among its LLM profiles "
                f"and, with no [llm.{name}], indexes with the default profile — add [llm.{name}] "
                "to get the documented behaviour for sure",
                agent=agent.name,
                source=f"{indexing.path.name} memory.indexing.backend",
            )
        else:
            report.warn(
                f"memory.indexing.backend = {name!r} is neither a backend nor an [llm.<name>] "
                "profile: Arawn indexes memory with the default profile",
                agent=agent.name,
                source=f"{indexing.path.name} memory.indexing.backend",
            )
            continue
        agent.side_models.append(side)


def _classic_agent(
    name: str,
    agents: dict[str, Fields],
    profiles: dict[str, Fields],
    default: Fields,
    file: Path,
    report: FrameworkReport,
) -> None:
    chosen: Fields | None = None
    source = f"{default.path.name} [llm]"
    for holder in (name, "default"):
        agent_table = agents.get(holder)
        ref = agent_table.str("llm") if agent_table else None
        if ref is None:
            continue
        if ref not in profiles:
            report.errors.append(
                f"{file}: agent.{holder}.llm: profile {ref!r} is not defined as [llm.{ref}] "
                f"(Arawn fails with LlmNotFound for agent {name})"
            )
            report.agents.append(AgentInfo(name=name, model_chain=[], source=source))
            return
        chosen = profiles[ref]
        source = f"{chosen.path.name} [llm.{ref}] (via agent.{holder}.llm)"
        break
    if chosen is None:
        if not default.table:
            if name == "default":
                report.errors.append(
                    f"{file}: llm: no [llm] backend/model and no [agent.default].llm; "
                    "Arawn would use its built-in anthropic default"
                )
            return
        chosen = default
    agent = AgentInfo(name=name, model_chain=[], source=source)
    report.agents.append(agent)
    backend = chosen.str("backend")
    model = chosen.str("model")
    if not backend or not model:
        missing = "backend" if not backend else "model"
        report.errors.append(f"{file}: {chosen.where}.{missing}: required, missing")
        return
    if backend not in _BACKENDS:
        report.errors.append(
            f"{file}: {chosen.where}.backend: unknown backend {backend!r} "
            f"(expected one of {', '.join(_BACKENDS)})"
        )
        return
    slug, env_var = _BACKENDS[backend]
    base_url = chosen.str("base_url")
    if backend == "custom":
        if not base_url:
            report.errors.append(f"{file}: {chosen.where}.base_url: required for backend custom")
            return
        spec = providers.custom_spec(base_url, model)
    else:
        spec = providers.model_spec(slug, model, base_url)
    agent.model_chain.append(spec)
    agent.retries = chosen.int("retry_max")
    provider = providers.spec_provider(spec)
    agent.providers[provider] = ProviderSettings(
        base_url=base_url,
        api_key_ref=f"{env_var.lower()} / env {env_var}",
        extra={"backend": backend},
    )
    agent.keys[spec] = [
        report.add_key(k) for k in _classic_keys(provider, backend, env_var, chosen, agent, report)
    ]
    inline = chosen.str("api_key")
    if inline and inline.startswith("$env:"):
        report.warn(
            'api_key = "$env:…" is not interpolated: Arawn would send that text as the key',
            agent=name,
            source=chosen.field("api_key"),
        )


def _classic_keys(
    provider: str,
    backend: str,
    env_var: str,
    profile: Fields,
    agent: AgentInfo,
    report: FrameworkReport,
) -> list[FrameworkKey]:
    keys: list[FrameworkKey] = []
    if backend == "claude-oauth":
        tokens = config_dir() / "oauth-tokens.json"
        keys.append(
            FrameworkKey(
                provider,
                None,
                f"{NAME} oauth-tokens.json",
                locked=not tokens.is_file(),
                unlock_hint=None if tokens.is_file() else "run `arawn auth login`",
                auth_kind=AuthKind.OAUTH_TOKEN,
            )
        )
        return keys
    name = env_var.lower()
    store = config_dir() / "secrets.age"
    if store.is_file():
        identity = config_dir() / "identity.age"
        keys.append(
            FrameworkKey(
                provider,
                None,
                f"{NAME} secrets.age ({name})",
                locked=True,
                unlock_hint=f"age-encrypted: `age -d -i {identity} {store}` shows the JSON; "
                f"export the {name} value as {env_var}",
                scheme="age",
                key_file=identity,
            )
        )
    for user in (name, f"{name}_api_key"):
        value = _keyring_value(user)
        if value:
            keys.append(plain_key(provider, value, f"{NAME} keyring arawn/{user}"))
            report.warn(
                "key found in the OS keyring: only Arawn builds with the non-default `keyring` "
                "feature read it (off since 2026-03-02)",
                agent=agent.name,
                source=f"keyring arawn/{user}",
            )
            break
    found = env_key(provider, env_var, f"env {env_var}")
    if found:
        keys.append(found)
    inline = profile.str("api_key")
    if inline and not inline.startswith("$env:"):
        keys.append(plain_key(provider, inline, f"{NAME} {profile.field('api_key')}"))
        report.warn(
            "api_key in plain text in the config file (Arawn logs a warning; prefer "
            "`arawn config set-secret`)",
            agent=agent.name,
            source=profile.field("api_key"),
        )
    return keys


def _keyring_value(user: str) -> str | None:
    try:
        import keyring

        return keyring.get_password("arawn", user)
    except Exception:
        return None


def _read_rewrite(file: Path, report: FrameworkReport) -> None:
    data = load_toml(file, report)
    if data is None:
        return
    root = Fields(data, file, "", report)
    profiles = root.tables("llm")
    refs: list[tuple[str, str | None, str]] = [
        ("engine", root.sub("engine").str("llm", "default"), "engine.llm"),
        ("compactor", root.sub("compactor").str("llm"), "compactor.llm"),
        ("extraction", root.sub("extraction").str("llm"), "extraction.llm"),
    ]
    routing = root.sub("routing")
    for group in ("hints", "providers"):
        table = routing.sub(group)
        for key in table.table:
            refs.append((f"routing.{group}.{key}", table.str(key), f"routing.{group}.{key}"))
    for agent_name, ref, where in refs:
        if ref is None:
            continue
        profile = profiles.get(ref)
        agent = AgentInfo(name=agent_name, model_chain=[], source=f"{file.name} {where}")
        report.agents.append(agent)
        with report.about(agent_name):
            if profile is None:
                message = f"{file}: {where}: profile {ref!r} is not defined as [llm.{ref}]"
                report.errors.append(message)
                continue
            _rewrite_model(agent, profile, report)
    if os.environ.get("GROQ_MODEL") and report.agent("engine"):
        report.warn("GROQ_MODEL is set and overrides the engine profile's model", agent="engine")


def _rewrite_model(agent: AgentInfo, profile: Fields, report: FrameworkReport) -> None:
    provider = profile.str("provider")
    model = profile.str("model")
    if not provider or not model:
        missing = "provider" if not provider else "model"
        report.errors.append(f"{profile.path}: {profile.where}.{missing}: required, missing")
        return
    slug = providers.provider_slug(provider)
    if slug is None:
        report.errors.append(
            f"{profile.path}: {profile.where}.provider: unknown provider {provider!r}"
        )
        return
    base_url = profile.str("base_url")
    spec = providers.model_spec(slug, model, base_url)
    agent.model_chain.append(spec)
    env_var = profile.str("api_key_env", "GROQ_API_KEY") or "GROQ_API_KEY"
    agent.providers[providers.spec_provider(spec)] = ProviderSettings(
        base_url=base_url, api_key_ref=f"env {env_var}"
    )
    keys: list[FrameworkKey] = []
    inline = profile.str("api_key")
    if inline:
        keys.append(
            plain_key(providers.spec_provider(spec), inline, f"{NAME} {profile.field('api_key')}")
        )
    elif found := env_key(providers.spec_provider(spec), env_var, f"env {env_var}"):
        keys.append(found)
    if not inline and not profile.has("api_key_env") and slug != "groq":
        report.warn(
            f"api_key_env defaults to GROQ_API_KEY even for provider {provider!r}",
            agent=agent.name,
            source=profile.field("api_key_env"),
        )
    agent.keys[spec] = [report.add_key(k) for k in keys]
