"""What ``playground ask`` puts on the wire, checked with a loopback capture server
(issue 4: the thinking level reaches real providers' request formats; issue 2: a replayed
recorded stream prints the right events; multi-turn history is sent)."""

from __future__ import annotations

import json

import pytest

from tests.adapters.replay import load_cassette
from tests.cli.minimal_streams import REPLIES

FAKE_KEYS = {
    "anthropic": ("ANTHROPIC_API_KEY", "sk-ant-api03-" + "a" * 80 + "QQAA"),
    "openai": ("OPENAI_API_KEY", "sk-proj-" + "b" * 40 + "Zz9x"),
    "gemini": ("GEMINI_API_KEY", "AIza" + "c" * 35),
}

CASES = [
    # spec, family, level, check of the captured body
    (
        "anthropic/claude-sonnet-4-5",
        "anthropic",
        "medium",
        lambda b: (
            b["thinking"]["type"] == "enabled"
            and 1024 <= b["thinking"]["budget_tokens"] < b["max_tokens"]
            and "temperature" not in b
        ),
    ),
    ("anthropic/claude-sonnet-4-5", "anthropic", "off", lambda b: "thinking" not in b),
    ("openai/o4-mini", "openai", "high", lambda b: b["reasoning_effort"] == "high"),
    ("openai/o4-mini", "openai", "medium", lambda b: b["reasoning_effort"] == "medium"),
    (
        "gemini/gemini-2.5-flash",
        "gemini",
        "medium",
        lambda b: (
            b["generationConfig"]["thinkingConfig"]["thinkingBudget"] > 0
            and b["generationConfig"]["thinkingConfig"]["includeThoughts"] is True
        ),
    ),
    (
        "gemini/gemini-2.5-flash",
        "gemini",
        "off",
        lambda b: b["generationConfig"]["thinkingConfig"]["thinkingBudget"] == 0,
    ),
    (
        "gemini/gemini-3-pro-preview",
        "gemini",
        "high",
        lambda b: b["generationConfig"]["thinkingConfig"]["thinkingLevel"] in ("HIGH", "high"),
    ),
    (
        "gemini/gemini-3-pro-preview",
        "gemini",
        "low",
        lambda b: b["generationConfig"]["thinkingConfig"]["thinkingLevel"] in ("LOW", "low"),
    ),
    ("ollama/qwen3", "ollama", "medium", lambda b: b["think"] is True),
    ("ollama/qwen3", "ollama", "off", lambda b: b.get("think") in (False, None)),
]


def _config_for(family: str, base_url: str) -> str:
    base = f"{base_url}/v1" if family == "openai" else base_url
    return f'[providers.{family}]\nbase_url = "{base}"\n'


@pytest.mark.parametrize(("spec", "family", "level", "check"), CASES)
def test_thinking_level_reaches_the_providers_wire_format(
    ask, capture, write_config, monkeypatch, spec, family, level, check
) -> None:
    if family in FAKE_KEYS:
        monkeypatch.setenv(*FAKE_KEYS[family])
    capture.queue(REPLIES[family])
    config = write_config(_config_for(family, capture.base_url))
    result = ask("--config", config, "-m", spec, "--thinking", level, "--json", "think about it")
    assert result.code == 0, (result.out, result.err)
    assert result.text() == "ok"
    (request,) = capture.requests
    body = request.json()
    assert check(body), json.dumps(body)[:400]


def test_anthropic_request_uses_the_key_from_the_environment(
    ask, capture, write_config, monkeypatch
) -> None:
    name, key = FAKE_KEYS["anthropic"]
    monkeypatch.setenv(name, key)
    capture.queue(REPLIES["anthropic"])
    config = write_config(_config_for("anthropic", capture.base_url))
    result = ask("--config", config, "-m", "anthropic/claude-sonnet-4-5", "--json", "hi")
    assert result.code == 0, result.err
    (request,) = capture.requests
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == key
    assert key not in result.out + result.err


def _expected_openai(body: bytes) -> tuple[str, dict[int, tuple[str, str]], dict, str]:
    """Assemble a recorded OpenAI stream independently of the adapter."""
    text, calls, usage, finish = [], {}, {}, ""
    for line in body.decode().splitlines():
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        chunk = json.loads(line[6:])
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices", []):
            delta = choice.get("delta", {})
            text.append(delta.get("content") or "")
            for call in delta.get("tool_calls") or []:
                name, args = calls.get(call["index"], ("", ""))
                function = call.get("function", {})
                calls[call["index"]] = (
                    name + (function.get("name") or ""),
                    args + (function.get("arguments") or ""),
                )
            finish = choice.get("finish_reason") or finish
    return "".join(text), calls, usage, finish


def test_ask_json_on_a_replayed_recorded_openai_stream(
    ask, capture, write_config, monkeypatch
) -> None:
    interaction = load_cassette("recorded/TestOpenAICommon/openai-gpt-5/tool_streaming.yaml")[0]
    capture.queue(interaction.reply)
    monkeypatch.setenv(*FAKE_KEYS["openai"])
    config = write_config(_config_for("openai", capture.base_url))
    result = ask("--config", config, "-m", "openai/gpt-5", "--json", "what's the weather?")
    assert result.code == 0, result.err
    text, calls, usage, finish = _expected_openai(interaction.reply.body)
    assert result.text() == text
    tool_calls = result.of_type("tool_call")
    assert [(c["name"], c["arguments"]) for c in tool_calls] == [
        (name, json.loads(args)) for name, args in (calls[i] for i in sorted(calls))
    ]
    assert finish == "tool_calls"
    done = result.of_type("done")[-1]
    assert done["stop_reason"] == "tool_use" and done["answered_by"] == "openai/gpt-5"
    reported = result.of_type("usage")[-1]
    assert reported["input_tokens"] == usage["prompt_tokens"]
    assert reported["output_tokens"] == usage["completion_tokens"]
    assert reported["reasoning_tokens"] == usage["completion_tokens_details"]["reasoning_tokens"]
    assert result.events[-1]["type"] == "done"
    (request,) = capture.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {FAKE_KEYS['openai'][1]}"
    assert FAKE_KEYS["openai"][1] not in result.out


def test_second_key_reaches_the_server_after_the_first_gets_429(ask, capture, write_config) -> None:
    from tests.adapters.replay import Reply

    first, second = "sk-proj-" + "1" * 40 + "K1K1", "sk-proj-" + "2" * 40 + "K2K2"
    rate_limited = Reply(
        b'{"error": {"message": "Rate limit reached", "type": "requests"}}',
        status=429,
        content_type="application/json",
    )
    capture.queue(rate_limited, REPLIES["openai"])
    config = write_config(
        f'[providers.openai]\nbase_url = "{capture.base_url}/v1"\n'
        f'api_keys = ["{first}", "{second}"]\n[reliability]\nretries = 0\n'
    )
    result = ask("--config", config, "-m", "openai/gpt-4o-mini", "--json", "hi")
    assert result.code == 0, result.err
    assert [r.headers["authorization"] for r in capture.requests] == [
        f"Bearer {first}",
        f"Bearer {second}",
    ]
    (rotated,) = result.of_type("key_rotated")
    assert rotated["provider"] == "openai" and rotated["key"].endswith("K2K2")
    assert first not in result.out and second not in result.out
    assert result.text() == "ok"
