"""Checklist: every task of the project grouped by phase; filter, toggle done, edit, add, delete.

All tasks load once (in a worker); the filter box, the phase, status and overdue filters and sorting then run in
memory in the register table. `space` changes one task and redraws that row only.
"""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Select

from ...domain.enums import TaskStatus
from ...domain.templates import roles
from ...i18n import _, _n, pick
from ...i18n.labels import phase_name, role_label, status_label
from ...services.readmodels import PhaseRead, RisksFigures, TaskPage, TaskQuery, TaskRead
from ..modals.task_form import TaskForm
from ..requests import ChecklistRequest
from ..widgets.register_table import Column, Pieces, RegisterTable, Totals
from .register_screen import RegisterScreen

OPEN = frozenset({TaskStatus.TODO, TaskStatus.DOING, TaskStatus.BLOCKED})
STATUS_FILTERS: dict[str, frozenset[TaskStatus]] = {
    "all": frozenset(),
    "open": OPEN,
    **{s.value: frozenset({s}) for s in TaskStatus},
}
STATUS_STYLES = {TaskStatus.TODO: "", TaskStatus.DOING: "info", TaskStatus.BLOCKED: "warning",
                 TaskStatus.DONE: "success"}


def _title(task: TaskRead) -> Pieces:
    style = "dim" if task.status is TaskStatus.DONE else ("error" if task.overdue else "")
    pieces = [(pick(task.title_zh, task.title_en), style)]
    if task.frequency_key:
        pieces.append((f" ({_(task.frequency_key)})", "dim"))
    return pieces


def _due(task: TaskRead) -> Pieces:
    """The date; `!` when overdue, `§` when it misses a statutory deadline it serves (the legal limit)."""
    late = task.overdue and task.status is not TaskStatus.DONE
    pieces = [(task.shown_due.isoformat(), "error" if late or task.missed else "")]
    if late:
        pieces.append((" !", "error"))
    if task.missed:
        pieces.append((" §", "bold error"))
    return pieces


def _status(task: TaskRead) -> Pieces:
    mark = "✓ " if task.status is TaskStatus.DONE else ""
    return [(mark + status_label(task.status), STATUS_STYLES[task.status])]


def task_columns() -> list[Column]:
    """The checklist's columns in the current language (the title takes the room the others leave)."""
    return [
        Column("id", _("col.id"), width=6, get=lambda t: t.public_id,
               cell=lambda t: [(t.public_id, "dim" if t.status is TaskStatus.DONE else "")]),
        Column("title", _("col.title"), width=24, flex=1, get=lambda t: pick(t.title_zh, t.title_en), cell=_title),
        Column("owner", _("col.owner"), width=10, get=lambda t: role_label(t.owner)),
        Column("due", _("col.due"), width=12, kind="date", get=lambda t: t.shown_due, cell=_due),
        Column("status", _("col.status"), width=8, kind="choice", get=lambda t: t.status,
               labels={s: status_label(s) for s in TaskStatus}, cell=_status),
        Column("basis", _("col.basis"), width=14, optional=True, get=lambda t: t.legal_basis,
               cell=lambda t: [(t.legal_basis or "", "dim")]),
    ]


def task_search_text(task: TaskRead, role_names: dict[str, str]) -> str:
    """What `/` looks in: id, both titles, owner (as typed and as role names in both languages), basis, note."""
    return " ".join((task.public_id, task.title_zh, task.title_en, task.owner, role_names.get(task.owner, ""),
                     task.legal_basis or "", task.note))


def role_names() -> dict[str, str]:
    """Role key -> its names in both languages (for the search text)."""
    return {r.key: f"{r.zh} {r.en}" for r in roles().values()}


