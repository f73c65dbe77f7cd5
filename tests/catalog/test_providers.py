"""The built-in provider table: every provider the issue names, reachable by every name."""

from __future__ import annotations

import re

import pytest

from playground.catalog import load_catalog
from playground.catalog.providers import PROVIDERS
from playground.endpoint import AuthKind, Protocol

REQUIRED = {
    "openai", "anthropic", "gemini", "groq", "mistral", "xai", "openrouter", "deepseek",
    "cerebras", "together", "fireworks", "perplexity", "moonshot", "zhipu", "zai", "zai-coding",
    "qwen", "nvidia", "huggingface", "venice", "cohere", "minimax", "volcengine", "azure-openai",
    "ollama", "lmstudio", "llamacpp", "vllm", "litellm",
    "sim", "sim-anthropic", "sim-gemini", "sim-ollama",
}  # fmt: skip


def test_every_required_provider_is_listed_once():
    slugs = [p.slug for p in PROVIDERS]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) >= REQUIRED


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("google", "gemini"),
        ("google-gemini", "gemini"),
        ("GOOGLE", "gemini"),
        ("grok", "xai"),
        ("together-ai", "together"),
        ("fireworks-ai", "fireworks"),
        ("kimi", "moonshot"),
        ("glm", "zhipu"),
        ("bigmodel", "zhipu"),
        ("z.ai", "zai"),
        ("zai-coding-plan", "zai-coding"),
        ("dashscope", "qwen"),
        ("nvidia-nim", "nvidia"),
        ("doubao", "volcengine"),
        ("ark", "volcengine"),
        ("lm-studio", "lmstudio"),
        ("llama.cpp", "llamacpp"),
        ("azure", "azure-openai"),
    ],
)
def test_aliases_resolve_case_insensitively(name, slug):
    assert load_catalog().provider(name).slug == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("moonshot-intl", "moonshot"),
        ("kimi-cn", "moonshot"),
        ("glm-global", "zhipu"),
        ("zhipu-cn", "zhipu"),
        ("qwen-us", "qwen"),
        ("dashscope-intl", "qwen"),
        ("minimax-cn", "minimax"),
        ("minimaxi", "minimax"),
        ("doubao-pro", "volcengine"),
        ("zai-global", "zai"),
    ],
)
def test_prefix_families_match_like_agent_configs(name, slug):
    assert load_catalog().provider(name).slug == slug


def test_a_prefix_family_never_shadows_an_exact_slug():
    assert load_catalog().provider("zai-coding").slug == "zai-coding"


def test_unknown_provider_name_is_none():
    assert load_catalog().provider("nope") is None
    assert load_catalog().provider("") is None


@pytest.mark.parametrize(
    ("slug", "port"), [("ollama", 11434), ("lmstudio", 1234), ("llamacpp", 8080), ("vllm", 8000)]
)
def test_local_servers_have_their_default_port_and_need_no_key(slug, port):
    provider = load_catalog().provider(slug)
    assert provider.local
    assert provider.default_port == port
    assert f":{port}" in provider.base_url
    assert provider.auth_kinds[0] is AuthKind.NONE


@pytest.mark.parametrize(
    ("slug", "path", "protocol"),
    [
        ("sim", "/openai/v1", Protocol.OPENAI),
        ("sim-anthropic", "/anthropic", Protocol.ANTHROPIC),
        ("sim-gemini", "/gemini", Protocol.GEMINI),
        ("sim-ollama", "/ollama", Protocol.OLLAMA),
    ],
)
def test_simulated_providers_use_family_paths_relative_to_the_sim_root(slug, path, protocol):
    provider = load_catalog().provider(slug)
    assert provider.simulated
    assert provider.base_url == path
    assert provider.protocol is protocol
    assert provider.auth_kinds == (AuthKind.NONE,)


def test_remote_providers_have_https_base_url_env_vars_and_docs():
    for provider in PROVIDERS:
        if provider.local or provider.simulated:
            continue
        assert provider.base_url.startswith("https://"), provider.slug
        assert provider.env_vars, provider.slug
        assert provider.docs_url, provider.slug
        # Vertex AI takes Google OAuth access tokens (or ADC), never an API key.
        assert {AuthKind.API_KEY, AuthKind.OAUTH_TOKEN} & set(provider.auth_kinds), provider.slug


def test_key_check_paths_are_relative_to_the_base_url():
    for provider in PROVIDERS:
        if provider.key_check_path is not None:
            assert provider.key_check_path.startswith("/"), provider.slug
            assert "://" not in provider.key_check_path


SAMPLE_KEYS = {
    "openai": "sk-proj-" + "a" * 20 + "T3BlbkFJ" + "b" * 20,
    "anthropic": "sk-ant-api03-" + "x" * 93 + "AA",
    "gemini": "AIzaSy" + "A" * 33,
    "groq": "gsk_" + "a1" * 26,
    "xai": "xai-" + "Z" * 80,
    "openrouter": "sk-or-v1-" + "0f" * 32,
    "cerebras": "csk-" + "a" * 48,
    "perplexity": "pplx-" + "A" * 48,
    "nvidia": "nvapi-" + "a" * 64,
    "huggingface": "hf_" + "a" * 34,
    "zhipu": "0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOp",
}


@pytest.mark.parametrize(("slug", "key"), sorted(SAMPLE_KEYS.items()))
def test_key_formats_recognise_their_providers_keys(slug, key):
    formats = load_catalog().provider(slug).key_formats
    assert any(re.fullmatch(f.pattern, key) for f in formats)


def test_anthropic_oauth_tokens_are_marked_as_bearer_tokens():
    formats = load_catalog().provider("anthropic").key_formats
    token = "sk-ant-oat01-" + "q" * 90
    matching = [f for f in formats if re.fullmatch(f.pattern, token)]
    assert [f.auth_kind for f in matching] == [AuthKind.OAUTH_TOKEN]


def test_every_key_pattern_compiles():
    for provider in PROVIDERS:
        for fmt in provider.key_formats:
            re.compile(fmt.pattern)
            assert fmt.description
