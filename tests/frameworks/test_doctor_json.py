"""``doctor --from … --json``: every warning and error reaches the JSON, on the rows it concerns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.cli import main
from tests.frameworks import samples as s


def _agent_rows(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(["doctor", "--json", *argv])
    out, err = capsys.readouterr()
    rows = [row for row in json.loads(out) if row["origin"] != "playground"]
    return code, {row["agent"]: row for row in rows}, err


def test_zeroclaw_setup_wide_warning_is_on_every_agent_row(tmp_path: Path, home: Path, capsys):
    # V1 shape of the reference's fixture (fixtures/v1.toml), with the ${VAR} users try
    config = s.write(
        tmp_path / "zc" / "config.toml",
        'api_key = "${OPENAI_API_KEY}"\n'
        'default_provider = "openai"\n'
        'default_model = "gpt-4o-mini"\n\n'
        "[agents.complex_agent]\n"
        'provider = "anthropic"\n'
        'model = "claude-sonnet-4-5"\n',
    )

    _code, agents, _err = _agent_rows(capsys, "--from", str(config))

    assert set(agents) == {"default", "complex_agent"}
    for row in agents.values():
        assert any("does not interpolate ${VAR}" in w for w in row["framework_warnings"])
        assert row["errors"] == []


def test_picoclaw_agent_warnings_and_errors_are_on_that_agents_row(
    tmp_path: Path, home: Path, capsys
):
    # the docs' legacy "agents.defaults.model" spelling, plus an agent naming a model that is
    # not in model_list
    config = {
        "version": 3,
        "agents": {
            "defaults": {"model": "gpt-5.4"},
            "list": [{"id": "main", "default": True}, {"id": "typo", "model": "gpt-5.5"}],
        },
        "model_list": [
            {"model_name": "gpt-5.4", "model": "openai/gpt-5.4", "api_keys": ["sk-your-openai-key"]}
        ],
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    _code, agents, err = _agent_rows(capsys, "--from", str(path))

    main_row, typo = agents["main"], agents["typo"]
    assert any("deprecated spelling of model_name" in w for w in main_row["warnings"])
    assert main_row["errors"] == []
    assert len(typo["errors"]) == 1 and "'gpt-5.5' is not a model_name" in typo["errors"][0]
    assert typo["errors"][0] in err  # stderr keeps saying it too
    assert "sk-your-openai-key" not in json.dumps(agents)


def test_an_error_about_the_whole_setup_is_on_every_row(tmp_path: Path, home: Path, capsys):
    config = {
        "version": 3,
        "agents": {"defaults": {"model_name": "gpt-5.4"}},
        "model_list": [
            {"model_name": "gpt-5.4", "model": "openai/gpt-5.4"},
            {"model": "openai/gpt-4o"},  # model_name missing: not about any agent
        ],
    }
    path = s.write(tmp_path / "pc" / "config.json", json.dumps(config))

    _code, agents, _err = _agent_rows(capsys, "--from", str(path))

    assert agents["main"]["errors"] == [f"{path}: model_list[1].model_name: required, missing"]
