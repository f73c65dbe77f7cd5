"""Per-provider credential status for the picker dots and the credential panel (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.config.schema import Config

DOTS: dict[str, tuple[str, str]] = {
    "ok": ("●", "green"),
    "unchecked": ("◌", "yellow"),
    "missing": ("○", "red"),
    "invalid": ("✗", "red"),
}


@dataclass(slots=True)
class ProviderCredential:
    """What the UI shows per provider: the core's status and, once checked, the live result."""

    provider: Any  # ProviderInfo
    status: Any  # CredentialStatus, or None when resolving failed
    live: Any = None  # LiveResult
    error: str | None = None

    @property
    def dot(self) -> str:
        """ok / missing / invalid / unchecked, from the live result when there is one."""
        if self.error is not None:
            return "invalid"
        if self.live is not None and self.live.status not in ("skipped",):
            return "ok" if self.live.ok else "invalid"
        if self.status is None:
            return "invalid"
        state = self.status.state
        if state in ("simulated", "no key needed"):
            return "ok"
        if state == "missing":
            return "missing"
        if state == "suspect":
            return "invalid"
        return "unchecked"

    @property
    def usable(self) -> bool:
        """Whether a request can be attempted at all (a key present or none needed)."""
        return self.dot != "missing" and self.status is not None and self.status.ready


def collect_credentials(config: Config, catalog: Any) -> dict[str, ProviderCredential]:
    """Resolve every provider's credential (offline; no network)."""
    from playground.credentials import resolve_credentials

    out: dict[str, ProviderCredential] = {}
    for provider in catalog.providers():
        try:
            status = resolve_credentials(provider, config, catalog=catalog)
            out[provider.slug] = ProviderCredential(provider, status)
        except Exception as exc:  # one broken source must not hide the others
            out[provider.slug] = ProviderCredential(provider, None, error=str(exc))
    return out
