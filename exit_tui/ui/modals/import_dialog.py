"""Import a spreadsheet: pick the file, preview every change and rejected row, then apply (all or nothing)."""

from collections.abc import Iterable
from pathlib import Path

from platformdirs import user_documents_path
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, DirectoryTree, Input, Label, LoadingIndicator, Static

from ...errors import ExitTuiError
from ...i18n import _, _n
from ...services.readmodels import ImportReport
from ..bindings import Localized
from .form import Field
from .replan import preview_text

SPREADSHEETS = {".xlsx", ".xlsm", ".csv"}


class SpreadsheetTree(DirectoryTree):
    """Folders and the files exit-tui can import."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in SPREADSHEETS)]


def _start_folder() -> Path:
    documents = user_documents_path()
    return documents if documents.is_dir() else Path.home()


class ImportPicker(Localized, ModalScreen[Path | None]):
    """Choose the file: type a path or pick it in the tree."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="cancel")]


    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-picker"):
            yield Label(Text(_("dialog.import_title"), style="bold"), classes="dialog-title")
            yield Label(Text(_("dialog.import_explain")), classes="explain")
            yield Field(_("dialog.import_file"), Input(id="path", placeholder=str(_start_folder())), "path")
            yield SpreadsheetTree(_start_folder(), id="tree")
            with Horizontal(classes="buttons"):
                yield Button(_("button.preview"), id="preview", variant="primary")
                yield Button(_("button.cancel"), id="cancel")

    @on(DirectoryTree.FileSelected)
    def file_picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)
        self.query_one("#preview", Button).focus()

    def on_input_submitted(self) -> None:
        self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_preview() if event.button.id == "preview" else self.action_cancel()

    def action_preview(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.query_one("#field-path", Field).show_error(_("dialog.import_pick_a_file"))
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.query_one("#field-path", Field).show_error(_("dialog.import_no_such_file", path=text))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportPreview(Localized, ModalScreen[ImportReport | None]):
    """What the file would change. Dismisses with the applied report, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("ctrl+s", "apply", "key.apply", id="apply"),
        Binding("space", "toggle_conflict", "key.take_file", show=False, id="take-file"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.report: ImportReport | None = None
        self.overwrite: set[str] = set()
        """Rows changed in the app since the export whose file values the user chose to apply."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-preview"):
            yield Label(Text(_("dialog.import_preview_title", name=self.path.name), style="bold"), classes="dialog-title")
            yield LoadingIndicator(id="reading")
            yield Label(id="summary")
            yield Static(id="knock-on")
            yield Label(Text(_("dialog.import_conflicts"), style="bold yellow"), id="conflicts-note")
            yield DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="changes", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="rejected", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button(_("button.apply"), id="apply", variant="primary", disabled=True)
                yield Button(_("button.cancel"), id="cancel")

    def on_mount(self) -> None:
        changes = self.query_one("#changes", DataTable)
        for key in ("id", "field", "old", "new"):
            changes.add_column(_(f"dialog.import_col_{key}"), key=key)
        rejected = self.query_one("#rejected", DataTable)
        for key in ("sheet", "row", "column", "reason"):
            rejected.add_column(_(f"dialog.import_col_{key}"), key=key)
        conflicts = self.query_one("#conflicts", DataTable)
        for key in ("overwrite", "id", "field", "when"):
            conflicts.add_column(_(f"dialog.import_col_{key}"), key=key)
        for table in (changes, rejected, conflicts):
            table.display = False
        self.query_one("#conflicts-note", Label).display = False
        self.query_one("#cancel", Button).focus()  # the safe choice, as in every preview: apply takes ctrl+s
        self._run(apply=False)

    def _run(self, apply: bool) -> None:
        self.query_one("#reading", LoadingIndicator).display = True
        self.query_one("#apply", Button).disabled = True
        app = self.app
        app.call_service("io.imports.import_file", app.project.id, self.path, apply=apply, today=app.today,
                         overwrite=sorted(self.overwrite),
                         then=self._applied if apply else self._show, on_error=self._refused)

    def _show(self, report: ImportReport) -> None:
        self.report = report
        self.query_one("#reading", LoadingIndicator).display = False
        summary = _("dialog.import_summary", added=len(report.added), changed=report.changed_rows,
                    unchanged=report.unchanged, rejected=report.rejected_rows)
        if report.ignored_columns:
            summary += "\n" + _("dialog.import_ignored", columns=", ".join(report.ignored_columns))
        if report.absent:
            summary += "\n" + _n("dialog.import_absent", len(report.absent), n=len(report.absent))
        self.query_one("#summary", Label).update(Text(summary))
        changes = self.query_one("#changes", DataTable)
        changes.clear()
        self._show_conflicts(report)
        for public_id in report.added:
            changes.add_row(Text(public_id, style="green"), Text(_("dialog.import_new_row"), style="green"), "", "")
        for change in report.changed:
            changes.add_row(change.public_id, Text(change.field), Text(change.old, style="dim"), Text(change.new))
        for row in report.absent:  # on our register, not in their list: said, never deleted
            changes.add_row(Text(row, style="yellow"), Text(_("dialog.import_absent_row"), style="yellow"), "", "")
        knock_on = self.query_one("#knock-on", Static)
        effects = report.knock_on
        knock_on.display = bool(effects and (effects.moves or effects.flags_added or effects.flags_cleared))
        if knock_on.display:
            knock_on.update(preview_text(effects))
        rejected = self.query_one("#rejected", DataTable)
        rejected.clear()
        for item in report.rejected:
            rejected.add_row(Text(item.sheet), str(item.row), Text(item.column), Text(item.reason, style="red"))
        for item in report.notes:  # not errors: defaults taken, control characters removed
            rejected.add_row(Text(item.sheet), str(item.row), Text(item.column), Text(item.reason, style="yellow"))
        changes.display = changes.row_count > 0
        rejected.display = rejected.row_count > 0
        self.query_one("#apply", Button).disabled = not (report.added or report.changed)

    def _show_conflicts(self, report: ImportReport) -> None:
        table = self.query_one("#conflicts", DataTable)
        cursor = table.cursor_row
        table.clear()
        for conflict in report.conflicts:
            chosen = conflict.public_id in self.overwrite
            when = f"{conflict.actor} {conflict.at.astimezone():%m-%d %H:%M}" if conflict.at else conflict.actor
            table.add_row(Text("[x]" if chosen else "[ ]", style="bold yellow" if chosen else "dim"),
                          conflict.public_id, Text(", ".join(conflict.fields)), Text(when),
                          key=conflict.public_id)
        table.display = self.query_one("#conflicts-note", Label).display = bool(report.conflicts)
        if report.conflicts:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def action_toggle_conflict(self) -> None:
        """Take the file's values for the conflict row under the cursor (or keep the app's), then preview again."""
        table = self.query_one("#conflicts", DataTable)
        if not table.display or table.row_count == 0:
            return
        public_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.overwrite ^= {public_id}
        self._run(apply=False)

    def _applied(self, report: ImportReport) -> None:
        self.dismiss(report)

    def _refused(self, error: ExitTuiError) -> None:
        self.query_one("#reading", LoadingIndicator).display = False
        self.query_one("#summary", Label).update(Text(str(error), style="bold red"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_apply() if event.button.id == "apply" else self.action_cancel()

    def action_apply(self) -> None:
        if self.report is not None and (self.report.added or self.report.changed):
            self._run(apply=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
