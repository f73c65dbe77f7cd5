"""The thinking-level mapping: one table test over every option shape in the catalog, plus
the exact request fields for representative models."""

from __future__ import annotations

import re
from typing import Any

import pytest

from playground.catalog import apply_thinking, load_catalog, map_thinking
from playground.catalog.thinking import EFFORT_RANK, WIRE
from playground.catalog.types import ModelInfo, ThinkingOptions
from playground.endpoint import Protocol
from playground.request import ChatRequest, Message, ThinkingLevel

LEVELS = ThinkingLevel.ordered()
ON_LEVELS = LEVELS[1:]
LABEL = re.compile(
    r"^(n/a|off|on|always on|effort \S+|level \S+|adaptive, effort \S+|budget [\d,]+ tokens)"
    r"( \(clamped from [\w,]+\))?$"
)
EFFORT_KEYS = ("reasoning_effort", "effort", "thinkingLevel", "think")
BUDGET_KEYS = ("budget_tokens", "thinkingBudget", "thinking_budget", "max_tokens")


def _shapes() -> dict[tuple[Any, ...], tuple[ModelInfo, Protocol]]:
    """One representative model per distinct (wire entry, thinking options) shape."""
    catalog = load_catalog()
    shapes: dict[tuple[Any, ...], tuple[ModelInfo, Protocol]] = {}
    for model in catalog.models():
        protocol = catalog.provider(model.provider).protocol
        o = model.thinking_options
        wire_owner = (
            model.provider
            if any(k[0] == model.provider and k[1] is protocol for k in WIRE)
            else "*"
        )
        key = (wire_owner, protocol, o.style, o.efforts, o.budget_min, o.budget_max, o.can_disable)
        shapes.setdefault(key, (model, protocol))
    return shapes


SHAPES = _shapes()


