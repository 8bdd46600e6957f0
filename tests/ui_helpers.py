"""Helpers for Pilot and snapshot tests: a demo database with a frozen date, and waiting for workers."""

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.worker import WorkerCancelled

from exit_tui.config import State
from exit_tui.services.backend import Backend
from exit_tui.ui.app import ExitApp

from .helpers import TEMPLATES, TODAY

FROZEN_TODAY = TODAY


def demo_app(tmp_path: Path, *, with_project: bool = True, **kwargs) -> tuple[ExitApp, Backend, int | None]:
    """An app on a database of its own holding the demo project (dates relative to FROZEN_TODAY), or an
    empty one; a copy of the session's template (tests/helpers.py)."""
    template = "demo" if with_project else "empty"
    backend = Backend.open(str(TEMPLATES.copy(template, tmp_path / "ui.db")))
    project_id = TEMPLATES.project("demo").id if with_project else None
    app = ExitApp(
        backend,
        state=State(tmp_path / "state.json"),
        project_id=project_id,
        db_key="test",
        today=FROZEN_TODAY,
        **kwargs,
    )
    return app, backend, project_id


def _service_workers(app) -> list:
    """The app's own service workers that have not finished: widgets such as DirectoryTree keep a loader
    running for good (and an empty list would make Textual wait for every worker)."""
    return [w for w in app.workers if w.node is app and not w.is_finished]


async def settle(pilot: Pilot, rounds: int | None = None) -> None:
    """Wait until service workers have finished and their results are on screen: until a pause (which lets
    results, and the work they start after the next frame, run) begins and ends with no service worker at
    work (at most 6 pauses), so that a quiet app costs one pause. `rounds` makes it exactly that many pauses,
    for work that is not a service worker (a directory listing)."""
    for _ in range(rounds or 6):
        ours = _service_workers(pilot.app)
        try:
            if ours:
                await pilot.app.workers.wait_for_complete(ours)
        except WorkerCancelled:  # an exclusive load superseded by a newer one: expected
            pass
        await pilot.pause()
        if rounds is None and not ours and not _service_workers(pilot.app):
            break
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def table_keys(table: DataTable) -> list[str]:
    return [row.key.value for row in table.ordered_rows]


def task_keys(table) -> list[str]:
    """Row keys of task rows (phase heading rows left out) of a DataTable or a RegisterTable."""
    if hasattr(table, "shown_keys"):
        return table.shown_keys()
    return [key for key in table_keys(table) if not key.startswith("phase:")]


def cell_text(table: DataTable, row_key: str, column_key: str) -> str:
    return str(table.get_cell(row_key, column_key))
