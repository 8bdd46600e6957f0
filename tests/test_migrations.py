"""db/migrations: Alembic revisions, databases of the releases before Alembic (schema v1 and v2) upgraded with
their data, models and migrated schema in agreement, refusals that leave the file as it was."""

import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from exit_tui.db import migrations
from exit_tui.db.engine import SCHEMA_VERSION, SchemaError, init_db, make_engine
from exit_tui.db.models import AuditEntry
from exit_tui.domain import audit_chain
from exit_tui.i18n import _, _n

# --- databases of the releases before Alembic, from their DDL ---------------------------------------

_COMMON_DDL = """
CREATE TABLE schema_info (id INTEGER NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (id));
CREATE TABLE project (
    id INTEGER NOT NULL, public_id VARCHAR NOT NULL, name VARCHAR NOT NULL, address VARCHAR NOT NULL,
    units INTEGER NOT NULL, exit_type VARCHAR NOT NULL, rule_profile VARCHAR NOT NULL, decision_date DATE NOT NULL,
    contract_end DATE NOT NULL, handover_date DATE NOT NULL, continuation_end DATE NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_project_public_id ON project (public_id);
CREATE TABLE id_counter (
    project_id INTEGER NOT NULL, prefix VARCHAR NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (project_id, prefix)
);
CREATE TABLE audit_entry (
    id INTEGER NOT NULL, project_id INTEGER, at DATETIME NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL, public_id VARCHAR NOT NULL, field VARCHAR NOT NULL, old VARCHAR, new VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_audit_entry_project_id ON audit_entry (project_id);
CREATE TABLE phase (
    id INTEGER NOT NULL, project_id INTEGER NOT NULL, no INTEGER NOT NULL, name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL, PRIMARY KEY (id), UNIQUE (project_id, no),
    FOREIGN KEY(project_id) REFERENCES project (id) ON DELETE CASCADE
);
CREATE INDEX ix_phase_project_id ON phase (project_id);
"""

_TASK_DDL = """
CREATE TABLE task (
    id INTEGER NOT NULL, project_id INTEGER NOT NULL, public_id VARCHAR NOT NULL, phase_no INTEGER NOT NULL,
    template_key VARCHAR, title_zh VARCHAR NOT NULL, title_en VARCHAR NOT NULL, owner VARCHAR NOT NULL,
    due_date DATE NOT NULL, due_anchor VARCHAR, due_offset VARCHAR, recurrence VARCHAR, recurrence_until VARCHAR,
    {duration}status VARCHAR NOT NULL, legal_basis VARCHAR, note VARCHAR NOT NULL, done_on DATE,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (project_id, public_id),
    FOREIGN KEY(project_id) REFERENCES project (id) ON DELETE CASCADE
);
CREATE INDEX ix_task_project_id ON task (project_id);
"""

#: Schema version 1 as the first release made it (single-column task indexes, no durations or marks).
V1_DDL = _COMMON_DDL + _TASK_DDL.format(duration="") + """
CREATE INDEX ix_task_phase_no ON task (phase_no);
CREATE INDEX ix_task_status ON task (status);
CREATE INDEX ix_task_due_date ON task (due_date);
"""

#: Schema version 2, the last release before Alembic.
V2_DDL = _COMMON_DDL + _TASK_DDL.format(duration="duration_days INTEGER DEFAULT '1' NOT NULL, ") + """
CREATE INDEX ix_task_project_status_due ON task (project_id, status, due_date);
CREATE INDEX ix_task_project_phase_status ON task (project_id, phase_no, status, due_date);
CREATE TABLE occurrence_done (
    id INTEGER NOT NULL, task_id INTEGER NOT NULL, occurs_on DATE NOT NULL, done_on DATE NOT NULL,
    PRIMARY KEY (id), UNIQUE (task_id, occurs_on), FOREIGN KEY(task_id) REFERENCES task (id) ON DELETE CASCADE
);
"""

