"""Reading is side-effect free and leak-free; the overlay hands the app routes and keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.config.schema import ProviderConfig, RouteConfig
from playground.credentials.types import ResolvedKey
from playground.endpoint import AuthKind, Protocol
from playground.frameworks import framework_overlay, load_framework
from tests.frameworks import samples as s


def _all_setups(tmp_path: Path, home: Path) -> list[Path]:
    return [
        s.actionllama_era_c(tmp_path / "al", home),
        s.actionllama_era_a(tmp_path / "ala"),
        s.actionllama_era_b(tmp_path / "alb"),
        s.djinnbot_install(tmp_path / "dj"),
        s.arawn_classic(tmp_path / "ar", home),
        s.arawn_rewrite(tmp_path / "arw"),
        s.picoclaw_v3(tmp_path / "pc3", home),
        s.picoclaw_v0(tmp_path / "pc0"),
        s.picoclaw_v1(tmp_path / "pc1"),
        s.zeroclaw_v1(tmp_path / "zc1"),
        s.zeroclaw_v2(tmp_path / "zc2"),
        s.zeroclaw_v3(tmp_path / "zc3"),
    ]


def test_no_full_key_in_any_repr_str_or_json(tmp_path: Path, home: Path):
    secrets = (*s.ALL_KEYS, s.ZHIPU_KEY)
    for path in _all_setups(tmp_path, home):
        report = load_framework(path)
        overlay = framework_overlay(report)
        texts = [
            repr(report),
            str(report),
            json.dumps(report.to_dict()),
            repr(overlay),
            *(str(w) for w in report.warnings),
            *report.errors,
        ]
        for text in texts:
            for secret in secrets:
                assert secret not in text, f"{path}: a full key leaked"
                assert secret[8:40] not in text, f"{path}: part of a key leaked"


def test_reading_never_writes_to_the_framework_files(tmp_path: Path, home: Path):
    setups = _all_setups(tmp_path, home)
    before = s.snapshot(tmp_path) | s.snapshot(home)

    for path in setups:
        load_framework(path)

    assert s.snapshot(tmp_path) | s.snapshot(home) == before


def test_old_picoclaw_file_is_not_migrated_on_disk(tmp_path: Path):
    path = s.picoclaw_v0(tmp_path / "pc")
    original = path.read_bytes()

    load_framework(path)

    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.json"]  # no .bak files


def test_overlay_routes_one_chain_per_agent(tmp_path: Path, home: Path):
    report = load_framework(s.picoclaw_v3(tmp_path / "pc", home))

    overlay = framework_overlay(report)

    assert overlay.routes == {
        "main": RouteConfig(models=["openai/gpt-5.4", "anthropic/claude-sonnet-4.6"]),
        "support": RouteConfig(models=["zhipu/glm-4.7", "anthropic/claude-sonnet-4.6"]),
        "sales": RouteConfig(models=["anthropic/claude-sonnet-4.6", "openai/gpt-5.4"]),
    }


def test_overlay_keys_carry_labels_and_locked_keys_are_listed_apart(tmp_path, home):
    overlay = framework_overlay(load_framework(s.picoclaw_v3(tmp_path / "pc", home)))

    assert [k.source for k in overlay.keys["openai"]] == [
        "picoclaw config.json model_list[gpt-5.4].api_keys[0]",
        "picoclaw config.json model_list[gpt-5.4].api_keys[1] (file://openai.key)",
    ]
    assert all(isinstance(k, ResolvedKey) for k in overlay.keys["openai"])
    assert "anthropic" not in overlay.keys
    assert [k.provider for k in overlay.locked] == ["anthropic"]


def test_overlay_adds_custom_base_url_providers_without_keys(tmp_path: Path):
    overlay = framework_overlay(load_framework(s.zeroclaw_v2(tmp_path / "zc")))

    assert overlay.providers == {
        "custom:https://api.example.com/v1": ProviderConfig(
            protocol=Protocol.OPENAI, base_url="https://api.example.com/v1"
        )
    }
    (key,) = overlay.keys["custom:https://api.example.com/v1"]
    assert key.secret.reveal() == s.OPENAI_KEY
    assert key.auth_kind is AuthKind.API_KEY


def test_overlay_keyless_local_custom_provider_has_auth_none(tmp_path: Path):
    overlay = framework_overlay(load_framework(s.zeroclaw_v3(tmp_path / "zc")))

    provider = overlay.providers["custom:http://host.docker.internal:11434/v1"]
    assert provider.auth is AuthKind.NONE


@pytest.mark.parametrize("framework", ["actionllama", "zeroclaw", "picoclaw"])
def test_overlay_specs_parse_in_the_catalog(tmp_path, home, framework):
    from playground.catalog import load_catalog

    builders = {
        "actionllama": lambda: s.actionllama_era_c(tmp_path / "al", home),
        "zeroclaw": lambda: s.zeroclaw_v1(tmp_path / "zc"),
        "picoclaw": lambda: s.picoclaw_v3(tmp_path / "pc", home),
    }
    overlay = framework_overlay(load_framework(builders[framework]()))
    catalog = load_catalog()

    for route in overlay.routes.values():
        for spec in route.models:
            catalog.parse_spec(spec)  # raises CatalogError if a spec were malformed


def test_route_keys_keep_each_hops_own_key_when_one_server_serves_both(tmp_path: Path):
    base = "http://127.0.0.1:9/v1"
    config = {
        "version": 3,
        "agents": {"defaults": {"model_name": "bad", "model_fallbacks": ["good"]}},
        "model_list": [
            {
                "model_name": "good",
                "model": "openai/m",
                "api_base": base,
                "api_keys": [s.OPENAI_KEY],
            },
            {"model_name": "bad", "model": "openai/m", "api_base": base, "api_keys": [s.GROQ_KEY]},
        ],
    }
    report = load_framework(s.write(tmp_path / "config.json", json.dumps(config)))

    overlay = framework_overlay(report)

    assert overlay.routes["main"].models == [f"custom:{base}#m", f"custom:{base}#m"]
    hops = overlay.route_keys["main"]
    assert [[k.secret.reveal() for k in hop] for hop in hops] == [[s.GROQ_KEY], [s.OPENAI_KEY]]
