"""DjinnBot: .env keys, model-string parsing, side-role models, docs-vs-code warnings."""

from __future__ import annotations

from pathlib import Path

from playground.frameworks import load_framework
from playground.frameworks.doctor_rows import framework_rows, render_rows
from playground.request import ThinkingLevel
from tests.frameworks import samples as s


def test_agents_model_key_source_and_no_fallbacks(tmp_path: Path):
    report = load_framework(s.djinnbot_install(tmp_path / "djinnbot"))

    assert report.framework == "djinnbot"
    assert report.errors == []
    finn = report.agent("finn")
    assert finn.model_chain == ["openrouter/x-ai/grok-4.1-fast"]
    assert finn.fallbacks == []
    key = finn.keys["openrouter/x-ai/grok-4.1-fast"][0]
    assert key.secret.reveal() == s.OPENROUTER_KEY
    assert key.source_label == "djinnbot .env OPENROUTER_API_KEY"
    assert finn.models == {
        "thinking": "openrouter/x-ai/grok-4.1-fast",
        "planning": "openrouter/anthropic/claude-sonnet-4.6",
        "executor": "openrouter/anthropic/claude-opus-4.6",
    }


def test_known_provider_prefix_maps_to_our_slug(tmp_path: Path):
    eric = load_framework(s.djinnbot_install(tmp_path / "d")).agent("eric")

    assert eric.model_chain == ["anthropic/claude-sonnet-4"]
    assert (
        eric.keys["anthropic/claude-sonnet-4"][0].source_label == "djinnbot .env ANTHROPIC_API_KEY"
    )
    assert eric.thinking is ThinkingLevel.MEDIUM


def test_custom_slug_uses_its_base_url_from_env(tmp_path: Path):
    yuki = load_framework(s.djinnbot_install(tmp_path / "d")).agent("yuki")

    assert yuki.model_chain == ["custom:http://127.0.0.1:8080/v1#qwen3-coder"]


def test_unknown_vendor_prefix_falls_through_to_openrouter(tmp_path: Path):
    root = s.djinnbot_install(tmp_path / "d")
    s.write(root / "agents/zed/config.yml", "model: z-ai/glm-5\n")

    zed = load_framework(root).agent("zed")

    assert zed.model_chain == ["openrouter/z-ai/glm-5"]
    assert any("OpenRouter" in w for w in zed.warnings)


def test_docs_vs_code_differences_are_warned_on_the_agent(tmp_path: Path):
    report = load_framework(s.djinnbot_install(tmp_path / "d"))
    eric = report.agent("eric")

    assert any("docker-compose.yml does not pass it" in w for w in eric.warnings)
    assert any("thinking_level" in w and "does not read it" in w for w in eric.warnings)
    assert any("pipeline engineering" in w and "claude-opus-4" in w for w in eric.warnings)
    assert any("plain text" in w.message for w in report.warnings if w.agent is None)


def test_custom_provider_added_in_the_dashboard_keeps_the_agents_model(tmp_path: Path):
    # reference §2.2: custom providers are added in the dashboard; their base URL is stored in
    # Postgres (extra_config) and injected as CUSTOM_<SLUG>_BASE_URL only at run time
    root = s.djinnbot_install(tmp_path / "d")
    s.write(root / "agents/yuki/config.yml", "model: custom-ollama/llama3.3\n")
    s.write(root / ".env", "OPENROUTER_API_KEY=x\nCUSTOM_OLLAMA_API_KEY=ollama-local-key\n")

    report = load_framework(root)

    yuki = report.agent("yuki")
    assert report.errors == []
    assert yuki.model_chain == [] and yuki.declared == "custom-ollama/llama3.3"
    assert "dashboard" in yuki.unresolved and "CUSTOM_OLLAMA_BASE_URL" in yuki.unresolved
    assert any("lives in DjinnBot's dashboard" in w for w in yuki.warnings)
    (key,) = yuki.keys["custom-ollama/llama3.3"]
    assert key.source_label == "djinnbot .env CUSTOM_OLLAMA_API_KEY"


async def test_dashboard_custom_provider_row_shows_the_model_and_why_it_is_not_checked(
    tmp_path: Path,
):
    root = tmp_path / "d"
    s.write(root / "agents/yuki/config.yml", "model: custom-ollama/llama3.3\n")
    s.write(root / ".env", "OPENROUTER_API_KEY=x\n")

    (row,) = await framework_rows(load_framework(root), live=True, timeout=1.0)

    assert row["model"] == "custom-ollama/llama3.3" and row["model_chain"] == []
    assert row["live"]["status"] == "skipped"
    assert "lives in DjinnBot's dashboard" in row["live"]["message"]
    assert "custom-ollama/llama3.3" in render_rows([row])
    assert "(no model)" not in render_rows([row])


