"""``playground ask`` against the simulated provider: every family, thinking, tools, vision,
retries and fallbacks, exit codes — the DESIGN's headless CLI contract."""

from __future__ import annotations

import base64

import pytest

from tests.cli.conftest import sim_model

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

pytestmark = pytest.mark.usefixtures("sim_env")

FAMILIES = ["sim", "sim-anthropic", "sim-gemini", "sim-ollama"]


@pytest.mark.parametrize("provider", FAMILIES)
def test_echo_streams_text_then_usage_and_done(ask, provider: str) -> None:
    model = sim_model(provider, "echo")
    result = ask("-m", model, "--json", "hello there")
    assert result.code == 0, result.err
    assert result.text() == "hello there"
    events = result.events
    assert all(e["pane"] == 0 and e["model"] == model for e in events)
    assert events[-1]["type"] == "done"
    done = events[-1]
    assert done["stop_reason"] == "stop"
    assert done["answered_by"] == model
    assert done["ttft_ms"] is not None and done["ttft_ms"] >= 0
    assert "tokens_per_s" in done and "cost_usd" in done
    usage = result.of_type("usage")
    assert usage and usage[-1]["output_tokens"] > 0
    assert {"input_tokens", "reasoning_tokens", "cache_read_tokens"} <= usage[-1].keys()
    assert result.of_type("attempt")[0]["candidate"] == model


def test_two_panes_stream_concurrently_with_their_own_pane_index(ask) -> None:
    echo, thinker = sim_model("sim", "echo"), sim_model("sim-anthropic", "thinker")
    result = ask("-m", echo, "-m", thinker, "--json", "hello there")
    assert result.code == 0, result.err
    assert result.text(0) == "hello there"
    assert "hello there" in result.text(1)
    assert {e["model"] for e in result.events} == {echo, thinker}
    assert len(result.of_type("done")) == 2


RECEIVED = {
    "sim": {"low": "reasoning_effort=low", "high": "reasoning_effort=high"},
    "sim-anthropic": {"low": "budget_tokens=4096", "high": "budget_tokens=1"},
    "sim-gemini": {"low": "thinkingBudget=4096", "high": "thinkingBudget=16384"},
    "sim-ollama": {"low": "think=true", "high": "think=true"},
}
"""What the simulator says it received, per family and level (the wire mapping at work)."""


@pytest.mark.parametrize("provider", FAMILIES)
@pytest.mark.parametrize("level", ["off", "low", "high"])
def test_thinking_level_reaches_the_server(ask, provider: str, level: str) -> None:
    result = ask(
        "-m", sim_model(provider, "thinker"), "--thinking", level, "--json", "why is the sky blue"
    )
    assert result.code == 0, result.err
    answer = result.text()
    thinking = "".join(e["text"] for e in result.of_type("thinking"))
    assert "Thinking setting received:" in answer
    if level == "off":
        assert "Thinking is off" in answer
        assert thinking == ""
    else:
        assert "I thought for" in answer
        assert thinking
        assert RECEIVED[provider][level] in answer


def test_more_thinking_for_a_higher_level(ask) -> None:
    low = ask("-m", sim_model("sim-anthropic", "thinker"), "--thinking", "low", "--json", "q")
    high = ask("-m", sim_model("sim-anthropic", "thinker"), "--thinking", "high", "--json", "q")
    low_chars = sum(len(e["text"]) for e in low.of_type("thinking"))
    high_chars = sum(len(e["text"]) for e in high.of_type("thinking"))
    assert high_chars > low_chars > 0


@pytest.mark.parametrize("provider", FAMILIES)
def test_demo_tools_run_locally_and_the_result_goes_back(ask, provider: str) -> None:
    result = ask("-m", sim_model(provider, "tools"), "--tools", "demo", "--json", "what is 2+2?")
    assert result.code == 0, result.err
    calls = result.of_type("tool_call")
    results = result.of_type("tool_result")
    assert len(calls) == 1 and calls[0]["name"] == "calculator"
    assert isinstance(calls[0]["arguments"], dict)
    assert results[0]["id"] == calls[0]["id"] and results[0]["name"] == "calculator"
    assert f"The calculator tool returned: {results[0]['content']}" in result.text()
    done = result.of_type("done")
    assert len(done) == 1 and done[0]["stop_reason"] == "stop" and done[0]["steps"] == 2


