"""Pick a project of this database (or start a new one)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...i18n import _
from ...i18n.labels import exit_type_label
from ...services.readmodels import ProjectRead
from ..bindings import Localized

NEW = "new"


class ProjectSwitcher(Localized, ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("n", "new", "cmd.new_project", id="new-project"),
    ]


    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="switcher"):
            yield Label(Text(_("switcher.title"), style="bold"), classes="dialog-title")
            yield OptionList(id="projects")
            yield Label(Text(_("switcher.hint"), style="dim"))

    def on_mount(self) -> None:
        self.app.call_service("projects.list_projects", then=self.show_projects)

    def show_projects(self, rows: list[ProjectRead]) -> None:
        options = self.query_one(OptionList)
        for p in rows:
            line = Text(f"{p.public_id}  ", style="bold")
            line.append(p.name)
            line.append(f"  {exit_type_label(p.exit_type)}  T {p.dates.handover.isoformat()}", style="dim")
            options.add_option(Option(line, id=str(p.id)))
        options.add_option(Option(Text("+ " + _("cmd.new_project"), style="bold"), id=NEW))
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW:
            self.action_new()
        else:
            self.dismiss(int(event.option.id))

    def action_new(self) -> None:
        from .project_form import ProjectForm

        self.app.push_screen(ProjectForm(), lambda project_id: project_id and self.dismiss(project_id))

    def action_cancel(self) -> None:
        self.dismiss(None)
