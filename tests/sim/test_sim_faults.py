"""Every scripted fault, for every family, checked at the HTTP level."""

from __future__ import annotations

import json

import httpx
import pytest
from sim_wire import (
    FAMILIES,
    FAST,
    build_request,
    fresh,
    stream_payloads,
    streamed_text,
    wire_family,
)

pytestmark = pytest.mark.usefixtures("sim_url")


def _error_kind(family: str, body: dict) -> str:
    """The family's machine-readable error type (``type`` / ``status`` / message)."""
    if family == "openai":
        return body["error"]["type"]
    if family == "anthropic":
        assert body["type"] == "error" and body["request_id"].startswith("req_")
        return body["error"]["type"]
    if family == "gemini":
        return body["error"]["status"]
    return body["error"]


EXPECTED = {
    ("openai", "429"): (429, "requests"),
    ("openai", "500"): (500, "server_error"),
    ("openai", "503"): (503, "server_error"),
    ("openai", "529"): (529, "server_error"),
    ("openai", "401"): (401, "invalid_request_error"),
    ("openai", "403"): (403, "invalid_request_error"),
    ("openai", "400ctx"): (400, "invalid_request_error"),
    ("anthropic", "429"): (429, "rate_limit_error"),
    ("anthropic", "500"): (500, "api_error"),
    ("anthropic", "503"): (503, "api_error"),
    ("anthropic", "529"): (529, "overloaded_error"),
    ("anthropic", "401"): (401, "authentication_error"),
    ("anthropic", "403"): (403, "permission_error"),
    ("anthropic", "400ctx"): (400, "invalid_request_error"),
    ("gemini", "429"): (429, "RESOURCE_EXHAUSTED"),
    ("gemini", "500"): (500, "INTERNAL"),
    ("gemini", "503"): (503, "UNAVAILABLE"),
    ("gemini", "529"): (529, "UNAVAILABLE"),
    ("gemini", "401"): (400, "INVALID_ARGUMENT"),  # Gemini's bad-key answer is a 400
    ("gemini", "403"): (403, "PERMISSION_DENIED"),
    ("gemini", "400ctx"): (400, "INVALID_ARGUMENT"),
    ("ollama", "429"): (429, "too many requests, please try again later"),
    ("ollama", "500"): (500, "llama runner process has terminated: exit status 2"),
    ("ollama", "503"): (
        503,
        "server busy, please try again.  maximum pending requests exceeded",
    ),
    ("ollama", "529"): (
        529,
        "server busy, please try again.  maximum pending requests exceeded",
    ),
    ("ollama", "401"): (401, "unauthorized"),
    ("ollama", "403"): (403, "forbidden"),
    ("ollama", "400ctx"): (
        400,
        "the prompt is longer than the context length currently available to the model; "
        "shorten the prompt, adjust the context length in settings, or use a model with a "
        "longer context length",
    ),
}


@pytest.mark.parametrize(("family", "fault"), sorted(EXPECTED))
def test_http_faults_use_each_familys_status_and_error_body(send, family, fault):
    response = send(family, f"echo?{FAST}&fail={fault}")
    status, kind = EXPECTED[(family, fault)]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert _error_kind(family, response.json()) == kind


def test_context_length_errors_use_the_real_wording(send):
    assert send("openai", "echo?fail=400ctx").json()["error"]["code"] == "context_length_exceeded"
    assert (
        "maximum context length is 128000 tokens"
        in send("openai", "echo?fail=400ctx").json()["error"]["message"]
    )
    assert (
        send("anthropic", "echo?fail=400ctx")
        .json()["error"]["message"]
        .startswith("prompt is too long: ")
    )
    assert (
        "exceeds the maximum number of tokens allowed"
        in (send("gemini", "echo?fail=400ctx").json()["error"]["message"])
    )


def test_openai_rate_limit_carries_retry_after_headers_and_hint(send):
    response = send("openai", "echo?fail=429&retry_after=1.5")
    assert response.headers["retry-after"] == "1.5"
    assert response.headers["retry-after-ms"] == "1500"
    assert response.headers["x-ratelimit-remaining-requests"] == "0"
    error = response.json()["error"]
    assert error["code"] == "rate_limit_exceeded" and "try again in 1.5s" in error["message"]


