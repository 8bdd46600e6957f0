"""Instant start: remembered dashboard figures are used only while exact, and the app shows them at once."""

import threading

from textual.widgets import DataTable

from exit_tui.config import State
from exit_tui.db.quickread import last_change, sqlite_file
from exit_tui.services import checklist
from exit_tui.services.backend import Backend
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.demo import create_demo
from exit_tui.services.quickstart import remember_dashboard, remembered_dashboard
from exit_tui.services.readmodels import dashboard_from_json, dashboard_to_json
from exit_tui.ui.app import ExitApp
from exit_tui.ui.screens.dashboard import DashboardScreen
from exit_tui.ui.widgets.cards import Card

from .helpers import TODAY
from .ui_helpers import FROZEN_TODAY, settle


def remembered_setup(tmp_path):
    path = str(tmp_path / "q.db")
    backend = Backend.open(path)
    project = backend.call(create_demo, TODAY)
    state = State(tmp_path / "state.json")
    remember_dashboard(state, path, backend.call(load_dashboard, project.id, TODAY))
    return path, backend, project, state


def test_dashboard_json_round_trip_is_exact(backend, demo):
    data = backend.call(load_dashboard, demo.id, TODAY)
    assert data.next_up and data.stamp > 0
    assert dashboard_from_json(dashboard_to_json(data)) == data


def test_remembered_figures_hold_until_the_next_change(tmp_path):
    path, backend, project, state = remembered_setup(tmp_path)
    live = backend.call(load_dashboard, project.id, TODAY)
    assert remembered_dashboard(state, path, project.id, TODAY) == live
    first = backend.call(checklist.list_tasks, project.id, checklist.TaskQuery(), TODAY).rows[0]
    backend.call(checklist.toggle_done, project.id, first.public_id, TODAY)
    assert remembered_dashboard(state, path, project.id, TODAY) is None
    backend.close()


def test_remembered_figures_are_refused_on_another_day_project_or_when_corrupt(tmp_path):
    from datetime import timedelta

    path, backend, project, state = remembered_setup(tmp_path)
    backend.close()
    assert remembered_dashboard(state, path, project.id, TODAY + timedelta(days=1)) is None
    assert remembered_dashboard(state, path, project.id + 1, TODAY) is None
    assert remembered_dashboard(state, "postgresql://host/db", project.id, TODAY) is None
    state.set(f"dashboard:{path}:{project.id}", '{"not": "a dashboard"}')
    assert remembered_dashboard(state, path, project.id, TODAY) is None


def test_last_change_reads_only_sqlite_files(tmp_path):
    assert sqlite_file("postgresql://h/db") is None and sqlite_file("sqlite://") is None
    assert last_change(tmp_path / "missing.db") is None
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 10)
    assert last_change(tmp_path / "junk.db") is None


async def test_the_app_shows_remembered_figures_before_the_database_opens(tmp_path):
    path, backend, project, state = remembered_setup(tmp_path)
    backend.close()
    state.set(f"last_project:{path}", project.id)
    release = threading.Event()

    def slow_open() -> Backend:
        release.wait(10)
        return Backend.open(path)

    app = ExitApp(slow_open, state=state, db_key=path, today=FROZEN_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # before any service call could finish
        assert app._backend is None
        assert "35 天" in str(app.screen.query_one("#card-handover", Card).render())
        assert app.screen.query_one("#phases", DataTable).row_count == 20
        release.set()
        await settle(pilot)
        assert app._backend is not None
    app.close_backend()
