"""The packaged catalog file: generated from models.dev, up to date, licensed, small."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "playground" / "catalog"
SCRIPT = ROOT / "scripts" / "gen_catalog.py"


def load_script():
    spec = importlib.util.spec_from_file_location("gen_catalog", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_packaged_file_is_small_and_keeps_the_licence():
    data = (PACKAGE / "models.json").read_bytes()
    assert len(data) < 300_000
    assert "\n" not in data.decode().rstrip("\n")  # minified
    assert "MIT License" in (PACKAGE / "models.dev.LICENSE").read_text()
    assert json.loads(data)["v"] == 1


def test_the_packaged_file_matches_the_snapshot():
    gen = load_script()
    if not (gen.DEFAULT_SOURCE / "providers").is_dir():
        pytest.skip("models.dev snapshot not available")
    assert gen.main(["--check"]) == 0


def test_only_listed_providers_are_packaged():
    gen = load_script()
    packaged = json.loads((PACKAGE / "models.json").read_text())["providers"]
    assert set(packaged) == set(gen.PROVIDER_MAP.values())


@pytest.mark.parametrize(
    ("slug", "data", "expected"),
    [
        ("openai", {"reasoning": False}, 0),
        ("deepseek", {"reasoning": True}, ["always", [], None, None, True, False]),
        (
            "anthropic",
            {"reasoning_options": [{"type": "budget_tokens", "min": 1024}]},
            ["budget", [], 1024, None, False, True],
        ),
        (
            "anthropic",
            {
                "reasoning_options": [
                    {"type": "budget_tokens", "min": 1024},
                    {"type": "effort", "values": ["low", "medium", "high", "max"]},
                ]
            },
            ["adaptive", ["low", "medium", "high", "max"], None, None, False, True],
        ),
        (
            "gemini",
            {"reasoning_options": [{"type": "budget_tokens", "min": 128, "max": 32768}]},
            ["budget", [], 128, 32768, True, False],
        ),
        (
            "gemini",
            {"reasoning_options": [{"type": "effort", "values": ["low", "high"]}]},
            ["level", ["low", "high"], None, None, True, False],
        ),
        (
            "openai",
            {"reasoning_options": [{"type": "effort", "values": ["high", "none", "low"]}]},
            ["effort", ["none", "low", "high"], None, None, True, True],
        ),
        (
            "deepseek",
            {
                "reasoning_options": [
                    {"type": "effort", "values": ["high", "max"]},
                    {"type": "toggle"},
                ]
            },
            ["effort", ["high", "max"], None, None, True, True],
        ),
        (
            "zai",
            {"reasoning_options": [{"type": "toggle"}]},
            ["toggle", [], None, None, True, True],
        ),
        (
            "cerebras",
            {"reasoning_options": [{"type": "effort", "values": ["none"]}]},
            ["toggle", [], None, None, True, True],
        ),
    ],
)
def test_thinking_rules(slug, data, expected):
    assert load_script().thinking_options(slug, "m", data) == expected


def test_base_model_inheritance_and_omissions(tmp_path):
    gen = load_script()
    base_dir = tmp_path / "providers" / "vendor" / "models"
    base_dir.mkdir(parents=True)
    (base_dir / "m1.toml").write_text(
        'name = "M1"\ntool_call = true\n[limit]\ncontext = 1000\noutput = 100\ninput = 900\n'
    )
    child = {"base_model": "vendor/m1", "base_model_omit": ["limit.input"], "limit": {"output": 50}}
    merged = gen.resolve(tmp_path, child, {})
    assert merged["name"] == "M1"
    assert merged["limit"] == {"context": 1000, "output": 50}
