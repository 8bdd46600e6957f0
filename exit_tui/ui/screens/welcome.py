"""Shown when the database has no project yet: create one, or open the demo."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from ...i18n import _
from ..bindings import Localized


class WelcomeScreen(Localized, Screen):
    BINDINGS = [
        Binding("n", "app.new_project", "cmd.new_project", tooltip="tip.new_project", id="new-project"),
        Binding("m", "app.open_demo", "cmd.open_demo", tooltip="tip.open_demo", id="open-demo"),
    ]


    def compose(self) -> ComposeResult:
        yield Header()
        with Container(id="welcome"):
            with Vertical(id="welcome-box"):
                yield Static(Text(_("welcome.title"), style="bold"), id="welcome-title")
                yield Static(Text(_("welcome.body")), id="welcome-body")
                with Horizontal(classes="buttons"):
                    yield Button(_("cmd.new_project") + " (n)", id="new", variant="primary")
                    yield Button(_("cmd.open_demo") + " (m)", id="demo")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new":
            self.app.action_new_project()
        else:
            self.app.action_open_demo()
