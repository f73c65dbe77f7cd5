"""Key format checks: matching, look-alikes, pasted junk, truncation; never the full key."""

from __future__ import annotations

import pytest

from playground.credentials import check_format
from playground.credentials.format_check import literal_prefix, pattern_length

GROQ = "gsk_" + "A1b2" * 13
OPENROUTER = "sk-or-v1-" + "0123456789abcdef" * 4
ANTHROPIC_OAUTH = "sk-ant-oat01-" + "x" * 80


def test_a_key_of_the_right_shape_passes(provider) -> None:
    result = check_format(provider("groq"), GROQ)
    assert result.ok is True
    assert "Groq key" in result.message


def test_a_key_of_another_provider_is_named(provider, catalog) -> None:
    result = check_format(provider("openai"), OPENROUTER, catalog)
    assert result.ok is False
    assert result.message == ("this looks like an OpenRouter key (sk-or-v1-…), not an OpenAI key")


def test_anthropic_oauth_token_is_recognised_under_anthropic(provider) -> None:
    assert check_format(provider("anthropic"), ANTHROPIC_OAUTH).ok is True


def test_truncated_and_overlong_keys(provider, catalog) -> None:
    short = check_format(provider("groq"), GROQ[:30], catalog)
    assert short.ok is False
    assert "truncated: 30 chars" in short.message and "56 chars" in short.message
    long = check_format(provider("groq"), GROQ + GROQ[4:10], catalog)
    assert long.ok is False
    assert "too long" in long.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (GROQ + "\n", "line break around it"),
        ("  " + GROQ, "spaces around it"),
        (f'"{GROQ}"', "wrapped in quotes"),
        (f"‘{GROQ}’", "wrapped in quotes"),
        (GROQ[:20] + " " + GROQ[20:], "contains a space"),
        (GROQ[:20] + "\u200b" + GROQ[20:], "invisible"),
        ("", "empty"),
    ],
)
def test_pasted_junk_is_explained(provider, catalog, raw: str, expected: str) -> None:
    result = check_format(provider("groq"), raw, catalog)
    assert result.ok is False
    assert expected in result.message


def test_provider_without_a_known_format_says_so(provider) -> None:
    result = check_format(provider("ollama"), "anything-goes")
    assert result.ok is None
    assert "no known key format" in result.message


def test_messages_never_contain_the_key(provider, catalog) -> None:
    for slug in ("openai", "groq", "anthropic", "mistral", "gemini"):
        for key in (GROQ, OPENROUTER, ANTHROPIC_OAUTH, "gsk_" + "z" * 60, "weird-" * 8):
            message = check_format(provider(slug), key, catalog).message
            assert key not in message


def test_pattern_helpers() -> None:
    assert literal_prefix(r"sk-or-v1-[0-9a-f]{64}") == "sk-or-v1-"
    assert literal_prefix(r"^gsk_[a-z]{52}$") == "gsk_"
    assert literal_prefix(r"abc?d") == "ab"
    assert pattern_length(r"gsk_[a-zA-Z0-9]{52}") == (56, 56)
    assert pattern_length(r"sk-[a-z]+")[1] is None
