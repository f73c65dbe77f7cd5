"""Resolving what the user typed into a fallback chain of candidates and endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.config.loader import parse_config
from playground.config.schema import RouteConfig
from playground.credentials.types import ResolvedKey
from playground.endpoint import AuthKind, Protocol
from playground.frameworks import FrameworkOverlay
from playground.resolve import BUILTIN_ROUTES, DEMO_FALLBACK_ROUTE, ResolveError, default_resolver
from playground.secret import Secret

KEY_A = "sk-proj-" + "a" * 40 + "AAAA"
KEY_B = "sk-proj-" + "b" * 40 + "BBBB"


def resolver(text: str = "", env: dict[str, str] | None = None, overlay=None, cwd=None):
    config = parse_config(text, Path("config.toml"))
    return default_resolver(config, env=env or {}, cwd=cwd, overlay=overlay)


def test_every_key_of_a_provider_becomes_an_endpoint_for_rotation(tmp_path) -> None:
    r = resolver(f'[providers.openai]\napi_keys = ["{KEY_A}", "{KEY_B}"]\n', cwd=tmp_path)
    target = r.resolve("openai/gpt-4o-mini")
    (candidate,) = target.chain
    assert candidate.label == "openai/gpt-4o-mini"
    assert [e.api_key.reveal() for e in candidate.endpoints] == [KEY_A, KEY_B]
    assert all(e.base_url == "https://api.openai.com/v1" for e in candidate.endpoints)
    assert all(e.key_source for e in candidate.endpoints)
    assert target.primary_model.id == "gpt-4o-mini" and target.primary_model.known


def test_environment_key_and_its_source_label(tmp_path) -> None:
    r = resolver(env={"OPENAI_API_KEY": KEY_A}, cwd=tmp_path)
    (endpoint,) = r.resolve("openai/gpt-4o").chain[0].endpoints
    assert endpoint.api_key == Secret(KEY_A)
    assert "OPENAI_API_KEY" in endpoint.key_source
    assert KEY_A not in repr(endpoint)


def test_missing_key_is_a_clear_resolve_error(tmp_path) -> None:
    with pytest.raises(ResolveError) as info:
        resolver(cwd=tmp_path).resolve("openai/gpt-4o")
    message = str(info.value)
    assert message.startswith("no key for openai")
    assert "OPENAI_API_KEY" in message and "playground keys set openai" in message


@pytest.mark.parametrize("spec", ["nosuch/model", "justaword", "openai/", ""])
def test_bad_specs_are_resolve_errors(spec: str, tmp_path) -> None:
    with pytest.raises(ResolveError):
        resolver(cwd=tmp_path).resolve(spec)


def test_config_base_url_headers_and_model_and_provider_fallbacks(tmp_path) -> None:
    text = f"""
[providers.openai]
api_key = "{KEY_A}"
base_url = "http://127.0.0.1:9/v1"
headers = {{ "X-Team" = "blue" }}
fallbacks = ["groq/llama-3.3-70b-versatile"]

