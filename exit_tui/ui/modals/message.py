"""A message with one OK button (e.g. an unexpected error)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...i18n import _
from ..bindings import Localized


class MessageScreen(Localized, ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "key.close", id="close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.text))
            with Horizontal(classes="buttons"):
                yield Button(_("button.ok"), id="ok", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
