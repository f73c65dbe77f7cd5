"""DjinnBot: ``.env`` + ``agents/<id>/config.yml`` (+ ``pipelines/*.yml``), reference §2.

Model strings follow ``parseModelString``: a bare id is an OpenRouter passthrough,
``openrouter/<vendor>/<model>`` is OpenRouter, ``custom-<slug>/<model>`` uses
``CUSTOM_<SLUG>_BASE_URL``/``CUSTOM_<SLUG>_API_KEY``, ``<known provider>/<model>`` needs that
provider's env var, anything else falls through to OpenRouter. Keys come from ``.env``
(dashboard keys live in Postgres, which we do not query). DjinnBot has no fallback chains.
A custom provider added only in the dashboard keeps the agent's model (``declared``) with
the reason it cannot be checked. Thinking/planning/executor models, each pipeline step's
model and memory search (``QMD_*``) are side models: one doctor row each.
"""

from __future__ import annotations

import re
from pathlib import Path

from playground.frameworks import providers
from playground.frameworks.files import Fields, load_dotenv, load_yaml
from playground.frameworks.keyrefs import plain_key
from playground.frameworks.model import (
    AgentInfo,
    FrameworkKey,
    FrameworkReport,
    ProviderSettings,
    SideModel,
    thinking_level,
)

NAME = "djinnbot"
DEFAULT_MODEL = "openrouter/minimax/minimax-m2.5"

# PROVIDER_ENV_MAP (packages/core/src/constants.ts).
PROVIDER_ENV = {
    "anthropic": "ANTHROPIC_API_KEY",
    "openai": "OPENAI_API_KEY",
    "google": "GEMINI_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "xai": "XAI_API_KEY",
    "opencode": "OPENCODE_API_KEY",
    "groq": "GROQ_API_KEY",
    "cerebras": "CEREBRAS_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "zai": "ZAI_API_KEY",
    "minimax": "MINIMAX_API_KEY",
    "minimax-cn": "MINIMAX_CN_API_KEY",
    "azure-openai-responses": "AZURE_OPENAI_API_KEY",
    "vercel-ai-gateway": "AI_GATEWAY_API_KEY",
    "huggingface": "HF_TOKEN",
    "kimi-coding": "KIMI_API_KEY",
}
_ROLES = (
    ("thinking", "thinking_model", "thinkingModel"),
    ("planning", "planning_model", "planningModel"),
    ("executor", "executor_model", "executorModel"),
)
_CUSTOM = re.compile(r"custom-([a-z0-9][a-z0-9-]{1,31})/(.+)")
_QMD_BASE = "https://openrouter.ai/api/v1"
_QMD_BRIDGE = re.compile(r"QMD_OPENAI_API_KEY\s*[=:]\s*[\"']?\$\{OPENROUTER_API_KEY")


def _env_slug(slug: str) -> str:
    """``<SLUG>`` of ``CUSTOM_<SLUG>_*``: upper case, ``-`` → ``_``."""
    return slug.upper().replace("-", "_")


def default_root() -> Path:
    """DjinnBot's default install folder (``~/djinnbot``)."""
    return Path.home() / "djinnbot"


def project_root(path: Path) -> Path | None:
    """The install folder for ``path`` (the folder, its ``.env`` or an agent's config.yml)."""
    candidates = [path] if path.is_dir() else [path.parent, *path.parents]
    for candidate in candidates[:4]:
        agents = candidate / "agents"
        if agents.is_dir() and any(agents.glob("*/config.yml")):
            return candidate
    return None


def looks_like(path: Path) -> bool:
    """Whether ``path`` is (part of) a DjinnBot install."""
    return project_root(path) is not None


