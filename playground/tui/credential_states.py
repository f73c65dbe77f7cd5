"""Per-provider credential status for the picker dots and the credential panel (no Textual)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playground.config.schema import Config

DOTS: dict[str, tuple[str, str]] = {
    "ok": ("●", "green"),
    "not checked": ("◌", "yellow"),
    "missing": ("○", "red"),
    "invalid": ("✗", "red"),
    "unreachable": ("⊘", "red"),
}
"""Dot name → (symbol, colour); the name is also the word shown beside the dot."""

UNREACHABLE = frozenset({"not_running", "unreachable", "timeout", "tls_error"})
LOCAL_PROBE_TIMEOUT_S = 2.0


@dataclass(slots=True)
class ProviderCredential:
    """What the UI shows per provider: the core's status and, once checked, the live result."""

    provider: Any  # ProviderInfo
    status: Any  # CredentialStatus, or None when resolving failed
    live: Any = None  # LiveResult
    error: str | None = None

    @property
    def dot(self) -> str:
        """A key of :data:`DOTS`, from the live result when there is one.

        A keyless server (Ollama, LM Studio, ``auth = "none"``) is "not checked" until a probe
        answers: needing no key says nothing about whether anything is listening.
        """
        if self.error is not None:
            return "invalid"
        if self.live is not None and self.live.status != "skipped":
            if self.live.ok:
                return "ok"
            return "unreachable" if self.live.status in UNREACHABLE else "invalid"
        if self.status is None:
            return "invalid"
        state = self.status.state
        if state == "simulated":
            return "ok"
        if state == "missing":
            return "missing"
        if state == "suspect":
            return "invalid"
        return "not checked"

    @property
    def usable(self) -> bool:
        """Whether a request can be attempted at all: a key present or none needed, and the
        server not known to be down."""
        if self.dot in ("missing", "unreachable"):
            return False
        return self.status is not None and self.status.ready

    @property
    def keyless(self) -> bool:
        """A real server that needs no key (local, or ``auth = "none"``)."""
        status = self.status
        return status is not None and not status.simulated and not status.needs_key

    @property
    def needs_probe(self) -> bool:
        """A keyless server nobody has probed yet."""
        return self.live is None and self.keyless


def headroom_lines(row: ProviderCredential, catalog: Any) -> list[str]:
    """What the last live check said a key can do: its rate-limit headroom (remaining
    requests and tokens, when they reset, as of the check) and, when the check listed models
    and the key is the provider's own, which catalog models it reaches. A rejected check
    (429) still shows its headroom: that is when it matters."""
    from playground.credentials.discovery import key_reach

    live = row.live
    if live is None:
        return []
    lines = []
    if live.rate_limits is not None and live.rate_limits.summary():
        lines.append(f"headroom at the check: {live.rate_limits.summary()}")
    keyed = row.status is not None and (row.status.key is not None or row.status.simulated)
    listed = live.ok and live.model_ids is not None and catalog is not None
    if keyed and listed and catalog.models(row.provider.slug):
        reach = key_reach(catalog, row.provider.slug, live.model_ids)
        lines.append(f"models this key reaches: {reach.summary()}")
    return lines


def with_overlay_keys(status: Any, overlay: Any) -> Any:
    """The status with a framework's keys (``--from PATH``) in front, as the resolver uses them."""
    keys = list((getattr(overlay, "keys", None) or {}).get(status.provider, ()))
    if not keys:
        return status
    return replace(status, keys=keys, source=keys[0].source)


async def probe_keyless(
    states: dict[str, ProviderCredential], base_url: Callable[[str], str | None]
) -> list[str]:
    """Probe every keyless server not probed yet or found down last time (loopback for local
    providers: a server started since then turns ok), store each
    :class:`~playground.credentials.types.LiveResult` in ``states``; return the slugs probed.

    ``base_url(slug)`` gives the URL in effect (a config override) or None for the catalog's.
    """
    from playground.credentials import LiveTarget, check_all

    slugs = [
        slug
        for slug, row in states.items()
        if row.needs_probe or (row.keyless and row.dot == "unreachable")
    ]
    if not slugs:
        return []
    targets = [LiveTarget(states[s].provider, None, base_url(s)) for s in slugs]
    results = await check_all(targets, timeout=LOCAL_PROBE_TIMEOUT_S)
    for slug, result in zip(slugs, results, strict=True):
        states[slug].live = result
    return slugs


def live_list_slugs(
    states: dict[str, ProviderCredential], configured: Mapping[str, Any]
) -> list[str]:
    """The providers whose live model list the picker asks for: keyless servers whose probe
    answered (local ones, ``auth = "none"``) and usable providers the config adds (an
    OpenAI-compatible server under its own name), never simulated ones (their models are
    catalogued)."""
    from playground.catalog.providers import PROVIDERS

    builtin = {p.slug for p in PROVIDERS}
    added = {name.strip().lower() for name in configured} - builtin
    slugs = []
    for slug, row in states.items():
        if row.status is None or row.status.simulated:
            continue
        if (row.keyless and row.dot == "ok") or (slug in added and row.usable):
            slugs.append(slug)
    return slugs


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
