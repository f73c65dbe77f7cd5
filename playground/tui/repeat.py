"""Repeat in the app: ask how many runs, re-send every pane's last prompt that many times,
and show the progress and p50 / p95 figures in the comparison table.

The app calls :meth:`RepeatControl.finished` for every finished stream and
:meth:`RepeatControl.stop` when the user stops everything; the counting lives in
:mod:`playground.compare.repeat`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playground.compare.repeat import MAX_RUNS, MIN_RUNS, RepeatError, RepeatRun, parse_runs

if TYPE_CHECKING:
    from playground.tui.app import PlaygroundApp
    from playground.tui.widgets.chat_pane import ChatPane


class RepeatControl:
    """The repeat in progress (``run``), or the last one, shown until the next starts."""

    def __init__(self, app: PlaygroundApp) -> None:
        self.app = app
        self.run: RepeatRun | None = None

    @property
    def running(self) -> bool:
        """Whether runs are still to come."""
        return self.run is not None and not self.run.complete

    def ask(self) -> None:
        """Ask for the number of runs, then start them on every pane with a last prompt."""
        from playground.tui.screens.path_prompt import PathPrompt

        app = self.app
        if any(view.busy for view in app.chat_panes):
            app.notify("wait until every pane has finished (or press escape)", severity="warning")
            return
        if not any(view.pane.last_prompt for view in app.chat_panes):
            app.notify("send a prompt first: repeat runs the last one again", severity="warning")
            return

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                runs = parse_runs(text)
            except RepeatError as exc:
                app.notify(str(exc), title="repeat", severity="error")
                return
            self.begin(runs)

        app.push_screen(
            PathPrompt("Repeat the last prompt", f"runs per pane ({MIN_RUNS}–{MAX_RUNS})", "5"),
            answered,
        )

    def begin(self, runs: int) -> None:
        """Start ``runs`` runs on every idle pane that has a last prompt."""
        views = [v for v in self.app.chat_panes if v.pane.last_prompt and not v.busy]
        self.run = RepeatRun.start(runs, [view.pane.id for view in views])
        self.app.compare.show_table()
        for view in views:
            self.app.retry_view(view)

    def finished(self, view: ChatPane, status: str) -> None:
        """A stream ended: count it, and start the pane's next run if one is due."""
        run = self.run
        if run is None or run.complete:
            return
        turn = view.pane.turns[-1] if view.pane.turns else None
        metrics = turn.metrics if turn is not None else {}
        if run.record(view.pane.id, status, metrics):
            self.app.call_later(self.app.retry_view, view)
        elif run.complete:
            failed = sum(p.failed for p in run.panes.values())
            note = f" ({failed} failed)" if failed else ""
            self.app.notify(f"repeat finished: {run.finished} runs{note}", title="repeat")

    def stop(self) -> None:
        """The user stopped everything: no further runs."""
        if self.running:
            assert self.run is not None
            self.run.stopped = True
            self.app.notify(f"repeat stopped after {self.run.finished} of {self.run.total} runs")