def test_agent_without_model_gets_the_djinnbot_default(tmp_path: Path):
    root = s.djinnbot_install(tmp_path / "d")
    s.write(root / "agents/quiet/config.yml", "thread_mode: passive\n")

    quiet = load_framework(root).agent("quiet")

    assert quiet.model_chain == ["openrouter/minimax/minimax-m2.5"]
    assert "DjinnBot default" in quiet.source


def test_env_key_overwriting_dashboard_keys_on_restart_is_warned(tmp_path: Path):
    finn = load_framework(s.djinnbot_install(tmp_path / "d")).agent("finn")

    assert any("overwrites any key entered in the dashboard" in w for w in finn.warnings)


# verbatim, docs/content/docs/advanced/llm-providers.md@818d60eb
_THINKING_DOC = """model: anthropic/claude-sonnet-4
thinking_model: anthropic/claude-opus-4
thinking_level: medium
"""
_STEPS_DOC = """steps:
  - id: SPEC
    agent: eric
    model: anthropic/claude-opus-4    # Use Opus for requirements
  - id: IMPLEMENT
    agent: yukihiro
    model: openrouter/moonshotai/kimi-k2.5  # Use Kimi for coding
"""


def _docs_install(root: Path) -> Path:
    s.write(
        root / ".env",
        f"OPENROUTER_API_KEY={s.OPENROUTER_KEY}\nANTHROPIC_API_KEY={s.ANTHROPIC_KEY}\n",
    )
    s.write(root / "agents/eric/config.yml", _THINKING_DOC)
    s.write(root / "agents/yukihiro/config.yml", "model: openrouter/x-ai/grok-4.1-fast\n")
    s.write(root / "pipelines/engineering.yml", _STEPS_DOC)
    return root


async def test_thinking_model_is_its_own_row_with_its_key(tmp_path: Path):
    report = load_framework(_docs_install(tmp_path / "d"))

    rows = [r for r in await framework_rows(report, live=False) if r["agent"] == "eric"]

    thinking = next(r for r in rows if r["purpose"] == "thinking")
    assert thinking["model"] == "anthropic/claude-opus-4"
    assert thinking["key_source"] == "djinnbot .env ANTHROPIC_API_KEY"
    assert thinking["source"] == "agents/eric/config.yml thinking_model"
    assert next(r for r in rows if r["purpose"] == "chat")["model"] == "anthropic/claude-sonnet-4"


async def test_each_pipeline_step_is_a_row_on_the_model_it_really_uses(tmp_path: Path):
    report = load_framework(_docs_install(tmp_path / "d"))

    rows = {(r["agent"], r["purpose"]): r for r in await framework_rows(report, live=False)}

    spec = rows[("eric", "step engineering/SPEC")]
    assert spec["model"] == "anthropic/claude-opus-4"
    assert spec["source"] == "pipelines/engineering.yml steps[0].model"
    assert spec["key_source"] == "djinnbot .env ANTHROPIC_API_KEY"
    implement = rows[("yukihiro", "step engineering/IMPLEMENT")]
    assert implement["model"] == "openrouter/moonshotai/kimi-k2.5"
    assert implement["key_source"] == "djinnbot .env OPENROUTER_API_KEY"
    text = render_rows(list(rows.values()))
    assert "djinnbot:yukihiro [step engineering/IMPLEMENT]  openrouter/moonshotai/kimi-k2.5" in text


def test_pipeline_defaults_and_pipeline_agent_models_apply_in_order(tmp_path: Path):
    root = _docs_install(tmp_path / "d")
    s.write(
        root / "pipelines/review.yml",
        "defaults:\n  model: openrouter/minimax/minimax-m2.5\n"
        "agents:\n  - id: eric\n    model: anthropic/claude-sonnet-4\n"
        "steps:\n  - id: REVIEW\n    agent: eric\n  - id: SHIP\n    agent: yukihiro\n",
    )

    report = load_framework(root)

    eric = {m.purpose: m for m in report.agent("eric").side_models}
    yuki = {m.purpose: m for m in report.agent("yukihiro").side_models}
    assert eric["step review/REVIEW"].spec == "anthropic/claude-sonnet-4"
    assert eric["step review/REVIEW"].source == "pipelines/review.yml agents[eric].model"
    assert yuki["step review/SHIP"].spec == "openrouter/minimax/minimax-m2.5"
    assert yuki["step review/SHIP"].source == "pipelines/review.yml defaults.model"
