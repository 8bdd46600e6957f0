"""Dashboard: readiness by phase, overdue, due soon, days to T and to contract end.

It is the app's first frame (with figures read before the database opened), so it is built to be cheap to draw:
its two lists are line-API register tables (their lines drawn as segments, no per-cell Rich rendering) whose
columns fit the width by themselves; only the next-up pane's width is set here, on that pane alone.
"""

from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Header, Label

from ...i18n import _, _n, pick
from ...i18n.labels import exit_type_label, phase_name
from ...services.readmodels import Dashboard, PhaseProgress
from ..registry import cards, keyed_areas
from ..requests import ChecklistRequest, PeopleRequest, RisksRequest
from ..widgets.cards import Card
from ..widgets.footer import KeysFooter
from ..widgets.register_table import Column, Pieces, RegisterTable
from .base import ProjectScreen

#: From this terminal width on, the next-up pane has its full width; below, two fifths of the terminal's.
WIDE = 110
NEXT_PANE_WIDE = 46
CARD_WIDTH = 19
"""Cells a card needs for its longest caption ("Due within 7 days") inside its border."""
CARD_HEIGHT = 5
NARROW_CARD_WIDTH = 13
"""Cells a card needs for its short caption ("Next 7 days") inside its border."""
TALL = 30
"""Lines from which the cards take the room of their long captions."""
BAR_WIDTH = 16
#: The phase names keep at least this many cells: a narrower terminal drops the progress bars instead.
NAME_MIN = 20
NOTHING_DUE = "-"
"""The key of the next-up list's only line when nothing is due."""


@dataclass(frozen=True)
class NextLine:
    """One line of the next-up list."""

    key: str
    """The task's public id, a late review's risk (R-), an overdue notice (N-) or a late contract (C-), or
    NOTHING_DUE for the "nothing due" line."""
    due: date | None
    overdue: bool
    title: str
    review: bool = False
    """A risk's review past its day: enter opens the Risks screen on the risk, not the checklist."""
    party: str = ""
    """"notice" or "contract" (past its deadline or last notice day, nothing sent): enter opens the People screen
    on that tab and row."""


class DashList(RegisterTable):
    """A register table as a dashboard list: enter (or a double click) opens the row in the checklist; `e` is the
    app's export, not the table's export of its view."""

    BINDINGS = [Binding("enter", "edit", "key.open_card", tooltip="tip.open_row", show=False, id="dash-open")]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "export"


def _bar(p: PhaseProgress) -> Pieces:
    filled = round(BAR_WIDTH * p.done / p.total) if p.total else 0
    return [("█" * filled, "success"), ("░" * (BAR_WIDTH - filled), "dim")]


def _phase_columns() -> list[Column]:
    count = max(cell_len(_("col.done_total")), 6)
    overdue = max(cell_len(_("col.overdue")), 3)
    return [
        Column("no", "#", width=2, get=lambda p: f"{p.no:02d}"),
        Column("phase", _("col.phase"), width=NAME_MIN, flex=1, get=lambda p: phase_name(p.name_zh, p.name_en),
               cell=lambda p: [(phase_name(p.name_zh, p.name_en), "success" if p.total and p.done == p.total
                                else "")]),
        Column("bar", _("col.progress"), width=BAR_WIDTH, optional=True, get=lambda p: p.done / (p.total or 1),
               cell=_bar),
        Column("count", _("col.done_total"), width=count, kind="int", get=lambda p: p.done,
               cell=lambda p: f"{p.done}/{p.total}", align="left"),
        Column("overdue", _("col.overdue"), width=overdue, kind="int", align="left",
               cell=lambda p: [(str(p.overdue), "error")] if p.overdue else [("-", "dim")]),
    ]


def _next_columns() -> list[Column]:
    def due(line: NextLine) -> Pieces:
        if line.due is None:
            return ""
        return [(line.due.isoformat(), "error"), (" !", "error")] if line.overdue else line.due.isoformat()

    return [
        Column("due", _("col.due"), width=12, kind="date", cell=due),
        Column("title", _("col.title"), width=10, flex=1,
               cell=lambda line: [(line.title, "dim" if line.key == NOTHING_DUE else "")]),
    ]


