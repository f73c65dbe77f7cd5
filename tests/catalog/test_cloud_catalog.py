"""Bedrock and Vertex AI models in the packaged catalog, and their thinking on the wire."""

from __future__ import annotations

import json

import pytest

from playground.catalog import load_catalog
from playground.catalog.models_dev import served_by, thinking_options
from playground.catalog.thinking import map_thinking
from playground.cli import main
from playground.endpoint import Protocol
from playground.request import ThinkingLevel


def listed(capsys, provider: str) -> dict[str, dict]:
    assert main(["models", "--provider", provider, "--json"]) == 0
    return {m["id"]: m for m in json.loads(capsys.readouterr().out)}


@pytest.mark.parametrize(
    ("provider", "model", "prices"),
    [
        ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", (3.0, 15.0)),
        ("bedrock", "amazon.nova-pro-v1:0", (0.8, 3.2)),
        ("vertex", "gemini-2.5-flash", (0.3, 2.5)),
        ("vertex-anthropic", "claude-sonnet-4-5@20250929", (3.0, 15.0)),
    ],
)
def test_real_cloud_model_ids_are_listed_with_flags_and_prices(
    capsys, provider: str, model: str, prices: tuple[float, float]
) -> None:
    row = listed(capsys, provider)[model]
    assert row["tools"] is True
    assert (row["prices"]["input"], row["prices"]["output"]) == prices


def test_vertex_lists_only_the_gemini_publisher(capsys) -> None:
    ids = listed(capsys, "vertex")
    assert ids and all(i.startswith("gemini-") for i in ids)
    assert not any(i.endswith("-tts") for i in ids)
    assert served_by("vertex", "gemini-2.5-pro") and not served_by("vertex", "claude-opus-4@1")


def test_claude_on_vertex_and_gemini_on_vertex_map_thinking_like_their_publishers() -> None:
    catalog = load_catalog()
    claude = catalog.model("vertex-anthropic", "claude-sonnet-4-5@20250929")
    plan = map_thinking(claude, Protocol.VERTEX_ANTHROPIC, ThinkingLevel.MEDIUM, 4096)
    assert plan.body_overrides == {"thinking": {"type": "enabled", "budget_tokens": 8192}}
    assert plan.max_tokens > 8192 and plan.drop_temperature
    gemini = catalog.model("vertex", "gemini-2.5-flash")
    plan = map_thinking(gemini, Protocol.VERTEX, ThinkingLevel.OFF)
    assert plan.body_overrides == {"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}}


def test_only_claude_thinking_is_sent_over_bedrock_converse() -> None:
    nova = {"reasoning": True, "reasoning_options": [{"type": "effort", "values": ["low"]}]}
    assert thinking_options("bedrock", "amazon.nova-2-lite-v1:0", nova) == 0
    claude = {"reasoning": True, "reasoning_options": [{"type": "budget_tokens", "min": 1024}]}
    style = thinking_options("bedrock", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", claude)
    assert style[0] == "budget"


@pytest.mark.parametrize("provider", ["bedrock", "vertex", "vertex-anthropic"])
def test_live_model_lists_of_clouds_point_at_the_catalog_without_a_request(
    capsys, monkeypatch, provider: str
) -> None:
    """Their list calls live on other APIs; before, a templated host was asked for /models."""
    monkeypatch.setenv("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29." + "x" * 30)
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSK" + "x" * 30)
    assert main(["models", "--provider", provider, "--live"]) == 1
    err = capsys.readouterr().err
    assert "models are not listed live; the catalog lists them" in err
    assert "{" not in err  # no templated host named
