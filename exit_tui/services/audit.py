"""The one audited write path and the append-only, tamper-evident audit log.

Every write of a service is audited by the same code, whichever way it is made:
- ORM writes (`session.add`, attribute changes, `session.delete`) are recorded by a session hook at each flush:
  a `create` entry with the whole new row, one `update` entry per changed column (old -> new), a `delete` entry
  with the whole removed row.
- Bulk Core writes (imports) go through `insert_rows` / `update_rows`, which write and record together.
- `require_audited` (called by Backend.call before every commit) refuses a transaction that changed a table
  without an audit entry for it, or a table nobody declared here: such a write cannot reach the database.

Entries are written only by `_append`, which gives each its id and a hash over its content and the previous
entry's hash (domain/audit_chain), so `verify` finds the first entry changed, inserted or removed afterwards.
A new area declares its tables in AUDITED (entity name, how a row is named); nothing else is needed.
"""

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import islice
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, event, func, insert, inspect, select
from sqlmodel import Session

from ..db.models import AuditEntry, OccurrenceDone, Phase, Project, Task
from ..domain.audit_chain import GENESIS, HASHED, entry_hash
from ..errors import ExitTuiError
from ..i18n import _

_actor = "unknown"
_entries: Table = AuditEntry.__table__
_BATCH = 2000
_UNSET = object()


def set_actor(name: str) -> None:
    """Who is recorded as making changes from now on (set once at start-up)."""
    global _actor
    _actor = name


def actor() -> str:
    """Who is recorded as making changes."""
    return _actor


# -- what is audited ----------------------------------------------------------------------------------------------


def _public_id(_connection: Connection, row: Mapping[str, Any]) -> str:
    return row["public_id"]


@dataclass(frozen=True)
class Audited:
    """A table services write, and how its rows appear in the log."""

    table: Table
    entity: str
    """What the log calls a row of it (`task`)."""
    name: Callable[[Connection, Mapping[str, Any]], str] = _public_id
    """The row's name in the log (by default its public id), from its column values."""
    of_project: Callable[[int], Any] | None = None
    """The SQL condition for the rows of a project (by default `project_id = ?`)."""
    project: Callable[[Connection, Mapping[str, Any]], int | None] | None = None
    """The project a row belongs to (by default its `project_id`)."""

    def rows_of(self, project_id: int) -> Any:
        return self.of_project(project_id) if self.of_project else self.table.c.project_id == project_id

    def project_of(self, connection: Connection, row: Mapping[str, Any]) -> int | None:
        return self.project(connection, row) if self.project else row.get("project_id")


#: Every table services write, by table name, parents before children (a project is deleted the other way
#: round). A table missing here cannot be written (require_audited): an area declares its tables with `declare`.
AUDITED: dict[str, Audited] = {}


def declare(table: Table, entity: str, name: Callable[[Connection, Mapping[str, Any]], str] = _public_id,
            of_project: Callable[[int], Any] | None = None,
            project: Callable[[Connection, Mapping[str, Any]], int | None] | None = None) -> Audited:
    """Declare a table that services write (once, where the area's service module is defined)."""
    AUDITED[table.name] = spec = Audited(table, entity, name, of_project, project)
    return spec


def _phase_name(_connection: Connection, row: Mapping[str, Any]) -> str:
    return f"{row['no']:02d}"


def _occurrence_name(connection: Connection, row: Mapping[str, Any]) -> str:
    task = connection.execute(select(Task.public_id).where(Task.id == row["task_id"])).scalar_one()
    return f"{task} {row['occurs_on'].isoformat()}"


def _occurrences_of(project_id: int) -> Any:
    table = OccurrenceDone.__table__
    return table.c.task_id.in_(select(Task.id).where(Task.project_id == project_id))


def _occurrence_project(connection: Connection, row: Mapping[str, Any]) -> int:
    return connection.execute(select(Task.project_id).where(Task.id == row["task_id"])).scalar_one()


declare(Project.__table__, "project", of_project=lambda project_id: Project.__table__.c.id == project_id,
        project=lambda _connection, row: row["id"])
declare(Phase.__table__, "phase", _phase_name)
declare(Task.__table__, "task")
declare(OccurrenceDone.__table__, "occurrence", _occurrence_name, _occurrences_of, _occurrence_project)

#: Bookkeeping tables written without entries of their own (id counters, schema and the log itself).
UNAUDITED = frozenset({"audit_entry", "id_counter", "schema_info", "alembic_version", "meta"})


