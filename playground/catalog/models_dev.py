"""Turning models.dev model records into the catalog's compact rows.

Shared by ``scripts/gen_catalog.py`` (which reads a models.dev TOML snapshot and writes the
packaged ``models.json``) and :mod:`playground.catalog.refresh` (which reads models.dev's
``api.json`` — the same records, already resolved — into the user's cached copy). The row
format and the thinking rules are described in ``scripts/gen_catalog.py``.
"""

from __future__ import annotations

from typing import Any

PROVIDER_MAP: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "gemini",
    "groq": "groq",
    "mistral": "mistral",
    "xai": "xai",
    "openrouter": "openrouter",
    "deepseek": "deepseek",
    "cerebras": "cerebras",
    "togetherai": "together",
    "fireworks-ai": "fireworks",
    "perplexity": "perplexity",
    "moonshotai": "moonshot",
    "zhipuai": "zhipu",
    "zai": "zai",
    "zai-coding-plan": "zai-coding",
    "alibaba": "qwen",
    "nvidia": "nvidia",
    "huggingface": "huggingface",
    "venice": "venice",
    "cohere": "cohere",
    "minimax": "minimax",
    "azure": "azure-openai",
    "lmstudio": "lmstudio",
    "ollama-cloud": "ollama",
    "amazon-bedrock": "bedrock",
    "google-vertex": "vertex",
    "google-vertex-anthropic": "vertex-anthropic",
}
"""models.dev provider id → our provider slug (only these are packaged)."""

ANTHROPIC_PROTOCOL = {"anthropic", "vertex-anthropic"}
GEMINI_PROTOCOL = {"gemini", "vertex"}
ID_PREFIXES: dict[str, tuple[str, ...]] = {"vertex": ("gemini-",)}
"""Providers whose models.dev list holds models another path serves: Vertex's Gemini
publisher packages only Gemini (Claude is ``vertex-anthropic``; the open "MaaS" models speak
an OpenAI-compatible endpoint)."""
LOCAL_FREE = {"ollama", "lmstudio"}  # runs on the user's machine: no per-token price

EFFORT_ORDER = ("none", "minimal", "low", "medium", "default", "high", "xhigh", "max")

_TOGGLE = ["toggle", [], None, None, False, True]
_FREE = [0.0, 0.0, None, None, None]  # local models cost nothing per token
EXTRA_MODELS: dict[str, list[list[Any]]] = {
    # Popular local Ollama models (native /api/chat): ``think`` on/off for reasoning models.
    "ollama": [
        ["llama3.2", "Llama 3.2 3B", 131072, 2048, True, False, False, 0, _FREE],
        ["llama3.1", "Llama 3.1 8B", 131072, 2048, True, False, False, 0, _FREE],
        ["qwen3", "Qwen3 8B", 40960, 32768, True, False, True, _TOGGLE, _FREE],
        ["qwen3-vl", "Qwen3-VL 8B", 262144, 32768, True, True, True, _TOGGLE, _FREE],
        ["deepseek-r1", "DeepSeek-R1 8B", 131072, 32768, True, False, True, _TOGGLE, _FREE],
        ["magistral", "Magistral Small", 40000, 32768, True, False, True, _TOGGLE, _FREE],
        ["gemma3", "Gemma 3 4B", 131072, 8192, False, True, False, 0, _FREE],
        ["llava", "LLaVA 7B", 4096, 2048, False, True, False, 0, _FREE],
        ["mistral", "Mistral 7B", 32768, 4096, True, False, False, 0, _FREE],
    ],
}


def is_chat_model(model_id: str, data: dict[str, Any]) -> bool:
    """Text in and text out, not an embedding model, and a real context window."""
    if data.get("limit", {}).get("context") == 0:  # image/audio endpoints listed with 0
        return False
    modalities = data.get("modalities", {})
    if "text" not in modalities.get("input", ["text"]):
        return False
    if "text" not in modalities.get("output", ["text"]):
        return False
    if model_id.lower().endswith("-tts"):  # speech out, even where modalities are missing
        return False
    return "embed" not in model_id.lower() and "embed" not in str(data.get("family", "")).lower()


def served_by(slug: str, model_id: str) -> bool:
    """Whether ``slug``'s protocol serves ``model_id`` (see :data:`ID_PREFIXES`)."""
    prefixes = ID_PREFIXES.get(slug)
    return prefixes is None or model_id.startswith(prefixes)


