"""PicoClaw: ``config.json`` (+ ``.security.yml`` beside it), reference §4.

Schema versions: 0/missing (legacy ``providers`` block, ``agents.defaults.model``), 1
(``model_list`` with ``api_key``), 2 (``api_keys``, ``enabled``), 3 (current). PicoClaw rewrites
older files on load; we only read. Key values may be plain, ``file://name`` (inside the config
dir) or ``enc://`` (AES-GCM sealed with an SSH key + passphrase: reported locked until
:func:`playground.frameworks.unlock_key`). ``.security.yml`` keys replace config.json's.
``voice.model_name`` / ``voice.tts_model_name`` (or the Groq Whisper fallback) are side
models of every agent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from playground.endpoint import AuthKind
from playground.frameworks import providers
from playground.frameworks.files import Fields, load_front_matter, load_json, load_yaml, type_name
from playground.frameworks.keyrefs import file_ref_key, plain_key
from playground.frameworks.model import (
    AgentInfo,
    FrameworkKey,
    FrameworkReport,
    ProviderSettings,
    SideModel,
    thinking_level,
)
from playground.secret import Secret

NAME = "picoclaw"
ENC_SCHEME = "picoclaw-enc"
_ENTRY_FIELDS = {
    "model_name",
    "provider",
    "model",
    "api_base",
    "api_key",
    "api_keys",
    "fallbacks",
    "request_timeout",
    "thinking_level",
    "auth_method",
    "proxy",
    "connect_mode",
    "workspace",
    "rpm",
    "max_tokens_field",
    "tool_schema_transform",
    "streaming",
    "extra_body",
    "custom_headers",
    "enabled",
    "user_agent",
}

# PicoClaw protocol names that are not vendor names: ``anthropic-messages`` is Anthropic's
# native /v1/messages protocol (docs/guides/providers.md, "Anthropic Messages API").
_PROTOCOLS = {"anthropic-messages": "anthropic"}


def home() -> Path:
    """``$PICOCLAW_HOME`` or ``~/.picoclaw``."""
    env = os.environ.get("PICOCLAW_HOME")
    return Path(env) if env else Path.home() / ".picoclaw"


def default_path() -> Path:
    """``$PICOCLAW_CONFIG``, else ``$PICOCLAW_HOME/config.json`` (``~/.picoclaw``)."""
    env = os.environ.get("PICOCLAW_CONFIG")
    return Path(env) if env else home() / "config.json"


def ssh_key_path() -> Path:
    """The SSH private key ``enc://`` values are bound to."""
    env = os.environ.get("PICOCLAW_SSH_KEY_PATH")
    return Path(env) if env else Path.home() / ".ssh" / "picoclaw_ed25519.key"


def looks_like(path: Path) -> bool:
    """Whether ``path`` is a PicoClaw config.json (or a folder holding one)."""
    file = path / "config.json" if path.is_dir() else path
    if file.suffix != ".json" or not file.is_file():
        return False
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return '"model_list"' in text or ('"agents"' in text and '"providers"' in text)


@dataclass(slots=True)
class _Entry:
    """One ``model_list`` entry, resolved."""

    name: str
    index: int
    occurrence: int
    spec: str | None
    fields: Fields
    keys: list[FrameworkKey] = field(default_factory=list)