[providers.openai.models."gpt-4o"]
fallbacks = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"]
"""
    r = resolver(text, env={"GROQ_API_KEY": "gsk_" + "g" * 52}, cwd=tmp_path)
    target = r.resolve("openai/gpt-4o")
    assert [c.label for c in target.chain] == [
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "groq/llama-3.3-70b-versatile",
    ]
    assert target.notes and "anthropic/claude-sonnet-4-5" in target.notes[0]
    first = target.chain[0].endpoints[0]
    assert first.base_url == "http://127.0.0.1:9/v1"
    assert dict(first.headers) == {"X-Team": "blue"}
    assert target.chain[2].endpoints[0].protocol is Protocol.OPENAI
    assert len(target.models) == 3


def test_config_route_is_a_chain_selectable_like_a_model(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLAYGROUND_SIM_URL", "http://127.0.0.1:5555")
    r = resolver('[routes.fast]\nmodels = ["sim/echo", "sim-ollama/lorem"]\n', cwd=tmp_path)
    target = r.resolve("fast")
    assert target.is_route and target.label == "fast"
    assert [c.label for c in target.chain] == ["sim/echo", "sim-ollama/lorem"]
    assert [e.base_url for c in target.chain for e in c.endpoints] == [
        "http://127.0.0.1:5555/openai/v1",
        "http://127.0.0.1:5555/ollama",
    ]
    assert all(
        e.auth_kind is AuthKind.NONE and e.api_key is None
        for c in target.chain
        for e in c.endpoints
    )


def test_the_builtin_demo_route_retries_then_falls_back_to_a_healthy_model(monkeypatch) -> None:
    monkeypatch.setenv("PLAYGROUND_SIM_URL", "http://127.0.0.1:5555")
    target = resolver().resolve(DEMO_FALLBACK_ROUTE)
    labels = [c.label for c in target.chain]
    assert labels == list(BUILTIN_ROUTES[DEMO_FALLBACK_ROUTE])
    assert "fail=429" in labels[0] and "fail=503" in labels[1] and "fail" not in labels[2]


def test_framework_overlay_adds_agent_routes_and_keys(tmp_path) -> None:
    overlay = FrameworkOverlay(
        routes={"researcher": RouteConfig(models=["openai/gpt-4o", "anthropic/claude-sonnet-4-5"])},
        keys={
            "openai": [ResolvedKey(Secret(KEY_B), "actionllama credentials", AuthKind.API_KEY)],
            "anthropic": [
                ResolvedKey(
                    Secret("sk-ant-api03-" + "z" * 80 + "AA"), "agent env", AuthKind.API_KEY
                )
            ],
        },
    )
    r = resolver(cwd=tmp_path, overlay=overlay)
    target = r.resolve("researcher")
    assert [c.label for c in target.chain] == ["openai/gpt-4o", "anthropic/claude-sonnet-4-5"]
    assert target.chain[0].endpoints[0].api_key == Secret(KEY_B)
    assert target.chain[0].endpoints[0].key_source == "actionllama credentials"
    assert "researcher" in r.routes()


def test_custom_url_spec_keeps_its_url_in_the_label(tmp_path) -> None:
    target = resolver(cwd=tmp_path).resolve("custom:http://127.0.0.1:8080/v1#local-model")
    (candidate,) = target.chain
    assert candidate.label == "custom:http://127.0.0.1:8080/v1#local-model"
    assert candidate.endpoints[0].base_url == "http://127.0.0.1:8080/v1"
    assert candidate.endpoints[0].model == "local-model"


def test_framework_route_keys_pick_each_hops_own_key(tmp_path) -> None:
    key_one = [ResolvedKey(Secret(KEY_A), "picoclaw model_list[0]", AuthKind.API_KEY)]
    key_two = [ResolvedKey(Secret(KEY_B), "picoclaw model_list[1]", AuthKind.API_KEY)]
    overlay = FrameworkOverlay(
        routes={"bot": RouteConfig(models=["openai/gpt-4o", "openai/gpt-4o-mini"])},
        keys={"openai": key_one + key_two},
        route_keys={"bot": [key_one, key_two]},
    )
    target = resolver(cwd=tmp_path, overlay=overlay).resolve("bot")
    assert [[e.api_key.reveal() for e in c.endpoints] for c in target.chain] == [[KEY_A], [KEY_B]]
    assert target.chain[1].endpoints[0].key_source == "picoclaw model_list[1]"


def test_a_provider_table_named_by_an_alias_applies_to_the_provider(tmp_path) -> None:
    r = resolver(
        '[providers.google]\nbase_url = "http://127.0.0.1:9/gemini"\nheaders = {x-team = "a"}\n',
        env={"GEMINI_API_KEY": "AIza" + "x" * 35},
        cwd=tmp_path,
    )
    (endpoint,) = r.resolve("gemini/gemini-2.5-flash").chain[0].endpoints
    assert endpoint.base_url == "http://127.0.0.1:9/gemini"
    assert endpoint.headers == {"x-team": "a"}


def test_resolved_targets_are_cached_until_invalidated(tmp_path) -> None:
    env = {"OPENAI_API_KEY": KEY_A}
    r = resolver(env=env, cwd=tmp_path)
    first = r.resolve("openai/gpt-4o")
    env["OPENAI_API_KEY"] = KEY_B  # e.g. a key changed in the app's credential panel
    assert r.resolve("openai/gpt-4o") is first
    r.invalidate()
    (endpoint,) = r.resolve("openai/gpt-4o").chain[0].endpoints
    assert endpoint.api_key == Secret(KEY_B)
