"""Checklist: every task of the project grouped by phase; filter, toggle done, edit, add, delete."""

from collections import Counter
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select

from ...domain.enums import TaskStatus
from ...i18n import _, pick
from ...i18n.labels import phase_name, role_label
from ...services.readmodels import PhaseRead, TaskPage, TaskQuery, TaskRead
from ..modals.confirm import ConfirmScreen
from ..modals.task_form import TaskForm
from ..widgets.format import due_cell, plain, status_cell
from ..bindings import Localized
from .base import ProjectScreen

OPEN = frozenset({TaskStatus.TODO, TaskStatus.DOING, TaskStatus.BLOCKED})
STATUS_FILTERS: dict[str, frozenset[TaskStatus]] = {
    "all": frozenset(),
    "open": OPEN,
    **{s.value: frozenset({s}) for s in TaskStatus},
}
FILTER_DELAY = 0.15  # seconds of typing pause before the list refilters


@dataclass(frozen=True)
class ChecklistRequest:
    """How another screen asks the checklist to open: a phase, overdue only, or one task."""

    phase_no: int | None = None
    overdue_only: bool = False
    task: str | None = None


class TaskTable(Localized, DataTable):
    """The task list; its enter key is shown in the footer as "edit"."""

    BINDINGS = [Binding("enter", "select_cursor", "key.edit", tooltip="tip.edit", id="edit")]



