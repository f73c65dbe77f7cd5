"""Catalog lookups, model specs and the user's config overlay."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.catalog import CatalogError, load_catalog
from playground.catalog.catalog import build_catalog
from playground.config.loader import parse_config
from playground.endpoint import AuthKind, Protocol


def config(text: str):
    return parse_config(text, Path("config.toml"))


# --- models -------------------------------------------------------------------------------


def test_a_packaged_model_has_limits_prices_flags_and_thinking_options():
    model = load_catalog().model("anthropic", "claude-sonnet-4-5")
    assert model.known
    assert model.context_window == 200_000
    assert model.max_output == 64_000
    assert (model.prices.input, model.prices.output) == (3.0, 15.0)
    assert model.prices.cache_read == 0.3
    assert (model.tools, model.vision, model.thinking) == (True, True, True)
    assert model.thinking_options.style == "budget"
    assert model.thinking_options.budget_min == 1024


def test_an_unknown_model_of_a_known_provider_still_works_with_unknown_flags():
    model = load_catalog().model("openai", "gpt-99-preview")
    assert not model.known
    assert model.spec == "openai/gpt-99-preview"
    assert (model.tools, model.vision, model.thinking) == (None, None, None)


def test_model_lookup_accepts_aliases_and_rejects_unknown_providers():
    assert load_catalog().model("google", "gemini-2.5-flash").provider == "gemini"
    with pytest.raises(CatalogError, match="unknown provider 'nope'"):
        load_catalog().model("nope", "x")


def test_simulated_model_parameters_resolve_to_the_base_models_flags():
    model = load_catalog().model("sim", "vision?tps=0&fail=429")
    assert model.known
    assert model.id == "vision?tps=0&fail=429"
    assert model.vision is True


def test_local_model_tags_resolve_to_the_base_model():
    model = load_catalog().model("ollama", "qwen3:8b")
    assert model.known
    assert model.id == "qwen3:8b"
    assert model.thinking_options.style == "toggle"


def test_each_simulated_provider_has_the_demo_models_with_realistic_flags():
    catalog = load_catalog()
    styles = {"sim": "effort", "sim-anthropic": "budget", "sim-gemini": "budget"}
    styles["sim-ollama"] = "toggle"
    for slug, style in styles.items():
        models = {m.id: m for m in catalog.models(slug)}
        assert {"echo", "lorem", "thinker", "tools", "vision"} <= set(models)
        assert models["thinker"].thinking_options.style == style
        assert models["tools"].tools and not models["echo"].tools
        assert models["vision"].vision and not models["echo"].vision
        assert models["echo"].prices.output > 0  # so the cost column shows something
    level = catalog.model("sim-gemini", "thinker?tps=0&style=level")
    assert (level.id, level.thinking_options.style) == ("thinker?tps=0&style=level", "level")
    adaptive = catalog.model("sim-anthropic", "thinker?style=adaptive&run=1")
    assert adaptive.thinking_options.style == "adaptive"


def test_every_simulated_model_is_one_the_simulator_serves():
    from playground.sim.params import MODEL_NAMES

    for slug in ("sim", "sim-anthropic", "sim-gemini", "sim-ollama"):
        for model in load_catalog().models(slug):
            assert model.id.split("?", 1)[0] in MODEL_NAMES, model.spec


def test_models_lists_every_provider_or_one():
    catalog = load_catalog()
    everything = catalog.models()
    assert len(everything) > 500
    anthropic = catalog.models("anthropic")
    assert anthropic and {m.provider for m in anthropic} == {"anthropic"}
    assert catalog.models("kimi") == catalog.models("moonshot")


# --- specs ----------------------------------------------------------------------------------


def test_spec_keeps_everything_after_the_first_slash():
    ref = load_catalog().parse_spec("openrouter/anthropic/claude-sonnet-4")
    assert ref.provider.slug == "openrouter"
    assert ref.model_id == "anthropic/claude-sonnet-4"
    assert ref.base_url is None


def test_litellm_passes_the_rest_of_the_spec_to_the_proxy():
    ref = load_catalog().parse_spec("litellm/openai/gpt-4o")
    assert (ref.provider.slug, ref.model_id) == ("litellm", "openai/gpt-4o")


def test_spec_provider_may_be_an_alias():
    assert load_catalog().parse_spec("google/gemini-2.5-pro").provider.slug == "gemini"


def test_custom_spec_makes_an_ad_hoc_openai_provider():
    ref = load_catalog().parse_spec("custom:http://127.0.0.1:8080/v1/#llama-3")
    assert ref.provider.slug == "custom"
    assert ref.provider.protocol is Protocol.OPENAI
    assert ref.base_url == ref.provider.base_url == "http://127.0.0.1:8080/v1"
    assert ref.model_id == "llama-3"


def test_anthropic_custom_spec_defaults_the_model():
    ref = load_catalog().parse_spec("anthropic-custom:https://proxy.example.com")
    assert ref.provider.protocol is Protocol.ANTHROPIC
    assert ref.base_url == "https://proxy.example.com"
    assert ref.model_id == "default"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("opnai/gpt-4o", "unknown provider 'opnai'; did you mean openai"),
        ("gpt-4o", "'gpt-4o' is not provider/model; did you mean openai/gpt-4o"),
        ("openai", "add a model, e.g. openai/MODEL"),
        ("openai/", "has no model after the slash"),
        ("/gpt-4o", "has no provider"),
        ("", "empty model spec"),
        ("custom/llama", "custom needs a URL"),
        ("custom:localhost:8080#x", "needs an http(s) URL"),
    ],
)
def test_malformed_specs_raise_one_clear_line(spec, message):
    with pytest.raises(CatalogError) as excinfo:
        load_catalog().parse_spec(spec)
    text = str(excinfo.value)
    assert message in text
    assert "\n" not in text


# --- config overlay -------------------------------------------------------------------------


def test_config_overrides_a_builtin_provider_by_slug_or_alias():
    catalog = build_catalog(
        config(
            """
