"""Pick a project of this database, start a new one, archive one or delete one (after a confirmation; the
database is backed up first)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...i18n import _, _n
from ...i18n.labels import exit_type_label
from ...services.readmodels import ProjectRead
from ..bindings import Localized
from .confirm import ConfirmScreen

NEW = "new"


class ProjectSwitcher(Localized, ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("n", "new", "cmd.new_project", id="new-project"),
        Binding("a", "archive", "key.archive", id="archive-project"),
        Binding("d", "delete", "key.delete", id="delete-project"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.projects: dict[int, ProjectRead] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="switcher"):
            yield Label(Text(_("switcher.title"), style="bold"), classes="dialog-title")
            yield OptionList(id="projects")
            yield Label(Text(_("switcher.hint_manage"), style="dim"))

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.app.call_service("projects.list_projects", then=self.show_projects)

    def show_projects(self, rows: list[ProjectRead]) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self.projects = {p.id: p for p in rows}
        for p in sorted(rows, key=lambda p: p.archived):  # archived ones last, marked
            line = Text(f"{p.public_id}  ", style="bold dim" if p.archived else "bold")
            line.append(p.name, style="dim" if p.archived else "")
            line.append(f"  {exit_type_label(p.exit_type)}  T {p.dates.handover.isoformat()}", style="dim")
            if p.archived:
                line.append(f"  [{_('switcher.archived_mark')}]", style="italic dim")
            options.add_option(Option(line, id=str(p.id)))
        options.add_option(Option(Text("+ " + _("cmd.new_project"), style="bold"), id=NEW))
        options.highlighted = min(highlighted or 0, options.option_count - 1)
        options.focus()

    def highlighted_project(self) -> ProjectRead | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return None if option_id == NEW else self.projects.get(int(option_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW:
            self.action_new()
        else:
            self.dismiss(int(event.option.id))

    def action_new(self) -> None:
        from .project_form import ProjectForm

        self.app.push_screen(ProjectForm(), lambda project_id: project_id and self.dismiss(project_id))

    def action_archive(self) -> None:
        """Archive the highlighted project, or bring an archived one back (nothing is lost: no question)."""
        project = self.highlighted_project()
        if project is not None:
            self.app.call_service("projects.archive_project", project.id, not project.archived,
                                  then=lambda _done: self.reload())

    def action_delete(self) -> None:
        """Ask (naming the project and its task count, saying a backup is made first), then delete."""
        project = self.highlighted_project()
        if project is not None:
            self.app.call_service("backup.delete_preview", project.id, then=self.confirm_delete)

    def confirm_delete(self, preview) -> None:
        name = f"{preview.project.public_id} {preview.project.name}"

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.call_service("backup.delete_project", preview.project.id, backup=preview.backup,
                                      then=self.deleted)

        if preview.backup:
            question = _n("switcher.delete_question", preview.tasks, project=name, tasks=preview.tasks)
        else:
            question = _n("switcher.delete_question_no_backup", preview.tasks, project=name, tasks=preview.tasks)
        self.app.push_screen(ConfirmScreen(_("switcher.delete_title"), question), answered)

    def deleted(self, done) -> None:
        name = f"{done.project.public_id} {done.project.name}"
        if done.backup is None:
            self.notify(_("switcher.deleted_no_backup", project=name))
        else:
            self.notify(_("switcher.deleted", project=name, backup=done.backup))
        if self.app.project is not None and self.app.project.id == done.project.id:
            self.app.project = None  # the open project is gone: escape then leads to the welcome screen
        self.reload()

    def action_cancel(self) -> None:
        self.dismiss(None)
