"""Quick start: the dashboard read with sqlite3 alone is the service's dashboard, on any day, and the app shows
it before the database stack has opened, whatever happened to the last session."""

import re
import sqlite3
import threading
from contextlib import closing
from datetime import timedelta
from functools import partial

import pytest

from exit_tui.config import State
from exit_tui.db.quickread import QuickReader, sqlite_file
from exit_tui.services import checklist, handover, timeline
from exit_tui.services.backend import Backend
from exit_tui.services.dashboard import load_dashboard
from exit_tui.services.quickstart import quick_dashboard
from exit_tui.ui.app import ExitApp
from exit_tui.ui.screens.dashboard import DashboardScreen
from exit_tui.ui.widgets.cards import Card

from .helpers import TEMPLATES, TODAY
from .ui_helpers import settle

#: Days around the demo's dates: long before, the day itself and after, past T and past the continuation.
DAYS = [TODAY + timedelta(days=n) for n in (-400, -30, -1, 0, 1, 6, 7, 8, 20, 35, 36, 60, 130, 800)]


def database_path(backend) -> str:
    return backend.engine.url.database


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_quick_dashboard_is_the_services_dashboard(backend, demo, today):
    assert quick_dashboard(database_path(backend), demo.id, today) == backend.call(load_dashboard, demo.id, today)


def test_quick_dashboard_follows_changes(backend, demo):
    """Done marks of recurring occurrences, a task done and one added count alike in both readings."""
    late = backend.call(timeline.late_series, demo.id, TODAY)
    assert late, "the demo has a late recurring task"
    public_id, first = next(iter(late.items()))
    backend.call(timeline.set_occurrence_done, demo.id, public_id, first, True, TODAY)
    open_task = backend.call(checklist.list_tasks, demo.id, checklist.TaskQuery(overdue_only=True), TODAY).rows
    backend.call(checklist.toggle_done, demo.id, open_task[0].public_id, TODAY)
    backend.call(checklist.add_task, demo.id, phase_no=3, title="补充 [任务]", due="T-2d", owner="", today=TODAY)
    soon = backend.call(load_dashboard, demo.id, TODAY).next_up[-1].public_id
    backend.call(checklist.update_task, demo.id, soon, checklist.TaskChanges(title="Typed in English"), TODAY)
    for today in (TODAY, TODAY + timedelta(days=3)):
        assert quick_dashboard(database_path(backend), demo.id, today) == backend.call(load_dashboard, demo.id, today)


def test_quick_dashboard_counts_the_handover_alike(backend, project):
    """Handover figures read with sqlite3 are the service's: documents marked handed, outcomes in signed and
    unsigned batches as amended, an item deleted after it was batched, key gaps (not accounts), open items."""
    path = database_path(backend)

    def both() -> tuple:
        quick = quick_dashboard(path, project.id, TODAY)
        return quick.handover, backend.call(load_dashboard, project.id, TODAY).handover

    quick, live = both()
    assert quick == live and (live.handed, live.not_handed, live.open_inspections) == (0, 0, 0) and live.items > 50
    for public_id in ("D-0001", "D-0002"):
        backend.call(handover.update_item, project.id, "document", public_id, status="ready")
    backend.call(handover.update_item, project.id, "key", "K-0002", handed_out=6, received=5)
    backend.call(handover.add_item, project.id, "inspection", description="消防栓无水 [B1]", deadline="2026-12-10")
    closed = backend.call(handover.add_item, project.id, "inspection", description="门禁失灵")
    for state in ("assigned", "recheck", "closable", "closed"):
        backend.call(handover.move_inspection, project.id, closed.public_id, state)
    signed = backend.call(handover.create_batch, project.id, "第一批", ["K-0001", "A-0001", "A-0002"],
                          ready_documents=True, created_on=TODAY)
    backend.call(handover.set_outcome, project.id, signed.public_id, "K-0001", "not_handed", "2026-12-20", "少两把")
    backend.call(handover.set_outcome, project.id, signed.public_id, "A-0002", "partial", "2026-12-22", "缺说明书")
    backend.call(handover.sign_batch, project.id, signed.public_id, TODAY, handing="甲", receiving="乙",
                 supervising="丙")
    backend.call(handover.amend_batch, project.id, signed.public_id, "补交", item_ref="A-0002", outcome="handed",
                 made_on=TODAY)
    unsigned = backend.call(handover.create_batch, project.id, "第二批", ["A-0003", "A-0004"], created_on=TODAY)
    backend.call(handover.set_outcome, project.id, unsigned.public_id, "A-0003", "not_handed", "2027-01-05", "维修中")
    backend.call(handover.delete_item, project.id, "facility", "A-0004")  # batched, then deleted
    quick, live = both()
    assert quick == live
    assert (live.handed, live.not_handed, live.key_discrepancies, live.open_inspections) == (4, 2, 1, 1)
    assert live == backend.call(handover.summary, project.id)


