"""Map one thinking level onto what each model really supports.

Everything here is data: three level tables (effort, budget, Gemini level) and one wire
table ``WIRE`` keyed by ``(provider or "*", protocol, style)`` whose entries are JSON
templates with ``$effort`` / ``$budget`` / ``$level`` / ``$on`` placeholders. The code only
picks a setting from the model's :class:`ThinkingOptions`, clamps it visibly, and fills in
the template.

Rules the tables encode:

* ``off``: sent explicitly when the model can turn thinking off (``reasoning_effort: none``,
  ``thinking: {type: disabled}``, ``thinkingBudget: 0``, ``think: false``…); nothing is sent
  for Anthropic (thinking is off unless requested). A model that cannot turn thinking off
  (o-series, Gemini 2.5 Pro, Gemini 3) gets its lowest setting, labelled "(clamped from off)".
* effort models get only values they list; a missing value clamps to the nearest one
  (ties go up): ``effort high (clamped from xhigh)``.
* budgets come from ``BUDGET_FOR_LEVEL`` clamped into the model's range; Anthropic's budget
  is ≥ 1,024 and < ``max_tokens`` (``max_tokens`` is raised to leave room for the answer) and
  temperature is dropped.
* always-on models send nothing and show "always on"; models without thinking, and models
  the catalog does not know, send nothing and show "n/a".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from playground.catalog.types import ModelInfo, ThinkingOptions
from playground.endpoint import Protocol
from playground.request import ChatRequest, ThinkingLevel, deep_merge

EFFORT_RANK: dict[str, int] = {
    "none": 0,
    "minimal": 1,
    "low": 2,
    "medium": 3,
    "default": 3,
    "high": 4,
    "xhigh": 5,
    "max": 6,
}
"""Where each provider effort value sits on our scale (``default`` is the provider's own)."""

EFFORT_FOR_LEVEL: dict[ThinkingLevel, str] = {
    ThinkingLevel.MINIMAL: "minimal",
    ThinkingLevel.LOW: "low",
    ThinkingLevel.MEDIUM: "medium",
    ThinkingLevel.HIGH: "high",
    ThinkingLevel.XHIGH: "xhigh",
}

BUDGET_FOR_LEVEL: dict[ThinkingLevel, int] = {
    ThinkingLevel.MINIMAL: 1024,
    ThinkingLevel.LOW: 4096,
    ThinkingLevel.MEDIUM: 8192,
    ThinkingLevel.HIGH: 16384,
    ThinkingLevel.XHIGH: 32768,
}
"""Thinking token budget per level, before clamping into the model's range."""

ANTHROPIC_MIN_BUDGET = 1024
ANSWER_ROOM_TOKENS = 4096
"""Tokens left for the visible answer when ``max_tokens`` must be raised above a budget."""

_THINKING_CONFIG = "generationConfig"

# (provider slug or "*", protocol, style) -> {"on": template, "off": template | None,
# "drop_temperature": bool, "min_budget": int, "budget_below_max_tokens": bool}.
# A missing "off" means thinking is turned off by the provider's toggle entry; "off": None
# means nothing is sent (the provider's default is no thinking).
WIRE: dict[tuple[str, Protocol, str], dict[str, Any]] = {
    # OpenAI Chat Completions and compatible servers
    ("*", Protocol.OPENAI, "effort"): {
        "on": {"reasoning_effort": "$effort"},
        "off": {"reasoning_effort": "none"},
    },
    ("openai", Protocol.OPENAI, "effort"): {
        "on": {"reasoning_effort": "$effort"},
        "off": {"reasoning_effort": "none"},
        "drop_temperature": True,  # o-series / gpt-5 reject temperature
    },
    ("openrouter", Protocol.OPENAI, "effort"): {
        "on": {"reasoning": {"effort": "$effort"}},
        "off": {"reasoning": {"effort": "none"}},
    },
    ("deepseek", Protocol.OPENAI, "effort"): {
        "on": {"thinking": {"type": "enabled"}, "reasoning_effort": "$effort"},
    },
    ("zai", Protocol.OPENAI, "effort"): {
        "on": {"thinking": {"type": "enabled"}, "reasoning_effort": "$effort"},
    },
    ("zai-coding", Protocol.OPENAI, "effort"): {
        "on": {"thinking": {"type": "enabled"}, "reasoning_effort": "$effort"},
    },
    ("zhipu", Protocol.OPENAI, "effort"): {
        "on": {"thinking": {"type": "enabled"}, "reasoning_effort": "$effort"},
    },
    ("*", Protocol.OPENAI, "budget"): {
        "on": {"thinking": {"type": "enabled", "budget_tokens": "$budget"}},
    },
    ("openrouter", Protocol.OPENAI, "budget"): {
        "on": {"reasoning": {"max_tokens": "$budget"}},
    },
    ("qwen", Protocol.OPENAI, "budget"): {
        "on": {"enable_thinking": True, "thinking_budget": "$budget"},
    },
    ("*", Protocol.OPENAI, "toggle"): {
        "on": {"thinking": {"type": "enabled"}},
        "off": {"thinking": {"type": "disabled"}},
    },
    ("openrouter", Protocol.OPENAI, "toggle"): {
        "on": {"reasoning": {"enabled": True}},
        "off": {"reasoning": {"enabled": False}},
    },
    ("together", Protocol.OPENAI, "toggle"): {
        "on": {"reasoning": {"enabled": True}},
        "off": {"reasoning": {"enabled": False}},
    },
    ("venice", Protocol.OPENAI, "toggle"): {
        "on": {"reasoning": {"enabled": True}},
        "off": {"reasoning": {"enabled": False}},
    },
    ("qwen", Protocol.OPENAI, "toggle"): {
        "on": {"enable_thinking": True},
        "off": {"enable_thinking": False},
    },
    ("cohere", Protocol.OPENAI, "toggle"): {
        "on": {"reasoning_effort": "high"},
        "off": {"reasoning_effort": "none"},
    },
    **{
        (slug, Protocol.OPENAI, "toggle"): {
            "on": {"chat_template_kwargs": {"enable_thinking": True}},
            "off": {"chat_template_kwargs": {"enable_thinking": False}},
        }
        for slug in ("vllm", "llamacpp", "lmstudio", "nvidia")
    },
    # OpenAI Responses
    ("*", Protocol.OPENAI_RESPONSES, "effort"): {
        "on": {"reasoning": {"effort": "$effort", "summary": "auto"}},
        "off": {"reasoning": {"effort": "none"}},
        "drop_temperature": True,
    },
    # Anthropic Messages
    ("*", Protocol.ANTHROPIC, "budget"): {
        "on": {"thinking": {"type": "enabled", "budget_tokens": "$budget"}},
        "off": None,
        "drop_temperature": True,
        "min_budget": ANTHROPIC_MIN_BUDGET,
        "budget_below_max_tokens": True,
    },
    ("*", Protocol.ANTHROPIC, "adaptive"): {
        "on": {"thinking": {"type": "adaptive"}, "output_config": {"effort": "$effort"}},
        "off": None,
        "drop_temperature": True,
    },
    ("*", Protocol.ANTHROPIC, "toggle"): {
        "on": {"thinking": {"type": "adaptive"}},
        "off": None,
        "drop_temperature": True,
    },
    # Anthropic on Bedrock Converse: the same fields, inside additionalModelRequestFields
    ("*", Protocol.BEDROCK, "budget"): {
        "on": {
            "additionalModelRequestFields": {
                "thinking": {"type": "enabled", "budget_tokens": "$budget"}
            }
        },
        "off": None,
        "drop_temperature": True,
        "min_budget": ANTHROPIC_MIN_BUDGET,
        "budget_below_max_tokens": True,
    },
    ("*", Protocol.BEDROCK, "adaptive"): {
        "on": {
            "additionalModelRequestFields": {
                "thinking": {"type": "adaptive"},
                "output_config": {"effort": "$effort"},
            }
        },
        "off": None,
        "drop_temperature": True,
    },
    ("*", Protocol.BEDROCK, "toggle"): {
        "on": {"additionalModelRequestFields": {"thinking": {"type": "adaptive"}}},
        "off": None,
        "drop_temperature": True,
    },
    # Gemini generateContent
    ("*", Protocol.GEMINI, "budget"): {
        "on": {
            _THINKING_CONFIG: {
                "thinkingConfig": {"thinkingBudget": "$budget", "includeThoughts": True}
            }
        },
        "off": {_THINKING_CONFIG: {"thinkingConfig": {"thinkingBudget": 0}}},
    },
    ("*", Protocol.GEMINI, "level"): {
        "on": {
            _THINKING_CONFIG: {
                "thinkingConfig": {"thinkingLevel": "$level", "includeThoughts": True}
            }
        },
    },
    ("*", Protocol.GEMINI, "toggle"): {
        "on": {_THINKING_CONFIG: {"thinkingConfig": {"includeThoughts": True}}},
        "off": {_THINKING_CONFIG: {"thinkingConfig": {"thinkingBudget": 0}}},
    },
    # Ollama native /api/chat
    ("*", Protocol.OLLAMA, "toggle"): {"on": {"think": True}, "off": {"think": False}},
    ("*", Protocol.OLLAMA, "effort"): {"on": {"think": "$effort"}, "off": {"think": False}},
}

PROTOCOL_FALLBACK: dict[Protocol, Protocol] = {
    Protocol.AZURE_OPENAI: Protocol.OPENAI,
    Protocol.VERTEX: Protocol.GEMINI,
    Protocol.VERTEX_ANTHROPIC: Protocol.ANTHROPIC,
}
"""Protocols that share another protocol's thinking fields (Azure speaks Chat Completions;
Vertex AI carries the Gemini and Anthropic bodies unchanged)."""

_FALLBACK_STYLE = {"budget": "toggle", "effort": "toggle", "level": "effort", "adaptive": "budget"}
"""When a protocol has no template for a style, degrade to this one (e.g. budget → on/off)."""


@dataclass(slots=True)
class ThinkingPlan:
    """What a thinking level becomes for one model.

    ``body_overrides`` is deep-merged into the wire body; ``max_tokens`` is the (possibly
    raised) output limit; ``label`` is the effective setting for the UI ("budget 8,192
    tokens", "effort high (clamped from xhigh)", "on", "off", "always on", "n/a");
    ``clamped`` says the level could not be honoured exactly and ``reason`` says why.
    """

    body_overrides: dict[str, Any] = field(default_factory=dict)
    max_tokens: int | None = None
    drop_temperature: bool = False
    label: str = "n/a"
    clamped: bool = False
    reason: str | None = None


def map_thinking(
    model: ModelInfo,
    protocol: Protocol,
    level: ThinkingLevel,
    max_tokens: int | None = None,
) -> ThinkingPlan:
    """Map ``level`` onto ``model`` spoken over ``protocol`` (see the module docstring)."""
    level = ThinkingLevel(level)
    options = model.thinking_options
    if options.style == "none":
        asked = level is not ThinkingLevel.OFF
        reason = None
        if asked and model.known:
            reason = f"{model.spec} does not think"
        elif asked:
            reason = (
                f"{model.spec} is not in the catalog, so its thinking controls are unknown; "
                "set thinking_efforts or thinking_budget_min/max for it in the config"
            )
        return ThinkingPlan(max_tokens=max_tokens, label="n/a", clamped=asked, reason=reason)
    if options.style == "always":
        return ThinkingPlan(
            max_tokens=max_tokens,
            label="always on",
            clamped=level is ThinkingLevel.OFF,
            reason=f"{model.spec} always thinks; its thinking cannot be set",
        )
    style, entry = _wire_entry(model.provider, protocol, options.style)
    if entry is None:
        return ThinkingPlan(
            max_tokens=max_tokens,
            label="n/a",
            clamped=level is not ThinkingLevel.OFF,
            reason=f"no way to control thinking of {model.spec} over the {protocol} protocol",
        )
    if level is ThinkingLevel.OFF:
        return _plan_off(model, protocol, options, style, entry, max_tokens)
    return _plan_on(model, options, style, entry, level, max_tokens, requested=level)


def apply_thinking(request: ChatRequest, model: ModelInfo, protocol: Protocol) -> ThinkingPlan:
    """Map ``request.thinking`` for ``model`` and write the result into ``request``.

    Merges the thinking fields into ``request.body_overrides``, sets ``request.max_tokens``
    to the plan's value and sets ``request.drop_temperature`` when thinking forbids it.
    """
    plan = map_thinking(model, protocol, request.thinking, request.max_tokens)
    deep_merge(request.body_overrides, copy.deepcopy(plan.body_overrides))
    request.max_tokens = plan.max_tokens
    if plan.drop_temperature:
        request.drop_temperature = True
    return plan


# --- internals ------------------------------------------------------------------------------


def _wire_entry(provider: str, protocol: Protocol, style: str) -> tuple[str, dict[str, Any] | None]:
    protocols = (protocol, PROTOCOL_FALLBACK.get(protocol, protocol))
    seen: set[str] = set()
    while style not in seen:
        seen.add(style)
        for proto in protocols:
            entry = WIRE.get((provider, proto, style)) or WIRE.get(("*", proto, style))
            if entry is not None:
                return style, entry
        style = _FALLBACK_STYLE.get(style, style)
    return style, None


def _plan_off(
    model: ModelInfo,
    protocol: Protocol,
    options: ThinkingOptions,
    style: str,
    entry: dict[str, Any],
    max_tokens: int | None,
) -> ThinkingPlan:
    if not options.can_disable:
        lowest = _lowest_level(options, style)
        plan = _plan_on(
            model, options, style, entry, lowest, max_tokens, requested=ThinkingLevel.OFF
        )
        plan.clamped = True
        plan.reason = f"{model.spec} cannot turn thinking off; using its lowest setting"
        return plan
    # effort "none" is the off switch only where the model lists it; otherwise the
    # provider's toggle turns thinking off
    own_off = "off" in entry and (style != "effort" or "none" in options.efforts)
    template = entry["off"] if own_off else _toggle_off(model.provider, protocol)
    body = _fill(template, {}) if template else {}
    return ThinkingPlan(body_overrides=body, max_tokens=max_tokens, label="off")


def _toggle_off(provider: str, protocol: Protocol) -> Any:
    _, toggle = _wire_entry(provider, protocol, "toggle")
    return toggle.get("off") if toggle else None


def _lowest_level(options: ThinkingOptions, style: str) -> ThinkingLevel:
    if style in ("effort", "level", "adaptive"):
        usable = [e for e in options.efforts if e != "none" and e in EFFORT_RANK]
        if usable:
            lowest = min(usable, key=EFFORT_RANK.__getitem__)
            for level, name in EFFORT_FOR_LEVEL.items():
                if EFFORT_RANK[name] >= EFFORT_RANK[lowest]:
                    return level
    return ThinkingLevel.MINIMAL


def _plan_on(
    model: ModelInfo,
    options: ThinkingOptions,
    style: str,
    entry: dict[str, Any],
    level: ThinkingLevel,
    max_tokens: int | None,
    requested: ThinkingLevel,
) -> ThinkingPlan:
    drop_temperature = bool(entry.get("drop_temperature"))
    clamp_note = f"(clamped from {requested.value})"
    if style in ("effort", "level", "adaptive"):
        wanted = EFFORT_FOR_LEVEL[level]
        chosen = _nearest_effort(wanted, options.efforts)
        if chosen is None:  # an effort model that lists no usable values: just turn it on
            return _plan_toggle_on(model, entry, max_tokens, drop_temperature, requested)
        clamped = chosen != wanted or requested is ThinkingLevel.OFF
        values = {"$effort": chosen, "$level": chosen.upper()}
        name = {"effort": "effort", "level": "level", "adaptive": "adaptive, effort"}[style]
        label = f"{name} {chosen}" + (f" {clamp_note}" if clamped else "")
        reason = None
        if clamped and requested is not ThinkingLevel.OFF:
            listed = ", ".join(e for e in options.efforts if e != "none")
            reason = f"{model.spec} accepts {listed}"
        return ThinkingPlan(
            body_overrides=_fill(entry["on"], values),
            max_tokens=max_tokens,
            drop_temperature=drop_temperature,
            label=label,
            clamped=clamped,
            reason=reason,
        )
    if style == "budget":
        return _plan_budget(model, options, entry, level, max_tokens, drop_temperature, requested)
    return _plan_toggle_on(model, entry, max_tokens, drop_temperature, requested)


def _plan_toggle_on(
    model: ModelInfo,
    entry: dict[str, Any],
    max_tokens: int | None,
    drop_temperature: bool,
    requested: ThinkingLevel,
) -> ThinkingPlan:
    clamped = requested is ThinkingLevel.OFF
    return ThinkingPlan(
        body_overrides=_fill(entry["on"], {"$on": True}),
        max_tokens=max_tokens,
        drop_temperature=drop_temperature,
        label="on (clamped from off)" if clamped else "on",
        clamped=clamped,
        reason=f"{model.spec} cannot turn thinking off" if clamped else None,
    )


def _plan_budget(
    model: ModelInfo,
    options: ThinkingOptions,
    entry: dict[str, Any],
    level: ThinkingLevel,
    max_tokens: int | None,
    drop_temperature: bool,
    requested: ThinkingLevel,
) -> ThinkingPlan:
    below_max_tokens = bool(entry.get("budget_below_max_tokens"))
    low = max(options.budget_min or 1, entry.get("min_budget", 1))
    high = options.budget_max
    if below_max_tokens and model.max_output:
        cap = model.max_output - 1  # the budget must stay below max_tokens ≤ max_output
        high = min(high, cap) if high else cap
    wanted = low if requested is ThinkingLevel.OFF else BUDGET_FOR_LEVEL[level]
    budget = max(low, wanted)
    if high is not None:
        budget = min(budget, high)
    new_max = max_tokens
    if below_max_tokens and (new_max is None or new_max <= budget):
        new_max = budget + ANSWER_ROOM_TOKENS
        if model.max_output:
            new_max = min(new_max, model.max_output)
    label = f"budget {budget:,} tokens"
    reason = None
    if requested is ThinkingLevel.OFF:
        label += " (clamped from off)"
    elif budget != wanted:
        label += f" (clamped from {wanted:,})"
        upper = f"{high:,}" if high is not None else "no limit"
        reason = f"{model.spec} accepts a thinking budget of {low:,} to {upper}"
    return ThinkingPlan(
        body_overrides=_fill(entry["on"], {"$budget": budget}),
        max_tokens=new_max,
        drop_temperature=drop_temperature,
        label=label,
        clamped=requested is ThinkingLevel.OFF or budget != wanted,
        reason=reason,
    )


def _nearest_effort(wanted: str, efforts: tuple[str, ...]) -> str | None:
    usable = [e for e in efforts if e != "none" and e in EFFORT_RANK]
    if not usable:
        return None
    if wanted in usable:
        return wanted
    target = EFFORT_RANK[wanted]
    # nearest rank; on a tie prefer the higher setting
    return min(usable, key=lambda e: (abs(EFFORT_RANK[e] - target), -EFFORT_RANK[e]))


def _fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, str) and template in values:
        return values[template]
    if template == "$on":
        return values.get("$on", True)
    return template