def test_user_tools_are_shown_not_executed(ask, tmp_path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(
        '[{"name": "lookup", "description": "look up a word", "parameters": '
        '{"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}]'
    )
    result = ask("-m", sim_model("sim", "tools"), "--tools", str(tools), "--json", "define cat")
    assert result.code == 0, result.err
    assert result.of_type("tool_call")[0]["name"] == "lookup"
    assert result.of_type("tool_result") == []
    assert result.of_type("done")[0]["stop_reason"] == "tool_use"


@pytest.mark.parametrize("provider", FAMILIES)
def test_vision_model_sees_the_attached_image(ask, tmp_path, provider: str) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(PNG)
    result = ask(
        "-m", sim_model(provider, "vision"), "--image", str(image), "--json", "what is this?"
    )
    assert result.code == 0, result.err
    assert f"image/png, {len(PNG)} bytes" in result.text()


def test_image_to_a_model_without_vision_is_refused_before_sending(ask, tmp_path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(PNG)
    result = ask("-m", sim_model("sim", "echo"), "--image", str(image), "--json", "what is this?")
    assert result.code == 1
    assert [e["type"] for e in result.events] == ["error"]
    assert "vision" in result.events[0]["message"] or "image" in result.events[0]["message"]


def test_rate_limit_is_retried_after_the_servers_retry_after(ask) -> None:
    model = sim_model("sim", "echo", fail=429, fail_times=2, retry_after=1)
    result = ask("-m", model, "--json", "hello again")
    assert result.code == 0, result.err
    retries = result.of_type("retry")
    assert len(retries) == 2
    assert all(r["source"] == "retry_after" for r in retries)
    assert all(0.9 <= r["delay_s"] <= 1.1 for r in retries)
    assert result.events[-1]["type"] == "done"
    assert result.text() == "hello again"


def test_route_whose_first_model_fails_falls_back(ask, write_config) -> None:
    failing, healthy = sim_model("sim", "echo", fail=503), sim_model("sim-anthropic", "echo")
    config = write_config(
        f'[routes.resilient]\nmodels = ["{failing}", "{healthy}"]\n[reliability]\nretries = 0\n'
    )
    result = ask("--config", config, "-m", "resilient", "--json", "still here")
    assert result.code == 0, result.err
    fallback = result.of_type("fallback")
    assert fallback and fallback[0]["from"] == failing
    assert fallback[0]["to"] == healthy
    done = result.of_type("done")[0]
    assert done["answered_by"] == healthy and done["hop"] == 2
    assert result.text() == "still here"


def test_failure_after_all_fallbacks_exits_1(ask, write_config) -> None:
    config = write_config("[reliability]\nretries = 0\n")
    result = ask("--config", config, "-m", sim_model("sim", "echo", fail=401), "--json", "hi")
    assert result.code == 1
    error = result.events[-1]
    assert error["type"] == "error" and error["kind"] == "auth" and error["status"] == 401
    assert {"message", "retryable", "after_output"} <= error.keys()


def test_plain_output_has_text_and_a_metrics_footer(ask) -> None:
    result = ask("-m", sim_model("sim", "echo"), "hello plain world")
    assert result.code == 0, result.err
    assert "hello plain world" in result.out
    assert "✓ done" in result.out and "TTFT" in result.out


def test_plain_output_of_several_panes_has_one_section_each(ask) -> None:
    result = ask("-m", sim_model("sim", "echo"), "-m", sim_model("sim-gemini", "echo"), "two panes")
    assert result.code == 0, result.err
    assert "[1] sim/echo?" in result.out and "[2] sim-gemini/echo?" in result.out
    assert result.out.count("two panes") == 2
    assert result.out.count("✓ done") == 2


def test_plain_output_shows_retries_and_errors_in_one_line(ask) -> None:
    model = sim_model("sim", "echo", fail=429, fail_times=1, retry_after=0.01)
    result = ask("-m", model, "hi")
    assert result.code == 0
    assert f"retry {model} in" in result.out


def test_failure_after_output_keeps_the_partial_answer_and_falls_back(ask, write_config) -> None:
    cut = sim_model("sim", "lorem", fail="cutoff", tokens=40)
    healthy = sim_model("sim-anthropic", "echo")
    config = write_config(f'[routes.cut]\nmodels = ["{cut}", "{healthy}"]\n')
    result = ask("--config", config, "-m", "cut", "--json", "fresh answer")
    assert result.code == 0, result.err
    types = [e["type"] for e in result.events]
    error_at, fallback_at = types.index("error"), types.index("fallback")
    assert fallback_at > error_at
    between = {t for t in types[error_at + 1 : fallback_at]}
    assert between <= {"cooldown", "circuit_open"}
    assert result.events[error_at]["after_output"] is True
    partial = "".join(e["text"] for e in result.events[:error_at] if e["type"] == "text")
    assert partial  # output had been shown before the cut
    after = "".join(e["text"] for e in result.events[fallback_at:] if e["type"] == "text")
    assert after == "fresh answer"
    assert result.events[-1]["type"] == "done"
    assert result.events[-1]["answered_by"] == healthy


def test_image_is_never_sent_to_a_fallback_without_vision(ask, tmp_path, write_config) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(PNG)
    failing, text_only = sim_model("sim", "vision", fail=503), sim_model("sim-gemini", "echo")
    config = write_config(
        f'[routes.eyes]\nmodels = ["{failing}", "{text_only}"]\n[reliability]\nretries = 0\n'
    )
    result = ask("--config", config, "-m", "eyes", "--image", str(image), "--json", "see?")
    assert result.code == 1
    assert result.of_type("fallback")[0]["to"] == text_only
    assert result.text() == ""
    error = result.events[-1]
    assert error["type"] == "error" and "cannot read images" in error["message"]


def test_panes_stream_concurrently(ask) -> None:
    first, second = (sim_model(p, "lorem", tps=400, tokens=40) for p in ("sim", "sim-gemini"))
    result = ask("-m", first, "-m", second, "--json", "go")
    assert result.code == 0, result.err
    order = [e["pane"] for e in result.events if e["type"] == "text"]
    last_of_first = len(order) - 1 - order[::-1].index(0)
    assert 1 in order[:last_of_first], "pane 2 only started after pane 1 finished"


def test_prompt_from_standard_input(ask, monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"piped prompt\n")))
    result = ask("-m", sim_model("sim", "echo"), "--json", "-")
    assert result.code == 0, result.err
    assert result.text() == "piped prompt"