class ChecklistScreen(RegisterScreen):
    BINDINGS = [
        Binding("space", "toggle_done", "key.toggle_done", tooltip="tip.toggle_done", id="toggle-done"),
        Binding("x", "mark", "key.mark", tooltip="tip.mark", show=False, id="mark"),
        Binding("s", "cycle_status", "key.status_filter", tooltip="tip.status_filter", id="status-filter"),
        Binding("o", "toggle_overdue", "key.overdue_only", tooltip="tip.overdue_only", show=False,
                id="overdue-only"),
        Binding("m", "occurrences", "key.occurrences", tooltip="tip.occurrences", show=False, id="occurrences"),
    ]

    LOAD_SERVICE = "checklist.list_tasks"
    DELETE_SERVICE = "checklist.delete_task"
    DEPENDANTS_SERVICE = "checklist.dependants"
    PLACEHOLDER = "checklist.filter_placeholder"
    VIEW_NAME = "screen.checklist"

    def __init__(self) -> None:
        super().__init__()
        self.phases: list[PhaseRead] = []
        self._request: ChecklistRequest | None = None
        self._phases_of: int | None = None
        self._phases_loading: int | None = None
        self._role_names = role_names()
        self._late_reviews = 0
        """Open risks whose review is past: said on the count line, beside the overdue tasks."""
        self._late_style = "red"
        """Their colour: the theme's error colour, read when they are counted (not on every keystroke)."""

    # -- declarations -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return task_columns()

    def search_text(self, task: TaskRead) -> str:
        return task_search_text(task, self._role_names)

    def make_table(self) -> RegisterTable:
        def heading(key: str, tasks: list[TaskRead]) -> Pieces:
            no = int(key.split(":")[1])
            names = {p.no: phase_name(p.name_zh, p.name_en) for p in self.phases}
            done = sum(t.status is TaskStatus.DONE for t in tasks)
            return [(f"── {no:02d} {names.get(no, '')}", "group"), (f"  {done}/{len(tasks)}", "dim")]

        return RegisterTable(self.columns(), key_of=self.key_of, search_text=self.search_text,
                             group_of=lambda t: f"phase:{t.phase_no}", group_label=heading,
                             counters={"overdue": lambda t: t.overdue, "missed": lambda t: bool(t.missed)},
                             id="register")

    def compose_filters(self) -> ComposeResult:
        yield Select([], prompt=_("checklist.all_phases"), id="phase", allow_blank=True)
        yield Select([(_(f"filter.{key}"), key) for key in STATUS_FILTERS], value="all", id="status",
                     allow_blank=False)
        yield Checkbox(_("checklist.overdue_only"), id="overdue")

    def count_text(self, totals: Totals) -> str | Text:
        text = super().count_text(totals)
        overdue, missed = totals.counts["overdue"], totals.counts["missed"]
        text += "  " + _("checklist.overdue_count", n=overdue) if overdue else ""
        text += "  " + _("checklist.missed_count", n=missed) if missed else ""
        if not self._late_reviews:
            return text
        line = Text(text + "  ")  # late reviews are risks, not tasks: said here in red, never rows of the table
        line.append(_n("checklist.reviews_late", self._late_reviews, n=self._late_reviews), style=self._late_style)
        return line

    # -- loading ------------------------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Load the phases once per project, apply any request from another screen, then load the tasks."""
        project_id = self.app.project.id
        self._request = self.take_request() or self._request
        self._keep = keep or self._keep
        if self._phases_of != project_id:
            if self._phases_loading != project_id:
                self._phases_loading = project_id
                self.app.call_service("projects.list_phases", project_id, then=self._phases_loaded)
            return
        if self._request is not None:
            self._apply_request(self._request)
            self._request = None
        self.app.call_service("risks.figures_of", project_id, self.app.today, then=self._risks_loaded,
                              group="checklist-reviews", exclusive=True)
        super().reload()

    def _risks_loaded(self, figures: RisksFigures) -> None:
        if figures.overdue_reviews != self._late_reviews:
            self._late_reviews = figures.overdue_reviews
            self._late_style = self.app.get_css_variables().get("error", "red")
            self.show_count()

    def load_args(self) -> tuple:
        return (self.app.project.id, TaskQuery(limit=None), self.app.today)

    def rows_of(self, page: TaskPage) -> list[TaskRead]:
        return page.rows

    def show_rows(self, page: TaskPage) -> None:
        super().show_rows(page.rows)

    def _phases_loaded(self, phases: list[PhaseRead]) -> None:
        self.phases = phases
        self._phases_of, self._phases_loading = self._phases_loading, None
        with self.prevent(Select.Changed):
            self.query_one("#phase", Select).set_options(
                [(f"{p.no:02d} {phase_name(p.name_zh, p.name_en)}", p.no) for p in phases])
        self.reload()

    def _apply_request(self, request: ChecklistRequest) -> None:
        with self.prevent(Select.Changed, Checkbox.Changed):
            self.query_one("#status", Select).value = "all"
            self.query_one("#overdue", Checkbox).value = request.overdue_only
            phase = self.query_one("#phase", Select)
            if request.phase_no:
                phase.value = request.phase_no
            else:
                phase.clear()
        self.action_clear_filter()
        self._apply_filters()
        self._keep = request.task

    # -- filters ------------------------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        """The phase, status and overdue choices as the table's predicate."""
        phase = self.query_one("#phase", Select).value
        phase_no = None if phase is Select.NULL else phase
        statuses = STATUS_FILTERS[self.query_one("#status", Select).value]
        overdue = self.query_one("#overdue", Checkbox).value
        if phase_no is None and not statuses and not overdue:
            self.table.set_predicate(None)
            return
        self.table.set_predicate(lambda t: (phase_no is None or t.phase_no == phase_no)
                                 and (not statuses or t.status in statuses) and (not overdue or t.overdue))

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def filter_changed(self) -> None:
        self._apply_filters()

    def action_cycle_status(self) -> None:
        select = self.query_one("#status", Select)
        keys = list(STATUS_FILTERS)
        select.value = keys[(keys.index(select.value) + 1) % len(keys)]

    def action_toggle_overdue(self) -> None:
        self.query_one("#overdue", Checkbox).toggle()

    # -- task actions -------------------------------------------------------------------------------------

    def current_task(self) -> TaskRead | None:
        return self.table.cursor_row

    def action_toggle_done(self) -> None:
        """Done <-> to-do for the marked tasks, or else the task under the cursor; each row is updated in place."""
        table = self.table  # a query: looked up once, not once per row
        marked = [key for key in table.shown_keys() if key in table.marked] if table.marked else []
        if marked:
            self.batch(marked)
            return
        task = self.current_row()
        if task is not None:
            self.app.call_service("checklist.toggle_done", self.app.project.id, task.public_id, self.app.today,
                                  then=self._toggled)

    def _toggled(self, task: TaskRead) -> None:
        self.table.update_row(task.public_id, task)
        self.notify(_("checklist.status_now", id=task.public_id, status=status_label(task.status)))

    def batch(self, keys: list[str]) -> None:
        """Toggle done for every marked task, then clear the marks."""
        for key in keys:
            self.app.call_service("checklist.toggle_done", self.app.project.id, key, self.app.today,
                                  then=lambda task: self.table.update_row(task.public_id, task))
        self.table.clear_marks()
        self.notify(_n("checklist.batch_done", len(keys), n=len(keys)))

    def edit(self, task: TaskRead) -> None:
        self.app.push_screen(TaskForm(self.app.project, self.phases, task), self._form_closed)

    def add(self) -> None:
        key = self.table.cursor_key or ""
        task = self.table.cursor_row
        phase_no = int(key.split(":")[1]) if key.startswith("phase:") else (task.phase_no if task else 1)
        self.app.push_screen(TaskForm(self.app.project, self.phases, None, phase_no=phase_no), self._form_closed)

    def _form_closed(self, saved_id: str | None) -> None:
        if saved_id:  # a due change may move other tasks: read them all again
            self.reload(keep=saved_id)

    def delete_prompt(self, task: TaskRead) -> tuple[str, str]:
        title = pick(task.title_zh, task.title_en)
        return _("confirm.delete_task_title"), _("confirm.delete_task", id=task.public_id, title=title)

    def deleted(self, key: str) -> None:
        self.notify(_("checklist.deleted", id=key))
        super().deleted(key)

    def action_occurrences(self) -> None:
        """A recurring task: mark its occurrences done one by one (then that row is read again)."""
        task = self.current_row()
        if task is None:
            return
        if not task.recurrence:
            self.notify(_("occ.not_recurring", id=task.public_id))
            return
        from ..modals.occurrences import OccurrencesDialog

        def closed(changed: bool | None) -> None:
            if changed:
                self.app.call_service("checklist.get_task", self.app.project.id, task.public_id, self.app.today,
                                      then=lambda read: self.table.update_row(read.public_id, read))

        self.app.push_screen(OccurrencesDialog(self.app.project.id, task.public_id, task.title_zh, task.title_en),
                             closed)

    def palette_commands(self) -> list:
        return [
            (_("key.filter"), _("tip.filter"), self.action_focus_filter),
            (_("key.add"), _("tip.add"), self.action_add),
            (_("key.overdue_only"), _("tip.overdue_only"), self.action_toggle_overdue),
            (_("key.status_filter"), _("tip.status_filter"), self.action_cycle_status),
            (_("cmd.occurrences"), _("tip.occurrences"), self.action_occurrences),
            (_("key.export_view"), _("tip.export_view"), self.table.action_export),
        ]
