"""Per-provider credential status for the picker dots and the credential panel (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def with_overlay_keys(status: Any, overlay: Any) -> Any:
    """The status with a framework's keys (``--from PATH``) in front, as the resolver uses them."""
    keys = list((getattr(overlay, "keys", None) or {}).get(status.provider, ()))
    if not keys:
        return status
    return replace(status, keys=keys, source=keys[0].source)


def collect_credentials(
    config: Config, catalog: Any, overlay: Any = None
) -> dict[str, ProviderCredential]:
    """Resolve every provider's credential (offline; no network), framework keys first."""
    from playground.credentials import resolve_credentials

    out: dict[str, ProviderCredential] = {}
    for provider in catalog.providers():
        try:
            status = resolve_credentials(provider, config, catalog=catalog)
            out[provider.slug] = ProviderCredential(provider, with_overlay_keys(status, overlay))
        except Exception as exc:  # one broken source must not hide the others
            out[provider.slug] = ProviderCredential(provider, None, error=str(exc))
    return out
