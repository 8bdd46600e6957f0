"""Dashboard: readiness by phase, overdue, due soon, days to T and to contract end."""

from rich.text import Text
from textual import on
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

    def on_mount(self) -> None:
        phases = self.query_one("#phases", DataTable)
        phases.add_column("#", key="no", width=2)
        # Widths: the next-up pane is 46 wide; the phase name takes what the other columns leave.
        phases.add_column(_("col.phase"), key="phase", width=max(14, self.app.size.width - 2 - 47 - 34 - 14))
        phases.add_column(_("col.progress"), key="bar", width=16)
        phases.add_column(_("col.done_total"), key="count", width=9)
        phases.add_column(_("col.overdue"), key="overdue", width=7)
        upcoming = self.query_one("#next-up", DataTable)
        upcoming.add_column(_("col.due"), key="due", width=12)
        upcoming.add_column(_("col.title"), key="title", width=46 - 12 - 4 - 2)
        if self.app.instant_dashboard is not None:  # read before the database opened: the first frame has data
            quick, self.app.instant_dashboard = self.app.instant_dashboard, None
            self.show_dashboard(quick)

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
        for p in data.phases:
            phases.add_row(
                f"{p.no:02d}",
                plain(phase_name(p.name_zh, p.name_en), "green" if p.total and p.done == p.total else ""),
                progress_bar(p.done, p.total, width=16),
                f"{p.done}/{p.total}",
                Text(str(p.overdue), style="bold red") if p.overdue else Text("-", style="dim"),
                key=str(p.no),
            )
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