def test_anthropic_rate_limit_and_overload_carry_retry_after(send):
    limited = send("anthropic", "echo?fail=429&retry_after=2")
    assert limited.headers["retry-after"] == "2" and limited.headers["retry-after-ms"] == "2000"
    assert limited.headers["request-id"] == limited.json()["request_id"]
    overloaded = send("anthropic", "echo?fail=529&retry_after=1")
    assert overloaded.json()["error"] == {"type": "overloaded_error", "message": "Overloaded"}
    assert overloaded.headers["retry-after"] == "1"


def test_gemini_rate_limit_puts_the_wait_in_retry_info(send):
    body = send("gemini", "echo?fail=429&retry_after=3").json()["error"]
    retry = [d for d in body["details"] if d["@type"].endswith("RetryInfo")]
    assert retry == [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3s"}]
    assert "Please retry in 3s." in body["message"]


def test_without_retry_after_no_retry_header_is_sent(send):
    assert "retry-after" not in send("openai", "echo?fail=429").headers


@pytest.mark.parametrize("family", FAMILIES)
def test_fail_times_fails_the_first_n_requests_then_succeeds(send, family):
    model = fresh(f"echo?{FAST}&fail=503&fail_times=2")
    statuses = [send(family, model).status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_fail_times_counts_per_family_and_exact_model_id(send):
    model = fresh(f"echo?{FAST}&fail=500&fail_times=1")
    assert send("openai", model).status_code == 500
    assert send("anthropic", model).status_code == 500  # its own counter
    assert send("openai", model).status_code == 200
    assert send("openai", model + "&other=1").status_code == 500  # a different model id


def test_fail_key_faults_only_requests_carrying_that_key(send):
    model = fresh(f"echo?{FAST}&fail=429&fail_key=primary")
    assert send("openai", model, key="sk-primary-0001").status_code == 429
    assert send("openai", model, key="sk-backup-0002").status_code == 200
    assert send("anthropic", model, key="sk-ant-primary-1").status_code == 429


@pytest.mark.parametrize("family", FAMILIES)
def test_keys_marked_invalid_or_revoked_are_rejected_in_the_family_format(send, family):
    for key in ("sk-invalid-000000000", "sk-revoked-000000000"):
        response = send(family, f"echo?{FAST}", key=key)
        assert response.status_code == (400 if family == "gemini" else 401)
    body = response.json()
    if family == "openai":
        assert body["error"]["code"] == "invalid_api_key"
        assert "sk-revoked-000000000" not in body["error"]["message"]  # masked
    elif family == "anthropic":
        assert body["error"] == {"type": "authentication_error", "message": "invalid x-api-key"}
    elif family == "gemini":
        assert body["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    elif family == "vertex":  # Google's front end refuses the token, in an array
        assert body[0]["error"]["status"] == "UNAUTHENTICATED"
    elif family == "vertex-anthropic":
        assert body["error"]["status"] == "UNAUTHENTICATED"
    else:
        assert body == {"error": "unauthorized"}


@pytest.mark.parametrize("path", ["/openai/v1/models", "/gemini/v1beta/models", "/ollama/api/tags"])
def test_model_lists_reject_bad_keys_like_a_live_key_check(client, path):
    headers = {"authorization": "Bearer sk-revoked-1", "x-goog-api-key": "AIza-invalid"}
    assert client.get(path, headers=headers).status_code in (400, 401)


def test_anthropic_oauth_tokens_need_bearer_and_the_oauth_beta(send, client):
    token = "sk-ant-oat01-" + "a" * 40
    as_api_key = send("anthropic", f"echo?{FAST}", key=token)
    assert as_api_key.status_code == 401
    wire = build_request("anthropic", f"echo?{FAST}", key=None)
    headers = {**wire.headers, "authorization": f"Bearer {token}"}
    no_beta = client.post(wire.path, json=wire.body, headers=headers)
    assert no_beta.json()["error"]["message"] == "OAuth authentication is currently not supported."
    headers["anthropic-beta"] = "oauth-2025-04-20"
    assert client.post(wire.path, json=wire.body, headers=headers).status_code == 200


def test_anthropic_requires_the_version_header(client):
    wire = build_request("anthropic", f"echo?{FAST}")
    del wire.headers["anthropic-version"]
    response = client.post(wire.path, json=wire.body, headers=wire.headers)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "anthropic-version: header is required"


# ---- faults inside a 200 stream ------------------------------------------------------------


def _stream(client: httpx.Client, family: str, model: str, text: str, timeout: float = 5.0):
    wire = build_request(family, model, text)
    return client.stream(
        wire.method, wire.path, json=wire.body, headers=wire.headers, timeout=timeout
    )


TEXT = "one two three four five six seven eight"


@pytest.mark.parametrize("family", FAMILIES)
def test_stall_sends_headers_and_then_nothing(client, family):
    with _stream(client, family, f"echo?{FAST}&fail=stall", TEXT, timeout=0.3) as response:
        assert response.status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            response.read()


@pytest.mark.parametrize("family", FAMILIES)
def test_stall_after_sends_some_tokens_and_then_stalls(client, family):
    received = b""
    with (
        _stream(client, family, f"echo?{FAST}&stall_after=3", TEXT, timeout=0.3) as response,
        pytest.raises(httpx.ReadTimeout),
    ):
        for chunk in response.iter_raw():
            received += chunk
    assert streamed_text(family, received.decode()) == "one two three"


TERMINATORS = {
    "openai": "data: [DONE]",
    "anthropic": "message_stop",
    "gemini": "finishReason",
    "ollama": '"done":true',
    "vertex": "finishReason",
    "vertex-anthropic": "message_stop",
}


@pytest.mark.parametrize("family", FAMILIES)
def test_cutoff_closes_the_connection_mid_stream_without_a_terminator(client, family):
    received = b""
    with _stream(client, family, f"echo?{FAST}&fail=cutoff", TEXT) as response:
        assert response.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in response.iter_raw():
                received += chunk
    text = received.decode()
    assert streamed_text(family, text) == "one two three four"
    assert TERMINATORS[family] not in text


@pytest.mark.parametrize("family", FAMILIES)
def test_midstream_error_sends_the_familys_error_event_after_output(send, family):
    response = send(family, f"echo?{FAST}&fail=midstream_error&after=2", TEXT)
    assert response.status_code == 200
    pairs = stream_payloads(family, response.text)
    event, data = pairs[-1]
    error = json.loads(data)
    wire = wire_family(family)  # Vertex streams the publisher's own error event
    if wire == "openai":
        assert error["error"]["type"] == "server_error"
    elif wire == "anthropic":
        assert event == "error"
        assert error == {
            "type": "error",
            "error": {"type": "overloaded_error", "message": "Overloaded"},
        }
    elif wire == "gemini":
        assert error["error"]["status"] == "UNAVAILABLE" and error["error"]["code"] == 503
    else:
        assert error == {"error": "an error was encountered while running the model"}
    assert TERMINATORS[family] not in response.text
    assert streamed_text(family, response.text) == "one two"


@pytest.mark.parametrize("family", FAMILIES)
def test_malformed_sends_one_chunk_that_is_not_json(send, family):
    response = send(family, f"echo?{FAST}&fail=malformed&after=1", TEXT)
    assert response.status_code == 200
    broken = []
    for _, data in stream_payloads(family, response.text):
        try:
            json.loads(data) if data != "[DONE]" else None
        except ValueError:
            broken.append(data)
    assert len(broken) == 1 and "unter" in broken[0]


@pytest.mark.parametrize("family", FAMILIES)
def test_non_streamed_requests_get_the_same_http_faults(send, family):
    model = fresh(f"echo?{FAST}&fail=429&fail_times=1&retry_after=1")
    first = send(family, model, stream=False)
    assert first.status_code == 429 and first.headers["retry-after"] == "1"
    assert send(family, model, stream=False).status_code == 200


def test_stream_faults_also_apply_to_non_streamed_requests(send, client):
    assert send("anthropic", f"echo?{FAST}&fail=midstream_error", stream=False).status_code == 529
    truncated = send("openai", f"echo?{FAST}&fail=malformed", stream=False)
    with pytest.raises(ValueError):
        json.loads(truncated.content)
    wire = build_request("openai", f"echo?{FAST}&fail=cutoff", TEXT, stream=False)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(wire.path, json=wire.body, headers=wire.headers)