def test_the_first_frames_queries_read_indexes_not_every_task(backend, demo, monkeypatch):
    """On a project of 100,000 tasks reading each of its tasks costs a third of a second: every query of the
    quick read is answered from an index that narrows it (revision 0004 adds those it needs)."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    path = database_path(backend)
    assert quick_dashboard(path, demo.id, TODAY) is not None
    with closing(connect(path)) as db:
        plans = {sql: [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
                 for sql in statements if sql.startswith("SELECT") and " task " in sql}
    assert len(plans) >= 5
    # Every task of the project: a scan, or an index searched by the project alone that is not covering (each
    # of its entries then reads its row). The per-phase counts read a covering index: its entries alone.
    whole = re.compile(r"SCAN task|SEARCH task USING INDEX \w+ \(project_id=\?\)$")
    assert {sql: plan for sql, plan in plans.items() if any(whole.match(step) for step in plan)} == {}


def test_the_handover_figures_are_read_from_indexes(backend, demo, monkeypatch):
    """The handover card's queries search each register by project (and state or status, revision 0005): none
    scans a table."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    path = database_path(backend)
    assert quick_dashboard(path, demo.id, TODAY).handover.items > 250
    tables = ("document", "facility", "handover_key", "inspection_item", "batch_item", "batch_amendment")
    with closing(connect(path)) as db:
        plans = {sql: [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in statements
                 if sql.startswith("SELECT") and any(f" {table} " in f"{sql} " for table in tables)}
    assert len(plans) == 6
    assert {sql: plan for sql, plan in plans.items() if any(step.startswith("SCAN") and "CONSTANT" not in step
                                                            for step in plan)} == {}


def test_quick_dashboard_declines_what_it_cannot_read(tmp_path, backend, demo):
    path = database_path(backend)
    assert quick_dashboard(path, demo.id + 1, TODAY) is None  # no such project
    assert quick_dashboard("postgresql://host/db", demo.id, TODAY) is None
    assert quick_dashboard("sqlite://", demo.id, TODAY) is None
    assert quick_dashboard(str(tmp_path / "missing.db"), demo.id, TODAY) is None
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert quick_dashboard(str(tmp_path / "junk.db"), demo.id, TODAY) is None
    with closing(sqlite3.connect(tmp_path / "other.db")) as other:  # someone else's database
        other.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT)")
    assert quick_dashboard(str(tmp_path / "other.db"), demo.id, TODAY) is None
    assert sqlite_file("postgresql://h/db") is None and sqlite_file("sqlite://") is None


@pytest.mark.parametrize("revision", ["0001", "9999"])
def test_a_file_at_another_revision_is_left_to_the_database_stack(tmp_path, revision):
    """Older (it needs a migration first) or newer (made by a later release): not read with sqlite3."""
    path = TEMPLATES.copy("demo", tmp_path / "other-revision.db")
    reader = QuickReader.open(path)
    assert reader is not None
    reader.close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    assert QuickReader.open(path) is None
    assert quick_dashboard(str(path), TEMPLATES.project("demo").id, TODAY) is None


async def test_after_an_unclean_exit_on_a_new_day_the_dashboard_comes_before_the_database(tmp_path):
    """Nothing was remembered at the last quit (the terminal was closed): the dashboard still shows the
    day's figures at once, read with sqlite3, and the live ones replace them once the database is open."""
    path = str(TEMPLATES.copy("demo", tmp_path / "q.db"))
    project = TEMPLATES.project("demo")
    state = State(tmp_path / "state.json")
    state.set(f"last_project:{path}", project.id)  # written when the project was opened, not at quit
    new_day = TODAY + timedelta(days=1)
    release = threading.Event()

    def slow_open() -> Backend:
        release.wait(10)
        return Backend.open(path)

    app = ExitApp(slow_open, state=state, db_key=path, today=new_day)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, DashboardScreen) and hasattr(app.screen, "data"):
                break
        assert isinstance(app.screen, DashboardScreen)
        assert app._backend is None  # before the database could open
        assert app.screen.data.today == new_day
        assert "34 天" in str(app.screen.query_one("#card-handover", Card).render())
        assert len(app.screen.phases.shown_keys()) == 20
        release.set()
        await settle(pilot)
        assert app._backend is not None
        assert app.screen.data == app.backend.call(load_dashboard, project.id, new_day)
    app.close_backend()


async def test_a_quick_start_opens_in_the_dashboards_mode_and_keeps_one_dashboard(tmp_path):
    """The dashboard is the first screen (no start screen, no mode switch before its first frame) and the mode
    the number keys switch to: leaving it and coming back shows the same screen, with the footer's keys of
    whatever has the focus."""
    path = str(TEMPLATES.copy("demo", tmp_path / "q.db"))
    project = TEMPLATES.project("demo")
    app = ExitApp(partial(Backend.open, path), state=State(tmp_path / "state.json"), project_id=project.id,
                  db_key=path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = app.screen
        assert isinstance(first, DashboardScreen) and app.current_mode == "dashboard"
        assert [type(screen).__name__ for screen in app.screen_stack] == ["DashboardScreen"]

        def footer_keys() -> list[str]:
            return [key.key for key in first.query("FooterKey")]  # by its CSS type (the class is not exported)

        assert footer_keys()[:7] == ["2", "3", "4", "5", "6", "7", "e"]  # the phases list has the focus: its enter is not shown
        first.query_one("#card-overdue", Card).focus()
        await settle(pilot)
        assert "enter" in footer_keys()  # a card opens its area with enter, and says so
        first.phases.focus()
        await settle(pilot)
        assert "enter" not in footer_keys()
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "checklist"
        await pilot.press("1")
        await settle(pilot)
        assert app.screen is first and app.current_mode == "dashboard"
    app.close_backend()