class DashboardScreen(ProjectScreen):
    AUTO_FOCUS = "#phases"
    BINDINGS = [
        Binding("enter", "open_phase", "key.open_phase", tooltip="tip.open_phase", id="open-phase"),
        Binding("e", "app.export", "key.export", tooltip="tip.export", id="to-export"),
        Binding("i", "app.import", "key.import", tooltip="tip.import", id="to-import"),
        Binding("o", "show_overdue", "key.show_overdue", tooltip="tip.show_overdue", id="show-overdue"),
        Binding("f5,ctrl+r", "reload", "key.reload", tooltip="tip.reload", show=False, id="reload"),
    ]

    @classmethod
    def creation_bindings(cls) -> list[Binding]:
        """The footer offers the other areas' keys (from the registry) after enter."""
        others = [area.binding("app.", show=True) for area in keyed_areas() if area.mode != "dashboard"]
        return [cls.BINDINGS[0], *others, *cls.BINDINGS[1:]]

    data: Dashboard | None = None
    _reviews: frozenset[str] | set[str] = frozenset()
    """The next-up list's late reviews (their risks' public ids)."""
    _parties: dict[str, str] = {}
    """The next-up list's overdue notices and late contracts: public id -> "notice" or "contract"."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="cards"):
            for area, card in cards():
                yield Card(area.mode, card.view, id=f"card-{card.id}")
        yield Label(id="project-line")
        with Horizontal(id="dash-body"):
            with Vertical(id="phases-pane"):
                yield Label(_("dash.phases"), classes="pane-title")
                yield DashList(_phase_columns(), key_of=lambda p: str(p.no), id="phases")
            with Vertical(id="next-pane"):
                yield Label(_("dash.next_up"), classes="pane-title")
                yield DashList(_next_columns(), key_of=lambda line: line.key, id="next-up")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.lay_out(self.app.size.width, self.app.size.height)
        if self.app.instant_dashboard is not None:  # read before the database opened: the first frame has data
            quick, self.app.instant_dashboard = self.app.instant_dashboard, None
            self.show_dashboard(quick)

    def on_resize(self, event: events.Resize) -> None:
        self.lay_out(event.size.width, event.size.height)

    def lay_out(self, width: int, height: int) -> None:
        """The next-up pane is NEXT_PANE_WIDE cells from WIDE columns on, else two fifths of the width (set on the
        pane alone: a class on the screen would restyle every widget of it). The cards fill as few rows as let each
        be CARD_WIDTH cells wide (its long caption whole), as many in each row as the rows allow; on a short
        terminal (under TALL lines) NARROW_CARD_WIDTH, with the short captions, so that the lists keep their room
        (nine cards at 80x24: two rows, 5 and 4)."""
        self.query_one("#next-pane").styles.width = NEXT_PANE_WIDE if width >= WIDE else max(30, (width - 2) * 2 // 5)
        count = len(cards())
        card_width = CARD_WIDTH if height >= TALL else NARROW_CARD_WIDTH
        rows = -(-count // max(1, (width - 2) // card_width))
        grid = self.query_one("#cards", Grid)
        grid.styles.grid_size_columns = -(-count // rows)
        grid.styles.height = CARD_HEIGHT * rows

    @property
    def phases(self) -> RegisterTable:
        return self.query_one("#phases", RegisterTable)

    @property
    def next_up(self) -> RegisterTable:
        return self.query_one("#next-up", RegisterTable)

    def reload(self) -> None:
        app = self.app
        app.call_service("dashboard.load_dashboard", app.project.id, app.today, then=self.show_dashboard,
                         group="dashboard", exclusive=True)

    def action_reload(self) -> None:
        self.reload()

    def show_dashboard(self, data: Dashboard) -> None:
        self.data = data
        project = self.app.project = data.project  # the freshest record of the project
        self.app.refresh_title()
        for card in self.query(Card):
            card.show(data)
        line = Text(f"{project.public_id}  {exit_type_label(project.exit_type)}  ", style="bold")
        line.append(project.address)
        units = _n("dash.units", project.units, units=project.units) if project.units else _("dash.units_unknown")
        line.append("  " + units, style="dim")  # 0: the number was left empty (not known yet)
        self.query_one("#project-line", Label).update(line)
        self.phases.set_rows(data.phases)
        lines = [NextLine(t.public_id, t.shown_due, t.overdue, pick(t.title_zh, t.title_en)) for t in data.next_up]
        lines += [NextLine(r.public_id, r.day, True, _("dash.review_line", title=pick(r.text_zh, r.text_en)), True)
                  for r in data.late_reviews]  # overdue like a task, among the tasks by date
        lines += [NextLine(p.public_id, p.day, True, _(f"dash.{p.kind}_line", title=pick(p.text_zh, p.text_en)),
                           party=p.kind) for p in data.late_parties]
        lines.sort(key=lambda line: (line.due, line.key))
        self._reviews = {line.key for line in lines if line.review}
        self._parties = {line.key: line.party for line in lines if line.party}
        self.next_up.set_rows(lines or [NextLine(NOTHING_DUE, None, False, _("dash.nothing_due"))])

    @on(RegisterTable.Edit)
    def open_row(self, event: RegisterTable.Edit) -> None:
        """enter on a phase opens the checklist on it; on a task, on that task; on a late review, the Risks screen
        on its risk; on an overdue notice or a late contract, the People screen on it."""
        if event.table.id == "phases":
            self.show_phase(event.key)
        elif event.key in self._reviews:
            self.app.show("risks", RisksRequest(key=event.key))
        elif event.key in self._parties:
            self.app.show("people", PeopleRequest(tab=self._parties[event.key], key=event.key))
        elif event.key != NOTHING_DUE:
            self.show_checklist(task=event.key)

    @on(Card.Clicked)
    def card_clicked(self, event: Card.Clicked) -> None:
        self.app.show(event.card.mode, event.card.request)

    def action_open_phase(self) -> None:
        key = self.phases.cursor_key
        if key is not None:
            self.show_phase(key)

    def action_show_overdue(self) -> None:
        self.show_checklist(overdue_only=True)

    def show_phase(self, key: str) -> None:
        self.show_checklist(phase_no=int(key))

    def show_checklist(self, **request: object) -> None:
        """Open the checklist showing `request` (a ChecklistRequest's fields)."""
        self.app.show("checklist", ChecklistRequest(**request))
