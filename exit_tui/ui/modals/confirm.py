"""Yes/no question; `no` (the safe answer) has the focus, so enter alone never does the destructive thing."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...i18n import _
from ..bindings import Localized


class ConfirmScreen(Localized, ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "key.yes", id="yes"),
        Binding("n,escape", "answer(False)", "key.no", id="no"),
    ]

    def __init__(self, title: str, question: str, *, yes: str = "", no: str = "") -> None:
        """`yes` and `no` label the buttons (default: the catalog's 确定 / 取消)."""
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes_label = yes or _("button.yes")
        self.no_label = no or _("button.no")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button(self.yes_label, id="yes", variant="error")
                yield Button(self.no_label, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
