"""``playground doctor``: every provider's credential at a glance, optionally checked live.

One row per provider: state, masked key, winning source, auth kind, format check and (with
``--live``) the result and latency of one cheap authenticated call; failing rows get a second
line with the next step. With ``--live`` a configured row also shows the rate-limit headroom
the answer's headers reported and, for providers whose key check is a model list, how many
of the catalog's models the key can reach. ``--json`` prints a list of objects with the same
fields (``live.rate_limits``, ``live.models``) plus ``shadowed``, ``problems`` and ``notes``.
``--from PATH`` adds one row per agent of an agent framework's config (see
:func:`framework_section`); in JSON those rows carry ``"origin"`` = the framework's name and
an ``"agent"`` field, provider rows ``"origin": "playground"``.

Exit codes: 0 fine; 1 a live check of a configured key failed, or a provider named with
``--provider`` has no key; 2 config errors or an unknown provider.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from playground.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from playground.catalog.catalog import Catalog
    from playground.catalog.types import ProviderInfo
    from playground.config.schema import Config
    from playground.credentials.discovery import KeyReach
    from playground.credentials.live import LiveTarget
    from playground.credentials.types import CredentialStatus, LiveResult

_LIVE_FAILURES = frozenset(
    {"unauthorized", "forbidden", "rate_limited", "not_found", "unreachable", "timeout"}
    | {"tls_error", "error", "not_running"}
)
_AUTH_LABEL = {"api_key": "key", "oauth_token": "oauth", "none": "none"}
# Short live labels keep the table within 80 columns; JSON keeps the full status names.
_LIVE_LABEL = {"unauthorized": "rejected", "rate_limited": "limited", "not_running": "down"}
_STATE_LABEL = {"no key needed": "local", "suspect": "bad key", "simulated": "sim"}
_CLOUD_AUTH = {"aws": "sigv4", "gcp": "adc"}  # how a keyless cloud row authenticates


class DoctorError(Exception):
    """A config or usage problem: one line for the user, exit code 2."""


@dataclass(slots=True)
class DoctorRow:
    """One line of the report: a provider's credential status and, with --live, its check.

    ``requested`` marks providers named with ``--provider``.
    """

    provider: ProviderInfo
    status: CredentialStatus
    live: LiveResult | None = None
    base_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    requested: bool = False
    reach: KeyReach | None = None
    # Bedrock ("aws"): region, credential source, expiry; Vertex AI ("gcp"): project,
    # location, credential source (ADC file and type, or a token), expiry.
    cloud_kind: str | None = None
    cloud: dict[str, Any] | None = None

    @property
    def cloud_ready(self) -> bool:
        """A cloud row without a key whose cloud credential chain found credentials."""
        if not self.cloud or self.status.keys:
            return False
        if self.cloud_kind == "aws":
            return bool(self.cloud["credentials"])
        # The metadata server exists only on Google Cloud: ready once a live check used it.
        return bool(self.cloud.get("ready")) or (self.live is not None and self.live.ok)

    @property
    def configured(self) -> bool:
        """Whether the user set anything up for this provider (worth a detail line)."""
        status = self.status
        return bool(status.keys or status.problems or status.shadowed or self.requested)

    @property
    def next_step(self) -> str | None:
        """The live check's next step when it failed, else the credential's."""
        if self.live is not None and self.live.next_step:
            return self.live.next_step
        if self.cloud_ready:
            return None
        if self.cloud_kind == "gcp" and not self.status.keys:
            return (
                "run `gcloud auth application-default login` (or set "
                "GOOGLE_APPLICATION_CREDENTIALS, or an access token in GOOGLE_OAUTH_ACCESS_TOKEN)"
            )
        return self.status.next_step

    @property
    def failed(self) -> bool:
        """A configured key failed its live check, or a requested provider has no key."""
        if self.requested and self.status.state == "missing" and not self.cloud_ready:
            return True
        live_failed = self.live is not None and self.live.status in _LIVE_FAILURES
        return live_failed and (bool(self.status.keys) or self.requested)


def run(args: argparse.Namespace) -> int:
    """Run ``playground doctor``."""
    try:
        rows, notes, catalog, config = _collect(args)
        agents = framework_section(args) if args.from_path or args.framework else None
    except DoctorError as exc:
        print(f"playground doctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.live:
        asyncio.run(_check_live(rows, config, timeout=args.timeout))
        _add_reach(rows, catalog)
    if args.json:
        objects = [row_to_dict(row) for row in rows] + (agents.rows if agents else [])
        print(json.dumps(objects, indent=2, ensure_ascii=False))
        if agents:
            for error in agents.errors:
                print(f"playground doctor: {error}", file=sys.stderr)
    else:
        width = shutil.get_terminal_size((80, 24)).columns
        print(render_table(rows, notes, width=max(60, width), live=args.live))
        if agents:
            print(agents.render())
    failed = any(row.failed for row in rows) or bool(agents and agents.failed)
    return EXIT_FAILED if failed else EXIT_OK


def _collect(args: argparse.Namespace) -> tuple[list[DoctorRow], list[str], Catalog, Config]:
    from playground.catalog import CatalogError, load_catalog
    from playground.config.loader import ConfigError, load_config
    from playground.credentials import resolve_credentials
    from playground.credentials.cloud import cloud_facts
    from playground.credentials.discovery import endpoint_overrides

    try:
        config, _path = load_config(args.config)
        catalog = load_catalog(config)
    except (ConfigError, CatalogError) as exc:
        raise DoctorError(str(exc)) from None

    requested = list(dict.fromkeys(args.provider or []))
    if requested:
        providers = [_lookup(catalog, name) for name in requested]
    else:
        providers = [p for p in catalog.providers() if _listed(p, config)]
    rows = []
    for provider in providers:
        status = resolve_credentials(provider, config, catalog=catalog)
        row = DoctorRow(provider, status, requested=bool(requested))
        row.base_url, row.headers = endpoint_overrides(provider, config)
        found = cloud_facts(provider, config, status)
        if found is not None:
            row.cloud_kind, row.cloud = found
        rows.append(row)
    notes = sorted({note for row in rows for note in row.status.notes})
    return rows, notes, catalog, config


def _listed(provider: ProviderInfo, config: Config) -> bool:
    """Template providers without a base URL (``custom``) appear only once configured."""
    from playground.credentials.resolve import provider_config

    return bool(provider.base_url) or provider_config(provider, config) is not None


def _lookup(catalog: Any, name: str) -> ProviderInfo:
    import difflib

    provider = catalog.provider(name)
    if provider is not None:
        return provider
    names = [p.slug for p in catalog.providers()] + [
        alias for p in catalog.providers() for alias in p.aliases
    ]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise DoctorError(f"unknown provider {name!r}{hint}; see `playground models` for the list")


async def _check_live(rows: list[DoctorRow], config: Config, *, timeout: float) -> None:
    from playground.credentials.cloud import cloud_endpoint
    from playground.credentials.live import LiveTarget, check_all
    from playground.credentials.types import LiveResult

    checked: list[tuple[DoctorRow, LiveTarget]] = []
    for row in rows:
        if row.cloud is not None:
            if not (row.status.keys or row.cloud_ready or row.requested):
                continue
            endpoint, problem = cloud_endpoint(row.provider, config)
            if endpoint is None:
                row.live = LiveResult("error", None, None, problem or "", None)
                continue
            checked.append((row, LiveTarget(row.provider, row.status.key, endpoint=endpoint)))
        elif row.status.keys or not row.status.needs_key:
            target = LiveTarget(row.provider, row.status.key, row.base_url, row.headers)
            checked.append((row, target))
    results = await check_all([target for _row, target in checked], timeout=timeout)
    for (row, _target), result in zip(checked, results, strict=True):
        row.live = result
        if row.cloud_kind == "gcp" and row.cloud is not None and not row.status.keys:
            row.cloud["expiry"] = _adc_expiry()


def _adc_expiry() -> str | None:
    """When the ADC token the live check fetched expires (google-auth keeps it cached)."""
    import os

    from playground.adapters.vertex_auth import adc_tokens

    expiry = adc_tokens(os.environ).expiry
    return expiry.isoformat() + "Z" if expiry is not None else None


def _add_reach(rows: list[DoctorRow], catalog: Catalog) -> None:
    """For keys whose check listed models: which of the catalog's models they can reach."""
    from playground.credentials.discovery import key_reach

    for row in rows:
        live, provider = row.live, row.provider
        if live is None or live.model_ids is None or provider.local or provider.simulated:
            continue
        if catalog.models(provider.slug):
            row.reach = key_reach(catalog, provider.slug, live.model_ids)


