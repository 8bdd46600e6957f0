"""Databases of the releases before Alembic (a `schema_info` table, version 1 or 2) are brought to exactly
the schema of revision 0001 here, then stamped 0001 and upgraded like any other."""

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection

#: Indexes of the first version 1 databases, replaced by composite ones before version 2.
_OLD_INDEXES = ("ix_task_phase_no", "ix_task_status", "ix_task_due_date")
_TASK_INDEXES = {
    "ix_task_project_status_due": ["project_id", "status", "due_date"],
    "ix_task_project_phase_status": ["project_id", "phase_no", "status", "due_date"],
}


def to_release_v2(connection: Connection, version: int) -> None:
    """Upgrade a schema_info database of `version` (1 or 2) to the schema of revision 0001, in place."""
    op = Operations(MigrationContext.configure(connection))
    if version < 2:  # version 2 (timeline): task durations and occurrence marks
        op.add_column("task", sa.Column("duration_days", sa.Integer(), server_default="1", nullable=False))
        op.create_table(
            "occurrence_done",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id", ondelete="CASCADE"), nullable=False),
            sa.Column("occurs_on", sa.Date(), nullable=False),
            sa.Column("done_on", sa.Date(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("task_id", "occurs_on"),
        )
        connection.execute(sa.text("UPDATE schema_info SET version = 2"))
    indexes = {index["name"] for index in sa.inspect(connection).get_indexes("task")}
    for name in _OLD_INDEXES:
        if name in indexes:
            op.drop_index(name, table_name="task")
    for name, columns in _TASK_INDEXES.items():
        if name not in indexes:
            op.create_index(name, "task", columns)
