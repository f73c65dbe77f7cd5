"""Live model lists for each family, merged with the catalog (issue 17 items 2 and 3).

A loopback :class:`ReplayServer` plays each provider's model-list answer; the tests check the
request (path, auth header), the merge (catalog facts where the id matches, "not in catalog"
otherwise), the brief cache, the rate-limit headroom and which catalog models a key reaches.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from playground.catalog.catalog import build_catalog
from playground.cli import main
from playground.config.loader import parse_config
from playground.credentials import discovery
from playground.credentials.discovery import key_reach, list_provider_models
from tests.adapters.replay import ReplayServer, Reply

SECRET = "sk-test-discovery-0123456789abcdef"


pytestmark = pytest.mark.usefixtures("fresh_discovery")


def _json(body: object, headers: dict[str, str] | None = None) -> Reply:
    return Reply(json.dumps(body).encode(), content_type="application/json", headers=headers or {})


def _setup(text: str):
    config = parse_config(text, Path("config.toml"))
    return config, build_catalog(config)


def _list(provider: str, text: str, monkeypatch: pytest.MonkeyPatch, env: str | None = None):
    if env:
        monkeypatch.setenv(env, SECRET)
    config, catalog = _setup(text)
    listing = asyncio.run(list_provider_models(catalog.require_provider(provider), config, catalog))
    return listing, catalog


def test_openai_compatible_list_merges_catalog_facts(server, monkeypatch) -> None:
    server.queue(
        _json(
            {
                "object": "list",
                "data": [{"id": "gpt-4o", "object": "model"}, {"id": "ft:gpt-4o:acme"}],
            },
            {"x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-requests": "499"},
        )
    )
    listing, _catalog = _list(
        "openai",
        f'[providers.openai]\nbase_url = "{server.base_url}/v1"\n',
        monkeypatch,
        "OPENAI_API_KEY",
    )
    request = server.requests[0]
    assert (request.method, request.path) == ("GET", "/v1/models")
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert listing.ok and listing.source == "live"
    known, custom = listing.models
    assert known.id == "gpt-4o" and known.known and known.context_window == 128_000
    assert custom.id == "ft:gpt-4o:acme" and not custom.known
    assert listing.not_in_catalog == (custom,)
    limits = listing.result.rate_limits
    assert limits is not None and (limits.requests_remaining, limits.requests_limit) == (499, 500)


def test_anthropic_list_uses_x_api_key_and_the_version_header(server, monkeypatch) -> None:
    server.queue(
        _json(
            {
                "data": [
                    {
                        "type": "model",
                        "id": "claude-sonnet-4-5",
                        "display_name": "Claude Sonnet 4.5",
                    },
                    {"type": "model", "id": "claude-next-preview", "display_name": "Next"},
                ],
                "has_more": False,
            },
            {
                "anthropic-ratelimit-requests-limit": "50",
                "anthropic-ratelimit-requests-remaining": "49",
            },
        )
    )
    listing, _ = _list(
        "anthropic",
        f'[providers.anthropic]\nbase_url = "{server.base_url}"\n',
        monkeypatch,
        "ANTHROPIC_API_KEY",
    )
    request = server.requests[0]
    assert request.path == "/v1/models" and "limit=1000" in request.query
    assert request.headers["x-api-key"] == SECRET and request.headers["anthropic-version"]
    assert [(m.id, m.known) for m in listing.models] == [
        ("claude-sonnet-4-5", True),
        ("claude-next-preview", False),
    ]
    assert listing.models[1].name == "Next"
    assert listing.result.rate_limits.requests_remaining == 49


def test_gemini_models_list_strips_the_prefix_and_skips_embedding_models(
    server, monkeypatch
) -> None:
    server.queue(
        _json(
            {
                "models": [
                    {
                        "name": "models/gemini-2.5-flash",
                        "supportedGenerationMethods": ["generateContent", "countTokens"],
                    },
                    {
                        "name": "models/gemini-exp-9999",
                        "displayName": "Experimental",
                        "inputTokenLimit": 2097152,
                        "outputTokenLimit": 65536,
                        "supportedGenerationMethods": ["generateContent"],
                    },
                    {
                        "name": "models/text-embedding-004",
                        "supportedGenerationMethods": ["embedContent"],
                    },
                ]
            }
        )
    )
    listing, _ = _list(
        "gemini",
        f'[providers.gemini]\nbase_url = "{server.base_url}"\n',
        monkeypatch,
        "GEMINI_API_KEY",
    )
    request = server.requests[0]
    assert request.path == "/v1beta/models" and request.headers["x-goog-api-key"] == SECRET
    flash, exp = listing.models
    assert flash.id == "gemini-2.5-flash" and flash.known
    assert (exp.id, exp.known, exp.name, exp.context_window, exp.max_output) == (
        "gemini-exp-9999",
        False,
        "Experimental",
        2_097_152,
        65_536,
    )


def test_ollama_tags_resolve_tagged_names_to_catalog_facts(server, monkeypatch) -> None:
    server.queue(
        _json(
            {
                "models": [
                    {"name": "deepseek-r1:8b", "model": "deepseek-r1:8b"},
                    {"name": "my-finetune:latest"},
                ]
            }
        )
    )
    listing, _ = _list(
        "ollama", f'[providers.ollama]\nbase_url = "{server.base_url}"\n', monkeypatch
    )
    assert server.requests[0].path == "/api/tags"
    assert "authorization" not in server.requests[0].headers
    tagged, own = listing.models
    assert tagged.id == "deepseek-r1:8b" and tagged.known and tagged.thinking
    assert own.id == "my-finetune:latest" and not own.known


@pytest.mark.parametrize("local", ["vllm", "llamacpp", "lmstudio", "litellm"])
def test_local_openai_compatible_servers_list_their_models(server, monkeypatch, local) -> None:
    server.queue(
        _json({"object": "list", "data": [{"id": "Qwen/Qwen3-8B", "max_model_len": 32768}]})
    )
    listing, _ = _list(
        local, f'[providers.{local}]\nbase_url = "{server.base_url}/v1"\n', monkeypatch
    )
    assert server.requests[0].path == "/v1/models"
    (model,) = listing.models
    assert model.spec == f"{local}/Qwen/Qwen3-8B" and model.context_window == 32768


def test_a_second_listing_within_the_ttl_comes_from_the_cache(server, monkeypatch) -> None:
    server.queue(_json({"data": [{"id": "m1"}]}))
    text = f'[providers.vllm]\nbase_url = "{server.base_url}/v1"\n'
    first, _ = _list("vllm", text, monkeypatch)
    second, _ = _list("vllm", text, monkeypatch)
    assert (first.source, second.source) == ("live", "cache")
    assert len(server.requests) == 1 and second.models == first.models


def test_failures_are_results_with_a_scrubbed_message(server, monkeypatch) -> None:
    server.queue(
        Reply(
            json.dumps({"error": {"message": f"Incorrect API key provided: {SECRET}"}}).encode(),
            status=401,
            content_type="application/json",
        )
    )
    listing, _ = _list(
        "openai",
        f'[providers.openai]\nbase_url = "{server.base_url}/v1"\n',
        monkeypatch,
        "OPENAI_API_KEY",
    )
    assert not listing.ok and listing.models == ()
    assert listing.result.status == "unauthorized"
    assert SECRET not in listing.result.message and "Incorrect API key" in listing.result.message


def test_an_answer_that_is_not_a_model_list_is_an_error(server, monkeypatch) -> None:
    server.queue(_json({"hello": "world"}))
    listing, _ = _list(
        "vllm", f'[providers.vllm]\nbase_url = "{server.base_url}/v1"\n', monkeypatch
    )
    assert not listing.ok and listing.result.status == "error"
    assert "not a model list" in listing.result.message


def test_key_reach_names_the_catalog_models_a_key_cannot_reach() -> None:
    _config, catalog = _setup("")
    ids = [m.id for m in catalog.models("anthropic")]
    reach = key_reach(catalog, "anthropic", [*ids[1:], "claude-unlisted"])
    assert reach.unreachable == (ids[0],)
    assert len(reach.reachable) == len(ids) - 1
    assert reach.summary().startswith(
        f"{len(ids) - 1} of {len(ids)} catalog models reachable; not: "
    )


# --- the CLI -------------------------------------------------------------------------------


def _models(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["models", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_models_live_json_marks_models_not_in_catalog(server, tmp_path, capsys) -> None:
    server.queue(_json({"data": [{"id": "gpt-4o"}, {"id": "house-model"}]}))
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.litellm]\nbase_url = "{server.base_url}/v1"\n')
    code, out, err = _models(
        capsys, "--config", str(config), "--provider", "litellm", "--live", "--json"
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["id"], r["source"], r["known"]) for r in rows] == [
        ("gpt-4o", "live", False),
        ("house-model", "live", False),
    ]
    server.queue(_json({"data": [{"id": "house-model"}]}))
    code, out, _ = _models(capsys, "--config", str(config), "--provider", "litellm", "--live")
    assert "house-model" in out and "not in catalog" in out


def test_models_live_for_an_unreachable_server_is_one_line_and_exit_1(tmp_path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[providers.vllm]\nbase_url = "http://127.0.0.1:9/v1"\n')
    code, out, err = _models(capsys, "--config", str(config), "--provider", "vllm", "--live")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "vllm: not running" in err and "vllm serve" in err


def test_models_json_lists_every_builtin_provider_with_its_source(server, tmp_path, capsys) -> None:
    from playground.catalog.providers import PROVIDERS

    server.queue(_json({"data": [{"id": "Qwen/Qwen3-8B"}]}))
    config = tmp_path / "config.toml"
    # The other local servers point at a closed port: the test never reaches a real server.
    closed = "".join(
        f'[providers.{slug}]\nbase_url = "http://127.0.0.1:9"\n'
        for slug in ("ollama", "lmstudio", "llamacpp", "litellm")
    )
    config.write_text(f'[providers.vllm]\nbase_url = "{server.base_url}/v1"\n{closed}')
    code, out, err = _models(capsys, "--config", str(config), "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert {p.slug for p in PROVIDERS} <= {r["provider"] for r in rows}
    assert {r["source"] for r in rows} == {"catalog"}
    assert next(r for r in rows if r["provider"] == "vllm")["id"] is None
    assert server.requests == []  # nothing is fetched unless asked

    code, out, err = _models(capsys, "--config", str(config), "--live", "--json")
    assert code == 0, err
    rows = json.loads(out)
    vllm = [r for r in rows if r["provider"] == "vllm"]
    assert [(r["id"], r["source"]) for r in vllm] == [("Qwen/Qwen3-8B", "live")]
    assert {p.slug for p in PROVIDERS} <= {r["provider"] for r in rows}
    assert [r.path for r in server.requests] == ["/v1/models"]  # only local servers are asked


def test_doctor_live_shows_headroom_and_which_catalog_models_the_key_reaches(
    server, tmp_path, capsys, monkeypatch
) -> None:
    _config, catalog = _setup("")
    ids = [m.id for m in catalog.models("groq")]
    headers = {
        "x-ratelimit-limit-requests": "14400",
        "x-ratelimit-remaining-requests": "14399",
        "x-ratelimit-reset-requests": "6s",
        "x-ratelimit-limit-tokens": "6000",
        "x-ratelimit-remaining-tokens": "5990",
        "x-ratelimit-reset-tokens": "100ms",
    }
    listed = {"data": [{"id": i} for i in ids[1:]] + [{"id": "org-only-model"}]}
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.groq]\nbase_url = "{server.base_url}/openai/v1"\n')
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "k" * 52)

    server.queue(_json(listed, headers))
    code = main(["doctor", "--config", str(config), "--provider", "groq", "--live", "--json"])
    (row,) = json.loads(capsys.readouterr().out)
    assert code == 0
    live = row["live"]
    assert live["status"] == "ok"
    assert live["rate_limits"] == {
        "requests_limit": 14400,
        "requests_remaining": 14399,
        "requests_reset_s": 6.0,
        "tokens_limit": 6000,
        "tokens_remaining": 5990,
        "tokens_reset_s": 0.1,
        "retry_after_s": None,
    }
    assert live["models"]["listed"] == len(ids)
    assert live["models"]["catalog_unreachable"] == [ids[0]]
    assert len(live["models"]["catalog_reachable"]) == len(ids) - 1

    server.queue(_json(listed, headers))
    code = main(["doctor", "--config", str(config), "--provider", "groq", "--live"])
    out = " ".join(capsys.readouterr().out.split())  # the table wraps long detail lines
    assert "headroom: requests 14,399/14,400 (reset 6 s) · tokens 5,990/6,000 (reset 100 ms)" in out
    assert f"models: {len(ids) - 1} of {len(ids)} catalog models reachable; not: {ids[0]}" in out


def test_a_list_redirected_to_another_origin_is_not_followed(server, monkeypatch) -> None:
    with ReplayServer() as other:
        server.queue(Reply(b"", status=307, headers={"location": f"{other.base_url}/v1/models"}))
        listing, _ = _list(
            "anthropic",
            f'[providers.anthropic]\nbase_url = "{server.base_url}"\n',
            monkeypatch,
            "ANTHROPIC_API_KEY",
        )
        assert other.requests == []
    assert not listing.ok and listing.models == ()
    assert "307 → http://127.0.0.1:" in listing.result.message
    assert "credentials are not sent to another host" in listing.result.message


def test_a_gzip_bomb_model_list_is_capped_by_decoded_size(server, monkeypatch) -> None:
    import gzip

    from playground.credentials.live import LIVE_BODY_LIMIT

    bomb = gzip.compress(b'{"data": [' + b" " * (LIVE_BODY_LIMIT + 1024) + b"]}")
    assert len(bomb) < 100_000
    server.queue(Reply(bomb, content_type="application/json", headers={"content-encoding": "gzip"}))
    listing, _ = _list(
        "vllm", f'[providers.vllm]\nbase_url = "{server.base_url}/v1"\n', monkeypatch
    )
    assert not listing.ok and "larger than 16 MiB" in listing.result.message


def test_a_local_servers_list_is_reused_by_the_next_process_from_disk(server, monkeypatch) -> None:
    server.queue(_json({"data": [{"id": "Qwen/Qwen3-8B", "max_model_len": 32768}]}))
    text = f'[providers.vllm]\nbase_url = "{server.base_url}/v1"\n'
    first, _ = _list("vllm", text, monkeypatch)
    discovery.clear_cache()  # a new process: only the disk cache is left
    second, _ = _list("vllm", text, monkeypatch)
    assert (first.source, second.source) == ("live", "cache")
    assert len(server.requests) == 1
    assert second.models == first.models and second.ok
    assert discovery.disk_cache_path().is_file()


def test_keyed_lists_are_never_written_to_disk(server, monkeypatch) -> None:
    server.queue(_json({"data": [{"id": "gpt-4o"}]}), _json({"data": [{"id": "gpt-4o"}]}))
    text = f'[providers.openai]\nbase_url = "{server.base_url}/v1"\n'
    _list("openai", text, monkeypatch, "OPENAI_API_KEY")
    discovery.clear_cache()
    again, _ = _list("openai", text, monkeypatch, "OPENAI_API_KEY")
    assert again.source == "live" and len(server.requests) == 2
    assert not discovery.disk_cache_path().exists()


def test_models_live_json_says_cache_for_a_reused_list(server, tmp_path, capsys) -> None:
    server.queue(_json({"data": [{"id": "m1"}]}))
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.llamacpp]\nbase_url = "{server.base_url}/v1"\n')
    args = ["--config", str(config), "--provider", "llamacpp", "--live", "--json"]
    _code, out, _ = _models(capsys, *args)
    discovery.clear_cache()
    _code, again, _ = _models(capsys, *args)
    assert [r["source"] for r in json.loads(out)] == ["live"]
    assert [r["source"] for r in json.loads(again)] == ["cache"]


def test_a_server_listing_the_key_as_a_model_never_prints_it(
    server, tmp_path, capsys, monkeypatch
) -> None:
    from playground.secret import mask

    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.openai]\nbase_url = "{server.base_url}/v1"\n')
    echo = {"data": [{"id": SECRET}, {"id": f"ft:{SECRET}", "name": f"tuned with {SECRET}"}]}
    for args in (["--live"], ["--live", "--json"]):
        discovery.clear_cache()
        server.queue(_json(echo))
        code, out, err = _models(capsys, "--config", str(config), "--provider", "openai", *args)
        assert code == 0, err
        assert SECRET not in out + err and mask(SECRET) in out
    server.queue(_json(echo))
    main(["doctor", "--config", str(config), "--provider", "openai", "--live", "--json"])
    assert SECRET not in capsys.readouterr().out
