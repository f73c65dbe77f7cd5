"""Google side of Vertex AI: project, location, address, and the OAuth access token.

An access token in ``api_key`` (``gcloud auth print-access-token``) is sent as a bearer and
needs nothing from here but the project and location. Without one, tokens come from
Application Default Credentials through google-auth (the optional extra
``playground-tui[gcp]``): ``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud well-known file
(``gcloud auth application-default login``) or the metadata server on Google Cloud.
google-auth is synchronous, so refreshes run in a worker thread; a token is reused until
google-auth's refresh threshold before its expiry. google-auth is imported only here and
only when needed, so the base install stays light.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from playground.secret import Scrubber

SCOPE = "https://www.googleapis.com/auth/cloud-platform"
DEFAULT_LOCATION = "us-central1"
PROJECT_ENV = ("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
"""google-auth's project variables (current and legacy), then gcloud's ``core/project``."""
LOCATION_ENV = ("GOOGLE_CLOUD_LOCATION", "CLOUD_ML_REGION")
"""google-genai's location variable, then the one Anthropic's Vertex SDK reads."""
MISSING_EXTRA = (
    "Vertex AI without an access token needs google-auth for Application Default "
    "Credentials: pip install 'playground-tui[gcp]' (or set api_key to the output of "
    "`gcloud auth print-access-token`)"
)
_SECRET_FIELDS = ("private_key", "refresh_token", "client_secret", "private_key_id")


class GcpAuthError(Exception):
    """No access token: google-auth missing, no ADC, or the token endpoint refused."""


@dataclass(frozen=True, slots=True)
class VertexPlace:
    """Where a Vertex provider's requests go: ``{base}/v1/projects/P/locations/L/…``."""

    project: str
    location: str

    def default_base_url(self) -> str:
        """``https://{location}-aiplatform.googleapis.com`` (``global``: no region prefix)."""
        if self.location == "global":
            return "https://aiplatform.googleapis.com"
        return f"https://{self.location}-aiplatform.googleapis.com"


def no_project_message(slug: str) -> str:
    """The one line shown when no project is known."""
    return (
        f"no Google Cloud project for {slug}: set project in [providers.{slug}], "
        "GOOGLE_CLOUD_PROJECT, or a project_id in your ADC file"
    )


def adc_file(env: Mapping[str, str]) -> Path | None:
    """The ADC file google-auth would read: ``GOOGLE_APPLICATION_CREDENTIALS``, else the
    gcloud well-known file (``$CLOUDSDK_CONFIG`` or ``~/.config/gcloud``), if it exists."""
    explicit = env.get("GOOGLE_APPLICATION_CREDENTIALS")
    if explicit:
        return Path(explicit).expanduser()
    config_dir = env.get("CLOUDSDK_CONFIG")
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    folder = Path(config_dir).expanduser() if config_dir else home / ".config" / "gcloud"
    path = folder / "application_default_credentials.json"
    return path if path.is_file() else None


