"""Projects as a whole (issue 9): unique names, ambiguous references, archive, audited delete, backup and
restore, the range of dates, and the project switcher and welcome screen in the app."""

import json
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from exit_tui.db.engine import backup_path
from exit_tui.db.models import OccurrenceDone, Phase, Project, Task
from exit_tui.services import audit, backup, checklist, projects
from exit_tui.services.backend import Backend
from exit_tui.services.errors import NotFound, UserError

from .helpers import PROJECT_ARGS, TEMPLATES, TODAY, count_rows


# -- names ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["锦绣华庭物业退出", " 锦绣华庭物业退出 ", "锦绣华庭物业退出".upper(), "锦绣华庭物业退出　"])
def test_a_second_project_of_the_same_name_is_refused(backend, project, name):
    with pytest.raises(UserError) as caught:
        backend.call(projects.create_project, **{**PROJECT_ARGS, "name": name})
    assert (caught.value.key, caught.value.field) == ("error.name_taken", "name")
    assert "P-0001" in str(caught.value)
    assert count_rows(backend, Project) == 1


def test_names_compare_case_and_width_insensitively(backend):
    backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "Garden Ａ 一期"})
    for same in ("garden a 一期", "GARDEN  A 一期", "ｇａｒｄｅｎ　ａ　一期"):
        with pytest.raises(UserError, match="P-0001"):
            backend.call(projects.create_project, **{**PROJECT_ARGS, "name": same})
    assert backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "Garden B 一期"}).public_id == "P-0002"


def test_rename_keeps_names_unique_and_is_audited(backend, project):
    other = backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "滨江花园"})
    with pytest.raises(UserError) as caught:
        backend.call(projects.rename_project, other.id, "锦绣华庭物业退出")
    assert caught.value.key == "error.name_taken"
    renamed = backend.call(projects.rename_project, other.id, " 滨江花园（二期） ")
    assert renamed.name == "滨江花园（二期）"
    assert backend.call(projects.rename_project, other.id, "滨江花园（二期）").name == "滨江花园（二期）"  # itself
    [entry] = [e for e in backend.call(audit.list_entries, other.id) if e.field == "name"]
    assert (entry.old, entry.new) == ("滨江花园", "滨江花园（二期）")


def test_a_reference_matching_several_projects_lists_them_and_refuses(backend, project, tmp_path):
    backend.call(projects.create_project, **{**PROJECT_ARGS, "name": "滨江花园"})
    # A database of an older release may hold two projects whose names differ only in case or width.
    with closing(sqlite3.connect(backend.engine.url.database)) as connection:
        connection.execute("UPDATE project SET name = ? WHERE public_id = 'P-0002'", ("锦绣华庭物业退出".upper(),))
        connection.commit()
    with pytest.raises(UserError) as caught:
        backend.call(projects.find_project, "锦绣华庭物业退出")
    assert caught.value.key == "error.project_ambiguous"
    assert "P-0001" in str(caught.value) and "P-0002" in str(caught.value)
    assert backend.call(projects.find_project, "P-0002").public_id == "P-0002"  # the id still finds it


# -- archive and delete ----------------------------------------------------------------------------------------------


def test_archive_marks_a_project_and_brings_it_back(backend, project):
    archived = backend.call(projects.archive_project, project.id)
    assert archived.archived and [p.archived for p in backend.call(projects.list_projects)] == [True]
    assert backend.call(projects.archive_project, project.id, False).archived is False
    changes = [(e.field, e.old, e.new) for e in backend.call(audit.list_entries, project.id) if e.field == "archived"]
    assert changes == [("archived", "True", "False"), ("archived", "False", "True")]  # newest first


def _row_counts(backend, project_id: int) -> dict[str, int]:
    def count(session):
        from sqlalchemy import func, select

        tasks = select(Task.id).where(Task.project_id == project_id)
        return {
            "project": session.execute(select(func.count()).where(Project.id == project_id)).scalar_one(),
            "phase": session.execute(select(func.count()).where(Phase.project_id == project_id)).scalar_one(),
            "task": session.execute(select(func.count()).where(Task.project_id == project_id)).scalar_one(),
            "occurrence": session.execute(
                select(func.count()).where(OccurrenceDone.task_id.in_(tasks))).scalar_one(),
        }
    return backend.call(count)


