"""A server cannot make the client wait forever or print invalid JSON: ``Retry-After: inf``,
``1e308`` and a date in 2099 are capped when parsed, and ``ask --json`` stays valid JSON."""

from __future__ import annotations

import json

import pytest

from playground.cli import main
from playground.reliability.waits import MAX_RETRY_AFTER_S


def _strict(line: str) -> dict:
    def reject(constant: str) -> None:
        raise AssertionError(f"invalid JSON constant {constant} in {line!r}")

    return json.loads(line, parse_constant=reject)


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("mode", ["retry-inf", "retry-1e308", "retry-2099"])
def test_huge_retry_after_is_capped_and_ask_json_stays_valid(
    mode: str, hostile_config, capsys
) -> None:
    config = hostile_config(mode)
    with open(config, "a", encoding="utf-8") as file:
        file.write('[routes.pair]\nmodels = ["h-openai/m", "h-anthropic/m"]\n')
    code = main(["ask", "--json", "--config", config, "-m", "pair", "hi"])
    events = [_strict(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    cooldowns = [e for e in events if e["type"] == "cooldown"]
    assert cooldowns, events
    for cooldown in cooldowns:
        assert 0 < cooldown["delay_s"] <= MAX_RETRY_AFTER_S
    [error] = [e for e in events if e["type"] == "error"]
    assert error["kind"] == "rate_limited"
    assert error["retry_after"] is None or error["retry_after"] <= MAX_RETRY_AFTER_S
