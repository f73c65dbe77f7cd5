"""Live checks: one cheap authenticated GET per provider, classified, with latency.

The request is the provider's key-check endpoint (``key_check_path`` relative to the base
URL, e.g. ``GET {base}/models``) with the protocol family's auth header. Local servers are
probed and reported as running or not running. Nothing here raises for network failures,
and no message ever contains the key (a provider echoing it back is masked) or a password
from the URL. Redirects are followed only within the same origin: a redirect to another
host is reported, never followed, because it would carry the credentials there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from playground.adapters.rate_limits import parse_rate_limits
from playground.catalog.providers import AD_HOC_PROVIDERS
from playground.catalog.types import ProviderInfo
from playground.credentials.model_lists import parse_model_list
from playground.credentials.next_steps import replace_key_hint, set_key_hint, start_local_hint
from playground.credentials.types import LiveResult, LiveStatus, ResolvedKey
from playground.endpoint import AuthKind, Endpoint, Protocol
from playground.secret import Scrubber, is_secret_name, redact_url, url_secrets

if TYPE_CHECKING:
    import httpx

ANTHROPIC_VERSION = "2023-06-01"
ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20"
_MESSAGE_LIMIT = 200
LIVE_BODY_LIMIT = 16 * 2**20
"""The largest answer body a live check or model list reads (decoded bytes)."""
_MAX_SAME_ORIGIN_REDIRECTS = 3
MODEL_LIST_PATHS = {
    Protocol.OPENAI: "/models",
    Protocol.OPENAI_RESPONSES: "/models",
    Protocol.ANTHROPIC: "/v1/models",
    Protocol.GEMINI: "/v1beta/models",
    Protocol.OLLAMA: "/api/tags",
    Protocol.AZURE_OPENAI: "/openai/models",
}
"""Each family's model-list path: the cheap authenticated call a live check makes."""


@dataclass(frozen=True, slots=True)
class LiveTarget:
    """One live check to run: the provider, its key (None for keyless), URL and extra headers.

    ``endpoint``: a cloud provider's resolved endpoint (region or project, credentials), checked
    with :func:`playground.credentials.cloud.check_cloud` instead of a key-check GET.
    """

    provider: ProviderInfo
    key: ResolvedKey | None
    base_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    endpoint: Endpoint | None = None


def auth_headers(provider: ProviderInfo, key: ResolvedKey | None) -> dict[str, str]:
    """The headers that authenticate ``key`` for ``provider``'s protocol family."""
    protocol = provider.protocol
    headers: dict[str, str] = {}
    if protocol == Protocol.ANTHROPIC:
        headers["anthropic-version"] = ANTHROPIC_VERSION
    if key is None or key.auth_kind == AuthKind.NONE:
        return headers
    secret = key.secret.reveal()
    if protocol == Protocol.ANTHROPIC:
        if key.auth_kind == AuthKind.OAUTH_TOKEN:
            headers["authorization"] = f"Bearer {secret}"
            headers["anthropic-beta"] = ANTHROPIC_OAUTH_BETA
        else:
            headers["x-api-key"] = secret
    elif protocol == Protocol.GEMINI:
        headers["x-goog-api-key"] = secret
    elif protocol == Protocol.AZURE_OPENAI and key.auth_kind == AuthKind.API_KEY:
        headers["api-key"] = secret
    else:
        headers["authorization"] = f"Bearer {secret}"
    return headers


def check_url(provider: ProviderInfo, base_url: str | None = None) -> str:
    """The key-check URL: base URL + ``key_check_path`` (or the family's model list)."""
    base = (base_url or provider.base_url).rstrip("/")
    path = provider.key_check_path or MODEL_LIST_PATHS.get(provider.protocol, "/models")
    return base + "/" + path.lstrip("/")


async def check_live(
    provider: ProviderInfo,
    key: ResolvedKey | None,
    client: httpx.AsyncClient,
    *,
    base_url: str | None = None,
    timeout: float = 8.0,
    headers: Mapping[str, str] | None = None,
) -> LiveResult:
    """Make one cheap authenticated request and classify the answer; never raises.

    Local providers are reported ``running`` / ``not_running``; keyed providers ``ok``,
    ``unauthorized``, ``forbidden``, ``rate_limited``, ``not_found``, ``unreachable``,
    ``timeout``, ``tls_error`` or ``error``, each with the provider's own message and a next
    step.
    """
    skipped = _skip_reason(provider, base_url)
    if skipped is not None:
        return skipped
    result, _response = await live_get(
        provider, key, client, check_url(provider, base_url), timeout=timeout, headers=headers
    )
    return result


