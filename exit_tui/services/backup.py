"""Back up a SQLite database beside itself, and restore one from such a backup (checked before anything is
replaced; the database it replaces is kept as a backup first).

Copies are made with SQLite's backup API, never as file copies (a live WAL database copied byte for byte can lose
its latest commits).
"""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from ..db import migrations
from ..db.engine import SCHEMA_VERSION, backup_path, backup_sqlite
from . import projects
from .errors import UserError
from .readmodels import ProjectRead


@dataclass(frozen=True)
class Restored:
    """What `restore_database` did."""

    database: Path
    """The database that now holds the backup's content."""
    source: Path
    """The backup it came from."""
    kept: Path | None
    """A backup of what `database` held before (None: there was no database there)."""
    projects: int
    """How many projects the restored database has."""


def integrity_problem(path: Path) -> str | None:
    """The first line of `PRAGMA integrity_check` when it is not `ok` (None for a sound database).
    Raises UserError when `path` cannot be read as a SQLite database at all."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise UserError("backup.not_a_database", path=str(path), reason=str(error).splitlines()[0]) from None
    first = rows[0][0] if rows else "no result"
    return None if first == "ok" else first


def backup_database(engine: Engine, label: str = "backup") -> Path:
    """Back up a SQLite database to a new file beside it and check the copy (integrity_check) before saying so.
    Raises UserError for another kind of database or a copy that is not sound (the copy is then removed)."""
    if not can_back_up(engine):
        raise UserError("cli.backup_sqlite_only")
    destination = backup_sqlite(engine, backup_path(engine, label))
    problem = integrity_problem(destination)
    if problem is not None:
        destination.unlink(missing_ok=True)
        raise UserError("backup.copy_damaged", reason=problem)
    return destination


def can_back_up(engine: Engine) -> bool:
    """True for a SQLite file (the databases backup_database copies)."""
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


@dataclass(frozen=True)
class Deleted:
    """What `delete_project` did."""

    project: ProjectRead
    """The project as it was."""
    backup: Path | None
    """The backup made just before (None: asked for none, or not a SQLite file)."""


@dataclass(frozen=True)
class DeletePreview:
    """What deleting a project would remove, for the confirmation."""

    project: ProjectRead
    tasks: int
    """How many tasks go with it."""
    backup: bool
    """True when a backup is made first (a SQLite file)."""


def delete_preview(session: Session, project_id: int) -> DeletePreview:
    project = projects.get_project(session, project_id)
    return DeletePreview(project, projects.task_count(session, project_id), can_back_up(session.get_bind()))


def delete_project(session: Session, project_id: int, *, backup: bool = True) -> Deleted:
    """Back up the database (a SQLite file, when `backup`), then delete the project and everything in it
    (projects.delete_project: every row recorded whole in the audit log)."""
    projects.project_row(session, project_id)  # NotFound before any copy is made
    engine = session.get_bind()
    kept = backup_database(engine, "before-delete") if backup and can_back_up(engine) else None
    return Deleted(projects.delete_project(session, project_id), kept)


def _stored_revision(path: Path) -> tuple[str | None, int | None, int]:
    """(Alembic revision, schema_info version, project count) of a backup; UserError when it has no projects
    table (not an exit-tui database)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "project" not in tables:
            raise UserError("backup.not_ours", path=str(path))
        revision = version = None
        if "alembic_version" in tables:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = revision[0] if revision else None
        if "schema_info" in tables:
            version = connection.execute("SELECT max(version) FROM schema_info").fetchone()[0]
        projects = connection.execute("SELECT count(*) FROM project").fetchone()[0]
    return revision, version, projects


def check_backup(source: Path) -> int:
    """Refuse (UserError, one line) a file that is not a sound backup this version can open: missing, a folder,
    damaged, not an exit-tui database, or written by a newer version. Returns its number of projects."""
    if source.is_dir():
        raise UserError("backup.is_folder", path=str(source))
    if not source.is_file():
        raise UserError("backup.missing", path=str(source))
    problem = integrity_problem(source)
    if problem is not None:
        raise UserError("backup.damaged", path=str(source), reason=problem)
    revision, version, projects = _stored_revision(source)
    if (version or 0) > SCHEMA_VERSION or (revision is not None and revision not in migrations.revisions()):
        raise UserError("backup.too_new", path=str(source), revision=revision or version)
    return projects


def restore_database(database: Path, source: Path) -> Restored:
    """Replace the SQLite database at `database` by the content of the backup `source`, after checking it
    (check_backup) and backing up what `database` holds now. An older backup is migrated when next opened."""
    database, source = Path(database), Path(source)
    if database.exists() and database.resolve() == source.resolve():
        raise UserError("backup.same_file", path=str(source))
    projects = check_backup(source)
    kept = None
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(database)) as current:
        if current.execute("PRAGMA page_count").fetchone()[0]:  # else an empty file connect() just made
            kept = backup_path(database, "before-restore")
            with closing(sqlite3.connect(kept)) as copy:
                current.backup(copy)
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            backup.backup(current)  # page by page under SQLite's own locks: readers never see half of it
    return Restored(database=database, source=source.resolve(), kept=kept, projects=projects)
