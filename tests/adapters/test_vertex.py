"""The Vertex AI adapters (Gemini and Claude) against a loopback server.

They reuse the Gemini and Anthropic parsers, so these tests cover what Vertex changes: the
address, the bearer token (configured, or from ADC through google-auth against a loopback
token endpoint), the Claude body, and Google's error bodies.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

from playground.adapters import vertex_auth
from playground.adapters.vertex_anthropic import build_body as anthropic_body
from playground.adapters.vertex_transport import vertex_url
from playground.endpoint import AuthKind, Protocol
from playground.events import ErrorKind, StopReason
from playground.request import ChatRequest, Message, TextPart
from tests.adapters.gcp_fakes import (
    MetadataServer,
    service_account_file,
    token_reply,
    use_metadata_server,
)
from tests.adapters.replay import ReplayServer, Reply
from tests.adapters.streams import collect, endpoint, summarize

TOKEN = "ya29.a0-test-access-token-0123456789"
PLACE = {"project": "my-proj", "location": "us-east5"}
GEMINI_SSE = (
    b'data: {"candidates": [{"content": {"role": "model","parts": [{"text": "Ol\xc3\xa1"}]}}]}'
    b"\r\n\r\n"
    b'data: {"candidates": [{"content": {"role": "model","parts": [{"text": "!"}]},'
    b'"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 9,'
    b'"candidatesTokenCount": 2,"thoughtsTokenCount": 5}}\r\n\r\n'
)
CLAUDE_SSE = b"".join(
    f"event: {json.loads(data)['type']}\ndata: {data}\n\n".encode()
    for data in (
        '{"type":"message_start","message":{"usage":{"input_tokens":16,"output_tokens":1}}}',
        '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
        '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
        '{"type":"content_block_stop","index":0}',
        '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}',
        '{"type":"message_stop"}',
    )
)


def hello() -> ChatRequest:
    return ChatRequest(
        model="m", messages=[Message("user", [TextPart("Say hi")])], system="Be brief"
    )


def vertex_endpoint(protocol: Protocol, base: str, model: str, **kw):
    return endpoint(protocol, base, model, options={**PLACE, **kw.pop("options", {})}, **kw)


def adc_endpoint(protocol: Protocol, base: str, model: str):
    """An endpoint with no token of its own: it authorizes through ADC."""
    return vertex_endpoint(protocol, base, model, key=None, options={"adc": "yes"})


# ---- address --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected_prefix"),
    [
        (
            "https://us-east5-aiplatform.googleapis.com",
            "https://us-east5-aiplatform.googleapis.com/v1/",
        ),
        ("http://127.0.0.1:9/vertex/", "http://127.0.0.1:9/vertex/v1/"),
        ("https://proxy.example/v1beta1", "https://proxy.example/v1beta1/"),
    ],
)
def test_the_url_has_project_location_publisher_and_keeps_the_model_version(
    base: str, expected_prefix: str
) -> None:
    ep = vertex_endpoint(Protocol.VERTEX_ANTHROPIC, base, "claude-sonnet-4-5@20250929")
    assert vertex_url(ep, "anthropic", "streamRawPredict") == (
        expected_prefix + "projects/my-proj/locations/us-east5/publishers/anthropic/models/"
        "claude-sonnet-4-5@20250929:streamRawPredict"
    )


def test_a_model_id_with_simulator_parameters_is_percent_encoded() -> None:
    ep = vertex_endpoint(Protocol.VERTEX, "http://h", "echo?fail=429")
    assert "/models/echo%3Ffail%3D429:streamGenerateContent" in vertex_url(
        ep, "google", "streamGenerateContent"
    )


def test_global_location_uses_the_host_without_a_region() -> None:
    place = vertex_auth.VertexPlace("p", "global")
    assert place.default_base_url() == "https://aiplatform.googleapis.com"
    assert vertex_auth.VertexPlace("p", "europe-west4").default_base_url() == (
        "https://europe-west4-aiplatform.googleapis.com"
    )


# ---- project and location -------------------------------------------------------------------


def test_project_and_location_come_from_config_before_the_environment() -> None:
    env = {"GOOGLE_CLOUD_PROJECT": "env-proj", "GOOGLE_CLOUD_LOCATION": "europe-west1"}
    assert vertex_auth.vertex_place(project="cfg", location="asia-east1", env=env) == (
        vertex_auth.VertexPlace("cfg", "asia-east1")
    )
    assert vertex_auth.vertex_place(project=None, location=None, env=env) == (
        vertex_auth.VertexPlace("env-proj", "europe-west1")
    )


@pytest.mark.parametrize("name", ["GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"])
def test_the_legacy_and_gcloud_project_variables_are_read(name: str) -> None:
    place = vertex_auth.vertex_place(project=None, location=None, env={name: "p1"})
    assert place == vertex_auth.VertexPlace("p1", "us-central1")


def test_the_project_falls_back_to_the_adc_file(tmp_path: Path) -> None:
    adc = tmp_path / "sa.json"
    adc.write_text(json.dumps({"type": "service_account", "project_id": "from-file"}))
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(adc), "CLOUD_ML_REGION": "us-east5"}
    place = vertex_auth.vertex_place(project=None, location=None, env=env)
    assert place == vertex_auth.VertexPlace("from-file", "us-east5")


def test_no_project_anywhere_is_none(tmp_path: Path) -> None:
    assert (
        vertex_auth.vertex_place(project=None, location=None, env={"HOME": str(tmp_path)}) is None
    )


# ---- streaming with a configured access token ------------------------------------------------


async def test_gemini_on_vertex_streams_with_a_bearer_token(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    replay.queue(Reply(GEMINI_SSE))
    ep = vertex_endpoint(
        Protocol.VERTEX,
        replay.base_url,
        "gemini-2.5-flash",
        key=TOKEN,
        auth_kind=AuthKind.OAUTH_TOKEN,
    )
    summary = summarize(await collect(hello(), ep, client))
    assert summary.text == "Olá!"
    assert (summary.usage.input_tokens, summary.usage.output_tokens) == (9, 7)
    assert summary.terminal.stop_reason is StopReason.STOP
    (request,) = replay.requests
    assert request.path == (
        "/v1/projects/my-proj/locations/us-east5/publishers/google/models/"
        "gemini-2.5-flash:streamGenerateContent"
    )
    assert request.query == "alt=sse"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-goog-api-key" not in request.headers
    body = request.json()
    assert body["contents"] == [{"role": "user", "parts": [{"text": "Say hi"}]}]
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief"}]}


async def test_claude_on_vertex_sends_the_vertex_body_and_reads_messages_sse(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    replay.queue(Reply(CLAUDE_SSE))
    ep = vertex_endpoint(
        Protocol.VERTEX_ANTHROPIC, replay.base_url, "claude-haiku-4-5@20251001", key=TOKEN
    )
    summary = summarize(await collect(hello(), ep, client))
    assert summary.text == "Hi"
    assert (summary.usage.input_tokens, summary.usage.output_tokens) == (16, 3)
    (request,) = replay.requests
    assert request.path.endswith(
        "/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict"
    )
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-api-key" not in request.headers
    body = request.json()
    assert "model" not in body
    assert body["anthropic_version"] == "vertex-2023-10-16"
    assert body["stream"] is True
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Say hi"}]}]


def test_claude_body_matches_the_shape_of_a_recorded_vertex_request() -> None:
    """fantasy's recording of a live streamRawPredict call: same keys, no ``model``."""
    recorded = {"max_tokens", "messages", "system", "stream", "anthropic_version"}
    ep = vertex_endpoint(Protocol.VERTEX_ANTHROPIC, "http://h", "claude-3-7-sonnet@20250219")
    assert set(anthropic_body(hello(), ep)) == recorded


