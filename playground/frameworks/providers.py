"""Map a framework's provider names onto our catalog slugs and build our model specs.

Frameworks spell providers their own way (pi-ai's ``google``, ZeroClaw's ``grok``, PicoClaw's
``zhipu``). :func:`provider_slug` maps them to our slugs, asking the catalog when it is
available (it knows aliases and prefix families) and falling back to the table below, so the
readers work even without a catalog. :func:`model_spec` turns (provider, model, base URL) into
``provider/model``, or ``custom:URL#model`` when the base URL is not the provider's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class KnownProvider:
    """What the readers need to know about a provider without the catalog."""

    slug: str
    protocol: str
    host: str | None
    env_var: str | None


_KNOWN: tuple[KnownProvider, ...] = (
    KnownProvider("anthropic", "anthropic", "api.anthropic.com", "ANTHROPIC_API_KEY"),
    KnownProvider("openai", "openai", "api.openai.com", "OPENAI_API_KEY"),
    KnownProvider("gemini", "gemini", "generativelanguage.googleapis.com", "GEMINI_API_KEY"),
    KnownProvider("groq", "openai", "api.groq.com", "GROQ_API_KEY"),
    KnownProvider("mistral", "openai", "api.mistral.ai", "MISTRAL_API_KEY"),
    KnownProvider("xai", "openai", "api.x.ai", "XAI_API_KEY"),
    KnownProvider("openrouter", "openai", "openrouter.ai", "OPENROUTER_API_KEY"),
    KnownProvider("deepseek", "openai", "api.deepseek.com", "DEEPSEEK_API_KEY"),
    KnownProvider("cerebras", "openai", "api.cerebras.ai", "CEREBRAS_API_KEY"),
    KnownProvider("together", "openai", "api.together.xyz", "TOGETHER_API_KEY"),
    KnownProvider("fireworks", "openai", "api.fireworks.ai", "FIREWORKS_API_KEY"),
    KnownProvider("perplexity", "openai", "api.perplexity.ai", "PERPLEXITY_API_KEY"),
    KnownProvider("moonshot", "openai", "api.moonshot.ai", "MOONSHOT_API_KEY"),
    KnownProvider("zhipu", "openai", "open.bigmodel.cn", "ZHIPU_API_KEY"),
    KnownProvider("zai", "openai", "api.z.ai", "ZAI_API_KEY"),
    KnownProvider("qwen", "openai", "dashscope-intl.aliyuncs.com", "DASHSCOPE_API_KEY"),
    KnownProvider("nvidia", "openai", "integrate.api.nvidia.com", "NVIDIA_API_KEY"),
    KnownProvider("huggingface", "openai", "router.huggingface.co", "HF_TOKEN"),
    KnownProvider("minimax", "openai", "api.minimax.io", "MINIMAX_API_KEY"),
    KnownProvider("ollama", "ollama", "localhost:11434", "OLLAMA_API_KEY"),
    KnownProvider("lmstudio", "openai", "127.0.0.1:1234", None),
    KnownProvider("llamacpp", "openai", "localhost:8080", None),
    KnownProvider("vllm", "openai", "localhost:8000", "VLLM_API_KEY"),
    KnownProvider("azure", "azure-openai", None, "AZURE_OPENAI_API_KEY"),
)

# Framework spellings → our slugs (only where they differ).
_ALIASES = {
    "google": "gemini",
    "google-gemini": "gemini",
    "grok": "xai",
    "x-ai": "xai",
    "gpt": "openai",
    "claude": "anthropic",
    "kimi": "moonshot",
    "kimi-coding": "moonshot",
    "moonshotai": "moonshot",
    "glm": "zhipu",
    "bigmodel": "zhipu",
    "z-ai": "zai",
    "z.ai": "zai",
    "dashscope": "qwen",
    "bailian": "qwen",
    "minimax-cn": "minimax",
    "hf": "huggingface",
    "llama.cpp": "llamacpp",
    "llama-cpp": "llamacpp",
    "lm-studio": "lmstudio",
    "azure-openai": "azure",
    "azure-openai-responses": "azure",
    "together-ai": "together",
    "togetherai": "together",
    "mistralai": "mistral",
}

_BY_SLUG = {p.slug: p for p in _KNOWN}


@lru_cache(maxsize=1)
def _catalog():
    """The packaged catalog, or None when it cannot be loaded here."""
    try:
        from playground.catalog import load_catalog
        from playground.config.schema import Config

        return load_catalog(Config())
    except Exception:
        return None


def _catalog_slug(name: str) -> str | None:
    catalog = _catalog()
    if catalog is None:
        return None
    try:
        info = catalog.provider(name)
    except Exception:
        return None
    return getattr(info, "slug", None)


def provider_slug(name: str) -> str | None:
    """Our slug for a framework's provider name, or None when we do not know it."""
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if (slug := _catalog_slug(key)) is not None:
        return slug
    if key in _BY_SLUG:
        return key
    compact = key.replace("-", "")
    return compact if compact in _BY_SLUG else None


def known(slug: str) -> KnownProvider | None:
    """Facts about a slug (protocol, default host, env var): the catalog's, else the table's."""
    catalog = _catalog()
    info = None
    if catalog is not None:
        try:
            info = catalog.provider(slug)
        except Exception:
            info = None
    if info is not None and getattr(info, "base_url", ""):
        host = urlsplit(info.base_url).netloc.lower() or None
        env = info.env_vars[0] if info.env_vars else None
        return KnownProvider(info.slug, str(info.protocol), host, env)
    return _BY_SLUG.get(slug)


def protocol_for(slug: str) -> str:
    """The wire protocol family of a slug (``openai`` when unknown)."""
    info = known(slug)
    return info.protocol if info else "openai"


def is_default_base_url(slug: str, base_url: str) -> bool:
    """Whether ``base_url`` points at the provider's own default host."""
    info = known(slug)
    if info is None or info.host is None:
        return False
    parts = urlsplit(base_url if "://" in base_url else f"https://{base_url}")
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    return host == info.host or (
        info.host.split(":")[0] in ("localhost", "127.0.0.1")
        and host.split(":")[-1] == info.host.split(":")[-1]
        and host.split(":")[0] in ("localhost", "127.0.0.1")
    )


def custom_spec(base_url: str, model: str, protocol: str = "openai") -> str:
    """``custom:URL#model`` (``anthropic-custom:`` for Anthropic-protocol servers)."""
    prefix = "anthropic-custom" if protocol == "anthropic" else "custom"
    base = base_url.rstrip("/")
    if protocol == "ollama" and not base.endswith("/v1"):
        base += "/v1"  # Ollama's OpenAI-compatible endpoint
    return f"{prefix}:{base}#{model}"


def spec_provider(spec: str) -> str:
    """The provider part of a spec: ``openai`` or ``custom:https://host/v1``."""
    if spec.startswith(("custom:", "anthropic-custom:")):
        return spec.split("#", 1)[0]
    return spec.split("/", 1)[0]


def model_spec(slug: str, model: str, base_url: str | None = None) -> str:
    """Our spec for ``model`` at ``slug``; a non-default ``base_url`` makes it a custom spec."""
    if base_url and not is_default_base_url(slug, base_url):
        return custom_spec(base_url, model, protocol_for(slug))
    return f"{slug}/{model}"