_ROWS = """
INSERT INTO project VALUES
 (1, 'P-0001', '锦绣华庭', '浦东锦绣路1号', 800, 'contract-expiry', 'national', '2026-06-01', '2026-12-31',
  '2027-01-10', '2027-04-10', '2026-05-30 08:00:00.000000'),
 (2, 'P-0002', 'Harbour [View]', '', 120, 'transfer', 'national', '2026-07-01', '2026-09-30',
  '2026-10-01', '2026-12-31', '2026-06-30 09:30:00.123456');
INSERT INTO phase (id, project_id, no, name_zh, name_en) VALUES
 (1, 1, 1, '决策', 'Decision'), (2, 1, 2, '告知', 'Notice'), (3, 2, 1, '决策', 'Decision');
INSERT INTO id_counter VALUES (0, 'P', 2), (1, 'T', 3), (2, 'T', 1);
INSERT INTO task (id, project_id, public_id, phase_no, template_key, title_zh, title_en, owner, due_date,
                  due_anchor, due_offset, recurrence, recurrence_until, status, legal_basis, note, done_on,
                  created_at) VALUES
 (1, 1, 'T-0001', 1, 'decide', '作出决定', 'Decide', '王经理', '2026-06-01', 'decision', '+0d', NULL, NULL,
  'done', '《物业管理条例》', '', '2026-06-01', '2026-05-30 08:00:00.000000'),
 (2, 1, 'T-0002', 2, NULL, '每周例会', 'Weekly meeting', '', '2026-06-08', NULL, NULL, 'weekly', '2026-12-31',
  'doing', NULL, '备注 [x]', NULL, '2026-05-30 08:00:01.000000'),
 (3, 1, 'T-0003', 2, NULL, '通知业主', 'Notify owners', '李', '2026-06-15', NULL, NULL, NULL, NULL,
  'blocked', NULL, '', NULL, '2026-05-30 08:00:02.000000'),
 (4, 2, 'T-0001', 1, NULL, '交接', 'Handover', '', '2026-10-01', NULL, NULL, NULL, NULL,
  'todo', NULL, '', NULL, '2026-06-30 09:30:00.123456');
INSERT INTO audit_entry VALUES
 (1, 1, '2026-05-30 08:00:00.000000', '王经理', 'create', 'project', 'P-0001', '', NULL, '锦绣华庭'),
 (2, 1, '2026-05-30 08:05:00.250000', '王经理', 'update', 'task', 'T-0001', 'status', 'todo', 'done'),
 (3, 2, '2026-06-30 09:30:00.123456', 'Li', 'create', 'project', 'P-0002', '', NULL, 'Harbour [View]'),
 (4, 1, '2026-07-01 10:00:00.000000', '王经理', 'delete', 'task', 'T-0004', '', '旧任务', NULL);
"""

#: The columns every version has, per table: compared before and after an upgrade.
_KEPT = {
    "project": "id, public_id, name, address, units, exit_type, rule_profile, decision_date, contract_end, "
               "handover_date, continuation_end, created_at",
    "phase": "id, project_id, no, name_zh, name_en",
    "id_counter": "project_id, prefix, last",
    "task": "id, project_id, public_id, phase_no, template_key, title_zh, title_en, owner, due_date, due_anchor, "
            "due_offset, recurrence, recurrence_until, status, legal_basis, note, done_on, created_at",
    "audit_entry": "id, project_id, at, actor, action, entity, public_id, field, old, new",
}


def _legacy_database(path: Path, version: int, extra_sql: str = "") -> Path:
    """A database as the release with schema `version` (1 or 2) left it, with data in every table."""
    db = sqlite3.connect(path)
    try:
        db.executescript(V1_DDL if version == 1 else V2_DDL)
        db.executescript(_ROWS)
        if version == 2:
            db.executescript("UPDATE task SET duration_days = 0 WHERE id = 3;"
                             "INSERT INTO occurrence_done VALUES (1, 2, '2026-06-08', '2026-06-08'),"
                             " (2, 2, '2026-06-15', '2026-06-16');")
        db.execute("INSERT INTO schema_info VALUES (1, ?)", (version,))
        db.executescript(extra_sql)
        db.commit()
    finally:
        db.close()
    return path


def _rows(path: Path, table: str, columns: str = "*") -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT {columns} FROM {table} ORDER BY rowid").fetchall()
    finally:
        db.close()


