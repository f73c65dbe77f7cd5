"""Live model lists of ad-hoc ``custom:URL`` / ``anthropic-custom:URL`` endpoints (issue 17
item 2): asked at the spec's own URL, with or without a key, named ``custom:URL#model`` so
they can be picked, marked "not in catalog", cached briefly; an unreachable URL is one line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from playground.catalog.catalog import build_catalog
from playground.cli import main
from playground.config.loader import parse_config
from playground.credentials.discovery import list_provider_models, listed_spec
from tests.adapters.replay import Reply

SECRET = "sk-test-ad-hoc-0123456789abcdef"


pytestmark = pytest.mark.usefixtures("fresh_discovery")


def _models_reply(*ids: str) -> Reply:
    body = json.dumps({"data": [{"id": i} for i in ids]}).encode()
    return Reply(body, content_type="application/json")


def _listing(spec: str, config_text: str = ""):
    config = parse_config(config_text, Path("config.toml"))
    catalog = build_catalog(config)
    provider = catalog.parse_spec(spec).provider
    return provider, asyncio.run(list_provider_models(provider, config, catalog))


def test_a_keyless_custom_url_lists_its_models_named_as_custom_specs(server) -> None:
    server.queue(_models_reply("llama-3.1-8b", "qwen3:4b"))
    provider, listing = _listing(f"custom:{server.base_url}/v1#anything")
    assert listing.ok and listing.source == "live"
    assert [m.known for m in listing.models] == [False, False]
    specs = [listed_spec(provider, m.id) for m in listing.models]
    assert specs == [
        f"custom:{server.base_url}/v1#llama-3.1-8b",
        f"custom:{server.base_url}/v1#qwen3:4b",
    ]
    request = server.requests[0]
    assert request.path == "/v1/models" and "authorization" not in request.headers


def test_the_specs_url_wins_over_providers_custom_base_url_and_its_key_is_sent(server) -> None:
    server.queue(_models_reply("house-model"))
    config = (
        '[providers.custom]\nprotocol = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n'
        f'api_key = "{SECRET}"\n'
    )
    _, listing = _listing(f"custom:{server.base_url}/v1", config)
    assert [m.id for m in listing.models] == ["house-model"]
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET}"


def test_anthropic_custom_asks_the_anthropic_list_path(server) -> None:
    server.queue(_models_reply("claude-house"))
    provider, listing = _listing(f"anthropic-custom:{server.base_url}#x")
    assert listed_spec(provider, listing.models[0].id) == (
        f"anthropic-custom:{server.base_url}#claude-house"
    )
    assert server.requests[0].path == "/v1/models"


def test_a_second_listing_of_the_same_url_comes_from_the_cache(server) -> None:
    server.queue(_models_reply("one"))
    _listing(f"custom:{server.base_url}/v1")
    _, again = _listing(f"custom:{server.base_url}/v1#other")
    assert again.source == "cache" and [m.id for m in again.models] == ["one"]
    assert len(server.requests) == 1


def test_builtin_providers_keep_provider_slash_model_specs() -> None:
    catalog = build_catalog(parse_config("", Path("config.toml")))
    assert listed_spec(catalog.require_provider("vllm"), "Qwen/Qwen3-8B") == "vllm/Qwen/Qwen3-8B"


# --- the CLI --------------------------------------------------------------------------------


def test_models_live_accepts_a_custom_url_as_the_provider(server, capsys) -> None:
    server.queue(_models_reply("llama-3.1-8b"))
    base = f"{server.base_url}/v1"
    assert main(["models", "--provider", f"custom:{base}", "--live", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["spec"] == f"custom:{base}#llama-3.1-8b"
    assert (row["provider"], row["source"], row["known"]) == ("custom", "live", False)
    # Keyless: the next process reuses the list from the disk cache for a minute.
    assert main(["models", "--provider", f"custom:{base}", "--live"]) == 0
    out = capsys.readouterr().out
    assert "llama-3.1-8b" in out and "not in catalog" in out
    assert f"custom:{base}: 1 models from the server (cache, 1 not in catalog)" in out
    assert len(server.requests) == 1


def test_models_live_for_an_unreachable_custom_url_is_one_line_and_exit_1(capsys) -> None:
    code = main(["models", "--provider", "custom:http://127.0.0.1:9/v1", "--live"])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("playground models: custom:http://127.0.0.1:9/v1: not running")


def test_models_provider_custom_without_a_url_is_a_usage_error(capsys) -> None:
    assert main(["models", "--provider", "custom:nowhere", "--live"]) == 2
    assert "needs an http(s) URL" in capsys.readouterr().err