[providers.google]
base_url = "http://127.0.0.1:9999/"
env = ["MY_GEMINI_KEY"]

[providers.ollama]
protocol = "openai"
base_url = "http://127.0.0.1:11434/v1"
"""
        )
    )
    gemini = catalog.provider("gemini")
    assert gemini.base_url == "http://127.0.0.1:9999"
    # The config's names come first; the catalog's names keep working.
    assert gemini.env_vars[0] == "MY_GEMINI_KEY"
    assert {"GEMINI_API_KEY", "GOOGLE_API_KEY"} <= set(gemini.env_vars)
    assert catalog.provider("ollama").protocol is Protocol.OPENAI
    assert catalog.config_name("gemini") == "google"
    assert catalog.config_name("openai") is None
    assert len(catalog.providers()) == len(load_catalog().providers())


def test_config_adds_a_provider_with_models():
    catalog = build_catalog(
        config(
            """
[providers.mybox]
protocol = "openai"
base_url = "http://127.0.0.1:7000/v1"

[providers.mybox.models.qwen-local]
context_window = 32768
tools = true
thinking_efforts = ["low", "high"]
price_input = 0.0
"""
        )
    )
    provider = catalog.provider("mybox")
    assert provider.local and provider.auth_kinds == (AuthKind.NONE,)
    model = catalog.model("mybox", "qwen-local")
    assert model.known and model.tools and model.thinking
    assert model.thinking_options.style == "effort"
    assert model.thinking_options.efforts == ("low", "high")
    assert model.context_window == 32768
    assert catalog.parse_spec("mybox/qwen-local").provider.slug == "mybox"


def test_config_overrides_any_field_of_a_packaged_model():
    catalog = build_catalog(
        config(
            """
[providers.openai.models.gpt-4o]
price_input = 1.0
vision = false
fallbacks = ["anthropic/claude-sonnet-4-5"]
"""
        )
    )
    model = catalog.model("openai", "gpt-4o")
    assert model.prices.input == 1.0
    assert model.prices.output == 10.0  # untouched fields keep the packaged value
    assert model.vision is False
    assert model.fallbacks == ("anthropic/claude-sonnet-4-5",)


def test_config_can_switch_thinking_off_or_to_always_on():
    catalog = build_catalog(
        config(
            """
[providers.openai.models.o3]
thinking = false

[providers.openai.models.gpt-4o]
thinking_always_on = true
"""
        )
    )
    assert catalog.model("openai", "o3").thinking_options.style == "none"
    assert catalog.model("openai", "o3").thinking is False
    assert catalog.model("openai", "gpt-4o").thinking_options.style == "always"


def test_config_budget_override_keeps_the_budget_style():
    catalog = build_catalog(
        config(
            """
[providers.anthropic.models.claude-sonnet-4-5]
thinking_budget_max = 20000
"""
        )
    )
    options = catalog.model("anthropic", "claude-sonnet-4-5").thinking_options
    assert (options.style, options.budget_min, options.budget_max) == ("budget", 1024, 20000)


def test_a_new_provider_without_protocol_and_base_url_is_an_error():
    with pytest.raises(CatalogError, match=r"\[providers.foo\].*needs protocol and base_url"):
        build_catalog(config('[providers.foo]\napi_key = "x"\n'))


def test_load_catalog_is_cached_per_config_object():
    cfg = config("[providers.openai]\nbase_url = 'http://127.0.0.1:1/v1'\n")
    assert load_catalog(cfg) is load_catalog(cfg)
    assert load_catalog() is load_catalog()
    assert load_catalog(cfg) is not load_catalog()


def test_importing_the_package_does_not_read_the_model_file():
    import subprocess
    import sys

    code = (
        "import sys, playground.catalog as c\n"
        "c.load_catalog().providers()\n"
        "assert 'playground.catalog.refresh' not in sys.modules\n"
        "assert 'pydantic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
