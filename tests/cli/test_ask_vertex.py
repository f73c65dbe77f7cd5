"""``playground ask -m vertex/…`` and ``vertex-anthropic/…`` end to end against the simulator."""

from __future__ import annotations

import httpx
import pytest

from tests.cli.conftest import sim_model

TOKEN = "ya29.a0-simulated-vertex-access-token-0123456789"
PROVIDERS = ("vertex", "vertex-anthropic")
FAST_THINKER = "thinker?tps=0&ttft_ms=0"


@pytest.fixture
def vertex_config(write_config, sim_url: str):
    """Both Vertex providers pointed at the simulator, with an access token and a project."""

    def config(extra: str = "") -> str:
        tables = "".join(
            f'[providers.{slug}]\nbase_url = "{sim_url}/vertex"\nproject = "sim-project"\n'
            f'location = "europe-west4"\napi_key = "{TOKEN}"\n'
            for slug in PROVIDERS
        )
        return write_config(tables + extra)

    return config


@pytest.mark.parametrize("provider", PROVIDERS)
def test_echo_streams_through_vertex(ask, vertex_config, sim_url: str, provider: str) -> None:
    result = ask(
        "--config", vertex_config(), "-m", sim_model(provider, "echo"), "--json", "hello there"
    )
    assert result.code == 0, result.err
    assert result.text() == "hello there"
    usage = result.of_type("usage")[-1]
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    [done] = result.of_type("done")
    assert done["stop_reason"] == "stop"
    assert TOKEN not in result.out + result.err
    logged = httpx.get(f"{sim_url}/_sim/requests").json()["requests"][-1]
    publisher = "anthropic" if provider == "vertex-anthropic" else "google"
    assert logged["family"] == provider
    assert logged["path"].startswith(
        f"/vertex/v1/projects/sim-project/locations/europe-west4/publishers/{publisher}/models/"
    )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_thinking_reaches_the_simulator(ask, vertex_config, provider: str) -> None:
    extra = (
        f'[providers.{provider}.models."{FAST_THINKER}"]\nthinking = true\n'
        "thinking_budget_min = 1024\nthinking_budget_max = 32000\nmax_output = 64000\n"
    )
    result = ask(
        "--config",
        vertex_config(extra),
        "-m",
        f"{provider}/{FAST_THINKER}",
        "--thinking",
        "medium",
        "--json",
        "why?",
    )
    assert result.code == 0, result.err
    assert "".join(e["text"] for e in result.of_type("thinking"))
    assert result.text()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_tool_call_round_trip(ask, vertex_config, provider: str) -> None:
    spec = sim_model(provider, "tools")
    result = ask(
        "--config", vertex_config(), "-m", spec, "--tools", "demo", "--json", "weather in Paris?"
    )
    assert result.code == 0, result.err
    [call] = result.of_type("tool_call")
    assert call["name"] and isinstance(call["arguments"], dict)
    assert len(result.of_type("attempt")) == 2  # the second turn carried the result
    assert result.text()


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("429", "rate_limited"),
        ("503", "overloaded"),
        ("401", "auth"),
        ("403", "auth"),
        ("400ctx", "context_length"),
        ("midstream_error", "overloaded"),
        ("malformed", "protocol"),
        ("cutoff", "network"),
    ],
)
def test_faults_reach_the_user_typed(
    ask, vertex_config, provider: str, fault: str, kind: str
) -> None:
    config = vertex_config("[reliability]\nretries = 0\n")
    spec = sim_model(provider, "lorem", fail=fault, tokens=20)
    result = ask("--config", config, "-m", spec, "--json", "hi")
    assert result.code == 1, result.out
    [error] = result.of_type("error")
    assert error["kind"] == kind, error
    assert "\n" not in error["message"] and TOKEN not in error["message"]


def test_fault_header_works_for_vertex(ask, write_config, sim_url: str) -> None:
    """SDKs that validate model names send the fault as ``x-sim-fault``: it works here too."""
    config = write_config(
        f'[providers.vertex]\nbase_url = "{sim_url}/vertex"\nproject = "p"\nauth = "none"\n'
        'headers = { x-sim-fault = "fail=401" }\n[reliability]\nretries = 0\n'
    )
    result = ask("--config", config, "-m", "vertex/echo", "--json", "hi")
    assert result.code == 1
    [error] = result.of_type("error")
    assert error["kind"] == "auth" and error["status"] == 401


def test_quota_is_retried_then_answers(ask, vertex_config) -> None:
    spec = sim_model("vertex-anthropic", "echo", fail=429, fail_times=1, retry_after=0.01)
    result = ask("--config", vertex_config(), "-m", spec, "--json", "again")
    assert result.code == 0, result.err
    [retry] = result.of_type("retry")
    assert retry["source"] == "retry_after"
    assert result.text() == "again"
