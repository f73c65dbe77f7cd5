"""Starting and stopping the simulator, pacing, and the introspection endpoints."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from sim_wire import FAST, build_request, streamed_text

from playground.endpoint import Protocol
from playground.sim import embedded
from playground.sim.embedded import (
    SIM_FAMILY_PATHS,
    RunningSim,
    SimStartError,
    bind_socket,
    sim_root_url,
    start_sim_process,
    start_sim_thread,
)


def _echo(root: str, text: str) -> str:
    wire = build_request("openai", f"echo?{FAST}", text)
    response = httpx.post(root + wire.path, json=wire.body, headers=wire.headers, timeout=10)
    return streamed_text("openai", response.text)


def test_family_paths_follow_the_official_sdk_base_url_conventions():
    assert SIM_FAMILY_PATHS == {
        Protocol.OPENAI: "/openai/v1",
        Protocol.ANTHROPIC: "/anthropic",
        Protocol.GEMINI: "/gemini",
        Protocol.OLLAMA: "/ollama",
    }


def test_root_urls_name_an_address_clients_can_reach():
    assert embedded.url_for("127.0.0.1", 8765) == "http://127.0.0.1:8765"
    assert embedded.url_for("0.0.0.0", 8765) == "http://127.0.0.1:8765"
    assert embedded.url_for("::", 1) == "http://[::1]:1"


def test_thread_server_listens_on_a_free_port_and_stops():
    with start_sim_thread() as sim:
        assert isinstance(sim, RunningSim) and sim.url == f"http://127.0.0.1:{sim.port}"
        assert sim.base_url(Protocol.ANTHROPIC) == f"{sim.url}/anthropic"
        assert _echo(sim.url, "from a thread") == "from a thread"
    with pytest.raises(httpx.ConnectError):
        httpx.get(sim.url + "/openai/v1/models", timeout=2)


def test_process_server_answers_and_terminates():
    sim = start_sim_process()
    try:
        assert _echo(sim.url, "from a process") == "from a process"
    finally:
        sim.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(sim.url + "/openai/v1/models", timeout=2)


def test_sim_root_url_prefers_an_already_running_simulator(monkeypatch, sim_url):
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url + "/")
    monkeypatch.setattr(embedded, "start_sim_process", lambda: pytest.fail("must not start"))
    assert sim_root_url() == sim_url


def test_a_port_in_use_is_a_one_line_error():
    with start_sim_thread() as sim:
        with pytest.raises(SimStartError, match=f"port {sim.port} on 127.0.0.1 is already in use"):
            bind_socket("127.0.0.1", sim.port)
        result = subprocess.run(
            [sys.executable, "-m", "playground", "sim", "--port", str(sim.port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "already in use" in result.stderr


def test_cli_prints_the_urls_and_stops_cleanly_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "playground", "sim", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("playground sim: listening on http://127.0.0.1:")
        url = first.split()[-1]
        banner = "".join(process.stdout.readline() for _ in range(10))
        assert f"{url}/openai/v1" in banner and f"{url}/ollama" in banner
        for family in ("responses", "bedrock", "vertex"):
            (line,) = [line for line in banner.splitlines() if line.split()[0] == family]
            assert url in line
        assert f"export PLAYGROUND_SIM_URL={url}" in banner
        assert _echo(url, "cli server") == "cli server"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_tokens_per_second_paces_by_deadline(client):
    wire = build_request("openai", "lorem?tps=200&ttft_ms=100&tokens=40&run=pace")
    arrivals = []
    start = time.perf_counter()
    with client.stream(wire.method, wire.path, json=wire.body, headers=wire.headers) as response:
        for line in response.iter_lines():
            if '"content":"' in line and '"content":""' not in line:
                arrivals.append(time.perf_counter() - start)
    assert len(arrivals) == 40
    assert 0.08 <= arrivals[0] <= 0.3  # time to first token
    assert 0.18 <= arrivals[-1] - arrivals[0] <= 0.35  # 39 gaps at 200 tokens/s = 0.195 s


def test_request_log_masks_keys_and_drops_image_data(client, sim_url):
    png = base64.b64encode(b"\x89PNG" + bytes(300)).decode()
    content = [
        {"type": "text", "text": "look"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}"}},
    ]
    model = f"vision?{FAST}&run=log"
    wire = build_request("openai", model, key="sk-proj-abcdefghijklmnop1234")
    wire.body["messages"] = [{"role": "user", "content": content}]
    client.post(wire.path, json=wire.body, headers=wire.headers)
    entries = [e for e in client.get("/_sim/requests").json()["requests"] if e["model"] == model]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["family"] == "openai" and entry["status"] == 200
    assert entry["credential"] == "sk-proj…1234"
    logged = str(entry)
    assert "abcdefghijklmnop" not in logged and png not in logged
    assert entry["body"]["messages"][0]["content"][1]["image_url"]["url"].endswith("chars elided>")


def test_reset_clears_the_log_and_the_fail_counters():
    with start_sim_thread() as sim, httpx.Client(base_url=sim.url) as client:
        wire = build_request("ollama", f"echo?{FAST}&fail=500&fail_times=1")

        def status() -> int:
            return client.post(wire.path, json=wire.body, headers=wire.headers).status_code

        assert [status(), status()] == [500, 200]
        assert client.post("/_sim/reset").json() == {"reset": True}
        assert client.get("/_sim/requests").json() == {"requests": []}
        assert status() == 500


@pytest.mark.skipif(os.name == "nt", reason="relies on POSIX pipes")
def test_a_child_simulator_exits_when_its_parent_goes_away():
    sim = start_sim_process()
    try:
        process = sim.process
        assert process is not None
        process.stdin.close()  # what the OS does when the parent dies
        process.wait(timeout=10)
        assert process.returncode is not None
    finally:
        sim.stop()


def test_a_child_that_cannot_start_reports_why():
    with (
        start_sim_thread() as sim,
        pytest.raises(SimStartError, match=r"failed to start: playground sim: port .* in use"),
    ):
        start_sim_process(port=sim.port)


@pytest.mark.parametrize(
    ("port", "reason"),
    [
        ("99999", "port 99999 is out of range (0-65535)"),
        ("-1", "out of range"),
        ("http", "not a port"),
    ],
)
def test_a_bad_port_is_a_one_line_usage_error(port: str, reason: str):
    result = subprocess.run(
        [sys.executable, "-m", "playground", "sim", "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert reason in result.stderr and "--port" in result.stderr
