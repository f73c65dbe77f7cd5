"""``doctor`` rows per framework agent: model chain, key and where it came from, live check.

``framework_rows(report, live=..., client=..., timeout=...)`` returns JSON-safe dicts (masked
keys only): per agent a ``"purpose": "chat"`` row, then one row per other model it depends on
(``voice``, ``embeddings``, ``thinking``, ``step <ID>``…). The chat row carries everything a
JSON consumer must see about its agent: ``warnings`` (the agent's own),
``framework_warnings`` (about the whole setup) and ``errors`` (the agent's, then those about
the whole setup). ``render_rows`` prints them as a compact
table for ``doctor --from``. Live checks go through :func:`playground.credentials.check_live`
(one cheap authenticated request per distinct provider/URL/key, run concurrently) and never
raise.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from playground.frameworks.model import AgentInfo, FrameworkKey, FrameworkReport, SideModel
from playground.frameworks.providers import spec_provider

if TYPE_CHECKING:
    import httpx


def _first_key(keys: list[FrameworkKey]) -> FrameworkKey | None:
    """The key the framework would send first (usable keys first)."""
    return next((k for k in keys if k.secret), keys[0] if keys else None)


def _key_fields(keys: list[FrameworkKey]) -> dict[str, Any]:
    key = _first_key(keys)
    return {
        "key_source": key.source_label if key else None,
        "key": key.masked if key else None,
        "keys": [k.to_dict() for k in keys],
        "auth_kind": str(key.auth_kind) if key else None,
        "locked": bool(key and key.locked and not key.secret),
        "unlock_hint": key.unlock_hint if key and not key.secret else None,
    }


def _base_row(
    report: FrameworkReport, agent: AgentInfo, general: tuple[list[str], list[str]]
) -> dict[str, Any]:
    """The chat row of ``agent``; ``general`` is the report's (errors, warnings) about no one
    agent."""
    general_errors, general_warnings = general
    spec = agent.primary
    return {
        "agent": agent.name,
        "framework": report.framework,
        "purpose": "chat",
        "model": spec or agent.declared,
        "model_chain": list(agent.model_chain),
        "fallbacks": list(agent.fallbacks),
        "provider": spec_provider(spec) if spec else None,
        **_key_fields(agent.hop_keys(0) if spec else agent.keys.get(agent.declared or "", [])),
        "thinking": str(agent.thinking) if agent.thinking else None,
        "retries": agent.retries,
        "source": agent.source,
        "live": None,
        "latency_ms": None,
        "warnings": list(agent.warnings),
        "framework_warnings": list(general_warnings),
        "errors": [*agent.errors, *general_errors],
    }


def _side_row(report: FrameworkReport, agent: AgentInfo, side: SideModel) -> dict[str, Any]:
    """The row of one model ``agent`` depends on besides chat (voice, embeddings, a step…)."""
    return {
        "agent": agent.name,
        "framework": report.framework,
        "purpose": side.purpose,
        "model": side.spec or side.declared,
        "model_chain": [side.spec] if side.spec else [],
        "fallbacks": [],
        "provider": spec_provider(side.spec) if side.spec else None,
        **_key_fields(side.keys),
        "thinking": None,
        "retries": None,
        "source": side.source,
        "live": None,
        "latency_ms": None,
        "warnings": [side.note] if side.note else [],
        "framework_warnings": [],
        "errors": [],
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
    """Rows for ``report``: per agent its chat row, then one row per side model (voice,
    embeddings, thinking, pipeline steps…) — errors and setup-wide warnings are on the chat
    row. With ``live``, each row's model and first key are checked."""
    general = (report.general_errors(), [str(w) for w in report.general_warnings()])
    rows: list[dict[str, Any]] = []
    # (row, spec, keys, why a check is impossible when there is no spec)
    subjects: list[tuple[dict[str, Any], str | None, list[FrameworkKey], str]] = []
    for agent in report.agents:
        row = _base_row(report, agent, general)
        rows.append(row)
        keys = agent.hop_keys(0) if agent.primary else []
        subjects.append(
            (row, agent.primary, keys, agent.unresolved or "the agent has no usable model")
        )
        for side in agent.side_models:
            row = _side_row(report, agent, side)
            rows.append(row)
            subjects.append((row, side.spec, side.keys, side.note or "no usable model"))
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
    for row, spec, keys, why in subjects:
        if spec is None:
            row["live"] = _skipped(why)
            continue
        key = _first_key(keys)
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
        chain = " → ".join(row["model_chain"]) or row["model"] or "(no model)"
        purpose = f" [{row['purpose']}]" if row.get("purpose", "chat") != "chat" else ""
        lines.append(
            f"{row['framework']}:{row['agent']}{purpose}  {chain}  key {key}"
            f" ({row['key_source'] or 'none'})  {status}".rstrip()
        )
        if row["unlock_hint"]:
            lines.append(f"    unlock: {row['unlock_hint']}")
        if live and live.get("next_step") and live["status"] not in ("ok", "running"):
            lines.append(f"    next: {live['next_step']}")
        lines.extend(f"    ! {warning}" for warning in row["warnings"])
    return "\n".join(lines)
