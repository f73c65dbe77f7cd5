"""What official SDKs need from the simulator beyond the model-id parameters (issue 17).

The google-genai SDK with a custom base URL calls ``/v1/models/...`` (not ``/v1beta``), and
SDKs that validate model names reject ``echo?fail=429``: the same fault parameters are
accepted from an ``x-sim-fault`` request header.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sim_wire import FAMILIES, FAST, build_request, fresh, streamed_text

pytestmark = pytest.mark.usefixtures("sim_url")


@pytest.mark.parametrize("version", ["v1", "v1beta"])
def test_gemini_answers_under_v1_and_v1beta(client, version: str) -> None:
    wire = build_request("gemini", f"echo?{FAST}")
    path = wire.path.replace("/v1beta/", f"/{version}/")
    response = client.post(path, json=wire.body, headers=wire.headers)
    assert response.status_code == 200, response.text
    assert streamed_text("gemini", response.text) == "hello there"
    listed = client.get(f"/gemini/{version}/models", headers=wire.headers)
    assert listed.status_code == 200
    assert "models/echo" in {m["name"] for m in listed.json()["models"]}


@pytest.mark.parametrize("family", FAMILIES)
def test_fault_parameters_from_the_x_sim_fault_header(client, family: str) -> None:
    wire = build_request(family, "echo", stream=False)
    headers = {**wire.headers, "x-sim-fault": f"fail=429&retry_after=1&{FAST}"}
    response = client.post(wire.path, json=wire.body, headers=headers)
    assert response.status_code == 429
    if family in ("openai", "anthropic"):
        assert response.headers["retry-after"] == "1"


def test_the_header_combines_with_the_model_id_and_fail_times_counts(client) -> None:
    model = fresh(f"echo?{FAST}")
    wire = build_request("openai", model, stream=False)
    headers = {**wire.headers, "x-sim-fault": "fail=503&fail_times=1"}
    first = client.post(wire.path, json=wire.body, headers=headers)
    second = client.post(wire.path, json=wire.body, headers=headers)
    assert (first.status_code, second.status_code) == (503, 200)


def test_a_bad_x_sim_fault_header_is_a_400_naming_the_parameter(client) -> None:
    wire = build_request("anthropic", f"echo?{FAST}", stream=False)
    headers = {**wire.headers, "x-sim-fault": "fail=boom"}
    response = client.post(wire.path, json=wire.body, headers=headers)
    assert response.status_code == 400
    assert "fail='boom'" in response.text


def test_without_the_header_the_model_name_alone_is_served(client) -> None:
    path = f"/gemini/v1/models/{quote('echo', safe='')}:generateContent"
    wire = build_request("gemini", "echo", stream=False)
    response = client.post(path, json=wire.body, headers=wire.headers)
    assert response.status_code == 200