async def live_get(
    provider: ProviderInfo,
    key: ResolvedKey | None,
    client: httpx.AsyncClient,
    url: str,
    *,
    timeout: float = 8.0,
    headers: Mapping[str, str] | None = None,
    signed: bool = False,
) -> tuple[LiveResult, httpx.Response | None]:
    """One authenticated GET of ``url``, classified like :func:`check_live`; never raises.

    The response (body read, at most :data:`LIVE_BODY_LIMIT` decoded bytes) comes back too
    when the server answered without redirecting elsewhere, so callers can read a model list
    from it. Redirects to another origin are not followed (the credentials stay home).
    ``signed``: ``headers`` already carry the credential (a SigV4 signature), or none is
    wanted, so no key is needed.
    """
    import httpx

    # An ad-hoc custom:URL endpoint may need no key, like a local server.
    keyless = provider.local or provider.simulated or provider.slug in AD_HOC_PROVIDERS
    if key is None and not (keyless or signed):
        result = LiveResult(
            "error", None, None, "no key to check", set_key_hint(provider, _first_env(provider))
        )
        return result, None
    request_headers = {**(headers or {}), **auth_headers(provider, key)}
    started = time.perf_counter()
    try:
        response = await _get_same_origin(client, url, request_headers, timeout)
    except httpx.TimeoutException:
        return _failure(provider, url, "timeout", None, f"no answer within {timeout:g} s"), None
    except _BodyTooLarge:
        message = f"the answer is larger than {LIVE_BODY_LIMIT // 2**20} MiB; not read"
        return _failure(provider, url, "error", _elapsed(started), message), None
    except (httpx.ConnectError, httpx.NetworkError, httpx.ProxyError) as exc:
        latency = _elapsed(started)
        if _is_tls_error(exc):
            message = f"TLS failed: {_reason(exc)}"
            return _failure(provider, url, "tls_error", latency, message), None
        status: LiveStatus = "not_running" if keyless else "unreachable"
        return _failure(provider, url, status, latency, f"cannot connect: {_reason(exc)}"), None
    except httpx.HTTPError as exc:
        return _failure(provider, url, "error", _elapsed(started), _reason(exc)), None
    latency = _elapsed(started)
    secrets = [key.secret.reveal()] if key else []
    secrets += [v for n, v in (headers or {}).items() if is_secret_name(n)]
    secrets += url_secrets(url)
    if response.is_redirect:
        return _redirected(provider, url, response, latency), None
    scrubber = Scrubber(secrets)
    result = _classify(provider, key, url, response, latency, scrubber)
    return _with_headroom(result, response, scrubber), response


def _with_headroom(result: LiveResult, response: httpx.Response, scrubber: Scrubber) -> LiveResult:
    """``result`` plus the rate limits of the headers and the models a list answer names
    (secrets of the request masked: a hostile server may list the key as a model)."""
    listed = None
    if response.is_success:
        try:
            listed = parse_model_list(response.json())
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError):
            listed = None
    return dataclasses.replace(
        result,
        rate_limits=parse_rate_limits(response.headers),
        model_ids=tuple(scrubber.scrub(m.id) for m in listed) if listed is not None else None,
    )


class _BodyTooLarge(Exception):
    """The answer's decoded body passed :data:`LIVE_BODY_LIMIT`."""


async def _get_capped(
    client: httpx.AsyncClient, url: str, headers: Mapping[str, str], timeout: float
) -> httpx.Response:
    """GET ``url`` without following redirects, reading at most :data:`LIVE_BODY_LIMIT`
    decoded bytes (a gzip bomb counts by what it inflates to)."""
    import httpx

    request = client.build_request("GET", url, headers=headers, timeout=timeout)
    response = await client.send(request, stream=True, follow_redirects=False)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > LIVE_BODY_LIMIT:
                raise _BodyTooLarge
            chunks.append(chunk)
    finally:
        await response.aclose()
    decoded_headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code, headers=decoded_headers, content=b"".join(chunks), request=request
    )