def test_delete_removes_the_project_and_records_every_row_whole(backend, demo):
    other = backend.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
    before = _row_counts(backend, demo.id)
    assert before["occurrence"] > 0 and before["task"] > 100
    entries_before = backend.call(audit.entry_count)
    deleted = backend.call(projects.delete_project, demo.id)
    assert deleted.public_id == demo.public_id
    assert _row_counts(backend, demo.id) == {"project": 0, "phase": 0, "task": 0, "occurrence": 0}
    assert _row_counts(backend, other.id)["task"] > 100  # the other project is untouched
    entries = [e for e in backend.call(audit.list_entries, demo.id, None) if e.id > entries_before]
    assert {e.action for e in entries} == {"delete"}
    by_entity = {}
    for e in entries:
        by_entity.setdefault(e.entity, []).append(json.loads(e.old))
    counts = {k: len(v) for k, v in by_entity.items() if k in before}  # handover rows: tests/test_handover.py
    assert counts == {
        "project": 1, "phase": before["phase"], "task": before["task"], "occurrence": before["occurrence"]}
    task = next(row for row in by_entity["task"] if row["public_id"] == "T-0001")
    assert {"title_zh", "due_date", "status", "owner", "note"} <= task.keys()  # the whole row
    assert backend.call(audit.verify).ok


def test_every_table_with_rows_of_a_project_is_audited_so_delete_reaches_it():
    """delete_project deletes every declared table's rows; a table referring to a project that is not declared
    could only be written behind the guard, and its rows would go by cascade without entries."""
    for table in SQLModel.metadata.sorted_tables:
        refers = any(key.column.table.name in ("project", "task") for key in table.foreign_keys)
        if refers and table.name not in audit.UNAUDITED:  # id counters go with their project, unlogged
            assert table.name in audit.AUDITED, f"{table.name}: declare it with services.audit.declare"


def test_delete_with_backup_keeps_a_sound_copy_first(backend, project):
    preview = backend.call(backup.delete_preview, project.id)
    assert (preview.tasks, preview.backup) == (_row_counts(backend, project.id)["task"], True)
    done = backend.call(backup.delete_project, project.id)
    assert done.project.public_id == "P-0001" and done.backup.is_file()
    with closing(sqlite3.connect(done.backup)) as copy:
        assert copy.execute("SELECT public_id FROM project").fetchall() == [("P-0001",)]
    assert backend.call(projects.list_projects) == []
    with pytest.raises(NotFound):
        backend.call(backup.delete_project, project.id)


# -- backup and restore ----------------------------------------------------------------------------------------------


def test_two_backups_in_the_same_second_get_different_names(backend, project):
    first = backup.backup_database(backend.engine)
    second = backup.backup_database(backend.engine)
    assert first != second and first.is_file() and second.is_file()
    assert backup_path(backend.engine, "backup") not in (first, second)
    assert not list(first.parent.glob("*.backup-*-wal"))  # one self-contained file each


def test_backup_refuses_a_copy_that_fails_its_integrity_check(backend, project, monkeypatch):
    monkeypatch.setattr(backup, "integrity_problem", lambda path: "*** in database main *** Page 7: btreeInitPage")
    with pytest.raises(UserError) as caught:
        backup.backup_database(backend.engine)
    assert caught.value.key == "backup.copy_damaged"
    assert not list(Path(backend.engine.url.database).parent.glob("*.backup-*"))  # the bad copy is removed


def test_restore_replaces_the_database_and_keeps_what_it_replaced(tmp_path):
    database = TEMPLATES.copy("empty", tmp_path / "mine.db")
    opened = Backend.open(str(database))
    try:
        opened.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
        saved = backup.backup_database(opened.engine)
        opened.call(projects.create_project, **{**PROJECT_ARGS, "name": "后来的项目"}, today=TODAY)
    finally:
        opened.close()
    done = backup.restore_database(database, saved)
    assert (done.projects, done.source) == (1, saved.resolve())
    with closing(sqlite3.connect(database)) as restored, closing(sqlite3.connect(done.kept)) as kept:
        assert restored.execute("SELECT name FROM project").fetchall() == [(PROJECT_ARGS["name"],)]
        assert len(kept.execute("SELECT name FROM project").fetchall()) == 2


def _damage(path):
    data = bytearray(path.read_bytes())
    for page in range(1, 6):  # the b-tree headers of pages 2 to 6: not a valid page type any more
        data[page * 4096:page * 4096 + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))


def test_restore_refuses_damaged_foreign_newer_and_missing_backups(tmp_path):
    database = TEMPLATES.copy("demo", tmp_path / "mine.db")
    before = database.read_bytes()
    damaged = TEMPLATES.copy("demo", tmp_path / "damaged.db")
    _damage(damaged)
    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE notes (x)")
    newer = TEMPLATES.copy("empty", tmp_path / "newer.db")
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
    cases = {damaged: ("backup.damaged", "backup.not_a_database"), foreign: ("backup.not_ours",),
             newer: ("backup.too_new",), tmp_path / "none.db": ("backup.missing",), tmp_path: ("backup.is_folder",)}
    for source, keys in cases.items():
        with pytest.raises(UserError) as caught:
            backup.restore_database(database, source)
        assert caught.value.key in keys, source
    assert database.read_bytes() == before
    assert not list(tmp_path.glob("mine.before-restore-*"))


