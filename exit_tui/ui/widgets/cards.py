"""A dashboard card: one figure of an area (ui/registry.py); clicking it or enter on it opens that area."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from ..bindings import Localized

if TYPE_CHECKING:
    from ...services.readmodels import Dashboard
    from ..registry import CardView


class Card(Localized, Static, can_focus=True):
    """Shows a caption over a big figure and a note, one line each: never wrapped (a wrapped caption would push
    the note out of the card), the short caption when the full one does not fit, a cut note ending in "…" (the
    tooltip has it whole). Opening it posts Card.Clicked; the card knows the area it opens (`mode`) and the request
    its last figures carry (`request`)."""

    BINDINGS = [Binding("enter", "open", "key.open_card", tooltip="tip.open_card", id="open-card")]

    DEFAULT_CSS = """
    Card {
        width: 1fr;
        height: 5;
        border: round $primary-background-lighten-2;
        padding: 0;
        content-align: center middle;
        text-align: center;
    }
    Card:hover, Card:focus { border: round $accent; }
    Card.-alert { border: round $error; }
    Card.-alert .figure { color: $error; }
    """

    class Clicked(Message):
        def __init__(self, card: "Card") -> None:
            super().__init__()
            self.card = card

    def __init__(self, mode: str, view: "Callable[[Dashboard], CardView]", *, id: str) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.view = view
        self.request: object | None = None
        self.shown: "CardView | None" = None

    def show(self, data: "Dashboard") -> None:
        """Show this card's figures from the dashboard's."""
        view = self.shown = self.view(data)
        self.request = view.request
        self.set_class(view.alert, "-alert")
        self.tooltip = "\n".join(part for part in (view.caption, view.figure, view.note) if part)
        self.refresh()

    def render(self) -> Text:
        """The three lines for the card's width now (it changes with the terminal's)."""
        view = self.shown
        if view is None:
            return Text()
        width = self.content_size.width
        caption = view.caption if cell_len(view.caption) <= width or not view.short else view.short
        lines = [Text(caption, style="dim"), Text(view.figure, style="bold red" if view.alert else "bold"),
                 Text(view.note, style="dim")]
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return Text("\n").join(lines)

    def on_click(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        self.post_message(self.Clicked(self))
