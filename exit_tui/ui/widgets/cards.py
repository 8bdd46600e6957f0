"""A clickable figure card for the dashboard."""

from rich.text import Text
from textual.message import Message
from textual.widgets import Static


class Card(Static):
    """Shows a caption over a big figure. Clicking it posts Card.Clicked with the card's id."""

    DEFAULT_CSS = """
    Card {
        width: 1fr;
        height: 5;
        border: round $primary-background-lighten-2;
        padding: 0;
        content-align: center middle;
        text-align: center;
    }
    Card:hover { border: round $accent; }
    Card.-alert { border: round $error; }
    Card.-alert .figure { color: $error; }
    """

    class Clicked(Message):
        def __init__(self, card: "Card") -> None:
            super().__init__()
            self.card = card

    def show(self, caption: str, figure: str, note: str = "", alert: bool = False) -> None:
        text = Text(caption + "\n", style="dim")
        text.append(figure, style="bold red" if alert else "bold")
        text.append("\n" + note, style="dim")
        self.set_class(alert, "-alert")
        self.update(text)

    def on_click(self) -> None:
        self.post_message(self.Clicked(self))
