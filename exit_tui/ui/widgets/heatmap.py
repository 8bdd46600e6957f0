"""A 5×5 risk heatmap: impact across, likelihood up; each cell coloured by the level of its score and showing how
many risks it holds (an empty cell stays empty). The cursor moves over the cells; enter (or a click) chooses one.
"""

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...i18n import _
from ..bindings import Localized

SIZE = 5
CELL = 5
"""Cells a heatmap cell takes."""
LEVEL_COLOURS = {"low": "#92d050", "medium": "#ffc000", "high": "#e46c0a", "extreme": "#c00000"}
"""A level's colour (the printed register's heatmap uses the same)."""
LEVEL_STYLES = {"low": "black on #92d050", "medium": "black on #ffc000", "high": "white on #e46c0a",
                "extreme": "bold white on #c00000"}


class Heatmap(Localized, Widget, can_focus=True):
    """`counts[likelihood - 1][impact - 1]` and `levels` alike; `cursor` is (likelihood, impact)."""

    BINDINGS = [
        Binding("up,k", "move(1, 0)", "key.up", show=False, id="heat-up"),
        Binding("down,j", "move(-1, 0)", "key.down", show=False, id="heat-down"),
        Binding("left,h", "move(0, -1)", "key.left", show=False, id="heat-left"),
        Binding("right,l", "move(0, 1)", "key.right", show=False, id="heat-right"),
        Binding("enter", "choose", "key.choose_cell", tooltip="tip.choose_cell", id="heat-choose"),
    ]

    DEFAULT_CSS = """
    Heatmap { width: auto; height: auto; padding: 0 1; }
    Heatmap:focus { background-tint: $foreground 5%; }
    """

    cursor: reactive[tuple[int, int]] = reactive((SIZE, SIZE))

    class Chosen(Message):
        """A cell chosen: show the risks rated (likelihood, impact)."""

        def __init__(self, likelihood: int, impact: int) -> None:
            super().__init__()
            self.likelihood, self.impact = likelihood, impact

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: tuple[tuple[int, ...], ...] = tuple((0,) * SIZE for _ in range(SIZE))
        self.levels: tuple[tuple[str, ...], ...] = tuple(("",) * SIZE for _ in range(SIZE))

    def show(self, counts, levels=None) -> None:
        self.counts = tuple(tuple(row) for row in counts)
        if levels is not None:
            self.levels = tuple(tuple(row) for row in levels)
        self.refresh(layout=True)

    def render(self) -> Text:
        label = _("risks.likelihood_axis")
        text = Text()
        for likelihood in range(SIZE, 0, -1):
            text.append(f"{likelihood} ", style="dim")
            for impact in range(1, SIZE + 1):
                count = self.counts[likelihood - 1][impact - 1]
                style = LEVEL_STYLES.get(self.levels[likelihood - 1][impact - 1], "") if count else "dim"
                here = (likelihood, impact) == self.cursor and self.has_focus
                cell = (str(count) if count else "·").center(CELL)
                text.append(cell, style=f"{style} reverse" if here else style)
            text.append(f"  {label}" if likelihood == SIZE else "", style="dim")
            text.append("\n")
        text.append("  " + "".join(str(i).center(CELL) for i in range(1, SIZE + 1)), style="dim")
        text.append(f"  {_('risks.impact_axis')}", style="dim")
        return text

    def action_move(self, up: int, right: int) -> None:
        likelihood, impact = self.cursor
        self.cursor = (min(SIZE, max(1, likelihood + up)), min(SIZE, max(1, impact + right)))

    def action_choose(self) -> None:
        self.post_message(self.Chosen(*self.cursor))

    def on_click(self, event: events.Click) -> None:
        row, column = event.y, event.x - 3  # the padding and the likelihood figure
        if 0 <= row < SIZE and 0 <= column < SIZE * CELL:
            self.cursor = (SIZE - row, column // CELL + 1)
            self.action_choose()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
