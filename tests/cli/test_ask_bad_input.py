"""Bad input to ``playground ask``: one clear line, exit 2 for usage/config, never a traceback."""

from __future__ import annotations

import pytest


def assert_one_line_usage_error(result, *needles: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0]


def test_unknown_provider(ask) -> None:
    result = ask("-m", "nosuchprovider/model-x", "hi")
    assert_one_line_usage_error(result, "nosuchprovider")


def test_spec_without_a_model(ask) -> None:
    assert_one_line_usage_error(ask("-m", "justaword", "hi"), "justaword")


def test_missing_key_says_what_to_do(ask) -> None:
    result = ask("-m", "openai/gpt-4o-mini", "hi")
    assert_one_line_usage_error(result, "openai", "OPENAI_API_KEY")


def test_bad_config_names_file_key_and_line(ask, write_config) -> None:
    config = write_config("[reliability]\nretries = 2\nbogus = 1\n")
    result = ask("--config", config, "-m", "sim/echo", "hi")
    assert_one_line_usage_error(result, "config error", config, "bogus", ":3")


def test_invalid_toml(ask, write_config) -> None:
    config = write_config("[providers.openai\n")
    assert_one_line_usage_error(ask("--config", config, "-m", "sim/echo", "hi"), "invalid TOML")


def test_missing_named_config(ask, tmp_path) -> None:
    missing = str(tmp_path / "nope.toml")
    assert_one_line_usage_error(ask("--config", missing, "-m", "sim/echo", "hi"), "not found")


def test_unreadable_image(ask, tmp_path) -> None:
    result = ask("-m", "sim/vision", "--image", str(tmp_path / "none.png"), "hi")
    assert_one_line_usage_error(result, "--image", "not found")


def test_file_that_is_not_an_image(ask, tmp_path) -> None:
    fake = tmp_path / "notes.png"
    fake.write_text("just text")
    assert_one_line_usage_error(ask("-m", "sim/vision", "--image", str(fake), "hi"), "not a PNG")


def test_bad_tools_file(ask, tmp_path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text("{not json")
    assert_one_line_usage_error(ask("-m", "sim/tools", "--tools", str(tools), "hi"), "invalid JSON")


def test_empty_prompt(ask) -> None:
    assert_one_line_usage_error(ask("-m", "sim/echo", "   "), "empty")


def test_bad_max_tokens(ask) -> None:
    assert_one_line_usage_error(ask("-m", "sim/echo", "--max-tokens", "0", "hi"), "max-tokens")


def test_missing_model_option_is_a_usage_error(ask) -> None:
    with pytest.raises(SystemExit) as info:
        ask("hi")
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("reply_body", "status", "content_type", "needle"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", 502, "text/html", "502"),
        (
            b'data: {"choices": [{"delta": {"content": "a"}}]}\n\ndata: {oops\n\n',
            200,
            "text/event-stream",
            "JSON",
        ),
    ],
)
def test_provider_failures_are_an_error_event_and_exit_1(
    ask, write_config, capture, reply_body, status, content_type, needle
) -> None:
    from tests.adapters.replay import Reply

    for _ in range(5):
        capture.queue(Reply(reply_body, status=status, content_type=content_type))
    config = write_config(
        f'[providers.local]\nprotocol = "openai"\nbase_url = "{capture.base_url}/v1"\n'
        'auth = "none"\n[reliability]\nretries = 0\n'
    )
    result = ask("--config", config, "-m", "local/some-model", "--json", "hi")
    assert result.code == 1, result.err
    error = result.of_type("error")[-1]
    assert needle.lower() in error["message"].lower()
    assert "\n" not in error["message"] and "Traceback" not in result.err


def test_unreachable_url_is_a_network_error(ask, write_config) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = write_config(
        f'[providers.local]\nprotocol = "openai"\nbase_url = "http://127.0.0.1:{port}/v1"\n'
        'auth = "none"\n[reliability]\nretries = 0\n'
    )
    result = ask("--config", config, "-m", "local/some-model", "--json", "hi")
    assert result.code == 1
    error = result.of_type("error")[-1]
    assert error["kind"] == "network"
    result = ask("--config", config, "-m", "local/some-model", "hi")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) == 1
