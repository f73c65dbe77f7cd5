"""The credential panel: the ``doctor`` table in the app, with live checks and key editing."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from playground.tui.credential_states import DOTS, ProviderCredential, headroom_lines

if TYPE_CHECKING:
    from playground.endpoint import Endpoint
    from playground.tui.app import PlaygroundApp

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
COLUMNS = ("", "provider", "state", "source", "key", "format", "live", "latency", "next step")


class CredentialPanel(ModalScreen[None]):
    """Every provider's credential: status, source, masked key, format, live result; the
    detail line adds the selected key's rate-limit headroom and model reach after a check."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "close", "close"),
        Binding("c,enter", "check_one", "check", id="cred_check"),
        Binding("a", "check_all", "check all", id="cred_check_all"),
        Binding("s", "set_key", "set key", id="cred_set"),
        Binding("d", "delete_key", "delete key", id="cred_delete"),
        Binding("f", "toggle_all", "configured / all", id="cred_filter"),
    ]

    def __init__(self, app: PlaygroundApp, *, show_all: bool = False) -> None:
        super().__init__()
        self.playground = app
        self.show_all = show_all
        self.checking: set[str] = set()
        self._spin = 0
        # Bedrock / Vertex rows: (cloud, facts) — region or project, winning credential source
        self.cloud: dict[str, tuple[str, dict]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="credentials"):
            yield Static("Credentials", classes="dialog-title")
            yield DataTable(id="credential-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="credential-detail")
            yield Static(
                "c check · a check all · s set key · d delete · f configured/all · escape close",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column or "dot")
        self._fill()
        table.focus()
        self.set_interval(0.1, self._tick)
        self._probe_keyless()
        self._read_cloud_facts()

    @work(group="credential-cloud", exclusive=True)
    async def _read_cloud_facts(self) -> None:
        """Region / project and credential source of cloud rows, read off the event loop (the
        AWS chain may ask a local metadata endpoint)."""
        from playground.credentials.cloud import cloud_facts

        for slug, row in list(self.states.items()):
            if row.status is None:
                continue
            found = await asyncio.to_thread(
                cloud_facts, row.provider, self.playground.config, row.status
            )
            if found is not None:
                self.cloud[slug] = found
        self._show_detail()

    @work(group="credential-probe", exclusive=True)
    async def _probe_keyless(self) -> None:
        """Probe keyless local servers once, so none shows "ok" with nothing listening."""
        from playground.tui.credential_states import probe_keyless

        if await probe_keyless(self.states, self.playground.provider_base_url):
            self._fill()

    @property
    def states(self) -> dict[str, ProviderCredential]:
        """The app's per-provider credential states."""
        return self.playground.credential_states()

    def _visible(self) -> list[ProviderCredential]:
        """Providers in use, configured or checked; with ``show_all`` every other provider
        follows them (so the relevant rows stay on top)."""
        rows = list(self.states.values())
        in_use = self.playground.providers_in_use()
        relevant = [
            row
            for row in rows
            if row.provider.slug in in_use
            or (row.status is not None and (row.status.keys or row.status.problems))
            # a keyless server only once it answered: the start-up probe is not a choice
            or (row.live is not None and (row.live.ok or not row.keyless))
        ]
        if not self.show_all:
            return relevant
        shown = {row.provider.slug for row in relevant}
        return relevant + [row for row in rows if row.provider.slug not in shown]

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        selected = self._selected()
        table.clear()
        slugs = []
        for row in self._visible():
            table.add_row(*self._cells(row), key=row.provider.slug)
            slugs.append(row.provider.slug)
        if table.row_count:
            # The cursor follows its provider when rows move (a key set moves it up).
            row_index = slugs.index(selected) if selected in slugs else cursor
            table.move_cursor(row=min(row_index, table.row_count - 1))
        self._show_detail()

    def _cells(self, row: ProviderCredential) -> list[Text | str]:
        slug = row.provider.slug
        dot, colour = DOTS[row.dot]
        status = row.status
        state = status.state if status is not None else "error"
        source = (status.source or "–") if status is not None else "–"
        key = status.key.masked if status is not None and status.key is not None else "–"
        if status is not None and len(status.keys) > 1:
            key += f" (+{len(status.keys) - 1})"
        fmt = Text("–", style="dim")
        if status is not None and status.format.ok is not None:
            fmt = Text(
                "ok" if status.format.ok else "suspect",
                style="green" if status.format.ok else "yellow",
            )
        if slug in self.checking:
            live: Text | str = Text(f"{SPINNER[self._spin % len(SPINNER)]} checking", style="bold")
            latency = ""
        elif row.live is not None:
            live = Text(row.live.status, style="green" if row.live.ok else "red")
            latency = f"{row.live.latency_ms:.0f} ms" if row.live.latency_ms is not None else ""
        else:
            live, latency = Text("not checked", style="dim"), ""
        step = ""
        if row.live is not None and not row.live.ok and row.live.next_step:
            step = row.live.next_step
        elif status is not None and status.next_step and row.dot != "ok":
            step = status.next_step
        elif row.error:
            step = row.error
        return [
            Text(dot, style=colour),
            Text(slug, style="bold"),
            state,
            source,
            key,
            fmt,
            live,
            latency,
            Text(step, style="italic"),
        ]

    def _tick(self) -> None:
        if not self.checking:
            return
        self._spin += 1
        table = self.query_one(DataTable)
        for slug in list(self.checking):
            if slug in self.states:
                try:
                    table.update_cell(slug, "live", self._cells(self.states[slug])[6])
                except Exception:  # the row may be filtered out
                    continue

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        slug = self._selected()
        detail = Text()
        row = self.states.get(slug) if slug else None
        if row is not None and row.status is not None:
            status = row.status
            detail.append(f"{row.provider.name}: ", style="bold")
            detail.append(status.format.message or "")
            if status.shadowed:
                detail.append(f"\nalso set in (ignored): {', '.join(status.shadowed)}", style="dim")
            for problem in status.problems:
                detail.append(f"\n⚠ {problem}", style="yellow")
            if row.dot == "missing":
                detail.append("\nnext: press s to set it here", style="italic")
                if status.next_step:
                    detail.append(f" (or {status.next_step})", style="italic")
            elif status.next_step and row.dot != "ok":
                detail.append(f"\nnext: {status.next_step}", style="italic")
            if slug in self.cloud:
                from playground.credentials.cloud import cloud_line

                detail.append(f"\n{cloud_line(*self.cloud[slug])}", style="cyan")
            if row.live is not None and row.live.message:
                detail.append(f"\nlive: {row.live.message}")
            for line in headroom_lines(row, self.playground.catalog):
                detail.append(f"\n{line}", style="cyan")
        self.query_one("#credential-detail", Static).update(detail)

    # --- actions ---------------------------------------------------------------------------

    def action_close(self) -> None:
        """Close the panel."""
        self.dismiss(None)

    def action_toggle_all(self) -> None:
        """Show every provider, or only configured / in-use ones."""
        self.show_all = not self.show_all
        self._fill()

    def action_check_one(self) -> None:
        """Check the selected provider live."""
        slug = self._selected()
        if slug:
            self._check([slug])

    def action_check_all(self) -> None:
        """Check every visible provider live, concurrently."""
        self._check([row.provider.slug for row in self._visible()])

    @work(group="credential-check")
    async def _check(self, slugs: list[str]) -> None:
        from playground.credentials import LiveTarget, check_all

        slugs = [s for s in slugs if s not in self.checking]
        if not slugs:
            return
        self.checking.update(slugs)
        self._fill()
        targets = []
        for slug in slugs:
            row = self.states[slug]
            key = row.status.key if row.status is not None else None
            endpoint = await self._cloud_endpoint(slug)
            base_url = self.playground.provider_base_url(slug)
            targets.append(LiveTarget(row.provider, key, base_url, endpoint=endpoint))
        try:
            results = await check_all(targets, timeout=8.0)
        except Exception as exc:  # never a traceback: report and stop spinning
            self.app.notify(f"live check failed: {exc}", severity="error")
            results = []
        for slug, result in zip(slugs, results, strict=False):
            self.states[slug].live = result
        self.checking.difference_update(slugs)
        await asyncio.sleep(0)
        self._fill()
        failed = [
            s
            for s in slugs
            if self.states[s].live is not None
            and not self.states[s].live.ok
            and self.states[s].live.status != "skipped"
        ]
        if failed:
            self.app.notify(
                f"{len(failed)} check(s) failed: {', '.join(failed)}", severity="warning"
            )

    async def _cloud_endpoint(self, slug: str) -> Endpoint | None:
        """A cloud row's resolved endpoint for its live check (None for other providers)."""
        from playground.credentials.cloud import cloud_endpoint, cloud_protocol

        provider = self.states[slug].provider
        if cloud_protocol(provider, self.playground.config) is None:
            return None
        endpoint, _problem = await asyncio.to_thread(
            cloud_endpoint, provider, self.playground.config
        )
        return endpoint

    def action_set_key(self) -> None:
        """Set the selected provider's key: the OS keyring, or a 0600 file the user picks."""
        slug = self._selected()
        if slug:
            self._set_key(slug)

    @work(group="credential-edit", exclusive=True)
    async def _set_key(self, slug: str) -> None:
        from playground.tui.screens.key_dialogs import set_key_interactively

        if await set_key_interactively(self.playground, slug):
            self._fill()

    def action_delete_key(self) -> None:
        """Delete the selected provider's stored key, after asking."""
        slug = self._selected()
        if slug:
            self._delete_key(slug)

    @work(group="credential-edit", exclusive=True)
    async def _delete_key(self, slug: str) -> None:
        from playground.tui.screens.key_dialogs import delete_key_interactively

        if await delete_key_interactively(self.playground, slug):
            self._fill()
