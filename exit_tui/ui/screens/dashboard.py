"""Dashboard: readiness by phase, overdue, due soon, days to T and to contract end."""

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label

from ...i18n import _, _n, pick
from ...i18n.labels import exit_type_label, phase_name
from ...services.readmodels import Dashboard
from ..registry import cards, keyed_areas
from ..widgets.cards import Card
from ..widgets.format import due_cell, plain, progress_bar
from .base import ProjectScreen
from .checklist import ChecklistRequest

#: From this terminal width on, the next-up pane has its full width and the phases their progress bars.
WIDE = 110
NEXT_PANE_WIDE = 46
BAR_WIDTH = 16


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

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="cards"):
            for area, card in cards():
                yield Card(area.mode, card.view, id=f"card-{card.id}")
        yield Label(id="project-line")
        with Horizontal(id="dash-body"):
            with Vertical(id="phases-pane"):
                yield Label(_("dash.phases"), classes="pane-title")
                yield DataTable(id="phases", cursor_type="row", zebra_stripes=True)
            with Vertical(id="next-pane"):
                yield Label(_("dash.next_up"), classes="pane-title")
                yield DataTable(id="next-up", cursor_type="row")
        yield Footer()

    data: Dashboard | None = None
    laid_out_for: int = 0
    """The terminal width the tables' columns were laid out for."""

    def on_mount(self) -> None:
        self.lay_out(self.app.size.width)
        if self.app.instant_dashboard is not None:  # read before the database opened: the first frame has data
            quick, self.app.instant_dashboard = self.app.instant_dashboard, None
            self.show_dashboard(quick)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self.laid_out_for:
            self.lay_out(event.size.width)
            if self.data is not None:
                self.show_dashboard(self.data)

    def lay_out(self, width: int) -> None:
        """Columns that fit `width` columns: the panes share the width (the next-up pane is 46 wide from WIDE
        columns on); below WIDE the phases show their done/total without a bar, so that names are not cut to a
        few characters at 80 columns."""
        self.laid_out_for = width
        wide = width >= WIDE
        next_width = NEXT_PANE_WIDE if wide else max(30, (width - 2) * 2 // 5)
        self.query_one("#next-pane").styles.width = next_width
        count = max(cell_len(_("col.done_total")), 6)
        overdue = max(cell_len(_("col.overdue")), 3)
        bar = BAR_WIDTH if wide else 0
        # The phases pane: the width less margins, the next-up pane and its margin, cell padding, a scrollbar
        # and its gutter.
        columns = 5 if wide else 4
        name = max(10, width - 2 - next_width - 1 - 2 * columns - 4 - 2 - bar - count - overdue)
        phases = self.query_one("#phases", DataTable)
        phases.clear(columns=True)
        phases.add_column("#", key="no", width=2)
        phases.add_column(_("col.phase"), key="phase", width=name)
        if wide:
            phases.add_column(_("col.progress"), key="bar", width=BAR_WIDTH)
        phases.add_column(_("col.done_total"), key="count", width=count)
        phases.add_column(_("col.overdue"), key="overdue", width=overdue)
        upcoming = self.query_one("#next-up", DataTable)
        upcoming.clear(columns=True)
        upcoming.add_column(_("col.due"), key="due", width=12)
        upcoming.add_column(_("col.title"), key="title", width=next_width - 12 - 4 - 2)

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

        phases = self.query_one("#phases", DataTable)
        cursor = phases.cursor_row
        phases.clear()
        with_bar = "bar" in phases.columns
        for p in data.phases:
            name = plain(phase_name(p.name_zh, p.name_en), "green" if p.total and p.done == p.total else "")
            bar = [progress_bar(p.done, p.total, width=BAR_WIDTH)] if with_bar else []
            overdue = Text(str(p.overdue), style="bold red") if p.overdue else Text("-", style="dim")
            phases.add_row(f"{p.no:02d}", name, *bar, f"{p.done}/{p.total}", overdue, key=str(p.no))
        phases.move_cursor(row=cursor)
        upcoming = self.query_one("#next-up", DataTable)
        upcoming.clear()
        for task in data.next_up:
            upcoming.add_row(
                due_cell(task.shown_due, task.overdue),
                plain(pick(task.title_zh, task.title_en)),
                key=task.public_id,
            )
        if not data.next_up:
            upcoming.add_row(Text(_("dash.nothing_due"), style="dim"), "", key="-")

    @on(DataTable.RowSelected, "#phases")
    def open_phase(self, event: DataTable.RowSelected) -> None:
        self.app.show("checklist", ChecklistRequest(phase_no=int(event.row_key.value)))

    @on(DataTable.RowSelected, "#next-up")
    def open_task(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value != "-":
            self.app.show("checklist", ChecklistRequest(task=event.row_key.value))

    @on(Card.Clicked)
    def card_clicked(self, event: Card.Clicked) -> None:
        self.app.show(event.card.mode, event.card.request)

    def action_open_phase(self) -> None:
        phases = self.query_one("#phases", DataTable)
        if phases.row_count:
            self.app.show("checklist", ChecklistRequest(phase_no=phases.cursor_row + 1))

    def action_show_overdue(self) -> None:
        self.app.show("checklist", ChecklistRequest(overdue_only=True))
