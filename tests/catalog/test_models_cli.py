"""``playground models``: table, JSON, filters and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

from playground.cli import main


def test_the_table_lists_models_with_flags_prices_and_thinking(capsys):
    assert main(["models", "--provider", "anthropic"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split()[:3] == ["PROVIDER", "MODEL", "CONTEXT"]
    row = next(r for r in rows if r.split()[1:2] == ["claude-sonnet-4-5"])
    assert row.split()[:8] == [
        "anthropic",
        "claude-sonnet-4-5",
        "200K",
        "64K",
        "3.00",
        "15.00",
        "TVR",
        "budget",
    ]
    assert "budget 1,024–max" in row
    assert "models from 1 provider " in out


def test_provider_aliases_work_and_unknown_flags_show_as_question_marks(capsys):
    assert main(["models", "--provider", "kimi"]) == 0
    out = capsys.readouterr().out
    assert "moonshot" in out and "always on" in out


def test_json_has_every_field(capsys):
    assert main(["models", "--provider", "sim-gemini", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    thinker = next(m for m in models if m["id"] == "thinker?style=level")
    assert thinker["spec"] == "sim-gemini/thinker?style=level"
    assert thinker["thinking"] is True
    assert thinker["thinking_options"]["style"] == "level"
    assert thinker["thinking_options"]["efforts"] == ["minimal", "low", "medium", "high"]
    assert set(thinker["prices"]) == {"input", "output", "cache_read", "cache_write", "reasoning"}
    assert {"context_window", "max_output", "tools", "vision", "known"} <= set(thinker)


def test_all_providers_are_listed_by_default(capsys):
    assert main(["models", "--json"]) == 0
    providers = {m["provider"] for m in json.loads(capsys.readouterr().out)}
    assert {"openai", "anthropic", "gemini", "sim", "sim-ollama", "ollama"} <= providers


def test_unknown_provider_is_one_line_and_exit_2(capsys):
    assert main(["models", "--provider", "opnai"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unknown provider 'opnai'" in err and "openai" in err


def test_a_bad_config_is_the_config_error_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text("[providers.openai]\nbase_urll = 'x'\n")
    assert main(["models", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "config.toml:2" in err and "base_urll" in err


def test_a_config_provider_without_protocol_is_exit_2(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text("[providers.mine]\napi_key = 'x'\n")
    assert main(["models", "--config", str(path)]) == 2
    assert "needs protocol and base_url" in capsys.readouterr().err


def test_config_models_show_up(tmp_path, capsys, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(
        "[providers.box]\nprotocol = 'openai'\nbase_url = 'http://127.0.0.1:9/v1'\n"
        "[providers.box.models.tiny]\ncontext_window = 4096\ntools = true\n"
    )
    monkeypatch.setenv("PLAYGROUND_CONFIG", str(path))
    assert main(["models", "--provider", "box"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert row.split()[:4] == ["box", "tiny", "4,096", "?"]


def test_without_a_config_file_the_config_loader_is_not_imported():
    code = (
        "import sys; from playground.cli import main\n"
        "import io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()): rc = main(['models'])\n"
        "assert rc == 0 and 'pydantic' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