@dataclass(slots=True)
class FrameworkSection:
    """The ``--from`` part of the report: one row per agent (JSON-safe, masked keys)."""

    framework: str
    root: str
    rows: list[dict[str, Any]]
    errors: list[str]
    warnings: list[str]

    @property
    def failed(self) -> bool:
        """An agent's primary key failed its live check."""
        return any(row.get("live") and row["live"]["status"] in _LIVE_FAILURES for row in self.rows)

    def render(self) -> str:
        """The agents as text, under a heading naming the framework and its folder."""
        from playground.frameworks.doctor_rows import render_rows

        lines = ["", f"agents of {self.framework} ({self.root}):"]
        if self.rows:
            lines.append(render_rows(self.rows))
        lines += [f"! {message}" for message in self.errors + self.warnings]
        return "\n".join(lines)


def framework_section(args: argparse.Namespace) -> FrameworkSection:
    """Read ``--from PATH`` with :mod:`playground.frameworks` and build the agent rows.

    Hook to the frameworks package (``load_framework`` never raises; its
    ``doctor_rows.framework_rows`` runs the live checks through
    :func:`playground.credentials.check_live`). A setup that could not be read at all is a
    usage error (exit 2).
    """
    from playground.frameworks import load_framework
    from playground.frameworks.doctor_rows import framework_rows

    report = load_framework(args.from_path, framework=args.framework)
    if report.errors and not report.agents:
        raise DoctorError(report.errors[0])
    rows = asyncio.run(framework_rows(report, live=args.live, timeout=args.timeout))
    for row in rows:
        row["origin"] = report.framework
    general = [str(w) for w in report.warnings if w.agent is None]
    return FrameworkSection(report.framework, str(report.root), rows, report.errors, general)


