"""Facts about the database itself (the `meta` table)."""

from sqlmodel import Session

from ..db.models import Meta

DATABASE_ID = "database_id"


def database_id(session: Session) -> str:
    """This database's own id (a uuid4 hex written when it was created or upgraded). Calendar UIDs carry it, so
    that P-0001's T-0042 in the demo and in a real database are two events, not one.

    Raises LookupError when the row is missing (the migrations write it: a database they did not make)."""
    row = session.get(Meta, DATABASE_ID)
    if row is None or not row.value:
        raise LookupError(f"the meta table has no {DATABASE_ID}")
    return row.value