async def _get_same_origin(
    client: httpx.AsyncClient, url: str, headers: Mapping[str, str], timeout: float
) -> httpx.Response:
    """GET ``url``, following redirects only while they stay on the same origin (scheme, host
    and port): the credentials in ``headers`` must never reach another host."""
    response = await _get_capped(client, url, headers, timeout)
    for _ in range(_MAX_SAME_ORIGIN_REDIRECTS):
        if not response.is_redirect:
            break
        target = urljoin(url, response.headers.get("location", ""))
        if _origin(target) != _origin(url):
            break
        url = target
        response = await _get_capped(client, url, headers, timeout)
    return response


def _redirected(
    provider: ProviderInfo, url: str, response: httpx.Response, latency: float
) -> LiveResult:
    """A redirect that was not followed: name the status and the target."""
    code = response.status_code
    target = redact_url(urljoin(url, response.headers.get("location", "")))
    same = _origin(target) == _origin(url)
    why = "too many redirects" if same else "credentials are not sent to another host"
    message = f"{code} → {target}: not followed, {why}"
    step = f"set base_url for {provider.slug} to the address it redirects to, if you trust it"
    return LiveResult("error", latency, code, message, step)


async def check_all(
    targets: Sequence[LiveTarget],
    *,
    client: httpx.AsyncClient | None = None,
    timeout: float = 8.0,
) -> list[LiveResult]:
    """Run every check concurrently, each bounded by ``timeout``; results in input order."""
    import httpx

    from playground.credentials.cloud import check_cloud

    async def bounded(target: LiveTarget, shared: httpx.AsyncClient) -> LiveResult:
        if target.endpoint is not None:
            check = check_cloud(target.provider, target.endpoint, shared, timeout=timeout)
        else:
            check = check_live(
                target.provider,
                target.key,
                shared,
                base_url=target.base_url,
                timeout=timeout,
                headers=target.headers,
            )
        try:
            return await asyncio.wait_for(check, timeout + 0.5)
        except TimeoutError:
            url = check_url(target.provider, target.base_url)
            message = f"no answer within {timeout:g} s"
            return _failure(target.provider, url, "timeout", None, message)

    if client is not None:
        return list(await asyncio.gather(*(bounded(t, client) for t in targets)))
    async with httpx.AsyncClient(follow_redirects=False) as own:
        return list(await asyncio.gather(*(bounded(t, own) for t in targets)))


def _classify(
    provider: ProviderInfo,
    key: ResolvedKey | None,
    url: str,
    response: httpx.Response,
    latency: float,
    scrubber: Scrubber,
) -> LiveResult:
    code = response.status_code
    message = scrubber.scrub(_provider_message(response))
    url = redact_url(url)
    source = key.source if key else None
    if provider.local or provider.simulated:
        if code in (401, 403):
            return LiveResult(
                "unauthorized" if code == 401 else "forbidden",
                latency,
                code,
                message or f"the server is running but rejected the request ({code})",
                f"the server requires a key: {set_key_hint(provider, _first_env(provider))}",
            )
        detail = _model_count(response)
        text = f"running at {_origin(url)}" + (f" · {detail}" if detail else "")
        return LiveResult("running", latency, code, text, None)
    if 200 <= code < 300:
        detail = _model_count(response)
        text = "key accepted" + (f" · {detail}" if detail else "")
        return LiveResult("ok", latency, code, text, None)
    if code == 401 or (code == 400 and _is_invalid_key(response)):
        where = f" at {provider.docs_url}" if provider.docs_url else ""
        step = f"the key was rejected ({code}): create a new key{where} and "
        step += replace_key_hint(provider, source)
        return LiveResult("unauthorized", latency, code, message or "key rejected", step)
    if code == 403:
        step = "the key lacks access: check its project, permissions or region"
        if provider.docs_url:
            step += f" at {provider.docs_url}"
        return LiveResult("forbidden", latency, code, message or "forbidden", step)
    if code == 429:
        retry = response.headers.get("retry-after")
        step = "rate limited or out of quota: wait" + (f" {retry} s" if retry else "")
        step += " and retry, or check the plan and billing"
        return LiveResult("rate_limited", latency, code, message or "rate limited", step)
    if code == 404:
        step = f"{url} does not exist: check base_url for {provider.slug} in the config"
        return LiveResult("not_found", latency, code, message or "not found", step)
    step = f"the server answered {code}: retry later, or check base_url"
    return LiveResult("error", latency, code, message or f"HTTP {code}", step)


