"""Issue 4 "Must show", at the level of the request body the adapters actually build:
a catalog model + a thinking level → apply_thinking → the adapter's JSON body."""

from __future__ import annotations

from typing import Any

import pytest

from playground.adapters import anthropic_messages, gemini, ollama, openai_chat
from playground.catalog import apply_thinking, load_catalog
from playground.endpoint import Endpoint, Protocol
from playground.request import ChatRequest, Message, ThinkingLevel

BUILDERS = {
    Protocol.ANTHROPIC: anthropic_messages.build_body,
    Protocol.OPENAI: openai_chat.build_body,
    Protocol.GEMINI: gemini.build_body,
    Protocol.OLLAMA: ollama.build_body,
}


def body_for(spec: str, level: str, temperature: float | None = 0.5) -> tuple[dict[str, Any], str]:
    catalog = load_catalog()
    ref = catalog.parse_spec(spec)
    model = catalog.model(ref.provider.slug, ref.model_id)
    request = ChatRequest(
        model=ref.model_id,
        messages=[Message.user("Why is the sky blue?")],
        temperature=temperature,
        thinking=ThinkingLevel(level),
    )
    plan = apply_thinking(request, model, ref.provider.protocol)
    endpoint = Endpoint(
        provider=ref.provider.slug,
        protocol=ref.provider.protocol,
        base_url="http://127.0.0.1:1",
        model=ref.model_id,
    )
    return BUILDERS[ref.provider.protocol](request, endpoint), plan.label


def test_claude_sonnet_4_5_medium_sends_a_valid_thinking_request():
    body, label = body_for("anthropic/claude-sonnet-4-5", "medium")
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 8192}
    assert body["max_tokens"] > body["thinking"]["budget_tokens"] >= 1024
    assert "temperature" not in body  # Anthropic rejects a temperature while thinking
    assert label == "budget 8,192 tokens"


def test_claude_sonnet_4_5_off_sends_no_thinking():
    body, label = body_for("anthropic/claude-sonnet-4-5", "off")
    assert "thinking" not in body and "output_config" not in body
    assert body["temperature"] == 0.5
    assert label == "off"


@pytest.mark.parametrize(
    ("level", "effort", "label"),
    [("low", "low", "effort low"), ("xhigh", "high", "effort high (clamped from xhigh)")],
)
def test_openai_reasoning_model_sends_a_reasoning_effort_it_lists(level, effort, label):
    body, shown = body_for("openai/o3", level)
    assert body["reasoning_effort"] == effort
    assert "temperature" not in body
    assert shown == label


def test_openai_model_without_reasoning_gets_nothing():
    body, label = body_for("openai/gpt-4o", "high")
    assert "reasoning_effort" not in body and label == "n/a"


def test_gemini_2_5_sends_a_thinking_budget_with_thoughts():
    body, label = body_for("gemini/gemini-2.5-flash", "medium")
    assert body["generationConfig"]["thinkingConfig"] == {
        "thinkingBudget": 8192,
        "includeThoughts": True,
    }
    assert body["generationConfig"]["temperature"] == 0.5
    assert label == "budget 8,192 tokens"
    off, _ = body_for("gemini/gemini-2.5-flash", "off")
    assert off["generationConfig"]["thinkingConfig"] == {"thinkingBudget": 0}


def test_gemini_3_sends_a_thinking_level():
    body, label = body_for("gemini/gemini-3-pro-preview", "high")
    assert body["generationConfig"]["thinkingConfig"] == {
        "thinkingLevel": "HIGH",
        "includeThoughts": True,
    }
    assert "thinkingBudget" not in body["generationConfig"]["thinkingConfig"]
    assert label == "level high"


def test_ollama_model_sends_think():
    on, label = body_for("ollama/qwen3:8b", "medium")
    assert on["think"] is True and label == "on"
    off, label = body_for("ollama/qwen3:8b", "off")
    assert off["think"] is False and label == "off"
    effort, label = body_for("ollama/gpt-oss:20b", "high")
    assert effort["think"] == "high" and label == "effort high"


def test_simulated_thinkers_follow_their_familys_style():
    assert body_for("sim/thinker", "high")[0]["reasoning_effort"] == "high"
    assert body_for("sim-anthropic/thinker", "low")[0]["thinking"]["budget_tokens"] == 4096
    gem = body_for("sim-gemini/thinker?style=level&tps=0", "minimal")[0]
    assert gem["generationConfig"]["thinkingConfig"]["thinkingLevel"] == "MINIMAL"
    assert body_for("sim-ollama/thinker?tps=0", "high")[0]["think"] is True
