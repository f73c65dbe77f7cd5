"""A real LiteLLM proxy in front of the simulator reaches all four families, in both of its
front-end formats: OpenAI ``/v1/chat/completions`` and Anthropic ``/v1/messages``.

LiteLLM is not a test dependency (it pins much of what we use): ``.ci/run`` installs it into a
separate cached virtualenv and names its ``litellm`` executable in ``PLAYGROUND_LITELLM``;
without that variable the test skips. Everything stays on loopback: the local cost map, no
telemetry, no proxy variables.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from playground.sim.embedded import bind_socket

LITELLM_ENV = "PLAYGROUND_LITELLM"
START_TIMEOUT_S = 120.0

# model_name → LiteLLM provider prefix and the simulator path of that family's base URL.
# LiteLLM's Gemini api_base carries the API version, as Google's default does.
FAMILIES = {
    "sim-openai": ("openai", "/openai/v1"),
    "sim-anthropic": ("anthropic", "/anthropic"),
    "sim-gemini": ("gemini", "/gemini/v1beta"),
    "sim-ollama": ("ollama_chat", "/ollama"),
}
# What each family's request looks like when it reaches the simulator, per front-end format.
# An Anthropic-format request for an ``openai/`` model goes out through the Responses API.
ARRIVES_AT = {
    ("sim-openai", "openai"): "/openai/v1/chat/completions",
    ("sim-openai", "anthropic"): "/openai/v1/responses",
    ("sim-anthropic", "openai"): "/anthropic/v1/messages",
    ("sim-anthropic", "anthropic"): "/anthropic/v1/messages",
    ("sim-gemini", "openai"): "/gemini/v1beta/models/echo:streamGenerateContent",
    ("sim-gemini", "anthropic"): "/gemini/v1beta/models/echo:streamGenerateContent",
    ("sim-ollama", "openai"): "/ollama/api/chat",
    ("sim-ollama", "anthropic"): "/ollama/api/chat",
}


def _config(sim_url: str) -> str:
    lines = ["model_list:"]
    for name, (prefix, path) in FAMILIES.items():
        params = {"model": f"{prefix}/echo", "api_base": sim_url + path, "api_key": "sk-sim-1234"}
        lines += [f"  - model_name: {name}", f"    litellm_params: {json.dumps(params)}"]
    return "\n".join(lines) + "\n"


def _environment(home: Path, master_key: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != LITELLM_ENV
    }
    env.update(
        HOME=str(home),
        NO_PROXY="127.0.0.1,localhost",
        LITELLM_MASTER_KEY=master_key,
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        LITELLM_TELEMETRY="False",
        LITELLM_LOG="ERROR",
    )
    return env


class Proxy:
    """A running ``litellm --config`` on a free loopback port."""

    def __init__(self, url: str, master_key: str) -> None:
        self.url = url
        self.master_key = master_key


@pytest.fixture(scope="module")
def proxy(sim_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    executable = os.environ.get(LITELLM_ENV)
    if not executable:
        pytest.skip(f"{LITELLM_ENV} is not set (.ci/run installs LiteLLM and sets it)")
    if not Path(executable).is_file():
        pytest.skip(f"{LITELLM_ENV}={executable} does not exist")
    home = tmp_path_factory.mktemp("litellm")
    config = home / "config.yaml"
    config.write_text(_config(sim_url))
    with bind_socket("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
    master_key = "sk-" + secrets.token_hex(16)
    log = (home / "litellm.log").open("wb")
    process = subprocess.Popen(
        [executable, "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
        env=_environment(home, master_key),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=home,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                tail = (home / "litellm.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"litellm exited with {process.returncode}:\n{tail}")
            try:
                if httpx.get(f"{url}/health/liveliness", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"litellm did not answer within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.2)
        yield Proxy(url, master_key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _data_lines(response: httpx.Response) -> Iterator[dict]:
    for line in response.iter_lines():
        if line.startswith("data:") and line[5:].strip() != "[DONE]":
            yield json.loads(line[5:])


def _stream_openai(proxy: Proxy, model: str, prompt: str) -> str:
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": prompt}]}
    headers = {"authorization": f"Bearer {proxy.master_key}"}
    with httpx.stream(
        "POST", f"{proxy.url}/v1/chat/completions", json=body, headers=headers, timeout=30
    ) as response:
        assert response.status_code == 200, response.read().decode()
        return "".join(
            chunk["choices"][0]["delta"].get("content") or ""
            for chunk in _data_lines(response)
            if chunk.get("choices")
        )


def _stream_anthropic(proxy: Proxy, model: str, prompt: str) -> str:
    body = {
        "model": model,
        "max_tokens": 256,
        "stream": True,
        "messages": [{"role": "user", "content": prompt}],
    }
    headers = {"x-api-key": proxy.master_key, "anthropic-version": "2023-06-01"}
    with httpx.stream(
        "POST", f"{proxy.url}/v1/messages", json=body, headers=headers, timeout=30
    ) as response:
        assert response.status_code == 200, response.read().decode()
        return "".join(
            event["delta"].get("text", "")
            for event in _data_lines(response)
            if event.get("type") == "content_block_delta"
        )


@pytest.mark.parametrize("front", ["openai", "anthropic"])
@pytest.mark.parametrize("model", list(FAMILIES))
def test_litellm_streams_each_family_in_each_format(
    proxy: Proxy, sim_url: str, model: str, front: str
) -> None:
    prompt = f"hello {model} via {front} {secrets.token_hex(4)}"
    stream = _stream_openai if front == "openai" else _stream_anthropic
    assert stream(proxy, model, prompt) == prompt
    arrived = [
        entry
        for entry in httpx.get(f"{sim_url}/_sim/requests").json()["requests"]
        if prompt in json.dumps(entry["body"])
    ]
    assert [(e["path"], e["status"]) for e in arrived] == [(ARRIVES_AT[model, front], 200)]