def read(path: Path) -> FrameworkReport:
    """Read the install at (or containing) ``path``."""
    root = project_root(path) or (path if path.is_dir() else path.parent)
    report = FrameworkReport(NAME, root, version="0.x")
    env = load_dotenv(root / ".env", report)
    if not (root / ".env").is_file():
        report.warn(f"{root / '.env'} not found: provider keys would come only from the dashboard")
    compose = _compose_text(root)
    agents_dir = root / "agents"
    relative = env.get("AGENTS_DIR", "")
    if relative and not relative.startswith("/"):
        agents_dir = root / relative
    folders = sorted(p for p in agents_dir.glob("*") if (p / "config.yml").is_file())
    if not folders:
        report.errors.append(f"{agents_dir}: no agents (expected agents/<id>/config.yml)")
    for folder in folders:
        with report.about(folder.name):
            _read_agent(folder, env, compose, report)
    _memory_search(env, compose, report)
    _pipelines(root, env, compose, report)
    report.warn(
        "keys entered in the dashboard live in Postgres (model_providers.api_key, stored as "
        "plain text although the docs say encrypted); Playground reads only .env"
    )
    return report


def _compose_text(root: Path) -> str | None:
    for name in ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"):
        try:
            return (root / name).read_text(encoding="utf-8")
        except OSError:
            continue
    return None


def _read_agent(folder: Path, env: dict[str, str], compose: str | None, report: FrameworkReport):
    config_file = folder / "config.yml"
    errors_before = len(report.errors)
    data = load_yaml(config_file, report)
    source = f"agents/{folder.name}/config.yml model"
    agent = AgentInfo(name=folder.name, model_chain=[], source=source)
    report.agents.append(agent)
    if data is None and len(report.errors) > errors_before:
        return  # unreadable: the error names file and line; guessing a model would mislead
    fields = Fields(data if data is not None else {}, config_file, "", report)
    model = fields.str("model")
    if model is None:
        model = DEFAULT_MODEL
        agent.source = f"agents/{folder.name}/config.yml (no model: DjinnBot default)"
    spec = _spec(model, env, agent, report, field=fields.field("model"))
    if spec:
        agent.model_chain.append(spec)
        agent.keys[spec] = _keys(spec, model, env, compose, agent, report)
    elif custom := _CUSTOM.fullmatch(model.strip()):
        slug = custom.group(1)
        agent.declared = model.strip()
        agent.unresolved = _dashboard_only(slug, f"CUSTOM_{_env_slug(slug)}_BASE_URL")
        provider = f"custom-{slug}"
        agent.keys[agent.declared] = _keys(provider, model, env, compose, agent, report)
    for role, snake, camel in _ROLES:
        value = fields.str(snake) if fields.has(snake) else fields.str(camel)
        if fields.has(snake) and fields.has(camel) and fields.table[snake] != fields.table[camel]:
            report.warn(
                f"both {snake} and {camel} are set; DjinnBot uses {snake}",
                agent=agent.name,
                source=fields.field(camel),
            )
        if value:
            where = fields.field(snake if fields.has(snake) else camel)
            role_spec = _spec(value, env, agent, report, field=where)
            if role_spec:
                agent.models[role] = role_spec
            agent.side_models.append(
                _side(role, value, role_spec, where, env, compose, agent, report)
            )
    level = fields.str("thinking_level") if fields.has("thinking_level") else None
    if level is None and fields.has("thinkingLevel"):
        level = fields.str("thinkingLevel")
    if level is not None:
        agent.thinking = thinking_level(level)
        report.warn(
            "thinking_level in config.yml is stored and shown in the dashboard but the engine "
            "does not read it (chat uses the level picked when the chat starts)",
            agent=agent.name,
            source=fields.field("thinking_level"),
        )


def _spec(
    model: str, env: dict[str, str], agent: AgentInfo, report: FrameworkReport, *, field: str
) -> str | None:
    model = model.strip()
    if "/" not in model:
        report.warn(
            f"bare model id {model!r} is sent to OpenRouter", agent=agent.name, source=field
        )
        return f"openrouter/{model}"
    provider, rest = model.split("/", 1)
    if provider == "openrouter":
        return f"openrouter/{rest}"
    if custom := _CUSTOM.fullmatch(model):
        slug, model_id = custom.groups()
        var = f"CUSTOM_{_env_slug(slug)}_BASE_URL"
        base_url = env.get(var)
        if not base_url:
            report.warn(_dashboard_only(slug, var), agent=agent.name, source=field)
            return None
        spec = providers.custom_spec(base_url, model_id)
        agent.providers[providers.spec_provider(spec)] = ProviderSettings(
            base_url=base_url,
            api_key_ref=f"env CUSTOM_{_env_slug(slug)}_API_KEY",
            protocol="openai",
        )
        return spec
    if provider in PROVIDER_ENV:
        slug = providers.provider_slug(provider) or provider
        var = PROVIDER_ENV[provider]
        if var not in env:
            report.warn(
                f"{model!r} needs {var}, which .env does not set (DjinnBot throws "
                f"'Provider {provider} is not configured' unless the dashboard has a key)",
                agent=agent.name,
                source=field,
            )
        agent.providers.setdefault(slug, ProviderSettings(api_key_ref=f"env {var}"))
        return f"{slug}/{rest}"
    report.warn(
        f"provider {provider!r} is not one DjinnBot knows: the model goes to OpenRouter as "
        f"{model!r}",
        agent=agent.name,
        source=field,
    )
    return f"openrouter/{model}"


