"""Two indexes for the handover figures read at start-up and on the timeline: documents by status (those handed
over) and inspection items by state and deadline (the open ones, dated). Each query then reads the rows it
counts or shows, not every row of the project's register."""

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_index("ix_document_project_status", "document", ["project_id", "status"], unique=False)
    op.create_index("ix_inspection_item_project_state", "inspection_item", ["project_id", "state", "deadline"],
                    unique=False)
