"""Alembic environment: runs the revisions on the connection init_db passes in `config.attributes`.

That connection already has a transaction open (foreign keys off on SQLite), so Alembic adds none and a failed
revision rolls back with everything before it.
"""

from alembic import context
from sqlmodel import SQLModel

from exit_tui.db import models  # noqa: F401  (registers the tables and the naming convention)

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
