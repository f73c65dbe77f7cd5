"""Secrets never leak: every command, with known fake keys in every source, prints none of them.

Keys sit in the environment, the config file (literal and ``${VAR}``), ``api_keys``, a
``.env`` file, the OS keyring (file-backed) and the credential directory; live checks answer
200 and 401 (echoing the key back, as some servers do).
"""

from __future__ import annotations

import importlib.util
import io
import logging
import sys
from pathlib import Path

import keyring
import pytest

from playground.cli import main
from playground.config.loader import config_dir

KEYS = {
    "env": "sk-proj-LEAKenvAAAAT3BlbkFJLEAKenvBBBB1",
    "config": "gsk_" + "LEAKinvalid0" * 4 + "cfg1",
    "interpolated": "sk-ant-api03-LEAKinvalid" + "i" * 76 + "AA",
    "rotation": "gsk_" + "LEAKrot0" * 6 + "rot1",
    "dotenv": "LEAKdotenvMistral0123456789abcd",
    "keyring": "xai-" + "LEAKring" * 10,
    "credential_dir": "csk-" + "leakdir0" * 6,
    "typed": "sk-or-v1-" + "leaf" * 16,
}


@pytest.fixture
def everywhere(tmp_path: Path, monkeypatch, file_keyring, key_server) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").write_text(f"MISTRAL_API_KEY='{KEYS['dotenv']}'\n")
    url = key_server.url
    config = config_dir() / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[providers.groq]\napi_key = "{KEYS["config"]}"\napi_keys = ["{KEYS["rotation"]}"]\n'
        f'base_url = "{url}"\n'
        f'[providers.anthropic]\napi_key = "${{LEAK_ANTHROPIC}}"\nbase_url = "{url}"\n'
        f'[providers.openai]\nbase_url = "{url}"\n'
        f'[providers.mistral]\nbase_url = "{url}"\n'
        f'[providers.xai]\nbase_url = "{url}"\n'
        f'[providers.cerebras]\nbase_url = "{url}"\n'
    )
    credential = config_dir() / "credentials" / "cerebras"
    credential.parent.mkdir()
    credential.write_text(KEYS["credential_dir"] + "\n")
    credential.chmod(0o600)
    keyring.set_password("playground", "xai", KEYS["keyring"])
    monkeypatch.setenv("OPENAI_API_KEY", KEYS["env"])
    monkeypatch.setenv("LEAK_ANTHROPIC", KEYS["interpolated"])
    monkeypatch.chdir(project)
    return project


COMMANDS = [
    ["doctor"],
    ["doctor", "--json"],
    ["doctor", "--live", "--timeout", "3"],
    ["doctor", "--live", "--json", "--timeout", "3"],
    ["keys", "list"],
    ["keys", "set", "openrouter"],
    ["keys", "set", "openrouter", "--config-file"],
    ["keys", "delete", "xai"],
    ["keys", "delete", "openrouter"],
]
if importlib.util.find_spec("playground.cli.models") is not None:
    COMMANDS += [["models"], ["models", "--json"], ["models", "--provider", "groq"]]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_no_command_prints_a_full_key(
    argv: list[str], everywhere: Path, capsys, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEYS["typed"] + "\n"))
    caplog.set_level(logging.DEBUG)
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert out or err
    for name, secret in KEYS.items():
        assert secret not in out, f"{name} key in stdout of {argv}"
        assert secret not in err, f"{name} key in stderr of {argv}"
        assert secret not in caplog.text, f"{name} key in logs of {argv}"


