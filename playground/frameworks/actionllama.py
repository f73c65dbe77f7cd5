"""Action Llama (CLI ``al``): project ``config.toml`` + ``agents/<name>/`` + credential files.

Eras (reference §1.3):

- A (≤ 0.13): global ``[model]``; ``agents/<n>/agent-config.toml`` may replace it wholesale.
- B (0.14–0.18): named ``[models.<name>]``; ``agents/<n>/SKILL.md`` front matter
  ``metadata.models`` lists them in fallback order.
- C (≥ 0.19): named ``[models.<name>]``; ``agents/<n>/config.toml`` ``models = [...]``.

Keys: ``~/.action-llama/credentials/<provider>_key/default/token`` (plain text); with
``authType = "pi_auth"`` or no credential file, pi's ``~/.pi/agent/auth.json`` and then pi's
env vars. ``!command`` values in auth.json are reported, never run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playground.endpoint import AuthKind
from playground.frameworks import providers
from playground.frameworks.files import Fields, load_front_matter, load_json, load_toml
from playground.frameworks.keyrefs import env_key, plain_key, read_key_file
from playground.frameworks.model import (
    AgentInfo,
    FrameworkKey,
    FrameworkReport,
    ProviderSettings,
    auth_kind_for,
    thinking_level,
)
from playground.secret import Secret

NAME = "actionllama"

_AGENT_KEYS_C = {
    "source",
    "credentials",
    "models",
    "schedule",
    "webhooks",
    "hooks",
    "params",
    "scale",
    "timeout",
    "maxWorkQueueSize",
    "runtime",
}
_THINKING = {"off", "minimal", "low", "medium", "high", "xhigh"}
# pi-ai env vars, in pi's lookup order, per pi provider name.
_PI_ENV = {
    "anthropic": ("ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"),
    "openai": ("OPENAI_API_KEY",),
    "google": ("GEMINI_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "xai": ("XAI_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "mistral": ("MISTRAL_API_KEY",),
    "cerebras": ("CEREBRAS_API_KEY",),
    "zai": ("ZAI_API_KEY",),
    "minimax": ("MINIMAX_API_KEY",),
    "huggingface": ("HF_TOKEN",),
    "kimi-coding": ("KIMI_API_KEY",),
}
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def credentials_dir() -> Path:
    """``~/.action-llama/credentials``."""
    return Path.home() / ".action-llama" / "credentials"


def pi_auth_path() -> Path:
    """pi's auth store: ``$PI_CODING_AGENT_DIR/auth.json`` or ``~/.pi/agent/auth.json``."""
    base = os.environ.get("PI_CODING_AGENT_DIR")
    return Path(base) / "auth.json" if base else Path.home() / ".pi" / "agent" / "auth.json"


def project_root(path: Path) -> Path | None:
    """The project folder for ``path`` (the folder, its ``config.toml`` or a file in an agent)."""
    candidates = [path] if path.is_dir() else [path.parent, *path.parents]
    for candidate in candidates[:4]:
        if _is_project(candidate):
            return candidate
    return None


def _is_project(folder: Path) -> bool:
    agents = folder / "agents"
    if agents.is_dir():
        for agent in agents.iterdir():
            if agent.is_dir() and any(
                (agent / name).is_file() for name in ("SKILL.md", "agent-config.toml")
            ):
                return True
    config = folder / "config.toml"
    if config.is_file():
        try:
            head = config.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return bool(re.search(r"^\s*\[models?(\.|\])", head, re.MULTILINE))
    return False


def looks_like(path: Path) -> bool:
    """Whether ``path`` is (part of) an Action Llama project."""
    return project_root(path) is not None