def row_to_dict(row: DoctorRow) -> dict[str, Any]:
    """The JSON object of one row (masked keys only)."""
    status = row.status
    live = row.live
    return {
        "provider": row.provider.slug,
        "name": row.provider.name,
        "origin": "playground",
        "status": status.state,
        "source": status.source,
        "key": status.key.masked if status.key else None,
        "keys": [
            {"key": key.masked, "source": key.source, "auth_kind": str(key.auth_kind)}
            for key in status.keys
        ],
        "format": {"ok": status.format.ok, "message": status.format.message},
        "auth_kind": str(status.auth_kind),
        "live": None
        if live is None
        else {
            "status": live.status,
            "latency_ms": live.latency_ms,
            "http_status": live.http_status,
            "message": live.message,
            "next_step": live.next_step,
            "rate_limits": live.rate_limits.to_json() if live.rate_limits else None,
            "models": None
            if live.model_ids is None
            else {
                "listed": len(live.model_ids),
                "catalog_reachable": list(row.reach.reachable) if row.reach else None,
                "catalog_unreachable": list(row.reach.unreachable) if row.reach else None,
            },
        },
        "latency_ms": live.latency_ms if live else None,
        "next_step": row.next_step,
        "shadowed": list(status.shadowed),
        "problems": list(status.problems),
        "notes": list(status.notes),
        **({row.cloud_kind: row.cloud} if row.cloud_kind and row.cloud is not None else {}),
    }