def text(value: Any) -> str | None:
    """A value as the log stores it: ISO dates and times, None kept, anything else as str."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


_ROW_JSON = json.JSONEncoder(ensure_ascii=False, default=text)
"""json.dumps(row, ensure_ascii=False, default=text) (dates in ISO form), without an encoder per row."""


def row_text(row: Mapping[str, Any]) -> str:
    """A whole row as the log stores it for a create or a delete: JSON of every column (dates in ISO form)."""
    return _ROW_JSON.encode(row)


def _value_text(value: Any) -> str:
    """One value of a row as row_text writes it."""
    kind = value.__class__
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is date or kind is datetime:
        return encode_basestring(value.isoformat())
    return _ROW_JSON.encode(value)


def _rows_text(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """row_text of each of `rows`, the same text, built a column at a time where the rows have the same columns
    in the same order (a value repeated from the row before, such as the time of the change, is written once)."""
    names = tuple(rows[0]) if rows else ()
    if not names or any(tuple(row) != names for row in rows):
        return [row_text(row) for row in rows]
    columns = []
    for name in names:
        label = f"{encode_basestring(name)}: "
        column, last, shown = [], _UNSET, ""
        for row in rows:
            value = row[name]
            if value is not last:
                last, shown = value, label + _value_text(value)
            column.append(shown)
        columns.append(column)
    return [f"{{{', '.join(parts)}}}" for parts in zip(*columns)]


def _binder(dialect, column) -> Callable[[Sequence[Any]], list[Any]] | None:
    """How SQLAlchemy turns the Python values of `column` into the driver's, a column of values at a time (None
    when it leaves them as they are). A value met again (the time of a change on every row, a date) is
    converted once."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None

    def convert(values: Sequence[Any]) -> list[Any]:
        done: dict[Any, Any] = {}  # by identity and, for plain dates (equal means identical), by value
        out = []
        for value in values:
            if value is None:
                out.append(None)
                continue
            key = value if value.__class__ is date else id(value)
            if key not in done:
                done[key] = process(value)
            out.append(done[key])
        return out

    return convert


@dataclass(frozen=True)
class _Positional:
    """An INSERT of some columns of a table, for a driver that binds by position."""

    sql: str
    order: tuple[str, ...]
    """Every column it binds, in order: the given ones and those Core fills with a scalar default."""
    convert: dict[str, Callable[[Sequence[Any]], list[Any]] | None]
    defaults: dict[str, Any]
    """Column -> the default value of the columns not given."""


@lru_cache(maxsize=64)
def _positional(table: Table, names: tuple[str, ...], dialect) -> _Positional | None:
    """The INSERT of `names` into `table`, compiled once per process (a large import writes it in many batches);
    None where the driver binds by name (PostgreSQL) or a column's default is computed."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    order = tuple(compiled.positiontup or ())  # the table's column order, with columns Core fills by default
    defaults = {name: table.c[name].default for name in set(order) - set(names)}
    if not order or not set(names) <= set(order) or any(d is None or not d.is_scalar for d in defaults.values()):
        return None
    return _Positional(compiled.string, order, {name: _binder(dialect, table.c[name]) for name in order},
                       {name: default.arg for name, default in defaults.items()})


def _insert_many(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) as one executemany. Where the driver binds by position (SQLite),
    the values are taken column by column, converted once per distinct value and handed to the driver as
    tuples: a large import spends its time in SQLite, not in building parameters. Elsewhere (PostgreSQL binds by
    name) the ordinary Core executemany."""
    if not rows:
        return
    names = tuple(rows[0])
    statement = _positional(table, names, connection.dialect)
    if statement is None or any(len(row) != len(names) for row in rows):
        connection.execute(insert(table), list(rows))  # a paramstyle by name, or a computed default
        return
    # Every row has the same keys (same length, and itemgetter raises KeyError on a missing one).
    take = itemgetter(*names)
    columns = dict(zip(names, zip(*(map(take, rows) if len(names) > 1 else ((take(row),) for row in rows)))))
    values = []
    for name in statement.order:
        convert = statement.convert[name]
        column = columns[name] if name in columns else [statement.defaults[name]]
        column = convert(column) if convert else column
        values.append(column if name in columns else column * len(rows))
    connection.exec_driver_sql(statement.sql, list(zip(*values)))


# -- writing entries ----------------------------------------------------------------------------------------------


def _entry(connection: Connection, table: str, action: str, row: Mapping[str, Any], **fields: Any) -> dict:
    spec = AUDITED[table]
    return {
        "project_id": spec.project_of(connection, row),
        "action": action,
        "entity": spec.entity,
        "public_id": spec.name(connection, row),
        "field": "",
        "old": None,
        "new": None,
        **fields,
    }