def _side(
    purpose: str,
    model: str,
    spec: str | None,
    source: str,
    env: dict[str, str],
    compose: str | None,
    agent: AgentInfo,
    report: FrameworkReport,
) -> SideModel:
    """A row for a model the agent uses for ``purpose`` (thinking, a pipeline step…)."""
    model = model.strip()
    if spec is not None:
        keys = _keys(spec, model, env, compose, agent, report)
        return SideModel(purpose, spec, source, declared=model, keys=keys)
    note = None
    if custom := _CUSTOM.fullmatch(model):
        note = _dashboard_only(custom.group(1), f"CUSTOM_{_env_slug(custom.group(1))}_BASE_URL")
    return SideModel(purpose, None, source, declared=model, note=note)


def _dashboard_only(slug: str, var: str) -> str:
    return (
        f"the base URL of custom provider custom-{slug} lives in DjinnBot's dashboard "
        f"(Postgres, injected as {var} at run time), not in files: Playground cannot check "
        f"it; set {var} in .env to check it here"
    )


def _keys(
    spec: str,
    model: str,
    env: dict[str, str],
    compose: str | None,
    agent: AgentInfo,
    report: FrameworkReport,
) -> list[FrameworkKey]:
    provider = providers.spec_provider(spec)
    if custom := _CUSTOM.fullmatch(model):
        var = f"CUSTOM_{_env_slug(custom.group(1))}_API_KEY"
    else:
        vendor = model.split("/", 1)[0] if "/" in model else "openrouter"
        var = PROVIDER_ENV.get(vendor, "OPENROUTER_API_KEY")
    value = env.get(var, "").strip()
    if not value:
        return []
    if compose is not None and var not in compose:
        report.warn(
            f"{var} is in .env but docker-compose.yml does not pass it to the engine (the stock "
            "file passes only OPENROUTER_API_KEY): add it there or enter the key in the dashboard",
            agent=agent.name,
            source=f".env {var}",
        )
    report.warn(
        f"{var} from .env overwrites any key entered in the dashboard each time the engine "
        "restarts (the docs say dashboard keys take precedence)",
        agent=agent.name,
        source=f".env {var}",
    )
    return [report.add_key(plain_key(provider, value, f"{NAME} .env {var}"))]


