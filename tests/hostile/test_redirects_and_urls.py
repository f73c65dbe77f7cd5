"""Credentials never follow a redirect to another host, and URL passwords are never printed:
``doctor --live`` (and the credential panel's checks, same code) and the streaming adapters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from playground.cli import main
from tests.hostile.conftest import BASIC_PASSWORD, KEYS, secrets_in
from tests.hostile.server import HostileServer

CHECKED = ("anthropic", "gemini")  # custom OpenAI-style providers have no free key check


def _doctor(capsys: pytest.CaptureFixture[str], config: str) -> tuple[int, str, str]:
    code = main(["doctor", "--live", "--json", "--config", config])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _key_headers(server: HostileServer) -> list[str]:
    """Every credential-carrying header value the server received."""
    names = ("authorization", "x-api-key", "x-goog-api-key", "api-key")
    return [r.headers[n] for r in server.requests for n in names if n in r.headers]


@pytest.mark.usefixtures("hostile_keys")
def test_doctor_live_reports_a_cross_origin_redirect_and_sends_no_key_there(
    hostile_config, hostile: HostileServer, other_host: HostileServer, capsys
) -> None:
    other_host.requests.clear()
    code, out, err = _doctor(capsys, hostile_config("redirect"))
    rows = {row["provider"]: row for row in json.loads(out)}
    for family in CHECKED:
        live = rows[f"h-{family}"]["live"]
        assert live["status"] != "ok", live
        assert f"307 → {other_host.url}/accept/redirect/" in live["message"]
        assert "not followed, credentials are not sent to another host" in live["message"]
    assert code == 1
    assert _key_headers(other_host) == []
    assert secrets_in(out + err) == []


@pytest.mark.usefixtures("hostile_keys")
def test_doctor_live_follows_a_redirect_on_the_same_origin(
    hostile_config, hostile: HostileServer, capsys
) -> None:
    hostile.requests.clear()
    _, out, _ = _doctor(capsys, hostile_config("hop"))
    rows = {row["provider"]: row for row in json.loads(out)}
    for family in CHECKED:
        assert rows[f"h-{family}"]["live"]["status"] in ("ok", "running")  # loopback = local
    followed = [r.path for r in hostile.requests if r.path.startswith("/accept/hop/")]
    assert {"/accept/hop/anthropic/v1/models", "/accept/hop/gemini/v1beta/models"} <= set(followed)


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("family", ["openai", "anthropic", "gemini", "ollama", "openai-responses"])
def test_ask_does_not_follow_a_redirect_with_the_key(
    family: str, hostile_config, other_host: HostileServer, capsys
) -> None:
    other_host.requests.clear()
    code = main(
        ["ask", "--json", "--config", hostile_config("redirect"), "-m", f"h-{family}/m", "hi"]
    )
    out = capsys.readouterr().out
    [error] = [e for e in map(json.loads, out.splitlines()) if e["type"] == "error"]
    assert code == 1
    assert error["status"] == 307
    assert f"307 → {other_host.url}/accept/redirect/" in error["message"]
    assert other_host.requests == []
    assert KEYS[family] not in out


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("mode", ["echo-401", "accept", "endless-closed-port"])
def test_a_basic_auth_password_in_base_url_is_never_printed(
    mode: str, hostile_config, capsys
) -> None:
    config = hostile_config(mode, basic_auth=True)
    if mode == "endless-closed-port":  # nothing listens there: the "cannot connect" path
        path = Path(config)
        path.write_text(re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:9", path.read_text()))
    _code, out, err = _doctor(capsys, config)
    assert BASIC_PASSWORD not in out + err
    main(["doctor", "--live", "--config", config])
    captured = capsys.readouterr()
    assert BASIC_PASSWORD not in captured.out + captured.err
    main(["ask", "--json", "--config", config, "-m", "h-anthropic/m", "hi"])
    captured = capsys.readouterr()
    assert secrets_in(captured.out + captured.err) == []