def _find(body: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(body, dict):
        for key, value in body.items():
            if key in keys and not isinstance(value, dict):
                return value
            found = _find(value, keys)
            if found is not None:
                return found
    return None


def _enables_thinking(body: Any) -> bool:
    """Whether a body turns thinking on anywhere (the opposite of what ``off`` must send)."""
    if not isinstance(body, dict):
        return False
    for key, value in body.items():
        if isinstance(value, dict):
            if _enables_thinking(value):
                return True
        elif (
            (key == "type" and value in ("enabled", "adaptive"))
            or (key in ("enabled", "enable_thinking", "think") and value)
            or (key == "thinkingBudget" and value != 0)
            or key in ("thinkingLevel", "budget_tokens", "thinking_budget")
            or (key in ("reasoning_effort", "effort") and value != "none")
        ):
            return True
    return False


def test_the_catalog_has_every_thinking_style():
    styles = {key[2] for key in SHAPES}
    assert {"none", "always", "toggle", "effort", "budget", "adaptive", "level"} <= styles


@pytest.mark.parametrize("level", LEVELS, ids=[lv.value for lv in LEVELS])
@pytest.mark.parametrize(
    "shape", list(SHAPES), ids=["-".join(map(str, k[:3])) + f"-{i}" for i, k in enumerate(SHAPES)]
)
def test_every_level_maps_onto_every_shape(shape, level):
    model, protocol = SHAPES[shape]
    options: ThinkingOptions = model.thinking_options
    plan = map_thinking(model, protocol, level, max_tokens=None)
    body = plan.body_overrides

    assert LABEL.match(plan.label), plan.label
    assert plan.clamped == ("(clamped" in plan.label) or options.style in ("none", "always")
    if options.style == "none":
        assert (body, plan.label) == ({}, "n/a")
        return
    if options.style == "always":
        assert (body, plan.label) == ({}, "always on")
        return
    if level is ThinkingLevel.OFF:
        if options.can_disable:
            assert plan.label == "off"
            assert not _enables_thinking(body), body
        else:
            assert plan.clamped and plan.label.endswith("(clamped from off)")
        return
    assert plan.label != "off"
    effort = _find(body, EFFORT_KEYS)
    if isinstance(effort, str):
        assert effort.lower() in options.efforts, (effort, options.efforts)
    budget = _find(body, BUDGET_KEYS)
    if options.style == "budget" and budget is not None:
        assert budget >= max(options.budget_min or 1, 1)
        if options.budget_max is not None:
            assert budget <= options.budget_max
        if protocol is Protocol.ANTHROPIC:
            assert 1024 <= budget < plan.max_tokens
            assert plan.drop_temperature


@pytest.mark.parametrize("shape", list(SHAPES), ids=[str(i) for i in range(len(SHAPES))])
def test_higher_levels_never_think_less(shape):
    model, protocol = SHAPES[shape]
    settings = []
    for level in ON_LEVELS:
        body = map_thinking(model, protocol, level).body_overrides
        budget = _find(body, BUDGET_KEYS)
        effort = _find(body, EFFORT_KEYS)
        if isinstance(budget, int):
            settings.append(budget)
        elif isinstance(effort, str) and effort.lower() in EFFORT_RANK:
            settings.append(EFFORT_RANK[effort.lower()])
    assert settings == sorted(settings)


# --- exact fields for representative models ---------------------------------------------------

CASES = [
    # (provider, model, protocol, level, expected body, expected label)
    (
        "anthropic",
        "claude-sonnet-4-5",
        Protocol.ANTHROPIC,
        "medium",
        {"thinking": {"type": "enabled", "budget_tokens": 8192}},
        "budget 8,192 tokens",
    ),
    ("anthropic", "claude-sonnet-4-5", Protocol.ANTHROPIC, "off", {}, "off"),
    (
        "anthropic",
        "claude-opus-4-7",
        Protocol.ANTHROPIC,
        "high",
        {"thinking": {"type": "adaptive"}, "output_config": {"effort": "high"}},
        "adaptive, effort high",
    ),
    ("openai", "o3", Protocol.OPENAI, "high", {"reasoning_effort": "high"}, "effort high"),
    (
        "openai",
        "o3",
        Protocol.OPENAI,
        "xhigh",
        {"reasoning_effort": "high"},
        "effort high (clamped from xhigh)",
    ),
    (
        "openai",
        "o3",
        Protocol.OPENAI,
        "off",
        {"reasoning_effort": "low"},
        "effort low (clamped from off)",
    ),
    ("openai", "gpt-5.1", Protocol.OPENAI, "off", {"reasoning_effort": "none"}, "off"),
    (
        "openai",
        "gpt-5",
        Protocol.OPENAI,
        "minimal",
        {"reasoning_effort": "minimal"},
        "effort minimal",
    ),
    ("openai", "gpt-4o", Protocol.OPENAI, "high", {}, "n/a"),
    (
        "openrouter",
        "openai/o3",
        Protocol.OPENAI,
        "low",
        {"reasoning": {"effort": "low"}},
        "effort low",
    ),
    (
        "gemini",
        "gemini-2.5-flash",
        Protocol.GEMINI,
        "low",
        {"generationConfig": {"thinkingConfig": {"thinkingBudget": 4096, "includeThoughts": True}}},
        "budget 4,096 tokens",
    ),
    (
        "gemini",
        "gemini-2.5-flash",
        Protocol.GEMINI,
        "xhigh",
        {
            "generationConfig": {
                "thinkingConfig": {"thinkingBudget": 24576, "includeThoughts": True}
            }
        },
        "budget 24,576 tokens (clamped from 32,768)",
    ),
    (
        "gemini",
        "gemini-2.5-flash",
        Protocol.GEMINI,
        "off",
        {"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}},
        "off",
    ),
    (
        "gemini",
        "gemini-2.5-pro",
        Protocol.GEMINI,
        "off",
        {"generationConfig": {"thinkingConfig": {"thinkingBudget": 128, "includeThoughts": True}}},
        "budget 128 tokens (clamped from off)",
    ),
    (
        "gemini",
        "gemini-3-pro-preview",
        Protocol.GEMINI,
        "medium",
        {
            "generationConfig": {
                "thinkingConfig": {"thinkingLevel": "HIGH", "includeThoughts": True}
            }
        },
        "level high (clamped from medium)",
    ),
    ("ollama", "qwen3", Protocol.OLLAMA, "high", {"think": True}, "on"),
    ("ollama", "qwen3:8b", Protocol.OLLAMA, "off", {"think": False}, "off"),
    ("ollama", "gpt-oss:20b", Protocol.OLLAMA, "medium", {"think": "medium"}, "effort medium"),
    ("zai", "glm-4.6", Protocol.OPENAI, "off", {"thinking": {"type": "disabled"}}, "off"),
    ("qwen", "qwen3.5-plus", Protocol.OPENAI, "off", {"enable_thinking": False}, "off"),
    (
        "deepseek",
        "deepseek-v4-pro",
        Protocol.OPENAI,
        "xhigh",
        {"thinking": {"type": "enabled"}, "reasoning_effort": "max"},
        "effort max (clamped from xhigh)",
    ),
    (
        "deepseek",
        "deepseek-v4-pro",
        Protocol.OPENAI,
        "off",
        {"thinking": {"type": "disabled"}},
        "off",
    ),
    ("deepseek", "deepseek-reasoner", Protocol.OPENAI, "high", {}, "always on"),
    ("openai", "not-in-catalog", Protocol.OPENAI, "high", {}, "n/a"),
]


@pytest.mark.parametrize(
    ("provider", "model_id", "protocol", "level", "body", "label"),
    CASES,
    ids=[f"{c[0]}/{c[1]}-{c[3]}" for c in CASES],
)
def test_representative_models_get_exact_fields(provider, model_id, protocol, level, body, label):
    model = load_catalog().model(provider, model_id)
    plan = map_thinking(model, protocol, ThinkingLevel(level), max_tokens=None)
    assert plan.body_overrides == body
    assert plan.label == label


def test_anthropic_budget_raises_max_tokens_and_drops_temperature():
    model = load_catalog().model("anthropic", "claude-sonnet-4-5")
    plan = map_thinking(model, Protocol.ANTHROPIC, ThinkingLevel.HIGH, max_tokens=1000)
    assert plan.body_overrides["thinking"]["budget_tokens"] == 16384
    assert plan.max_tokens > 16384
    assert plan.drop_temperature


def test_anthropic_budget_keeps_a_large_enough_max_tokens():
    model = load_catalog().model("anthropic", "claude-sonnet-4-5")
    plan = map_thinking(model, Protocol.ANTHROPIC, ThinkingLevel.LOW, max_tokens=20000)
    assert plan.max_tokens == 20000
    assert plan.body_overrides["thinking"]["budget_tokens"] == 4096


def test_anthropic_budget_stays_below_the_models_output_limit():
    model = load_catalog().model("anthropic", "claude-3-7-sonnet-20250219")
    small = ModelInfo(
        provider="anthropic",
        id="tiny",
        name="tiny",
        max_output=8192,
        thinking=True,
        thinking_options=ThinkingOptions(style="budget", budget_min=1024),
    )
    for candidate in (model, small):
        plan = map_thinking(candidate, Protocol.ANTHROPIC, ThinkingLevel.XHIGH)
        budget = plan.body_overrides["thinking"]["budget_tokens"]
        assert 1024 <= budget < plan.max_tokens <= candidate.max_output


def test_clamped_plans_explain_why():
    model = load_catalog().model("openai", "o3")
    plan = map_thinking(model, Protocol.OPENAI, ThinkingLevel.XHIGH)
    assert plan.clamped
    assert "low, medium, high" in plan.reason


def test_apply_thinking_writes_into_the_request_without_losing_other_overrides():
    model = load_catalog().model("anthropic", "claude-sonnet-4-5")
    request = ChatRequest(
        model=model.id,
        messages=[Message.user("hi")],
        temperature=0.7,
        thinking=ThinkingLevel.MEDIUM,
        body_overrides={"metadata": {"user_id": "u1"}},
    )
    plan = apply_thinking(request, model, Protocol.ANTHROPIC)
    assert request.body_overrides == {
        "metadata": {"user_id": "u1"},
        "thinking": {"type": "enabled", "budget_tokens": 8192},
    }
    assert request.max_tokens == plan.max_tokens == 8192 + 4096
    assert request.drop_temperature
    request.body_overrides["thinking"]["budget_tokens"] = 1
    assert plan.body_overrides["thinking"]["budget_tokens"] == 8192  # no shared state


def test_the_responses_api_and_azure_get_their_own_fields():
    model = load_catalog().model("openai", "o3")
    responses = map_thinking(model, Protocol.OPENAI_RESPONSES, ThinkingLevel.HIGH)
    assert responses.body_overrides == {"reasoning": {"effort": "high", "summary": "auto"}}
    azure = map_thinking(model, Protocol.AZURE_OPENAI, ThinkingLevel.LOW)
    assert azure.body_overrides == {"reasoning_effort": "low"}


def test_models_without_thinking_explain_why_a_level_is_ignored():
    catalog = load_catalog()
    plain = map_thinking(catalog.model("openai", "gpt-4o"), Protocol.OPENAI, ThinkingLevel.HIGH)
    assert (plain.label, plain.clamped, plain.reason) == (
        "n/a",
        True,
        "openai/gpt-4o does not think",
    )
    unknown = map_thinking(catalog.model("openai", "gpt-99"), Protocol.OPENAI, ThinkingLevel.HIGH)
    assert unknown.body_overrides == {}
    assert "not in the catalog" in unknown.reason
    off = map_thinking(catalog.model("openai", "gpt-4o"), Protocol.OPENAI, ThinkingLevel.OFF)
    assert (off.label, off.clamped, off.reason) == ("n/a", False, None)
