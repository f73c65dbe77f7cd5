"""``playground doctor`` in-process: exit codes, config errors, JSON fields, table layout."""

from __future__ import annotations

import json
from pathlib import Path

from playground.cli import main


def test_doctor_exit_codes(capsys, monkeypatch) -> None:
    assert main(["doctor", "--provider", "groq"]) == 1  # asked for it, no key
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "e" * 52)
    assert main(["doctor", "--provider", "groq"]) == 0
    assert main(["doctor"]) == 0
    assert main(["doctor", "--provider", "nope-provider"]) == 2
    capsys.readouterr()


def test_doctor_bad_config_is_one_line_exit_2(capsys, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[providers.openai]\napi_kye = 1\n")
    code = main(["doctor", "--config", str(path)])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err == f"playground doctor: {path}:2: providers.openai.api_kye: unknown key\n"


def test_doctor_json_fields(capsys, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "sk-ant-oat01-" + "t" * 60)
    assert main(["doctor", "--json", "--provider", "anthropic"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert set(row) == {
        "provider",
        "name",
        "origin",
        "status",
        "source",
        "key",
        "keys",
        "format",
        "auth_kind",
        "live",
        "latency_ms",
        "next_step",
        "shadowed",
        "problems",
        "notes",
    }
    assert row["auth_kind"] == "oauth_token"
    assert row["keys"] == [
        {"key": "sk-ant-…tttt", "source": "env ANTHROPIC_AUTH_TOKEN", "auth_kind": "oauth_token"}
    ]


def test_full_table_fits_80_columns_with_details_under_failing_rows(
    capsys, monkeypatch, key_server
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-invalidAAAAT3BlbkFJxxxxBBBB9999")
    monkeypatch.setenv("PLAYGROUND_CONFIG", str(Path.home() / "c.toml"))
    (Path.home() / "c.toml").write_text(f'[providers.openai]\nbase_url = "{key_server.url}"\n')
    code = main(["doctor", "--live", "--timeout", "2"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    openai = lines.index(next(line for line in lines if line.startswith("openai ")))
    assert "rejected" in lines[openai]
    assert lines[openai + 1] == "    ! Incorrect API key provided: sk-proj…9999"
    assert lines[openai + 2].startswith("    → the key was rejected (401): create a new key at")
    assert any(line.startswith("note: no OS keyring available") for line in lines[-3:])
