"""Schema v3: the missing foreign keys (task -> phase, id_counter -> project), CHECK constraints on enumerated
columns, every constraint named, the audit log's hash chain, task.title, project.archived and the meta table
with this database's id."""

import uuid
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from exit_tui.db.engine import SchemaError
from exit_tui.db.migrations import recreate
from exit_tui.db.models import NAMING_CONVENTION
from exit_tui.domain.audit_chain import GENESIS, HASHED, entry_hash
from exit_tui.i18n import _n

revision = "0002"
down_revision = "0001"

#: The CHECK constraints added here, per table: name -> condition (values as of this revision).
CHECKS = {
    "project": {"exit_type": "exit_type IN ('contract-expiry', 'early-exit', 'transfer')"},
    "task": {
        "status": "status IN ('todo', 'doing', 'blocked', 'done')",
        "phase_no": "phase_no BETWEEN 1 AND 20",
        "duration_days": "duration_days >= 0",
    },
    "audit_entry": {"action": "action IN ('create', 'update', 'delete')"},
}
#: Rows the new foreign keys would leave pointing nowhere, per table.
ORPHANS = {
    "task": "NOT EXISTS (SELECT 1 FROM phase WHERE phase.project_id = task.project_id AND phase.no = task.phase_no)",
    "id_counter": "NOT EXISTS (SELECT 1 FROM project WHERE project.id = id_counter.project_id)",
}
#: Tables whose existing constraints get their conventional names (all but schema_info).
TABLES = ("project", "phase", "task", "occurrence_done", "id_counter", "audit_entry")


def upgrade() -> None:
    bind = op.get_bind()
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.bulk_insert(meta, [{"key": "database_id", "value": uuid.uuid4().hex}])
    _move_the_project_counter(bind, meta)
    _refuse_rows_that_break_the_new_rules(bind)
    if bind.dialect.name == "postgresql":
        _name_constraints_on_postgresql(bind)
    for table in TABLES:
        with op.batch_alter_table(table, recreate=recreate(), naming_convention=NAMING_CONVENTION) as batch:
            if table == "project":
                batch.add_column(sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False))
            elif table == "task":
                batch.add_column(sa.Column("title", sa.String(), nullable=True))
                # Databases upgraded from version 1 had DEFAULT 1 where new ones had DEFAULT '1'.
                batch.alter_column("duration_days", existing_type=sa.Integer(), existing_nullable=False,
                                   server_default="1")
                batch.create_foreign_key(op.f("fk_task_project_id_phase_no_phase"), "phase",
                                         ["project_id", "phase_no"], ["project_id", "no"], ondelete="CASCADE")
            elif table == "id_counter":
                batch.create_foreign_key(op.f("fk_id_counter_project_id_project"), "project",
                                         ["project_id"], ["id"], ondelete="CASCADE")
            elif table == "audit_entry":
                batch.add_column(sa.Column("hash", sa.String(), server_default="", nullable=False))
            for name, condition in CHECKS.get(table, {}).items():
                batch.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)
    _chain_the_audit_log(bind)
    op.execute("UPDATE schema_info SET version = 3")


def _move_the_project_counter(bind: sa.Connection, meta: sa.Table) -> None:
    """The release before kept the last project number as id_counter row (0, 'P'), a project 0 that the new
    foreign key forbids: it becomes the meta row `last_project_number` (services/ids.py)."""
    last = bind.execute(sa.text("SELECT last FROM id_counter WHERE project_id = 0 AND prefix = 'P'")).scalar()
    if last is not None:
        op.bulk_insert(meta, [{"key": "last_project_number", "value": str(last)}])
        op.execute("DELETE FROM id_counter WHERE project_id = 0")


def _refuse_rows_that_break_the_new_rules(bind: sa.Connection) -> None:
    """Raise SchemaError naming the first table with rows the new constraints would reject."""
    for table in TABLES:
        broken = [f"NOT ({condition})" for condition in CHECKS.get(table, {}).values()]
        broken += [ORPHANS[table]] if table in ORPHANS else []
        if not broken:
            continue
        count = bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE " + " OR ".join(broken))).scalar()
        if count:
            raise SchemaError(_n("error.migration_bad_rows", count, table=table, n=count))


def _name_constraints_on_postgresql(bind: sa.Connection) -> None:
    """Give unique and foreign keys made by the release before Alembic (named by PostgreSQL) their
    conventional names; SQLite gets them when batch mode rebuilds each table."""
    inspector = sa.inspect(bind)
    for table in TABLES:
        wanted = {
            unique["name"]: f"uq_{table}_{'_'.join(unique['column_names'])}"
            for unique in inspector.get_unique_constraints(table)
        }
        wanted |= {
            key["name"]: f"fk_{table}_{'_'.join(key['constrained_columns'])}_{key['referred_table']}"
            for key in inspector.get_foreign_keys(table)
        }
        for old, new in wanted.items():
            if old != new:
                op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{old}" TO "{new}"')


def _chain_the_audit_log(bind: sa.Connection) -> None:
    """Fill audit_entry.hash in id order: each entry's hash covers its content and its predecessor's hash."""
    columns = [sa.column(name, sa.DateTime(timezone=True) if name == "at" else None) for name in HASHED]
    audit = sa.table("audit_entry", *columns, sa.column("hash"))
    hashes, previous = [], GENESIS
    for row in bind.execute(sa.select(*columns).order_by(audit.c.id)).mappings():
        entry = dict(row)
        if entry["at"].utcoffset() is not None:  # PostgreSQL: read in UTC, as the model reads it
            entry["at"] = entry["at"].astimezone(UTC)
        previous = entry_hash(previous, entry)
        hashes.append({"entry_id": entry["id"], "entry_hash": previous})
    if hashes:
        bind.execute(
            audit.update().where(audit.c.id == sa.bindparam("entry_id")).values(hash=sa.bindparam("entry_hash")),
            hashes,
        )