def _schema(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        db.close()


def _shape(path: Path) -> dict[str, tuple]:
    """Every table's columns, keys, constraints (with their names) and indexes, in a comparable form."""
    engine = make_engine(path)
    try:
        inspector = inspect(engine)
        return {
            table: (
                sorted((c["name"], str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(table)),
                inspector.get_pk_constraint(table)["constrained_columns"],
                sorted(map(repr, inspector.get_foreign_keys(table))),
                sorted(map(repr, inspector.get_unique_constraints(table))),
                sorted(map(repr, inspector.get_check_constraints(table))),
                sorted(map(repr, inspector.get_indexes(table))),
            )
            for table in inspector.get_table_names()
        }
    finally:
        engine.dispose()


def _open(path: Path) -> None:
    engine = make_engine(path)
    try:
        init_db(engine)
    finally:
        engine.dispose()


def _data(path: Path) -> dict[str, list[tuple]]:
    return {table: _rows(path, table, columns) for table, columns in _KEPT.items()}


# --- upgrades of the releases before Alembic -----------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_a_database_before_alembic_upgrades_with_its_data(tmp_path, version):
    path = _legacy_database(tmp_path / f"v{version}.db", version)
    before, marks = _data(path), _rows(path, "occurrence_done") if version == 2 else []

    _open(path)

    assert _data(path) == {**before, "id_counter": [row for row in before["id_counter"] if row[0] != 0]}
    assert _rows(path, "occurrence_done") == marks
    assert _rows(path, "alembic_version") == [(migrations.head(),)]
    assert _rows(path, "schema_info") == [(1, SCHEMA_VERSION)]
    durations = [row[0] for row in _rows(path, "task", "duration_days")]
    assert durations == ([1, 1, 1, 1] if version == 1 else [1, 1, 0, 1])  # version 1 tasks last one day
    assert _rows(path, "task", "title") == [(None,)] * 4
    assert _rows(path, "project", "archived") == [(0,), (0,)]
    meta = dict(_rows(path, "meta"))
    assert re.fullmatch("[0-9a-f]{32}", meta.pop("database_id"))
    assert meta == {"last_project_number": "2"}  # the release before counted projects as id_counter (0, 'P')
    [backup] = tmp_path.glob(f"v{version}.v{version}-backup-*.db")
    assert _data(backup) == before and _rows(backup, "schema_info") == [(1, version)]
    assert "alembic_version" not in {row[1] for row in _schema(backup)}


def test_upgraded_and_new_databases_have_the_same_schema(tmp_path):
    new = tmp_path / "new.db"
    _open(new)
    for version in (1, 2):
        path = _legacy_database(tmp_path / f"v{version}.db", version)
        _open(path)
        assert _shape(path) == _shape(new), f"version {version}"


def test_the_audit_log_is_chained_in_id_order(tmp_path):
    path = _legacy_database(tmp_path / "v2.db", 2)
    _open(path)
    engine = make_engine(path)
    try:
        with Session(engine) as session:
            entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    finally:
        engine.dispose()
    previous = audit_chain.GENESIS
    for entry in entries:  # read back through the model, as a check of the chain reads them
        previous = audit_chain.entry_hash(previous, entry.model_dump())
        assert entry.hash == previous
    assert len({entry.hash for entry in entries}) == 4


def test_database_id_is_set_once_per_database(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    _open(first)
    _open(second)
    kept = _rows(first, "meta")
    _open(first)  # opening an up-to-date database again changes nothing
    assert _rows(first, "meta") == kept != _rows(second, "meta")


def test_an_up_to_date_database_is_not_backed_up_and_loads_no_alembic(tmp_path, monkeypatch):
    path = tmp_path / "current.db"
    _open(path)
    files = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setitem(sys.modules, "alembic", None)  # any import of alembic now fails
    _open(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == files


# --- refusals and failures --------------------------------------------------------------------------------


def test_an_unknown_revision_is_refused_and_left_byte_identical(tmp_path):
    path = tmp_path / "newer.db"
    _open(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0999'")
    db.close()
    before, files = path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(SchemaError) as caught:
        _open(path)

    assert str(caught.value) == _("error.schema_too_new", version="0999", supported=migrations.head())
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files


@pytest.mark.parametrize(
    ("table", "count", "bad_sql"),
    [
        ("task", 2, "UPDATE task SET status = 'later' WHERE id IN (1, 2)"),
        ("task", 1, "UPDATE task SET phase_no = 9 WHERE id = 4"),  # no phase 9: the new foreign key
        ("id_counter", 1, "INSERT INTO id_counter VALUES (7, 'T', 4)"),
    ],
)
def test_rows_that_break_the_new_rules_stop_the_upgrade(tmp_path, table, count, bad_sql):
    path = _legacy_database(tmp_path / "v2.db", 2, bad_sql)
    before = _schema(path), _data(path)

    with pytest.raises(SchemaError) as caught:
        _open(path)

    [backup] = tmp_path.glob("v2.v2-backup-*.db")
    reason = _n("error.migration_bad_rows", count, table=table, n=count)
    assert str(caught.value) == _("error.migration_failed_backup", reason=reason, backup=backup)
    assert (_schema(path), _data(path)) == before


def test_a_failing_step_rolls_the_whole_upgrade_back(tmp_path, monkeypatch):
    path = _legacy_database(tmp_path / "v1.db", 1)
    before = _schema(path), _data(path)

    def broken(previous, entry):  # fails after every table was rebuilt, before the upgrade ends
        raise RuntimeError("hash step failed")

    monkeypatch.setattr(audit_chain, "entry_hash", broken)
    engine = make_engine(path)
    try:
        with pytest.raises(SchemaError) as caught:
            init_db(engine)
        with engine.connect() as connection:  # foreign keys are back on for the pooled connection
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    message = str(caught.value)
    assert message.startswith("数据库升级失败") and "hash step failed" in message and "\n" not in message
    [backup] = tmp_path.glob("v1.v1-backup-*.db")
    assert str(backup) in message
    assert (_schema(path), _data(path)) == before
    assert _rows(path, "schema_info") == [(1, 1)]

    monkeypatch.undo()  # the next start upgrades it
    _open(path)
    assert _rows(path, "alembic_version") == [(migrations.head(),)]


# --- the schema itself --------------------------------------------------------------------------------


def test_models_and_the_migrated_schema_agree(tmp_path):
    path = tmp_path / "new.db"
    _open(path)
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_server_default": True})
            assert compare_metadata(context, SQLModel.metadata) == []
            inspector = inspect(connection)
            for table in SQLModel.metadata.sorted_tables:  # alembic does not compare CHECK constraints
                stored = {check["name"]: check["sqltext"] for check in inspector.get_check_constraints(table.name)}
                declared = {check.name: str(check.sqltext) for check in table.constraints
                            if isinstance(check, CheckConstraint)}
                assert stored == declared, table.name
    finally:
        engine.dispose()


def test_new_keys_and_checks_are_enforced(tmp_path):
    path = _legacy_database(tmp_path / "v2.db", 2)
    _open(path)
    engine = make_engine(path)
    try:
        for bad in (
            "UPDATE task SET phase_no = 3 WHERE id = 1",  # project 1 has no phase 3
            "UPDATE task SET status = 'later' WHERE id = 1",
            "UPDATE task SET duration_days = -1 WHERE id = 1",
            "UPDATE project SET exit_type = 'sold' WHERE id = 1",
            "UPDATE audit_entry SET action = 'import' WHERE id = 1",
            "INSERT INTO id_counter VALUES (9, 'T', 1)",
        ):
            with engine.begin() as connection, pytest.raises(IntegrityError):
                connection.exec_driver_sql(bad)
        with engine.begin() as connection:  # deleting a project takes its counters (and everything else) along
            connection.execute(text("DELETE FROM project WHERE id = 1"))
            assert connection.execute(text("SELECT project_id FROM id_counter")).all() == [(2,)]
            assert connection.execute(text("SELECT count(*) FROM occurrence_done")).scalar() == 0
            assert connection.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 4  # the log stays
    finally:
        engine.dispose()


def test_revision_files_form_one_chain_named_by_their_numbers():
    script = ScriptDirectory(str(migrations.DIRECTORY))
    chain = [revision.revision for revision in reversed(list(script.walk_revisions()))]
    assert chain == migrations.revisions() == [f"{n:04d}" for n in range(1, len(chain) + 1)]
    assert script.get_heads() == [migrations.head()]
    for revision in script.walk_revisions():
        assert Path(revision.path).name.startswith(f"{revision.revision}_")


@pytest.mark.skipif("EXIT_TUI_TEST_PG" not in os.environ, reason="set EXIT_TUI_TEST_PG to an empty PostgreSQL database's URL")
def test_revisions_run_on_postgresql():
    """e.g. pg_virtualenv -o fsync=off sh -c 'EXIT_TUI_TEST_PG=postgresql+psycopg2://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE
    uv run --with psycopg2-binary pytest tests/test_migrations.py -k postgresql' (drops the tables it made)."""
    engine = make_engine(os.environ["EXIT_TUI_TEST_PG"])
    try:
        init_db(engine)
        init_db(engine)  # up to date: nothing to do
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_server_default": True})
            assert compare_metadata(context, SQLModel.metadata) == []
            assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [(migrations.head(),)]
    finally:
        with engine.begin() as connection:
            SQLModel.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE alembic_version"))
        engine.dispose()


def test_project_numbers_continue_after_an_upgrade(tmp_path):
    """The last project number moves from the old counter row to `meta`: the next project is P-0003, not P-0001."""
    from exit_tui.services.backend import Backend
    from exit_tui.services.projects import create_project

    path = _legacy_database(tmp_path / "v2.db", 2)
    backend = Backend.open(str(path))
    try:
        project = backend.call(create_project, name="新项目", exit_type="transfer", contract_end="2027-06-30",
                               handover="2027-07-01", decision="2027-01-04")
    finally:
        backend.close()
    assert project.public_id == "P-0003"
