"""``doctor --from PATH``: agent rows from an agent framework's config next to provider rows."""

from __future__ import annotations

import json
from pathlib import Path

from playground.cli import main

GOOD_KEY = "sk-good-FROM-" + "1" * 32
BAD_KEY = "sk-invalid-FROM-" + "2" * 32


def picoclaw_project(folder: Path, base_url: str) -> Path:
    """A PicoClaw v3 setup: agent ``main`` with an accepted key, ``broken`` with a rejected one
    (on ``localhost`` instead of ``127.0.0.1``, so the two entries are two providers)."""
    folder.mkdir(parents=True)
    entry = {"model": "openai/echo", "api_base": f"{base_url}/v1"}
    config = {
        "version": 3,
        "agents": {
            "defaults": {"model_name": "good"},
            "list": [
                {"id": "main", "default": True},
                {"id": "broken", "model": {"primary": "bad"}},
            ],
        },
        "model_list": [
            {**entry, "model_name": "good", "api_keys": [GOOD_KEY]},
            {
                **entry,
                "model_name": "bad",
                "api_base": f"{base_url.replace('127.0.0.1', 'localhost')}/v1",
                "api_keys": [BAD_KEY],
            },
        ],
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config))
    return path


def test_json_adds_one_row_per_agent_with_live_results(tmp_path, key_server, capsys) -> None:
    project = picoclaw_project(tmp_path / "pc", key_server.url)

    code = main(["doctor", "--json", "--live", "--from", str(project), "--provider", "sim"])

    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert [row["origin"] for row in rows] == ["playground", "picoclaw", "picoclaw"]
    agents = {row["agent"]: row for row in rows[1:]}
    assert agents["main"]["live"]["status"] == "ok"
    assert agents["broken"]["live"]["status"] == "unauthorized"
    assert code == 1  # an agent's key was rejected
    assert GOOD_KEY not in out + err and BAD_KEY not in out + err


def test_table_shows_the_agents_under_the_providers(tmp_path, key_server, capsys) -> None:
    project = picoclaw_project(tmp_path / "pc", key_server.url)

    code = main(["doctor", "--from", str(project), "--provider", "sim"])

    out = capsys.readouterr().out
    assert code == 0
    assert f"agents of picoclaw ({project.parent}):" in out
    assert "picoclaw:main" in out and "picoclaw:broken" in out
    assert GOOD_KEY not in out and BAD_KEY not in out


def test_an_unreadable_framework_path_is_one_line_exit_2(tmp_path, capsys) -> None:
    code = main(["doctor", "--from", str(tmp_path / "missing")])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err == f"playground doctor: {tmp_path / 'missing'}: no such file or folder\n"