def _append(connection: Connection, entries: Sequence[dict]) -> None:
    """Write `entries` at the end of the log, each with its id and chained hash (the only writer of the log)."""
    if not entries:
        return
    last = connection.execute(
        select(_entries.c.id, _entries.c.hash).order_by(_entries.c.id.desc()).limit(1)
    ).first()
    next_id, previous = (last.id + 1, last.hash) if last else (1, GENESIS)
    at = connection.info.setdefault("audit_at", datetime.now(UTC))  # one time per transaction: one change
    rows = []
    for entry in entries:
        row = {**entry, "id": next_id, "at": at, "actor": _actor}
        row["hash"] = previous = entry_hash(previous, row)
        rows.append(row)
        next_id += 1
    for start in range(0, len(rows), _BATCH):
        _insert_many(connection, _entries, rows[start:start + _BATCH])
    connection.info.setdefault("audited", set()).update(e["entity"] for e in entries)


def record(
    session: Session,
    project_id: int | None,
    action: str,
    entity: str,
    public_id: str,
    field: str = "",
    old: Any = None,
    new: Any = None,
) -> None:
    """Add one entry that no row change describes by itself (e.g. a project deleted with everything in it)."""
    entry = {"project_id": project_id, "action": action, "entity": entity, "public_id": public_id,
             "field": field, "old": text(old), "new": text(new)}
    _append(session.connection(), [entry])


def _columns(obj: Any) -> dict[str, Any]:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


def _flushed(session: Session, _context: Any) -> None:
    """Session hook: the entries of every ORM change this flush wrote (still visible in after_flush)."""
    connection = session.connection()
    entries: list[dict] = []
    order = {table: n for n, table in enumerate(AUDITED)}

    def in_order(objects) -> list:  # the session's sets iterate by object identity: not the same in every run
        return sorted(objects, key=lambda o: (order.get(o.__tablename__, len(order)), getattr(o, "id", None) or 0))

    for obj in in_order(session.new):
        table = obj.__tablename__
        if table in AUDITED:
            row = _columns(obj)
            entries.append(_entry(connection, table, "create", row, new=row_text(row)))
    for obj in in_order(session.dirty):
        table = obj.__tablename__
        if table not in AUDITED or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        row = _columns(obj)
        for column in obj.__table__.columns:
            history = state.attrs[column.key].history
            if history.has_changes():
                # `deleted` is empty when the old value was never loaded (an expired row set blind).
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old != new:
                    entries.append(_entry(connection, table, "update", row, field=column.key,
                                          old=text(old), new=text(new)))
    for obj in in_order(session.deleted):
        table = obj.__tablename__
        if table in AUDITED:
            row = _columns(obj)
            entries.append(_entry(connection, table, "delete", row, old=row_text(row)))
    _append(connection, entries)


event.listen(Session, "after_flush", _flushed)


