"""The dated occurrences of a recurring task, each marked done on its own (space or click)."""

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from ...domain.text import visible
from ...i18n import _, pick
from ...services.readmodels import OccurrenceRead
from ..bindings import Localized
from ..widgets.format import weekday_name

if TYPE_CHECKING:
    from ..app import ExitApp


class OccurrencesDialog(Localized, ModalScreen[bool]):
    """Dismisses True when an occurrence was marked or unmarked."""

    app: "ExitApp"
    BINDINGS = [Binding("escape", "close", "key.close", id="close")]

    def __init__(self, project_id: int, public_id: str, title_zh: str, title_en: str) -> None:
        super().__init__()
        self.project_id = project_id
        self.public_id = public_id
        self.heading = f"{public_id} {visible(pick(title_zh, title_en))}"
        self.changed = False
        self._loading = True

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="occurrences-dialog"):
            yield Label(Text(self.heading, style="bold"), classes="dialog-title")
            yield Static(_("occ.help"), classes="hint")
            yield SelectionList[date](id="occurrences")
            yield Static("", id="occ-count")
            with Horizontal(classes="buttons"):
                yield Button(_("button.close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self.app.call_service("timeline.list_occurrences", self.project_id, self.public_id, then=self.show)

    def show(self, found: tuple[OccurrenceRead, ...]) -> None:
        self._loading = True
        listing = self.query_one("#occurrences", SelectionList)
        highlighted = listing.highlighted
        listing.clear_options()
        today = self.app.today
        first_open = None
        for index, occurrence in enumerate(found):
            label = Text(f"{occurrence.day.isoformat()} {weekday_name(occurrence.day)}")
            if occurrence.done_on:
                label.append("  " + _("occ.done_on", date=occurrence.done_on.isoformat()), style="dim")
            elif occurrence.day < today:
                label.append("  " + _("occ.overdue"), style="bold red")
            if first_open is None and occurrence.done_on is None:
                first_open = index
            listing.add_option(Selection(label, occurrence.day, occurrence.done_on is not None))
        done = sum(1 for o in found if o.done_on)
        self.query_one("#occ-count", Static).update(_("occ.count", done=done, total=len(found)))
        listing.highlighted = highlighted if highlighted is not None else first_open
        listing.focus()
        self._loading = False

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        if self._loading:
            return
        day = event.selection.value
        done = day in event.selection_list.selected
        self.changed = True
        self.app.call_service(
            "timeline.set_occurrence_done", self.project_id, self.public_id, day, done, self.app.today,
            then=self.show,
        )

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(self.changed)

    def action_close(self) -> None:
        self.dismiss(self.changed)
