"""Edit or add a task, with inline validation: nothing is saved while a field is wrong."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select

from ...domain.enums import TaskStatus
from ...i18n import _, _n, pick
from ...i18n.labels import anchor_help, basis_codes, basis_text, rule_label, owner_from_label, phase_name, role_label, role_names, status_label, workdays_notice
from ...services.errors import UserError
from ...services.inputs import clean_duration, resolve_due
from ...services.readmodels import PhaseRead, PlanChange, ProjectRead, ReplanPreview, TaskChanges, TaskRead
from ..bindings import Localized
from .form import Field, FormScreen
from .replan import ReplanDialog


class TaskForm(Localized, FormScreen[str | None]):
    """Dismisses with the task's public id when saved, None when cancelled (escape asks first if anything was
    changed)."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "save", "key.save", id="save"),
    ]

    def __init__(
        self, project: ProjectRead, phases: list[PhaseRead], task: TaskRead | None, phase_no: int = 1
    ) -> None:
        super().__init__()
        self.project = project
        self.phases = phases
        self.item = task
        self.phase_no = task.phase_no if task else phase_no

    def compose(self) -> ComposeResult:
        task = self.item
        heading = _("form.edit_task", id=task.public_id) if task else _("form.add_task")
        with VerticalScroll(classes="dialog", id="task-form"):
            yield Label(Text(heading, style="bold"), classes="dialog-title")
            if task is None:
                options = [(f"{p.no:02d} {phase_name(p.name_zh, p.name_en)}", p.no) for p in self.phases]
                if not options:
                    options = [(f"{n:02d}", n) for n in range(1, 21)]
                yield Field(_("field.phase"), Select(options, value=self.phase_no, allow_blank=False, id="phase"),
                            "phase")
            yield Field(_("field.title"), Input(pick(task.title_zh, task.title_en) if task else "", id="title"),
                        "title")
            yield Field(
                _("field.owner"),
                Input(role_label(task.owner) if task else "", id="owner",
                      suggester=SuggestFromList(role_names(), case_sensitive=False)),
                "owner",
            )
            yield Field(_("field.due"), Input(self._due_text(), id="due", placeholder=_("form.due_placeholder")),
                        "due")
            yield Field(_("field.duration"), Input(str(task.duration_days) if task else "1", id="duration"),
                        "duration")
            if task is not None:
                statuses = [(status_label(s), s.value) for s in TaskStatus]
                yield Field(_("field.status"), Select(statuses, value=task.status.value, allow_blank=False,
                                                      id="status"), "status")
            yield Field(
                _("field.legal_basis"),
                Input(task.legal_basis or "" if task else "", id="legal_basis",
                      suggester=SuggestFromList(basis_codes(), case_sensitive=False)),
                "legal_basis",
            )
            yield Field(_("field.note"), Input(task.note if task else "", id="note"), "note")
            with Horizontal(classes="buttons"):
                yield Button(_("button.save"), id="save", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    def _due_text(self) -> str:
        if self.item is None:
            return ""
        return rule_label(self.item.due_rule) or self.item.due_date.isoformat()

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        self.check_due(self.query_one("#due", Input).value, quiet_when_empty=True)  # no error before typing
        self.check_duration(self.query_one("#duration", Input).value)
        self.show_basis(self.query_one("#legal_basis", Input).value)

    def field(self, name: str) -> Field:
        return self.query_one(f"#field-{name}", Field)

    # -- live validation ------------------------------------------------------------------------------

    @on(Input.Changed, "#due")
    def due_changed(self, event: Input.Changed) -> None:
        self.check_due(event.value)

    def check_due(self, text: str, quiet_when_empty: bool = False) -> bool:
        field = self.field("due")
        if quiet_when_empty and not text.strip():
            field.show_hint("")
            return False
        try:
            due, rule = resolve_due(self.project.dates, text)
        except UserError as error:
            field.show_error(str(error) if text.strip() else _("error.date_required"))
            return False
        if due is None:  # counted from another task: its date is known to the service
            field.show_hint(_("form.due_after_task", rule=rule_label(str(rule))))
        elif rule:
            hint = _("form.due_follows", date=due.isoformat(), rule=rule_label(str(rule)))
            years = rule.uncovered_years(self.project.dates)  # working days counted without holiday data
            field.show_hint(f"{hint}\n{workdays_notice(years)}" if years else hint)
        else:
            field.show_hint(_("form.due_fixed", date=due.isoformat(), anchors=anchor_help()))
        return True

    @on(Input.Changed, "#duration")
    def duration_changed(self, event: Input.Changed) -> None:
        self.check_duration(event.value)

    def check_duration(self, text: str) -> bool:
        try:
            days = clean_duration(text)
        except UserError as error:
            self.field("duration").show_error(str(error))
            return False
        self.field("duration").show_hint(_n("form.duration_hint", days, n=days))
        return True

    @on(Input.Changed, "#legal_basis")
    def basis_changed(self, event: Input.Changed) -> None:
        self.show_basis(event.value)

    def show_basis(self, code: str) -> None:
        text = basis_text(code.strip())
        if code.strip() and not text:
            text = _("form.basis_unknown")
        self.field("legal_basis").show_hint(text)

    @on(Input.Changed, "#title")
    def title_changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.field("title").show_hint("")
        else:
            self.field("title").show_error(_("error.title_required"))

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    # -- save -----------------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def action_save(self) -> None:
        due_ok = self.check_due(self.value("due"))
        if not self.value("title").strip():
            self.field("title").show_error(_("error.title_required"))
            self.query_one("#title", Input).focus()
            return
        if not due_ok:
            self.query_one("#due", Input).focus()
            return
        if not self.check_duration(self.value("duration")):
            self.query_one("#duration", Input).focus()
            return
        app = self.app
        owner = owner_from_label(self.value("owner"))
        if self.item is None:
            app.call_service(
                "checklist.add_task", self.project.id, phase_no=self.query_one("#phase", Select).value,
                title=self.value("title"), due=self.value("due"), owner=owner,
                legal_basis=self.value("legal_basis"), note=self.value("note"), today=app.today,
                duration=self.value("duration"),
                then=lambda task: self.dismiss(task.public_id), on_error=self.show_service_error,
            )
            return
        changes = self._changes(owner)
        if changes == TaskChanges():
            self.dismiss(None)
            return
        if changes.due is None:
            self._update(changes)
            return
        # A new due date may move the tasks counted from this one or touch a statutory deadline: preview first.
        app.call_service(
            "timeline.preview_replan", self.project.id, PlanChange(changes.due, task=self.item.public_id),
            then=lambda preview: self._previewed(preview, changes), on_error=self.show_service_error,
        )

    def _previewed(self, preview: ReplanPreview, changes: TaskChanges) -> None:
        if not (preview.moves_others or preview.flags_added or preview.flags_cleared or preview.warnings_added):
            self._update(changes)
            return

        def answered(apply: bool | None) -> None:
            if apply:
                self._update(changes)

        title = _("replan.title_task", id=self.item.public_id)
        self.app.push_screen(ReplanDialog(title, preview), answered)

    def _update(self, changes: TaskChanges) -> None:
        self.app.call_service(
            "checklist.update_task", self.project.id, self.item.public_id, changes, self.app.today,
            then=lambda task: self.dismiss(task.public_id), on_error=self.show_service_error,
        )

    def _changes(self, owner: str) -> TaskChanges:
        """Only the fields the user changed, so that nothing else is rewritten or audited."""
        task = self.item

        def changed(new: str, old: str) -> str | None:
            return new if new.strip() != old.strip() else None

        return TaskChanges(
            title=changed(self.value("title"), pick(task.title_zh, task.title_en)),
            owner=owner if owner != task.owner else None,
            due=changed(self.value("due"), self._due_text()),
            status=changed(self.query_one("#status", Select).value, task.status.value),
            legal_basis=changed(self.value("legal_basis"), task.legal_basis or ""),
            note=changed(self.value("note"), task.note),
            duration=changed(self.value("duration"), str(task.duration_days)),
        )
