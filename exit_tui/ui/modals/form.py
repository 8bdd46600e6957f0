"""Shared pieces of modal forms: a labelled field with an inline error line."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Container):
    """Caption and a compact input on one row, a hint or error line under the input."""

    DEFAULT_CSS = """
    Field {
        layout: grid;
        grid-size: 2;
        grid-columns: 22 1fr;
        grid-gutter: 0 1;
        height: auto;
    }
    Field > .caption { color: $text-muted; }
    Field > .hint { color: $text-muted; height: auto; }
    Field > .hint.-error { color: $error; text-style: bold; }
    """

    def __init__(self, caption: str, widget: Widget, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.caption = caption
        self.widget = widget
        if hasattr(widget, "compact"):
            widget.compact = True

    def compose(self) -> ComposeResult:
        yield Label(self.caption, classes="caption")
        yield self.widget
        yield Static("")
        yield Static("", classes="hint")

    def show_hint(self, text: str) -> None:
        hint = self.query_one(".hint", Static)
        hint.remove_class("-error")
        hint.update(Text(text))

    def show_error(self, text: str) -> None:
        hint = self.query_one(".hint", Static)
        hint.add_class("-error")
        hint.update(Text(text))

    @property
    def has_error(self) -> bool:
        return self.query_one(".hint", Static).has_class("-error")
