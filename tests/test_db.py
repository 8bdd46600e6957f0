"""db/engine.py: engine factory, SQLite pragmas, a new or up-to-date database, refusals of what cannot be opened."""

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exit_tui.i18n import _
from sqlalchemy import Numeric, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from exit_tui.db import engine as db_engine, migrations
from exit_tui.db.engine import SchemaError, backup_path, backup_sqlite, database_url, init_db, make_engine
from exit_tui.services.backend import Backend
from exit_tui.services.projects import create_project
from tests.helpers import PROJECT_ARGS

ROOT = Path(__file__).resolve().parent.parent


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite_version(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version FROM schema_info").fetchone()[0]
    finally:
        connection.close()


def _new_database(path: Path) -> None:
    engine = make_engine(path)
    init_db(engine)
    engine.dispose()


# --- engine factory and pragmas -------------------------------------------------------------------


def test_database_url_from_path_and_url(tmp_path):
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("postgresql://user@host/exits") == "postgresql://user@host/exits"
    assert database_url("sqlite:///relative.db") == "sqlite:///relative.db"


def test_make_engine_creates_nothing_backend_open_creates_only_when_asked(tmp_path):
    from exit_tui.services.backend import Backend
    from exit_tui.services.errors import UserError

    target = tmp_path / "deep" / "folder" / "exit.db"
    engine = make_engine(str(target))
    engine.dispose()
    assert not (tmp_path / "deep").exists()  # the decision is Backend.open's
    with pytest.raises(UserError) as caught:
        Backend.open(str(target), create=False)
    assert caught.value.key == "error.no_database" and not (tmp_path / "deep").exists()
    backend = Backend.open(str(target), create=True)
    try:
        assert backend.engine.dialect.name == "sqlite"
        assert Path(backend.engine.url.database) == target
        with backend.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        assert target.is_file()
    finally:
        backend.close()


def test_make_engine_from_sqlite_url(tmp_path):
    target = tmp_path / "url.db"
    engine = make_engine(f"sqlite:///{target}")
    try:
        assert Path(engine.url.database) == target
        init_db(engine)
    finally:
        engine.dispose()
    assert _sqlite_version(target) == db_engine.SCHEMA_VERSION


def test_in_memory_database_keeps_its_tables_across_connections():
    backend = Backend.open("sqlite://")
    try:
        project = backend.call(create_project, **PROJECT_ARGS)
        assert project.public_id == "P-0001"
        assert backend.call(lambda s: s.exec(text("SELECT count(*) FROM task")).scalar()) > 100
    finally:
        backend.close()


def test_pragmas_on_every_new_connection(tmp_path):
    engine = make_engine(tmp_path / "p.db")
    try:
        for _ in range(2):
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            engine.dispose()  # next round: a brand-new DB-API connection
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced_and_cascade(backend):
    project = backend.call(create_project, **PROJECT_ARGS)
    with backend.engine.begin() as connection:
        with pytest.raises(IntegrityError):
            with connection.begin_nested():
                connection.exec_driver_sql(
                    "INSERT INTO phase (project_id, no, name_zh, name_en) VALUES (999, 1, 'x', 'x')"
                )
        connection.exec_driver_sql("DELETE FROM project WHERE id = ?", (project.id,))
        assert connection.exec_driver_sql("SELECT count(*) FROM task").scalar() == 0
        assert connection.exec_driver_sql("SELECT count(*) FROM phase").scalar() == 0


# --- schema versioning ----------------------------------------------------------------------------


def test_init_db_stores_the_schema_version_once(tmp_path):
    path = tmp_path / "v.db"
    _new_database(path)
    _new_database(path)  # opening again neither fails nor adds a second row
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT id, version FROM schema_info").fetchall() == [(1, db_engine.SCHEMA_VERSION)]
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrations.head(),)]
    finally:
        connection.close()
    assert {"project", "phase", "task", "id_counter", "audit_entry"} <= set(_tables(path))


def _tables(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        connection.close()


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.db"
    backend = Backend.open(str(path))
    backend.call(create_project, **PROJECT_ARGS)
    backend.close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE schema_info SET version = ?", (db_engine.SCHEMA_VERSION + 1,))
    connection.commit()
    connection.close()
    before, files = _sha256(path), sorted(p.name for p in tmp_path.iterdir())

    engine = make_engine(path)
    try:
        with pytest.raises(SchemaError) as caught:
            init_db(engine)
    finally:
        engine.dispose()

    message = str(caught.value)
    assert message == _("error.schema_too_new", version=db_engine.SCHEMA_VERSION + 1,
                        supported=db_engine.SCHEMA_VERSION)
    assert f"数据库结构版本 {db_engine.SCHEMA_VERSION + 1}" in message and "\n" not in message
    assert _sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no backup, no leftovers
    assert _sqlite_version(path) == db_engine.SCHEMA_VERSION + 1


# Upgrades of older databases, refusals of newer revisions and failed steps: tests/test_migrations.py.


# --- backups --------------------------------------------------------------------------------------


def test_backup_sqlite_copies_a_live_database(backend, tmp_path):
    backend.call(create_project, **PROJECT_ARGS)
    destination = backup_path(backend.engine, "backup")
    assert destination.parent == tmp_path
    assert destination.name.startswith("t.backup-") and destination.suffix == ".db"
    assert backup_sqlite(backend.engine, destination) == destination
    connection = sqlite3.connect(destination)
    try:
        assert connection.execute("SELECT public_id FROM project").fetchall() == [("P-0001",)]
        assert connection.execute("SELECT count(*) FROM task").fetchone()[0] > 100
    finally:
        connection.close()


# --- model and import-time checks -----------------------------------------------------------------


def test_no_float_or_numeric_columns():
    offenders = [
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, Numeric)  # Float is a Numeric
    ]
    assert offenders == []


def test_nothing_is_created_at_import_time(tmp_path):
    home, work = tmp_path / "home", tmp_path / "cwd"
    work.mkdir()
    code = textwrap.dedent(
        """
        import exit_tui.config, exit_tui.db.engine, exit_tui.db.models, exit_tui.services.backend, exit_tui.cli
        """
    )
    env = {"EXIT_TUI_HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not home.exists()
    assert list(work.iterdir()) == []


def test_a_file_that_is_not_a_database_is_refused_in_one_line(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = path.read_bytes()
    engine = db_engine.make_engine(path)
    with pytest.raises(SchemaError) as caught:
        db_engine.init_db(engine)
    message = str(caught.value)
    assert message.startswith("无法打开数据库") and str(path) in message and "\n" not in message
    assert path.read_bytes() == before
