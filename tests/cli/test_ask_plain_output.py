"""Plain (non-JSON) output of ``playground ask`` (issue 14): labelled thinking and answer,
blocks in ``-m`` order, live text on a terminal, and every failure's reason on stderr."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from tests.cli.conftest import sim_model

pytestmark = pytest.mark.usefixtures("sim_env")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_thinking_and_answer_are_labelled_and_separated_when_piped(ask) -> None:
    result = ask("-m", sim_model("sim", "thinker"), "--thinking", "low", "what is up")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    thinking_at, answer_at = lines.index("thinking:"), lines.index("answer:")
    assert thinking_at < answer_at
    thoughts = lines[thinking_at + 1 : answer_at]
    assert thoughts[-1] == "" and "".join(thoughts).startswith("The user wrote")
    assert 'You said: "what is up"' in lines[answer_at + 1]
    assert "\x1b[" not in result.out  # no terminal codes in a pipe


def test_a_model_without_thinking_gets_no_labels(ask) -> None:
    result = ask("-m", sim_model("sim", "echo"), "just the answer")
    assert result.code == 0, result.err
    assert "thinking:" not in result.out and "answer:" not in result.out
    assert result.out.splitlines()[1] == "just the answer"


def test_piped_blocks_keep_the_model_order_even_when_a_later_pane_finishes_first(ask) -> None:
    slow = sim_model("sim", "lorem", tps=200, tokens=30)
    fast = sim_model("sim-anthropic", "echo")
    result = ask("-m", slow, "-m", fast, "order please")
    assert result.code == 0, result.err
    first, second = result.out.index(f"── [1] {slow}"), result.out.index(f"── [2] {fast}")
    assert first < second
    block_one = result.out[first:second]
    assert "lorem" in block_one and block_one.count("✓ done") == 1
    block_two = result.out[second:]
    assert "order please" in block_two and "lorem" not in block_two


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_text_streams_live_on_a_terminal(sim_url) -> None:
    slow = "sim/lorem?tps=20&tokens=40&ttft_ms=0"
    other = "sim-gemini/echo?tps=0"
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "playground", "ask", "-m", slow, "-m", other, "live"],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PLAYGROUND_SIM_URL": sim_url},
    )
    os.close(terminal)
    seen = b""
    try:
        deadline = time.monotonic() + 30
        while b"lorem" not in seen and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.5)[0]:
                seen += os.read(controller, 4096)
        running_when_text_arrived = process.poll() is None
        assert b"lorem" in seen
        assert running_when_text_arrived, "the answer only appeared when everything was over"
        assert "✓ done".encode() not in seen
        while process.poll() is None or select.select([controller], [], [], 0.2)[0]:
            try:
                seen += os.read(controller, 4096)
            except OSError:
                break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        os.close(controller)
    assert process.returncode == 0
    text = seen.decode()
    assert text.index("[1] sim/lorem") < text.index("[2] sim-gemini/echo")


def test_the_reason_of_a_refused_image_reaches_stderr(ask, tmp_path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(PNG)
    result = ask("-m", sim_model("sim", "echo"), "--image", str(image), "what is it?")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("playground ask: [1] sim/echo")
    assert "cannot read images" in lines[0] and lines[0] != "failed"


def test_every_failed_pane_has_its_reason_on_stderr(ask, write_config) -> None:
    config = write_config("[reliability]\nretries = 0\n")
    unauthorized = sim_model("sim", "echo", fail=401)
    overloaded = sim_model("sim-anthropic", "echo", fail=529)
    healthy = sim_model("sim-gemini", "echo")
    result = ask("--config", config, "-m", unauthorized, "-m", healthy, "-m", overloaded, "hi")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"playground ask: [1] {unauthorized}: auth 401")
    assert lines[1].startswith(f"playground ask: [3] {overloaded}: ")
    assert "529" in lines[1]


def test_a_pane_that_fails_mid_stream_and_falls_back_keeps_its_whole_block(
    ask, write_config
) -> None:
    cut = sim_model("sim", "lorem", fail="cutoff", tokens=40)
    healthy = sim_model("sim-anthropic", "echo")
    config = write_config(f'[routes.cut]\nmodels = ["{cut}", "{healthy}"]\n')
    other = sim_model("sim-gemini", "echo")
    result = ask("--config", config, "-m", "cut", "-m", other, "fresh answer")
    assert result.code == 0, result.err
    first, second = result.out.index("── [1] cut"), result.out.index(f"── [2] {other}")
    block = result.out[first:second]
    lines = block.splitlines()
    error_at = next(i for i, line in enumerate(lines) if line.startswith("  ✗ "))
    assert "lorem" in "".join(lines[1:error_at]).lower()  # the partial answer
    assert any("fallback" in line for line in lines[error_at:])
    assert "fresh answer" in "\n".join(lines[error_at:])
    assert block.count("✓ done") == 1 and lines[-2].startswith("✓ done  via")
    assert result.out[second:].count("✓ done") == 1


def test_a_zero_wait_retry_reads_now_not_zero_seconds() -> None:
    from playground.cli.ask import describe
    from playground.events import Retry

    zero = describe(Retry(candidate="sim/echo", attempt=1, delay_s=0.0, reason="overloaded (503)"))
    short = describe(Retry(candidate="sim/echo", attempt=1, delay_s=0.25, reason="x"))
    assert zero is not None and "retry sim/echo now" in zero and "0.0 s" not in zero
    assert short is not None and "in 250 ms" in short
