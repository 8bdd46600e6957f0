"""Export dialogs: where to save (with a default), the export run in a worker, the error shown in the dialog.

ExportDialog writes the handover package (with a progress bar); CalendarDialog (calendar_dialog.py) the .ics.
"""

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar

from ...errors import ExitTuiError
from ...i18n import _
from ..bindings import Localized
from .form import Field


class FileExportDialog(Localized, ModalScreen[object]):
    """A path prompt with a default and an Export button. Subclasses name their texts and start the export."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "export", "key.export", id="export"),
    ]
    DIALOG_ID = ""
    TITLE_KEY = ""
    EXPLAIN_KEY = ""
    DEFAULT_PATH_SERVICE = ""
    """An io function `(project, today=...) -> Path` giving the default file."""

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.DIALOG_ID):
            yield Label(Text(_(self.TITLE_KEY), style="bold"), classes="dialog-title")
            yield Label(Text(_(self.EXPLAIN_KEY)), classes="explain")
            yield Field(_("dialog.export_path"), Input(id="path"), "path")
            yield from self.compose_extra()
            with Horizontal(classes="buttons"):
                yield Button(_("button.export"), id="export", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self.app.call_service(self.DEFAULT_PATH_SERVICE, self.app.project, today=self.app.today, session=False,
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
        if not self.running:  # a half-written file is never left behind, but let it finish cleanly
            self.dismiss(None)

    def action_export(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if self.running or not text:
            return
        self.running = True
        self.query_one("#export", Button).disabled = True
        self.start(Path(text).expanduser())

    def start(self, path: Path) -> None:
        raise NotImplementedError

    def failed(self, error: ExitTuiError) -> None:
        self.running = False
        self.query_one("#export", Button).disabled = False
        self.query_one("#field-path", Field).show_error(str(error))


class ExportDialog(FileExportDialog):
    """The handover package; dismisses with the written file's path, or None when cancelled. A box leaves the
    staff sheets out (the company's own package for the owners' committee: its employees' data are not theirs)."""

    DIALOG_ID = "export-dialog"
    TITLE_KEY = "dialog.export_title"
    EXPLAIN_KEY = "dialog.export_explain"
    DEFAULT_PATH_SERVICE = "io.export.default_export_path"

    def compose_extra(self) -> ComposeResult:
        yield Checkbox(_("dialog.export_without_staff"), id="without-staff")
        yield ProgressBar(id="progress", show_eta=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        super().on_mount()

    def start(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.query_one(ProgressBar).display = True
        app = self.app
        without = ("staff",) if self.query_one("#without-staff", Checkbox).value else ()
        app.call_service("io.export.export_package", app.project.id, path, today=app.today, without=without,
                         progress=self._progress_from_worker, then=lambda result: self.dismiss(result.path),
                         on_error=self.failed)

    def _progress_from_worker(self, done: int, total: int) -> None:
        """Called in the worker thread: hand the figures to the UI thread."""
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=total, progress=done)

    def failed(self, error: ExitTuiError) -> None:
        self.query_one(ProgressBar).display = False
        super().failed(error)