def read(path: Path) -> FrameworkReport:
    """Read the config.json at ``path`` (or in the folder ``path``) and its .security.yml."""
    file = path / "config.json" if path.is_dir() else path
    report = FrameworkReport(NAME, file.parent)
    data = load_json(file, report)
    if data is None:
        return report
    if not isinstance(data, dict):
        report.errors.append(f"{file}: expected a JSON object at the top, got {type_name(data)}")
        return report
    root = Fields(data, file, "", report)
    version = root.int("version") or 0
    report.version = f"v{version}"
    if version < 3:
        report.warn(
            f"schema version {version}: PicoClaw migrates it to version 3 and rewrites config.json "
            "on its next start (Playground only read it)",
            source=f"{file.name} version",
        )
    security = _security(file.parent / ".security.yml", report)
    entries = _entries(root, security, report)
    defaults = root.sub("agents").sub("defaults")
    agent_list = root.sub("agents").table.get("list")
    if agent_list is not None and not isinstance(agent_list, list):
        report.errors.append(f"{file}: agents.list: expected a list, got {type_name(agent_list)}")
        agent_list = None
    specs = agent_list or [{"id": "main", "default": True}]
    for index, item in enumerate(specs):
        name = item.get("id") if isinstance(item, dict) else None
        with report.about(name if isinstance(name, str) and name else "main"):
            _agent(Fields(item, file, f"agents.list[{index}]", report), defaults, entries, report)
    _voice(root, entries, report)
    return report


def _voice(root: Fields, entries: list[_Entry], report: FrameworkReport) -> None:
    """``voice.model_name`` (transcription) and ``voice.tts_model_name`` (speech) as rows of
    every agent; without a transcription model PicoClaw falls back to Groq Whisper when a
    Groq key is configured (docs/guides/providers.md, "Voice Transcription")."""
    voice = root.sub("voice")
    sides: list[SideModel] = []
    for purpose, key in (("voice", "model_name"), ("speech", "tts_model_name")):
        name = voice.str(key)
        if not name:
            continue
        source = f"{root.path.name} voice.{key}"
        match = next((e for e in entries if e.name == name), None)
        if match is None:
            report.errors.append(
                f"{root.path}: voice.{key}: {name!r} is not a model_name in model_list"
            )
        elif match.spec:
            sides.append(SideModel(purpose, match.spec, source, declared=name, keys=match.keys))
    groq = root.sub("providers").sub("groq").str("api_key")
    if not voice.str("model_name") and groq:
        label = f"{NAME} {root.path.name} providers.groq.api_key"
        key = report.add_key(_value_key("groq", groq, label, root.path.parent, report))
        source = f"{root.path.name} providers.groq (no voice.model_name: Groq Whisper)"
        sides.append(SideModel("voice", "groq/whisper-large-v3", source, keys=[key]))
    for agent in report.agents:
        agent.side_models.extend(sides)


def _security(path: Path, report: FrameworkReport) -> dict[str, Fields]:
    if not path.is_file():
        return {}
    data = load_yaml(path, report)
    table = Fields(data if data is not None else {}, path, "", report)
    return table.tables("model_list")


def _entries(root: Fields, security: dict[str, Fields], report: FrameworkReport) -> list[_Entry]:
    raw = root.table.get("model_list")
    items: list = []
    if raw is None:
        items = _legacy_providers(root, report)
    elif isinstance(raw, list):
        items = raw
    else:
        report.errors.append(f"{root.path}: model_list: expected a list, got {type_name(raw)}")
    seen: dict[str, int] = {}
    entries: list[_Entry] = []
    for index, item in enumerate(items):
        where = f"model_list[{index}]"
        entry = item if isinstance(item, Fields) else Fields(item, root.path, where, report)
        name = entry.str("model_name")
        if not name:
            report.errors.append(f"{root.path}: {entry.where}.model_name: required, missing")
            continue
        for key in sorted(set(entry.table) - _ENTRY_FIELDS):
            report.errors.append(
                f"{root.path}: {entry.where}.{key}: unknown field (PicoClaw refuses to load it)"
            )
        occurrence = seen.get(name, 0)
        seen[name] = occurrence + 1
        resolved = _Entry(name, index, occurrence, None, entry)
        resolved.spec = _entry_spec(entry, report)
        if resolved.spec:
            resolved.keys = _entry_keys(resolved, security, report)
        entries.append(resolved)
    return entries