def read(path: Path) -> FrameworkReport:
    """Read the project at (or containing) ``path``."""
    root = project_root(path) or (path if path.is_dir() else path.parent)
    report = FrameworkReport(NAME, root)
    config = _global_config(root, report)
    models_table = Fields(config, root / "config.toml", "", report)
    agents_dir = root / "agents"
    if not agents_dir.is_dir():
        report.errors.append(f"{agents_dir}: no agents folder (expected agents/<name>/)")
        return report
    eras: set[str] = set()
    for folder in sorted(agents_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or folder.name == "node_modules":
            continue
        with report.about(folder.name):
            era = _read_agent(folder, models_table, report)
        if era:
            eras.add(era)
    if models_table.has("model") and not models_table.has("models"):
        eras.add("A")
    report.version = "era " + "+".join(sorted(eras)) if eras else None
    if len(eras) > 1:
        report.warn(f"agents mix config eras {', '.join(sorted(eras))}; al reads only one")
    return report


def _global_config(root: Path, report: FrameworkReport) -> dict:
    """``config.toml`` ← ``.env.toml`` ← ``~/.action-llama/environments/<env>.toml``."""
    merged = load_toml(root / "config.toml", report, required=False) or {}
    local = load_toml(root / ".env.toml", report, required=False) or {}
    env_name = os.environ.get("AL_ENV") or local.get("environment")
    _deep_merge(merged, {k: v for k, v in local.items() if k not in ("environment", "projectName")})
    if isinstance(env_name, str) and env_name:
        env_file = Path.home() / ".action-llama" / "environments" / f"{env_name}.toml"
        _deep_merge(merged, load_toml(env_file, report) or {})
    return merged


def _deep_merge(base: dict, over: dict) -> None:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def _read_agent(folder: Path, project: Fields, report: FrameworkReport) -> str | None:
    name = folder.name
    if (folder / "agent-config.toml").is_file():
        return _agent_era_a(folder, project, report)
    skill = folder / "SKILL.md"
    if not skill.is_file():
        return None
    config_file = folder / "config.toml"
    if config_file.is_file():
        data = load_toml(config_file, report)
        if data is None:
            return "C"
        fields = Fields(data, config_file, "", report)
        for key in sorted(set(data) - _AGENT_KEYS_C):
            report.errors.append(f"{config_file}: {key}: unknown key (al doctor rejects it)")
        names = fields.str_list("models")
        source = f"{_rel(config_file, report.root)} models"
        _check_schedule(fields, name, report)
        _build_agent(
            name, names, project, config_file, source, fields.str_list("credentials"), report
        )
        return "C"
    front = load_front_matter(skill, report) or {}
    meta = Fields(front.get("metadata"), skill, "metadata", report)
    names = meta.str_list("models")
    source = f"{_rel(skill, report.root)} metadata.models"
    if names is None and "models" in front:
        names = Fields(front, skill, "", report).str_list("models")
        source = f"{_rel(skill, report.root)} models"
        report.warn(
            "top-level `models:` in SKILL.md was only read by a pre-release build; "
            "released 0.14–0.18 read metadata.models",
            source=source,
        )
    _build_agent(name, names, project, skill, source, meta.str_list("credentials"), report)
    return "B"


def _check_schedule(fields: Fields, agent: str, report: FrameworkReport) -> None:
    if fields.int("scale") == 0:
        return
    if not fields.has("schedule") and not fields.has("webhooks"):
        report.errors.append(
            f"{fields.path}: schedule: agent {agent} needs `schedule` or `webhooks` "
            "(or scale = 0); al refuses to load it"
        )


def _build_agent(
    name: str,
    names: list[str] | None,
    project: Fields,
    file: Path,
    source: str,
    credentials: list[str] | None,
    report: FrameworkReport,
) -> None:
    agent = AgentInfo(name=name, model_chain=[], source=source)
    report.agents.append(agent)
    if not names:
        report.errors.append(f"{file}: models: agent {name} must list at least one model name")
        return
    defined = project.tables("models")
    for index, model_name in enumerate(names):
        model = defined.get(model_name)
        if model is None:
            report.errors.append(
                f"{file}: models: {model_name!r} is not defined as "
                f"[models.{model_name}] in config.toml (agent {name})"
            )
            continue
        _add_model(agent, model, model_name, primary=index == 0, report=report)
    agent.fallbacks = list(names[1:])
    _check_credentials(agent, credentials, report)


def _agent_era_a(folder: Path, project: Fields, report: FrameworkReport) -> str:
    config_file = folder / "agent-config.toml"
    data = load_toml(config_file, report)
    own = Fields(data, config_file, "", report) if data is not None else None
    if own is not None and own.has("model"):
        model = own.sub("model")
        source = f"{_rel(config_file, report.root)} [model]"
    else:
        model = project.sub("model")
        source = f"config.toml [model] (global; {_rel(config_file, report.root)} has none)"
    agent = AgentInfo(name=folder.name, model_chain=[], source=source)
    report.agents.append(agent)
    if not model.table:
        report.errors.append(f"{model.path}: model: agent {folder.name} has no [model] table")
        return "A"
    _add_model(agent, model, "model", primary=True, report=report)
    if own is not None and own.has("model") and project.has("model"):
        report.warn(
            "the agent's [model] replaces the global [model] wholesale (no field merging)",
            agent=agent.name,
            source=source,
        )
    if own is not None:
        _check_credentials(agent, own.str_list("credentials"), report)
    return "A"


def _add_model(
    agent: AgentInfo, model: Fields, label: str, *, primary: bool, report: FrameworkReport
) -> None:
    provider = model.str("provider")
    model_id = model.str("model")
    where = f"{model.path.name} [{model.where}]"
    if not provider or not model_id:
        missing = "provider" if not provider else "model"
        report.errors.append(f"{model.path}: {model.where}.{missing}: required, missing")
        return
    slug = providers.provider_slug(provider)
    if slug is None:
        slug = provider
        hint = (
            "`custom` is offered by the wizard but pi-ai has no such provider"
            if provider == "custom"
            else "not a provider Playground knows"
        )
        report.warn(f"unknown provider {provider!r}: {hint}", agent=agent.name, source=where)
    spec = f"{slug}/{model_id}"
    agent.model_chain.append(spec)
    auth_type = model.str("authType")
    if auth_type is None:
        report.warn(
            "authType is documented as required but the code treats a missing value as api_key",
            agent=agent.name,
            source=f"{where}.authType",
        )
    level = model.str("thinkingLevel")
    if level is not None:
        if level not in _THINKING:
            report.errors.append(
                f"{model.path}: {model.where}.thinkingLevel: {level!r} is not one of "
                + ", ".join(sorted(_THINKING))
            )
        elif provider != "anthropic":
            report.warn(
                f"thinkingLevel on {provider}: the docs say it is Anthropic-only and ignored, "
                "but the code passes it to every provider",
                agent=agent.name,
                source=f"{where}.thinkingLevel",
            )
    if primary:
        agent.thinking = thinking_level(level)
    agent.providers.setdefault(
        slug,
        ProviderSettings(
            api_key_ref=f"credentials/{provider}_key/default/token",
            extra={"authType": auth_type or "api_key", "model_name": label},
        ),
    )
    agent.keys[spec] = _keys_for(provider, slug, auth_type, report)


def _keys_for(
    provider: str, slug: str, auth_type: str | None, report: FrameworkReport
) -> list[FrameworkKey]:
    keys: list[FrameworkKey] = []
    if auth_type != "pi_auth":
        rel = f"credentials/{provider}_key/default/token"
        secret = read_key_file(credentials_dir() / f"{provider}_key" / "default" / "token")
        if secret is not None:
            keys.append(
                FrameworkKey(
                    slug, secret, f"{NAME} {rel}", auth_kind=auth_kind_for(secret.reveal())
                )
            )
        else:  # container runs without a mount get the bundle as AL_SECRET_* env vars
            var = f"AL_SECRET_{_al_escape(provider + '_key')}__default__token"
            if found := env_key(slug, var, f"env {var}"):
                keys.append(found)
    if not keys:
        keys.extend(_pi_keys(provider, slug, report))
    return [report.add_key(k) for k in keys]


def _al_escape(part: str) -> str:
    """Action Llama's env-name escaping: characters outside [A-Za-z0-9_] become ``_xHH``."""
    return "".join(
        c if c.isascii() and (c.isalnum() or c == "_") else f"_x{ord(c):02X}" for c in part
    )


def _pi_keys(provider: str, slug: str, report: FrameworkReport) -> list[FrameworkKey]:
    path = pi_auth_path()
    if path.is_file():
        data = load_json(path, report)
        entry = data.get(provider) if isinstance(data, dict) else None
        if isinstance(entry, dict):
            label = f"{NAME} pi auth.json[{provider}]"
            if entry.get("type") == "oauth":
                token = entry.get("access")
                if isinstance(token, str) and token:
                    return [
                        FrameworkKey(
                            slug, Secret(token), f"{label} (oauth)", auth_kind=AuthKind.OAUTH_TOKEN
                        )
                    ]
            key = entry.get("key")
            if isinstance(key, str) and key.startswith("!"):
                return [
                    FrameworkKey(
                        slug,
                        None,
                        f"{label} (command)",
                        locked=True,
                        unlock_hint=f"pi would run `{key[1:].strip()}`; Playground never runs "
                        "commands from a config — run it yourself and set the key",
                    )
                ]
            if isinstance(key, str) and _ENV_NAME.fullmatch(key):
                found = env_key(slug, key, f"env {key} (via pi auth.json)")
                return [found] if found else []
            if isinstance(key, str) and key:
                return [plain_key(slug, key, f"{label} (api_key)")]
    for var in _PI_ENV.get(provider, ()):
        found = env_key(slug, var, f"env {var} (via pi)")
        if found:
            return [found]
    return []


def _check_credentials(agent: AgentInfo, refs: list[str] | None, report: FrameworkReport) -> None:
    for ref in refs or []:
        kind, _, instance = ref.partition(":")
        if kind.endswith("_key") and instance and instance != "default":
            report.warn(
                f"credential {ref!r}: LLM keys are always read from instance 'default'; "
                f"instance {instance!r} is never used for the model",
                agent=agent.name,
                source=agent.source,
            )


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
