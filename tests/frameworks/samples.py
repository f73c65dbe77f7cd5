"""Realistic sample setups of the five frameworks, written into temp dirs with fake keys.

Shapes follow the reference's verbatim examples (agent-configs.md); every key is fake.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.frameworks.sealing import picoclaw_enc, zeroclaw_enc2

ANTHROPIC_KEY = "sk-ant-api03-FAKE" + "a" * 89 + "AA"
ANTHROPIC_OAUTH = "sk-ant-oat01-FAKE" + "o" * 90
OPENAI_KEY = "sk-proj-FAKE" + "b" * 40 + "T3BlbkFJ" + "c" * 20
OPENAI_KEY_2 = "sk-proj-FAKE" + "d" * 40 + "T3BlbkFJ" + "e" * 20
GROQ_KEY = "gsk_FAKE" + "g" * 48
OPENROUTER_KEY = "sk-or-v1-" + "f" * 64
ZHIPU_KEY = "0123456789abcdef0123456789abcdef.FAKEfakeFAKEfake"
ALL_KEYS = (ANTHROPIC_KEY, ANTHROPIC_OAUTH, OPENAI_KEY, OPENAI_KEY_2, GROQ_KEY, OPENROUTER_KEY)


def write(path: Path, text: str) -> Path:
    """Write ``text`` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """mtime_ns and bytes of every file under ``root`` (to prove nothing was written)."""
    return {
        str(p): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------ Action Llama


def actionllama_era_c(project: Path, home: Path) -> Path:
    """Era C project: named models, agent config.toml lists models in fallback order."""
    write(
        project / "config.toml",
        """\
[models.sonnet]
provider = "anthropic"
model = "claude-sonnet-4-20250514"
thinkingLevel = "medium"
authType = "api_key"

[models.haiku]
provider = "anthropic"
model = "claude-haiku-4-5-20251001"
authType = "api_key"

[models.gpt4o]
provider = "openai"
model = "gpt-4o"
thinkingLevel = "high"
authType = "api_key"
""",
    )
    write(project / "agents" / "reviewer" / "SKILL.md", "---\ndescription: reviews PRs\n---\n")
    write(
        project / "agents" / "reviewer" / "config.toml",
        """\
models = ["sonnet", "gpt4o", "haiku"]
credentials = ["github_token", "git_ssh"]
schedule = "0 * * * *"
timeout = 3600

[runtime]
type = "host-user"
groups = ["docker"]
""",
    )
    write(project / "agents" / "triage" / "SKILL.md", "---\ndescription: triage\n---\n")
    write(
        project / "agents" / "triage" / "config.toml",
        'models = ["gpt4o"]\ncredentials = ["openai_key:work"]\nscale = 0\n',
    )
    creds = home / ".action-llama" / "credentials"
    write(creds / "anthropic_key" / "default" / "token", ANTHROPIC_KEY + "\n")
    write(creds / "openai_key" / "default" / "token", OPENAI_KEY + "\n")
    return project


def actionllama_era_a(project: Path) -> Path:
    """Era A (≤ 0.13): one global [model]; an agent's [model] replaces it."""
    write(
        project / "config.toml",
        '[model]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-20250514"\n'
        'thinkingLevel = "medium"\nauthType = "api_key"\n',
    )
    write(project / "agents" / "dev" / "agent-config.toml", 'credentials = ["github_token"]\n')
    write(
        project / "agents" / "ops" / "agent-config.toml",
        '[model]\nprovider = "groq"\nmodel = "llama-3.3-70b-versatile"\nauthType = "api_key"\n',
    )
    return project


def actionllama_era_b(project: Path) -> Path:
    """Era B (0.14–0.18): SKILL.md front matter metadata.models."""
    write(
        project / "config.toml",
        '[models.sonnet]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-20250514"\n'
        'authType = "api_key"\n\n[models.haiku]\nprovider = "anthropic"\n'
        'model = "claude-haiku-4-5-20251001"\nauthType = "api_key"\n',
    )
    write(
        project / "agents" / "solver" / "SKILL.md",
        "---\ndescription: Solves GitHub issues\nmetadata:\n  credentials:\n    - github_token\n"
        "  models:\n    - sonnet\n    - haiku\n---\n\n# Solver\n",
    )
    return project


# ------------------------------------------------------------------ DjinnBot


def djinnbot_install(root: Path) -> Path:
    """.env + agents/<id>/config.yml + a pipeline + the stock docker-compose."""
    write(
        root / ".env",
        f"OPENROUTER_API_KEY={OPENROUTER_KEY}\nANTHROPIC_API_KEY='{ANTHROPIC_KEY}'\n"
        "CUSTOM_LOCAL_BASE_URL=http://127.0.0.1:8080/v1\nSECRET_ENCRYPTION_KEY=\n",
    )
    write(
        root / "docker-compose.yml",
        "services:\n  engine:\n    environment:\n"
        "      - OPENROUTER_API_KEY=${OPENROUTER_API_KEY}\n",
    )
    write(
        root / "agents" / "finn" / "config.yml",
        "executor_model: openrouter/anthropic/claude-opus-4.6\n"
        "model: openrouter/x-ai/grok-4.1-fast\n"
        "planning_model: openrouter/anthropic/claude-sonnet-4.6\n"
        "thinkingModel: z-ai/glm-5\n"
        "thinking_level: 'off'\n"
        "thinking_model: openrouter/x-ai/grok-4.1-fast\n"
        "thread_mode: passive\n",
    )
    write(
        root / "agents" / "eric" / "config.yml",
        "model: anthropic/claude-sonnet-4\nthinking_model: anthropic/claude-opus-4\n"
        "thinking_level: medium\n",
    )
    write(root / "agents" / "yuki" / "config.yml", "model: custom-local/qwen3-coder\n")
    write(
        root / "pipelines" / "engineering.yml",
        "defaults:\n  model: openrouter/minimax/minimax-m2.5\nsteps:\n  - id: SPEC\n"
        "    agent: eric\n    model: anthropic/claude-opus-4\n",
    )
    return root


# ------------------------------------------------------------------ Arawn


def arawn_classic(project: Path, home: Path) -> Path:
    """User config with profiles + project arawn.toml selecting them per agent."""
    write(
        home / ".config" / "arawn" / "config.toml",
        '[llm]\nbackend = "anthropic"\nmodel = "claude-sonnet-4-20250514"\nretry_max = 3\n\n'
        '[llm.fast]\nbackend = "groq"\nmodel = "llama-3.3-70b-versatile"\n'
        f'api_key = "{GROQ_KEY}"\nretry_max = 5\n',
    )
    write(
        project / "arawn.toml",
        '[llm.local]\nbackend = "custom"\nmodel = "qwen3"\nbase_url = "http://127.0.0.1:8080/v1"\n\n'
        '[agent.default]\nmax_tokens = 65536\n\n[agent.summarizer]\nllm = "fast"\n\n'
        '[agent.coder]\nllm = "local"\n\n'
        '[backends.anthropic]\napi_key = "$env:ANTHROPIC_API_KEY"\n',
    )
    return project


def arawn_rewrite(data_dir: Path) -> Path:
    """colliery-io rewrite: <data_dir>/arawn.toml with [llm.<name>] provider and [engine]."""
    return write(
        data_dir / "arawn.toml",
        '[llm.default]\nprovider = "groq"\nmodel = "openai/gpt-oss-20b"\n'
        'api_key_env = "GROQ_API_KEY"\n'
        'context_window = 128000\n\n[llm.small]\nprovider = "openai"\nmodel = "gpt-4o-mini"\n'
        f'api_key = "{OPENAI_KEY}"\n\n[engine]\nllm = "default"\n\n[compactor]\nllm = "small"\n',
    )


# ------------------------------------------------------------------ PicoClaw


SSH_KEY = (
    b"-----BEGIN OPENSSH PRIVATE KEY-----\nFAKEKEYMATERIAL\n-----END OPENSSH PRIVATE KEY-----\n"
)
PASSPHRASE = "correct horse battery staple"


def picoclaw_v3(config_dir: Path, home: Path) -> Path:
    """Version 3 config.json + .security.yml (one enc:// key, one file:// key)."""
    ssh = write(home / ".ssh" / "picoclaw_ed25519.key", "")
    ssh.write_bytes(SSH_KEY)
    write(config_dir / "openai.key", OPENAI_KEY_2 + "\n")
    config = {
        "version": 3,
        "agents": {
            "defaults": {
                "workspace": str(config_dir / "workspace"),
                "model_name": "gpt-5.4",
                "model_fallbacks": ["claude-sonnet-4.6"],
                "max_llm_retries": 2,
                "llm_retry_backoff_secs": 2,
            },
            "list": [
                {"id": "main", "default": True},
                {"id": "support", "model": "glm-4.7"},
                {
                    "id": "sales",
                    "model": {"primary": "claude-sonnet-4.6", "fallbacks": ["gpt-5.4"]},
                },
            ],
        },
        "model_list": [
            {
                "model_name": "gpt-5.4",
                "model": "openai/gpt-5.4",
                "api_keys": [OPENAI_KEY, "file://openai.key"],
                "api_base": "https://api.openai.com/v1",
            },
            {
                "model_name": "claude-sonnet-4.6",
                "model": "anthropic/claude-sonnet-4.6",
                "api_base": "https://api.anthropic.com/v1",
                "thinking_level": "high",
            },
            {
                "model_name": "glm-4.7",
                "model": "zhipu/glm-4.7",
                "api_keys": ["sk-placeholder-in-config-json"],
                "api_base": "https://open.bigmodel.cn/api/paas/v4",
            },
        ],
    }
    write(config_dir / "config.json", json.dumps(config, indent=2))
    sealed = picoclaw_enc(ANTHROPIC_KEY, SSH_KEY, PASSPHRASE)
    write(
        config_dir / ".security.yml",
        f'model_list:\n  claude-sonnet-4.6:0:\n    api_keys:\n      - "{sealed}"\n'
        f'  glm-4.7:\n    api_keys:\n      - "{ZHIPU_KEY}"\n',
    )
    return config_dir / "config.json"


def picoclaw_v0(config_dir: Path) -> Path:
    """Legacy (version 0) providers block."""
    return write(
        config_dir / "config.json",
        json.dumps(
            {
                "agents": {"defaults": {"workspace": "~/.picoclaw/workspace", "model": "glm-4.7"}},
                "providers": {
                    "zhipu": {
                        "api_key": ZHIPU_KEY,
                        "api_base": "https://open.bigmodel.cn/api/paas/v4",
                    }
                },
            }
        ),
    )


def picoclaw_v1(config_dir: Path) -> Path:
    """Version 1: model_list entries carry a single api_key string."""
    return write(
        config_dir / "config.json",
        json.dumps(
            {
                "version": 1,
                "agents": {"defaults": {"model": "gpt4"}},
                "model_list": [
                    {"model_name": "gpt4", "model": "openai/gpt-4o", "api_key": OPENAI_KEY}
                ],
            }
        ),
    )


# ------------------------------------------------------------------ ZeroClaw


def zeroclaw_secret_key(config_dir: Path) -> bytes:
    """A fresh 32-byte .secret_key (hex, mode 0600) like ZeroClaw creates."""
    key = os.urandom(32)
    path = write(config_dir / ".secret_key", key.hex())
    path.chmod(0o600)
    return key


def zeroclaw_v1(config_dir: Path) -> Path:
    """V1: top-level default provider/model/enc2 key, reliability fallbacks, delegates."""
    key = zeroclaw_secret_key(config_dir)
    return write(
        config_dir / "config.toml",
        f"""\
api_key = "{zeroclaw_enc2(ANTHROPIC_KEY, key)}"
default_provider = "anthropic"
default_model = "claude-opus-4-20250514"
default_temperature = 0.5

[[model_routes]]
hint = "fast"
provider = "groq"
model = "llama-3.3-70b-versatile"
api_key = "{GROQ_KEY}"

[runtime]
reasoning_enabled = true
reasoning_effort = "high"

[reliability]
provider_retries = 3
provider_backoff_ms = 500
fallback_providers = ["openrouter"]
api_keys = ["{ANTHROPIC_OAUTH}"]

[reliability.model_fallbacks]
"claude-opus-4-20250514" = ["claude-sonnet-4-20250514"]

[agents.researcher]
provider = "openrouter"
model = "anthropic/claude-sonnet-4-6"
api_key = "{zeroclaw_enc2(OPENROUTER_KEY, key)}"
temperature = 0.3

[secrets]
encrypt = true
""",
    )


def zeroclaw_v2(config_dir: Path) -> Path:
    """V2: providers.fallback names the default entry."""
    key = zeroclaw_secret_key(config_dir)
    return write(
        config_dir / "config.toml",
        f"""\
schema_version = 2
[providers]
fallback = "openai"
[providers.models.openai]
api_key = "{zeroclaw_enc2(OPENAI_KEY, key)}"
base_url = "https://api.example.com/v1"
model = "gpt-4o-mini"
temperature = 0.5
[[providers.model_routes]]
hint = "fast"
provider = "openai"
model = "gpt-4o-mini"
""",
    )


def zeroclaw_v3(config_dir: Path) -> Path:
    """V3: provider aliases with fallback_models and a fallback alias; agents pick an alias."""
    key = zeroclaw_secret_key(config_dir)
    return write(
        config_dir / "config.toml",
        f"""\
schema_version = 3

[providers.models.anthropic.home]
model = "claude-sonnet-4-5"
api_key = "{zeroclaw_enc2(ANTHROPIC_KEY, key)}"
fallback_models = ["claude-haiku-4-5"]
fallback = ["openai.work"]

[providers.models.openai.work]
model = "gpt-4o-mini"
api_key = "op://Private/OpenAI/credential"

[providers.models.ollama.default]
model = "llama3.2"
uri = "http://host.docker.internal:11434"

[agents.default]
enabled = true
model_provider = "anthropic.home"
risk_profile = "default"
runtime_profile = "deep"

[agents.local]
model_provider = "ollama.default"
risk_profile = "default"

[[model_routes]]
hint = "cheap"
model_provider = "anthropic.home"
model = "claude-haiku-4-5"

[risk_profiles.default]

[runtime_profiles.deep.thinking]
default_level = "max"

[runtime_profiles.default]
""",
    )
