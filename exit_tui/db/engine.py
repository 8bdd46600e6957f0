"""Engine factory, SQLite connection pragmas, schema versioning with a backup before any migration."""

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from ..errors import ExitTuiError
from ..i18n import _, _n
from . import models
from .quickread import database_url

#: The schema version this code writes. Bump it and add a step to MIGRATIONS when tables change.
SCHEMA_VERSION = 2


def _v1_to_v2(connection: Connection) -> None:
    """Version 2 (timeline): task durations. The occurrence_done table is new and made by create_all."""
    connection.exec_driver_sql("ALTER TABLE task ADD COLUMN duration_days INTEGER NOT NULL DEFAULT 1")


#: MIGRATIONS[n] upgrades a database from version n to n + 1 (runs with foreign keys off).
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2}


class SchemaError(ExitTuiError):
    """The database cannot be used by this version of the app; the message is one line for the user."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(target: str | Path) -> Engine:
    """Create an engine for a URL or path; a SQLite file's folder is created if missing."""
    url = make_url(database_url(target))
    if url.get_backend_name() != "sqlite":
        return create_engine(url)
    if url.database in (None, "", ":memory:"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _stored_version(engine: Engine) -> int | None:
    if not inspect(engine).has_table("schema_info"):
        return None
    with Session(engine) as session:
        row = session.exec(select(models.SchemaInfo)).first()
        return row.version if row else None


def backup_sqlite(engine: Engine, destination: Path) -> Path:
    """Copy a live SQLite database safely (the backup API, never a file copy). Returns the path."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(destination)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()
    return destination


def backup_path(engine: Engine, label: str) -> Path:
    database = Path(engine.url.database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return database.with_name(f"{database.stem}.{label}-{stamp}{database.suffix or '.db'}")


def init_db(engine: Engine) -> None:
    """Create the tables of a new database, migrate an older one (after a backup), refuse a newer one.

    Raises SchemaError (one translated line) for a database this app cannot use.
    """
    try:
        version = _stored_version(engine)
    except DBAPIError as exc:  # not a database, unreadable, no such folder, server refused …
        engine.dispose()
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        where = engine.url.database if engine.dialect.name == "sqlite" else engine.url.render_as_string()
        raise SchemaError(_("error.cannot_open_db", db=where, reason=reason)) from exc
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaError(_("error.schema_too_new", version=version, supported=SCHEMA_VERSION))
    if version is not None and version < SCHEMA_VERSION:
        _migrate(engine, version)
    SQLModel.metadata.create_all(engine)
    if version is None:
        with Session(engine) as session:
            session.add(models.SchemaInfo(version=SCHEMA_VERSION))
            session.commit()


def _migrate(engine: Engine, version: int) -> None:
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        backup_sqlite(engine, backup_path(engine, f"v{version}-backup"))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
            connection.commit()  # end the autobegun transaction so that begin() below can start one
        try:
            with connection.begin():
                if engine.dialect.name == "sqlite":
                    # pysqlite only opens a transaction before DML; open it now so DDL steps roll back too.
                    connection.exec_driver_sql("BEGIN")
                for step in range(version, SCHEMA_VERSION):
                    if step not in MIGRATIONS:
                        raise SchemaError(_("error.no_migration", version=step))
                    MIGRATIONS[step](connection)
                connection.exec_driver_sql(f"UPDATE schema_info SET version = {SCHEMA_VERSION}")
                if engine.dialect.name == "sqlite":
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise SchemaError(_n("error.migration_broken", len(problems), count=len(problems)))
        finally:  # also after a failed step: the pooled connection must not keep foreign keys off
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
