"""Rate-limit headroom parsed from each provider's response headers (issue 17 item 3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from playground.adapters.rate_limits import MAX_RESET_S, RateLimits, parse_rate_limits

NOW = datetime(2026, 12, 4, 21, 0, 0, tzinfo=UTC).timestamp()


def test_openai_headers_with_go_durations() -> None:
    limits = parse_rate_limits(
        {
            "x-ratelimit-limit-requests": "60",
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-tokens": "149984",
            "x-ratelimit-reset-tokens": "6m0s",
        },
        now=NOW,
    )
    assert limits == RateLimits(60, 59, 1.0, 150_000, 149_984, 360.0)
    assert limits.summary() == "requests 59/60 (reset 1 s) · tokens 149,984/150,000 (reset 6 min)"


def test_groq_fractional_and_millisecond_resets() -> None:
    limits = parse_rate_limits(
        {
            "X-RateLimit-Limit-Requests": "14400",
            "X-RateLimit-Remaining-Requests": "14370",
            "X-RateLimit-Reset-Requests": "2m59.56s",
            "X-RateLimit-Remaining-Tokens": "5997",
            "X-RateLimit-Reset-Tokens": "20ms",
        },
        now=NOW,
    )
    assert limits is not None
    assert (limits.requests_remaining, limits.requests_reset_s) == (14_370, 179.56)
    assert (limits.tokens_limit, limits.tokens_remaining, limits.tokens_reset_s) == (
        None,
        5997,
        0.02,
    )


def test_openrouter_request_limit_with_a_millisecond_epoch_reset() -> None:
    reset_ms = int((NOW + 42) * 1000)
    limits = parse_rate_limits(
        {
            "X-RateLimit-Limit": "20",
            "X-RateLimit-Remaining": "18",
            "X-RateLimit-Reset": str(reset_ms),
        },
        now=NOW,
    )
    assert limits == RateLimits(requests_limit=20, requests_remaining=18, requests_reset_s=42.0)


def test_anthropic_headers_with_rfc3339_resets() -> None:
    limits = parse_rate_limits(
        {
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "49",
            "anthropic-ratelimit-requests-reset": "2026-12-04T21:00:01Z",
            "anthropic-ratelimit-tokens-limit": "40000",
            "anthropic-ratelimit-tokens-remaining": "39000",
            "anthropic-ratelimit-tokens-reset": "2026-12-04T21:00:30+00:00",
        },
        now=NOW,
    )
    assert limits == RateLimits(50, 49, 1.0, 40_000, 39_000, 30.0)


def test_retry_after_seconds_and_dates_are_capped() -> None:
    assert parse_rate_limits({"retry-after": "7"}, now=NOW) == RateLimits(retry_after_s=7.0)
    far = parse_rate_limits({"retry-after": "inf"}, now=NOW)
    assert far is not None and far.retry_after_s == 600.0


@pytest.mark.parametrize(
    "headers",
    [
        {"x-ratelimit-reset-requests": "1e308"},
        {"x-ratelimit-remaining-requests": "1", "x-ratelimit-reset-requests": "9999999h"},
        {
            "anthropic-ratelimit-tokens-remaining": "1",
            "anthropic-ratelimit-tokens-reset": "2099-01-01T00:00:00Z",
        },
        {"x-ratelimit-remaining": "1", "x-ratelimit-reset": "inf"},
    ],
)
def test_hostile_resets_stay_finite_and_capped(headers: dict[str, str]) -> None:
    limits = parse_rate_limits(headers, now=NOW)
    assert limits is not None
    text = json.dumps(limits.to_json(), allow_nan=False)
    resets = [v for k, v in limits.to_json().items() if k.endswith("reset_s") and v is not None]
    assert resets and all(0 <= v <= MAX_RESET_S for v in resets), text


def test_garbage_values_become_unknown_not_errors() -> None:
    limits = parse_rate_limits(
        {
            "x-ratelimit-remaining-requests": "lots",
            "x-ratelimit-limit-requests": "-3",
            "x-ratelimit-reset-requests": "soon",
        },
        now=NOW,
    )
    assert limits is None


def test_no_rate_limit_headers_is_none() -> None:
    assert parse_rate_limits({"content-type": "application/json"}) is None


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/openai/v1/models", {"authorization": "Bearer sk-sim"}),
        ("/anthropic/v1/models", {"x-api-key": "sk-sim", "anthropic-version": "2023-06-01"}),
    ],
)
def test_the_simulators_headers_parse(sim_url: str, path: str, headers: dict[str, str]) -> None:
    import httpx

    response = httpx.get(sim_url + path, headers=headers, timeout=5)
    limits = parse_rate_limits(response.headers)
    assert limits is not None and limits.requests_remaining and limits.tokens_remaining
    assert limits.requests_limit > limits.requests_remaining
    assert 0 <= limits.requests_reset_s <= 61
