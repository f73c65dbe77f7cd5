"""The HTTP half shared by both Vertex AI adapters: the address and the bearer token.

Gemini and Claude on Vertex differ only in publisher, method, body and parser; both go to
``{base}/v1/projects/P/locations/L/publishers/{publisher}/models/{model}:{method}`` with an
OAuth access token, either the configured one or one from Application Default Credentials
(:mod:`playground.adapters.vertex_auth`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from playground.adapters.errors import typed_error
from playground.adapters.http_stream import StreamParser, bearer, request_headers, run_stream
from playground.adapters.vertex_auth import (
    DEFAULT_LOCATION,
    AccessToken,
    GcpAuthError,
    adc_tokens,
)
from playground.endpoint import AuthKind, Endpoint
from playground.events import ErrorKind, StreamEvent
from playground.request import ChatRequest
from playground.secret import Secret

if TYPE_CHECKING:
    import httpx

    from playground.adapters import StreamFn


def project_url(endpoint: Endpoint, path: str) -> str:
    """``{base}/v1/projects/P/locations/L/{path}``; a base URL that already ends in an API
    version (``…/v1beta1``) keeps it."""
    base = endpoint.base_url.rstrip("/")
    if not base.endswith(("/v1", "/v1beta1")):
        base += "/v1"
    project = quote(endpoint.options.get("project", ""), safe="")
    location = quote(endpoint.options.get("location", DEFAULT_LOCATION), safe="")
    return f"{base}/projects/{project}/locations/{location}/{path}"


def vertex_url(endpoint: Endpoint, publisher: str, method: str) -> str:
    """``…/publishers/{publisher}/models/{model}:{method}`` under :func:`project_url`; the
    model id keeps its ``@version`` and is otherwise percent-encoded."""
    model = quote(endpoint.model, safe="@")
    return project_url(endpoint, f"publishers/{publisher}/models/{model}:{method}")


async def access_token(
    endpoint: Endpoint, env: Mapping[str, str] | None = None
) -> AccessToken | None:
    """The token a request to ``endpoint`` carries: its own (expiry unknown), one from ADC,
    or None (``auth = "none"``). Raises :class:`GcpAuthError`."""
    if endpoint.api_key and endpoint.auth_kind is not AuthKind.NONE:
        return AccessToken(endpoint.api_key.reveal(), None)
    if not endpoint.options.get("adc"):
        return None
    return await adc_tokens(os.environ if env is None else env).token()


async def authorized(endpoint: Endpoint, env: Mapping[str, str] | None = None) -> Endpoint:
    """``endpoint`` carrying a bearer: its own access token, or a fresh one from ADC.

    The ADC token becomes the endpoint's key, so the stream's scrubber masks it in any error
    message like every other credential. Raises :class:`GcpAuthError`.
    """
    if endpoint.api_key and endpoint.auth_kind is not AuthKind.NONE:
        return dataclasses.replace(endpoint, auth_kind=AuthKind.OAUTH_TOKEN)
    token = await access_token(endpoint, env)
    if token is None:
        return endpoint
    headers = dict(endpoint.headers)
    if token.quota_project:
        headers.setdefault("x-goog-user-project", token.quota_project)
    return dataclasses.replace(
        endpoint,
        api_key=Secret(token.value),
        auth_kind=AuthKind.OAUTH_TOKEN,
        key_source="Application Default Credentials",
        headers=headers,
    )


def vertex_stream(
    *,
    url: Callable[[Endpoint], str],
    body: Callable[[ChatRequest, Endpoint], dict[str, Any]],
    parser: Callable[[Endpoint], StreamParser],
) -> StreamFn:
    """A publisher's ``stream`` adapter function: authorize, then stream one request.

    Never raises for failures; a missing or refused ADC token is a terminal ``auth`` error,
    before any request is made.
    """

    async def stream(
        request: ChatRequest,
        endpoint: Endpoint,
        client: httpx.AsyncClient,
        *,
        timeout: httpx.Timeout | None = None,
    ) -> AsyncIterator[StreamEvent]:
        try:
            endpoint = await authorized(endpoint)
        except GcpAuthError as exc:
            yield typed_error(ErrorKind.AUTH, str(exc))
            return
        async with aclosing(
            run_stream(
                client=client,
                url=url(endpoint),
                headers=request_headers(endpoint, bearer(endpoint)),
                body=body(request, endpoint),
                parser=parser(endpoint),
                endpoint=endpoint,
                timeout=timeout,
            )
        ) as batches:
            async for batch in batches:
                for event in batch:
                    yield event

    return stream
