"""Export the calendar (.ics): where to save it (default beside the handover package), then path and event count."""

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ...errors import ExitTuiError
from ...i18n import _
from ..bindings import Localized
from .form import Field


class CalendarDialog(Localized, ModalScreen[object]):
    """Dismisses with io.calendar's CalendarResult (path, events), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "export", "key.export", id="export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="calendar-dialog"):
            yield Label(Text(_("calendar.dialog_title"), style="bold"), classes="dialog-title")
            yield Label(Text(_("calendar.dialog_explain")), classes="explain")
            yield Field(_("dialog.export_path"), Input(id="path"), "path")
            with Horizontal(classes="buttons"):
                yield Button(_("button.export"), id="export", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self.app.call_service("io.calendar.default_calendar_path", self.app.project, today=self.app.today,
                              session=False, then=self._default_path)

    def _default_path(self, path) -> None:
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
        if not self.running:
            self.dismiss(None)

    def action_export(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if self.running or not text:
            return
        self.running = True
        self.query_one("#export", Button).disabled = True
        app = self.app
        # io.calendar adds `.ics` when it is missing and expands `~`.
        app.call_service("io.calendar.export_calendar", app.project.id, Path(text), today=app.today,
                         then=self.dismiss, on_error=self._failed)

    def _failed(self, error: ExitTuiError) -> None:
        self.running = False
        self.query_one("#export", Button).disabled = False
        self.query_one("#field-path", Field).show_error(str(error))
