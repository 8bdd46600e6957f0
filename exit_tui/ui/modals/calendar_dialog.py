"""Export the calendar (.ics): where to save it (default beside the handover package), then path and event count."""

from pathlib import Path

from .export_dialog import FileExportDialog


class CalendarDialog(FileExportDialog):
    """Dismisses with io.calendar's CalendarResult (path, events), or None when cancelled."""

    DIALOG_ID = "calendar-dialog"
    TITLE_KEY = "calendar.dialog_title"
    EXPLAIN_KEY = "calendar.dialog_explain"
    DEFAULT_PATH_SERVICE = "io.calendar.default_calendar_path"

    def start(self, path: Path) -> None:
        app = self.app
        # io.calendar adds `.ics` when it is missing.
        app.call_service("io.calendar.export_calendar", app.project.id, path, today=app.today,
                         then=self.dismiss, on_error=self.failed)