def _legacy_providers(root: Fields, report: FrameworkReport) -> list[Fields]:
    """Version 0: turn the ``providers`` block into model_list-like entries."""
    legacy = root.tables("providers")
    defaults = root.sub("agents").sub("defaults")
    model = defaults.str("model_name") or defaults.str("model")
    if not legacy or not model:
        if not model:
            report.errors.append(f"{root.path}: agents.defaults.model: no model configured")
        return []
    wanted = defaults.str("provider")
    if wanted:
        chosen = wanted
    elif len(legacy) == 1:
        chosen = next(iter(legacy))
    else:
        chosen = model.split("/", 1)[0] if "/" in model else next(iter(legacy))
    table = legacy.get(chosen)
    if table is None:
        report.errors.append(
            f"{root.path}: agents.defaults.provider: {chosen!r} has no providers.{chosen} block"
        )
        return []
    entry: dict = {"model_name": model, "provider": chosen, "model": model.split("/")[-1]}
    for key in ("api_key", "api_base", "auth_method"):
        if key in table.table:
            entry[key] = table.table[key]
    return [Fields(entry, root.path, f"providers.{chosen}", report)]


def _entry_spec(entry: Fields, report: FrameworkReport) -> str | None:
    model = entry.str("model")
    if not model:
        report.errors.append(f"{entry.path}: {entry.where}.model: required, missing")
        return None
    if any(c.isspace() for c in model) or model.startswith("/") or "//" in model:
        report.errors.append(
            f"{entry.path}: {entry.where}.model: {model!r} is not a valid model reference"
        )
        return None
    provider = entry.str("provider")
    if provider:
        model_id = model.split("/", 1)[1] if model.startswith(f"{provider}/") else model
    elif "/" in model:
        provider, model_id = model.split("/", 1)
    else:
        provider, model_id = "openai", model
    slug = providers.provider_slug(_PROTOCOLS.get(provider.lower(), provider))
    if slug is None:
        report.errors.append(
            f"{entry.path}: {entry.where}.provider: unknown provider {provider!r} "
            f"(from {entry.field('model')})"
        )
        return None
    return providers.model_spec(slug, model_id, entry.str("api_base"))


def _entry_keys(entry: _Entry, security: dict[str, Fields], report: FrameworkReport) -> list:
    provider = providers.spec_provider(entry.spec or "")
    fields = entry.fields
    values: list[tuple[str, str]] = []
    overlay = security.get(f"{entry.name}:{entry.occurrence}") or security.get(entry.name)
    if overlay is not None and (overlay.has("api_keys") or overlay.has("api_key")):
        label = f"{NAME} .security.yml model_list.{overlay.where.split('.', 1)[1]}"
        single = overlay.str("api_key")
        if single:
            values.append((single, f"{label}.api_key"))
        values += [
            (v, f"{label}.api_keys[{i}]") for i, v in enumerate(overlay.str_list("api_keys") or [])
        ]
    else:
        label = f"{NAME} {fields.path.name} model_list[{entry.name}]"
        if fields.where.startswith("providers."):
            label = f"{NAME} {fields.path.name} {fields.where}"
        single = fields.str("api_key")
        if single:
            values.append((single, f"{label}.api_key"))
        many = fields.str_list("api_keys") or []
        values += [(v, f"{label}.api_keys[{i}]") for i, v in enumerate(many) if v != single]
        if single and many:
            report.warn(
                f"{fields.where} has both api_key and api_keys: PicoClaw's migration merges them "
                "through a Go map, so their order is random (shown here: api_key first)",
                source=f"{fields.path.name} {fields.where}",
            )
    keys = [
        _value_key(provider, value, label, fields.path.parent, report) for value, label in values
    ]
    method = fields.str("auth_method")
    if method in ("oauth", "token"):
        keys.append(_oauth_key(provider, fields, report))
    return [report.add_key(k) for k in keys]


