"""Every ``--json`` line carries the fields the DESIGN's CLI contract promises."""

from __future__ import annotations

import pytest

from tests.cli.conftest import sim_model

CONTRACT = {
    "text": {"text"},
    "thinking": {"text"},
    "tool_call": {"id", "name", "arguments"},
    "tool_result": {"id", "name", "content", "is_error"},
    "usage": {
        "input_tokens",
        "output_tokens",
        "reasoning_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
    },
    "done": {"stop_reason", "ttft_ms", "tokens_per_s", "cost_usd", "answered_by"},
    "error": {"kind", "status", "message", "retryable", "after_output"},
    "attempt": {"candidate", "attempt"},
    "retry": {"candidate", "delay_s", "reason", "source"},
    "fallback": {"from", "to", "reason"},
    "key_rotated": {"provider", "key"},
    "cooldown": {"candidate", "delay_s"},
    "circuit_open": {"candidate", "delay_s"},
    "circuit_half_open": {"candidate"},
}


@pytest.mark.usefixtures("sim_env")
def test_every_line_has_the_contract_fields(ask, write_config) -> None:
    limited = sim_model("sim", "echo", fail=429, retry_after=0.01)
    overloaded = sim_model("sim-anthropic", "echo", fail=503)
    thinker = sim_model("sim-gemini", "thinker")
    config = write_config(
        f'[routes.tour]\nmodels = ["{limited}", "{overloaded}", "{thinker}"]\n'
        "[reliability]\nbackoff_base_s = 0.01\nbackoff_max_s = 0.02\nbreaker_failures = 3\n"
    )
    tools = sim_model("sim", "tools")
    result = ask(
        "--config", config, "-m", "tour", "-m", tools, "--tools", "demo",
        "--thinking", "low", "--json", "tour of events",
    )  # fmt: skip
    assert result.code == 0, result.err
    seen = set()
    for event in result.events:
        assert {"pane", "model", "type"} <= event.keys()
        assert event["model"] == ("tour" if event["pane"] == 0 else tools)
        assert event["type"] in CONTRACT, event["type"]
        missing = CONTRACT[event["type"]] - event.keys()
        assert not missing, (event["type"], missing)
        seen.add(event["type"])
    expected = {"text", "thinking", "tool_call", "tool_result", "usage", "done", "attempt"}
    assert expected | {"retry", "fallback", "circuit_open"} <= seen
