"""The append-only audit log. Every write in services/ records entries here in the same transaction."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from ..db.models import AuditEntry

_actor = "unknown"


def set_actor(name: str) -> None:
    """Who is recorded as making changes from now on (set once at start-up)."""
    global _actor
    _actor = name


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


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
    """Add one audit entry (action: create, update, delete) to the current transaction."""
    session.add(
        AuditEntry(
            project_id=project_id,
            at=datetime.now(UTC),
            actor=_actor,
            action=action,
            entity=entity,
            public_id=public_id,
            field=field,
            old=_text(old),
            new=_text(new),
        )
    )


@dataclass(frozen=True)
class AuditRead:
    at: datetime
    actor: str
    action: str
    entity: str
    public_id: str
    field: str
    old: str | None
    new: str | None


def list_entries(session: Session, project_id: int, limit: int = 500) -> list[AuditRead]:
    """Newest first."""
    rows = session.exec(
        select(AuditEntry)
        .where(AuditEntry.project_id == project_id)
        .order_by(col(AuditEntry.id).desc())
        .limit(limit)
    )
    return [
        AuditRead(r.at, r.actor, r.action, r.entity, r.public_id, r.field, r.old, r.new) for r in rows
    ]
