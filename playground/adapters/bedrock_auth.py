"""AWS side of Bedrock: the region, SigV4 signing and which credential source won.

A Bedrock API key (``AWS_BEARER_TOKEN_BEDROCK`` or ``api_key`` in the config) is sent as a
bearer token and needs nothing from here but the region. Without one, requests are signed
with SigV4 through botocore (the optional extra ``playground-tui[aws]``), whose standard
credential chain covers environment variables, shared config/credentials files with
profiles, SSO caches, and container and instance roles. botocore is imported only here and
only when needed, so the base install stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SERVICE = "bedrock"
MISSING_EXTRA = (
    "Bedrock without an API key needs botocore for AWS SigV4: "
    "pip install 'playground-tui[aws]' (or set AWS_BEARER_TOKEN_BEDROCK to a Bedrock API key)"
)
NO_REGION = (
    "no AWS region for Bedrock: set region in [providers.bedrock], AWS_REGION, "
    "or a region in your AWS profile"
)

# botocore's names for where credentials came from, in words a user recognises.
_METHODS = {
    "env": "environment (AWS_ACCESS_KEY_ID)",
    "shared-credentials-file": "shared credentials file",
    "config-file": "AWS config file",
    "sso": "SSO cache",
    "assume-role": "assume-role profile",
    "assume-role-with-web-identity": "web identity token",
    "container-role": "container role",
    "iam-role": "instance role (IMDS)",
    "custom-process": "credential_process",
    "explicit": "explicit keys",
}


class AwsAuthError(Exception):
    """No way to sign a request: botocore missing, no credentials, or no region."""


@dataclass(frozen=True, slots=True)
class AwsCredentialInfo:
    """What the AWS chain found, for ``doctor``: ``source`` in words, ``expiry`` or None."""

    source: str
    profile: str | None
    expiry: str | None


def bedrock_region(
    configured: str | None, profile: str | None, env: Mapping[str, str]
) -> str | None:
    """The region: config, then ``AWS_REGION`` / ``AWS_DEFAULT_REGION``, then the profile's."""
    region = configured or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        return region
    session = _session(profile, required=False)
    return session.get_config_variable("region") if session is not None else None


def default_base_url(region: str) -> str:
    """``https://bedrock-runtime.{region}.amazonaws.com``."""
    return f"https://bedrock-runtime.{region}.amazonaws.com"


def sigv4_headers(
    method: str, url: str, body: bytes, headers: Mapping[str, str], region: str, profile: str | None
) -> dict[str, str]:
    """``headers`` plus the SigV4 ``Authorization`` / ``X-Amz-Date`` (/ security token).

    Blocking (botocore may read files or ask a metadata endpoint): call it in a thread.
    """
    session = _session(profile, required=True)
    credentials = session.get_credentials()
    if credentials is None:
        raise AwsAuthError(
            "no AWS credentials found (env, profile, SSO, container or instance role); "
            "run `aws configure` / `aws sso login`, or set AWS_BEARER_TOKEN_BEDROCK"
        )
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    SigV4Auth(credentials.get_frozen_credentials(), SERVICE, region).add_auth(request)
    return dict(request.headers.items())


def describe_credentials(profile: str | None) -> AwsCredentialInfo | None:
    """Where botocore's chain finds credentials (no network call is made to AWS itself)."""
    session = _session(profile, required=False)
    if session is None:
        return None
    try:
        credentials = session.get_credentials()
    except Exception as exc:  # botocore raises many types for a broken profile
        raise AwsAuthError(f"AWS credential chain failed: {type(exc).__name__}") from None
    if credentials is None:
        return None
    method = getattr(credentials, "method", "") or ""
    # botocore has no public accessor for it: RefreshableCredentials keeps the expiry in
    # _expiry_time (None for deferred ones, e.g. SSO, until first used).
    expiry = getattr(credentials, "_expiry_time", None)
    return AwsCredentialInfo(
        source=_METHODS.get(method, method or "unknown"),
        profile=profile or session.profile,
        expiry=expiry.isoformat() if expiry is not None else None,
    )


def _session(profile: str | None, *, required: bool) -> Any:
    try:
        from botocore.session import Session
    except ImportError:
        if required:
            raise AwsAuthError(MISSING_EXTRA) from None
        return None
    try:
        return Session(profile=profile)
    except Exception as exc:  # ProfileNotFound and friends
        raise AwsAuthError(f"AWS profile {profile!r}: {type(exc).__name__}") from None


def bedrock_placement(
    *,
    default_base_url: str,
    base_url_override: str | None,
    region: str | None,
    profile: str | None,
    sign: bool,
    env: Mapping[str, str],
) -> tuple[str, dict[str, str]]:
    """The base URL and endpoint options of a Bedrock provider (what the resolver needs).

    ``default_base_url`` may hold ``{region}``; ``base_url_override`` (a VPC endpoint or a
    loopback stand-in) is used as given. ``sign``: SigV4-sign requests that carry no API key.
    Raises :class:`AwsAuthError` when the region is needed but unknown.
    """
    found = bedrock_region(region, profile, env)
    options = {"sigv4": "yes"} if sign else {}
    if found:
        options["region"] = found
    if profile:
        options["profile"] = profile
    if base_url_override:
        return base_url_override, options
    if not found:
        raise AwsAuthError(NO_REGION)
    return default_base_url.replace("{region}", found), options


def doctor_facts(
    *,
    region: str | None,
    profile: str | None,
    bearer_source: str | None,
    env: Mapping[str, str],
) -> dict[str, Any]:
    """Region and the winning credential source of a Bedrock provider, for ``doctor``.

    ``bearer_source`` is where a Bedrock API key was found (it wins over the AWS chain).
    No request is made to AWS; botocore only reads env and files (and, for container or
    instance roles, asks their local metadata endpoint, as every AWS client does).
    """
    facts: dict[str, Any] = {
        "region": None,
        "credentials": None,
        "profile": profile,
        "expiry": None,
        "problem": None,
    }
    try:
        facts["region"] = bedrock_region(region, profile, env)
        if bearer_source:
            facts["credentials"] = f"Bedrock API key ({bearer_source})"
            return facts
        info = describe_credentials(profile)
    except AwsAuthError as exc:
        facts["problem"] = str(exc)
        return facts
    if info is None:
        facts["problem"] = _no_chain_message()
        return facts
    facts.update(credentials=info.source, profile=info.profile, expiry=info.expiry)
    return facts


def _no_chain_message() -> str:
    try:
        import botocore  # noqa: F401
    except ImportError:
        return MISSING_EXTRA
    return "no AWS credentials found (env, profile, SSO, container or instance role)"