def _skip_reason(provider: ProviderInfo, base_url: str | None) -> LiveResult | None:
    """A ``skipped`` result when no meaningful request can be made, else None."""
    base = base_url or provider.base_url
    if provider.protocol in (Protocol.BEDROCK, Protocol.VERTEX, Protocol.VERTEX_ANTHROPIC):
        # A cloud's check needs its region/project and credential chain: a LiveTarget with
        # the resolved endpoint (playground.credentials.cloud), not a bare key.
        message = f"{provider.name} is checked with its resolved endpoint; not checked here"
        step = f"run: playground doctor --live --provider {provider.slug}"
        return LiveResult("skipped", None, None, message, step)
    if not base.startswith(("http://", "https://")):
        if provider.simulated:
            return LiveResult("skipped", None, None, "simulated, runs embedded on demand", None)
        step = f"set base_url in [providers.{provider.slug}] in the config"
        return LiveResult("skipped", None, None, "no base_url configured", step)
    # OpenAI-compatible providers without a models list (Perplexity, MiniMax) would need a
    # billed chat call; other families fall back to their standard model list.
    no_endpoint = provider.key_check_path is None and provider.protocol == Protocol.OPENAI
    if no_endpoint and not (provider.local or provider.simulated):
        message = f"{provider.name} has no cheap key-check endpoint; not checked"
        return LiveResult("skipped", None, None, message, None)
    return None


def _failure(
    provider: ProviderInfo, url: str, status: LiveStatus, latency: float | None, message: str
) -> LiveResult:
    message = Scrubber(url_secrets(url)).scrub(message)
    url = redact_url(url)
    host = _origin(url).split("://", 1)[-1] or url
    if status == "not_running":
        step = start_local_hint(provider, _origin(url))
    elif status == "timeout":
        step = f"{host} did not answer: check the network or proxy, or retry with --timeout 20"
    elif status == "tls_error":
        step = f"TLS to {host} failed: check the system clock, a proxy, or SSL_CERT_FILE"
    elif status == "unreachable":
        step = f"cannot reach {host}: check the network, proxy or base_url"
    else:
        step = f"request to {host} failed: retry, or check base_url"
    return LiveResult(status, latency, None, message, step)


def _provider_message(response: httpx.Response) -> str:
    """The provider's own error message from its JSON error body (any family's shape)."""
    if 200 <= response.status_code < 300:
        return ""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError):
        text = response.text.strip()
        return _shorten(text) if text and "<html" not in text.lower()[:200] else ""
    if isinstance(body, list) and body:
        body = body[0]
    if not isinstance(body, dict):
        return ""
    error = body.get("error", body)
    if isinstance(error, str):
        return _shorten(error)
    if isinstance(error, dict):
        for name in ("message", "detail", "error_description", "msg"):
            value = error.get(name)
            if isinstance(value, str) and value:
                return _shorten(value)
    for name in ("message", "detail"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return _shorten(value)
    return ""


def _is_invalid_key(response: httpx.Response) -> bool:
    """Gemini answers an invalid key with 400 ``API_KEY_INVALID``."""
    text = response.text
    return "API_KEY_INVALID" in text or "API key not valid" in text


def _model_count(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return ""
    if isinstance(body, dict):
        for name in ("data", "models"):
            if isinstance(body.get(name), list):
                count = len(body[name])
                return f"{count} model{'s' if count != 1 else ''}"
    return ""


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _is_tls_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        current = current.__cause__ or current.__context__
    text = str(exc)
    return "SSL" in text or "CERTIFICATE" in text.upper()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return _shorten(text.splitlines()[0])


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, never its user name or password."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def _elapsed(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _first_env(provider: ProviderInfo) -> str | None:
    return provider.env_vars[0] if provider.env_vars else None