def _memory_search(env: dict[str, str], compose: str | None, report: FrameworkReport) -> None:
    """Memory search (QMDR, ``QMD_*``): the embedding model and the rerank/query-expansion
    model as rows of every agent. Settings from the server's provider catalog ("qmdr"):
    ``QMD_OPENAI_API_KEY``, ``QMD_OPENAI_BASE_URL`` (default OpenRouter), ``QMD_EMBED_PROVIDER``
    (``openai`` or ``siliconflow``), ``QMD_OPENAI_EMBED_MODEL``, ``QMD_OPENAI_MODEL``. The
    stock docker-compose.yml passes ``QMD_OPENAI_API_KEY=${OPENROUTER_API_KEY}``."""
    bridged = compose is not None and bool(_QMD_BRIDGE.search(compose))
    if not bridged and not any(name.startswith("QMD_") for name in env):
        return
    base_url = env.get("QMD_OPENAI_BASE_URL") or _QMD_BASE
    keys: list[FrameworkKey] = []
    # the provider part of any model's spec at that URL (openrouter, or custom:URL)
    provider = providers.spec_provider(providers.model_spec("openrouter", "-", base_url))
    if value := env.get("QMD_OPENAI_API_KEY", "").strip():
        keys.append(plain_key(provider, value, f"{NAME} .env QMD_OPENAI_API_KEY"))
    elif bridged and (value := env.get("OPENROUTER_API_KEY", "").strip()):
        label = (
            f"{NAME} .env OPENROUTER_API_KEY (docker-compose.yml passes it as QMD_OPENAI_API_KEY)"
        )
        keys.append(plain_key(provider, value, label))
    keys = [report.add_key(k) for k in keys]
    sides = []
    for purpose, var in (
        ("embeddings", "QMD_OPENAI_EMBED_MODEL"),
        ("memory rerank", "QMD_OPENAI_MODEL"),
    ):
        model = env.get(var, "").strip()
        source = f".env {var}" if model else f".env {var} (not set)"
        if purpose == "embeddings" and env.get("QMD_EMBED_PROVIDER", "openai") != "openai":
            chosen = env["QMD_EMBED_PROVIDER"]
            note = f"QMD_EMBED_PROVIDER={chosen!r}: not a provider Playground checks"
            sides.append(
                SideModel(
                    purpose,
                    None,
                    ".env QMD_EMBED_PROVIDER",
                    declared=chosen,
                    note=note,
                )
            )
        elif model:
            spec = providers.model_spec("openrouter", model, base_url)
            sides.append(SideModel(purpose, spec, source, declared=model, keys=keys))
        elif purpose == "embeddings":
            note = (
                f"{var} is not in .env: qmd uses its default model, or the one set in the "
                "dashboard's Memory Search provider (Postgres)"
            )
            sides.append(
                SideModel(purpose, None, source, declared="(qmd default)", keys=keys, note=note)
            )
    for var in sorted(v for v in env if v.startswith("QMD_")):
        if compose is not None and var not in compose:
            report.warn(
                f"{var} is in .env but docker-compose.yml does not pass it to the engine "
                "(there is no env_file): memory search does not see it",
                source=f".env {var}",
            )
    for agent in report.agents:
        agent.side_models.extend(sides)


def _pipelines(
    root: Path, env: dict[str, str], compose: str | None, report: FrameworkReport
) -> None:
    """One row per pipeline step an agent runs, on the model the step really uses
    (``resolveStepModel``: ``steps[].model`` → pipeline ``agents[].model`` →
    ``defaults.model`` → the agent's config.yml ``model``), and a warning when that shadows
    the agent's own model."""
    folder = root / "pipelines"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.y*ml")):
        data = load_yaml(path, report)
        pipeline = Fields(data if data is not None else {}, path, "", report)
        default = pipeline.sub("defaults").str("model")
        members = pipeline.table.get("agents")
        member_models = {
            item["id"]: item["model"]
            for item in (members if isinstance(members, list) else [])
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and isinstance(item.get("model"), str)
        }
        steps = pipeline.table.get("steps")
        shadowed: dict[str, str] = {}
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict) or not isinstance(step.get("agent"), str):
                continue
            agent = report.agent(step["agent"])
            if agent is None:
                continue
            step_id = step.get("id") if isinstance(step.get("id"), str) else str(index)
            where = f"pipelines/{path.name}"
            if isinstance(step.get("model"), str):
                model, source = step["model"], f"{where} steps[{index}].model"
            elif agent.name in member_models:
                model, source = member_models[agent.name], f"{where} agents[{agent.name}].model"
            elif default:
                model, source = default, f"{where} defaults.model"
            else:
                continue  # the step runs on the agent's own model: its chat row
            shadowed.setdefault(agent.name, model)
            with report.about(agent.name):
                spec = _spec(model, env, agent, report, field=source)
                purpose = f"step {path.stem}/{step_id}"
                agent.side_models.append(
                    _side(purpose, model, spec, source, env, compose, agent, report)
                )
        for name, model in shadowed.items():
            report.warn(
                f"in pipeline {path.stem}, steps run on {model}, not this config.yml model "
                "(step/pipeline models take precedence)",
                agent=name,
                source=f"pipelines/{path.name}",
            )
