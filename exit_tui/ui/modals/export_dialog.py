"""Export the handover package: where to save it (default in Documents), progress while writing, the path when done."""

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar

from ...errors import ExitTuiError
from ...i18n import _
from ..bindings import Localized
from .form import Field


class ExportDialog(Localized, ModalScreen[Path | None]):
    """Dismisses with the written file's path, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "export", "key.export", id="export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(Text(_("dialog.export_title"), style="bold"), classes="dialog-title")
            yield Label(Text(_("dialog.export_explain")), classes="explain")
            yield Field(_("dialog.export_path"), Input(id="path"), "path")
            yield ProgressBar(id="progress", show_eta=False)
            with Horizontal(classes="buttons"):
                yield Button(_("button.export"), id="export", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#path", Input).focus()
        self.app.call_service("io.export.default_export_path", self.app.project, session=False,
                              then=self._default_path)

    def _default_path(self, path: Path) -> None:
        box = self.query_one("#path", Input)
        if not box.value:
            box.value = str(path)

    def on_input_submitted(self) -> None:
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.action_export()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if not self.running:  # a half-written export is never left behind, but let it finish cleanly
            self.dismiss(None)

    def action_export(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if self.running or not text:
            return
        path = Path(text).expanduser()
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.running = True
        self.query_one(ProgressBar).display = True
        self.query_one("#export", Button).disabled = True
        app = self.app
        app.call_service("io.export.export_package", app.project.id, path, today=app.today,
                         progress=self._progress_from_worker, then=self._done, on_error=self._failed)

    def _progress_from_worker(self, done: int, total: int) -> None:
        """Called in the worker thread: hand the figures to the UI thread."""
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=total, progress=done)

    def _done(self, result) -> None:
        self.dismiss(result.path)

    def _failed(self, error: ExitTuiError) -> None:
        self.running = False
        self.query_one(ProgressBar).display = False
        self.query_one("#export", Button).disabled = False
        self.query_one("#field-path", Field).show_error(str(error))
