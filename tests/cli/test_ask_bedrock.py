"""``playground ask -m bedrock/…`` end to end against the simulator's Bedrock family."""

from __future__ import annotations

import pytest

from tests.cli.conftest import sim_model

pytestmark = pytest.mark.usefixtures("no_aws")

BEDROCK_KEY = "ABSK" + "c2ltdWxhdGVkLWJlZHJvY2sta2V5" * 3


@pytest.fixture
def no_aws(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real AWS files, variables or metadata endpoint can leak into these tests."""
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEDROCK_KEY)


@pytest.fixture
def bedrock_config(write_config, sim_url: str):
    def config(extra: str = "") -> str:
        return write_config(f'[providers.bedrock]\nbase_url = "{sim_url}/bedrock"\n{extra}')

    return config


def test_echo_streams_through_converse(ask, bedrock_config) -> None:
    result = ask(
        "--config", bedrock_config(), "-m", sim_model("bedrock", "echo"), "--json", "hello there"
    )
    assert result.code == 0, result.err
    assert result.text() == "hello there"
    [usage] = result.of_type("usage")
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    [done] = result.of_type("done")
    assert done["stop_reason"] == "stop"
    assert BEDROCK_KEY not in result.out + result.err


def test_thinking_budget_reaches_the_simulator(ask, bedrock_config) -> None:
    extra = (
        '[providers.bedrock.models."thinker"]\nthinking = true\n'
        "thinking_budget_min = 1024\nthinking_budget_max = 32000\nmax_output = 64000\n"
    )
    config = bedrock_config(extra)
    result = ask(
        "--config", config, "-m", "bedrock/thinker", "--thinking", "medium", "--json", "why?"
    )
    assert result.code == 0, result.err
    assert "".join(e["text"] for e in result.of_type("thinking"))
    assert result.text()


def test_tool_call_round_trip(ask, bedrock_config) -> None:
    """The tool call, its result sent back as a Converse toolResult, and the final answer."""
    spec = sim_model("bedrock", "tools")
    result = ask(
        "--config", bedrock_config(), "-m", spec, "--tools", "demo", "--json", "weather in Paris?"
    )
    assert result.code == 0, result.err
    [call] = result.of_type("tool_call")
    assert call["name"] and isinstance(call["arguments"], dict)
    assert len(result.of_type("tool_result")) == 1
    assert len(result.of_type("attempt")) == 2  # the second turn carried the result
    assert result.text()
    assert result.of_type("done")[-1]["stop_reason"] == "stop"


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("429", "rate_limited"),
        ("503", "overloaded"),
        ("401", "auth"),
        ("400ctx", "context_length"),
        ("midstream_error", "server"),
        ("malformed", "protocol"),
        ("cutoff", "network"),
    ],
)
def test_faults_reach_the_user_typed(ask, bedrock_config, fault: str, kind: str) -> None:
    config = bedrock_config("[reliability]\nretries = 0\n")
    spec = sim_model("bedrock", "lorem", fail=fault, tokens=20)
    result = ask("--config", config, "-m", spec, "--json", "hi")
    assert result.code == 1, result.out
    [error] = result.of_type("error")
    assert error["kind"] == kind, error
    assert "\n" not in error["message"]


def test_throttling_is_retried_then_answers(ask, bedrock_config) -> None:
    spec = sim_model("bedrock", "echo", fail=429, fail_times=1, retry_after=0.01)
    result = ask("--config", bedrock_config(), "-m", spec, "--json", "again")
    assert result.code == 0, result.err
    [retry] = result.of_type("retry")
    assert retry["source"] == "retry_after" and retry["delay_s"] == pytest.approx(0.01, abs=0.01)
    assert result.text() == "again"
