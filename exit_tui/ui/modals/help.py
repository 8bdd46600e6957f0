"""Every key of the current screen and of the app, with what it does."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from ...i18n import _
from ..bindings import Localized


class HelpScreen(Localized, ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "key.close", id="close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(Text(_("help.title"), style="bold"), classes="dialog-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label(Text(_("help.footer"), style="dim"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("help.key"), key="key")
        table.add_column(_("help.action"), key="action")
        table.add_column(_("help.detail"), key="detail")
        # The focused widget's own keys (ours carry an id; Textual's built-in cursor keys are left out).
        focused = [b for _k, b in self.for_screen.focused._bindings if b.id] if self.for_screen.focused else []
        groups = [
            (_("help.this_screen"), focused + [b for _k, b in self.for_screen._bindings]),
            (_("help.everywhere"), [b for _k, b in self.app._bindings]),
        ]
        for heading, bindings in groups:
            table.add_row(Text(heading, style="bold"), "", "")
            seen: set[str] = set()
            for binding in bindings:
                if not binding.description or binding.action in seen:
                    continue
                seen.add(binding.action)
                keys = [b.key for b in bindings if b.action == binding.action]
                display = " / ".join(self.app.get_key_display(Binding(k, binding.action)) for k in keys)
                table.add_row(Text(display, style="bold"), Text(binding.description),
                              Text(binding.tooltip, style="dim"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss()
