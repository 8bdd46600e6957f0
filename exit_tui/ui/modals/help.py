"""Every key of the current screen and of the app, each once, with what it does."""

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from ...i18n import _
from ..bindings import Localized
from ..registry import keyed_areas

#: Vim keys, described as the arrow key they stand for when they bring no tooltip of their own.
VIM_KEYS = {"j": "down", "k": "up", "h": "left", "l": "right"}


@dataclass
class HelpRow:
    """One action: the keys that run it, its name and one line on what it does."""

    bindings: list[Binding] = field(default_factory=list)
    description: str = ""
    detail: str = ""


def help_sections(screen: Screen) -> tuple[list[HelpRow], list[HelpRow]]:
    """The rows for `screen` (its focused widget's keys and its own) and for everywhere (the app's keys, and the
    screen's keys that run an app action), from the screen's active bindings: each key once, each action once.

    Keys of Textual's own widgets (cursor movement and the like) are left out unless ours declare them (an id).
    """
    app = screen.app
    here: dict[tuple[int, str], HelpRow] = {}  # by node and action: two widgets may name actions alike
    everywhere: dict[str, HelpRow] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or not _shown(active, screen):
            continue
        if active.node is app or binding.action.startswith("app."):
            row = everywhere.setdefault(binding.action.removeprefix("app."), HelpRow(description=binding.description))
        else:
            row = here.setdefault((id(active.node), binding.action), HelpRow(description=binding.description))
        row.bindings.append(binding)
        row.detail = row.detail or binding.tooltip
    for row in here.values():
        keys = {b.key for b in row.bindings}
        if not row.detail and keys <= VIM_KEYS.keys():
            arrows = " / ".join(app.get_key_display(Binding(VIM_KEYS[k], "")) for k in sorted(keys))
            row.detail = _("help.alias", arrow=arrows)
    # Plain movement keys (no line on what they do) after the screen's actions.
    here_rows = sorted(here.values(), key=lambda row: not row.detail)
    return here_rows, [everywhere[action] for action in sorted(everywhere, key=_global_rank(app))]


def _global_rank(app: App) -> Callable[[str], tuple[int, int]]:
    """Order of the global rows: the areas by key, then the app's keys as it declares them, then the rest."""
    areas = [f"show('{area.mode}')" for area in keyed_areas()]
    own = [binding.action for binding in Binding.make_bindings(type(app).BINDINGS)]

    def rank(action: str) -> tuple[int, int]:
        if action in areas:
            return 0, areas.index(action)
        return (1, own.index(action)) if action in own else (2, 0)

    return rank


def _shown(active: ActiveBinding, screen: Screen) -> bool:
    """Our keys (with an id), and the screen's and the app's own (translated Textual ones included)."""
    return bool(active.binding.id) or active.node is screen or active.node is screen.app


class HelpScreen(Localized, ModalScreen[None]):
    """Keys, action and what it does; the last column wraps to the dialog's width (nothing is cut at 80x24)."""

    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "key.close", id="close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen
        self.laid_out_for = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(Text(_("help.title"), style="bold"), classes="dialog-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label(Text(_("help.footer"), style="dim"))

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        table = self.query_one(DataTable)
        if table.size.width and table.size.width != self.laid_out_for:
            self.fill(table)

    def fill(self, table: DataTable) -> None:
        """The rows, the detail column as wide as the table leaves it (a row takes as many lines as it needs)."""
        self.laid_out_for = table.size.width
        here, everywhere = help_sections(self.for_screen)
        sections = [(_(heading), rows) for heading, rows in (("help.this_screen", here), ("help.everywhere",
                                                                                           everywhere)) if rows]
        keys = {id(row): " / ".join(self.app.get_key_display(b) for b in row.bindings)
                for _heading, rows in sections for row in rows}
        key_width = max([cell_len(k) for k in keys.values()] + [cell_len(h) for h, _rows in sections])
        action_width = max(cell_len(row.description) for _heading, rows in sections for row in rows)
        # Each column has one cell of padding on both sides; a scrollbar may take two cells.
        detail_width = max(16, table.size.width - key_width - action_width - 6 - 2)
        table.clear(columns=True)
        table.add_column(_("help.key"), key="key", width=key_width)
        table.add_column(_("help.action"), key="action", width=action_width)
        table.add_column(_("help.detail"), key="detail", width=detail_width)
        for heading, rows in sections:
            table.add_row(Text(heading, style="bold"), "", "")
            for row in rows:
                detail = Text(row.detail, style="dim")
                lines = len(detail.wrap(self.app.console, detail_width)) if row.detail else 1
                table.add_row(Text(keys[id(row)], style="bold"), Text(row.description), detail, height=lines)

    def action_close(self) -> None:
        self.dismiss()