def _read_adc(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def vertex_place(
    *, project: str | None, location: str | None, env: Mapping[str, str]
) -> VertexPlace | None:
    """Project and location: config, then the environment, then the ADC file's project.

    None when no project is known. The location defaults to ``us-central1``.
    """
    found = project or next((env[name] for name in PROJECT_ENV if env.get(name)), None)
    if not found:
        path = adc_file(env)
        data = _read_adc(path) if path is not None else None
        if data is not None:
            found = data.get("project_id") or data.get("quota_project_id")
    if not found or not isinstance(found, str):
        return None
    where = location or next((env[name] for name in LOCATION_ENV if env.get(name)), None)
    return VertexPlace(found, where or DEFAULT_LOCATION)


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A bearer token, when it expires (None: unknown) and the ADC's quota project, which
    goes in ``x-goog-user-project`` as google-auth itself would send it."""

    value: str
    expiry: datetime | None
    quota_project: str | None = None


def _token_of(credentials: Any) -> AccessToken:
    quota = getattr(credentials, "quota_project_id", None)
    return AccessToken(credentials.token, credentials.expiry, quota or None)


class AdcTokens:
    """Access tokens from Application Default Credentials, cached until near expiry.

    :meth:`token` answers from the cache on the event loop when the token is still valid
    (google-auth's ``valid`` keeps a safety margin before expiry) and otherwise loads or
    refreshes the credentials in a worker thread, one refresh at a time.
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._lock = threading.Lock()
        self._credentials: Any = None
        self._scrubber = Scrubber(())

    @property
    def expiry(self) -> datetime | None:
        """When the cached token expires (None before the first token, or if unknown)."""
        return self._credentials.expiry if self._credentials is not None else None

    async def token(self) -> AccessToken:
        """A valid access token (raises :class:`GcpAuthError` with one line for the user)."""
        credentials = self._credentials
        if credentials is not None and credentials.valid and credentials.token:
            return _token_of(credentials)
        return await asyncio.to_thread(self._refreshed)

    def _refreshed(self) -> AccessToken:
        with self._lock:
            try:
                from google.auth.exceptions import GoogleAuthError
            except ImportError:
                raise GcpAuthError(MISSING_EXTRA) from None
            try:
                if self._credentials is None:
                    self._credentials = self._load()
                credentials = self._credentials
                if not (credentials.valid and credentials.token):
                    credentials.refresh(_transport())
            except GcpAuthError:
                raise
            except (GoogleAuthError, OSError, ValueError) as exc:
                raise GcpAuthError(self._describe(exc)) from None
            return _token_of(credentials)

    def _load(self) -> Any:
        """google-auth's own ADC chain (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud file,
        the metadata server); the file's secrets are remembered to mask them in errors."""
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError

        path = adc_file(self._env)
        data = _read_adc(path) if path is not None else None
        self._scrubber = Scrubber(str(data[k]) for k in _SECRET_FIELDS if data and data.get(k))
        try:
            credentials, _project = google.auth.default(scopes=[SCOPE])
        except DefaultCredentialsError:
            raise GcpAuthError(
                "no Google Application Default Credentials: run `gcloud auth application-default "
                "login`, set GOOGLE_APPLICATION_CREDENTIALS, or set api_key to an access token"
            ) from None
        return credentials

    def _describe(self, exc: BaseException) -> str:
        first = str(exc.args[0]) if exc.args else type(exc).__name__
        detail = self._scrubber.scrub(" ".join(first.split()))[:200]
        return f"Google access token refresh failed ({type(exc).__name__}): {detail}"


def _transport() -> Any:
    from google.auth.transport.requests import Request

    return Request()


_TOKENS: dict[tuple[str | None, str | None, str | None], AdcTokens] = {}
_TOKENS_LOCK = threading.Lock()


def adc_tokens(env: Mapping[str, str]) -> AdcTokens:
    """The process-wide token cache for the ADC this environment selects."""
    key = (
        env.get("GOOGLE_APPLICATION_CREDENTIALS"),
        env.get("CLOUDSDK_CONFIG"),
        env.get("HOME"),
    )
    with _TOKENS_LOCK:
        tokens = _TOKENS.get(key)
        if tokens is None:
            tokens = _TOKENS[key] = AdcTokens(env)
        return tokens


def describe_adc(env: Mapping[str, str]) -> dict[str, Any]:
    """Which ADC source google-auth would use, without any network call.

    ``{"credentials": words, "file": path or None, "type": file type or None,
    "problem": one line or None}``.
    """
    facts: dict[str, Any] = {"credentials": None, "file": None, "type": None, "problem": None}
    path = adc_file(env)
    if path is not None:
        facts["file"] = str(path)
        data = _read_adc(path)
        if data is None:
            facts["problem"] = f"ADC file {path} is missing or not JSON"
            return facts
        facts["type"] = str(data.get("type") or "unknown")
        via = (
            "GOOGLE_APPLICATION_CREDENTIALS"
            if env.get("GOOGLE_APPLICATION_CREDENTIALS")
            else ("gcloud application-default login")
        )
        facts["credentials"] = f"ADC file ({facts['type']}, {via})"
    else:
        facts["credentials"] = "metadata server (only on Google Cloud)"
    try:
        import google.auth  # noqa: F401
    except ImportError:
        facts["problem"] = MISSING_EXTRA
    return facts


def doctor_facts(
    *,
    slug: str,
    project: str | None,
    location: str | None,
    token_source: str | None,
    env: Mapping[str, str],
) -> dict[str, Any]:
    """Project, location and the winning credential source of a Vertex provider, for
    ``doctor`` and the credential panel; no network call. ``token_source`` is where an
    access token was found (it wins over ADC). ``ready``: a request could be authorized."""
    place = vertex_place(project=project, location=location, env=env)
    facts: dict[str, Any] = {
        "project": place.project if place else None,
        "location": place.location if place else None,
        "credentials": None,
        "file": None,
        "type": None,
        "expiry": None,
        "problem": None if place else no_project_message(slug),
    }
    if token_source:
        facts["credentials"] = f"access token ({token_source})"
    else:
        adc = describe_adc(env)
        facts.update(credentials=adc["credentials"], file=adc["file"], type=adc["type"])
        facts["problem"] = facts["problem"] or adc["problem"]
    facts["ready"] = (
        bool(place)
        and facts["problem"] is None
        and (bool(token_source) or facts["file"] is not None)
    )
    return facts