def render_table(rows: list[DoctorRow], notes: list[str], *, width: int, live: bool) -> str:
    """The human report: aligned columns, a detail line under rows that need attention."""
    header = ["provider", "status", "key", "source", "auth", "fmt"] + (["live"] if live else [])
    cells = [_cells(row, live) for row in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    source_column = 3
    overflow = sum(widths) + 2 * (len(widths) - 1) - width
    if overflow > 0:
        widths[source_column] = max(12, widths[source_column] - overflow)
    lines = [_join(header, widths).upper()]
    for row, line in zip(rows, cells, strict=True):
        lines.append(_join(line, widths))
        for detail in _details(row):
            lines += textwrap.wrap(
                detail, width, initial_indent="    ", subsequent_indent="      "
            ) or [""]
    missing = [
        row.provider.slug for row in rows if row.status.state == "missing" and not row.cloud_ready
    ]
    if missing and not any(row.requested for row in rows):
        lines.append("")
        hint = (
            f"{len(missing)} without a key: set the provider's variable (e.g. OPENAI_API_KEY)"
            " or run `playground keys set PROVIDER`"
        )
        lines += textwrap.wrap(hint, width, subsequent_indent="  ")
    for note in notes:
        lines += textwrap.wrap(f"note: {note}" + _note_hint(note), width, subsequent_indent="  ")
    return "\n".join(lines)


def _note_hint(note: str) -> str:
    from playground.credentials.keyring_store import NO_KEYRING

    if note == NO_KEYRING:
        return (
            " (keys come from the environment, the config file, "
            "~/.config/playground/credentials/<provider> or .env)"
        )
    return ""


def _cells(row: DoctorRow, live: bool) -> list[str]:
    status = row.status
    fmt = {True: "✓", False: "✗", None: "-"}[status.format.ok]
    cells = [
        row.provider.slug,
        (row.cloud_kind or "") if row.cloud_ready else _STATE_LABEL.get(status.state, status.state),
        status.key.masked if status.key else "-",
        _cloud_source(row) if row.cloud_ready else _source_text(row),
        _CLOUD_AUTH.get(row.cloud_kind or "", "")
        if row.cloud_ready
        else _AUTH_LABEL.get(str(status.auth_kind), str(status.auth_kind)),
        fmt,
    ]
    if live:
        cells.append(_live_text(row.live))
    return cells


def _cloud_source(row: DoctorRow) -> str:
    facts = row.cloud or {}
    if row.cloud_kind == "gcp":
        return f"gcp ADC {facts['type']}" if facts.get("type") else "gcp metadata server"
    profile = f" [{facts['profile']}]" if facts.get("profile") else ""
    return f"aws {facts['credentials']}{profile}"


def _source_text(row: DoctorRow) -> str:
    status = row.status
    if status.source is None:
        return "-"
    text = _short_source(status.source)
    if len(status.keys) > 1:
        text += f" +{len(status.keys) - 1}"
    return text


def _short_source(label: str) -> str:
    """A compact form of a source label for the table (JSON keeps the full label)."""
    if label.startswith("env "):
        return "$" + label.removeprefix("env ")
    if label.startswith("credentials dir "):
        return "credentials dir"
    if label.startswith("config ") and " (" in label:
        return "config " + label.split(" (", 1)[1].rstrip(")")
    return label


def _live_text(result: LiveResult | None) -> str:
    if result is None:
        return "-"
    text = _LIVE_LABEL.get(result.status, result.status.replace("_", " "))
    # Latency means something only when the server answered.
    answered = result.http_status is not None
    if result.latency_ms is not None and answered:
        text += f" {_latency(result.latency_ms)}"
    return text


def _latency(ms: float) -> str:
    return f"{ms:.0f}ms" if ms < 1000 else f"{ms / 1000:.1f}s"


def _details(row: DoctorRow) -> list[str]:
    from playground.credentials.cloud import cloud_line

    if not (row.configured or row.cloud_ready):
        return []
    status = row.status
    details = [f"! {problem}" for problem in status.problems]
    if row.cloud_kind and row.cloud is not None:
        details.append(cloud_line(row.cloud_kind, row.cloud))
    if status.format.ok is False:
        details.append(f"! format: {status.format.message}")
    live = row.live
    if live is not None and live.status in _LIVE_FAILURES and live.message:
        details.append(f"! {live.message}")
    if live is not None and live.rate_limits is not None:
        details.append(f"headroom: {live.rate_limits.summary()}")
    if row.reach is not None:
        details.append(f"models: {row.reach.summary()}")
    if status.shadowed:
        details.append("shadowed: " + ", ".join(status.shadowed))
    if row.next_step:
        details.append(f"→ {row.next_step}")
    return details


def _join(cells: list[str], widths: list[int]) -> str:
    fitted = [_fit(cell, size) for cell, size in zip(cells, widths, strict=True)]
    return "  ".join(cell.ljust(size) for cell, size in zip(fitted, widths, strict=True)).rstrip()


def _fit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
