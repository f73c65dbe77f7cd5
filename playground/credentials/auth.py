"""How a credential is sent: API key, OAuth bearer token, or nothing."""

from __future__ import annotations

import re

from playground.catalog.types import ProviderInfo
from playground.config.schema import ProviderConfig
from playground.endpoint import AuthKind

# Anthropic subscription tokens (``claude setup-token``): access ``oat``, refresh ``ort``.
OAUTH_PREFIXES = ("sk-ant-oat", "sk-ant-ort")


def infer_auth_kind(
    key: str, env_name: str | None = None, provider: ProviderInfo | None = None
) -> AuthKind:
    """The auth kind a key implies.

    OAuth for ``sk-ant-oat…`` tokens, for keys matching a catalog format marked as a token,
    and for ``*AUTH_TOKEN`` variables (``ANTHROPIC_AUTH_TOKEN``); otherwise an API key.
    """
    if key.startswith(OAUTH_PREFIXES):
        return AuthKind.OAUTH_TOKEN
    if provider is not None:
        for fmt in provider.key_formats:
            if fmt.auth_kind != AuthKind.API_KEY and re.fullmatch(fmt.pattern, key):
                return fmt.auth_kind
    if env_name and env_name.upper().endswith("AUTH_TOKEN"):
        return AuthKind.OAUTH_TOKEN
    return AuthKind.API_KEY


def default_auth_kind(
    provider: ProviderInfo, settings: ProviderConfig | None, needs_key: bool
) -> AuthKind:
    """The auth kind when no key was found: config ``auth``, else none or the provider's first."""
    if settings and settings.auth:
        return settings.auth
    if not needs_key:
        return AuthKind.NONE
    return provider.auth_kinds[0] if provider.auth_kinds else AuthKind.API_KEY
