"""Hostile or careless local input to ``playground ask`` (issue 13): devices, FIFOs, huge
files, deep JSON and invalid UTF-8 are refused or repaired locally — one line, never a
provider error, never GBs of memory."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import sim_model
from tests.cli.test_ask_bad_input import assert_one_line_usage_error

pytestmark = pytest.mark.usefixtures("sim_env")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")


def run_cli(args: list[str | bytes], sim_url: str, **kwargs) -> subprocess.CompletedProcess:
    """``playground ARGS`` in a child process pointed at the test simulator."""
    env = {**os.environ, "PLAYGROUND_SIM_URL": sim_url}
    return subprocess.run(
        [sys.executable, "-m", "playground", *args],
        capture_output=True,
        timeout=60,
        env=env,
        **kwargs,
    )


def one_line(stderr: bytes) -> str:
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in lines[0]
    return lines[0]


# --- images ---------------------------------------------------------------------------------


@needs_dev_zero
def test_image_from_a_device_is_refused(ask) -> None:
    result = ask("-m", sim_model("sim", "vision"), "--image", "/dev/zero", "hi")
    assert_one_line_usage_error(result, "--image /dev/zero", "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_image_on_a_fifo_is_refused_instead_of_hanging(tmp_path, sim_url) -> None:
    fifo = tmp_path / "photo.png"
    os.mkfifo(fifo)
    out = run_cli(["ask", "-m", "sim/vision", "--image", str(fifo), "hi"], sim_url)
    assert out.returncode == 2
    assert "not a regular file (a pipe)" in one_line(out.stderr)


def test_an_image_over_20_mib_is_not_sent(ask, tmp_path) -> None:
    big = tmp_path / "huge.png"
    with big.open("wb") as file:
        file.write(PNG)
        file.truncate(60 * 1024 * 1024)
    result = ask("-m", sim_model("sim", "vision"), "--image", str(big), "--json", "hi")
    assert_one_line_usage_error(result, "huge.png", "too large (60 MiB); the limit is 20 MiB")
    assert result.out == ""


def test_an_image_is_recognised_by_content_not_extension(ask, tmp_path) -> None:
    disguised = tmp_path / "screenshot.txt"
    disguised.write_bytes(PNG)
    result = ask("-m", sim_model("sim", "vision"), "--image", str(disguised), "--json", "what?")
    assert result.code == 0, result.err
    assert f"image/png, {len(PNG)} bytes" in result.text()


# --- tools files ----------------------------------------------------------------------------


@needs_dev_zero
def test_tools_from_a_device_is_refused(ask) -> None:
    result = ask("-m", sim_model("sim", "tools"), "--tools", "/dev/zero", "hi")
    assert_one_line_usage_error(result, "/dev/zero", "not a regular file")


def test_an_oversized_tools_file_is_refused(ask, tmp_path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps([{"name": "t", "description": "x" * (1024 * 1024)}]))
    result = ask("-m", sim_model("sim", "tools"), "--tools", str(tools), "hi")
    assert_one_line_usage_error(result, str(tools), "too large", "the limit is 1 MiB")


@pytest.mark.parametrize("depth", [100_000, 65])
def test_deeply_nested_tools_json_is_a_usage_error_naming_the_file(ask, tmp_path, depth) -> None:
    tools = tmp_path / "deep.json"
    tools.write_text("[" * depth + "]" * depth)
    result = ask("-m", sim_model("sim", "tools"), "--tools", str(tools), "hi")
    assert_one_line_usage_error(result, str(tools), "nested deeper than 64 levels")
    assert "RecursionError" not in result.err


def test_a_realistically_nested_schema_is_accepted(ask, tmp_path) -> None:
    schema: dict = {"type": "string"}
    for _ in range(20):
        schema = {"type": "object", "properties": {"inner": schema}}
    tools = tmp_path / "nested.json"
    tools.write_text(json.dumps([{"name": "deep", "description": "d", "parameters": schema}]))
    result = ask("-m", sim_model("sim", "tools"), "--tools", str(tools), "--json", "hi")
    assert result.code == 0, result.err


# --- the prompt -----------------------------------------------------------------------------


def piped(monkeypatch, data: bytes) -> None:
    """Make standard input a pipe-like binary stream holding ``data``."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@needs_dev_zero
