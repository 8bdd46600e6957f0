"""Undo the last change of a project (ctrl+z), from the audit log.

A change is what one service call wrote: its entries share one time (services/audit.py stamps a transaction
once). Undoing it writes the opposite through the audited write path, so the undo is itself a change in the
log (and a second undo redoes). Updates go back to their old values, created rows are removed and removed rows
come back whole. Changes that created or removed a whole project are not undone here.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, select
from sqlmodel import Session

from ..db.models import AuditEntry, Task
from . import audit
from ..i18n.labels import entity_label
from .errors import UserError

_log: Table = AuditEntry.__table__

@dataclass(frozen=True)
class Change:
    """One change of a project as the log has it."""

    at: datetime
    actor: str
    entries: int
    """How many entries (fields, rows) it wrote."""
    rows: tuple[str, ...]
    """The rows it touched (`T-0042`), in the order they were written."""


def _entity_table(entity: str) -> Table:
    """The table whose rows the log names `entity` (every table declared in audit.AUDITED)."""
    for spec in audit.AUDITED.values():
        if spec.entity == entity:
            return spec.table
    raise UserError("undo.not_possible", what=entity_label(entity))


def _last_entries(session: Session, project_id: int) -> list[dict]:
    newest = session.execute(
        select(_log.c.at).where(_log.c.project_id == project_id).order_by(_log.c.id.desc()).limit(1)
    ).scalar()
    if newest is None:
        return []
    rows = session.execute(
        select(_log).where(_log.c.project_id == project_id, _log.c.at == newest).order_by(_log.c.id)
    )
    return [dict(row._mapping) for row in rows]


def last_change(session: Session, project_id: int) -> Change | None:
    """The newest change of the project (what ctrl+z would undo), or None."""
    entries = _last_entries(session, project_id)
    if not entries:
        return None
    return Change(entries[0]["at"], entries[0]["actor"], len(entries),
                  tuple(dict.fromkeys(e["public_id"] for e in entries)))


def _typed(table: Table, column: str, value: str | None) -> Any:
    """A value as the log stores it (text; a whole row's JSON keeps numbers and booleans) -> the column's value."""
    if not isinstance(value, str):
        return value
    column_type = table.c[column].type
    kind = getattr(column_type, "impl", column_type).python_type  # a TypeDecorator: what it stores
    if kind is bool:
        return value in ("True", "1", "true")
    if kind is date:
        return date.fromisoformat(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is int:
        return int(value)
    return value


def _row_where(table: Table, entity: str, name: str, project_id: int):
    if entity == "occurrence":
        task_id, day = name.rsplit(" ", 1)
        task = select(Task.__table__.c.id).where(Task.__table__.c.project_id == project_id,
                                                Task.__table__.c.public_id == task_id).scalar_subquery()
        return and_(table.c.task_id == task, table.c.occurs_on == date.fromisoformat(day))
    if "project_id" in table.c:
        return and_(table.c.project_id == project_id, table.c.public_id == name)
    return table.c.public_id == name


def undo_last(session: Session, project_id: int) -> Change:
    """Undo the project's newest change (itself audited); raises UserError when there is none or it cannot be."""
    entries = _last_entries(session, project_id)
    if not entries:
        raise UserError("undo.nothing")
    if any(e["entity"] in ("project", "phase") and e["action"] != "update" for e in entries):
        raise UserError("undo.not_possible", what=entity_label(entries[0]["entity"]))
    for entry in reversed(entries):  # the opposite, newest first
        table = _entity_table(entry["entity"])
        where = _row_where(table, entry["entity"], entry["public_id"], project_id)
        if entry["action"] == "update":
            key = session.execute(select(*table.primary_key.columns).where(where)).scalar()
            if key is None:
                raise UserError("undo.row_gone", value=entry["public_id"])
            row = dict(session.execute(select(table).where(where)).one()._mapping)
            audit.update_rows(session, table, [audit.RowUpdate(
                key, row, {entry["field"]: _typed(table, entry["field"], entry["old"])})])
        elif entry["action"] == "create":
            audit.delete_rows(session, table, where)
        else:  # delete: the whole row comes back, under its old id
            stored = json.loads(entry["old"])
            audit.insert_rows(session, table, [{k: _typed(table, k, v) for k, v in stored.items() if k in table.c}])
    return Change(entries[0]["at"], entries[0]["actor"], len(entries),
                  tuple(dict.fromkeys(e["public_id"] for e in entries)))
