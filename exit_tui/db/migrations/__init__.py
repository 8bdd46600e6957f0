"""Schema migrations with Alembic, run by `db.engine.init_db` at start (never by hand).

`env.py` runs the revisions in `versions/` on the connection `init_db` hands over (foreign keys off, one
transaction, after a backup). This module itself imports nothing heavy: `init_db` reads the stored revision with
one cheap query and loads Alembic only when the database is not at `head()`.

Adding a revision (each new area adds one):
1. Create `versions/NNNN_<what>.py`, NNNN being the next number (0003, 0004 ...), with `revision = "NNNN"` and
   `down_revision = "<the previous NNNN>"`: the chain is linear and the file names give its order.
2. Write `upgrade()` with `alembic.op`. New tables: `op.create_table` (constraints are named by
   `models.NAMING_CONVENTION`). Changes to an existing table: always
   `with op.batch_alter_table(name, recreate=recreate()) as batch:` (SQLite rebuilds the table, other databases
   get plain ALTERs), with constraint names written out through `op.f("ck_<table>_<name>")`.
3. Use only SQL that PostgreSQL accepts too; anything SQLite-only goes under `if op.get_bind().dialect.name ==
   "sqlite"`. Data the new rules would reject is refused with `SchemaError` (one line), never dropped.
4. Change `db/models.py` to match; tests/test_migrations.py proves the models and the migrated schema agree and
   that older databases upgrade with their data. No `downgrade()`: a failed upgrade is rolled back whole and the
   backup taken before it stays beside the database.
"""

from pathlib import Path

DIRECTORY = Path(__file__).parent
"""Alembic's script location (env.py and versions/)."""


def revisions() -> list[str]:
    """Every revision this code knows, oldest first (from the file names in versions/)."""
    return sorted(path.name[:4] for path in (DIRECTORY / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def head() -> str:
    """The newest revision: the one init_db brings every database to."""
    return revisions()[-1]


def recreate() -> str:
    """The `recreate` argument of `op.batch_alter_table`: rebuild the table on SQLite, ALTER elsewhere."""
    from alembic import op

    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"