class ChecklistScreen(ProjectScreen):
    BINDINGS = [
        Binding("slash", "focus_filter", "key.filter", tooltip="tip.filter", id="filter"),
        Binding("space", "toggle_done", "key.toggle_done", tooltip="tip.toggle_done", id="toggle-done"),
        Binding("a", "add", "key.add", tooltip="tip.add", id="add"),
        Binding("d,delete", "delete", "key.delete", tooltip="tip.delete", id="delete"),
        Binding("s", "cycle_status", "key.status_filter", tooltip="tip.status_filter", id="status-filter"),
        Binding("o", "toggle_overdue", "key.overdue_only", tooltip="tip.overdue_only", show=False,
                id="overdue-only"),
        Binding("m", "occurrences", "key.occurrences", tooltip="tip.occurrences", show=False, id="occurrences"),
        Binding("escape", "clear_filter", "key.clear_filter", tooltip="tip.clear_filter", show=False,
                id="clear-filter"),
        Binding("j", "cursor('down')", "key.down", show=False),
        Binding("k", "cursor('up')", "key.up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.phases: list[PhaseRead] = []
        self.rows: dict[str, TaskRead] = {}
        self._filter_timer: Timer | None = None
        self._focus_task: str | None = None
        self._request: ChecklistRequest | None = None
        self._page: TaskPage | None = None
        self._title_columns = 0
        self._phases_of: int | None = None
        self._phases_loading: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filter-bar"):
            yield Input(placeholder=_("checklist.filter_placeholder"), id="filter")
            yield Select([], prompt=_("checklist.all_phases"), id="phase", allow_blank=True)
            yield Select(
                [(_(f"filter.{key}"), key) for key in STATUS_FILTERS], value="all", id="status",
                allow_blank=False,
            )
            yield Checkbox(_("checklist.overdue_only"), id="overdue")
        yield Label(id="count-line")
        yield TaskTable(id="tasks", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one("#tasks", DataTable).focus()

    def _add_columns(self) -> None:
        """The columns, the title taking the width the others leave (so it follows the terminal's size)."""
        table = self.query_one("#tasks", DataTable)
        self._title_columns = self._title_width()
        table.add_column(_("col.id"), key="id", width=6)
        table.add_column(_("col.title"), key="title", width=self._title_columns)
        table.add_column(_("col.owner"), key="owner", width=10)
        table.add_column(_("col.due"), key="due", width=12)
        table.add_column(_("col.status"), key="status", width=8)
        table.add_column(_("col.basis"), key="basis", width=16)

    def on_resize(self) -> None:
        if self._page is None or self._title_width() == self._title_columns:
            return
        self._focus_task = self.current_key()  # clearing the columns clears the rows and the cursor too
        self.query_one("#tasks", DataTable).clear(columns=True)
        self._add_columns()
        self.show_tasks(self._page)

    def _title_width(self) -> int:
        return max(16, self.app.size.width - (6 + 10 + 12 + 8 + 16) - 2 * 6 - 4)

    # -- loading --------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the phases once per project, apply any request from another screen, then load the tasks."""
        project_id = self.app.project.id
        self._request = self.app.take_checklist_request() or self._request
        if self._phases_of != project_id:
            if self._phases_loading != project_id:
                self._phases_loading = project_id
                self.app.call_service("projects.list_phases", project_id, then=self._phases_loaded)
            return
        if self._request is not None:
            self._apply_request(self._request)
            self._request = None
        self.app.call_service(
            "checklist.list_tasks", project_id, self.query_filter(), self.app.today,
            then=self.show_tasks, group="checklist", exclusive=True,
        )

    def _phases_loaded(self, phases: list[PhaseRead]) -> None:
        self.phases = phases
        self._phases_of, self._phases_loading = self._phases_loading, None
        select = self.query_one("#phase", Select)
        with self.prevent(Select.Changed):
            select.set_options([(f"{p.no:02d} {phase_name(p.name_zh, p.name_en)}", p.no) for p in phases])
        self.reload()

    def _apply_request(self, request: ChecklistRequest) -> None:
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            self.query_one("#filter", Input).value = ""
            self.query_one("#status", Select).value = "all"
            self.query_one("#overdue", Checkbox).value = request.overdue_only
            phase = self.query_one("#phase", Select)
            if request.phase_no:
                phase.value = request.phase_no
            else:
                phase.clear()
        self._focus_task = request.task

    def query_filter(self) -> TaskQuery:
        phase = self.query_one("#phase", Select).value
        return TaskQuery(
            text=self.query_one("#filter", Input).value,
            statuses=STATUS_FILTERS[self.query_one("#status", Select).value],
            overdue_only=self.query_one("#overdue", Checkbox).value,
            phase_no=None if phase is Select.NULL else phase,
        )

    def show_tasks(self, page: TaskPage) -> None:
        self._page = page
        table = self.query_one("#tasks", DataTable)
        keep = self._focus_task or self.current_key()
        self._focus_task = None
        index = table.cursor_row
        names = {p.no: phase_name(p.name_zh, p.name_en) for p in self.phases}
        self.rows = {t.public_id: t for t in page.rows}
        shown = Counter(t.phase_no for t in page.rows)
        done = Counter(t.phase_no for t in page.rows if t.status is TaskStatus.DONE)
        table.clear()
        phase_no = None
        for task in page.rows:
            if task.phase_no != phase_no:
                phase_no = task.phase_no
                heading = Text(f"{phase_no:02d} {names.get(phase_no, '')}", style="bold")
                heading.append(f"  {done[phase_no]}/{shown[phase_no]}", style="dim")
                table.add_row(Text("──", style="dim"), heading, "", "", "", "", key=f"phase:{phase_no}")
            table.add_row(*self._cells(task), key=task.public_id)
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        else:
            table.move_cursor(row=min(index, max(table.row_count - 1, 0)))
        self._show_count(page)

    def _cells(self, task: TaskRead) -> tuple:
        done = task.status is TaskStatus.DONE
        title = plain(pick(task.title_zh, task.title_en), "dim" if done else ("red" if task.overdue else ""))
        frequency = task.frequency_key
        if frequency:
            title.append(f" ({_(frequency)})", style="dim")
        return (
            Text(task.public_id, style="dim" if done else ""),
            title,
            plain(role_label(task.owner)),
            due_cell(task.shown_due, task.overdue),
            status_cell(task.status),
            plain(task.legal_basis, "dim"),
        )

    def _show_count(self, page: TaskPage) -> None:
        text = _("checklist.count", shown=len(page.rows), matching=page.matching, total=page.total)
        if page.matching > len(page.rows):
            text += "  " + _("checklist.truncated", limit=len(page.rows))
        overdue = sum(t.overdue for t in page.rows)
        if overdue:
            text += "  " + _("checklist.overdue_count", n=overdue)
        self.query_one("#count-line", Label).update(Text(text))

    def current_key(self) -> str | None:
        table = self.query_one("#tasks", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return key

    def current_task(self) -> TaskRead | None:
        return self.rows.get(self.current_key() or "")

    # -- filter events --------------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_typed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self.reload)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one("#tasks", DataTable).focus()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def filter_changed(self) -> None:
        self.reload()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus and box.value:
            box.value = ""
        else:
            self.query_one("#tasks", DataTable).focus()

    def action_cycle_status(self) -> None:
        select = self.query_one("#status", Select)
        keys = list(STATUS_FILTERS)
        select.value = keys[(keys.index(select.value) + 1) % len(keys)]

    def action_toggle_overdue(self) -> None:
        self.query_one("#overdue", Checkbox).toggle()

    def action_cursor(self, direction: str) -> None:
        table = self.query_one("#tasks", DataTable)
        table.action_cursor_down() if direction == "down" else table.action_cursor_up()

    # -- task actions ---------------------------------------------------------------------------------

    def _need_task(self) -> TaskRead | None:
        task = self.current_task()
        if task is None:
            self.notify(_("checklist.pick_a_task"), severity="warning")
        return task

    def action_toggle_done(self) -> None:
        task = self._need_task()
        if task is None:
            return

        def toggled(result: TaskRead) -> None:
            self.notify(_("checklist.status_now", id=result.public_id, status=_(f"status.{result.status.value}")))
            self.reload()

        self.app.call_service("checklist.toggle_done", self.app.project.id, task.public_id, self.app.today,
                              then=toggled)

    @on(DataTable.RowSelected, "#tasks")
    def row_selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        if self.query_one("#filter", Input).has_focus:
            return
        task = self._need_task()
        if task is not None:
            self.app.push_screen(TaskForm(self.app.project, self.phases, task), self._form_closed)

    def action_add(self) -> None:
        current = self.current_key() or ""
        phase_no = int(current.split(":")[1]) if current.startswith("phase:") else None
        if phase_no is None:
            task = self.current_task()
            phase_no = task.phase_no if task else 1
        self.app.push_screen(TaskForm(self.app.project, self.phases, None, phase_no=phase_no), self._form_closed)

    def _form_closed(self, saved_id: str | None) -> None:
        if saved_id:
            self._focus_task = saved_id
            self.reload()

    def action_occurrences(self) -> None:
        """A recurring task: mark its occurrences done one by one."""
        task = self._need_task()
        if task is None:
            return
        if not task.recurrence:
            self.notify(_("occ.not_recurring", id=task.public_id))
            return
        from ..modals.occurrences import OccurrencesDialog

        dialog = OccurrencesDialog(self.app.project.id, task.public_id, task.title_zh, task.title_en)
        self.app.push_screen(dialog, lambda changed: changed and self.reload())

    def action_delete(self) -> None:
        task = self._need_task()
        if task is None:
            return
        title = pick(task.title_zh, task.title_en)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.call_service("checklist.delete_task", self.app.project.id, task.public_id,
                                      then=lambda _result: self._deleted(task.public_id))

        self.app.push_screen(
            ConfirmScreen(_("confirm.delete_task_title"), _("confirm.delete_task", id=task.public_id, title=title)),
            confirmed,
        )

    def _deleted(self, public_id: str) -> None:
        self.notify(_("checklist.deleted", id=public_id))
        self.reload()

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.overdue_only"), _("tip.overdue_only"), self.action_toggle_overdue),
            (_("key.status_filter"), _("tip.status_filter"), self.action_cycle_status),
            (_("cmd.occurrences"), _("tip.occurrences"), self.action_occurrences),
        ]