# ---- errors ---------------------------------------------------------------------------------


def google_error(code: int, status: str, message: str, **extra: object) -> bytes:
    return json.dumps(
        [{"error": {"code": code, "message": message, "status": status, **extra}}]
    ).encode()


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (
            401,
            google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
            ErrorKind.AUTH,
        ),
        (
            403,
            google_error(
                403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied"
            ),
            ErrorKind.AUTH,
        ),
        (
            404,
            google_error(404, "NOT_FOUND", "Publisher Model `x` was not found"),
            ErrorKind.NOT_FOUND,
        ),
        (
            429,
            google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com"),
            ErrorKind.RATE_LIMITED,
        ),
        (
            400,
            google_error(
                400,
                "INVALID_ARGUMENT",
                "The input token count (2000000) exceeds the maximum number of tokens allowed.",
            ),
            ErrorKind.CONTEXT_LENGTH,
        ),
        (
            503,
            google_error(503, "UNAVAILABLE", "The service is currently unavailable."),
            ErrorKind.OVERLOADED,
        ),
    ],
)
async def test_vertex_error_arrays_are_classified(
    replay: ReplayServer, client: httpx.AsyncClient, status: int, body: bytes, kind: ErrorKind
) -> None:
    replay.queue(Reply(body, status=status, content_type="application/json"))
    ep = vertex_endpoint(Protocol.VERTEX, replay.base_url, "gemini-2.5-flash", key=TOKEN)
    error = summarize(await collect(hello(), ep, client)).terminal
    assert error.kind is kind
    assert error.status == status