def test_doctor_sees_every_planted_key(everywhere: Path, capsys) -> None:
    """Guards the leak test itself: the keys really are found (masked) by doctor."""
    import json

    main(["doctor", "--json", "--live", "--timeout", "3"])
    rows = {row["provider"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["openai"]["source"] == "env OPENAI_API_KEY"
    assert [k["source"] for k in rows["groq"]["keys"]] == ["config api_key", "config api_keys[0]"]
    assert rows["anthropic"]["source"] == "config api_key (${LEAK_ANTHROPIC})"
    assert rows["anthropic"]["live"]["status"] == "unauthorized"
    assert rows["mistral"]["source"] == ".env MISTRAL_API_KEY"
    assert rows["xai"]["source"] == "keyring"
    assert rows["cerebras"]["source"].startswith("credentials dir")
    assert rows["openai"]["live"]["status"] == "ok"
    assert rows["groq"]["live"]["status"] == "unauthorized"
    assert rows["groq"]["live"]["message"].startswith("Incorrect API key provided: gsk_")


# --- the scrubber every provider message passes through ------------------------------------

SCRUBBED = "sk-proj-Hq7/Zx+Lm3=Vb9Nc2Xd5Kf8Tg1Wr4Yp6"


@pytest.mark.parametrize(
    "echo",
    [
        f"Incorrect API key provided: {SCRUBBED}.",
        "key=sk-proj-Hq7%2FZx%2BLm3%3DVb9Nc2Xd5Kf8Tg1Wr4Yp6 rejected",  # URL-encoded
        "key=sk-proj-Hq7/Zx%2BLm3%3DVb9Nc2Xd5Kf8Tg1Wr4Yp6 rejected",  # encoded, '/' kept
        '{"detail": "sk-proj-Hq7\\/Zx+Lm3=Vb9Nc2Xd5Kf8Tg1Wr4Yp6"}',  # JSON with escaped slash
        "key sk-proj-Hq7/Zx+Lm3=Vb9Nc2X... is invalid",  # truncated by the provider
        "ends with …=Vb9Nc2Xd5Kf8Tg1Wr4Yp6",  # the tail only
    ],
)
def test_scrubber_masks_whole_encoded_and_partial_echoes(echo: str) -> None:
    from playground.secret import Scrubber, mask

    scrubbed = Scrubber([SCRUBBED]).scrub(echo)
    assert mask(SCRUBBED) in scrubbed
    for start in range(0, len(SCRUBBED) - 12):
        assert SCRUBBED[start : start + 12] not in scrubbed


def test_scrubber_leaves_ordinary_text_and_the_providers_own_masking_alone() -> None:
    from playground.secret import Scrubber

    text = "Incorrect API key provided: sk-proj-****************************Yp6. See docs."
    assert Scrubber([SCRUBBED]).scrub(text) == text
    assert Scrubber([]).scrub(text) == text


def test_endpoint_secrets_cover_headers_and_url_passwords() -> None:
    from playground.endpoint import Endpoint, Protocol, scrubber_for
    from playground.secret import Secret

    endpoint = Endpoint(
        "p",
        Protocol.OPENAI,
        "https://user:pa55-word-Secret9@proxy.example/v1?api_key=QueryKey123456",
        "m",
        api_key=Secret(SCRUBBED),
        headers={"X-Proxy-Token": "HeaderToken987654", "Authorization": "Bearer BearerTok123456"},
    )
    basic = "dXNlcjpwYTU1LXdvcmQtU2VjcmV0OQ=="  # base64("user:pa55-word-Secret9")
    text = f"pa55-word-Secret9 QueryKey123456 HeaderToken987654 BearerTok123456 {basic} {SCRUBBED}"
    scrubbed = scrubber_for([endpoint]).scrub(text)
    for secret in text.split():
        assert secret not in scrubbed


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:hunter2-Secret@h:8080/v1", "http://user:hun…cret@h:8080/v1"),
        ("https://h/v1beta?key=AIzaSyAbcdefghijklmnop", "https://h/v1beta?key=AIzaS…mnop"),
        ("https://api.openai.com/v1", "https://api.openai.com/v1"),
    ],
)
def test_redact_url_masks_passwords_and_key_parameters(url: str, shown: str) -> None:
    from playground.secret import redact_url

    assert redact_url(url) == shown


def test_scrubber_leaves_placeholder_keys_of_local_servers_alone() -> None:
    from playground.secret import Scrubber

    text = "model 'llama3' not found, try pulling it first: ollama pull llama3"
    assert Scrubber(["ollama", "EMPTY"]).scrub(text) == text
