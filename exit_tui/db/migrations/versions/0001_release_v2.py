"""The schema of the last release before Alembic (schema_info version 2): projects, phases, tasks with
durations, occurrence marks, id counters, the audit log. Databases of that release are stamped with this
revision instead of running it."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _project_id() -> sa.Column:
    return sa.Column("project_id", sa.Integer(), sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    schema_info = op.create_table(
        "schema_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("exit_type", sa.String(), nullable=False),
        sa.Column("rule_profile", sa.String(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=False),
        sa.Column("handover_date", sa.Date(), nullable=False),
        sa.Column("continuation_end", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_project_public_id", "project", ["public_id"], unique=True)
    op.create_table(
        "id_counter",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "prefix"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("public_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entry_project_id", "audit_entry", ["project_id"])
    op.create_table(
        "phase",
        sa.Column("id", sa.Integer(), nullable=False),
        _project_id(),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "no"),
    )
    op.create_index("ix_phase_project_id", "phase", ["project_id"])
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        _project_id(),
        sa.Column("public_id", sa.String(), nullable=False),
        sa.Column("phase_no", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(), nullable=True),
        sa.Column("title_zh", sa.String(), nullable=False),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_anchor", sa.String(), nullable=True),
        sa.Column("due_offset", sa.String(), nullable=True),
        sa.Column("recurrence", sa.String(), nullable=True),
        sa.Column("recurrence_until", sa.String(), nullable=True),
        sa.Column("duration_days", sa.Integer(), server_default="1", nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("legal_basis", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "public_id"),
    )
    op.create_index("ix_task_project_id", "task", ["project_id"])
    op.create_index("ix_task_project_status_due", "task", ["project_id", "status", "due_date"])
    op.create_index("ix_task_project_phase_status", "task", ["project_id", "phase_no", "status", "due_date"])
    op.create_table(
        "occurrence_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("task.id", ondelete="CASCADE"), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "occurs_on"),
    )
    op.bulk_insert(schema_info, [{"id": 1, "version": 2}])