async def test_an_echoed_access_token_is_masked(
    replay: ReplayServer, client: httpx.AsyncClient
) -> None:
    body = google_error(401, "UNAUTHENTICATED", f"token {TOKEN} is expired")
    replay.queue(Reply(body, status=401, content_type="application/json"))
    ep = vertex_endpoint(Protocol.VERTEX_ANTHROPIC, replay.base_url, "claude-x@1", key=TOKEN)
    error = summarize(await collect(hello(), ep, client)).terminal
    assert TOKEN not in error.message and "is expired" in error.message


# ---- Application Default Credentials ----------------------------------------------------------


@pytest.fixture
def token_server():
    with ReplayServer() as server:
        yield server


@pytest.fixture
def fresh_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vertex_auth, "_TOKENS", {})


@pytest.fixture
def service_account_adc(
    token_server: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_tokens: None
) -> Path:
    """A service-account ADC file whose token grants go to ``token_server``."""
    adc = service_account_file(tmp_path, f"{token_server.base_url}/token")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    return adc


async def test_adc_service_account_token_is_fetched_once_and_reused(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    token_server: ReplayServer,
    service_account_adc: Path,
) -> None:
    token_server.queue(token_reply("ya29.from-loopback-token-endpoint-1"))
    replay.queue(Reply(GEMINI_SSE), Reply(GEMINI_SSE))
    ep = adc_endpoint(Protocol.VERTEX, replay.base_url, "gemini-2.5-flash")
    for _ in range(2):
        assert summarize(await collect(hello(), ep, client)).text == "Olá!"
    assert len(token_server.requests) == 1  # cached until near expiry
    grant = token_server.requests[0].body.decode()
    assert "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" in grant
    assert [r.headers["authorization"] for r in replay.requests] == [
        "Bearer ya29.from-loopback-token-endpoint-1"
    ] * 2


async def test_adc_token_close_to_expiry_is_refreshed(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    token_server: ReplayServer,
    service_account_adc: Path,
) -> None:
    # 60 s is inside google-auth's refresh margin, so the next request refreshes.
    token_server.queue(
        token_reply("ya29.first-token-aaaaaaaaaa", 60), token_reply("ya29.second-token-bbbbbbbbb")
    )
    replay.queue(Reply(GEMINI_SSE), Reply(CLAUDE_SSE))
    gemini = adc_endpoint(Protocol.VERTEX, replay.base_url, "g")
    claude = adc_endpoint(Protocol.VERTEX_ANTHROPIC, replay.base_url, "c@1")
    await collect(hello(), gemini, client)
    await collect(hello(), claude, client)
    assert [r.headers["authorization"] for r in replay.requests] == [
        "Bearer ya29.first-token-aaaaaaaaaa",
        "Bearer ya29.second-token-bbbbbbbbb",
    ]


