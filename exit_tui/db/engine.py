"""Engine factory, SQLite connection pragmas, schema migrations (Alembic) with a backup before any upgrade."""

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

from ..errors import ExitTuiError
from ..i18n import _, _n
from . import migrations
from .quickread import database_url

#: The schema_info version of every database Alembic manages. Releases before Alembic read only schema_info
#: and refuse a version above 2; this code refuses one above SCHEMA_VERSION the same way.
SCHEMA_VERSION = 3


class SchemaError(ExitTuiError):
    """The database cannot be used by this version of the app; the message is one line for the user."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: The package to install for a database driver module that is missing (by module name; others are the same).
DRIVER_PACKAGES = {"psycopg": "psycopg[binary]", "psycopg2": "psycopg2-binary", "MySQLdb": "mysqlclient"}


def make_engine(target: str | Path) -> Engine:
    """Create an engine for a URL or path. Creates nothing on disk (a missing folder is the caller's decision:
    Backend.open). Raises SchemaError (one line, how to install it) when the URL's driver is not installed."""
    try:
        url = make_url(database_url(target))
        if url.get_backend_name() != "sqlite":
            return create_engine(url)
    except ImportError as exc:  # the dialect is known, its driver package is not installed
        package = DRIVER_PACKAGES.get(exc.name or "", exc.name or "")
        raise SchemaError(_("error.db_driver_missing", backend=url.get_backend_name(), package=package)) from None
    except ArgumentError:  # not a URL SQLAlchemy can read, or a database it does not know (NoSuchModuleError)
        raise SchemaError(_("error.bad_db_url", db=str(target))) from None
    if url.database in (None, "", ":memory:"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _stored_schema(engine: Engine) -> tuple[str | None, int | None]:
    """(Alembic revision, schema_info version) of a database, None where it has none; one connection."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        revision = version = None
        if "alembic_version" in tables:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if "schema_info" in tables:
            version = connection.execute(text("SELECT max(version) FROM schema_info")).scalar()
    return revision, version


def backup_sqlite(engine: Engine, destination: Path) -> Path:
    """Copy a live SQLite database safely (the backup API, never a file copy) into one file (not in WAL mode).
    Returns the path."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(destination)
        try:
            raw.driver_connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
    finally:
        raw.close()
    return destination


def backup_path(engine: Engine | Path, label: str) -> Path:
    """A new file name beside the database: `NAME.LABEL-20261128-093000.db`, `…-093000-2.db` when that exists
    (two backups in the same second)."""
    database = engine if isinstance(engine, Path) else Path(engine.url.database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = database.suffix or ".db"
    candidate = database.with_name(f"{database.stem}.{label}-{stamp}{suffix}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = database.with_name(f"{database.stem}.{label}-{stamp}-{number}{suffix}")
    return candidate


def init_db(engine: Engine) -> None:
    """Bring a database to the newest revision: a new one is made by running every revision, an older one is
    upgraded after a backup, one of the releases before Alembic first gets their last step. A database newer
    than this code, or not a database, is refused untouched.

    Raises SchemaError (one translated line) for a database this app cannot use or could not upgrade.
    """
    try:
        revision, version = _stored_schema(engine)
    except DBAPIError as exc:  # not a database, unreadable, no such folder, server refused …
        engine.dispose()
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        where = engine.url.database if engine.dialect.name == "sqlite" else engine.url.render_as_string()
        raise SchemaError(_("error.cannot_open_db", db=where, reason=reason)) from exc
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaError(_("error.schema_too_new", version=version, supported=SCHEMA_VERSION))
    if revision is not None and revision not in migrations.revisions():
        raise SchemaError(_("error.schema_too_new", version=revision, supported=migrations.head()))
    if revision != migrations.head():
        _upgrade(engine, revision, version)


def _upgrade(engine: Engine, revision: str | None, version: int | None) -> None:
    """Run the missing revisions in one transaction with foreign keys off, after a backup of a SQLite file."""
    backup = None
    if (revision or version) and engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        backup = backup_sqlite(engine, backup_path(engine, f"{revision or f'v{version}'}-backup"))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
            connection.commit()  # end the autobegun transaction so that begin() below can start one
        try:
            with connection.begin():
                if sqlite:
                    # pysqlite only opens a transaction before DML; open it now so DDL rolls back too.
                    connection.exec_driver_sql("BEGIN")
                _run_revisions(connection, revision, version)
                if sqlite:
                    _check_foreign_keys(connection)
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if backup is None:
                raise SchemaError(_("error.migration_failed", reason=reason)) from exc
            raise SchemaError(_("error.migration_failed_backup", reason=reason, backup=backup)) from exc
        finally:  # also after a failure: the pooled connection must not keep foreign keys off
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def _run_revisions(connection: Connection, revision: str | None, version: int | None) -> None:
    from alembic import command
    from alembic.config import Config

    from .migrations import legacy

    config = Config()
    config.set_main_option("script_location", str(migrations.DIRECTORY).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    if revision is None and version is not None:  # a database of the releases before Alembic
        legacy.to_release_v2(connection, version)
        command.stamp(config, "0001")
    command.upgrade(config, "head")


def _check_foreign_keys(connection: Connection) -> None:
    """Raise SchemaError naming the first table with rows whose references lead nowhere."""
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        table = problems[0][0]
        count = sum(1 for problem in problems if problem[0] == table)
        raise SchemaError(_n("error.migration_bad_rows", count, table=table, n=count))
