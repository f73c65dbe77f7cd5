"""Live checks: auth headers per family, classification, latency, next steps, concurrency."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl

import httpx
import pytest

from playground.credentials import LiveTarget, ResolvedKey, check_all, check_live
from playground.endpoint import AuthKind
from playground.secret import Secret


def key(value: str, kind: AuthKind = AuthKind.API_KEY, source: str = "env X") -> ResolvedKey:
    return ResolvedKey(Secret(value), source, kind)


def client_answering(status: int, body: object = None, headers: dict | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def client_raising(exc: Exception):
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_openai_family_sends_bearer_and_reports_ok_with_latency(provider, key_server):
    async with httpx.AsyncClient() as client:
        result = await check_live(
            provider("openai"), key("sk-good-1234"), client, base_url=key_server.url + "/v1"
        )
    assert result.status == "ok"
    assert result.http_status == 200
    assert result.latency_ms is not None and result.latency_ms >= 0
    assert result.message == "key accepted · 1 model"
    path, headers = key_server.requests[0]
    assert path == "/v1/models"
    assert headers["authorization"] == "Bearer sk-good-1234"


async def test_rejected_key_is_unauthorized_with_the_providers_message(provider, key_server):
    openai = dataclasses.replace(provider("openai"), docs_url="https://example.test/keys")
    async with httpx.AsyncClient() as client:
        result = await check_live(
            openai,
            key("sk-invalid-1234", source="env OPENAI_API_KEY"),
            client,
            base_url=key_server.url,
        )
    assert result.status == "unauthorized"
    assert result.http_status == 401
    assert result.message == "Incorrect API key provided: sk-…1234"  # masked, not echoed
    assert result.next_step == (
        "the key was rejected (401): create a new key at https://example.test/keys and "
        "update OPENAI_API_KEY or run `playground keys set openai`"
    )


async def test_anthropic_api_key_uses_x_api_key_and_version(provider, key_server):
    async with httpx.AsyncClient() as client:
        result = await check_live(
            provider("anthropic"), key("sk-ant-invalid"), client, base_url=key_server.url
        )
    path, headers = key_server.requests[0]
    assert path == "/v1/models"
    assert headers["x-api-key"] == "sk-ant-invalid"
    assert headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in headers
    assert (result.status, result.message) == ("unauthorized", "invalid x-api-key")


async def test_anthropic_oauth_token_goes_as_bearer_with_the_beta_header(provider, key_server):
    token = "sk-ant-oat01-" + "t" * 60
    async with httpx.AsyncClient() as client:
        result = await check_live(
            provider("anthropic"), key(token, AuthKind.OAUTH_TOKEN), client, base_url=key_server.url
        )
    _path, headers = key_server.requests[0]
    assert headers["authorization"] == f"Bearer {token}"
    assert headers["anthropic-beta"] == "oauth-2025-04-20"
    assert "x-api-key" not in headers
    assert result.status == "ok"


async def test_gemini_uses_goog_header_and_its_400_invalid_key_is_unauthorized(provider):
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        body = {
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [{"reason": "API_KEY_INVALID"}],
            }
        }
        return httpx.Response(400, json=body)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        result = await check_live(provider("gemini"), key("AIza-test"), client)
    assert seen["x-goog-api-key"] == "AIza-test"
    assert result.status == "unauthorized"
    assert result.message == "API key not valid. Please pass a valid API key."


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected", "step_part"),
    [
        (403, {"error": {"message": "no access"}}, None, "forbidden", "lacks access"),
        (
            429,
            {"error": {"message": "slow down"}},
            {"retry-after": "7"},
            "rate_limited",
            "wait 7 s",
        ),
        (404, {"detail": "nope"}, None, "not_found", "check base_url"),
        (500, [{"error": {"message": "boom"}}], None, "error", "answered 500"),
    ],
)
async def test_http_failures_are_classified(provider, status, body, headers, expected, step_part):
    async with client_answering(status, body, headers) as client:
        result = await check_live(provider("groq"), key("gsk_x"), client)
    assert result.status == expected
    assert result.http_status == status
    assert step_part in (result.next_step or "")
    assert result.message in ("no access", "slow down", "nope", "boom")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectTimeout("slow"), "timeout"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "unreachable"),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "tls_error",
        ),
    ],
)
async def test_network_failures_are_classified(provider, exc, expected):
    async with client_raising(exc) as client:
        result = await check_live(provider("groq"), key("gsk_x"), client)
    assert result.status == expected
    assert result.next_step


async def test_tls_error_found_in_the_exception_chain(provider):
    error = httpx.ConnectError("connection failed")
    error.__cause__ = ssl.SSLCertVerificationError("bad cert")
    async with client_raising(error) as client:
        result = await check_live(provider("groq"), key("gsk_x"), client)
    assert result.status == "tls_error"
    assert "system clock" in (result.next_step or "")


async def test_real_refused_connection_is_unreachable(provider, unused_port):
    async with httpx.AsyncClient() as client:
        result = await check_live(
            provider("groq"), key("gsk_x"), client, base_url=f"http://127.0.0.1:{unused_port}"
        )
    assert result.status == "unreachable"
    expected = f"cannot reach 127.0.0.1:{unused_port}: check the network, proxy or base_url"
    assert result.next_step == expected


async def test_local_server_running_and_not_running(provider, key_server, unused_port):
    async with httpx.AsyncClient() as client:
        running = await check_live(provider("ollama"), None, client, base_url=key_server.url)
        stopped = await check_live(
            provider("ollama"), None, client, base_url=f"http://127.0.0.1:{unused_port}"
        )
    assert running.status == "running"
    assert key_server.requests[0][0] == "/api/tags"
    assert "authorization" not in key_server.requests[0][1]
    assert stopped.status == "not_running"
    assert stopped.next_step == "start Ollama with `ollama serve`"


async def test_missing_key_is_not_sent_anywhere(provider):
    async with client_raising(AssertionError("no request expected")) as client:
        result = await check_live(provider("openai"), None, client)
    assert result.status == "error"
    assert result.next_step == "set OPENAI_API_KEY or run `playground keys set openai`"


async def test_skipped_without_endpoint_base_url_or_for_the_embedded_sim(provider):
    async with client_raising(AssertionError("no request expected")) as client:
        perplexity = await check_live(provider("perplexity"), key("pplx-x"), client)
        sim = await check_live(provider("sim"), None, client)
        custom = await check_live(provider("custom"), key("x"), client)
    assert perplexity.status == "skipped"
    assert sim.status == "skipped" and sim.message == "simulated, runs embedded on demand"
    assert custom.status == "skipped" and "base_url" in (custom.next_step or "")


async def test_a_key_echoed_back_by_the_server_is_masked(provider):
    secret = "gsk_" + "e" * 52
    async with client_answering(401, {"error": {"message": f"bad key {secret}"}}) as client:
        result = await check_live(provider("groq"), key(secret), client)
    assert secret not in result.message
    assert result.message.startswith("bad key gsk_")


async def test_check_all_runs_concurrently_with_a_per_check_timeout(provider, key_server):
    async def handler(request: httpx.Request) -> httpx.Response:
        if "slow" in request.url.host:
            await asyncio.sleep(5)
        await asyncio.sleep(0.2)
        return httpx.Response(200, json={"data": []})

    targets = [
        LiveTarget(provider("groq"), key("gsk_a"), "http://fast-1.test"),
        LiveTarget(provider("mistral"), key("m"), "http://fast-2.test"),
        LiveTarget(provider("openai"), key("sk-a"), "http://fast-3.test"),
        LiveTarget(provider("xai"), key("xai-a"), "http://slow.test"),
    ]
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        results = await check_all(targets, client=client, timeout=0.4)
    elapsed = loop.time() - started
    assert [r.status for r in results] == ["ok", "ok", "ok", "timeout"]
    assert elapsed < 1.5  # three 0.2 s checks in parallel plus one 0.4 s timeout (+0.5 margin)


async def test_check_all_with_its_own_client(provider, key_server):
    results = await check_all(
        [LiveTarget(provider("groq"), key("gsk_invalid"), key_server.url)], timeout=2
    )
    assert results[0].status == "unauthorized"


async def test_a_local_server_that_wants_a_key_says_so(provider):
    async with client_answering(401, {"error": {"message": "invalid api key"}}) as client:
        result = await check_live(provider("vllm"), None, client)
    assert result.status == "unauthorized"
    assert result.next_step == (
        "the server requires a key: set VLLM_API_KEY or run `playground keys set vllm`"
    )


@pytest.mark.parametrize("slug", ["anthropic", "gemini", "openai"])
async def test_a_redirect_to_another_host_is_reported_and_gets_no_key(provider, slug: str):
    """Even with a client that follows redirects, the key never reaches the other host."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.example":
            return httpx.Response(307, headers={"location": "https://u:pw-Secret99@evil.example/x"})
        return httpx.Response(200, json={"data": []})

    transport = httpx.MockTransport(handler)
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
        result = await check_live(
            provider(slug), key("sk-secret-key-1234567890"), client, base_url="https://api.example"
        )
    assert [r.url.host for r in seen] == ["api.example"]
    assert result.status == "error" and result.http_status == 307
    assert result.message.startswith("307 → https://u:")
    assert (
        "evil.example/x: not followed, credentials are not sent to another host" in result.message
    )
    assert "pw-Secret99" not in result.message


async def test_a_redirect_on_the_same_origin_is_followed_with_the_key(provider):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/models":
            return httpx.Response(308, headers={"location": "/v1/models/"})
        return httpx.Response(200, json={"data": [{"id": "m"}]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        result = await check_live(
            provider("anthropic"),
            key("sk-ant-key-1234567890"),
            client,
            base_url="https://a.example",
        )
    assert [r.url.path for r in seen] == ["/v1/models", "/v1/models/"]
    assert seen[1].headers["x-api-key"] == "sk-ant-key-1234567890"
    assert result.status == "ok"
