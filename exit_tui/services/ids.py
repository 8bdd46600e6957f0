"""Stable, human-readable public ids (`P-0001`, `T-0042`) handed out from a counter, never reused."""

from sqlmodel import Session

from ..db.models import IdCounter

GLOBAL = 0  # the counter "project" for ids that are unique across the database (projects)


def next_public_ids(session: Session, project_id: int, prefix: str, count: int = 1) -> list[str]:
    counter = session.get(IdCounter, (project_id, prefix))
    if counter is None:
        counter = IdCounter(project_id=project_id, prefix=prefix, last=0)
    first = counter.last + 1
    counter.last += count
    session.add(counter)
    return [f"{prefix}-{n:04d}" for n in range(first, first + count)]


def next_public_id(session: Session, project_id: int, prefix: str) -> str:
    return next_public_ids(session, project_id, prefix)[0]
