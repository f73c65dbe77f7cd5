"""Export the session to a Markdown or JSON file (atomically, mode 0600: an export holds the
whole conversation)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from playground.tui.widgets.ordered_keys import TextField

if TYPE_CHECKING:
    from playground.session import Session


def default_exports_dir() -> Path:
    """``<user data dir>/exports`` (platformdirs), not whatever the working directory is."""
    from platformdirs import user_data_path

    return user_data_path("playground", appauthor=False) / "exports"


def write_export(session: Session, path: Path, fmt: str) -> Path:
    """Write ``session`` as ``fmt`` (``md`` or ``json``) to ``path`` atomically, mode 0600."""
    if fmt == "json":
        return session.export_json(path)
    return session.export_markdown(path)


class ExportDialog(ModalScreen[Path | None]):
    """Choose a format and a path; the file is written by the session's exporter."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, session: Session, directory: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.directory = directory or default_exports_dir()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small", id="export-dialog"):
            yield Static("Export session", classes="dialog-title")
            with RadioSet(id="export-format"):
                yield RadioButton("Markdown", value=True, id="fmt-md")
                yield RadioButton("JSON", id="fmt-json")
            yield TextField(str(self._default_path("md")), id="export-path")
            yield Static("Keys never appear in exports (only masked ones).", classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", variant="primary", id="export")

    def _default_path(self, suffix: str) -> Path:
        return self.directory / f"playground-{self.session.id}.{suffix}"

    @property
    def format(self) -> str:
        """``md`` or ``json``."""
        return "json" if self.query_one("#fmt-json", RadioButton).value else "md"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        current = Path(path_input.value)
        if current.stem == f"playground-{self.session.id}" or not path_input.value:
            path_input.value = str(self._default_path(self.format))
        else:
            path_input.value = str(current.with_suffix("." + self.format))

    def on_input_submitted(self) -> None:
        self._export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self._export()
        else:
            self.dismiss(None)

    def _export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.app.notify("enter a file path", severity="error")
            return
        try:
            path = write_export(self.session, Path(raw).expanduser(), self.format)
        except OSError as exc:
            self.app.notify(f"cannot write {raw}: {exc.strerror or exc}", severity="error")
            return
        self.app.notify(f"exported to {path}", title="export")
        self.dismiss(path)

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