def _claude_rules(slug: str, model_id: str) -> bool:
    """Anthropic's thinking rules: Anthropic's own API, Claude on Vertex, Claude on Bedrock."""
    return slug in ANTHROPIC_PROTOCOL or (slug == "bedrock" and "anthropic.claude" in model_id)


def _sorted_efforts(values: list[str]) -> list[str]:
    known = [v for v in EFFORT_ORDER if v in values]
    return known + [v for v in values if v not in EFFORT_ORDER]


def thinking_options(slug: str, model_id: str, data: dict[str, Any]) -> list[Any] | int:
    """The compact THINKING entry (see the module docstring for the rules)."""
    options = {o.get("type"): o for o in data.get("reasoning_options", [])}
    reasoning = data.get("reasoning")
    effort = options.get("effort")
    budget = options.get("budget_tokens")
    toggle = "toggle" in options
    if not options:
        return ["always", [], None, None, True, False] if reasoning else 0
    if slug == "bedrock" and not _claude_rules(slug, model_id):
        # Converse carries each vendor's own reasoning fields (Nova's reasoningConfig, …);
        # only Claude's are mapped, so no level is sent to the others.
        return 0
    efforts = _sorted_efforts(list(effort.get("values", []))) if effort else []
    b_min = budget.get("min") if budget else None
    b_max = budget.get("max") if budget else None
    if _claude_rules(slug, model_id):
        if effort and (not budget or "max" in efforts):
            return ["adaptive", [e for e in efforts if e != "none"], None, None, False, True]
        if budget:
            return ["budget", [], max(1024, b_min or 1024), b_max, False, True]
    if slug in GEMINI_PROTOCOL:
        if budget:
            can_off = toggle or b_min == 0
            return ["budget", [], b_min, b_max, True, can_off]
        if effort:
            return ["level", [e for e in efforts if e != "none"], None, None, True, False]
    if effort and [e for e in efforts if e != "none"]:
        return ["effort", efforts, None, None, True, "none" in efforts or toggle]
    if budget:
        return ["budget", [], b_min if (b_min or 0) > 0 else None, b_max, True, toggle]
    if toggle or effort:  # effort ["none"] alone is an off switch: a toggle
        return ["toggle", [], None, None, True, True]
    return ["always", [], None, None, True, False] if reasoning else 0


def _price(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def compact_model(slug: str, model_id: str, data: dict[str, Any]) -> list[Any]:
    """One MODEL row."""
    limit = data.get("limit", {})
    cost = data.get("cost", {})
    prices: list[Any] | int = _FREE
    if slug not in LOCAL_FREE:
        fields = ("input", "output", "cache_read", "cache_write", "reasoning")
        row = [_price(cost.get(k)) for k in fields]
        prices = row if any(v is not None for v in row) else 0
    thinking = thinking_options(slug, model_id, data)
    reasoning = data.get("reasoning")
    if thinking:
        has_thinking: bool | None = True
    else:
        has_thinking = bool(reasoning) if reasoning is not None else None
    inputs = data.get("modalities", {}).get("input")
    vision = ("image" in inputs) if inputs else data.get("attachment")
    return [
        model_id,
        data.get("name") or model_id,
        limit.get("context"),
        limit.get("output"),
        data.get("tool_call"),
        vision,
        has_thinking,
        thinking,
        prices,
    ]


def rows_from_api(api: Any) -> dict[str, list[list[Any]]]:
    """The compact rows per provider slug from a models.dev ``api.json`` document.

    ``api`` is ``{provider_id: {"models": {model_id: record}}}``; providers we do not list,
    records of the wrong shape and non-chat models are skipped, and :data:`EXTRA_MODELS` is
    added as by the generator. Raises ``ValueError`` when ``api`` is not such a document.
    """
    if not isinstance(api, dict):
        raise ValueError("the document is not a JSON object of providers")
    providers: dict[str, list[list[Any]]] = {}
    for dev_id, slug in PROVIDER_MAP.items():
        entry = api.get(dev_id)
        models = entry.get("models") if isinstance(entry, dict) else None
        rows: dict[str, list[Any]] = {}
        if isinstance(models, dict):
            for model_id, data in models.items():
                if not isinstance(model_id, str) or not isinstance(data, dict):
                    continue
                try:
                    if is_chat_model(model_id, data) and served_by(slug, model_id):
                        rows[model_id] = compact_model(slug, model_id, data)
                except (AttributeError, TypeError, ValueError):
                    continue  # a record of an unexpected shape
        for extra in EXTRA_MODELS.get(slug, []):
            rows.setdefault(extra[0], extra)
        providers[slug] = [rows[k] for k in sorted(rows)]
    return providers