def insert_rows(session: Session, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert `rows` (column -> value) with Core, a batch at a time, and record a `create` entry for each.
    `rows` may be a generator: only one batch of them is held at a time."""
    session.flush()
    connection = session.connection()
    rows = iter(rows)
    while batch := list(islice(rows, _BATCH)):
        _insert_many(connection, table, batch)
        _append(connection, [_entry(connection, table.name, "create", row, new=text)
                             for row, text in zip(batch, _rows_text(batch), strict=True)])


@dataclass(frozen=True)
class RowUpdate:
    """New values for some columns of one row, with the values they replace."""

    key: Any
    """The row's primary key."""
    row: Mapping[str, Any]
    """The row as it was (at least the columns that name it in the log)."""
    changes: Mapping[str, Any]
    """Column -> new value."""


def update_rows(session: Session, table: Table, updates: Iterable[RowUpdate]) -> None:
    """Update rows with Core (one executemany per set of changed columns) and record each changed column."""
    session.flush()
    connection = session.connection()
    (key_column,) = table.primary_key.columns
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    entries = []
    for update in updates:
        for name, new in update.changes.items():
            old = update.row.get(name)
            if old != new:
                entries.append(_entry(connection, table.name, "update", update.row, field=name,
                                      old=text(old), new=text(new)))
        groups.setdefault(tuple(sorted(update.changes)), []).append(
            {"row_key": update.key, **{f"new_{name}": value for name, value in update.changes.items()}}
        )
    for names, params in groups.items():
        statement = (
            table.update()
            .where(key_column == bindparam("row_key"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        for start in range(0, len(params), _BATCH):
            connection.execute(statement, params[start:start + _BATCH])
    _append(connection, entries)
    # Core statements bypass the identity map: rows of this table loaded earlier in the session must reload.
    for obj in list(session.identity_map.values()):
        if getattr(obj, "__tablename__", None) == table.name:
            session.expire(obj)


def delete_rows(session: Session, table: Table, where) -> int:
    """Delete the rows of `table` matching `where` with Core, recording each whole row; returns how many."""
    session.flush()
    connection = session.connection()
    rows = [dict(row._mapping) for row in connection.execute(select(table).where(where))]
    if rows:
        connection.execute(table.delete().where(where))
        _append(connection, [_entry(connection, table.name, "delete", row, old=row_text(row)) for row in rows])
        for obj in list(session.identity_map.values()):
            if getattr(obj, "__tablename__", None) == table.name:
                session.expire(obj)
    return len(rows)


# -- the guard: no write without its entries ----------------------------------------------------------------------

_WRITE = re.compile(r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


class UnauditedWrite(ExitTuiError):
    """A service wrote a table without recording it in the audit log (a programming error; nothing is saved)."""


def _watch(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    match = _WRITE.match(statement)
    if match:
        connection.info.setdefault("written", set()).add(match[1].lower())


def _begin(connection) -> None:
    for key in ("written", "audited", "audit_at"):
        connection.info.pop(key, None)


event.listen(Engine, "before_cursor_execute", _watch)
event.listen(Engine, "begin", _begin)


def require_audited(session: Session) -> None:
    """Raise UnauditedWrite if this transaction wrote a table without audit entries for it."""
    session.flush()
    info = session.connection().info
    audited = info.get("audited", set())
    missing = sorted(
        table for table in info.get("written", ())
        if table not in UNAUDITED and (table not in AUDITED or AUDITED[table].entity not in audited)
    )
    if missing:
        raise UnauditedWrite(_("error.unaudited_write", tables=", ".join(missing)))


# -- reading and verifying ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRead:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    public_id: str
    field: str
    old: str | None
    new: str | None


def list_entries(session: Session, project_id: int, limit: int | None = 500) -> list[AuditRead]:
    """Newest first (all of them with limit=None)."""
    rows = session.execute(
        select(*(_entries.c[name] for name in AuditRead.__dataclass_fields__))
        .where(_entries.c.project_id == project_id)
        .order_by(_entries.c.id.desc())
        .limit(limit)
    )
    return [AuditRead(*row) for row in rows]


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking the whole log."""

    entries: int
    """How many entries were checked."""
    broken_at: int | None = None
    """The id of the first entry that is not as written (None: the chain is whole)."""
    removed: bool = False
    """True when entries before `broken_at` are missing (ids skipped), rather than `broken_at` changed."""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> ChainCheck:
    """Recompute the hash chain over the whole log, in id order, and report the first entry that breaks it."""
    columns = [_entries.c[name] for name in HASHED] + [_entries.c.hash]
    result = session.connection().execution_options(stream_results=True).execute(
        select(*columns).order_by(_entries.c.id)
    )
    previous, expected_id, count = GENESIS, 1, 0
    for row in result:
        entry = row._mapping
        count += 1
        if entry["id"] != expected_id:
            return ChainCheck(count, entry["id"], removed=entry["id"] > expected_id)
        if entry_hash(previous, entry) != entry["hash"]:
            return ChainCheck(count, entry["id"])
        previous, expected_id = entry["hash"], expected_id + 1
    return ChainCheck(count)


def last_entry_id(session: Session) -> int:
    """The id of the newest entry (0 for an empty log): it changes with every write, so a screen that loaded
    when it was N knows, while it is still N, that nothing changed."""
    return session.execute(select(func.max(_entries.c.id))).scalar() or 0


def row_versions(session: Session, project_id: int, table: str) -> dict[str, int]:
    """Public id -> the id of the newest audit entry of that row of `table` (its version: it grows with every
    change of the row). Rows never changed through the log are missing (version 0)."""
    entity = AUDITED[table].entity
    rows = session.execute(
        select(_entries.c.public_id, func.max(_entries.c.id))
        .where(_entries.c.project_id == project_id, _entries.c.entity == entity)
        .group_by(_entries.c.public_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class LastChange:
    """Who changed a row last, and when."""

    actor: str
    at: datetime


def last_changes(session: Session, ids: Iterable[int]) -> dict[int, LastChange]:
    """The entries of the given ids, as who and when."""
    ids = list(ids)
    found: dict[int, LastChange] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(select(_entries.c.id, _entries.c.actor, _entries.c.at)
                               .where(_entries.c.id.in_(ids[start:start + 500])))
        found.update({entry_id: LastChange(actor, at) for entry_id, actor, at in rows})
    return found


def entry_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(_entries)).scalar_one()