# -- dates -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("due", ["1900-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_due_dates_outside_the_sane_years_are_refused(backend, project, due):
    with pytest.raises(UserError) as caught:
        backend.call(checklist.add_task, project.id, phase_no=1, title="X", due=due, today=TODAY)
    assert (caught.value.key, caught.value.field) == ("error.date_out_of_range", "due")


def test_due_dates_at_the_edges_of_the_range_are_accepted(backend, project):
    for due in ("2000-01-01", "2100-12-31"):
        backend.call(checklist.add_task, project.id, phase_no=1, title=f"X {due}", due=due, today=TODAY)


def test_a_handover_long_past_is_warned_about(backend):
    created = backend.call(projects.create_project, **{**PROJECT_ARGS, "decision": "2026-01-01"},
                           today=TODAY)
    assert projects.handover_warning(created, created.dates.handover) is None
    assert projects.handover_warning(created, date(2027, 2, 9)) is None  # 30 days
    assert projects.handover_warning(created, date(2027, 2, 10)) == 31


def test_empty_units_mean_unknown(backend):
    created = backend.call(projects.create_project, **{**PROJECT_ARGS, "units": ""}, today=TODAY)
    assert created.units == 0


# -- the app: welcome screen's demo, project switcher ------------------------------------------------------------------


async def test_welcome_opens_the_demo_in_its_own_database_not_the_users(tmp_path):
    from exit_tui.ui.screens.dashboard import DashboardScreen
    from exit_tui.ui.screens.welcome import WelcomeScreen

    from .ui_helpers import demo_app, settle

    demo_db = tmp_path / "demo" / "demo.db"
    app, users, _ = demo_app(tmp_path, with_project=False, demo_key=str(demo_db),
                             demo_backend=lambda: Backend.open(str(demo_db), create=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.project.name == "锦绣华庭[一期] 物业退出" and app.db_key == str(demo_db)
    assert users.call(projects.list_projects) == []  # nothing written into the user's database
    with closing(sqlite3.connect(demo_db)) as connection:
        assert connection.execute("SELECT name FROM project").fetchall() == [("锦绣华庭[一期] 物业退出",)]


async def test_welcome_without_a_demo_database_writes_nothing(tmp_path):
    from exit_tui.ui.screens.welcome import WelcomeScreen

    from .ui_helpers import demo_app, settle

    app, users, _ = demo_app(tmp_path, with_project=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
    assert users.call(projects.list_projects) == []


async def test_switcher_archives_and_deletes_after_confirmation_with_a_backup(tmp_path):
    from textual.widgets import OptionList

    from exit_tui.ui.modals.confirm import ConfirmScreen
    from exit_tui.ui.modals.project_switcher import ProjectSwitcher

    from .ui_helpers import demo_app, settle

    app, users, demo_id = demo_app(tmp_path)
    other = users.call(projects.create_project, **PROJECT_ARGS, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        switcher = app.screen
        assert isinstance(switcher, ProjectSwitcher)
        options = switcher.query_one(OptionList)
        options.highlighted = 1  # the second project
        await pilot.press("a")
        await settle(pilot)
        assert [p.archived for p in users.call(projects.list_projects)] == [False, True]
        assert "已归档" in str(options.get_option_at_index(1).prompt)
        options.highlighted = 1
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # the safe answer: nothing deleted
        await settle(pilot)
        assert len(users.call(projects.list_projects)) == 2
        options.highlighted = 1
        await pilot.press("d")
        await settle(pilot)
        question = str(app.screen.question)
        assert other.public_id in question and "备份" in question
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is switcher
        assert [p.id for p in users.call(projects.list_projects)] == [demo_id]
        assert options.option_count == 2  # the demo and "+ new project"
    assert list(tmp_path.glob("ui.before-delete-*.db"))


async def test_new_project_form_leaves_units_unknown_and_warns_of_a_past_handover(tmp_path):
    from textual.widgets import Input, Label

    from exit_tui.ui.screens.dashboard import DashboardScreen

    from .ui_helpers import demo_app, settle

    app, users, _ = demo_app(tmp_path, with_project=False)
    notes = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kwargs: notes.append((message, kwargs.get("severity")))
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        for field, value in {"name": "旧项目", "decision": "2026-01-01", "contract_end": "2026-06-30",
                             "handover": "2026-07-01"}.items():
            form.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "户数未填" in str(app.screen.query_one("#project-line", Label).render())
    [created] = users.call(projects.list_projects)
    assert created.units == 0
    assert [severity for message, severity in notes if "2026-07-01" in message] == ["warning"]