def gcloud_user_adc(home: Path, token_server: ReplayServer, monkeypatch, **extra: str) -> None:
    """gcloud's ``application-default login`` file; its refreshes go to ``token_server``."""
    import google.oauth2.credentials

    adc = home / ".config" / "gcloud" / "application_default_credentials.json"
    adc.parent.mkdir(parents=True)
    info = {
        "type": "authorized_user",
        "client_id": "id.apps.googleusercontent.com",
        "client_secret": "client-secret-0123456789",
        "refresh_token": "1//refresh-token-secret-0123456789",
        **extra,
    }
    adc.write_text(json.dumps(info))
    monkeypatch.setenv("HOME", str(home))
    # gcloud's authorized_user files always refresh at Google's token endpoint: point it home.
    monkeypatch.setattr(
        google.oauth2.credentials, "_GOOGLE_OAUTH2_TOKEN_ENDPOINT", f"{token_server.base_url}/token"
    )


async def test_gcloud_user_adc_sends_its_quota_project(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    token_server: ReplayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_tokens: None,
) -> None:
    gcloud_user_adc(tmp_path, token_server, monkeypatch, quota_project_id="billing-proj")
    token_server.queue(token_reply("ya29.user-token-from-refresh-000"))
    replay.queue(Reply(GEMINI_SSE))
    ep = adc_endpoint(Protocol.VERTEX, replay.base_url, "g")
    assert summarize(await collect(hello(), ep, client)).text == "Olá!"
    (request,) = replay.requests
    assert request.headers["authorization"] == "Bearer ya29.user-token-from-refresh-000"
    assert request.headers["x-goog-user-project"] == "billing-proj"
    assert "refresh_token=1%2F%2Frefresh-token-secret" in token_server.requests[0].body.decode()


async def test_authorized_user_adc_refresh_failure_is_one_auth_line_without_secrets(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    token_server: ReplayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_tokens: None,
) -> None:
    refresh = "1//refresh-token-secret-0123456789"
    gcloud_user_adc(tmp_path, token_server, monkeypatch)
    body = json.dumps({"error": "invalid_grant", "error_description": f"Bad Request {refresh}"})
    token_server.queue(Reply(body.encode(), status=400, content_type="application/json"))
    ep = adc_endpoint(Protocol.VERTEX, replay.base_url, "g")
    error = summarize(await collect(hello(), ep, client)).terminal
    assert error.kind is ErrorKind.AUTH
    assert "refresh failed" in error.message and "invalid_grant" in error.message
    assert refresh not in error.message and "\n" not in error.message
    assert replay.requests == []  # nothing was sent to Vertex without a token


async def test_missing_google_auth_names_the_extra(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    fresh_tokens: None,
) -> None:
    monkeypatch.setitem(sys.modules, "google.auth", None)
    monkeypatch.setitem(sys.modules, "google.auth.exceptions", None)
    ep = adc_endpoint(Protocol.VERTEX, replay.base_url, "g")
    error = summarize(await collect(hello(), ep, client)).terminal
    assert error.kind is ErrorKind.AUTH
    assert error.message == vertex_auth.MISSING_EXTRA
    assert "playground-tui[gcp]" in error.message


async def test_no_adc_at_all_says_how_to_log_in(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    fresh_tokens: None,
) -> None:
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    def no_credentials(**_kw: object) -> None:
        raise DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(google.auth, "default", no_credentials)
    ep = adc_endpoint(Protocol.VERTEX, replay.base_url, "g")
    error = summarize(await collect(hello(), ep, client)).terminal
    assert error.kind is ErrorKind.AUTH
    assert "gcloud auth application-default login" in error.message


async def test_without_an_adc_file_the_metadata_server_gives_the_token(
    replay: ReplayServer,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    fresh_tokens: None,
) -> None:
    replay.queue(Reply(CLAUDE_SSE))
    with MetadataServer("ya29.from-the-metadata-stand-in-0001") as metadata:
        use_metadata_server(monkeypatch, metadata)
        ep = adc_endpoint(Protocol.VERTEX_ANTHROPIC, replay.base_url, "c@1")
        assert summarize(await collect(hello(), ep, client)).text == "Hi"
        assert any(p.endswith("/token") or "/token?" in p for p in metadata.paths)
    (request,) = replay.requests
    assert request.headers["authorization"] == "Bearer ya29.from-the-metadata-stand-in-0001"
