"""Reading a provider's model list answer, whatever its family's shape.

* OpenAI-compatible ``GET /models`` (OpenAI, Groq, OpenRouter, vLLM, llama.cpp, LM Studio,
  LiteLLM proxy) and Anthropic ``GET /v1/models``: ``{"data": [{"id": …}, …]}``;
* Gemini ``models.list``: ``{"models": [{"name": "models/gemini-2.5-flash", …}]}`` (models that
  cannot ``generateContent``, such as embedding models, are left out);
* Ollama ``GET /api/tags``: ``{"models": [{"name": "qwen3:8b", …}]}``.

Hostile answers are tolerated: anything of the wrong shape is skipped, ids are capped in
length and number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_MODELS = 5000
"""The most entries read from one list (OpenRouter lists a few hundred)."""
MAX_ID_CHARS = 256


@dataclass(frozen=True, slots=True)
class ListedModel:
    """One entry of a live model list, with whatever facts the server gave."""

    id: str
    name: str | None = None
    context_window: int | None = None
    max_output: int | None = None


def parse_model_list(body: Any) -> list[ListedModel] | None:
    """The entries of a model list answer, or None when ``body`` is not a model list."""
    if not isinstance(body, dict):
        return None
    entries = body.get("data")
    if not isinstance(entries, list):
        entries = body.get("models")
    if not isinstance(entries, list):
        return None
    listed: dict[str, ListedModel] = {}
    for entry in entries[:MAX_MODELS]:
        model = _entry(entry)
        if model is not None:
            listed.setdefault(model.id, model)
    return list(listed.values())


def _entry(entry: Any) -> ListedModel | None:
    if not isinstance(entry, dict):
        return None
    methods = entry.get("supportedGenerationMethods")
    if isinstance(methods, list) and "generateContent" not in methods:
        return None
    raw = entry.get("id") or entry.get("name") or entry.get("model")
    if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_ID_CHARS:
        return None
    model_id = raw.strip().removeprefix("models/")
    name = entry.get("display_name") or entry.get("displayName")
    if not isinstance(name, str) or len(name) > MAX_ID_CHARS:
        name = entry.get("name") if isinstance(entry.get("name"), str) and "id" in entry else None
    return ListedModel(
        id=model_id,
        name=name if name and name != model_id and len(name) <= MAX_ID_CHARS else None,
        context_window=_positive(
            entry.get("context_length")
            or entry.get("context_window")
            or entry.get("inputTokenLimit")
            or entry.get("max_model_len")
        ),
        max_output=_positive(entry.get("outputTokenLimit")),
    )


def _positive(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 < value < 10**10:
        return None
    return int(value)
