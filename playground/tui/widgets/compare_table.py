"""The comparison table: every pane's last turn and session side by side, best values
highlighted, TTFT per turn as a sparkline. The figures come from
:mod:`playground.compare.pane_figures`; this widget only lays them out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from playground.compare.pane_figures import (
    COLUMNS,
    Figures,
    best_rows,
    session_figures,
    sparkline,
    turn_figures,
)

if TYPE_CHECKING:
    from playground.compare.repeat import PaneRuns, RepeatRun
    from playground.session import Pane

BEST_STYLE = "bold reverse"
NAME_WIDTH = 22
NARROW_WIDTH = 110
"""Below this many cells the table keeps only ``NARROW_HEADERS`` (80×24 must stay readable)."""
NARROW_HEADERS = frozenset({"TTFT", "tok/s", "out", "cost", "fallb", "stop"})
NARROW_NAME_WIDTH = 14


def last_turn(pane: Pane) -> Figures | None:
    """The figures of the pane's last turn (live while it streams), or None before one."""
    if not pane.turns:
        return None
    turn = pane.turns[-1]
    return turn_figures(turn, pane.metrics.as_dict() if turn.status == "running" else None)


def comparison_table(
    panes: Sequence[Pane],
    names: Sequence[str],
    width: int = 200,
    *,
    blind: bool = False,
    stream_rates: Mapping[str, Sequence[float]] | None = None,
) -> Table:
    """A Rich table: one row per pane for the last turn, then one per pane for the session;
    under ``NARROW_WIDTH`` cells only the ``NARROW_HEADERS`` columns; ``blind`` drops the
    columns that would give a model away. Sparklines: tokens/s over the last stream
    (``stream_rates``: pane id → rates; wide tables only) and TTFT per turn (session rows)."""
    stream_rates = stream_rates or {}
    narrow = width < NARROW_WIDTH
    columns = [
        c
        for c in COLUMNS
        if (not narrow or c.header in NARROW_HEADERS) and not (blind and c.reveals_model)
    ]
    table = Table(box=None, padding=(0, 1), expand=False, header_style="bold")
    name_width = NARROW_NAME_WIDTH if narrow else NAME_WIDTH
    table.add_column("pane", no_wrap=True, overflow="ellipsis", max_width=name_width)
    for column in columns:
        table.add_column(column.header, justify="right", no_wrap=True)
    if not narrow:
        table.add_column("tok/s⌁stream", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("TTFT/turn", no_wrap=True, overflow="ellipsis", max_width=16)
    sections = (
        ("last turn", [last_turn(pane) for pane in panes]),
        ("session (medians, sums)", [session_figures(pane.turns) for pane in panes]),
    )
    for title, rows in sections:
        table.add_row(Text(title, style="italic dim"), end_section=False)
        best = [best_rows(rows, column) for column in columns]
        for index, (pane, name, row) in enumerate(zip(panes, names, rows, strict=True)):
            cells: list[Text] = [Text(name)]
            for column, winners in zip(columns, best, strict=True):
                value = None if row is None else column.value(row)
                style = BEST_STYLE if index in winners else ""
                cells.append(Text(column.text(value), style=style))
            if not narrow:
                rates = stream_rates.get(pane.id, ()) if title == "last turn" else ()
                cells.append(Text(sparkline(rates if len(rates) > 1 else ()), style="green"))
            series = row.ttft_series if row is not None and row.turns > 1 else ()
            cells.append(Text(sparkline(series), style="cyan"))
            table.add_row(*cells)
    return table


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """``███░░░░░░░`` for ``done`` of ``total``."""
    filled = round(width * done / total) if total else width
    return "█" * filled + "░" * (width - filled)


def repeat_table(run: RepeatRun, panes: Sequence[Pane], names: Sequence[str]) -> Table:
    """The repeat's progress and p50 / p95 TTFT and tokens/s per pane."""
    title = f"repeat ×{run.runs}: {run.finished}/{run.total} runs"
    if run.stopped:
        title += " (stopped)"
    table = Table(box=None, padding=(0, 1), header_style="bold", title=title)
    table.title_style = "italic"
    table.title_justify = "left"
    table.add_column("pane", no_wrap=True, overflow="ellipsis", max_width=NAME_WIDTH)
    table.add_column("runs", no_wrap=True)
    for header in ("TTFT p50", "p95", "tok/s p50", "p95"):
        table.add_column(header, justify="right", no_wrap=True)
    rows: list[PaneRuns | None] = run.rows([pane.id for pane in panes])
    for name, row in zip(names, rows, strict=True):
        if row is None:
            continue
        spread = row.spread()
        runs = Text(f"{progress_bar(row.finished, run.runs)} {row.finished}/{run.runs}")
        if row.failed:
            runs.append(f" ({row.failed} failed)", style="bold red")
        table.add_row(
            name,
            runs,
            _ms(spread["ttft_p50"]),
            _ms(spread["ttft_p95"]),
            _rate(spread["tps_p50"]),
            _rate(spread["tps_p95"]),
        )
    return table


class ComparisonTable(Static):
    """The panel under the panes that the comparison toggle shows (see ``refresh_table``)."""

    def refresh_table(
        self,
        panes: Sequence[Pane],
        names: Sequence[str],
        repeat: RepeatRun | None = None,
        *,
        blind: bool = False,
        stream_rates: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        """Redraw from the panes' turns; ``names`` labels the rows (model names, or the
        blind letters, with ``blind`` set); ``stream_rates`` are each pane's tokens/s over
        its last stream; a repeat adds its progress and percentiles."""
        if not panes:
            self.update(Text("no panes to compare", style="dim"))
            return
        width = self.app.size.width
        body: RenderableType = comparison_table(
            panes, names, width, blind=blind, stream_rates=stream_rates
        )
        if repeat is not None:
            body = Group(body, Text(), repeat_table(repeat, panes, names))
        self.update(body)
