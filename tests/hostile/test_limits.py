"""A server cannot make the client buffer without limit: an endless line, a gzip bomb and
endless tool-call arguments end in a ``protocol`` error that keeps the partial answer, with
peak memory measured (not timed) in a real ``playground ask`` process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from playground.cli import main
from tests.hostile.conftest import FAMILIES

RSS_HEADROOM_MB = 200
_PEAK_RSS = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
sys.stderr.write(result.stderr)
print(json.dumps({"code": result.returncode, "out": result.stdout,
                  "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
""".replace("import resource", "import json, resource")


def _ask_process(config: str, model: str) -> tuple[int, list[dict], float]:
    """Run ``playground ask --json`` in a fresh process; (exit code, events, peak RSS in MB)."""
    command = [sys.executable, "-m", "playground", "ask", "--json", "--config", config, "-m", model]
    helper = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *command, "hi"],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    report = json.loads(helper.stdout)
    events = [json.loads(line) for line in report["out"].splitlines()]
    return report["code"], events, report["rss_kb"] / 1024


@pytest.fixture(scope="module")
def baseline_rss_mb(hostile, tmp_path_factory) -> float:
    """Peak RSS of an ``ask`` that fails at once (the interpreter and the app's imports)."""
    config = tmp_path_factory.mktemp("baseline") / "c.toml"
    from tests.hostile.conftest import RELIABILITY, provider_toml

    config.write_text(provider_toml("openai", f"{hostile.url}/html/openai/v1") + RELIABILITY)
    _, _, rss = _ask_process(str(config), "h-openai/m")
    return rss


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize(("mode", "family"), [("endless", "openai"), ("gzip-bomb", "openai")])
def test_memory_stays_bounded_and_the_partial_answer_stays(
    mode: str, family: str, hostile_config, baseline_rss_mb: float
) -> None:
    code, events, rss_mb = _ask_process(hostile_config(mode), f"h-{family}/m")
    [error] = [e for e in events if e["type"] == "error"]
    assert code == 1
    assert error["kind"] == "protocol"
    assert "larger than 16,777,216 bytes" in error["message"]
    assert rss_mb - baseline_rss_mb < RSS_HEADROOM_MB, (rss_mb, baseline_rss_mb)
    if mode == "endless":
        assert "".join(e["text"] for e in events if e["type"] == "text") == "partial "
        assert error["after_output"] is True


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("family", FAMILIES)
def test_an_endless_line_is_a_protocol_error_after_output_for_every_family(
    family: str, hostile_config, capsys
) -> None:
    config = hostile_config("endless")
    code = main(["ask", "--json", "--config", config, "-m", f"h-{family}/m", "hi"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [error] = [e for e in events if e["type"] == "error"]
    assert code == 1
    assert error["kind"] == "protocol" and error["after_output"] is True
    assert "".join(e["text"] for e in events if e["type"] == "text") == "partial "


@pytest.mark.usefixtures("hostile_keys")
def test_endless_tool_call_arguments_are_cut_at_the_cap(hostile_config, capsys) -> None:
    code = main(["ask", "--json", "--config", hostile_config("huge-tool"), "-m", "h-openai/m", "x"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [error] = [e for e in events if e["type"] == "error"]
    assert code == 1
    assert error["kind"] == "protocol"
    assert "arguments of tool call 'lookup' grew past 1,048,576 bytes" in error["message"]
    assert not [e for e in events if e["type"] == "tool_call"]  # never handed to a tool


@pytest.mark.usefixtures("hostile_keys")
def test_the_caps_are_configurable(hostile_config, capsys) -> None:
    config = hostile_config("endless")
    with open(config, "a", encoding="utf-8") as file:
        file.write("max_event_bytes = 65536\n")
    assert main(["ask", "--json", "--config", config, "-m", "h-ollama/m", "hi"]) == 1
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [error] = [e for e in events if e["type"] == "error"]
    assert "larger than 65,536 bytes" in error["message"]
