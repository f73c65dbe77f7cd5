"""One ``doctor`` row per framework agent: model chain, key and where it came from, live check.

``framework_rows(report, live=..., client=..., timeout=...)`` returns JSON-safe dicts (masked
keys only). Every row carries everything a JSON consumer must see about its agent:
``warnings`` (the agent's own), ``framework_warnings`` (about the whole setup) and ``errors``
(the agent's, then those about the whole setup). ``render_rows`` prints them as a compact
table for ``doctor --from``. Live checks go through :func:`playground.credentials.check_live`
(one cheap authenticated request per distinct provider/URL/key, run concurrently) and never
raise.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from playground.frameworks.model import AgentInfo, FrameworkKey, FrameworkReport
from playground.frameworks.providers import spec_provider

if TYPE_CHECKING:
    import httpx


def _primary_key(agent: AgentInfo) -> FrameworkKey | None:
    """The key the framework would send first for the primary model (usable keys first)."""
    keys = agent.hop_keys(0)
    return next((k for k in keys if k.secret), keys[0] if keys else None)


def _base_row(
    report: FrameworkReport, agent: AgentInfo, general: tuple[list[str], list[str]]
) -> dict[str, Any]:
    """The row of ``agent``; ``general`` is the report's (errors, warnings) about no one agent."""
    general_errors, general_warnings = general
    key = _primary_key(agent)
    spec = agent.primary
    return {
        "agent": agent.name,
        "framework": report.framework,
        "model": spec,
        "model_chain": list(agent.model_chain),
        "fallbacks": list(agent.fallbacks),
        "provider": spec_provider(spec) if spec else None,
        "key_source": key.source_label if key else None,
        "key": key.masked if key else None,
        "keys": [k.to_dict() for k in agent.hop_keys(0)],
        "auth_kind": str(key.auth_kind) if key else None,
        "locked": bool(key and key.locked and not key.secret),
        "unlock_hint": key.unlock_hint if key and not key.secret else None,
        "thinking": str(agent.thinking) if agent.thinking else None,
        "retries": agent.retries,
        "source": agent.source,
        "live": None,
        "latency_ms": None,
        "warnings": list(agent.warnings),
        "framework_warnings": list(general_warnings),
        "errors": [*agent.errors, *general_errors],
    }


def _skipped(message: str, next_step: str | None = None) -> dict[str, Any]:
    return {
        "status": "skipped",
        "latency_ms": None,
        "http_status": None,
        "message": message,
        "next_step": next_step,
    }


async def framework_rows(
    report: FrameworkReport,
    *,
    live: bool,
    client: httpx.AsyncClient | None = None,
    timeout: float = 8.0,
) -> list[dict[str, Any]]:
    """One row per agent of ``report``; with ``live``, the primary model's key is checked."""
    general = (report.general_errors(), [str(w) for w in report.general_warnings()])
    rows = [_base_row(report, agent, general) for agent in report.agents]
    if not live:
        return rows
    try:
        from playground.catalog import load_catalog
        from playground.credentials import check_live
        from playground.credentials.types import ResolvedKey
    except ImportError:  # pragma: no cover - every build ships both packages
        for row in rows:
            row["live"] = _skipped("live checks are not available in this build")
        return rows
    catalog = load_catalog()
    checks: dict[tuple, tuple] = {}  # identity → (provider info, key, base URL)
    targets: list[tuple[dict[str, Any], tuple]] = []
    for row, agent in zip(rows, report.agents, strict=True):
        spec = agent.primary
        if spec is None:
            row["live"] = _skipped("the agent has no usable model")
            continue
        key = _primary_key(agent)
        if key is not None and key.secret is None:
            row["live"] = _skipped(f"key is locked: {key.unlock_hint}", key.unlock_hint)
            continue
        try:
            ref = catalog.parse_spec(spec)
        except Exception as exc:
            row["live"] = _skipped(str(exc))
            continue
        resolved = ResolvedKey(key.secret, key.source_label, key.auth_kind) if key else None
        identity = (ref.provider.slug, ref.base_url, key.secret if key else None)
        checks.setdefault(identity, (ref.provider, resolved, ref.base_url))
        targets.append((row, identity))
    if not checks:
        return rows

    async def run(shared: httpx.AsyncClient) -> list[Any]:
        calls = [
            check_live(provider, key, shared, base_url=base_url, timeout=timeout)
            for provider, key, base_url in checks.values()
        ]
        return list(await asyncio.gather(*calls))

    if client is None:
        import httpx

        async with httpx.AsyncClient(follow_redirects=True) as own:
            results = await run(own)
    else:
        results = await run(client)
    by_identity = dict(zip(checks, results, strict=True))
    for row, identity in targets:
        result = by_identity[identity]
        row["live"] = {
            "status": result.status,
            "latency_ms": result.latency_ms,
            "http_status": result.http_status,
            "message": result.message,
            "next_step": result.next_step,
        }
        row["latency_ms"] = result.latency_ms
    return rows


def render_rows(rows: list[dict[str, Any]]) -> str:
    """A compact human table of agent rows, with warnings and unlock hints underneath."""
    lines = []
    for row in rows:
        live = row.get("live")
        if live:
            latency = f" {live['latency_ms']:.0f} ms" if live.get("latency_ms") is not None else ""
            status = f"{live['status']}{latency}"
        else:
            status = ""
        key = row["key"] or ("locked" if row["locked"] else "no key")
        chain = " → ".join(row["model_chain"]) or "(no model)"
        lines.append(
            f"{row['framework']}:{row['agent']}  {chain}  key {key}"
            f" ({row['key_source'] or 'none'})  {status}".rstrip()
        )
        if row["unlock_hint"]:
            lines.append(f"    unlock: {row['unlock_hint']}")
        if live and live.get("next_step") and live["status"] not in ("ok", "running"):
            lines.append(f"    next: {live['next_step']}")
        lines.extend(f"    ! {warning}" for warning in row["warnings"])
    return "\n".join(lines)
