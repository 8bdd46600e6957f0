"""Two indexes for the dashboard on large projects: tasks by template (those that serve a statutory deadline) and
by recurrence (the recurring tasks and their late occurrences; one-off tasks due in a range). A project of 100,000
tasks then reads its dashboard from indexes instead of reading every task."""

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_index("ix_task_project_template", "task", ["project_id", "template_key"], unique=False)
    op.create_index("ix_task_project_recurrence", "task", ["project_id", "recurrence", "due_date"], unique=False)
