"""Cloud providers (Amazon Bedrock, Google Vertex AI) in ``doctor`` and the credential panel.

Their credentials are not just a key: a region or a project and location decide the
address, and the credential may come from the cloud's own chain (AWS profiles, SSO and
roles; Google Application Default Credentials). This module says where requests go and
which source won (:func:`cloud_facts`, no network call), and makes the live check with the
cloud's credentials (:func:`check_cloud`):

* Bedrock: ``GET {runtime}/async-invoke?maxResults=1`` (ListAsyncInvokes) — read-only, free,
  on the same bedrock-runtime host (or VPC endpoint) and with the same bearer key or SigV4
  signature as a prompt, and it needs no model id.
* Vertex AI: ``GET {base}/v1/projects/P/locations/L/endpoints?pageSize=1`` (ListEndpoints) —
  read-only and free; it proves the access token (fetched from ADC when none is set), that
  the project exists and has the Vertex AI API enabled, and that the location is valid,
  without choosing a model or spending tokens.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from playground.credentials.live import live_get
from playground.credentials.types import LiveResult, ResolvedKey
from playground.endpoint import AuthKind, Endpoint, Protocol

if TYPE_CHECKING:
    import httpx

    from playground.catalog.types import ProviderInfo
    from playground.config.schema import Config
    from playground.credentials.types import CredentialStatus

VERTEX_PROTOCOLS = frozenset({Protocol.VERTEX, Protocol.VERTEX_ANTHROPIC})
CLOUD_PROTOCOLS = VERTEX_PROTOCOLS | {Protocol.BEDROCK}
_LIVE_CHECK_MODEL = "live-check"  # any id: the checks below name no model


def cloud_protocol(provider: ProviderInfo, config: Config) -> Protocol | None:
    """The provider's protocol (after a config override) when it is a cloud's, else None."""
    from playground.credentials.resolve import provider_config

    settings = provider_config(provider, config)
    protocol = (settings.protocol if settings else None) or provider.protocol
    return protocol if protocol in CLOUD_PROTOCOLS else None


def cloud_facts(
    provider: ProviderInfo,
    config: Config,
    status: CredentialStatus,
    env: Mapping[str, str] | None = None,
) -> tuple[str, dict[str, Any]] | None:
    """``("aws", facts)`` for Bedrock, ``("gcp", facts)`` for Vertex AI, None otherwise.

    AWS facts: region, credentials, profile, expiry, problem. GCP facts: project, location,
    credentials, file, type, expiry, problem, ready.
    """
    from playground.credentials.resolve import provider_config

    protocol = cloud_protocol(provider, config)
    if protocol is None:
        return None
    env = os.environ if env is None else env
    settings = provider_config(provider, config)
    token_source = status.source if status.keys else None
    if protocol is Protocol.BEDROCK:
        from playground.adapters.bedrock_auth import doctor_facts as aws_facts

        return "aws", aws_facts(
            region=settings.region if settings else None,
            profile=settings.profile if settings else None,
            bearer_source=token_source,
            env=env,
        )
    from playground.adapters.vertex_auth import doctor_facts as gcp_facts

    return "gcp", gcp_facts(
        slug=provider.slug,
        project=settings.project if settings else None,
        location=settings.location if settings else None,
        token_source=token_source,
        env=env,
    )


def cloud_line(cloud: str, facts: Mapping[str, Any]) -> str:
    """One line for a report: ``gcp: project p · location l · credentials: … · expires …``."""
    if cloud == "aws":
        parts = [
            f"region {facts['region']}"
            if facts.get("region")
            else "no region (set region or AWS_REGION)"
        ]
        if facts.get("credentials"):
            profile = f" (profile {facts['profile']})" if facts.get("profile") else ""
            parts.append(f"credentials: {facts['credentials']}{profile}")
    else:
        parts = [f"project {facts['project']}"] if facts.get("project") else []
        if facts.get("location"):
            parts.append(f"location {facts['location']}")
        if facts.get("credentials"):
            where = f" {facts['file']}" if facts.get("file") else ""
            parts.append(f"credentials: {facts['credentials']}{where}")
    if facts.get("expiry"):
        parts.append(f"expires {facts['expiry']}")
    if facts.get("problem"):
        parts.append(f"! {facts['problem']}")
    return f"{cloud}: " + " · ".join(parts)


def cloud_endpoint(
    provider: ProviderInfo, config: Config, env: Mapping[str, str] | None = None
) -> tuple[Endpoint | None, str | None]:
    """The resolved endpoint a prompt to ``provider`` would use (address, region/project,
    credential), or None and the one-line reason it cannot be built."""
    from playground.resolve import ResolveError, default_resolver

    resolver = default_resolver(config, env=dict(os.environ if env is None else env))
    try:
        target = resolver.resolve(f"{provider.slug}/{_LIVE_CHECK_MODEL}")
    except ResolveError as exc:
        return None, str(exc)
    return target.primary.endpoints[0], None


async def check_cloud(
    provider: ProviderInfo,
    endpoint: Endpoint,
    client: httpx.AsyncClient,
    *,
    timeout: float = 8.0,
) -> LiveResult:
    """The cloud's cheap authenticated call (see the module docstring); never raises."""
    if endpoint.protocol in VERTEX_PROTOCOLS:
        return await _check_vertex(provider, endpoint, client, timeout)
    return await _check_bedrock(provider, endpoint, client, timeout)


async def _check_vertex(
    provider: ProviderInfo, endpoint: Endpoint, client: httpx.AsyncClient, timeout: float
) -> LiveResult:
    from playground.adapters.vertex_auth import GcpAuthError
    from playground.adapters.vertex_transport import access_token, project_url
    from playground.secret import Secret

    try:
        token = await access_token(endpoint)
    except GcpAuthError as exc:
        return _no_credentials(str(exc), "gcloud auth application-default login")
    key = None
    if token is not None:
        source = endpoint.key_source or "Application Default Credentials"
        key = ResolvedKey(Secret(token.value), source, AuthKind.OAUTH_TOKEN)
    headers = dict(endpoint.headers)
    if token is not None and token.quota_project:
        headers.setdefault("x-goog-user-project", token.quota_project)
    url = project_url(endpoint, "endpoints?pageSize=1")
    result, _response = await live_get(
        provider, key, client, url, timeout=timeout, headers=headers, signed=True
    )
    return result


async def _check_bedrock(
    provider: ProviderInfo, endpoint: Endpoint, client: httpx.AsyncClient, timeout: float
) -> LiveResult:
    from playground.adapters.bedrock_auth import AwsAuthError, sigv4_headers

    url = f"{endpoint.base_url.rstrip('/')}/async-invoke?maxResults=1"
    headers = dict(endpoint.headers)
    key = None
    if endpoint.api_key and endpoint.auth_kind is not AuthKind.NONE:
        key = ResolvedKey(endpoint.api_key, endpoint.key_source or "key", AuthKind.API_KEY)
    elif endpoint.options.get("sigv4"):
        region = endpoint.options.get("region", "")
        profile = endpoint.options.get("profile") or None
        try:
            headers = await asyncio.to_thread(
                sigv4_headers, "GET", url, b"", headers, region, profile
            )
        except AwsAuthError as exc:
            return _no_credentials(str(exc), "aws configure / aws sso login")
    result, _response = await live_get(
        provider, key, client, url, timeout=timeout, headers=headers, signed=True
    )
    return result


def _no_credentials(message: str, command: str) -> LiveResult:
    step = f"no usable credentials: run `{command}`"
    return LiveResult("unauthorized", None, None, message, step)
