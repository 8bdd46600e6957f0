"""Stable, human-readable public ids (`P-0001`, `T-0042`) handed out from a counter, never reused.

Ids inside a project count per project and prefix (id_counter); project ids count across the database, in the
`meta` row LAST_PROJECT (a project's counters belong to it and go with it).
"""

from typing import Any

from sqlmodel import Session, select

from ..db.models import IdCounter, Meta
from .errors import NotFound

LAST_PROJECT = "last_project_number"
"""The `meta` key of the last project number handed out."""


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


def next_project_id(session: Session) -> str:
    """`P-0001`, `P-0002`, … across the database."""
    last = session.get(Meta, LAST_PROJECT)
    if last is None:
        last = Meta(key=LAST_PROJECT, value="0")
    last.value = str(int(last.value) + 1)
    session.add(last)
    return f"P-{int(last.value):04d}"


def row_of(session: Session, model: Any, project_id: int, public_id: str, missing: str) -> Any:
    """The project's row of `model` with this public id, as typed in any width or case (`r-5` is R-0005); else
    NotFound with the catalog key `missing`."""
    from .imports import normalize_id  # the import machinery builds on the services

    row = session.scalars(select(model).where(model.project_id == project_id,
                                              model.public_id == normalize_id(public_id))).first()
    if row is None:
        raise NotFound(missing, value=public_id)
    return row