def test_a_prompt_from_dev_zero_stops_at_the_limit(sim_url) -> None:
    with open("/dev/zero", "rb") as zero:
        out = run_cli(["ask", "-m", "sim/echo", "-"], sim_url, stdin=zero)
    assert out.returncode == 2
    line = one_line(out.stderr)
    assert "prompt on standard input: too large; the limit is 8 MiB" in line


def test_invalid_utf8_on_stdin_is_replaced_with_a_warning(ask, monkeypatch) -> None:
    piped(monkeypatch, b"caf\xe9 ol\xff\xfe")
    result = ask("-m", sim_model("sim", "echo"), "--json")
    assert result.code == 0, result.err
    assert result.text() == "caf\ufffd ol\ufffd\ufffd"
    warning = one_line(result.err.encode())
    assert "warning: the prompt is not valid UTF-8; 3 undecodable bytes replaced" in warning
    assert "provider" not in result.err


def test_undecodable_argv_bytes_are_replaced_not_blamed_on_the_provider(sim_url) -> None:
    out = run_cli(
        ["ask", "-m", "sim/echo?tps=0", "--system", b"be \xff", "--json", b"caf\xe9"], sim_url
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert "".join(e["text"] for e in events if e["type"] == "text") == "caf\ufffd"
    err = out.stderr.decode()
    assert "the prompt is not valid UTF-8; 1 undecodable byte replaced" in err
    assert "--system is not valid UTF-8; 1 undecodable byte replaced" in err
    assert "could not parse the provider's response" not in err


def test_surrogates_in_an_in_process_argv_are_replaced_too(ask) -> None:
    result = ask("-m", sim_model("sim", "echo"), "--json", "caf\udce9")
    assert result.code == 0, result.err
    assert result.text() == "caf\ufffd"


def test_no_prompt_reads_piped_standard_input(ask, monkeypatch) -> None:
    piped(monkeypatch, "ünïcode from a pipe\n".encode())
    result = ask("-m", sim_model("sim", "echo"), "--json")
    assert result.code == 0, result.err
    assert result.text() == "ünïcode from a pipe"
    assert result.err == ""


def test_no_prompt_from_a_pipe_in_a_real_process(sim_url) -> None:
    out = run_cli(["ask", "-m", "sim/echo?tps=0", "--json"], sim_url, input=b"through stdin")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert "".join(e["text"] for e in events if e["type"] == "text") == "through stdin"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_no_prompt_on_a_terminal_is_a_usage_error(sim_url) -> None:
    controller, terminal = os.openpty()
    try:
        out = run_cli(["ask", "-m", "sim/echo"], sim_url, stdin=terminal)
    finally:
        os.close(controller)
        os.close(terminal)
    assert out.returncode == 2
    assert "no prompt given: pass it as an argument or pipe it in" in one_line(out.stderr)


def test_an_argument_wins_over_piped_input(ask, monkeypatch) -> None:
    piped(monkeypatch, b"ignored")
    result = ask("-m", sim_model("sim", "echo"), "--json", "from argv")
    assert result.text() == "from argv"


def test_no_prompt_and_an_empty_pipe_says_so(sim_url) -> None:
    out = run_cli(["ask", "-m", "sim/echo"], sim_url, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert "the prompt is empty (standard input was empty)" in one_line(out.stderr)


# --- the config file ------------------------------------------------------------------------


@needs_dev_zero
def test_a_device_as_config_is_a_usage_error(ask) -> None:
    result = ask("--config", "/dev/zero", "-m", "sim/echo", "hi")
    assert_one_line_usage_error(result, "config error: /dev/zero", "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_config_is_refused_instead_of_hanging(tmp_path, sim_url) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    out = run_cli(["ask", "--config", str(fifo), "-m", "sim/echo", "hi"], sim_url)
    assert out.returncode == 2
    assert "not a regular file (a pipe)" in one_line(out.stderr)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_in_a_tools_file_are_refused_locally(ask, tmp_path, constant) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(
        '[{"name": "t", "parameters": {"type": "object", "properties": {"n": {"type": '
        '"number", "default": ' + constant + "}}}}]"
    )
    result = ask("-m", sim_model("sim", "tools"), "--tools", str(tools), "hi")
    assert_one_line_usage_error(result, str(tools), f"{constant} is not JSON")