def _value_key(
    provider: str, value: str, label: str, config_dir: Path, report: FrameworkReport
) -> FrameworkKey:
    if value.startswith("enc://"):
        key_file = ssh_key_path()
        hint = (
            "encrypted (enc://): unlock with PicoClaw's passphrase ($PICOCLAW_KEY_PASSPHRASE) "
            f"and its SSH key {key_file}"
        )
        if not key_file.is_file():
            hint += " — that key file is missing here"
        return FrameworkKey(
            provider,
            None,
            f"{label} (enc://)",
            locked=True,
            unlock_hint=hint,
            scheme=ENC_SCHEME,
            sealed=Secret(value),
            key_file=key_file,
        )
    if value.startswith("file://"):
        return file_ref_key(provider, value, config_dir, label, report)
    return plain_key(provider, value, label)


def _oauth_key(provider: str, entry: Fields, report: FrameworkReport) -> FrameworkKey:
    path = home() / "auth.json"
    label = f"{NAME} auth.json (oauth)"
    data = load_json(path, report, required=False) if path.is_file() else None
    creds = data.get("credentials") if isinstance(data, dict) else None
    vendor = (entry.str("provider") or (entry.str("model") or "").split("/", 1)[0]).lower()
    record = creds.get(vendor) if isinstance(creds, dict) else None
    token = record.get("access_token") if isinstance(record, dict) else None
    if isinstance(token, str) and token:
        return FrameworkKey(provider, Secret(token), label, auth_kind=AuthKind.OAUTH_TOKEN)
    return FrameworkKey(
        provider,
        None,
        label,
        locked=True,
        unlock_hint=f"no token for {vendor!r} in {path}: "
        f"run `picoclaw auth login --provider {vendor}`",
        auth_kind=AuthKind.OAUTH_TOKEN,
    )


def _agent(item: Fields, defaults: Fields, entries: list[_Entry], report: FrameworkReport) -> None:
    agent_id = item.str("id") or "main"
    is_default = bool(item.bool("default")) or agent_id == "main"
    model_value = item.table.get("model")
    primary: str | None = None
    fallbacks: list[str] | None = None
    source = f"{item.path.name} {item.where}.model"
    if isinstance(model_value, str):
        primary = model_value
    elif isinstance(model_value, dict):
        model = item.sub("model")
        primary = model.str("primary")
        fallbacks = model.str_list("fallbacks")
    elif model_value is not None:
        report.errors.append(
            f"{item.path}: {item.where}.model: expected a string or "
            f"{{primary, fallbacks}}, got {type_name(model_value)}"
        )
    front = _agent_md(agent_id, is_default, defaults, report)
    if front:
        primary, source = front
    default_fallbacks = defaults.str_list("model_fallbacks")
    structured = False  # this agent uses the docs' agents.defaults.model {primary, fallbacks}
    if isinstance(defaults.table.get("model"), dict):
        block = defaults.sub("model")
        if default_fallbacks is None and fallbacks is None:
            default_fallbacks = block.str_list("fallbacks")
            structured = default_fallbacks is not None
        if primary is None and defaults.str("model_name") is None:
            primary = block.str("primary")
            source = f"{item.path.name} agents.defaults.model.primary"
            structured = True
    if primary is None:
        primary = defaults.str("model_name")
        source = f"{item.path.name} agents.defaults.model_name"
        if primary is None and (primary := defaults.str("model")):
            source = f"{item.path.name} agents.defaults.model"
    if fallbacks is None:
        fallbacks = default_fallbacks or []
    agent = AgentInfo(name=agent_id, model_chain=[], source=source, fallbacks=list(fallbacks))
    report.agents.append(agent)
    agent.retries = defaults.int("max_llm_retries")
    if structured:
        report.warn(
            "agents.defaults.model as {primary, fallbacks} is the failover form PicoClaw's docs "
            "show; the config code read (cf67dd38) knows agents.defaults.model only as the "
            "deprecated string spelling of model_name. Playground follows the docs; if PicoClaw "
            "refuses the file, use model_name + model_fallbacks",
            agent=agent_id,
            source=f"{item.path.name} agents.defaults.model",
        )
    if source.endswith("agents.defaults.model"):
        report.warn(
            "agents.defaults.model is the deprecated spelling of model_name (PicoClaw folds it "
            "into model_name when it migrates the file)",
            agent=agent_id,
            source=source,
        )
    if not primary:
        report.errors.append(
            f"{item.path}: agents.defaults.model_name: agent {agent_id} has no model "
            "(model_name has no default)"
        )
        return
    for position, name in enumerate([primary, *fallbacks]):
        entry = _lookup(name, entries, agent, report)
        if entry is None or entry.spec is None:
            continue
        agent.model_chain.append(entry.spec)
        agent.keys.setdefault(entry.spec, entry.keys)
        agent.hops.append(entry.keys)
        provider = providers.spec_provider(entry.spec)
        agent.providers.setdefault(
            provider,
            ProviderSettings(
                base_url=entry.fields.str("api_base"),
                api_key_ref=f"model_list[{entry.name}].api_keys",
                extra={"model_name": entry.name},
            ),
        )
        if position == 0:
            _primary_details(agent, entry, report)
    light = defaults.sub("routing")
    if light.bool("enabled") and (light_name := light.str("light_model")):
        entry = _lookup(light_name, entries, agent, report)
        if entry and entry.spec:
            agent.models["light"] = entry.spec


