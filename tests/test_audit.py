"""The one audited write path and the tamper-evident log: no write without its entries, the chain detects
changes made behind the app's back (the sqlite3 shell), and the CLI reports both."""

import json
import sqlite3

import pytest
from sqlalchemy import select, text

from exit_tui.cli import main
from exit_tui.db.models import AuditEntry, Task
from exit_tui.services import audit, checklist
from exit_tui.services.audit import UnauditedWrite
from exit_tui.services.imports import import_rows
from exit_tui.services.readmodels import ImportRow, TaskChanges
from exit_tui.services.task_import import TaskImport
from tests.helpers import TODAY, count_rows


def _db_file(backend) -> str:
    return backend.engine.url.database


def test_a_write_without_its_audit_entry_is_refused_and_nothing_is_saved(backend, demo):
    def sneaky(session):  # an ORM-free write that records nothing
        session.execute(text("UPDATE task SET note = 'sneaked' WHERE public_id = 'T-0001'"))

    with pytest.raises(UnauditedWrite) as caught:
        backend.call(sneaky)
    assert "task" in str(caught.value)
    assert backend.call(checklist.get_task, demo.id, "T-0001", TODAY).note != "sneaked"


def test_a_table_nobody_declared_cannot_be_written(backend, demo):
    def stray(session):
        session.execute(text("CREATE TABLE IF NOT EXISTS scratch (x INTEGER)"))
        session.execute(text("INSERT INTO scratch VALUES (1)"))

    with pytest.raises(UnauditedWrite, match="scratch"):
        backend.call(stray)


def test_every_kind_of_write_is_audited_through_services(backend, demo):
    """ORM changes (form), deletes and Core bulk writes (import) all leave entries, each hash-chained."""
    before = count_rows(backend, AuditEntry)
    backend.call(checklist.update_task, demo.id, "T-0002", TaskChanges(note="已电话确认"), TODAY)
    backend.call(checklist.delete_task, demo.id, "T-0003")
    row = ImportRow("任务清单", 2, {"phase_no": 4, "title": "核对 [C区] 水表", "due_date": TODAY, "status": "todo"})
    report = backend.call(import_rows, TaskImport, demo.id, [row], TODAY, apply=True)
    entries = backend.call(audit.list_entries, demo.id, 3)
    assert [(e.action, e.public_id, e.field) for e in entries] == [
        ("create", report.added[0], ""), ("delete", "T-0003", ""), ("update", "T-0002", "note")]
    deleted = json.loads(entries[1].old)  # the whole row, not only its title
    assert deleted["public_id"] == "T-0003" and {"title_zh", "due_date", "status", "owner"} <= set(deleted)
    assert backend.call(audit.verify).ok
    assert count_rows(backend, AuditEntry) == before + 3


def test_verify_names_an_entry_changed_with_the_sqlite_shell(backend, demo):
    backend.call(checklist.set_status, demo.id, "T-0004", "done", TODAY)
    check = backend.call(audit.verify)
    assert check.ok and check.entries > 100
    with sqlite3.connect(_db_file(backend)) as shell:
        shell.execute("UPDATE audit_entry SET new = 'todo' WHERE id = 42")
    check = backend.call(audit.verify)
    assert (check.ok, check.broken_at, check.removed) == (False, 42, False)


def test_verify_names_where_an_entry_was_removed(backend, demo):
    with sqlite3.connect(_db_file(backend)) as shell:
        shell.execute("DELETE FROM audit_entry WHERE id = 17")
    check = backend.call(audit.verify)
    assert (check.ok, check.broken_at, check.removed) == (False, 18, True)


def test_verify_detects_an_entry_rewritten_with_a_recomputed_id_sequence(backend, demo):
    """Deleting an entry and renumbering the rest to hide the gap still breaks the chain."""
    with sqlite3.connect(_db_file(backend)) as shell:
        shell.execute("DELETE FROM audit_entry WHERE id = 5")
        shell.execute("UPDATE audit_entry SET id = id - 1 WHERE id > 5")
    check = backend.call(audit.verify)
    assert (check.ok, check.broken_at) == (False, 5)


def test_cli_audit_verify_and_listing(backend, demo, capsys):
    db = _db_file(backend)
    backend.call(checklist.update_task, demo.id, "T-0005", TaskChanges(note="审计测试"), TODAY)
    backend.close()
    assert main(["--lang", "zh", "--db", db, "audit", "--verify"]) == 0
    assert "哈希链校验通过" in capsys.readouterr().out
    assert main(["--lang", "zh", "--db", db, "audit", demo.public_id, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["public_id"] == "T-0005" and rows[0]["entity"] == "project"
    with sqlite3.connect(db) as shell:
        shell.execute("UPDATE audit_entry SET actor = 'mallory' WHERE id = 3")
    assert main(["--lang", "zh", "--db", db, "audit", "--verify"]) == 1
    assert "第 3 条" in capsys.readouterr().err
    assert main(["--lang", "zh", "--db", db, "audit"]) == 1  # neither a project nor --verify: one line
    assert capsys.readouterr().err.count("\n") == 1


def test_import_preview_lists_knock_on_moves_and_writes_nothing(backend, demo):
    """Changing a task's due date in a sheet moves the open tasks counted from it: the preview says which,
    exactly as applying does, and writes nothing."""
    def open_followers(session):  # (task, the task it counts from) of open tasks counted from another task
        return session.execute(select(Task.public_id, Task.due_anchor).where(
            Task.project_id == demo.id, Task.due_anchor.like("T-%"), Task.status != "done")).all()

    followers = backend.call(open_followers)
    assert followers, "the demo has open tasks counted from other tasks"
    moved, follower = followers[0]
    row = ImportRow("任务清单", 2, {"public_id": follower, "due_date": TODAY.replace(year=TODAY.year + 1)})
    entries = backend.call(audit.entry_count)
    preview = backend.call(import_rows, TaskImport, demo.id, [row], TODAY, apply=False)
    assert backend.call(audit.entry_count) == entries
    assert moved in {m.public_id for m in preview.knock_on.moves}
    assert follower not in {m.public_id for m in preview.knock_on.moves}  # the changed task is a change, not a move
    applied = backend.call(import_rows, TaskImport, demo.id, [row], TODAY, apply=True)
    assert applied.knock_on.moves == preview.knock_on.moves


@pytest.mark.parametrize(("reason", "key"), [
    ("database is locked", "error.db_locked"),
    ("attempt to write a readonly database", "error.db_read_only"),
    ("database or disk is full", "error.db_full"),
    ("database disk image is malformed", "error.db_damaged"),
])
def test_database_errors_after_start_up_are_one_translated_line(backend, demo, reason, key):
    """Locked, read-only, full or damaged: the service call fails with one line in the user's language and
    nothing of the transaction is written."""
    import sqlite3 as driver

    from sqlalchemy.exc import OperationalError

    from exit_tui.services.errors import StorageError

    def fails_midway(session):
        checklist.update_task(session, demo.id, "T-0002", TaskChanges(note="写了一半"), TODAY)
        raise OperationalError("UPDATE task ...", {}, driver.OperationalError(reason))

    with pytest.raises(StorageError) as caught:
        backend.call(fails_midway)
    assert caught.value.key == key and "\n" not in str(caught.value)
    assert backend.call(checklist.get_task, demo.id, "T-0002", TODAY).note != "写了一半"
