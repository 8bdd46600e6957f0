"""The settlement cut-off date: typed, previewed (every prepaid line whose part after the cut-off changes, from →
to), then applied in one audited transaction. Nothing is written before ctrl+s on a preview of that very date."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...domain.money import format_fen
from ...errors import ExitTuiError
from ...i18n import _, _n
from ..bindings import Localized

SHOWN = 200
"""Changed lines listed in the preview (the rest are counted)."""


class CutoffForm(Localized, ModalScreen[bool]):
    """Dismisses True when the cut-off was changed."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "apply", "key.apply", id="apply"),
    ]

    def __init__(self, project_id: int) -> None:
        super().__init__()
        self.project_id = project_id
        self.preview = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="cutoff-form"):
            yield Label(Text(_("accounts.cutoff_title"), style="bold"), classes="dialog-title")
            yield Label(id="cutoff-now")
            yield Input(placeholder="yyyy-mm-dd", id="day")
            with VerticalScroll(id="cutoff-lines"):
                yield Static(id="cutoff-preview")
            with Horizontal(classes="buttons"):
                yield Button(_("button.apply"), id="apply", variant="primary", disabled=True)
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()
        self.app.call_service("accounts.cutoff", self.project_id, then=self._current)

    def _current(self, day) -> None:
        self.query_one("#cutoff-now", Label).update(Text(_("accounts.cutoff_now", day=day.isoformat())))

    @on(Input.Changed, "#day")
    def typed(self) -> None:
        self.preview = None
        self.query_one("#apply", Button).disabled = True

    @on(Input.Submitted, "#day")
    def previewed(self, event: Input.Submitted) -> None:
        self.app.call_service("accounts.preview_cutoff", self.project_id, event.value, then=self._show,
                              on_error=self._refused)

    def _refused(self, error: ExitTuiError) -> None:
        self.query_one("#cutoff-preview", Static).update(Text(str(error), style="bold red"))

    def _show(self, preview) -> None:
        self.preview = preview
        lines = [_n("accounts.cutoff_changes", len(preview.changes), n=len(preview.changes),
                    old=preview.old.isoformat(), new=preview.new.isoformat())]
        for public_id, unit_no, before, after in preview.changes[:SHOWN]:
            lines.append(f"{public_id}  {unit_no}  {format_fen(before)} → {format_fen(after)}")
        if len(preview.changes) > SHOWN:
            more = len(preview.changes) - SHOWN
            lines.append(_n("cli.more_lines", more, n=more))
        self.query_one("#cutoff-preview", Static).update(Text("\n".join(lines)))
        self.query_one("#apply", Button).disabled = False

    def action_apply(self) -> None:
        if self.preview is None:
            self.notify(_("accounts.cutoff_preview_first"), severity="warning")
            return
        self.app.call_service("accounts.set_cutoff", self.project_id, self.preview.new,
                              then=lambda _result: self.dismiss(True), on_error=self._refused)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