def _agent_md(
    agent_id: str, is_default: bool, defaults: Fields, report: FrameworkReport
) -> tuple[str, str] | None:
    workspace = Path(defaults.str("workspace") or str(home() / "workspace")).expanduser()
    folder = workspace if is_default else workspace.parent / f"workspace-{agent_id}"
    path = folder / "AGENT.md"
    if not path.is_file():
        return None
    front = load_front_matter(path, report) or {}
    model = front.get("model")
    if isinstance(model, str) and model:
        return model, f"{path} front matter model"
    return None


def _lookup(name: str, entries: list[_Entry], agent: AgentInfo, report: FrameworkReport):
    matches = [e for e in entries if e.name == name]
    if len(matches) > 1:
        report.warn(
            f"model_name {name!r} appears {len(matches)} times: PicoClaw round-robins between "
            "the entries; Playground uses the first",
            agent=agent.name,
            source=f"model_list[{matches[0].index}]",
        )
    if matches:
        return matches[0]
    if "/" in name:
        vendor, model_id = name.split("/", 1)
        slug = providers.provider_slug(vendor)
        if slug:
            return _Entry(name, -1, 0, f"{slug}/{model_id}", Fields({}, Path(), "", report))
    report.errors.append(
        f"agent {agent.name}: model {name!r} is not a model_name in model_list "
        "(nor a provider/model reference)"
    )
    return None


def _primary_details(agent: AgentInfo, entry: _Entry, report: FrameworkReport) -> None:
    level = entry.fields.str("thinking_level")
    if level == "adaptive":
        agent.providers[providers.spec_provider(entry.spec or "")].extra["thinking"] = "adaptive"
    elif level is not None:
        agent.thinking = thinking_level(level) or thinking_level("off")
    if len(entry.keys) > 1:
        report.warn(
            f"{len(entry.keys)} keys on {entry.name!r}: PicoClaw expands them into key-level "
            f"fallbacks ({entry.name}__key_1…), but this version's agent loop never walks "
            "model_list[].fallbacks, so the extra keys are never tried",
            agent=agent.name,
            source=f"model_list[{entry.index}].api_keys",
        )
    declared = entry.fields.str_list("fallbacks")
    if declared:
        report.warn(
            f"model_list[{entry.index}].fallbacks {declared} is declared but not consumed by the "
            "agent loop at this version (only agent-level fallbacks are walked)",
            agent=agent.name,
            source=f"model_list[{entry.index}].fallbacks",
        )
