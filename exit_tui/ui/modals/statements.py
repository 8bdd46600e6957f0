"""Owner statements (对账单) of the units chosen — one A4 page per unit with its lines, totals each way, the net and
the owner's confirmation box, then the confirmations sheet the committee returns — written with a progress bar."""

from pathlib import Path
from typing import Sequence

from textual.app import ComposeResult
from textual.widgets import ProgressBar

from ...i18n import _
from .export_dialog import FileExportDialog


class StatementsDialog(FileExportDialog):
    """Dismisses with the result (file, units, lines), or None when cancelled."""

    DIALOG_ID = "statements-dialog"
    TITLE_KEY = "accounts.statements_title"
    EXPLAIN_KEY = "accounts.statements_explain"

    def __init__(self, units: Sequence[str] | None, count: int) -> None:
        """`units`: unit numbers, or None for every unit of the project; `count`: how many that is."""
        super().__init__()
        self.units, self.count = list(units) if units is not None else None, count

    def compose_extra(self) -> ComposeResult:
        yield ProgressBar(id="progress", show_eta=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(".explain").update(_("accounts.statements_explain", n=self.count))
        self.query_one("#path").focus()
        self.app.call_service("io.view_export.default_view_path", self.app.project,
                              _("accounts.print.statement_sheet"), today=self.app.today, session=False,
                              then=self._default_path)

    def start(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.query_one(ProgressBar).display = True
        self.app.call_service("io.accounts_print.export_statements", self.app.project.id, path, self.units,
                              progress=self._progress_from_worker, then=self.dismiss, on_error=self.failed)

    def _progress_from_worker(self, done: int, total: int) -> None:
        """Called in the worker thread: hand the figures to the UI thread."""
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=total, progress=done)

    def failed(self, error) -> None:
        self.query_one(ProgressBar).display = False
        super().failed(error)
